"""How a reminder is said to the user: its days, its time and what it is for, in words.

Shared by the reminder said at its time, its read-back before saving and the
list of reminders, so that a reminder sounds the same wherever it is named.
"""

from __future__ import annotations

from datetime import date
from typing import Callable

from assistant.schedule.purpose import CHECKIN, PLAIN, Purpose, PurposeReader
from assistant.schedule.recurrence import Recurrence
from assistant.schedule.spoken import SpokenTimes


class Describer:
    def __init__(self, text: Callable[..., str], times: SpokenTimes, purposes: PurposeReader):
        """`text(response_name, **values)` gives the words of a response (Actions.text)."""
        self._text = text
        self.times = times
        self.purposes = purposes

    def what(self, purpose: Purpose) -> str:
        """"your breathing", "your check-in", or the user's own words said back ("take your tablets")."""
        if purpose.kind == PLAIN:
            return self.purposes.said_back(purpose.label or "")
        if purpose.kind == CHECKIN:
            return self._text("utter_reminder_what_checkin")
        return self._text(f"utter_reminder_what_{purpose.exercise}")

    def values(self, purpose: Purpose, recurrence: Recurrence, today: date) -> dict[str, str]:
        """The {days}, {time} and {what} of a response that names a reminder."""
        return {"days": self.times.say_days(recurrence, today), "time": self.times.say_time(recurrence.at),
                "what": self.what(purpose)}
