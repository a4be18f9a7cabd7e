"""When reminders come back and what is due: local time through daylight-saving nights, quiet hours,
retries and snoozes, and what is left of reminders missed while the device was off."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from assistant.schedule.agenda import CATCH_UP_S, RECHECK_S, RETRY_AFTER_S, SNOOZE_S, Agenda, Occurrence
from assistant.schedule.purpose import CHECKIN, EXERCISE, PLAIN, Purpose
from assistant.schedule.recurrence import WEEK, QuietHours, Recurrence
from assistant.schedule.store import Reminder

PARIS = ZoneInfo("Europe/Paris")
QUIET = QuietHours(time(21, 30), time(8, 0))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


def reminder(number: int, recurrence: Recurrence, explicit: bool = True, created: str = "2026-03-01T00:00",
             handled: str | None = None, purpose: Purpose = Purpose(EXERCISE, "breathing")) -> Reminder:
    return Reminder(number, purpose, recurrence, explicit, True, at(created),
                    at(handled) if handled else None)


def agenda(**options) -> Agenda:
    return Agenda(PARIS, lambda: QUIET, **options)


def test_a_daily_reminder_keeps_its_wall_clock_time_through_the_spring_and_autumn_changes():
    daily = Recurrence(time(9, 0), WEEK)
    spring = daily.next_after(at("2026-03-28T09:00"), PARIS)
    assert spring.astimezone(PARIS).isoformat() == "2026-03-29T09:00:00+02:00"
    assert spring - at("2026-03-28T09:00").astimezone(timezone.utc) == timedelta(hours=23)
    autumn = daily.next_after(at("2026-10-24T09:00"), PARIS)
    assert autumn.astimezone(PARIS).isoformat() == "2026-10-25T09:00:00+01:00"
    assert autumn - at("2026-10-24T09:00").astimezone(timezone.utc) == timedelta(hours=25)


def test_a_time_the_clocks_skip_comes_after_the_jump_and_a_time_they_repeat_comes_once():
    skipped = Recurrence(time(2, 30), WEEK).next_after(at("2026-03-28T12:00"), PARIS)
    assert skipped.astimezone(PARIS).isoformat() == "2026-03-29T03:30:00+02:00"
    repeated = Recurrence(time(2, 30), WEEK)
    first = repeated.next_after(at("2026-10-24T12:00"), PARIS)
    assert first.astimezone(PARIS).isoformat() == "2026-10-25T02:30:00+02:00"
    assert repeated.next_after(first, PARIS).astimezone(PARIS).isoformat() == "2026-10-26T02:30:00+01:00"


def test_weekdays_and_one_offs():
    mondays_wednesdays = Recurrence(time(9, 0), frozenset({0, 2}))
    saturday = at("2026-03-28T10:00")
    assert mondays_wednesdays.next_after(saturday, PARIS) == at("2026-03-30T09:00")
    assert mondays_wednesdays.latest_until(saturday, PARIS) == at("2026-03-25T09:00")
    once = Recurrence(time(17, 55), frozenset(), date(2026, 3, 28))
    assert once.next_after(at("2026-03-28T17:00"), PARIS) == at("2026-03-28T17:55")
    assert once.next_after(at("2026-03-28T18:00"), PARIS) is None
    assert Recurrence.from_codes("09:00", mondays_wednesdays.days_code, None) == mondays_wednesdays
    assert Recurrence.from_codes("17:55", "", "2026-03-28") == once


def test_quiet_hours_across_midnight():
    assert QUIET.hold(at("2026-03-28T22:00")) and QUIET.hold(at("2026-03-29T07:59"))
    assert not QUIET.hold(at("2026-03-28T21:29")) and not QUIET.hold(at("2026-03-29T08:00"))
    assert QUIET.end_after(at("2026-03-28T22:00")) == at("2026-03-29T08:00")
    assert QUIET.end_after(at("2026-03-29T06:00")) == at("2026-03-29T08:00")


def test_a_reminder_is_due_at_its_moment_and_said_again_once_after_no_answer():
    plan = agenda()
    evening = reminder(1, Recurrence(time(18, 0), WEEK))
    before = plan.review([evening], at("2026-03-28T17:55"))
    assert before.due == [] and before.next_at == at("2026-03-28T18:00")
    due = plan.review([evening], at("2026-03-28T18:00"))
    assert [occurrence.moment for occurrence in due.due] == [at("2026-03-28T18:00")]
    said = due.due[0]
    handled = Reminder(1, evening.purpose, evening.recurrence, True, True, evening.created_at, said.moment)
    again = plan.say_again(said, RETRY_AFTER_S, at("2026-03-28T18:00:30"))
    assert again.retried and not again.snoozed
    review = plan.review([handled], at("2026-03-28T18:01"))
    assert review.due == [] and review.next_at == at("2026-03-28T18:05:30")
    assert plan.review([handled], at("2026-03-28T18:05:30")).due == [again]
    plan.drop(again)
    assert plan.review([handled], at("2026-03-28T18:06")).next_at == at("2026-03-28T18:16")


def test_later_comes_back_half_an_hour_on():
    plan = agenda()
    evening = reminder(1, Recurrence(time(18, 0), WEEK), handled="2026-03-28T18:00")
    occurrence = Occurrence(evening, at("2026-03-28T18:00"), at("2026-03-28T18:00"))
    snoozed = plan.say_again(occurrence, SNOOZE_S, at("2026-03-28T18:00:20"), snoozed=True)
    assert snoozed.snoozed and plan.review([evening], at("2026-03-28T18:25")).next_at == at("2026-03-28T18:30:20")
    assert plan.review([evening], at("2026-03-28T18:30:20")).due == [snoozed]


def test_quiet_hours_hold_all_but_a_reminder_set_explicitly_for_them():
    plan = agenda()
    explicit = reminder(1, Recurrence(time(22, 0), WEEK), explicit=True, handled="2026-03-28T08:00")
    proposed = reminder(2, Recurrence(time(7, 30), WEEK), explicit=False, purpose=Purpose(CHECKIN),
                        handled="2026-03-28T08:00")
    review = plan.review([explicit, proposed], at("2026-03-28T21:55"))
    assert review.next_at == at("2026-03-28T22:00")
    night = plan.review([explicit, proposed], at("2026-03-28T22:00"))
    assert [occurrence.reminder.id for occurrence in night.due] == [1]
    handled = reminder(1, explicit.recurrence, handled="2026-03-28T22:00")
    assert plan.review([handled, proposed], at("2026-03-29T07:30")).due == []
    assert plan.review([handled, proposed], at("2026-03-29T07:55")).next_at == at("2026-03-29T08:00")
    morning = plan.review([handled, proposed], at("2026-03-29T08:00"))
    assert [(occurrence.reminder.id, occurrence.moment) for occurrence in morning.due] == [(2, at("2026-03-29T07:30"))]


def test_a_retry_of_an_explicit_reminder_is_said_in_the_quiet_hours_but_a_snooze_is_not():
    plan = agenda()
    explicit = reminder(1, Recurrence(time(22, 0), WEEK), handled="2026-03-28T22:00")
    occurrence = Occurrence(explicit, at("2026-03-28T22:00"), at("2026-03-28T22:00"))
    retry = plan.say_again(occurrence, RETRY_AFTER_S, at("2026-03-28T22:00:30"))
    assert plan.when_said(retry, retry.due_at) == retry.due_at
    snoozed = plan.say_again(occurrence, SNOOZE_S, at("2026-03-28T22:00:30"), snoozed=True)
    assert plan.when_said(snoozed, snoozed.due_at) == at("2026-03-29T08:00")
    assert plan.expired(snoozed, at("2026-03-29T08:00"))


def test_of_reminders_missed_while_off_only_the_latest_is_said_and_only_within_the_hour():
    plan = agenda()
    morning = reminder(1, Recurrence(time(9, 0), WEEK), handled="2026-03-28T09:00")
    noon = reminder(2, Recurrence(time(12, 0), WEEK), handled="2026-03-28T12:00")
    afternoon = reminder(3, Recurrence(time(15, 0), WEEK), handled="2026-03-28T15:00",
                         purpose=Purpose(PLAIN, label="call Anne"))
    review = plan.review([morning, noon, afternoon], at("2026-03-29T15:40"))
    assert [occurrence.reminder.id for occurrence in review.due] == [3]
    assert sorted(occurrence.reminder.id for occurrence in review.missed) == [1, 2]
    late = plan.review([morning, noon, afternoon], at("2026-03-29T16:01"))
    assert late.due == [] and sorted(occurrence.reminder.id for occurrence in late.missed) == [1, 2, 3]
    assert (late.next_at - at("2026-03-29T16:01")).total_seconds() == RECHECK_S
    assert CATCH_UP_S == 3600


def test_a_record_ahead_of_the_clock_is_brought_back_to_it():
    plan = agenda()
    from_the_future = reminder(1, Recurrence(time(18, 0), WEEK), created="2026-12-01T23:00")
    review = plan.review([from_the_future], at("2026-03-28T17:55"))
    assert review.first_seen == [(from_the_future, at("2026-03-28T17:55"))]
    assert review.next_at == at("2026-03-28T18:00")


def test_what_is_not_wanted_any_more_is_skipped_without_a_word():
    plan = agenda(wanted=lambda occurrence: occurrence.reminder.purpose.kind != CHECKIN)
    checkin = reminder(1, Recurrence(time(10, 0), WEEK), handled="2026-03-27T10:00", purpose=Purpose(CHECKIN))
    review = plan.review([checkin], at("2026-03-28T10:00"))
    assert review.due == [] and review.missed == [] and [o.reminder.id for o in review.skipped] == [1]


def test_a_reminder_turned_off_is_never_due():
    plan = agenda()
    off = Reminder(1, Purpose(CHECKIN), Recurrence(time(18, 0), WEEK), True, False, at("2026-03-01T00:00"))
    assert plan.review([off], at("2026-03-28T18:00")).due == []
