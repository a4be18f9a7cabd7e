"""The assistant's clock, real or virtual.

Everything timed (speech, exercise cues, waiting for an answer) asks the clock,
so the same code runs in real time and, for tests and machine mode, on a
virtual clock that jumps instead of sleeping. The clock also tells the local
time of day (for the journal, trends, reminders): on the virtual clock it
starts wherever `--now` puts it, so a test can live through a fortnight.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the conversation started."""

    def sleep_until(self, moment: float) -> None:
        """Let time pass until `moment` (no-op if it is already past)."""

    def local_time(self) -> datetime:
        """The date and time of day now, in the device's time zone (timezone-aware)."""


def device_zone(name: str | None = None) -> tzinfo:
    """The time zone `name` (a setting, "Europe/Paris"), else the device's own, with its daylight-saving rules."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    import tzlocal

    return tzlocal.get_localzone()


class RealClock:
    """Wall-clock time, counted from the clock's creation."""

    def __init__(self, zone: tzinfo | None = None) -> None:
        self._start = time.monotonic()
        self._zone = zone or device_zone()

    def now(self) -> float:
        return time.monotonic() - self._start

    def sleep_until(self, moment: float) -> None:
        delay = moment - self.now()
        if delay > 0:
            time.sleep(delay)

    def local_time(self) -> datetime:
        return datetime.now(self._zone)


class VirtualClock:
    """Time that passes only when asked to: a ten-minute exercise runs in milliseconds."""

    def __init__(self, start: datetime | None = None, zone: tzinfo | None = None) -> None:
        """`start` is the local time the clock starts at (naive: in `zone`); default: now."""
        zone = zone or device_zone()
        if start is None:
            start = datetime.now(zone)
        elif start.tzinfo is None:
            start = start.replace(tzinfo=zone)
        self._start_utc = start.astimezone(ZoneInfo("UTC"))
        self._zone = zone
        self._now = 0.0

    def now(self) -> float:
        return self._now

    def sleep_until(self, moment: float) -> None:
        self._now = max(self._now, moment)

    def local_time(self) -> datetime:
        """Counted in UTC and shown in the zone, so a daylight-saving night is an hour shorter or longer."""
        return (self._start_utc + timedelta(seconds=self._now)).astimezone(self._zone)
