"""What already holds, kept: kill -9 loses no committed answer, nothing listens, files are private, no words kept.

`assistant chat --jsonl` runs as a child process forked from the test (so the
libraries are already imported and a start takes a fraction of a second); it
runs the command's own `main`, and is killed with SIGKILL at random moments
(seeded) during check-ins. After every kill: each answer the assistant had
confirmed ("3. Thank you.", a checkin event with saved true) is in the
journal, every database passes SQLite's integrity_check, and the next start
is an ordinary one.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import stat
import sys
import time
from pathlib import Path

import pytest

from event_helpers import said

KILLS = 24
SEED = 9
CHECK_INS = 8
"""Check-ins in each run's input: more than a run ever gets through before it is killed."""
MOOD_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}


class Chat:
    """`assistant chat --jsonl --clock virtual` in a forked child, its stdin and stdout piped."""

    def __init__(self, home: Path, now: str, lines: list[str]):
        stdin_read, stdin_write = os.pipe()
        stdout_read, stdout_write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: becomes the command
            try:
                os.dup2(stdin_read, 0)
                os.dup2(stdout_write, 1)
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 2)
                for descriptor in (stdin_read, stdin_write, stdout_read, stdout_write, devnull):
                    os.close(descriptor)
                sys.stdin = open(0, "r", encoding="utf-8", closefd=False)
                sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
                sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
                os.environ["ASSISTANT_HOME"] = str(home)
                from assistant.cli import main

                code = main(["chat", "--jsonl", "--clock", "virtual", "--now", now])
                sys.stdout.flush()
            except BaseException:  # noqa: BLE001 - whatever happens, the child never returns into pytest
                code = 99
            os._exit(code)
        os.close(stdin_read)
        os.close(stdout_write)
        with os.fdopen(stdin_write, "w", encoding="utf-8") as stdin:
            stdin.write("\n".join(lines) + "\n")
        self._stdout = os.fdopen(stdout_read, "r", encoding="utf-8")
        self.events: list[dict] = []

    def read(self, count: int) -> None:
        """Wait for the next `count` events (fewer if the child ends first)."""
        for _ in range(count):
            line = self._stdout.readline()
            if not line:
                return
            self.events.append(json.loads(line))

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        self.events += [json.loads(line) for line in self._stdout.read().splitlines()
                        if line.endswith("}")]
        self._stdout.close()

    def finish(self) -> int:
        self.events += [json.loads(line) for line in self._stdout.read().splitlines()]
        self._stdout.close()
        return os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])


@pytest.fixture
def home(tmp_path, trained_models, models) -> Path:
    """A fresh home whose dialogue models are the trained ones (and the libraries imported before forking)."""
    assert models["en"] is not None
    home = tmp_path / "home"
    (home / "models").mkdir(parents=True, mode=0o700)
    (home / "models" / "dialogue").symlink_to(trained_models)
    return home


def _check_in_lines(rng: random.Random) -> tuple[list[str], list[tuple[int, int, int]]]:
    lines, answers = [], []
    for _ in range(CHECK_INS):
        answer = tuple(rng.randint(1, 5) for _ in range(3))
        answers.append(answer)
        lines += ["check-in please", *(MOOD_WORDS[score] for score in answer)]
    return lines, answers


def _rows(home: Path) -> list[tuple]:
    connection = sqlite3.connect(home / "journal.db")
    try:
        return connection.execute("select id, mood, energy, sleep from checkins order by id").fetchall()
    finally:
        connection.close()


