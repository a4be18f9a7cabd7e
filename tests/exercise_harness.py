"""Running exercises on the virtual clock without the dialogue model.

A real session (virtual clock, line inbox, JSON-lines events, the text voice)
and a small judge that reads a few plain words as controls, so the runner can
be tested on its own: the conversation's judge is tested with the conversation.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from assistant.exercises.runner import Control, ExerciseRunner, RunResult
from assistant.exercises.scripts import ExerciseScript
from assistant.session.clock import VirtualClock
from assistant.session.events import JsonlEvents
from assistant.session.inbox import LineInbox, Utterance
from assistant.session.session import Session
from assistant.session.speech import Playback, SilentPlayback, TextVoice, speech_seconds
from assistant.settings import Settings, VoiceSettings

CONTROLS = {"stop": Control.STOP, "pause": Control.PAUSE, "go on": Control.RESUME, "goodbye": Control.HANDOFF,
            "shorter": Control.SHORTER, "longer": Control.LONGER, "slower breath": Control.SLOWER_BREATH}
PAUSED_PROMPT = "Paused."
RESUMED_PROMPT = "Let's carry on."


@dataclass
class Spoken:
    text: str
    rate_wpm: float
    volume: float


class RecordingVoice(TextVoice):
    """The text voice, remembering the rate and volume of everything said."""

    def __init__(self) -> None:
        self.spoken: list[Spoken] = []
        self.sounds: list[float] = []

    def speech(self, text: str, lang: str, rate_wpm: float, volume: float) -> Playback:
        self.spoken.append(Spoken(text, rate_wpm, volume))
        return SilentPlayback(speech_seconds(text, rate_wpm))

    def sound(self, path: Path, volume: float) -> Playback:
        self.sounds.append(volume)
        return super().sound(path, volume)


@dataclass
class Run:
    result: RunResult
    events: list[dict]
    voice: RecordingVoice
    session: Session
    judged: list[tuple[str, bool]] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[dict]:
        return [event for event in self.events if event["event"] == kind]

    def said(self) -> list[dict]:
        return self.of_kind("say")

    def states(self) -> list[str]:
        return [event["state"] for event in self.of_kind("exercise")]

    def span(self) -> float:
        """From the exercise's start to its end (seconds)."""
        moments = [event["t"] for event in self.of_kind("exercise")]
        return moments[-1] - moments[0]

    def cue_times(self, texts: Iterable[str]) -> list[float]:
        wanted = set(texts)
        return [event["t"] for event in self.said() if event["text"] in wanted]


def run_exercise(script: ExerciseScript, minutes: int | None = None, lang: str = "en",
                 interruptions: Iterable[tuple[str, float]] = (), rate_wpm: float | None = None,
                 scripts: dict[str, ExerciseScript] | None = None, **options) -> Run:
    """Run `script`; `interruptions` are (text, seconds after the previous one), as machine mode's "after"."""
    lines = "".join(json.dumps({"text": text, "after": after}) + "\n" for text, after in interruptions)
    clock = VirtualClock()
    out = io.StringIO()
    voice = RecordingVoice()
    settings = Settings(language=lang, voice=VoiceSettings(rate_wpm=rate_wpm or VoiceSettings().rate_wpm))
    inbox = LineInbox(clock, io.StringIO(lines), lambda name, values: None)
    session = Session(lang, clock, inbox, JsonlEvents(clock, out), voice, settings)
    judged: list[tuple[str, bool]] = []

    def judge(utterance: Utterance, paused: bool) -> Control:
        judged.append((utterance.text, paused))
        return CONTROLS.get(utterance.text, Control.CONTINUE)

    runner = ExerciseRunner(session, judge, lambda: PAUSED_PROMPT, lambda: RESUMED_PROMPT, scripts=scripts)
    result = runner.run(script, minutes, **options)
    events = [json.loads(line) for line in out.getvalue().splitlines()]
    return Run(result, events, voice, session, judged)
