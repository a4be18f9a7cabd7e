"""When an enabled questionnaire is offered: due after its period, once a day, "not today", "no more"."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest

from assistant.questionnaires import schedule
from assistant.questionnaires.schedule import Offer, Schedule

PARIS_WINTER = timezone(timedelta(hours=1))
MONDAY_MORNING = datetime(2026, 3, 2, 9, 30, tzinfo=PARIS_WINTER)


def _at(days: float = 0, hours: float = 0) -> datetime:
    return MONDAY_MORNING + timedelta(days=days, hours=hours)


@pytest.mark.parametrize("text, days", [("14d", 14), ("2w", 14), ("30d", 30), (" 7D ", 7), ("1w", 7)])
def test_periods_are_read_in_days_or_weeks(text, days):
    assert schedule.parse_every(text) == timedelta(days=days)


@pytest.mark.parametrize("text", ["", "14", "two weeks", "0d", "-3d", "1m", "14h"])
def test_a_period_that_is_not_one_is_refused_with_a_sentence(text):
    with pytest.raises(ValueError, match="write a number of days or weeks, like 14d or 2w"):
        schedule.parse_every(text)


def test_a_new_instrument_is_offered_at_once_then_not_until_its_period_has_passed():
    who5 = Schedule("who5", timedelta(days=14))
    assert schedule.offer_decision(who5, _at()) is Offer.OFFER
    done = schedule.completed(schedule.offered(who5, _at()), _at(hours=1))
    assert schedule.due_at(done) == _at(days=14, hours=1)
    assert schedule.offer_decision(done, _at(days=13, hours=23)) is Offer.NOT_DUE
    assert schedule.offer_decision(done, _at(days=14, hours=1)) is Offer.OFFER


def test_an_incomplete_run_does_not_count_as_done():
    who5 = schedule.offered(Schedule("who5", timedelta(days=14)), _at())
    assert schedule.offer_decision(who5, _at(hours=2)) is Offer.OFFERED_TODAY
    assert schedule.offer_decision(who5, _at(days=1)) is Offer.OFFER


def test_it_is_offered_at_most_once_a_local_day():
    who5 = schedule.offered(Schedule("who5", timedelta(days=14)), _at(hours=12))   # 21:30
    assert schedule.offer_decision(who5, _at(hours=14)) is Offer.OFFERED_TODAY                 # 23:30
    assert schedule.offer_decision(who5, _at(hours=14, days=0) + timedelta(minutes=31)) is Offer.OFFER  # 00:01
    in_utc = schedule.offered(Schedule("who5", timedelta(days=14)),
                              datetime(2026, 3, 2, 23, 30, tzinfo=timezone.utc))           # 00:30 in Paris
    assert schedule.offer_decision(in_utc, _at(days=1)) is Offer.OFFERED_TODAY             # the same Paris day


def test_not_today_puts_it_off_to_the_next_day():
    who5 = schedule.not_today(Schedule("who5", timedelta(days=14)), _at())
    assert who5.postponed_until == date(2026, 3, 3)
    assert schedule.offer_decision(who5, _at(hours=10)) is Offer.POSTPONED
    assert schedule.offer_decision(who5, _at(days=1)) is Offer.OFFER
    assert schedule.offer_decision(schedule.offered(who5, _at(days=1)), _at(days=1, hours=3)) is Offer.OFFERED_TODAY


def test_no_more_of_these_stops_the_offers_but_not_the_person_asking():
    who5 = schedule.no_more(Schedule("who5", timedelta(days=14)), _at())
    assert schedule.offer_decision(who5, _at(days=30)) is Offer.DECLINED
    again = replace(who5, every=timedelta(days=7))
    assert schedule.offer_decision(again, _at(days=30)) is Offer.DECLINED  # the caregiver cannot lift the person's "no"
    assert schedule.offer_decision(schedule.resume_offers(again), _at(days=30)) is Offer.OFFER


def test_times_without_a_time_zone_are_refused():
    who5 = Schedule("who5", timedelta(days=14))
    with pytest.raises(ValueError, match="time zone"):
        schedule.offered(who5, datetime(2026, 3, 2, 9, 30))
