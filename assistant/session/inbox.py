"""What the user says, and when: the input side of a conversation.

An inbox answers two questions for the conversation and the exercise runner:
"what does the user say next?" (listen, with a timeout) and "does the user
interrupt while I speak or run an exercise?" (wait). Lines of text (a terminal,
machine mode) and, elsewhere, the microphone implement the same protocol.
"""

from __future__ import annotations

import json
import math
import queue
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Protocol, TextIO, Union

from assistant.session.clock import Clock

MAX_LINE_CHARS = 1000
"""Longer lines are cut: nobody says more in one breath, and it bounds the work."""
MAX_RAW_LINE_CHARS = 16 * MAX_LINE_CHARS
"""At most this much of one input line is read (a JSON line may spell its text with escapes); the rest is skipped."""
MAX_SECONDS = 86_400.0
"""`silence` and `after` are at most a day (seconds): a longer one is refused, never waited for."""
DRAIN_GRACE_S = 0.05
"""How long to wait for lines sent together with a turn before starting something long."""
REPLACEMENT = "\ufffd"
_SURROGATES = re.compile("[\ud800-\udfff]")


def valid_text(text: str) -> str:
    """`text` with lone surrogates (from JSON escapes or undecodable bytes) replaced: it can always be written as UTF-8."""
    return _SURROGATES.sub(REPLACEMENT, text)


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
"""Put on the reader's queue after the last line."""


class _Refused(ValueError):
    """An input line that cannot be used; its message says why, for the caregiver."""


def _nesting(line: str) -> int:
    """How deeply brackets nest in a JSON line, strings aside (one pass, no recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in line:
        if in_string:
            escaped, in_string = (False, True) if escaped else (char == "\\", char != '"')
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _no_constant(name: str) -> Any:
    raise _Refused(f"{name} is not a number of seconds")


def _seconds(value: Any, field: str) -> float:
    """A number of seconds from 0 to a day; anything else is refused."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Refused(f"\"{field}\" must be a number of seconds")
    if not (0 <= value <= MAX_SECONDS) or not math.isfinite(value):
        raise _Refused(f"\"{field}\" must be from 0 to {MAX_SECONDS:.0f} seconds (a day)")
    return float(value)


def _record(line: str) -> _Item:
    """A JSON line as a turn, interruption or silence; raises _Refused."""
    if len(line) > MAX_RAW_LINE_CHARS:
        raise _Refused(f"longer than {MAX_RAW_LINE_CHARS} characters")
    if _nesting(line) > 1:
        raise _Refused("nested brackets: a line is one flat JSON object")
    try:
        record = json.loads(line, parse_constant=_no_constant)
    except _Refused:
        raise
    except ValueError as error:
        raise _Refused(f"not valid JSON: {getattr(error, 'msg', error)}") from error
    if not isinstance(record, dict):
        raise _Refused("not a JSON object")
    text, after, silence = record.get("text"), record.get("after"), record.get("silence")
    if silence is not None and text is None:
        return _Silence(_seconds(silence, "silence"))
    if isinstance(text, str) and text.strip():
        if after is None:
            return _Turn(text.strip())
        return _Interruption(text.strip(), _seconds(after, "after"))
    raise _Refused("expected {\"text\": ...}, {\"text\": ..., \"after\": seconds} or {\"silence\": seconds}")


def _bounded(item: _Item, notice: Callable[[str, dict], None]) -> _Item:
    """The item with its text made valid and cut to MAX_LINE_CHARS (with a notice)."""
    if isinstance(item, _Silence):
        return item
    text = valid_text(item.text)
    if len(text) > MAX_LINE_CHARS:
        notice("input_line_too_long", {"limit": MAX_LINE_CHARS})
        text = text[:MAX_LINE_CHARS].strip()
    return _Turn(text) if isinstance(item, _Turn) else _Interruption(text, item.after_s)


def parse_line(line: str, notice: Callable[[str, dict], None]) -> _Item | None:
    """One input line as a turn, interruption or silence; None (with a notice) if unusable.

    Every field has a type and a range: text is at most MAX_LINE_CHARS characters
    (cut), `silence` and `after` at most a day, JSON objects are flat. A line that
    breaks a rule is reported and skipped; it never stops or stalls the conversation.
    """
    line = line.strip()
    if not line:
        return None
    if not line.startswith("{"):
        return _bounded(_Turn(line), notice)
    try:
        return _bounded(_record(line), notice)
    except _Refused as refused:
        notice("input_line_unreadable", {"problem": str(refused)})
        return None


def _bounded_lines(stream: TextIO) -> Iterator[str]:
    """The stream's lines, each cut after MAX_RAW_LINE_CHARS + 1 characters (the rest skipped).

    A stream with a binary buffer (stdin, a pipe) is read as bytes and decoded as
    UTF-8 with undecodable bytes replaced, whatever the locale says: a stray byte
    never kills the reader.
    """
    binary = getattr(stream, "buffer", None)
    limit = MAX_RAW_LINE_CHARS + 1

    def read() -> str:
        return binary.readline(limit).decode("utf-8", "replace") if binary is not None else stream.readline(limit)

    while True:
        line = read()
        if not line:
            return
        if len(line) == limit and not line.endswith("\n"):
            rest = line
            while rest and not rest.endswith("\n"):
                rest = read()
        yield line


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
        self._pending: deque[_Item] = deque()
        self._ended = False
        """End of input was read: nothing more will come."""
        self._scheduled: list[Utterance] = []
        self._base = 0.0
        """When the user's previous turn was said: `after` counts from there."""
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream: TextIO) -> None:
        """The reader thread: every line goes on the queue, and end of input always follows, whatever happens."""
        try:
            for line in _bounded_lines(stream):
                self._raw.put(line)
        except (OSError, ValueError) as error:
            self._notice("input_unreadable", {"problem": str(error) or type(error).__name__})
        finally:
            self._raw.put(_END)

    def _next_raw(self, timeout_s: float | None) -> tuple[bool, _Item | None]:
        """(got something, item); item None means end of input. Unusable lines are skipped in a loop.

        `timeout_s` is real time spent waiting for the reader (None: wait as long as it takes).
        """
        if self._ended:
            return True, None
        deadline = None if timeout_s is None else time.monotonic() + max(0.0, timeout_s)
        while True:
            remaining = None if deadline is None else deadline - time.monotonic()
            try:
                line = self._raw.get(timeout=remaining) if remaining is None or remaining > 0 else self._raw.get_nowait()
            except queue.Empty:
                return False, None
            if line is _END:
                self._ended = True
                return True, None
            item = parse_line(line, self._notice)
            if item is not None:
                return True, item

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
        while not self._pending and not self._ended:
            got, item = self._next_raw(grace)
            grace = 0
            if not got or item is None:
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
            if not self._realtime or self._ended:
                self._clock.sleep_until(until)
                return None
            if self._pending and isinstance(self._pending[0], _Turn):
                # Typed while the assistant was getting ready (drained): in real time it interrupts now.
                return self._heard(Utterance(self._pending.popleft().text, self._clock.now()))
            next_moment = self._scheduled[0].at if self._scheduled else until
            got, item = self._next_raw(max(0.0, min(next_moment, until) - self._clock.now()))
            if not got and self._clock.now() >= until:
                return None
            if isinstance(item, _Turn):
                return self._heard(Utterance(item.text, self._clock.now()))
            if isinstance(item, _Interruption):
                self._schedule(item)

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
