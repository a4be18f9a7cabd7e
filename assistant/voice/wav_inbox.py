"""User turns from recorded WAV files: the whole voice pipeline without a microphone.

`assistant chat --audio-in A.wav B.wav` plays a conversation from recordings, one
file per turn, through the real recogniser. Each turn takes the time it would take
live: the recording's length plus the silence that tells the assistant the user
has finished (0.4 s after an expected short answer, 1.5 s otherwise).

`FILE@SECONDS` is an interruption said that many seconds after the previous turn,
whatever the assistant is doing then (like `"after"` in machine mode): "stop",
"pause" or a crisis sentence spoken in the middle of an exercise.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from assistant.messages import UserFacingError, message
from assistant.session.clock import Clock
from assistant.session.inbox import FREE, EndOfInput, Expectation, Utterance
from assistant.voice.models import END_OF_TURN_SILENCE_S, SHORT_ANSWER_SILENCE_S
from assistant.voice.recognition import Ears, Heard

LONGEST_DELAY_S = 86400.0
"""An interruption is said at most a day after the previous turn."""


class AudioTurnUnusable(UserFacingError):
    """An --audio-in argument is neither a WAV file nor FILE@SECONDS."""


@dataclass(frozen=True)
class WavTurn:
    """One file of user speech: a turn, or an interruption `after_s` seconds after the previous turn."""

    path: Path
    after_s: float | None = None

    @classmethod
    def parse(cls, argument: str, lang: str = "en") -> WavTurn:
        """`FILE` or `FILE@SECONDS`; a file whose own name holds an @ is taken as it is."""
        path, at, seconds = argument.rpartition("@")
        if not at or Path(argument).exists():
            return cls(Path(argument))
        try:
            after_s = float(seconds)
        except ValueError:
            after_s = math.nan
        if not 0 <= after_s <= LONGEST_DELAY_S:
            raise AudioTurnUnusable(message("audio_turn_unusable", lang, argument=argument,
                                            limit=int(LONGEST_DELAY_S)))
        return cls(Path(path), after_s)


@dataclass(frozen=True)
class _Scheduled:
    at: float
    path: Path


class WavInbox:
    """An `Inbox` whose turns are WAV files, recognised as the assistant listens.

    What the conversation expects at that moment ("number", "yes_no", offered
    phrases...) picks the phrases recognition listens for.
    """

    def __init__(self, turns: Sequence[WavTurn | Path], ears: Ears, clock: Clock):
        self._turns = deque(turn if isinstance(turn, WavTurn) else WavTurn(Path(turn)) for turn in turns)
        self._ears = ears
        self._clock = clock
        self._scheduled: list[_Scheduled] = []
        self._base = 0.0
        """When the user's previous turn was said: an interruption's delay counts from there."""

    def _schedule_interruptions(self) -> None:
        """Give the interruptions that follow the last turn their moments."""
        while self._turns and self._turns[0].after_s is not None:
            turn = self._turns.popleft()
            moment = max(self._base + turn.after_s, self._clock.now())
            self._scheduled.append(_Scheduled(moment, turn.path))
            self._base = moment
        self._scheduled.sort(key=lambda item: item.at)

    def _said(self, heard: Heard, at: float, audio_s: float) -> Utterance:
        """The turn, once said: the clock moves past the speech and the silence that ends it."""
        silence_s = SHORT_ANSWER_SILENCE_S if heard.by_grammar else END_OF_TURN_SILENCE_S
        self._clock.sleep_until(at + audio_s + silence_s)
        self._base = at
        return Utterance(heard.text, at, heard.confidence)

    def listen(self, timeout_s: float, expect: Expectation = FREE, needs_wake: bool = False) -> Utterance | None:
        """The next file's words, said now; None after `timeout_s` if it holds no words.

        Each file was recorded as a turn for the assistant, so, like a typed line, it
        counts without the wake phrase: `needs_wake` is the microphone's concern. An
        interruption still to come is what the user says next, if it comes in time.
        """
        self._schedule_interruptions()
        if self._scheduled:
            return self.wait(timeout_s)
        if not self._turns:
            raise EndOfInput
        samples = self._ears.recogniser.read(self._turns.popleft().path)
        started = self._clock.now()
        heard = self._ears.hear(samples, expect)
        if not heard.text:
            self._clock.sleep_until(started + timeout_s)
            return None
        utterance = self._said(heard, started, len(samples) / self._ears.sample_rate_hz)
        self._schedule_interruptions()
        return utterance

    def wait(self, seconds: float, speech: str | None = None) -> Utterance | None:
        """Time passes; an interruption due meanwhile is heard at its moment, whatever is being said."""
        self._schedule_interruptions()
        until = self._clock.now() + seconds
        while self._scheduled and self._scheduled[0].at <= until:
            due = self._scheduled.pop(0)
            self._clock.sleep_until(due.at)
            samples = self._ears.recogniser.read(due.path)
            heard = self._ears.hear_interruption(samples)
            if heard.text:
                return self._said(heard, due.at, len(samples) / self._ears.sample_rate_hz)
        self._clock.sleep_until(until)
        return None

    def drain(self) -> None:
        """Interruptions given before any turn are scheduled from the start."""
        self._schedule_interruptions()
