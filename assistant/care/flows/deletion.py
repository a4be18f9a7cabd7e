""""Delete everything you know about me", by voice.

What would go is said back in plain words ("your 12 check-ins, 3 exercises
and 2 questionnaire answers, and the history of our conversations") and only a
clear yes deletes. The deletion is the real one (assistant.care.data): the
journal and the dialogue tracker emptied in place, backups removed; the
settings stay. The dialogue then forgets what this conversation held, so that
nothing deleted is written back at the end of the turn. Whatever was shared
stops: the consents go with the journal, and `consent` events say so.
"""

from __future__ import annotations

import sqlite3
from typing import Callable

from assistant.care.consent import SCOPES, Consents, recipient_for
from assistant.care.data import count_rows, delete_user_data
from assistant.care.flows.yes_no import CONFIRMING_KEY, YesNoFlow
from assistant.conversation.actions import ActionResult
from assistant.conversation.flows import Step
from assistant.conversation.router import Conversation
from assistant.conversation.state import Question
from assistant.dialogue.engine import Parse
from assistant.journal.store import JournalError
from assistant.languages import LANGUAGE_DATA
from assistant.messages import message
from assistant.paths import Home

NOUNS = {"checkins": "checkin", "exercise_sessions": "exercise", "questionnaire_answers": "questionnaire_answer",
         "reminders": "reminder", "safety_events": "safety_event"}
"""How the rows of each journal table are counted aloud (languages.yml nouns); other tables are "other records"."""
UNSPOKEN_TABLES = frozenset({"meta", "consents", "questionnaire_runs", "questionnaire_schedules", "exercise_offers",
                             "exercise_preferences"})
"""Rows deleted without being counted aloud: the journal's bookkeeping (a questionnaire's run is told by its
answers, an exercise's offers and likes by the exercises), and the consents (named as a whole)."""


class DeletionFlow(YesNoFlow):
    name = "delete"

    def __init__(self, conversation: Conversation, home: Home, warn: Callable[[str], None]):
        super().__init__(conversation)
        self._home = home
        self._warn = warn

    @property
    def _lang(self) -> str:
        return self.conversation.session.lang

    def actions(self) -> dict[str, Callable[[Parse], ActionResult]]:
        return {"action_delete_my_data": self._delete_my_data}

    def _what(self) -> str:
        """The user's data in plain words: "12 check-ins, 3 exercises, and your choices about sharing"."""
        language = LANGUAGE_DATA[self._lang]
        counts = count_rows(self._home.journal_db)
        named = [language.count(count, NOUNS[table]) for table, count in counts.items() if table in NOUNS]
        others = sum(count for table, count in counts.items() if table not in NOUNS and table not in UNSPOKEN_TABLES)
        if others:
            named.append(language.count(others, "record"))
        if counts.get("consents"):
            named.append(message("spoken_sharing_choices", self._lang))
        return language.choices(named, "and")

    def _delete_my_data(self, parse: Parse) -> ActionResult:
        what = self._what()
        if what:
            text = self.text("utter_delete_confirm", what=what)
        else:
            text = self.text("utter_delete_confirm_history_only")
        return ActionResult(prompt=self.ask(text, "delete_everything", what=what))

    def yes(self, question: Question) -> Step:
        journal = self.conversation.journal
        try:
            consents = Consents(journal)
            shared = [scope for scope in SCOPES if (latest := consents.latest(scope)) is not None and latest.granted]
            delete_user_data(self._home, journal)
            self._asked_already(consents)
        except (JournalError, sqlite3.Error, OSError) as error:
            self._warn(message("data_delete_failed", self._lang, problem=error))
            self.say("utter_delete_failed")
            return None
        self.conversation.dialogue.forget()
        for scope in shared:
            self.conversation.session.emit("consent", scope=scope, granted=False)
        what = question.get("what")
        if what:
            self.say("utter_deleted", what=what)
        else:
            self.say("utter_deleted_history_only")
        return None

    def _asked_already(self, consents: Consents) -> None:
        """The user just chose to clear everything, sharing included: the question is not put to them again on its
        own (they can still ask to share)."""
        for scope in SCOPES:
            recipient = recipient_for(self.conversation.session.settings, scope)
            if recipient:
                consents.mark_asked(scope, recipient)

    def confirm(self, question: Question) -> Step:
        return self.ask_again(question, self.text("utter_delete_confirm_again"), **{CONFIRMING_KEY: True})

    def no(self, question: Question) -> Step:
        self.say("utter_delete_cancelled")
        return None

    def leave(self, question: Question) -> Step:
        self.say("utter_delete_cancelled")
        return None
