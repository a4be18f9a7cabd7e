"""The executor's actions: what each action the dialogue picks actually does.

Rasa names the next step; this module runs it on the session (speech, timed
exercises) and the journal, and reports back the slots the dialogue's rules
look at (exercise_outcome, low_mood, in_safety_response).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

from assistant.dialogue.engine import Dialogue, Parse
from assistant.exercises.runner import ExerciseRunner
from assistant.exercises.scripts import ExerciseScript
from assistant.session.inbox import FREE, Expectation, Utterance
from assistant.journal.store import Journal, JournalError, utc_now
from assistant.messages import message
from assistant.journal.summaries import summarise
from assistant.safety.response import SafetyResponder
from assistant.session.session import Session

LOW_MOOD_SCORE = 2
"""A check-in mood at or below this gets the offer of a breathing exercise."""
EXERCISE_FOR_ACTION = {
    "action_start_breathing": "resonance_breathing",
    "action_start_meditation": "breath_awareness",
    "action_start_grounding": "grounding_54321",
}


@dataclass
class ActionResult:
    slots: dict[str, Any] = field(default_factory=dict)
    handoff: Utterance | None = None
    """Something the user said during the action that the conversation must answer next."""
    ends_conversation: bool = False


def _whole_number(value: str | None) -> int | None:
    try:
        return int(float(value)) if value is not None else None
    except ValueError:
        return None


def score(parse: Parse) -> int | None:
    """The 1-to-5 score in the user's answer, if there is one."""
    number = _whole_number(parse.entity("mood_score"))
    return number if number is not None and 1 <= number <= 5 else None


class Actions:
    """Runs the dialogue's actions for one conversation."""

    def __init__(self, session: Session, dialogue: Dialogue, journal: Journal, runner: ExerciseRunner,
                 scripts: dict[str, ExerciseScript], responder: SafetyResponder, warn: Callable[[str], None]):
        self._session = session
        self._dialogue = dialogue
        self._journal = journal
        self._runner = runner
        self._scripts = scripts
        self._responder = responder
        self._warn = warn
        self.expect = FREE
        """What kind of answer the last thing said asks for."""

    def say_response(self, name: str, **values: str) -> None:
        response = self._dialogue.response(name)
        self._session.say(response.text.format(**values) if values else response.text)
        self.expect = response.expect

    def run(self, name: str, parse: Parse, crisis_kind: str | None) -> ActionResult:
        if name.startswith("utter_"):
            self.say_response(name)
            return ActionResult()
        self.expect = FREE
        if name in EXERCISE_FOR_ACTION:
            return self._exercise(EXERCISE_FOR_ACTION[name], parse)
        handler = getattr(self, f"_{name.removeprefix('action_')}")
        return handler(parse, crisis_kind)

    # Exercises --------------------------------------------------------------

    def _exercise(self, exercise_id: str, parse: Parse) -> ActionResult:
        script = self._scripts.get(exercise_id)
        if script is None:
            self.say_response("utter_exercise_unavailable")
            return ActionResult({"exercise_outcome": "interrupted"})
        minutes = script.minutes_for(_whole_number(parse.entity("minutes")))
        started = utc_now()
        result = self._runner.run(script, minutes)
        self._record(lambda: self._journal.add_exercise(script.id, script.kind, started, result.outcome))
        return ActionResult({"exercise_outcome": result.outcome}, handoff=result.handoff)

    # Check-in -----------------------------------------------------------------

    def _record_mood(self, parse: Parse, _: str | None) -> ActionResult:
        mood = score(parse)
        self.say_response("utter_mood_noted", score=str(mood))
        checkin_id = self._record(lambda: self._journal.add_checkin(mood, None, self._session.lang))
        return ActionResult({"mood": mood, "checkin_id": checkin_id})

    def _record_energy(self, parse: Parse, _: str | None) -> ActionResult:
        energy, checkin_id = score(parse), self._slot("checkin_id")
        if energy is not None and checkin_id is not None:
            self._record(lambda: self._journal.set_energy(checkin_id, energy))
        return ActionResult({"energy": energy})

    def _save_checkin(self, parse: Parse, _: str | None) -> ActionResult:
        """Close the check-in: it is already stored, answer by answer."""
        mood, energy, checkin_id = self._slot("mood"), self._slot("energy"), self._slot("checkin_id")
        if mood is None:
            self.say_response("utter_checkin_skipped")
            return ActionResult({"low_mood": False})
        answers = {"mood": mood, **({"energy": energy} if energy is not None else {})}
        self._session.emit("checkin", **answers, saved=checkin_id is not None)
        self.say_response("utter_checkin_saved")
        return ActionResult({"low_mood": mood <= LOW_MOOD_SCORE, "mood": None, "energy": None, "checkin_id": None})

    def _slot(self, name: str) -> int | None:
        value = self._dialogue.slot(name)
        return int(value) if value is not None else None

    def _mood_summary(self, parse: Parse, _: str | None) -> ActionResult:
        summary = summarise(self._journal.mood_weeks(), self._session.lang,
                            lambda value: self._dialogue.response(f"utter_mood_word_{value}").text)
        for name, values in summary.responses:
            self.say_response(name, **values)
        return ActionResult({"low_mood": summary.low})

    # Safety and the end ---------------------------------------------------------

    def _safety_response(self, parse: Parse, crisis_kind: str | None) -> ActionResult:
        self._responder.respond(crisis_kind or "classifier")
        self.expect = Expectation("yes_no")
        return ActionResult({"in_safety_response": True})

    def _talk_to_someone(self, parse: Parse, _: str | None) -> ActionResult:
        self._responder.talk_to_someone()
        return ActionResult()

    def _safety_goodbye(self, parse: Parse, _: str | None) -> ActionResult:
        self._responder.goodbye()
        return ActionResult(ends_conversation=True)

    def _end_conversation(self, parse: Parse, _: str | None) -> ActionResult:
        return ActionResult(ends_conversation=True)

    def _record(self, write: Callable[[], Any]) -> Any:
        """Write to the journal; on failure, tell the caregiver and carry on (None)."""
        try:
            return write()
        except JournalError as error:
            self._warn(message("journal_unwritable", self._session.lang, problem=error))
            return None
