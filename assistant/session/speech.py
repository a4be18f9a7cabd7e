"""How long speech takes, and the voices that produce it.

The voice decides how an utterance sounds; the session decides when. A text
voice (terminal, machine mode) takes the time a real voice would take at the
current rate, so exercise timing is the same on screen and on a speaker.
"""

from __future__ import annotations

import re
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

SENTENCE_PAUSE_S = 0.4
"""Silence a voice leaves after each sentence or clause ending (seconds)."""

_SENTENCE_END = re.compile(r"[.!?:;]+(\s|$)")


def speech_seconds(text: str, rate_wpm: float) -> float:
    """How long `text` takes to say at `rate_wpm`, pauses between sentences included."""
    words = len(text.split())
    pauses = len(_SENTENCE_END.findall(text))
    return words * 60.0 / rate_wpm + pauses * SENTENCE_PAUSE_S


def wav_seconds(path: Path) -> float:
    """The length of a WAV file (seconds)."""
    with wave.open(str(path), "rb") as sound:
        return sound.getnframes() / sound.getframerate()


class Playback(Protocol):
    """One prepared sound: started, and stopped early if the user interrupts."""

    duration_s: float

    def start(self) -> None: ...

    def stop(self) -> None: ...


@dataclass
class SilentPlayback:
    """A sound that is only timed, for text modes."""

    duration_s: float

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


class Voice(Protocol):
    def speech(self, text: str, lang: str, rate_wpm: float, volume: float) -> Playback:
        """Prepare `text` to be spoken."""

    def sound(self, path: Path, volume: float) -> Playback:
        """Prepare a sound file to be played."""


class TextVoice:
    """No sound: each utterance takes the time a voice would take to say it."""

    def speech(self, text: str, lang: str, rate_wpm: float, volume: float) -> Playback:
        return SilentPlayback(speech_seconds(text, rate_wpm))

    def sound(self, path: Path, volume: float) -> Playback:
        return SilentPlayback(wav_seconds(path))
