"""Conversations held in-process on a home that has been used, and the ways a disk can go wrong."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterable, Iterator

import pytest

from assistant.messages import message
from assistant.paths import Home

CHECK_IN = ["check-in please", "three", "four", "five"]
"""A whole check-in: mood 3, energy 4, sleep 5."""
LOW_CHECK_IN = ["check-in please", "two", "skip", "skip"]
"""Mood 2, the other two skipped."""
FIRST_DAY = datetime(2026, 3, 28, 10, 0)
LATER = datetime(2026, 3, 28, 12, 0)
NEXT_DAY = datetime(2026, 3, 29, 9, 0)


def spoken(name: str, lang: str = "en") -> str:
    return message(name, lang)


def talk(home: Path, models, lines: Iterable[str | dict], now: datetime, lang: str = "en",
         inbox_factory=None) -> list[dict]:
    """One machine-mode conversation in this process, on the virtual clock starting at `now`."""
    from assistant.app import build_conversation, load_parts, notice_printer
    from assistant.session.clock import VirtualClock
    from assistant.session.events import JsonlEvents
    from assistant.session.inbox import LineInbox
    from assistant.session.speech import TextVoice

    text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
    clock, out = VirtualClock(now), io.StringIO()
    inbox = (inbox_factory or (lambda clock, stream: LineInbox(clock, stream, notice_printer(lang))))(
        clock, io.StringIO(text))
    build_conversation(load_parts(Home(home), lang), models[lang], clock, inbox, JsonlEvents(clock, out),
                       TextVoice()).run()
    return [json.loads(line) for line in out.getvalue().splitlines()]


def moods(home: Path) -> list[tuple]:
    """The check-ins in the home's journal as (mood, energy, sleep), read by SQLite directly."""
    import sqlite3

    connection = sqlite3.connect(f"{(home / 'journal.db').resolve().as_uri()}?immutable=1", uri=True)
    try:
        return connection.execute("select mood, energy, sleep from checkins order by at").fetchall()
    finally:
        connection.close()


def can_chattr(path: Path) -> bool:
    """Whether files under `path` can be made immutable here (root, a file system that supports it)."""
    if os.geteuid() != 0 or shutil.which("chattr") is None:
        return False
    probe = path / ".chattr-probe"
    probe.touch()
    try:
        return subprocess.run(["chattr", "+i", str(probe)], capture_output=True).returncode == 0
    finally:
        subprocess.run(["chattr", "-i", str(probe)], capture_output=True)
        probe.unlink()


@contextmanager
def immutable(*paths: Path) -> Iterator[None]:
    """Make `paths` immutable (chattr +i) for the block; skips the test where that is impossible."""
    if not can_chattr(paths[0].parent if paths[0].is_file() else paths[0]):
        pytest.skip("chattr +i is not possible here (needs root and a file system with attributes)")
    done = []
    try:
        for path in paths:
            subprocess.run(["chattr", "+i", str(path)], check=True)
            done.append(path)
        yield
    finally:
        for path in reversed(done):
            subprocess.run(["chattr", "-i", str(path)], check=True)


NOBODY = 65534


@contextmanager
def not_ours(path: Path, mode: int) -> Iterator[list[str]]:
    """`path` read-only and owned by another account for the block; yields the command prefix to run under.

    The assistant owns its files and makes them owner-only at start, which would
    also undo a read-only mode its owner set; a file it cannot change is one of
    another account. As root, the command runs without the capabilities that
    override file modes and ownership (setpriv), so the modes hold.
    """
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("a file the assistant cannot change needs root (to give it away) and setpriv")
    status = path.stat()
    os.chown(path, NOBODY, NOBODY)
    path.chmod(mode)
    try:
        yield ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner,-chown", "--"]
    finally:
        os.chown(path, status.st_uid, status.st_gid)
        path.chmod(status.st_mode & 0o7777)


def assistant_cli(home: Path, *args: str, stdin: str = "", prefix: list[str] = ()) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, sys.executable, "-m", "assistant", *args], input=stdin, capture_output=True,
                          text=True, env={"ASSISTANT_HOME": str(home), "PATH": "/usr/bin:/bin"}, timeout=300)


class LockHolder:
    """Another program holding the SQLite file in an open exclusive transaction."""

    def __init__(self, path: Path):
        self._process = subprocess.Popen(
            [sys.executable, "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
             "c.execute('begin exclusive'); print('locked', flush=True); sys.stdin.read()", str(path)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self._process.stdout.readline().strip() == "locked"

    def release(self) -> None:
        self._process.stdin.close()
        self._process.wait(timeout=10)
