"""The journal: check-ins, exercises and safety events, in SQLite on the device.

Times are ISO-8601 UTC. Each part of the assistant that keeps records here
(the core below; questionnaires, reminders, consent elsewhere) brings its own
`Schema`: its tables and the migrations that grow them, versioned on its own,
run forward in one transaction so an upgrade never leaves a half-changed file.
Safety events keep the time and kind, never the words.

Durable: write-ahead logging with synchronous=FULL, one transaction per write,
and a write counts only once it is in the file the journal is. Every failed
write goes to `on_failure` (journal/notices.py tells people, once); a journal
that cannot be written at all (read-only, or an in-memory stand-in for a file
that cannot be used) refuses writes, so nothing is ever said to be saved that
is not.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence, TypeVar

import sqlite_utils

from assistant.journal.backup import Backups
from assistant.journal.files import SQLITE_HEADER, integrity
from assistant.paths import private_file


T = TypeVar("T")


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _create_v1(db: sqlite_utils.Database) -> None:
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["checkins"].create({"id": int, "at": str, "lang": str, "mood": int, "energy": int}, pk="id",
                          not_null={"at", "mood"})
    db["checkins"].create_index(["at"])
    db["exercise_sessions"].create({"id": int, "exercise": str, "kind": str, "started_at": str,
                                    "ended_at": str, "outcome": str, "seconds": float}, pk="id")
    db["safety_events"].create({"id": int, "at": str, "level": str, "kind": str, "region": str}, pk="id")


CHECKIN_ANSWERS = ("energy", "sleep")
"""The check-in's optional answers, each a score from 1 to 5, added to the check-in as they come."""


def _check_score(score: int) -> None:
    if not 1 <= score <= 5:
        raise ValueError("mood, energy and sleep are scores from 1 to 5")


def _sleep_answers_v2(db: sqlite_utils.Database) -> None:
    """The check-in's third, optional question: last night's sleep, 1 to 5."""
    db["checkins"].add_column("sleep", int)


Migration = Callable[[sqlite_utils.Database], None]


@dataclass(frozen=True)
class Schema:
    """The tables one part of the assistant keeps in the journal, and how they grow."""

    name: str
    migrations: tuple[Migration, ...]
    """migrations[n] takes this part from version n to n + 1."""

    @property
    def version(self) -> int:
        return len(self.migrations)

    @property
    def version_key(self) -> str:
        """Where the part's version is kept in the meta table (the core keeps the original name)."""
        return "schema_version" if self.name == "core" else f"schema_version.{self.name}"


def _exercise_minutes_v3(db: sqlite_utils.Database) -> None:
    """The length asked for each exercise session (minutes): the programme grows from it."""
    db["exercise_sessions"].add_column("minutes", int)


CORE_SCHEMA = Schema("core", (_create_v1, _sleep_answers_v2, _exercise_minutes_v3))
"""Check-ins, exercise sessions, safety events and the meta table every part uses."""
SCHEMA_VERSION = CORE_SCHEMA.version


BUSY_TIMEOUT_S = 1.0
"""How long a write waits for another program that holds the journal before it fails (seconds).

Short, because someone is waiting for the answer: a write that fails is said to
have failed, and the conversation goes on."""


class JournalError(Exception):
    """The journal could not be read or written.

    `kind` says why, for the sentences people read: damaged, newer, read_only,
    locked, full, removed, unavailable or other.
    """

    def __init__(self, problem: str, kind: str = "other"):
        super().__init__(problem)
        self.kind = kind


def attempt(write: Callable[[], T]) -> T | bool:
    """Run a journal write and carry on if it fails: its result (True for None), or False.

    The journal has already told the caregiver, and the user once, what went wrong
    (journal/notices.py); callers only speak from the outcome ("I could not save it").
    """
    try:
        result = write()
    except JournalError:
        return False
    return True if result is None else result


def failure_kind(error: Exception) -> str:
    """What a SQLite or file error means for the journal (Python 3.10 gives SQLite's message, not its code)."""
    text = str(error).lower()
    kinds = (("full", ("full",)), ("read_only", ("readonly", "read-only", "permission denied", "not permitted")),
             ("locked", ("locked", "busy")), ("damaged", ("malformed", "not a database", "encrypted", "corrupt")),
             ("unavailable", ("unable to open", "no such file", "is a directory", "disk i/o")))
    return next((kind for kind, words in kinds if any(word in text for word in words)), "other")


class _ProbeDone(Exception):
    """Ends a write probe: the transaction is rolled back."""


def _as_journal_error(error: Exception) -> JournalError:
    return error if isinstance(error, JournalError) else JournalError(str(error), failure_kind(error))


