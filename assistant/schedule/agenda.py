"""What is due, and when: the rules that keep reminders gentle, apart from any speaking.

- A reminder is said at its moment, or as soon as the conversation is idle
  after it (the router asks only when no question waits).
- No answer: once more RETRY_AFTER_S later, then nothing until the next one.
  "Later": once, SNOOZE_S later.
- Quiet hours hold everything but a reminder set explicitly for a time in
  them (and its one retry): what they hold waits for their end.
- Of what was missed (the device off, a long conversation), at most the
  latest is said, and only within CATCH_UP_S of its moment; the rest is missed.

Instants are aware datetimes in UTC (recurrence.moment_on says why); local
time is used only to know the time of day, so a daylight-saving change
moves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Callable, Iterable

from assistant.schedule.recurrence import QuietHours
from assistant.schedule.store import Reminder

RETRY_AFTER_S = 300.0
"""No answer to a reminder: it is said once more this long after (seconds)."""
SNOOZE_S = 1800.0
""""Later": the reminder comes back this long after (seconds), once."""
CATCH_UP_S = 3600.0
"""A reminder that could not be said for this long after its moment is missed, not said late (seconds)."""
EXPLICIT_WINDOW_S = 600.0
"""A reminder set explicitly for a time in the quiet hours may be said this long after it (its retry included)."""
RECHECK_S = 600.0
"""How often the reminders are read again, for those a caregiver adds meanwhile from the command line (seconds)."""


@dataclass(frozen=True)
class Occurrence:
    """One time a reminder comes up."""

    reminder: Reminder
    moment: datetime
    """The moment it was set for."""
    due_at: datetime
    """When it is to be said: its moment, or a retry or snooze after it."""
    retried: bool = False
    snoozed: bool = False

    @property
    def key(self) -> tuple[int | str, datetime]:
        return self.reminder.id, self.moment

    @property
    def again(self) -> bool:
        """A retry or a snooze (not its first time)."""
        return self.retried or self.snoozed


@dataclass
class Review:
    """What the reminders amount to at one moment."""

    due: list[Occurrence] = field(default_factory=list)
    """To be said now, earliest first."""
    missed: list[Occurrence] = field(default_factory=list)
    """Past and never to be said: to be marked and reported."""
    skipped: list[Occurrence] = field(default_factory=list)
    """Past and not wanted (a check-in already done today): marked without a word."""
    first_seen: list[tuple[Reminder, datetime]] = field(default_factory=list)
    """Reminders whose record is ahead of the clock, with the moment to bring it back to."""
    next_at: datetime | None = None
    """When something is next to be said, if ever."""


class Agenda:
    """The reminders' moments, and the retries and snoozes waiting (kept in memory only)."""

    def __init__(self, zone: tzinfo, quiet: Callable[[], QuietHours],
                 wanted: Callable[[Occurrence], bool] = lambda occurrence: True):
        """`wanted` says whether an occurrence is still worth saying (a check-in is not, once done that day)."""
        self._zone = zone
        self._quiet = quiet
        self._wanted = wanted
        self._again: dict[tuple[int | str, datetime], Occurrence] = {}

    def say_again(self, occurrence: Occurrence, after_s: float, now: datetime, snoozed: bool = False) -> Occurrence:
        """Keep `occurrence` to be said once more, `after_s` from now (a retry or a snooze)."""
        due_at = now.astimezone(timezone.utc) + timedelta(seconds=after_s)
        again = replace(occurrence, due_at=due_at, retried=occurrence.retried or not snoozed,
                        snoozed=occurrence.snoozed or snoozed)
        self._again[again.key] = again
        return again

    def drop(self, occurrence: Occurrence) -> None:
        """It is over (accepted, declined, missed): no retry or snooze is left for it."""
        self._again.pop(occurrence.key, None)

    def when_said(self, occurrence: Occurrence, at: datetime) -> datetime:
        """When `occurrence`, due at `at`, can be said: at once, or when the quiet hours that hold it end."""
        quiet = self._quiet()
        at = at.astimezone(timezone.utc)
        if not quiet.hold(at.astimezone(self._zone)):
            return at
        if occurrence.reminder.explicit and (at - occurrence.moment).total_seconds() <= EXPLICIT_WINDOW_S:
            return at
        return quiet.end_after(at.astimezone(self._zone))

    def expired(self, occurrence: Occurrence, at: datetime) -> bool:
        """Whether it would be too late to say it at `at`."""
        late_from = occurrence.due_at if occurrence.again else occurrence.moment
        return (at.astimezone(timezone.utc) - late_from).total_seconds() > CATCH_UP_S

    def review(self, reminders: Iterable[Reminder], now: datetime) -> Review:
        """What is due now, what was missed, and when next (instants in UTC).

        Changes nothing but forgetting the retries of reminders that are gone.
        """
        now = now.astimezone(timezone.utc)
        review = Review()
        past: list[Occurrence] = []
        upcoming: list[Occurrence] = []
        keys = set()
        for reminder in reminders:
            if not reminder.active:
                continue
            since = reminder.since
            if since > now:
                review.first_seen.append((reminder, now))
                since = now
            latest = reminder.recurrence.latest_until(now, self._zone)
            if latest is not None and latest > since:
                past.append(Occurrence(reminder, latest, latest))
            following = reminder.recurrence.next_after(max(since, now), self._zone)
            if following is not None:
                upcoming.append(Occurrence(reminder, following, following))
            keys.add(reminder.id)
        for again in list(self._again.values()):
            if again.reminder.id not in keys:
                self._again.pop(again.key)
            elif again.due_at <= now:
                past.append(again)
            else:
                upcoming.append(again)
        first_times = [occurrence for occurrence in past if not occurrence.again]
        latest_moment = max((occurrence.moment for occurrence in first_times), default=None)
        candidates = []
        for occurrence in past:
            if not self._wanted(occurrence):
                review.skipped.append(occurrence)
                continue
            superseded = not occurrence.again and occurrence.moment < latest_moment
            said_at = self.when_said(occurrence, now)
            if superseded or self.expired(occurrence, said_at):
                review.missed.append(occurrence)
            elif said_at <= now:
                review.due.append(occurrence)
            else:
                candidates.append(said_at)
        for occurrence in upcoming:
            said_at = self.when_said(occurrence, occurrence.due_at)
            if not self.expired(occurrence, said_at):
                candidates.append(said_at)
        review.due.sort(key=lambda occurrence: occurrence.due_at)
        if review.due:
            review.next_at = now
        else:
            review.next_at = min([*candidates, now + timedelta(seconds=RECHECK_S)])
        return review
