"""When a reminder comes back, in local time, through daylight-saving changes; and the quiet hours.

A reminder is a time of day on some days of the week, or once on a date. Its
moments are computed in the device's zone (zoneinfo) and compared in UTC, so a
spring night that is an hour shorter or an autumn night an hour longer moves
nothing: a reminder at 09:00 is said at 09:00 on the clock on the wall. A time
that does not exist that night (02:30 when clocks jump from 02:00 to 03:00)
comes at the same distance after the jump (03:30); a time that happens twice
comes the first time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo

WEEK = frozenset(range(7))
"""Every day of the week, Monday = 0 (as Python counts them)."""
DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""How days are written in the journal (and on the command line)."""
LOOK_AROUND_DAYS = 8
"""A weekly reminder comes back within a week: searching this many days either side always finds it."""


def clock_time(text: str) -> time:
    """"18:00", "8:05", "08h30" as a time of day; ValueError otherwise."""
    cleaned = text.strip().lower().replace("h", ":")
    hours, _, minutes = cleaned.partition(":")
    if not hours.isdigit() or not (minutes.isdigit() or minutes == "") or len(minutes) not in (0, 2):
        raise ValueError(f"not a time of day like 18:00: {text}")
    return time(int(hours), int(minutes or 0))


def moment_on(day: date, at: time, zone: tzinfo) -> datetime:
    """The instant (in UTC) of `at` on `day` in `zone`: a time the clocks skip comes after the jump.

    Instants are kept in UTC: Python compares and subtracts two datetimes of the same
    zone by their wall-clock times, which is an hour off across a daylight-saving change.
    """
    return datetime.combine(day, at, tzinfo=zone).astimezone(timezone.utc)


@dataclass(frozen=True)
class Recurrence:
    """A time of day on some weekdays, or once on a date."""

    at: time
    """The local time of day."""
    weekdays: frozenset[int] = WEEK
    """The days it comes back on (Monday = 0); empty for a one-off reminder."""
    on: date | None = None
    """The local date of a one-off reminder."""

    def __post_init__(self) -> None:
        if (self.on is None) == (not self.weekdays):
            raise ValueError("a reminder comes back on some weekdays, or once on a date, not both or neither")

    @property
    def once(self) -> bool:
        return self.on is not None

    @property
    def daily(self) -> bool:
        return self.weekdays == WEEK

    def next_after(self, after: datetime, zone: tzinfo) -> datetime | None:
        """The first moment (UTC) strictly after `after` (aware), or None when a one-off has passed."""
        if self.on is not None:
            moment = moment_on(self.on, self.at, zone)
            return moment if moment > after else None
        start = after.astimezone(zone).date() - timedelta(days=1)
        for offset in range(LOOK_AROUND_DAYS + 1):
            day = start + timedelta(days=offset)
            if day.weekday() in self.weekdays:
                moment = moment_on(day, self.at, zone)
                if moment > after:
                    return moment
        return None

    def latest_until(self, until: datetime, zone: tzinfo) -> datetime | None:
        """The last moment (UTC) at or before `until`, if any."""
        if self.on is not None:
            moment = moment_on(self.on, self.at, zone)
            return moment if moment <= until else None
        end = until.astimezone(zone).date() + timedelta(days=1)
        for offset in range(LOOK_AROUND_DAYS + 1):
            day = end - timedelta(days=offset)
            if day.weekday() in self.weekdays:
                moment = moment_on(day, self.at, zone)
                if moment <= until:
                    return moment
        return None

    # As the journal keeps it ---------------------------------------------------

    @property
    def days_code(self) -> str:
        """"mon,wed" for some weekdays, "daily", or "" for a one-off."""
        if self.daily:
            return "daily"
        return ",".join(DAY_CODES[day] for day in sorted(self.weekdays))

    @classmethod
    def from_codes(cls, at: str, days: str, on: str | None) -> Recurrence:
        if on:
            return cls(clock_time(at), frozenset(), date.fromisoformat(on))
        weekdays = WEEK if days == "daily" else frozenset(DAY_CODES.index(code) for code in days.split(","))
        return cls(clock_time(at), weekdays)


@dataclass(frozen=True)
class QuietHours:
    """The hours in which the assistant does not speak first, except for a reminder set explicitly for them."""

    start: time
    end: time

    def hold(self, moment: datetime) -> bool:
        """Whether `moment` (aware, local) falls in the quiet hours."""
        now = moment.time().replace(tzinfo=None)
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= now < self.end
        return now >= self.start or now < self.end

    def end_after(self, moment: datetime) -> datetime:
        """When (UTC) the quiet hours that hold `moment` (aware, local) end."""
        zone = moment.tzinfo
        day = moment.date()
        end = moment_on(day, self.end, zone)
        return end if end > moment else moment_on(day + timedelta(days=1), self.end, zone)
