"""What the user says, and when: the input side of a conversation.

An inbox answers two questions for the conversation and the exercise runner:
"what does the user say next?" (listen, with a timeout) and "does the user
interrupt while I speak or run an exercise?" (wait). Lines of text (a terminal,
machine mode) and, elsewhere, the microphone implement the same protocol.
"""

from __future__ import annotations

import json
import queue
import threading
from collections import deque
from dataclasses import dataclass
from typing import Callable, Protocol, TextIO, Union

from assistant.session.clock import Clock

MAX_LINE_CHARS = 1000
"""Longer lines are cut: nobody says more in one breath, and it bounds the work."""
DRAIN_GRACE_S = 0.05
"""How long to wait for lines sent together with a turn before starting something long."""


@dataclass(frozen=True)
class Utterance:
    """Something the user said."""

    text: str
    at: float
    """When it was said (seconds on the assistant's clock)."""
    confidence: float | None = None
    """The recogniser's confidence (0 to 1), when it came from speech."""


@dataclass(frozen=True)
class Expectation:
    """What the assistant has just asked for: it narrows speech recognition and how soon a turn ends."""

    kind: str = "free"
    """The kind of answer (the `expect` of a listen event): free, number, yes_no, choice..."""
    offered: tuple[str, ...] = ()
    """Phrases the assistant has just offered ("breathing", "check-in"), in the conversation's language."""

    @property
    def short_answer(self) -> bool:
        """Whether a short answer (a number, yes or no, an offered phrase) is what is expected."""
        return self.kind != "free" or bool(self.offered)


FREE = Expectation()
"""Free speech: nothing in particular was asked."""


class EndOfInput(Exception):
    """The user has gone: end of the input stream."""


class Inbox(Protocol):
    def listen(self, timeout_s: float, expect: Expectation = FREE, needs_wake: bool = False) -> Utterance | None:
        """The user's next turn, or None after `timeout_s` of silence; raises EndOfInput.

        `expect` is what the assistant asked for (a kind of answer, phrases it offered),
        which narrows speech recognition. `needs_wake`: the assistant is waiting, so
        only a turn that starts with the wake phrase counts (voice input; typed input
        is always deliberate).
        """

    def wait(self, seconds: float, speech: str | None = None) -> Utterance | None:
        """Let `seconds` pass, returning early with an interruption if the user speaks.

        `speech` is what the assistant is saying meanwhile ("" for a sound), if anything:
        a microphone then listens only for "stop", never to the assistant's own voice.
        """

    def drain(self) -> None:
        """Take in everything the user has already sent, before something long starts."""


@dataclass(frozen=True)
class _Turn:
    text: str


@dataclass(frozen=True)
class _Interruption:
    text: str
    after_s: float


@dataclass(frozen=True)
class _Silence:
    seconds: float


_Item = Union[_Turn, _Interruption, _Silence]
_END = None


def parse_line(line: str, notice: Callable[[str, dict], None]) -> _Item | None:
    """One input line as a turn, interruption or silence; None (with a notice) if unusable."""
    line = line.strip()
    if not line:
        return None
    if len(line) > MAX_LINE_CHARS:
        notice("input_line_too_long", {"limit": MAX_LINE_CHARS})
        line = line[:MAX_LINE_CHARS]
    if not line.startswith("{"):
        return _Turn(line)
    try:
        record = json.loads(line)
    except ValueError as error:
        notice("input_line_unreadable", {"problem": f"not valid JSON: {error.msg}"})
        return None
    text, after, silence = record.get("text"), record.get("after"), record.get("silence")
    number = (int, float)
    if isinstance(silence, number) and not isinstance(silence, bool) and silence >= 0 and text is None:
        return _Silence(float(silence))
    if isinstance(text, str) and text.strip():
        if after is None:
            return _Turn(text.strip()[:MAX_LINE_CHARS])
        if isinstance(after, number) and not isinstance(after, bool) and after >= 0:
            return _Interruption(text.strip()[:MAX_LINE_CHARS], float(after))
    notice("input_line_unreadable", {"problem": "expected {\"text\": ...}, {\"text\": ..., \"after\": seconds} or {\"silence\": seconds}"})
    return None


