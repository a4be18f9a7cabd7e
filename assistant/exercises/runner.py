"""Runs an exercise script on the session's clock.

Cycle steps are anchored to the exercise's start: each cue begins exactly on
its beat, however long the previous cue took to say, so the breath rhythm stays
exact. Whatever the user says meanwhile is judged by the conversation (safety
first) and comes back here as a control: go on, pause, resume, stop, or hand
the utterance back to the conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Callable

from assistant.exercises.scripts import ExerciseScript, Step
from assistant.session.inbox import FREE, Utterance
from assistant.session.session import Session
from assistant.session.speech import speech_seconds

PAUSED_LISTEN_S = 30.0
"""While paused, how long each listen lasts before listening again (seconds)."""
ENCOURAGEMENT_MARGIN_S = 1.0
"""An encouragement is said only if it ends this long before the next cue (seconds)."""


class Control(Enum):
    CONTINUE = "continue"
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"
    HANDOFF = "handoff"
    """Stop, and let the conversation answer what was said (a crisis, a goodbye...)."""


Judge = Callable[[Utterance, bool], Control]
"""Decides what an utterance means for the running exercise; the flag says whether it is paused."""


@dataclass(frozen=True)
class RunResult:
    outcome: str
    """finished, stopped, or interrupted (handed back to the conversation)."""
    handoff: Utterance | None = None


class _Ended(Exception):
    def __init__(self, result: RunResult):
        self.result = result


class ExerciseRunner:
    """Plays one script at a time through a session."""

    def __init__(self, session: Session, judge: Judge, paused_prompt: Callable[[], str],
                 resumed_prompt: Callable[[], str]):
        self._session = session
        self._judge = judge
        self._paused_prompt = paused_prompt
        self._resumed_prompt = resumed_prompt
        self._shift = 0.0
        """Seconds spent paused so far: anchors move later by this much."""

    def run(self, script: ExerciseScript, minutes: int | None) -> RunResult:
        self._session.inbox.drain()
        self._script = script
        self._shift = 0.0
        self._emit_state("started")
        try:
            self._linear(script.intro)
            if script.cycle:
                self._cycles(script, minutes or script.default_minutes or 1)
            else:
                self._linear(script.steps)
            self._linear(script.outro)
        except _Ended as ended:
            self._emit_state("stopped")
            return ended.result
        self._emit_state("finished")
        return RunResult("finished")

    # Timing -----------------------------------------------------------------

    def _text(self, texts: dict[str, str]) -> str:
        return texts[self._session.lang]

    def _perform(self, step: Step) -> None:
        if step.tone:
            self._react(self._session.tone(step.tone))
        if step.say:
            self._react(self._session.say(self._text(step.say)))

    def _wait_until(self, anchor: float) -> None:
        """Wait until `anchor` (moved by any pause), handling interruptions meanwhile."""
        while self._session.clock.now() < anchor + self._shift:
            self._react(self._session.pause(anchor + self._shift - self._session.clock.now()))

    def _linear(self, steps: tuple[Step, ...]) -> None:
        for step in steps:
            self._perform(step)
            if step.pause_s:
                self._wait_until(self._session.clock.now() - self._shift + step.pause_s)

    def _cycles(self, script: ExerciseScript, minutes: int) -> None:
        cycles = max(1, round(minutes * 60 / script.cycle_seconds))
        start = self._session.clock.now() - self._shift
        for number in range(cycles):
            anchor = start + number * script.cycle_seconds
            for index, step in enumerate(script.cycle):
                self._wait_until(anchor)
                self._perform(step)
                is_last = index == len(script.cycle) - 1
                if is_last and script.encouragements and script.encouragement_every:
                    self._encourage(script, number, anchor + step.seconds)
                anchor += step.seconds
        self._wait_until(start + cycles * script.cycle_seconds)

    def _encourage(self, script: ExerciseScript, cycle_number: int, step_end: float) -> None:
        if (cycle_number + 1) % script.encouragement_every:
            return
        lines = script.encouragements
        text = self._text(lines[(cycle_number // script.encouragement_every) % len(lines)])
        room = step_end + self._shift - self._session.clock.now() - ENCOURAGEMENT_MARGIN_S
        if speech_seconds(text, self._session.settings.voice.rate_wpm) <= room:
            self._react(self._session.say(text))

    # Interruptions ------------------------------------------------------------

    def _react(self, utterance: Utterance | None) -> None:
        if utterance is None:
            return
        self._session.answered(utterance)
        control = self._judge(utterance, False)
        if control is Control.PAUSE:
            self._pause()
        self._end_if_asked(control, utterance)

    def _end_if_asked(self, control: Control, utterance: Utterance) -> None:
        if control is Control.STOP:
            raise _Ended(RunResult("stopped"))
        if control is Control.HANDOFF:
            raise _Ended(RunResult("interrupted", utterance))

    def _pause(self) -> None:
        session = self._session
        paused_at = session.clock.now()
        self._emit_state("paused")
        session.say(self._paused_prompt())
        while True:
            utterance = session.listen(FREE, PAUSED_LISTEN_S)
            if utterance is None:
                continue
            control = self._judge(utterance, True)
            self._end_if_asked(control, utterance)
            if control is Control.RESUME:
                break
        self._emit_state("resumed")
        session.say(self._resumed_prompt())
        self._shift += session.clock.now() - paused_at

    def _emit_state(self, state: str) -> None:
        self._session.emit("exercise", id=self._script.id, kind=self._script.kind, state=state)
