"""What the user says into the microphone: turns, interruptions, wake phrase.

- A free turn ends after 1.5 s of silence (2.0 s when the words so far sound
  unfinished: "I would like to ..."), measured on the audio itself, so that older
  speakers' pauses mid-sentence are never cut; the model's own end-of-turn
  point (conf/model.conf, which Vosk applies some 0.2 s late) also ends a turn
  that sounds finished, which holds in a noisy room. Long turns are accepted.
- A short answer the assistant expects (a number, yes or no, one of the phrases
  it has just offered, a command) ends the turn after 0.4 s of silence (the
  reply is heard about half a second after the user stops), once the grammar
  hears exactly that phrase and free recognition agrees nothing else was said.
- While the assistant speaks, the microphone is muted: "stop" is listened for
  and interrupts at once, and a free recogniser listens too, so that a sentence
  said over the assistant (a crisis above all) is handed over as soon as the
  assistant has finished. Words that are the assistant's own (the echo of what
  it is saying) are told apart by comparing them with the text being said.
- When the assistant has said it will wait, a turn counts only if it starts
  with the wake phrase (or after the push-to-talk key), so a television does
  not start a conversation. After a question, the user simply answers.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from assistant.session.clock import Clock
from assistant.session.inbox import FREE, Expectation, Utterance
from assistant.voice.grammars import Grammar, spell
from assistant.voice.microphone import Block, Microphone
from assistant.voice.models import END_OF_TURN_SILENCE_S, SHORT_ANSWER_SILENCE_S, UNFINISHED_TURN_SILENCE_S
from assistant.voice.recognition import Ears, Heard, words_confidence

MAX_TURN_S = 60.0
"""A turn longer than this is cut and taken as it is (seconds)."""
ECHO_GUARD_S = 0.3
"""The microphone stays muted this long after the assistant's own voice: the room's echo (seconds)."""
READ_S = 0.2
"""Longest wait for one microphone block, so that deadlines are checked often (seconds)."""
OWN_WORDS_NEEDED = 2
"""Words not in the assistant's sentence needed to take what the microphone heard over it as the user's."""


class TrailingSilence:
    """How long the microphone has been quiet, measured on the audio itself (10 ms frames).

    A frame is voiced when it is well above the noise floor, which follows the
    quietest frames quickly and louder ones slowly (a fan, a kitchen).
    """

    FRAME_S = 0.01
    MIN_VOICE_RMS = 300.0
    """Below this a frame is never speech (int16 units: about -40 dB of full scale)."""
    VOICE_OVER_FLOOR = 2.0
    FLOOR_RISE = 0.002
    """How fast the floor follows louder frames (fraction of the gap per frame)."""

    def __init__(self, sample_rate_hz: int):
        self._frame = int(sample_rate_hz * self.FRAME_S)
        self._floor: float | None = None
        self.quiet_s = 0.0
        """Silence since the last voiced frame (seconds)."""

    def feed(self, samples: np.ndarray) -> None:
        usable = len(samples) - len(samples) % self._frame
        if not usable:
            return
        frames = samples[:usable].astype(np.float64).reshape(-1, self._frame)
        for rms in np.sqrt(np.mean(frames * frames, axis=1)):
            floor = self._floor
            floor = rms if floor is None or rms < floor else floor + (rms - floor) * self.FLOOR_RISE
            self._floor = floor
            if rms > max(self.MIN_VOICE_RMS, self.VOICE_OVER_FLOOR * floor):
                self.quiet_s = 0.0
            else:
                self.quiet_s += self.FRAME_S


@dataclass
class Turn:
    """One recognised turn and when speech ended."""

    text: str
    confidence: float | None
    started_at: float
    endpoint_at: float
    """perf_counter() when the end of the turn was decided: latency is measured from here."""


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


def _partial(recogniser: Any) -> str:
    return json.loads(recogniser.PartialResult()).get("partial", "")


class _Transcript:
    """One recogniser fed a turn's audio, keeping the segments its own end-of-turn points cut.

    Vosk starts afresh after each of its endpoints; the listener, not Vosk, decides
    when the turn is over, so the segments are joined into one turn.
    """

    def __init__(self, stream: Any):
        self._stream = stream
        self._segments: list[dict] = []

    def feed(self, data: bytes) -> bool:
        """Recognise `data`; whether the model's own end-of-turn point came (a segment ended)."""
        if not self._stream.AcceptWaveform(data):
            return False
        segment = json.loads(self._stream.Result())
        if segment.get("text"):
            self._segments.append(segment)
        return True

    @property
    def text(self) -> str:
        """Everything recognised so far, the segment in progress included."""
        return " ".join([segment["text"] for segment in self._segments] + [_partial(self._stream)]).strip()

    def final(self) -> dict:
        """The whole turn as one Vosk result (text, and words with confidences)."""
        last = json.loads(self._stream.FinalResult())
        segments = self._segments + ([last] if last.get("text") else [])
        return {"text": " ".join(segment["text"] for segment in segments),
                "result": [word for segment in segments for word in segment.get("result", [])]}