class LineInbox:
    """User turns as lines of text, from a terminal or a machine.

    On the virtual clock, a plain line is said at the next moment the assistant
    listens, and `{"text", "after"}` lines are scheduled interruptions. On the real
    clock, a line that arrives while the assistant is busy interrupts at once.
    """

    def __init__(self, clock: Clock, stream: TextIO, notice: Callable[[str, dict], None], realtime: bool = False):
        """`notice(message_name, values)` is told about lines that could not be used."""
        self._clock = clock
        self._realtime = realtime
        self._notice = notice
        self._raw: queue.Queue[str | None] = queue.Queue()
        self._pending: deque[_Item | None] = deque()
        self._scheduled: list[Utterance] = []
        self._base = 0.0
        """When the user's previous turn was said: `after` counts from there."""
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream: TextIO) -> None:
        for line in stream:
            self._raw.put(line)
        self._raw.put(_END)

    def _next_raw(self, timeout_s: float | None) -> tuple[bool, _Item | None]:
        """(got something, item); item None means end of input."""
        try:
            line = self._raw.get(timeout=timeout_s) if timeout_s is None or timeout_s > 0 else self._raw.get_nowait()
        except queue.Empty:
            return False, None
        if line is _END:
            self._raw.put(_END)
            return True, None
        item = parse_line(line, self._notice)
        return (True, item) if item is not None else self._next_raw(0)

    def _schedule(self, item: _Interruption) -> None:
        moment = max(self._base + item.after_s, self._clock.now())
        self._scheduled.append(Utterance(item.text, moment))
        self._scheduled.sort(key=lambda utterance: utterance.at)
        self._base = moment

    def _heard(self, utterance: Utterance) -> Utterance:
        self._base = utterance.at
        return utterance

    def drain(self) -> None:
        grace = DRAIN_GRACE_S
        while not self._pending:
            got, item = self._next_raw(grace)
            grace = 0
            if not got:
                return
            if isinstance(item, _Interruption):
                self._schedule(item)
            else:
                self._pending.append(item)

    def wait(self, seconds: float, speech: str | None = None) -> Utterance | None:
        until = self._clock.now() + seconds
        while True:
            if self._scheduled and self._scheduled[0].at <= until:
                self._clock.sleep_until(self._scheduled[0].at)
                return self._heard(self._scheduled.pop(0))
            if not self._realtime:
                self._clock.sleep_until(until)
                return None
            next_moment = self._scheduled[0].at if self._scheduled else until
            got, item = self._next_raw(max(0.0, min(next_moment, until) - self._clock.now()))
            if not got and self._clock.now() >= until:
                return None
            if isinstance(item, _Turn):
                return self._heard(Utterance(item.text, self._clock.now()))
            if isinstance(item, _Interruption):
                self._schedule(item)
            elif got and item is None:
                self._pending.append(None)
                self._clock.sleep_until(until)
                return None

    def listen(self, timeout_s: float, expect: Expectation = FREE, needs_wake: bool = False) -> Utterance | None:
        deadline = self._clock.now() + timeout_s
        while True:
            if self._scheduled:
                return self.wait(deadline - self._clock.now())
            if self._pending:
                item = self._pending.popleft()
            else:
                got, item = self._next_raw(deadline - self._clock.now() if self._realtime else None)
                if not got:
                    return None
            if item is None:
                self._pending.appendleft(None)
                raise EndOfInput
            if isinstance(item, _Turn):
                return self._heard(Utterance(item.text, self._clock.now()))
            if isinstance(item, _Interruption):
                self._schedule(item)
                continue
            silence_end = self._clock.now() + item.seconds
            if silence_end >= deadline:
                if silence_end > deadline:
                    self._pending.appendleft(_Silence(silence_end - deadline))
                self._clock.sleep_until(deadline)
                return None
            self._clock.sleep_until(silence_end)
