"""The reminder flows of one conversation, put together from the schedule's data (read once, at start)."""

from __future__ import annotations

from typing import Any

from assistant.schedule.describe import Describer
from assistant.schedule.purpose import PurposeReader
from assistant.schedule.setting import ReminderSetting
from assistant.schedule.speaking import ReminderSpeaker
from assistant.schedule.spoken import SpokenTimes
from assistant.schedule.store import ReminderBook


class ScheduleData:
    """The phrases for times and purposes in the conversation's language."""

    def __init__(self, lang: str):
        self.times = SpokenTimes(lang)
        self.purposes = PurposeReader(lang, self.times.elisions)

    def flows(self, conversation: Any) -> list[Any]:
        """Setting reminders by voice, and saying them at their time (a flow that speaks first: it has next_due)."""
        describer = Describer(conversation.actions.text, self.times, self.purposes)
        book = ReminderBook(conversation.journal)
        return [ReminderSetting(conversation, book, describer),
                ReminderSpeaker(conversation, book, describer)]