def connect(path: Path, read_only: bool = False) -> sqlite3.Connection:
    """A connection to the SQLite file `path` that keeps what it commits through a power cut.

    Write-ahead logging with synchronous=FULL: a transaction is on the disk (its log
    synced) before the commit returns, so "noted" said after it stays true. The
    log (journal.db-wal, -shm) gets the file's owner-only mode from SQLite.
    `read_only` opens a file that cannot be written (folder or file read-only,
    immutable) without creating anything beside it.
    """
    if read_only:
        return sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True, timeout=BUSY_TIMEOUT_S)
    connection = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S)
    try:
        if connection.execute("pragma journal_mode").fetchone()[0] != "wal":
            connection.execute("pragma journal_mode = wal")
        connection.execute("pragma synchronous = full")
    except sqlite3.Error:
        connection.close()
        raise
    return connection


def _identity(path: Path) -> tuple[int, int] | None:
    """Which file `path` names now (device, inode); None if there is none."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_dev, status.st_ino


class Journal:
    """The device's own record of check-ins, exercises and safety events."""

    def __init__(self, path: Path, now: Callable[[], datetime] = utc_now, schemas: Sequence[Schema] = (), *,
                 on_failure: Callable[[Journal, JournalError, bool], None] | None = None,
                 backups: Backups | None = None,
                 refusal: JournalError | None = None, in_memory: bool = False):
        """Open (or create) the journal at `path` and bring every schema up to date.

        `schemas`: the parts besides the core whose tables this journal holds.
        `on_failure(journal, error, tell_user)` is told about every write that fails
        (journal/notices.py tells people once); `tell_user` is False for a safety
        event, whose response nothing may delay. `backups` are made after writes and
        at close, by their own policy (journal/backup.py).
        `refusal`: the file can be read but not written, for this reason: it is
        opened read-only and every write is refused with it. With `in_memory`, the
        file cannot be used at all: an empty journal in memory stands in for it,
        answering reads, so the conversation goes on without storing (and says so).
        A file that cannot be opened, is damaged or comes from a newer version raises
        JournalError (see journal/recovery.py, which deals with each at start).
        """
        self.path = path
        self._now = now
        self._schemas = (CORE_SCHEMA, *schemas)
        self._on_failure = on_failure
        self._backups = backups
        self.refusal = refusal
        """Why writes are refused for the whole conversation, if they are."""
        try:
            if in_memory:
                self.db = sqlite_utils.Database(memory=True)
            else:
                self._open_file(read_only=refusal is not None)
            self._identity = _identity(path)
            self._check_pages()
            self._check_versions()
            if refusal is None or in_memory:
                self._migrate()
        except (sqlite3.Error, OSError, JournalError) as error:
            if hasattr(self, "db"):
                self.db.close()
            raise _as_journal_error(error) from error

    def _open_file(self, read_only: bool) -> None:
        if self.path.is_symlink() and not self.path.exists():
            raise JournalError(f"{self.path.name} is a link to a file that does not exist", "unavailable")
        if not read_only:
            if not self.path.exists():
                self.path.touch(mode=0o600)
            private_file(self.path)
        with self.path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
        if header and header != SQLITE_HEADER:
            raise JournalError(f"{self.path.name} is not a SQLite database", "damaged")
        self.db = sqlite_utils.Database(connect(self.path, read_only))

    @property
    def schema_version(self) -> int:
        return self.version_of(CORE_SCHEMA)

    def version_of(self, schema: Schema) -> int:
        if "meta" not in self.db.table_names():
            return 0
        row = self.db.execute("select value from meta where key = ?", [schema.version_key]).fetchone()
        return int(row[0]) if row else 0

    def _check_pages(self) -> None:
        found = integrity(self.db.conn, quick=True)
        if found != "ok":
            raise JournalError(f"SQLite's check found: {found}", "damaged")

    def _check_versions(self) -> None:
        for schema in self._schemas:
            version = self.version_of(schema)
            if version > schema.version:
                raise JournalError(f"{schema.name} schema {version}; this version knows schema {schema.version}",
                                   "newer")

    def _migrate(self) -> None:
        for schema in self._schemas:
            version = self.version_of(schema)
            if version == schema.version:
                continue
            with self._transaction():
                for migrate in schema.migrations[version:]:
                    migrate(self.db)
                self.db["meta"].upsert({"key": schema.version_key, "value": str(schema.version)}, pk="key")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One transaction, begun at once for writing (tables created by a migration included)."""
        connection = self.db.conn
        connection.execute("begin immediate")
        try:
            yield
            connection.execute("commit")
        except BaseException:
            if connection.in_transaction:
                connection.execute("rollback")
            raise

    def intact(self) -> tuple[bool | None, str]:
        """SQLite's integrity check of what is on the disk: (True, "ok"), (False, what is wrong) or (None, why not).

        Read through a connection of its own, so pages this one holds in memory do
        not hide a file damaged underneath.
        """
        if self.refusal is not None and not self.path.is_file():
            return None, str(self.refusal)
        try:
            connection = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
            try:
                found = integrity(connection)
            finally:
                connection.close()
        except sqlite3.Error as error:
            return None, str(error)
        return found == "ok", found

    def probe_write(self) -> JournalError | None:
        """Whether a write would go through now, without changing anything: None, or why not."""
        if self.refusal is not None:
            return self.refusal
        try:
            with self._transaction():
                self.db.execute("insert or replace into meta (key, value) values ('write_probe', '')")
                raise _ProbeDone
        except _ProbeDone:
            return None
        except sqlite3.Error as error:
            return _as_journal_error(error)

    def refuse(self, reason: JournalError) -> None:
        """Refuse every write from now on, for `reason` (a file found read-only at start)."""
        self.refusal = reason

    def write(self, change: Callable[[sqlite_utils.Database], T]) -> T:
        """Run `change` in one transaction; a failure (full disk, read-only file, removed file) is a JournalError.

        A write is reported done only once it is committed to the file the journal
        is (the file may have been removed or replaced meanwhile: then it is not).
        """
        return self._write(change, tell_user=True)

    def _write(self, change: Callable[[sqlite_utils.Database], T], tell_user: bool) -> T:
        try:
            if self.refusal is not None:
                raise self.refusal
            with self._transaction():
                result = change(self.db)
            if _identity(self.path) != self._identity:
                self.refusal = JournalError(f"{self.path.name} was removed or replaced while in use", "removed")
                raise self.refusal
        except (sqlite3.Error, JournalError) as error:
            failure = _as_journal_error(error)
            if self._on_failure is not None:
                self._on_failure(self, failure, tell_user)
            raise JournalError(str(failure), failure.kind) from error
        if self._backups is not None:
            self._backups.written(self.db.conn)
        return result

    def read(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Rows of a query as dicts; a failure to read is a JournalError."""
        try:
            cursor = self.db.execute(sql, list(params))
            names = [column[0] for column in cursor.description or ()]
            return [dict(zip(names, row)) for row in cursor.fetchall()]
        except sqlite3.Error as error:
            raise _as_journal_error(error) from error

    def close(self) -> None:
        """The conversation is over: a last backup if anything was written since the newest, then close the file."""
        if self._backups is not None and self.refusal is None:
            self._backups.closing(self.db.conn)
        self.db.close()

    def _insert(self, table: str, record: dict) -> int:
        return self.write(lambda db: db[table].insert(record).last_pk)

    # Meta -----------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        rows = self.read("select value from meta where key = ?", [key])
        return rows[0]["value"] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        self.write(lambda db: db["meta"].upsert({"key": key, "value": value}, pk="key"))

    # Records --------------------------------------------------------------

    def add_checkin(self, mood: int, energy: int | None, lang: str) -> int:
        """Store a check-in at once (the user may leave before the next question); returns its id."""
        _check_score(mood)
        if energy is not None:
            _check_score(energy)
        return self._insert("checkins", {"at": iso(self._now()), "lang": lang, "mood": mood, "energy": energy})

    def set_answer(self, checkin_id: int, question: str, score: int) -> None:
        """Add the answer to an optional question ("energy", "sleep") to a stored check-in."""
        if question not in CHECKIN_ANSWERS:
            raise ValueError(f"a check-in has no question {question!r}")
        _check_score(score)
        self.write(lambda db: db["checkins"].update(checkin_id, {question: score}))

    def add_exercise(self, exercise: str, kind: str, started: datetime, outcome: str,
                     minutes: int | None = None) -> None:
        """One exercise session: what ran, how it ended, and the length it was run at (minutes)."""
        ended = self._now()
        self._insert("exercise_sessions", {
            "exercise": exercise, "kind": kind, "started_at": iso(started), "ended_at": iso(ended),
            "outcome": outcome, "seconds": round((ended - started).total_seconds(), 1), "minutes": minutes})

    def add_safety_event(self, level: str, kind: str, region: str) -> None:
        """Recorded before the safety response is said: a failure is told to the caregiver only, never spoken first."""
        record = {"at": iso(self._now()), "level": level, "kind": kind, "region": region}
        self._write(lambda db: db["safety_events"].insert(record), tell_user=False)

    # Reading --------------------------------------------------------------

    def checkins(self) -> list[dict]:
        return self.read("select * from checkins order by at")

    def safety_events(self) -> list[dict]:
        return self.read("select * from safety_events order by at")

    def exercises(self) -> list[dict]:
        return self.read("select * from exercise_sessions order by started_at")

    def moods_between(self, start: datetime, end: datetime) -> list[int]:
        """Mood scores of the check-ins after `start` and up to `end`, oldest first."""
        rows = self.read("select mood from checkins where at > ? and at <= ? order by at", [iso(start), iso(end)])
        return [row["mood"] for row in rows]
