"""Machine mode through the real command: bounded inputs, valid UTF-8 out, a quiet stderr.

One `assistant chat --jsonl` run, under a strict UTF-8 reading of stdin, gets
every line that used to crash or hang it (issue 9), then a greeting: it answers,
ends, writes only valid UTF-8, and stderr holds exactly one notice per bad line
and nothing else (no library warnings). `assistant nlu` starts with an empty
stderr.
"""

from __future__ import annotations

import json
import subprocess
import sys

from event_helpers import of_kind

BAD_LINES = [
    b'{"silence": ' + b"9" * 901 + b"}",
    b'{"silence": 1e308}',
    b'{"silence": Infinity}',
    b'{"silence": NaN}',
    b'{"silence": ' + str(2 ** 70).encode() + b"}",
    b'{"text": "stop", "after": 1e308}',
    b'{"text": "stop", "after": Infinity}',
    b'{"text": "stop", "after": ' + str(2 ** 70).encode() + b"}",
    b'{"text": ' + b"[" * 990 + b"]" * 990 + b"}",
    *[b'{"silence": -1}'] * 990,
]
"""Each is refused with one notice."""
ODD_BUT_USABLE = [
    b'{"text": "\\ud800 hello"}',
    b"caf\xc3\xa9 \xff\xfe bonjour",
]


def _run(home, args: list[str], stdin: bytes) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], input=stdin, capture_output=True, timeout=300,
                          env={"ASSISTANT_HOME": str(home), "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8:strict"})


def test_every_bad_machine_line_is_reported_and_skipped_and_the_output_stays_valid_utf8(home):
    stdin = b"\n".join([*BAD_LINES, *ODD_BUT_USABLE, b"hello"]) + b"\n"
    run = _run(home, ["chat", "--jsonl", "--clock", "virtual"], stdin)
    assert run.returncode == 0, run.stderr.decode("utf-8", "replace")[-2000:]
    events = [json.loads(line) for line in run.stdout.decode("utf-8").splitlines()]
    heard = [event["text"] for event in of_kind(events, "heard")]
    assert heard == ["\ufffd hello", "café \ufffd\ufffd bonjour", "hello"]
    assert events[-1]["event"] == "end"
    assert max(event["t"] for event in events) < 3600, "no silence or interruption of a day or more was waited for"
    notices = run.stderr.decode("utf-8").splitlines()
    assert len(notices) == len(BAD_LINES), "one notice per bad line, and no library warning"
    assert all(notice.startswith("I could not read that line") for notice in notices)


def test_nlu_starts_with_a_quiet_stderr(home):
    run = _run(home, ["nlu", "could you say that again"], b"")
    assert run.returncode == 0 and json.loads(run.stdout)["intent"] == "repeat"
    assert run.stderr == b""
