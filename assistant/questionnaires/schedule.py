"""When a questionnaire is offered: pure rules over a plain record, stored by the journal.

Off by default: a caregiver or clinic enables an instrument with a period
(`--every 14d`). It is then due when the last COMPLETED run is older than the
period (a stopped run does not count). A due instrument is offered at most once
a day; "not today" puts it off to the next day; "no more of these" stops the
offers until the person asks for them again (the caregiver sees it in
`questionnaires status`). The person may still ask for an enabled instrument at
any time.

All times are timezone-aware; "a day" is the person's local calendar day, the
day of `now`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import Enum


@dataclass(frozen=True)
class Schedule:
    """One instrument's schedule, as the journal would store it."""

    instrument_id: str
    every: timedelta
    """How often it is due, counted from the last completed run."""
    last_completed_at: datetime | None = None
    last_offered_at: datetime | None = None
    postponed_until: date | None = None
    """The local day from which it may be offered again ("not today")."""
    declined_at: datetime | None = None
    """When the person said "no more of these": no offers since, until they ask again."""


class Offer(str, Enum):
    """Whether to offer the instrument now, and if not, why (for `questionnaires status`)."""

    OFFER = "offer"
    DECLINED = "declined"
    NOT_DUE = "not_due"
    POSTPONED = "postponed"
    OFFERED_TODAY = "offered_today"


_PERIOD = re.compile(r"^\s*(\d+)\s*([dw])\s*$", re.IGNORECASE)
_DAYS_PER_UNIT = {"d": 1, "w": 7}


def parse_every(text: str) -> timedelta:
    """"14d" or "2w" -> 14 days; ValueError with a sentence for anything else."""
    match = _PERIOD.match(text)
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"'{text}' is not a period: write a number of days or weeks, like 14d or 2w.")
    return timedelta(days=int(match.group(1)) * _DAYS_PER_UNIT[match.group(2).lower()])


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("schedule times must carry their time zone")
    return moment


def _day(moment: datetime, now: datetime) -> date:
    """The local calendar day of `moment`, in `now`'s time zone."""
    return _aware(moment).astimezone(now.tzinfo).date()


def due_at(schedule: Schedule) -> datetime | None:
    """When it falls due; None when it is due since it was enabled (never completed)."""
    if schedule.last_completed_at is None:
        return None
    return _aware(schedule.last_completed_at) + schedule.every


def is_due(schedule: Schedule, now: datetime) -> bool:
    when = due_at(schedule)
    return when is None or _aware(now) >= when


def offer_decision(schedule: Schedule, now: datetime) -> Offer:
    """Whether to offer the instrument at `now` (after a check-in, or at the start of a conversation)."""
    today = _aware(now).date()
    if schedule.declined_at is not None:
        return Offer.DECLINED
    if not is_due(schedule, now):
        return Offer.NOT_DUE
    if schedule.postponed_until is not None and today < schedule.postponed_until:
        return Offer.POSTPONED
    if schedule.last_offered_at is not None and _day(schedule.last_offered_at, now) == today:
        return Offer.OFFERED_TODAY
    return Offer.OFFER


def offered(schedule: Schedule, now: datetime) -> Schedule:
    return replace(schedule, last_offered_at=_aware(now))


def not_today(schedule: Schedule, now: datetime) -> Schedule:
    """"Not today": offered again from the next local day, no sooner."""
    return replace(schedule, last_offered_at=_aware(now), postponed_until=now.date() + timedelta(days=1))


def no_more(schedule: Schedule, now: datetime) -> Schedule:
    """"No more of these": no more offers; the person may still ask for it."""
    return replace(schedule, declined_at=_aware(now))


def resume_offers(schedule: Schedule) -> Schedule:
    """The person asked for the offers again."""
    return replace(schedule, declined_at=None)


def completed(schedule: Schedule, at: datetime) -> Schedule:
    """A complete run ended at `at`: the next one falls due `every` later."""
    return replace(schedule, last_completed_at=_aware(at), postponed_until=None)
