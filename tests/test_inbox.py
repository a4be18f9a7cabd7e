"""Machine-mode input: turns, scheduled interruptions and silences on the virtual clock."""

from __future__ import annotations

import io

import pytest

from assistant.session.clock import VirtualClock
from assistant.session.inbox import EndOfInput, LineInbox


def inbox_for(text: str) -> tuple[LineInbox, VirtualClock, list]:
    clock, notices = VirtualClock(), []
    return LineInbox(clock, io.StringIO(text), lambda name, values: notices.append(name)), clock, notices


def test_turns_silences_and_end_of_input():
    inbox, clock, _ = inbox_for('hello\n{"silence": 5}\n{"text": "yes"}\n{"silence": 30}\n')
    assert inbox.listen(12).text == "hello"
    heard = inbox.listen(12)
    assert (heard.text, heard.at) == ("yes", 5.0)
    assert inbox.listen(12) is None and clock.now() == 17.0
    assert inbox.listen(12) is None and clock.now() == 29.0
    with pytest.raises(EndOfInput):
        inbox.listen(12)
    assert clock.now() == 35.0


def test_an_interruption_lands_after_the_previous_turn_during_a_wait():
    inbox, clock, _ = inbox_for('breathing\n{"text": "stop", "after": 30}\nthanks\n')
    assert inbox.listen(12).text == "breathing"
    inbox.drain()
    assert inbox.wait(20) is None and clock.now() == 20.0
    stop = inbox.wait(20)
    assert (stop.text, stop.at, clock.now()) == ("stop", 30.0, 30.0)
    assert inbox.listen(12).text == "thanks"


def test_unusable_lines_are_skipped_with_a_notice():
    inbox, _, notices = inbox_for('\n{broken\n{"after": 3}\n' + "a" * 3000 + "\n")
    heard = inbox.listen(12)
    assert len(heard.text) == 1000
    assert notices == ["input_line_unreadable", "input_line_unreadable", "input_line_too_long"]
