"""User turns from recorded WAV files: the whole voice pipeline without a microphone.

`assistant chat --audio-in A.wav B.wav` plays a conversation from recordings, one
file per turn, through the real recogniser. Each turn takes the time it would take
live: the recording's length plus the silence that tells the assistant the user
has finished.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from assistant.session.clock import Clock
from assistant.session.inbox import FREE, EndOfInput, Expectation, Utterance
from assistant.voice.models import END_OF_TURN_SILENCE_S
from assistant.voice.recognition import Recogniser, grammar_for


class WavInbox:
    """An `Inbox` whose turns are WAV files, recognised as the assistant listens.

    What the conversation expects at that moment ("number", "yes_no", "free", ...)
    picks the phrases recognition listens for.
    """

    def __init__(self, paths: Sequence[Path], recogniser: Recogniser, clock: Clock, lang: str):
        self._paths = list(paths)
        self._recogniser = recogniser
        self._clock = clock
        self._lang = lang

    def listen(self, timeout_s: float, expect: Expectation = FREE, needs_wake: bool = False) -> Utterance | None:
        """The next file's words, said now; None after `timeout_s` if it holds no words.

        Each file was recorded as a turn for the assistant, so, like a typed line, it
        counts without the wake phrase: `needs_wake` is the microphone's concern.
        """
        if not self._paths:
            raise EndOfInput
        samples = self._recogniser.read(self._paths.pop(0))
        started = self._clock.now()
        text, confidence = self._recogniser.decode(samples, grammar_for(expect.kind, self._lang))
        if not text:
            self._clock.sleep_until(started + timeout_s)
            return None
        audio_s = len(samples) / self._recogniser.sample_rate_hz
        self._clock.sleep_until(started + audio_s + END_OF_TURN_SILENCE_S)
        return Utterance(text, started, confidence)

    def wait(self, seconds: float, speech: str | None = None) -> Utterance | None:
        """Files are turns, never interruptions: time just passes, whatever is being said."""
        self._clock.sleep_until(self._clock.now() + seconds)
        return None

    def drain(self) -> None:
        """Nothing arrives on its own: the files are read when the assistant listens."""
