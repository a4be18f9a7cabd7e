"""Consent by voice: asked once, answered by the user's own yes, withdrawn at once by "stop sharing".

The question (care/consent.yml) names who would see what, and how to stop. It
is asked on its own once per recipient (the first day, or the first talk after
a clinic or a contact is set up), when the user asks to share, or when they ask
whether someone can see how they have been. Every answer is recorded with its
time, wording version and the very sentence asked, and a `consent` event says
it (CONTRACTS.md). Nothing is asked on its own after a crisis in the same
conversation.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Callable

from assistant.care.consent import GRANTED, REFUSED, SCOPES, ConsentText, Consents, recipient_for
from assistant.care.flows.yes_no import CONFIRMING_KEY, YesNoFlow
from assistant.conversation.actions import ActionResult
from assistant.conversation.flows import Step
from assistant.conversation.router import Conversation
from assistant.conversation.state import Prompt, Question
from assistant.dialogue.engine import Parse
from assistant.journal.store import JournalError, attempt
from assistant.languages import LANGUAGE_DATA
from assistant.messages import message

SCOPE_KEY = "scope"
RECIPIENT_KEY = "recipient"
ASKED_KEY = "asked"
"""The consent question as it was said: recorded with the answer, even after a "did you say yes?"."""


class SharingFlow(YesNoFlow):
    """The consent question and its answers; "stop sharing"; "can my daughter see how I've been?"."""

    name = "consent"

    def __init__(self, conversation: Conversation, text: ConsentText, warn: Callable[[str], None]):
        super().__init__(conversation)
        self._consent_text = text
        self._consents = Consents(conversation.journal)
        self._warn = warn

    @property
    def _lang(self) -> str:
        return self.conversation.session.lang

    def _now(self) -> datetime:
        return self.conversation.session.clock.local_time()

    def actions(self) -> dict[str, Callable[[Parse], ActionResult]]:
        return {name: self._guarded(handler) for name, handler in (
            ("action_share_with", self._share_with), ("action_stop_sharing", self._stop_sharing),
            ("action_about_sharing", self._about_sharing))}

    def _guarded(self, handler: Callable[[Parse], ActionResult]) -> Callable[[Parse], ActionResult]:
        """A journal that cannot be read never ends the conversation: the user is told, the caregiver too."""
        def run(parse: Parse) -> ActionResult:
            try:
                return handler(parse)
            except (JournalError, sqlite3.Error) as error:
                self._warn(message("journal_unwritable", self._lang, problem=error))
                self.say("utter_sharing_unavailable")
                return ActionResult()
        return run

    # Asking ---------------------------------------------------------------------

    def _question(self, scope: str) -> Prompt:
        recipient = recipient_for(self.conversation.session.settings, scope)
        text = self._consent_text.question(scope, self._lang, recipient)
        return self.ask(text, f"consent_{scope}", **{SCOPE_KEY: scope, RECIPIENT_KEY: recipient, ASKED_KEY: text})

    def _scope_meant(self, parse: Parse) -> str | None:
        """The scope the user named, else the first one set up (the clinic before the contact)."""
        settings = self.conversation.session.settings
        named = self._consent_text.scope_named(parse.text, self._lang, settings)
        if named is not None:
            return named
        set_up = [scope for scope in SCOPES if recipient_for(settings, scope)]
        return set_up[0] if set_up else None

    def _already(self, scope: str) -> bool:
        """Say so when the user's yes is already in force for `scope`."""
        recipient = recipient_for(self.conversation.session.settings, scope)
        granted = self._consents.granted(scope, recipient)
        if granted is None:
            return False
        today = self._now().date()
        self.say("utter_consent_already", recipient=recipient, what=self._consent_text.scopes[scope].what[self._lang],
                 day=LANGUAGE_DATA[self._lang].day(granted.at.astimezone(self._now().tzinfo).date(), today))
        return True

    def _share_with(self, parse: Parse) -> ActionResult:
        """"I'd like my doctor to see how I'm doing": the question, unless the yes is already in force."""
        scope = self._scope_meant(parse)
        if scope is None or not recipient_for(self.conversation.session.settings, scope):
            self.say("utter_sharing_nobody")
            return ActionResult()
        if self._already(scope):
            return ActionResult()
        return ActionResult(prompt=self._question(scope))

    def _about_sharing(self, parse: Parse) -> ActionResult:
        """"Can my daughter see how I've been?": what is shared now, and the question if it is not."""
        settings = self.conversation.session.settings
        scope = self._consent_text.scope_named(parse.text, self._lang, settings)
        if scope is None:
            granted = [scope for scope in SCOPES if self._already(scope)]
            if not granted:
                self.say("utter_about_sharing")
            return ActionResult()
        recipient = recipient_for(settings, scope)
        if not recipient:
            self.say("utter_sharing_nobody")
            return ActionResult()
        if self._already(scope):
            return ActionResult()
        self.say("utter_sharing_not_now", recipient=recipient)
        return ActionResult(prompt=self._question(scope))

    # "Stop sharing" ---------------------------------------------------------------

    def _stop_sharing(self, parse: Parse) -> ActionResult:
        """Withdrawn at once, every yes in force (or only the one named), no question asked."""
        named = self._consent_text.scope_named(parse.text, self._lang, self.conversation.session.settings)
        withdrawn = attempt(lambda: self._consents.withdraw(SCOPES if named is None else (named,), self._lang,
                                                             self._now())) or []
        for decision in withdrawn:
            self.conversation.session.emit("consent", scope=decision.scope, granted=False)
        if not withdrawn:
            self.say("utter_sharing_nothing_to_stop")
        else:
            recipients = LANGUAGE_DATA[self._lang].choices([decision.recipient for decision in withdrawn], "and")
            self.say("utter_sharing_stopped", recipients=recipients)
        return ActionResult()

    # The answers ------------------------------------------------------------------

    def _record(self, question: Question, decision: str) -> bool:
        scope, recipient = question.get(SCOPE_KEY), question.get(RECIPIENT_KEY)
        shares = self._consent_text.scopes[scope].shares
        if not attempt(lambda: self._consents.record(scope, decision, recipient, shares, self._consent_text.version,
                                                     question.get(ASKED_KEY), self._lang, self._now())):
            return False
        self.conversation.session.emit("consent", scope=scope, granted=decision == GRANTED)
        return True

    def yes(self, question: Question) -> Step:
        scope = question.get(SCOPE_KEY)
        if self._record(question, GRANTED):
            self.say("utter_consent_granted", recipient=question.get(RECIPIENT_KEY),
                     what=self._consent_text.scopes[scope].what[self._lang])
        return None

    def confirm(self, question: Question) -> Step:
        return self.ask_again(question, self.text("utter_consent_confirm", recipient=question.get(RECIPIENT_KEY)),
                              **{CONFIRMING_KEY: True})

    def no(self, question: Question) -> Step:
        if self._record(question, REFUSED):
            self.say("utter_consent_refused", recipient=question.get(RECIPIENT_KEY))
        return None

    def leave(self, question: Question) -> Step:
        self.say(f"utter_consent_later_{question.get(SCOPE_KEY)}")
        return None

    # Asking on its own, once per recipient -------------------------------------------

    def _due_scope(self) -> str | None:
        if self.conversation.state.after_crisis:
            return None
        settings = self.conversation.session.settings
        for scope in SCOPES:
            recipient = recipient_for(settings, scope)
            if not recipient or self._consents.asked(scope) == recipient:
                continue
            latest = self._consents.latest(scope)
            if latest is None or latest.recipient != recipient:
                return scope
        return None

    def next_due(self, now: datetime) -> datetime | None:
        try:
            return now if self._due_scope() is not None else None
        except (JournalError, sqlite3.Error):
            return None

    def speak(self, now: datetime) -> Step:
        try:
            scope = self._due_scope()
            if scope is None:
                return None
            self._consents.mark_asked(scope, recipient_for(self.conversation.session.settings, scope))
        except (JournalError, sqlite3.Error) as error:
            self._warn(message("journal_unwritable", self._lang, problem=error))
            return None
        return self._question(scope)