class LiveInbox:
    """An `Inbox` on the microphone, recognised with Vosk as the user speaks."""

    def __init__(self, microphone: Microphone, ears: Ears, clock: Clock, push_to_talk: PushToTalk | None = None):
        self._microphone = microphone
        self._ears = ears
        self._clock = clock
        self._push_to_talk = push_to_talk
        self._muted_until = float("-inf")
        """Blocks captured until then hold the assistant's own voice (clock seconds)."""
        self._kept: Block | None = None
        """A block read too late for the listening that read it: the next one starts with it."""
        self.last_endpoint_at: float | None = None
        """perf_counter() at the end of the last turn (for latency figures)."""

    # Inbox protocol -----------------------------------------------------------------

    def listen(self, timeout_s: float, expect: Expectation = FREE, needs_wake: bool = False) -> Utterance | None:
        deadline = self._clock.now() + timeout_s
        phrases = self._ears.phrases
        grammar = phrases.wake_grammar() if needs_wake else phrases.grammar(expect)
        while self._clock.now() < deadline:
            turn = self._capture(deadline, grammar, short_answer=not needs_wake)
            if turn is None:
                return None
            if needs_wake and not self._woken(turn):
                continue
            return self._utterance(turn, turn.text or "hello")
        return None

    def wait(self, seconds: float, speech: str | None = None) -> Utterance | None:
        until = self._clock.now() + seconds
        if speech is None:
            turn = self._capture(until, self._ears.phrases.interruption_grammar(), short_answer=True)
        else:
            self._muted_until = until + ECHO_GUARD_S
            turn = self._over_speech(self._muted_until, speech)
        if turn is None or not turn.text:
            self._clock.sleep_until(until)
            return None
        return self._utterance(turn, turn.text)

    def drain(self) -> None:
        """Nothing to take in: speech is recognised as it comes."""

    def close(self) -> None:
        """Release the microphone."""
        self._microphone.close()

    # Recognition ------------------------------------------------------------------

    def _utterance(self, turn: Turn, text: str) -> Utterance:
        self.last_endpoint_at = turn.endpoint_at
        return Utterance(text, turn.started_at, turn.confidence)

    def _woken(self, turn: Turn) -> bool:
        if self._push_to_talk is not None and self._push_to_talk.take_press():
            return True
        wake = self._ears.phrases.wake_phrase
        for form in {wake.text, wake.spoken} if wake is not None else ():
            if turn.text == form or turn.text.startswith(form + " "):
                turn.text = turn.text[len(form):].strip()
                return True
        return False

    def _next(self, timeout_s: float) -> Block | None:
        if self._kept is not None:
            block, self._kept = self._kept, None
            return block
        return self._microphone.read(timeout_s)

    def _read(self, timeout_s: float) -> Block | None:
        """The next block the user may have spoken in; the assistant's own voice is left out."""
        block = self._next(timeout_s)
        while block is not None and block.at <= self._muted_until:
            block = self._next(0.0)
        return block

    def _keep_if_late(self, block: Block, deadline: float) -> bool:
        """Leave a block that ends after `deadline` to whatever listens next, when nobody is speaking.

        Recognising it would take a little time past the deadline (an exercise cue
        would start late), and its audio belongs to what comes next anyway.
        """
        if block.at <= deadline:
            return False
        self._kept = block
        return True

    def _capture(self, deadline: float, grammar: Grammar | None, short_answer: bool) -> Turn | None:
        """The next turn, or None if nobody starts speaking before `deadline`.

        Free recognition and `grammar` hear the same audio. The turn ends after
        1.5 s of silence measured on the audio (2.0 s when the words so far sound
        unfinished, "I would like to ..."), or at the model's own end-of-turn point
        when the words sound finished; when `short_answer` is allowed, after half a
        second once the grammar hears exactly one of its phrases and free
        recognition agrees.
        """
        recogniser = self._ears.recogniser
        free = _Transcript(recogniser.stream())
        narrow = _Transcript(recogniser.stream(grammar)) if grammar is not None else None
        silence = TrailingSilence(recogniser.sample_rate_hz)
        started_at: float | None = None
        while True:
            now = self._clock.now()
            if started_at is None and now >= deadline:
                return None
            block = self._read(min(READ_S, max(0.0, deadline - now)) if started_at is None else READ_S)
            if block is None:
                continue
            if started_at is None and self._keep_if_late(block, deadline):
                return None
            data = block.samples.astype("<i2").tobytes()
            endpoint = free.feed(data)
            if narrow is not None:
                narrow.feed(data)
            silence.feed(block.samples)
            text = free.text
            if started_at is None:
                if text:
                    started_at = now
                elif endpoint:  # noise the model made nothing of: start afresh
                    free = _Transcript(recogniser.stream())
                    narrow = _Transcript(recogniser.stream(grammar)) if grammar is not None else None
                continue
            unfinished = self._ears.phrases.sounds_unfinished(text)
            needed_s = UNFINISHED_TURN_SILENCE_S if unfinished else END_OF_TURN_SILENCE_S
            ends = (silence.quiet_s >= needed_s or (endpoint and not unfinished) or now - started_at > MAX_TURN_S
                    or (short_answer and narrow is not None and silence.quiet_s >= SHORT_ANSWER_SILENCE_S
                        and self._complete_answer(text, narrow.text, grammar)))
            if not ends:
                continue
            endpoint_at = time.perf_counter()
            heard = free.final()
            if heard["text"]:
                answer = self._ears.choose(heard, narrow.final() if narrow is not None else None, grammar)
                return Turn(answer.text, answer.confidence, started_at, endpoint_at)
            free = _Transcript(recogniser.stream())
            narrow = _Transcript(recogniser.stream(grammar)) if grammar is not None else None
            started_at = None

    def _complete_answer(self, free_text: str, narrow_text: str, grammar: Grammar) -> bool:
        """Whether an expected phrase has been said whole: the grammar hears exactly it, free recognition
        agrees nothing else was said, and a phrase of several words has been heard to its last word
        ("very ..." followed by a pause may yet become "very good", not the grammar's "very low")."""
        phrase = grammar.answer(narrow_text)
        if phrase is None or not self._ears.choose({"text": free_text}, {"text": narrow_text}, grammar).by_grammar:
            return False
        return len(phrase.words) == 1 or phrase.words[-1] in free_text.split()

    # While the assistant speaks ------------------------------------------------------

    def _over_speech(self, muted_until: float, speech: str) -> Turn | None:
        """What the user said while the assistant said `speech` (until `muted_until`), if anything.

        A stop phrase interrupts at once (and past `muted_until` the watch goes on
        while one is being said, so "stop" said over the end of a cue is heard).
        Anything else the user said meanwhile is kept, finished if they are still
        talking when the assistant stops, and handed over then; the assistant's
        own voice, heard back, is dropped.
        """
        recogniser = self._ears.recogniser
        stops = self._ears.phrases.stop_grammar(speech)
        stop = recogniser.stream(stops) if stops is not None else None
        overheard = recogniser.stream()
        silence = TrailingSilence(recogniser.sample_rate_hz)
        said: list[dict] = []
        started_at: float | None = None
        while True:
            now = self._clock.now()
            stopping = stop is not None and bool(stops.mentioned_in(_partial(stop)))
            if now >= muted_until:
                if stopping:
                    pass  # "stop" is being said: keep listening until it ends
                elif said or self._from_user(_partial(overheard), speech):
                    return self._finish_overheard(overheard, said, started_at or now, speech)
                else:
                    return None
            block = self._next(min(READ_S, max(0.01, muted_until - now)))
            if block is None:
                continue
            if not (said or stopping) and started_at is None and self._keep_if_late(block, muted_until):
                continue
            data = block.samples.astype("<i2").tobytes()
            silence.feed(block.samples)
            if stop is not None:
                ended = stop.AcceptWaveform(data)
                if ended or silence.quiet_s >= SHORT_ANSWER_SILENCE_S:
                    heard = json.loads(stop.Result() if ended else stop.PartialResult())
                    phrase = stops.answer(heard.get("text", heard.get("partial", "")))
                    if phrase is not None:
                        return Turn(phrase.text, words_confidence(heard), started_at or now, time.perf_counter())
            if overheard.AcceptWaveform(data):
                segment = json.loads(overheard.Result())
                if self._from_user(segment.get("text", ""), speech):
                    said.append(segment)
            elif started_at is None and self._from_user(_partial(overheard), speech):
                started_at = now

    def _finish_overheard(self, overheard: Any, said: list[dict], started_at: float, speech: str) -> Turn | None:
        """Let the user finish the sentence begun over the assistant's voice, then hand it over whole."""
        give_up_at = self._clock.now() + MAX_TURN_S
        ended = not self._from_user(_partial(overheard), speech)
        while not ended and self._clock.now() < give_up_at:
            block = self._next(READ_S)
            ended = block is not None and overheard.AcceptWaveform(block.samples.astype("<i2").tobytes())
        last = json.loads(overheard.Result() if ended else overheard.FinalResult())
        if self._from_user(last.get("text", ""), speech):
            said.append(last)
        if not said:
            return None
        whole = {"text": " ".join(segment["text"] for segment in said),
                 "result": [word for segment in said for word in segment.get("result", [])]}
        heard: Heard = self._ears.choose(whole, None, None)
        return Turn(heard.text, heard.confidence, started_at, time.perf_counter())

    def _from_user(self, heard: str, speech: str) -> bool:
        """Whether words heard while the assistant said `speech` are the user's, not its own voice heard back.

        The echo repeats the sentence's words (misheard ones too, but few); the user
        says words of their own. A crisis sentence counts as the user's unless the
        assistant is saying one itself, and a command not in the sentence counts
        even alone ("help").
        """
        words = heard.split()
        if not words:
            return False
        if self._ears.is_crisis(heard) is not None and self._ears.is_crisis(speech) is None:
            return True
        said = set(spell(speech, None)[0])
        command = self._ears.phrases.interruption_grammar().answer(heard)
        if command is not None and not set(command.words) <= said:
            return True
        own = [word for word in words if word not in said]
        return len(own) >= OWN_WORDS_NEEDED and 2 * len(own) >= len(words)
