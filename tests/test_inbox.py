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


# Bounded inputs: every field has a type and a range; a bad line is reported and skipped --------------

import os
import threading

from assistant.session.inbox import MAX_LINE_CHARS, MAX_RAW_LINE_CHARS, parse_line


def parsed(line: str) -> tuple[object, list[tuple[str, dict]]]:
    notices: list[tuple[str, dict]] = []
    return parse_line(line, lambda name, values: notices.append((name, values))), notices


@pytest.mark.parametrize("line", [
    '{"silence": ' + "9" * 901 + "}", '{"silence": 1e308}', '{"silence": 1e400}', '{"silence": Infinity}',
    '{"silence": -Infinity}', '{"silence": NaN}', '{"silence": ' + str(2 ** 70) + "}", '{"silence": -1}',
    '{"silence": true}', '{"silence": "20"}', '{"silence": 86401}',
    '{"text": "stop", "after": ' + "9" * 901 + "}", '{"text": "stop", "after": 1e308}',
    '{"text": "stop", "after": Infinity}', '{"text": "stop", "after": NaN}',
    '{"text": "stop", "after": ' + str(2 ** 70) + "}", '{"text": "stop", "after": -3}',
    '{"text": "stop", "after": [1]}', '{"text": ["hello"]}', '{"text": {"a": 1}}',
    '{"text": ' + "[" * 990 + "]" * 990 + "}", "{" + '"a":{' * 990 + "}" * 991,
    '{"silence": ' + "9" * 5000 + "}", "{}", '{"text": "   "}', "{broken",
])
def test_a_machine_line_out_of_type_or_range_is_reported_and_skipped(line):
    item, notices = parsed(line)
    assert item is None
    assert [name for name, _ in notices] == ["input_line_unreadable"]


def test_silence_and_after_are_taken_up_to_a_day():
    day, _ = parsed('{"silence": 86400}')
    assert day.seconds == 86400.0
    interruption, _ = parsed('{"text": "stop", "after": 86400}')
    assert interruption.after_s == 86400.0


def test_lone_surrogates_are_replaced_and_long_json_text_is_cut():
    item, notices = parsed('{"text": "\\ud800 hello \\udfff"}')
    assert item.text == "\ufffd hello \ufffd"
    item.text.encode("utf-8")
    long_item, notices = parsed('{"text": "' + "\\u00e9" * 2000 + '"}')
    assert long_item.text == "é" * MAX_LINE_CHARS and [name for name, _ in notices] == ["input_line_too_long"]


def test_a_thousand_unusable_lines_in_a_row_are_skipped_without_recursion():
    inbox, _, notices = inbox_for('{"silence": NaN}\n' * 3000 + "hello\n")
    assert inbox.listen(12).text == "hello"
    assert len(notices) == 3000


def test_a_huge_line_is_read_only_in_part_and_the_next_line_still_comes():
    inbox, _, notices = inbox_for("x" * (MAX_RAW_LINE_CHARS * 5) + "\n" + '{"text": "' + "y" * (MAX_RAW_LINE_CHARS * 2)
                                  + '"}\nhello\n')
    assert inbox.listen(12).text == "x" * MAX_LINE_CHARS
    assert inbox.listen(12).text == "hello"
    assert notices == ["input_line_too_long", "input_line_unreadable"]


def test_invalid_utf8_from_a_strict_pipe_is_replaced_and_the_reader_goes_on():
    read_end, write_end = os.pipe()
    stream = os.fdopen(read_end, "r", encoding="utf-8", errors="strict")
    clock, notices = VirtualClock(), []
    inbox = LineInbox(clock, stream, lambda name, values: notices.append(name))

    def write() -> None:
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(b"caf\xc3\xa9 \xff\xfe bonjour\n\x80\x81\nhello\n")

    writer = threading.Thread(target=write)
    writer.start()
    assert inbox.listen(12).text == "café \ufffd\ufffd bonjour"
    assert inbox.listen(12).text == "\ufffd\ufffd"
    assert inbox.listen(12).text == "hello"
    with pytest.raises(EndOfInput):
        inbox.listen(12)
    writer.join()
    assert notices == []
