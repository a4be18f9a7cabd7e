"""The reminders, kept in the journal: when, what for, whether on, and how far they have been dealt with.

A reminder's label ("my evening tablets", "call Anne") is the one piece of the
user's own words the assistant keeps: it is stored so that it can be said
back at its time, shown to the caregiver by `assistant reminders list`, and
removed with the reminder (a one-off reminder is removed once it is over).
Nothing else the user says is stored, and the label is never interpreted: the
assistant gives no medical advice.

`handled_through` is the moment of the last time it came up (said, declined
or missed): anything after it that is now past was missed while the device
was off or busy. It is never ahead of the clock: when the clock is behind it
(a virtual clock, a clock set back), it is brought back to the clock.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time, timezone
from typing import Any

import sqlite_utils

from assistant.journal.store import Journal, Schema, iso
from assistant.schedule.purpose import CHECKIN, EXERCISE, PURPOSES, Purpose
from assistant.schedule.recurrence import WEEK, Recurrence, clock_time

CHECKIN_DECLINED_KEY = "schedule.checkin_declined_on"
"""The local date on which the user last said no to a check-in: none is asked again that day."""


def _create_v1(db: sqlite_utils.Database) -> None:
    db["reminders"].create({
        "id": int, "purpose": str, "exercise": str, "label": str, "at_time": str, "days": str, "on_date": str,
        "explicit": int, "active": int, "set_by": str, "created_at": str, "handled_through": str,
    }, pk="id", not_null={"purpose", "at_time", "days", "explicit", "active", "created_at"})


REMINDERS_SCHEMA = Schema("reminders", (_create_v1,))


@dataclass(frozen=True)
class Routine:
    """A reminder every day that a caregiver sets in the settings (`routines`), not in the journal."""

    id: str
    """How `reminder` events name it."""
    setting: str
    """Its time in Settings.routines ("checkin_at"); None there: off."""
    purpose: Purpose

    @property
    def handled_key(self) -> str:
        """Journal meta: the moment it last came up."""
        return f"schedule.{self.id}_handled_through"


ROUTINES = (Routine("daily_checkin", "checkin_at", Purpose(CHECKIN)),
            Routine("daily_exercise", "exercise_at", Purpose(EXERCISE, "breathing")))
"""The gentle daily check-in and the daily breathing exercise."""
ROUTINE_IDS = {routine.id: routine for routine in ROUTINES}
DAILY_CHECKIN_ID = "daily_checkin"


@dataclass(frozen=True)
class Reminder:
    id: int | str
    """Its number in the journal, or the id of a routine of the settings ("daily_checkin")."""
    purpose: Purpose
    recurrence: Recurrence
    explicit: bool
    """Its time was said or typed as a clock time: quiet hours do not hold it."""
    active: bool
    created_at: datetime
    handled_through: datetime | None = None

    @property
    def since(self) -> datetime:
        """The moment from which its occurrences are still to be dealt with."""
        return self.handled_through or self.created_at


def routine_reminder(routine: Routine, at: time, handled_through: datetime | None, now: datetime) -> Reminder:
    """A routine of the settings as a reminder every day: not explicit, so quiet hours hold it."""
    return Reminder(routine.id, routine.purpose, Recurrence(at, WEEK), False, True, handled_through or now,
                    handled_through)


def _utc(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text).astimezone(timezone.utc) if text else None


class ReminderBook:
    """The reminders of one journal."""

    def __init__(self, journal: Journal):
        self.journal = journal

    def all(self) -> list[Reminder]:
        """Every reminder, on or off, in the order they were set."""
        return [self._reminder(row) for row in self.journal.read("select * from reminders order by id")]

    def get(self, reminder_id: int) -> Reminder | None:
        rows = self.journal.read("select * from reminders where id = ?", [reminder_id])
        return self._reminder(rows[0]) if rows else None

    @staticmethod
    def _reminder(row: dict[str, Any]) -> Reminder:
        purpose = Purpose(row["purpose"], row["exercise"], row["label"])
        recurrence = Recurrence.from_codes(row["at_time"], row["days"], row["on_date"])
        return Reminder(row["id"], purpose, recurrence, bool(row["explicit"]), bool(row["active"]),
                        _utc(row["created_at"]), _utc(row["handled_through"]))

    def add(self, purpose: Purpose, recurrence: Recurrence, explicit: bool, now: datetime, set_by: str) -> Reminder:
        """Keep a new reminder (on); `set_by` is "voice" or "caregiver"."""
        if purpose.kind not in PURPOSES:
            raise ValueError(f"a reminder is for one of {', '.join(PURPOSES)}, not {purpose.kind!r}")
        record = {"purpose": purpose.kind, "exercise": purpose.exercise, "label": purpose.label,
                  "at_time": recurrence.at.strftime("%H:%M"), "days": recurrence.days_code,
                  "on_date": recurrence.on.isoformat() if recurrence.on else None, "explicit": int(explicit),
                  "active": 1, "set_by": set_by, "created_at": iso(now), "handled_through": None}
        reminder_id = self.journal.write(lambda db: db["reminders"].insert(record).last_pk)
        return Reminder(reminder_id, purpose, recurrence, explicit, True, now.astimezone(timezone.utc))

    def remove(self, reminder_id: int) -> bool:
        """Delete a reminder, its label with it; False if there was none."""
        return self.journal.write(lambda db: db.execute("delete from reminders where id = ?",
                                                        [reminder_id]).rowcount) > 0

    def set_active(self, reminder_id: int, active: bool) -> bool:
        """Turn a reminder on or off; False if there is none."""
        return self.journal.write(lambda db: db.execute("update reminders set active = ? where id = ?",
                                                        [int(active), reminder_id]).rowcount) > 0

    def turn_all_off(self) -> int:
        """Turn every reminder off; how many were on."""
        return self.journal.write(lambda db: db.execute("update reminders set active = 0 where active = 1").rowcount)

    def mark_handled(self, reminder: Reminder, moment: datetime) -> Reminder:
        """It came up at `moment` (said, declined, missed, or first seen): nothing before is due any more."""
        if reminder.id in ROUTINE_IDS:
            self.journal.set_meta(ROUTINE_IDS[reminder.id].handled_key, iso(moment))
        else:
            self.journal.write(lambda db: db.execute("update reminders set handled_through = ? where id = ?",
                                                     [iso(moment), reminder.id]))
        return replace(reminder, handled_through=moment.astimezone(timezone.utc))

    def routines(self, settings: Any, now: datetime) -> list[Reminder]:
        """The routines that are on in `settings`, as reminders; one seen for the first time starts from now."""
        reminders = []
        for routine in ROUTINES:
            at = getattr(settings.routines, routine.setting)
            if at is None:
                continue
            handled = _utc(self.journal.get_meta(routine.handled_key))
            reminder = routine_reminder(routine, clock_time(at), handled, now)
            reminders.append(reminder if handled else self.mark_handled(reminder, now))
        return reminders
