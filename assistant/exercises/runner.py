"""Runs an exercise script on the session's clock.

Cycle steps are anchored to the exercise's start: each cue begins exactly on
its beat, however long the previous cue took to say, so the breath rhythm stays
exact. Linear steps are followed by their silences; the flexible ones are
planned again at every step, so the session ends on the length asked whatever
the speaking rate, and a "shorter" or "longer" takes effect at once.

Whatever the user says meanwhile is judged by the conversation (safety first)
and comes back here as a control: go on, pause, resume, stop, shorter, longer,
breathe more slowly, or hand the utterance back to the conversation.
Time spent paused moves every later beat by as much, so the rhythm survives.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Callable, Mapping

from assistant.exercises.phrases import RunnerPhrases, load_phrases
from assistant.exercises.scripts import (ENCOURAGEMENT_MARGIN_S, NO_FADE, PARTS, ExerciseScript, Fade, Step,
                                         cycles_for, flex_factor, part_seconds)
from assistant.languages import LANGUAGE_DATA
from assistant.session.inbox import FREE, Utterance
from assistant.session.session import Session
from assistant.session.speech import speech_seconds

PAUSED_LISTEN_S = 30.0
"""While paused, how long each listen lasts before listening again (seconds)."""
CLOCK_TOLERANCE_S = 1e-6
"""Closer than this to a moment is on it: time spent paused makes exercise time a difference of floats."""
SHORTER_KEEPS_OF_SILENCES = 0.5
"""A shorter length is taken only if the rest still fits with silences at least this fraction of what was written."""


class Control(Enum):
    CONTINUE = "continue"
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"
    HANDOFF = "handoff"
    """Stop, and let the conversation answer what was said (a crisis, a goodbye...)."""
    SHORTER = "shorter"
    """Make the rest shorter: the next shorter length, or finish gently now."""
    LONGER = "longer"
    """Make the rest longer: the next longer length, if there is one."""
    SLOWER_BREATH = "slower_breath"
    """Switch to the gentler breathing the script names (the gentle count)."""


Judge = Callable[[Utterance, bool], Control]
"""Decides what an utterance means for the running exercise; the flag says whether it is paused."""


@dataclass(frozen=True)
class RunResult:
    outcome: str
    """finished, stopped, or interrupted (handed back to the conversation)."""
    handoff: Utterance | None = None
    exercise_id: str = ""
    """What ran last: the gentle count after a switch to a slower breath."""
    minutes: int | None = None
    """Its length at the end, after any "shorter" or "longer"."""
    switched_from: str | None = None
    """The exercise it started as, when the user asked to breathe more slowly."""
    ends_quietly: bool = False
    """A script that ends quietly finished: ask nothing and do not reprompt (the listener may be asleep)."""


@dataclass(frozen=True)
class LengthChange:
    """What a "shorter" or "longer" did."""

    outcome: str
    """changed, ending (no shorter length: finishing gently now), at_longest, at_first_rounds
    (the first-time limit keeps it as it is) or nearly_done (already in the closing words)."""
    minutes: int
    """The length now planned (minutes)."""


class _Ended(Exception):
    def __init__(self, outcome: str, handoff: Utterance | None = None):
        self.outcome = outcome
        self.handoff = handoff


class _Switch(Exception):
    def __init__(self, script: ExerciseScript):
        self.script = script


class ExerciseRunner:
    """Plays one script at a time through a session."""

    def __init__(self, session: Session, judge: Judge, paused_prompt: Callable[[], str],
                 resumed_prompt: Callable[[], str], phrases: RunnerPhrases | None = None,
                 scripts: Mapping[str, ExerciseScript] | None = None):
        """`phrases`: what the runner says itself (the shipped exercises/phrases.yml unless given);
        `scripts`: every script by id, where a script's gentler breathing is found."""
        self._session = session
        self._judge = judge
        self._paused_prompt = paused_prompt
        self._resumed_prompt = resumed_prompt
        self._phrases = phrases if phrases is not None else load_phrases()
        self._scripts = dict(scripts or {})

    # The run ------------------------------------------------------------------

    def run(self, script: ExerciseScript, minutes: int | None = None, *, first_time: bool = False,
            fade_volume: bool = True) -> RunResult:
        """Play `script` for the offered length nearest `minutes` (its default if None).

        `first_time`: the user is new to it, so its first-time cycle limit applies.
        `fade_volume`: False keeps the volume steady where the script fades (a hearing aid).
        """
        self._session.inbox.drain()
        self._script = script
        self._minutes = script.minutes_for(minutes)
        self._first_time = first_time
        self._fade_volume = fade_volume
        self._shift = 0.0
        """Seconds spent paused so far: every later moment moves by this much."""
        self._start = self._session.clock.now()
        self._position: tuple[str, int] = ("intro", -1)
        self._capped = False
        self._ending = False
        self._paused = False
        self._switch_to: ExerciseScript | None = None
        self._switched_from: str | None = None
        self._cycle_start = self._cycle_count = self._cycle_number = 0
        self._emit_state("started")
        try:
            try:
                self._linear("intro")
                self._body()
            except _Switch as switch:
                self._switch(switch.script)
                self._body()
            self._position = ("outro", -1)
            self._linear("outro")
        except _Ended as ended:
            self._emit_state("stopped")
            return self._result(ended.outcome, ended.handoff)
        self._emit_state("finished")
        return self._result("finished")

    def _result(self, outcome: str, handoff: Utterance | None = None) -> RunResult:
        return RunResult(outcome, handoff, self._script.id, self._minutes, self._switched_from,
                         ends_quietly=self._script.ends_quietly and outcome == "finished")

    def _body(self) -> None:
        if self._script.cycle:
            self._cycles()
        else:
            self._linear("steps")

    # Time -------------------------------------------------------------------------

    def _now(self) -> float:
        """The exercise's own time: the clock less the time spent paused."""
        return self._session.clock.now() - self._shift

    def _end(self) -> float:
        return self._start + self._minutes * 60.0

    def _rate(self) -> float:
        return self._session.settings.voice.rate_wpm

    def _wait_until(self, moment: float | Callable[[], float]) -> None:
        """Wait until `moment` (exercise time; a function when it may be planned again meanwhile)."""
        target = moment if callable(moment) else (lambda: moment)
        while (remaining_s := target() - self._now()) > CLOCK_TOLERANCE_S:
            self._react(self._session.pause(remaining_s))

    def _rest_after(self, part: str, index: int, minutes: int) -> tuple[float, float]:
        """(fixed, flexible) seconds still to come in the linear parts after step `index` of `part`."""
        fixed = flexible = 0.0
        lang = self._session.lang
        for later in PARTS[PARTS.index(part):]:
            for step_index, fade in self._script.scales(later, minutes).items():
                if later == part and step_index <= index:
                    continue
                step = self._script.part(later)[step_index]
                fixed += step.fixed_s(lang, self._rate() * fade.rate_scale)
                flexible += step.silence_s
        return fixed, flexible

    def _flexible_s(self, part: str, index: int, began: float) -> float:
        """How long the flexible silence of step `index` lasts, so the rest ends on the length planned."""
        step = self._script.part(part)[index]
        if self._ending and part == "steps":
            return 0.0
        if self._capped or self._ending:
            return step.silence_s
        fixed, flexible = self._rest_after(part, index, self._minutes)
        return step.silence_s * flex_factor(self._end() - began - fixed, step.silence_s + flexible)

    # Linear parts ---------------------------------------------------------------------

    def _scale(self, part: str, index: int) -> Fade:
        fade = self._script.scales(part, self._minutes).get(index, NO_FADE)
        return fade if self._fade_volume else Fade(fade.rate_scale, 1.0)

    def _linear(self, part: str) -> None:
        for index, step in enumerate(self._script.part(part)):
            # Planned again before every step: a length may have changed meanwhile.
            if index not in self._script.included(part, self._minutes):
                continue
            if self._ending and part == "steps":
                return
            self._position = (part, index)
            self._perform(step, self._scale(part, index), remember=part == "outro")
            if step.pause_s:
                self._wait_until(self._now() + step.pause_s)
            if step.silence_s:
                began = self._now()
                self._wait_until(lambda: began + self._flexible_s(part, index, began))

    def _perform(self, step: Step, fade: Fade = NO_FADE, remember: bool = False) -> None:
        """A cue is not what "repeat" says again; the closing words are."""
        if step.tone:
            self._react(self._session.tone(step.tone, volume_scale=fade.volume_scale))
        if step.say:
            self._react(self._session.say(step.say[self._session.lang], remember=remember,
                                          rate_scale=fade.rate_scale, volume_scale=fade.volume_scale))

    # Breath cycles ------------------------------------------------------------------

    def _planned_cycles(self, cycle_start: float) -> int:
        script, lang = self._script, self._session.lang
        outro_fixed, outro_flexible = part_seconds(script, "outro", self._minutes, lang, self._rate())
        budget = self._end() - cycle_start - outro_fixed - outro_flexible
        count = cycles_for(budget, script.cycle_seconds, absorbs_rest=outro_flexible > 0)
        return min(count, script.max_cycles_at_first) if self._capped else count

    def _cycles(self) -> None:
        script = self._script
        self._position = ("cycle", 0)
        self._cycle_number = 0
        limit = script.max_cycles_at_first if self._first_time else None
        if limit is not None and self._planned_cycles(self._now()) > limit:
            self._capped = True
            self._say(self._phrases.at_first_rounds(self._session.lang, cycles=limit))
        self._cycle_start = self._now()
        self._cycle_count = self._planned_cycles(self._cycle_start)
        while self._cycle_number < self._cycle_count:
            anchor = self._cycle_start + self._cycle_number * script.cycle_seconds
            for index, step in enumerate(script.cycle):
                self._wait_until(anchor)
                self._perform(step)
                if index == len(script.cycle) - 1:
                    self._encourage(self._cycle_number, anchor + step.seconds)
                anchor += step.seconds
            self._wait_until(anchor)
            self._cycle_number += 1
        self._position = ("outro", -1)

    def _encourage(self, cycle_number: int, step_end: float) -> None:
        script = self._script
        every = script.encouragement_every
        if not every or not script.encouragements or (cycle_number + 1) % every:
            return
        lines = script.encouragements
        text = lines[(cycle_number // every) % len(lines)][self._session.lang]
        room = step_end - self._now() - ENCOURAGEMENT_MARGIN_S
        if speech_seconds(text, self._rate()) <= room:
            self._react(self._session.say(text, remember=False))

    # Changes asked for while running ---------------------------------------------------

    def change_length(self, longer: bool) -> LengthChange:
        """Make the rest of the run the next longer or shorter length offered, and say so.

        Called for Control.SHORTER and Control.LONGER, or by the conversation's
        judge during a run. With no shorter length left, the exercise finishes
        gently now (straight to its closing words).
        """
        script, lang, part = self._script, self._session.lang, self._position[0]
        if part == "outro":
            if longer:
                return self._changed("nearly_done", self._phrases.nearly_done(lang))
            self._ending = True
            return self._changed("ending", self._phrases.ending_soon(lang))
        if longer:
            if self._capped:
                limit = script.max_cycles_at_first
                return self._changed("at_first_rounds", self._phrases.longer_at_first(lang, cycles=limit))
            options = [length for length in script.lengths if length > self._minutes]
            if not options:
                return self._changed("at_longest", self._phrases.at_longest(lang, length=self._length_words()))
            self._minutes = options[0]
        else:
            options = [length for length in script.lengths if length < self._minutes and self._fits(length)]
            if not options:
                self._ending = True
                if part == "cycle":
                    self._cycle_count = min(self._cycle_count, self._cycle_number + 1)
                return self._changed("ending", self._phrases.ending_soon(lang))
            self._minutes = options[-1]
        if part == "cycle":
            self._cycle_count = max(self._cycle_number + 1, self._planned_cycles(self._cycle_start))
        return self._changed("changed", self._phrases.length_changed(lang, length=self._length_words()))

    def _changed(self, outcome: str, sentence: str) -> LengthChange:
        self._say(sentence)
        return LengthChange(outcome, self._minutes)

    def _length_words(self) -> str:
        return LANGUAGE_DATA[self._session.lang].count(self._minutes, "minute")

    def _fits(self, minutes: int) -> bool:
        """Whether what is left of the run still fits in a `minutes`-long session."""
        script, lang, (part, index) = self._script, self._session.lang, self._position
        end = self._start + minutes * 60.0
        outro_fixed, outro_flexible = part_seconds(script, "outro", minutes, lang, self._rate())
        if part == "cycle":
            needed = self._cycle_start + (self._cycle_number + 1) * script.cycle_seconds + outro_fixed + outro_flexible
        else:
            fixed, flexible = self._rest_after(part, index, minutes)
            body = script.cycle_seconds if script.cycle else 0.0
            needed = self._now() + fixed + body + SHORTER_KEEPS_OF_SILENCES * flexible
        return end >= needed

    def breathe_slower(self) -> bool:
        """Switch to the script's gentler breathing at once; False (said kindly) when there is none.

        Called for Control.SLOWER_BREATH, or by the conversation's judge during a
        run. The gentle count goes on for what was left of the run, at its own
        nearest length, then says its own closing words.
        """
        gentler = self._scripts.get(self._script.slower or "")
        if gentler is None or self._switched_from is not None or self._position[0] == "outro":
            self._say(self._phrases.no_slower_breath(self._session.lang))
            return False
        self._switch_to = gentler
        return True

    def _switch(self, gentler: ExerciseScript) -> None:
        remaining_s = self._end() - self._now()
        self._emit_state("stopped")
        self._switched_from = self._script.id
        self._script = gentler
        self._say(self._phrases.slower_breath(self._session.lang))
        self._start = self._now()
        self._minutes = gentler.minutes_for(max(1, round(remaining_s / 60)))
        self._capped = self._ending = False
        self._emit_state("started")

    # Interruptions ----------------------------------------------------------------

    def _say(self, text: str) -> None:
        """Something the runner says itself; while paused, an answer to it waits for the paused listen."""
        utterance = self._session.say(text, remember=False)
        if not self._paused:
            self._react(utterance)

    def _react(self, utterance: Utterance | None) -> None:
        if utterance is None:
            return
        self._session.answered(utterance)
        self._apply(self._judge(utterance, False), utterance)
        if self._switch_to is not None:
            gentler, self._switch_to = self._switch_to, None
            raise _Switch(gentler)

    def _apply(self, control: Control, utterance: Utterance) -> None:
        if control is Control.STOP:
            raise _Ended("stopped")
        if control is Control.HANDOFF:
            raise _Ended("interrupted", utterance)
        if control is Control.PAUSE and not self._paused:
            self._pause()
        elif control is Control.SHORTER or control is Control.LONGER:
            self.change_length(longer=control is Control.LONGER)
        elif control is Control.SLOWER_BREATH:
            self.breathe_slower()

    def _pause(self) -> None:
        session = self._session
        paused_at = session.clock.now()
        self._paused = True
        self._emit_state("paused")
        session.say(self._paused_prompt())
        while True:
            utterance = session.listen(FREE, PAUSED_LISTEN_S)
            if utterance is None:
                continue
            control = self._judge(utterance, True)
            if control is Control.RESUME:
                break
            self._apply(control, utterance)
        self._paused = False
        self._emit_state("resumed")
        session.say(self._resumed_prompt())
        self._shift += session.clock.now() - paused_at

    def _emit_state(self, state: str) -> None:
        self._session.emit("exercise", id=self._script.id, kind=self._script.kind, state=state)
