"""The executor's actions: what each action the dialogue picks actually does.

Rasa names the next step; this module runs it on the session (speech, timed
exercises) and the journal, and reports back the slots the dialogue's rules
look at (exercise_outcome, low_mood, offer...) and the question it leaves
open, if any. Nothing is said to be saved before it is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import time
from typing import Any, Callable

import yaml

from assistant.conversation.periods import PeriodReader
from assistant.conversation.scores import Scale
from assistant.conversation.state import Owner, Prompt, Question
from assistant.conversation.understanding import FEELINGS_FILE
from assistant.dialogue.engine import Dialogue, Parse
from assistant.journal.store import Journal, JournalError, attempt
from assistant.journal.summaries import summarise
from assistant.languages import LANGUAGE_DATA
from assistant.messages import message
from assistant.safety.response import SafetyResponder
from assistant.session.clock import Clock
from assistant.session.inbox import Utterance
from assistant.session.session import Session

LOW_MOOD_SCORE = 2
"""A check-in mood (or last night's sleep) at or below this brings a suggestion that fits the moment."""
CHECKIN_QUESTIONS = {"action_record_energy": "energy", "action_record_sleep": "sleep"}
"""The check-in's optional questions, by the action that records their answer."""
VARIANT_TURNS_KEY = "response_variant_turns"
"""Journal meta: how many times each response with several wordings was said, so the next says another."""


@dataclass
class ActionResult:
    slots: dict[str, Any] = field(default_factory=dict)
    handoff: Utterance | None = None
    """Something the user said during the action that the conversation must answer next."""
    ends_conversation: bool = False
    prompt: Prompt | None = None
    """The question (or menu) the action leaves open, if any."""
    quiet: bool = False
    """The action ended on purpose in silence (the sleep wind-down): no reprompt, the person may be asleep."""


def _whole_number(value: str | None) -> int | None:
    try:
        return int(float(value)) if value is not None else None
    except ValueError:
        return None


class Actions:
    """Runs the dialogue's actions for one conversation."""

    def __init__(self, session: Session, dialogue: Dialogue, journal: Journal, responder: SafetyResponder,
                 scale: Scale, clock: Clock, warn: Callable[[str], None]):
        self._session = session
        self._dialogue = dialogue
        self._journal = journal
        self._responder = responder
        self._scale = scale
        self._clock = clock
        self._periods = PeriodReader(session.lang)
        self._feelings = yaml.safe_load(FEELINGS_FILE.read_text(encoding="utf-8"))
        self._warn = warn
        self._variant_turns: dict[str, int] = self._read_variant_turns()
        self._flow_actions: dict[str, Callable[[Parse], ActionResult]] = {}
        self._summary_lines: list[Callable[[], str | None]] = []

    def add_flow_actions(self, handlers: dict[str, Callable[[Parse], ActionResult]]) -> None:
        """Dialogue actions run by an executor flow (a questionnaire, a consent, a reminder...)."""
        self._flow_actions.update(handlers)

    # Saying ------------------------------------------------------------------

    def values(self) -> dict[str, str]:
        """What response placeholders are filled with, besides an action's own values."""
        settings = self._session.settings
        language = LANGUAGE_DATA[self._session.lang]
        return {"contact_name": settings.contact.name, "contact_phone": settings.contact.phone,
                "clinician": settings.clinic.recipient or message("spoken_your_doctor", self._session.lang),
                "health_line": "",
                "choices": "", "language": language.names[self._session.lang]}

    def text(self, name: str, **values: Any) -> str:
        """The words of response `name` (its next wording, if it has several), filled in."""
        variants = self._dialogue.variants(name)
        turn = self._variant_turns.get(name, 0) if len(variants) > 1 else 0
        if len(variants) > 1:
            self._variant_turns[name] = turn + 1
            attempt(lambda: self._journal.set_meta(VARIANT_TURNS_KEY, json.dumps(self._variant_turns)))
        response = variants[turn % len(variants)]
        offers = response.expect.offered
        filled = {**self.values(), "choices": LANGUAGE_DATA[self._session.lang].choices(offers), **values}
        return response.text.format(**filled)

    def say_response(self, name: str, slow: bool = False, **values: Any) -> Prompt:
        """Say response `name`; returns the question it asks (its metadata names the kind) or the menu it offers."""
        text = self.text(name, **values)
        self._session.say(text, slow=slow)
        response = self._dialogue.response(name)
        if not response.asks:
            return Prompt(None, response.expect.offered)
        detail = (("yes_means", response.yes_means),) if response.yes_means else ()
        return Prompt(Question(response.expect.kind, Owner.DIALOGUE, (text,), name, response.expect.offered,
                               detail=detail))

    def _read_variant_turns(self) -> dict[str, int]:
        try:
            stored = json.loads(self._journal.get_meta(VARIANT_TURNS_KEY) or "{}")
        except (ValueError, JournalError):
            return {}
        return {name: int(turn) for name, turn in stored.items()} if isinstance(stored, dict) else {}

    def add_summary_line(self, line: Callable[[], str | None]) -> None:
        """A sentence a flow adds to "how have I been" (the last wellbeing questionnaire against the one before)."""
        self._summary_lines.append(line)

    # Running what the dialogue picked ---------------------------------------------

    def run(self, name: str, parse: Parse) -> ActionResult:
        if name.startswith("utter_"):
            return ActionResult(prompt=self.say_response(name))
        if name in self._flow_actions:
            return self._flow_actions[name](parse)
        if name in CHECKIN_QUESTIONS:
            return self._record_answer(CHECKIN_QUESTIONS[name], parse)
        handler = getattr(self, f"_{name.removeprefix('action_')}")
        return handler(parse)

    # Check-in -----------------------------------------------------------------

    def _score(self, parse: Parse) -> int | None:
        score = self._scale.read(parse)
        return score.value if score is not None else None

    def _record_mood(self, parse: Parse) -> ActionResult:
        """Store the mood at once (the user may leave before the next question), then say it back."""
        mood = self._score(parse)
        if mood is None:
            return ActionResult(prompt=self.say_response("utter_ask_mood"))
        written = attempt(lambda: self._journal.add_checkin(mood, None, self._session.lang))
        checkin_id = written if written is not False else None
        noted = "utter_mood_noted" if checkin_id is not None else "utter_mood_not_saved"
        self.say_response(noted, score=mood, word=self._scale.words[mood])
        return ActionResult({"mood": mood, "checkin_id": checkin_id, "checkin_unsaved": checkin_id is None})

    def _record_answer(self, question: str, parse: Parse) -> ActionResult:
        score, checkin_id = self._score(parse), self._slot("checkin_id")
        saved = False
        if score is not None and checkin_id is not None:
            saved = attempt(lambda: self._journal.set_answer(checkin_id, question, score)) is not False
        unsaved = bool(self._dialogue.slot("checkin_unsaved")) or (score is not None and not saved)
        return ActionResult({question: score, "checkin_unsaved": unsaved})

    def _save_checkin(self, parse: Parse) -> ActionResult:
        """Close the check-in: it is already stored, answer by answer; say so only if it is."""
        mood, checkin_id = self._slot("mood"), self._slot("checkin_id")
        cleared = {"low_mood": False, "mood": None, "energy": None, "sleep": None, "checkin_id": None,
                   "checkin_unsaved": False}
        if mood is None:
            return ActionResult(cleared, prompt=self.say_response("utter_checkin_skipped"))
        answers = {"mood": mood, **{name: self._slot(name) for name in ("energy", "sleep")
                                    if self._slot(name) is not None}}
        saved = checkin_id is not None and not self._dialogue.slot("checkin_unsaved")
        self._session.emit("checkin", **answers, saved=saved)
        prompt = self.say_response("utter_checkin_saved" if saved else "utter_checkin_not_saved")
        low = mood <= LOW_MOOD_SCORE or (answers.get("sleep") or LOW_MOOD_SCORE + 1) <= LOW_MOOD_SCORE
        return ActionResult({**cleared, "low_mood": low}, prompt=prompt)

    def _slot(self, name: str) -> int | None:
        value = self._dialogue.slot(name)
        return int(value) if value is not None else None

    def _mood_summary(self, parse: Parse) -> ActionResult:
        period = self._periods.read(parse.text, self._clock.local_time())
        summary = summarise(self._journal.moods_between(period.start, period.end),
                            self._journal.moods_between(period.previous_start, period.start),
                            self._session.lang, period.this, period.before,
                            lambda score: self.text(f"utter_mood_word_{score}"))
        prompt = None
        for name, values in summary.responses:
            prompt = self.say_response(name, **values)
        for line in filter(None, (added() for added in self._summary_lines)):
            self._session.say(line)
        return ActionResult({"low_mood": summary.low}, prompt=prompt)

    # Feelings -------------------------------------------------------------------

    def _hear_feeling(self, parse: Parse) -> ActionResult:
        """A short reflection that names the feeling, then (through the rules) one offer that fits."""
        feeling = parse.intent.removeprefix("feeling_")
        self.say_response(f"utter_reflect_{feeling}")
        return ActionResult({"offer": self._offer_for(parse.intent)})

    def reflect(self, intent: str) -> None:
        """Only the reflection, when a feeling comes in the middle of a question."""
        self.say_response(f"utter_reflect_{intent.removeprefix('feeling_')}")

    def _offer_for(self, intent: str) -> str:
        rules = self._feelings["feelings"].get(intent, {"offer": "none"})
        offer = rules.get("night", rules["offer"]) if self._is_night() else rules["offer"]
        if offer == "contact" and not self._session.settings.contact.phone:
            return "contact_none"
        return offer

    def _is_night(self) -> bool:
        now = self._clock.local_time().time()
        start, end = (time.fromisoformat(self._feelings[key]) for key in ("night_from", "night_until"))
        return now >= start or now < end

    # People and the end -----------------------------------------------------------

    def _give_contact(self, parse: Parse) -> ActionResult:
        """It cannot call anyone: the contact's number, said slowly, twice."""
        has_contact = bool(self._session.settings.contact.phone)
        return ActionResult(prompt=self.say_response("utter_about_call" if has_contact
                                                     else "utter_about_call_no_contact", slow=has_contact))

    def _talk_to_someone(self, parse: Parse) -> ActionResult:
        self._responder.talk_to_someone()
        return ActionResult()

    def _safety_goodbye(self, parse: Parse) -> ActionResult:
        self._responder.goodbye()
        return ActionResult(ends_conversation=True)

    def _end_conversation(self, parse: Parse) -> ActionResult:
        return ActionResult(ends_conversation=True)

