"""What the user says into the microphone: turns, interruptions, wake phrase.

- A turn ends after the model's end-of-turn silence (about 1.5 s, set in the
  speech model's conf/model.conf at install); long turns are accepted.
- While the assistant speaks, only "stop" is listened for; the rest is its own
  voice. What the microphone caught meanwhile is dropped before listening.
- When the assistant has said it will wait, a turn counts only if it starts
  with the wake phrase (or after the push-to-talk key), so a television does
  not start a conversation. After a question, the user simply answers.
- When a short answer is expected (a number, yes or no), a grammar of the
  expected phrases runs beside free recognition and wins only when it hears
  exactly one expected phrase.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import yaml

from assistant.session.clock import Clock
from assistant.session.inbox import FREE, Expectation, Utterance
from assistant.voice.microphone import Microphone
from assistant.voice.recognition import Recogniser, grammar_for, words_confidence

MAX_TURN_S = 60.0
"""A turn longer than this is cut and taken as it is (seconds)."""
ECHO_GUARD_S = 0.3
"""The microphone stays muted this long after the assistant's own voice: the room's echo (seconds)."""
LISTENING_FILE = Path(__file__).with_name("listening.yml")


@lru_cache(maxsize=1)
def _listening() -> dict[str, Any]:
    return yaml.safe_load(LISTENING_FILE.read_text(encoding="utf-8"))


def stop_phrases(lang: str) -> list[str]:
    return list(_listening()["stop_phrases"][lang])


@dataclass
class Turn:
    """One recognised turn: free text, the grammar's answer if any, and when speech ended."""

    text: str
    confidence: float | None
    started_at: float
    endpoint_at: float
    """perf_counter() when the end-of-turn silence was detected: latency is measured from here."""


class PushToTalk:
    """A key (a large USB button shows up as a key) that opens the microphone for one turn."""

    def __init__(self, read_key: Callable[[], str]):
        self._pressed = threading.Event()
        threading.Thread(target=self._watch, args=(read_key,), daemon=True).start()

    def _watch(self, read_key: Callable[[], str]) -> None:
        while read_key():
            self._pressed.set()

    def take_press(self) -> bool:
        """Whether the key was pressed since last asked."""
        pressed = self._pressed.is_set()
        self._pressed.clear()
        return pressed


class LiveInbox:
    """An `Inbox` on the microphone, recognised with Vosk as the user speaks."""

    def __init__(self, microphone: Microphone, recogniser: Recogniser, clock: Clock, lang: str,
                 wake_phrase: str, push_to_talk: PushToTalk | None = None):
        self._microphone = microphone
        self._recogniser = recogniser
        self._clock = clock
        self._lang = lang
        self._wake_phrase = wake_phrase.lower()
        self._push_to_talk = push_to_talk
        self.last_endpoint_at: float | None = None
        """perf_counter() at the end of the last turn (for latency figures)."""

    # Inbox protocol -----------------------------------------------------------------

    def listen(self, timeout_s: float, expect: Expectation = FREE, needs_wake: bool = False) -> Utterance | None:
        self._microphone.flush()
        deadline = self._clock.now() + timeout_s
        while self._clock.now() < deadline:
            grammar = [self._wake_phrase] if needs_wake else grammar_for(expect.kind, self._lang)
            turn = self._capture(deadline, grammar, answer_only=False)
            if turn is None:
                return None
            if needs_wake and not self._woken(turn):
                continue
            self.last_endpoint_at = turn.endpoint_at
            return Utterance(turn.text or "hello", turn.started_at, turn.confidence)
        return None

    def wait(self, seconds: float, speech: str | None = None) -> Utterance | None:
        until = self._clock.now() + seconds
        if speech is None:
            self._microphone.flush()
            turn = self._capture(until, None, answer_only=False)
        else:
            until += ECHO_GUARD_S
            phrases = [phrase for phrase in stop_phrases(self._lang) if phrase not in speech.lower()]
            turn = self._capture(until, phrases, answer_only=True) if phrases else None
        if turn is None or not turn.text:
            self._clock.sleep_until(until)
            return None
        self.last_endpoint_at = turn.endpoint_at
        return Utterance(turn.text, turn.started_at, turn.confidence)

    def drain(self) -> None:
        """Nothing to take in: speech is recognised as it comes."""

    def close(self) -> None:
        """Release the microphone."""
        self._microphone.close()

    # Recognition ------------------------------------------------------------------


    def _woken(self, turn: Turn) -> bool:
        if self._push_to_talk is not None and self._push_to_talk.take_press():
            return True
        if turn.text.startswith(self._wake_phrase):
            turn.text = turn.text[len(self._wake_phrase):].strip()
            return True
        return False

    def _capture(self, deadline: float, grammar: list[str] | None, answer_only: bool) -> Turn | None:
        """The next turn, or None if nobody starts speaking before `deadline`.

        `answer_only`: only the grammar's phrases count (while the assistant speaks,
        anything else is its own voice); past `deadline` the capture goes on only
        while one of them is being said, so "stop" said over the end of a cue is heard.
        """
        leading = self._recogniser.stream(grammar if answer_only else None)
        narrow = self._recogniser.stream(grammar) if grammar and not answer_only else None
        started_at: float | None = None
        while True:
            now = self._clock.now()
            if now >= deadline and (started_at is None or (answer_only and not self._saying_one_of(leading, grammar))):
                return None
            block = self._microphone.read(min(0.2, max(0.0, deadline - now)) if started_at is None else 0.2)
            if block is None:
                continue
            data = block.astype("<i2").tobytes()
            ended = leading.AcceptWaveform(data)
            if narrow is not None:
                narrow.AcceptWaveform(data)
            if ended or (started_at is not None and now - started_at > MAX_TURN_S):
                heard = json.loads(leading.Result() if ended else leading.FinalResult())
                turn = self._turn(heard, narrow, grammar, answer_only, started_at or now)
                if turn is not None:
                    return turn
                leading = self._recogniser.stream(grammar if answer_only else None)
                narrow = self._recogniser.stream(grammar) if narrow is not None else None
                started_at = None
            elif started_at is None and json.loads(leading.PartialResult()).get("partial"):
                started_at = now

    @staticmethod
    def _saying_one_of(recogniser: Any, phrases: list[str] | None) -> bool:
        partial = json.loads(recogniser.PartialResult()).get("partial", "")
        return any(phrase in partial for phrase in phrases or [])

    @staticmethod
    def _turn(heard: dict, narrow: Any, grammar: list[str] | None, answer_only: bool, started_at: float) -> Turn | None:
        """The turn that ended, or None if it held no words (or, when muted, no stop phrase)."""
        endpoint_at = time.perf_counter()
        text = heard.get("text", "")
        if answer_only:
            return Turn(text, words_confidence(heard), started_at, endpoint_at) if text in (grammar or []) else None
        if not text:
            return None
        if narrow is not None:
            answer = json.loads(narrow.FinalResult())
            if answer.get("text") in grammar:
                return Turn(answer["text"], words_confidence(answer), started_at, endpoint_at)
        return Turn(text, words_confidence(heard), started_at, endpoint_at)
