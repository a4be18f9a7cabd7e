"""The assistant's clock, real or virtual.

Everything timed (speech, exercise cues, waiting for an answer) asks the clock,
so the same code runs in real time and, for tests and machine mode, on a
virtual clock that jumps instead of sleeping.
"""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the conversation started."""

    def sleep_until(self, moment: float) -> None:
        """Let time pass until `moment` (no-op if it is already past)."""


class RealClock:
    """Wall-clock time, counted from the clock's creation."""

    def __init__(self) -> None:
        self._start = time.monotonic()

    def now(self) -> float:
        return time.monotonic() - self._start

    def sleep_until(self, moment: float) -> None:
        delay = moment - self.now()
        if delay > 0:
            time.sleep(delay)


class VirtualClock:
    """Time that passes only when asked to: a ten-minute exercise runs in milliseconds."""

    def __init__(self) -> None:
        self._now = 0.0

    def now(self) -> float:
        return self._now

    def sleep_until(self, moment: float) -> None:
        self._now = max(self._now, moment)
