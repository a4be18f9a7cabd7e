"""One conversation, from the first hello to the end of input.

Each utterance goes: safety layer -> (safety follow-up | universal command |
dialogue) -> executor actions -> speech. The dialogue model picks what comes
next; this module only routes and recovers (silence, unclear answers).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from assistant.conversation.actions import Actions, score
from assistant.conversation.commands import UNIVERSAL_INTENTS, run_command
from assistant.dialogue.engine import MAX_ACTIONS_PER_TURN, Dialogue, Parse
from assistant.exercises.runner import Control, ExerciseRunner
from assistant.exercises.scripts import ExerciseScript
from assistant.session.inbox import EndOfInput, Utterance
from assistant.journal.store import Journal, JournalError, iso, utc_now
from assistant.messages import message
from assistant.safety.response import SafetyResponder
from assistant.session.session import Session
from assistant.conversation.understanding import Understanding, Understood

REPROMPT_AFTER_S = 12.0
"""Silence before the assistant asks again, more clearly (seconds)."""
REPROMPTS = 2
"""How many times it asks again before saying it will wait."""
WAITING_LISTEN_S = 3600.0
"""Once it has said it will wait, it listens this long at a time, silently (seconds)."""
UNCLEAR = frozenset({"out_of_scope", "nlu_fallback"})
CONFIRM_BELOW = 0.6
"""A spoken answer recognised with less confidence than this (0 to 1) is checked: "Did you say three?"."""


class Conversation:
    def __init__(self, session: Session, dialogue: Dialogue, understanding: Understanding, journal: Journal,
                 scripts: dict[str, ExerciseScript], warn: Callable[[str], None]):
        self.session = session
        self.dialogue = dialogue
        self.understanding = understanding
        self.journal = journal
        self.responder = SafetyResponder(session, journal, warn)
        runner = ExerciseRunner(session, self._judge, lambda: self._text("utter_exercise_paused"),
                                lambda: self._text("utter_exercise_resumed"))
        self.actions = Actions(session, dialogue, journal, runner, scripts, self.responder, warn)
        self.ended = False
        self._judged: tuple[Utterance, Understood] | None = None
        self._unconfirmed: Parse | None = None
        """An answer heard with low confidence, waiting for the user's yes or no."""
        self._warn = warn

    def _text(self, response: str) -> str:
        return self.dialogue.response(response).text

    # The loop -------------------------------------------------------------------

    def run(self) -> None:
        try:
            self._open()
            silences = 0
            while not self.ended:
                # After a crisis the person's answer must always be heard: no wake phrase then.
                waiting = silences > REPROMPTS and not self.responder.awaiting
                utterance = self.session.listen(self.actions.expect, WAITING_LISTEN_S if waiting else REPROMPT_AFTER_S,
                                                needs_wake=waiting)
                if utterance is None:
                    silences += 1
                    self._after_silence(silences)
                else:
                    silences = 0
                    self.handle(utterance)
        except EndOfInput:
            pass
        finally:
            self.dialogue.save()
        self.session.emit("end")

    def _open(self) -> None:
        introduced = self.journal.get_meta("introduced_at")
        self.actions.say_response("utter_welcome_back" if introduced else "utter_introduction")
        if not introduced:
            try:
                self.journal.set_meta("introduced_at", iso(utc_now()))
            except JournalError as error:
                self._warn(message("journal_unwritable", self.session.lang, problem=error))

    def _after_silence(self, silences: int) -> None:
        if silences > REPROMPTS + 1:
            return
        if self.responder.awaiting:
            self.responder.still_here()
        elif silences <= REPROMPTS:
            self.actions.say_response(f"utter_reprompt_{self.actions.expect}")
        else:
            expect = self.actions.expect
            self.actions.say_response("utter_will_wait")
            self.actions.expect = expect

    # One turn -------------------------------------------------------------------

    def understand(self, utterance: Utterance) -> Understood:
        """Safety first, then NLU; reports what was heard."""
        if self._judged and self._judged[0] is utterance:
            return self._judged[1]
        understood = self.understanding(utterance.text)
        self.session.emit("heard", text=utterance.text, intent=understood.parse.intent,
                          confidence=round(understood.parse.confidence, 3))
        return understood

    def handle(self, utterance: Utterance) -> None:
        understood = self.understand(utterance)
        parse = understood.parse
        crisis = _crisis_kind(understood)
        if crisis:
            self._dialogue_turn(parse, crisis)
        elif self.responder.follow_up(parse.intent, utterance.text):
            self.actions.expect = "yes_no" if self.responder.awaiting else "free"
        elif parse.intent in UNIVERSAL_INTENTS:
            run_command(parse.intent, self.session, self._text)
        elif self._unconfirmed is not None:
            self._confirmation(parse)
        else:
            fitted = self._fit_expectation(parse)
            if fitted is not None and self._unsure(utterance, fitted):
                self._unconfirmed = fitted
                self.actions.say_response("utter_did_you_say", answer=utterance.text)
            elif fitted is not None:
                self._dialogue_turn(fitted, None)

    @staticmethod
    def _unsure(utterance: Utterance, parse: Parse) -> bool:
        """Whether a short spoken answer was recognised too unsurely to act on without asking."""
        return (parse.intent == "report_mood" and utterance.confidence is not None
                and utterance.confidence < CONFIRM_BELOW)

    def _confirmation(self, parse: Parse) -> None:
        """The user's yes or no to "Did you say ...?"."""
        answer, self._unconfirmed = self._unconfirmed, None
        if parse.intent == "affirm":
            self._dialogue_turn(answer, None)
        elif parse.intent == "deny":
            self.actions.say_response("utter_ask_number_again")
        else:
            self.actions.expect = "number"
            fitted = self._fit_expectation(parse)
            if fitted is not None:
                self._dialogue_turn(fitted, None)

    def _fit_expectation(self, parse: Parse) -> Parse | None:
        """Read an answer in the light of the question; None if the question was asked again.

        Talk of one's mood with no score in it ("I feel rather peculiar") starts a
        check-in, so the mood question gets asked instead of a score being invented.
        """
        expect = self.actions.expect
        if expect == "number":
            if score(parse) is not None and parse.intent not in ("skip", "stop", "deny"):
                return replace(parse, intent="report_mood")
            if parse.intent in UNCLEAR | {"report_mood", "affirm", "mood_checkin"}:
                self.actions.say_response("utter_ask_number_again")
                return None
        if expect == "yes_no" and parse.intent in UNCLEAR:
            self.actions.say_response("utter_reprompt_yes_no")
            return None
        if parse.intent == "report_mood" and score(parse) is None:
            return replace(parse, intent="mood_checkin")
        return parse

    def _dialogue_turn(self, parse: Parse, crisis_kind: str | None) -> None:
        self.dialogue.user_said(parse)
        handoff = None
        for _ in range(MAX_ACTIONS_PER_TURN):
            name = self.dialogue.next_action()
            if name == "action_listen":
                break
            result = self.actions.run(name, parse, crisis_kind)
            self.dialogue.action_done(name, result.slots)
            if result.ends_conversation:
                self.ended = True
                break
            if result.handoff or result.slots.get("exercise_outcome") == "interrupted":
                handoff = result.handoff
                break
        self.dialogue.action_done("action_listen")
        self.dialogue.save()
        if handoff is not None:
            self.handle(handoff)

    # During an exercise -----------------------------------------------------------

    def _judge(self, utterance: Utterance, paused: bool) -> Control:
        understood = self.understand(utterance)
        self._judged = (utterance, understood)
        intent = understood.parse.intent
        if _crisis_kind(understood) or intent in ("talk_to_someone", "goodbye"):
            return Control.HANDOFF
        if intent == "stop":
            return Control.STOP
        if intent == "pause" and not paused:
            return Control.PAUSE
        if intent in ("resume", "affirm") and paused:
            return Control.RESUME
        if intent == "help":
            self.session.say(self._text("utter_exercise_help"), remember=False)
        elif intent in UNIVERSAL_INTENTS - {"repeat"}:
            run_command(intent, self.session, self._text, again=False)
        return Control.CONTINUE


def _crisis_kind(understood: Understood) -> str | None:
    """The kind of crisis heard, or None; distress and body signs are not acted on here yet."""
    safety = understood.safety
    return safety.kind if safety is not None and safety.level == "crisis" else None
