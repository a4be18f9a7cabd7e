"""Nothing said is dropped: lines typed while the assistant is between two sentences of one reply.

The terminal path `assistant chat` uses by default: the real clock, a line inbox in
real time fed from a pipe by another thread, as a person typing. Speech is timed
by a voice whose every sentence lasts SENTENCE_S, so the test takes seconds.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from assistant.app import build_conversation, load_parts, notice_printer
from assistant.journal.store import Journal
from assistant.paths import Home
from assistant.session.clock import RealClock
from assistant.session.inbox import LineInbox
from assistant.session.speech import SilentPlayback
from event_helpers import of_kind

SENTENCE_S = 0.8
"""How long each sentence takes to say (seconds of real time): a typed line lands well inside it."""
WAIT_S = 30.0
"""The longest the typist waits for the assistant (seconds); only reached if something is broken."""


class _QuickVoice:
    """Every sentence lasts SENTENCE_S, every sound a fifth of a second."""

    def speech(self, text: str, lang: str, rate_wpm: float, volume: float) -> SilentPlayback:
        return SilentPlayback(SENTENCE_S)

    def sound(self, path: Path, volume: float) -> SilentPlayback:
        return SilentPlayback(0.2)


class _Watched:
    """The conversation's events, which the typist thread watches to time its lines."""

    def __init__(self) -> None:
        self.events: list[dict] = []
        self._changed = threading.Condition()

    def emit(self, event: str, **fields) -> None:
        with self._changed:
            self.events.append({"event": event, **fields})
            self._changed.notify_all()

    def wait_for(self, matches, after: int = 0) -> int:
        """Index of the first event from `after` on for which `matches(event)`; waits for it."""
        with self._changed:
            found = self._changed.wait_for(
                lambda: next((i for i, e in enumerate(self.events) if i >= after and matches(e)), None) is not None,
                timeout=WAIT_S)
            assert found, f"the assistant never got there; events so far: {self.events}"
            return next(i for i, e in enumerate(self.events) if i >= after and matches(e))


def _said(start: str):
    return lambda event: event["event"] == "say" and event["text"].startswith(start)


def _listening(expect: str):
    return lambda event: event["event"] == "listen" and event["expect"] == expect


def test_a_crisis_line_typed_between_two_sentences_of_one_reply_is_answered(home, models):
    Journal(home / "journal.db").set_meta("introduced_at", "2026-01-01T00:00:00+00:00")
    clock, watched = RealClock(), _Watched()
    read_end, write_end = os.pipe()
    inbox = LineInbox(clock, os.fdopen(read_end, "r", encoding="utf-8"), notice_printer("en"), realtime=True)
    conversation = build_conversation(load_parts(Home(home), "en"), models["en"], clock, inbox, watched, _QuickVoice())

    def typist() -> None:
        with os.fdopen(write_end, "w", encoding="utf-8") as keyboard:
            def type_line(text: str) -> None:
                keyboard.write(text + "\n")
                keyboard.flush()

            watched.wait_for(_listening("free"))
            type_line("check-in please")
            watched.wait_for(_listening("number"))
            type_line("three")
            # The reply is two sentences: "3. Thank you." then the energy question.
            thanked = watched.wait_for(_said("3. Thank you"))
            type_line("I want to end my life")
            watched.wait_for(_said("And your energy"), after=thanked)
            type_line("four")
            crisis = watched.wait_for(lambda event: event["event"] == "safety")
            watched.wait_for(lambda event: event["event"] == "listen", after=crisis)

    thread = threading.Thread(target=typist, daemon=True)
    thread.start()
    conversation.run()
    thread.join(WAIT_S)
    events = watched.events
    heard = [event["text"] for event in of_kind(events, "heard")]
    assert heard[:4] == ["check-in please", "three", "I want to end my life", "four"]
    crisis_heard = next(i for i, event in enumerate(events) if event.get("text") == "I want to end my life"
                        and event["event"] == "heard")
    safety = of_kind(events[crisis_heard:], "safety")
    assert safety and safety[0]["level"] == "crisis"
    assert events[-1]["event"] == "end"
    assert [row["kind"] for row in Journal(home / "journal.db").safety_events()]