def _integrity(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("pragma integrity_check").fetchone()[0]
    finally:
        connection.close()


def _confirmed(events: list[dict]) -> tuple[list[int], list[dict]]:
    """The moods said back as noted ("3. Thank you.") and the check-ins reported saved, in order."""
    noted = [int(text.split(".")[0]) for text in said(events) if text.endswith(". Thank you.") and text[0].isdigit()]
    saved = [event for event in events if event["event"] == "checkin" and event["saved"]]
    return noted, saved


def test_kill_9_at_random_moments_loses_no_confirmed_answer_and_damages_nothing(home):
    rng = random.Random(SEED)
    started = time.monotonic()
    kills_with_answers = 0
    for run in range(KILLS + 1):
        lines, _ = _check_in_lines(rng)
        before = _rows(home) if (home / "journal.db").exists() else []
        chat = Chat(home, f"2026-03-{1 + run % 28:02d}T{8 + run % 12:02d}:00:00", lines)
        if run < KILLS:
            chat.read(rng.randint(1, 40))
            time.sleep(rng.uniform(0, 0.02))
            chat.kill()
        else:
            assert chat.finish() == 0
            assert chat.events[-1]["event"] == "end"
        first = said(chat.events)[:1]
        assert first, f"run {run}: the assistant did not speak"
        if run:
            assert first[0].startswith("Hello again"), f"run {run} started with: {first[0]}"
        new = [row for row in _rows(home) if row not in before]
        noted, saved = _confirmed(chat.events)
        assert [row[1] for row in new[:len(noted)]] == noted, f"run {run}: a mood said noted is missing"
        for event, row in zip(saved, new):
            assert (row[1], row[2], row[3]) == (event["mood"], event.get("energy"), event.get("sleep"))
        kills_with_answers += bool(noted) and run < KILLS
        for database in [home / "journal.db", home / "tracker.db", *(home / "backups").glob("journal-*.db")]:
            assert _integrity(database) == "ok", f"run {run}: {database.name}"
    assert kills_with_answers >= KILLS // 3, "the kills should fall during check-ins, not only before them"
    print(f"{KILLS} kills in {time.monotonic() - started:.0f} s, {kills_with_answers} after a confirmed answer")


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for descriptor in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(descriptor)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    return inodes


def _listening(inodes: set[str]) -> list[str]:
    """The sockets among `inodes` that accept connections or datagrams from outside the process."""
    found = []
    for name in ("tcp", "tcp6"):
        for line in Path(f"/proc/net/{name}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[9] in inodes and fields[3] == "0A":
                found.append(f"{name} {fields[1]}")
    for name in ("udp", "udp6", "raw", "raw6"):
        for line in Path(f"/proc/net/{name}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[9] in inodes:
                found.append(f"{name} {fields[1]}")
    for line in Path("/proc/net/unix").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[6] in inodes and int(fields[3], 16) & 0x10000:
            found.append(f"unix {fields[-1] if len(fields) > 7 else ''}")
    return found


PHRASE = "my neighbour Bartholomew Quigglesworth painted his fence turquoise"
PHRASE_WORDS = ("bartholomew", "quigglesworth", "turquoise")


def _files(home: Path) -> list[Path]:
    """Everything the assistant keeps under the home (the dialogue models are the test's own copy)."""
    return [path for path in home.rglob("*") if "models" not in path.relative_to(home).parts]


def _where_said(home: Path) -> list[str]:
    found = []
    for path in _files(home):
        if path.is_file():
            content = path.read_bytes().lower()
            found += [f"{path.name}: {word}" for word in PHRASE_WORDS if word.encode() in content]
    return found


def test_nothing_listens_files_are_private_and_the_users_words_are_never_on_disk(home):
    lines = [PHRASE, "check-in please", "three", PHRASE, "four", "five", PHRASE, "how have I been", PHRASE, PHRASE,
             "breathing please", json.dumps({"text": PHRASE, "after": 20})]
    chat = Chat(home, "2026-03-28T10:00:00", lines + ["I'd like to do my check-in"])
    chat.read(1)
    assert _listening(_socket_inodes(chat.pid)) == [], "the assistant must not accept connections"
    while not any(event.get("text") == "I'd like to do my check-in" for event in chat.events):
        chat.read(1)
    assert sum(event.get("text") == PHRASE for event in chat.events if event["event"] == "heard") >= 5
    assert (home / "journal.db-wal").exists(), "checked while the write-ahead log is there"
    assert _where_said(home) == []
    assert _listening(_socket_inodes(chat.pid)) == []
    chat.kill()
    assert _where_said(home) == [], "nor after a kill, in what was left behind"
    assert (home / "backups").is_dir() and list((home / "backups").iterdir())
    for path in [home, *_files(home)]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), f"{path.relative_to(home)} is {oct(mode)}"
