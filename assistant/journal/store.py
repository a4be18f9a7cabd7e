"""The journal: check-ins, exercises and safety events, in SQLite on the device.

Times are ISO-8601 UTC. Each part of the assistant that keeps records here
(the core below; questionnaires, reminders, consent elsewhere) brings its own
`Schema`: its tables and the migrations that grow them, versioned on its own,
run forward in one transaction so an upgrade never leaves a half-changed file.
Safety events keep the time and kind, never the words.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from dataclasses import dataclass
from typing import Any, Callable, Sequence, TypeVar

import sqlite_utils

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


class JournalError(Exception):
    """The journal could not be read or written; nothing stored was lost."""


class Journal:
    """The device's own record of check-ins, exercises and safety events."""

    def __init__(self, path: Path, now: Callable[[], datetime] = utc_now, schemas: Sequence[Schema] = ()):
        """`schemas`: the parts besides the core whose tables this journal holds."""
        self.path = path
        self._now = now
        self._schemas = (CORE_SCHEMA, *schemas)
        fresh = not self.path.exists()
        if fresh:
            self.path.touch(mode=0o600)
        private_file(self.path)
        self.db = sqlite_utils.Database(self.path)
        self._migrate()

    @property
    def schema_version(self) -> int:
        return self.version_of(CORE_SCHEMA)

    def version_of(self, schema: Schema) -> int:
        if "meta" not in self.db.table_names():
            return 0
        row = self.db.execute("select value from meta where key = ?", [schema.version_key]).fetchone()
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        for schema in self._schemas:
            version = self.version_of(schema)
            if version > schema.version:
                raise JournalError(f"{self.path} was written by a newer version ({schema.name} schema {version})")
            if version == schema.version:
                continue
            with self.db.conn:
                for migrate in schema.migrations[version:]:
                    migrate(self.db)
                self.db["meta"].upsert({"key": schema.version_key, "value": str(schema.version)}, pk="key")

    def write(self, change: Callable[[sqlite_utils.Database], T]) -> T:
        """Run `change` in one transaction; a failure (full disk, read-only file) is a JournalError."""
        try:
            with self.db.conn:
                return change(self.db)
        except sqlite3.Error as error:
            raise JournalError(str(error)) from error

    def read(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Rows of a query as dicts; a failure to read is a JournalError."""
        try:
            cursor = self.db.execute(sql, list(params))
            names = [column[0] for column in cursor.description or ()]
            return [dict(zip(names, row)) for row in cursor.fetchall()]
        except sqlite3.Error as error:
            raise JournalError(str(error)) from error

    def _insert(self, table: str, record: dict) -> int:
        return self.write(lambda db: db[table].insert(record).last_pk)

    # Meta -----------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("select value from meta where key = ?", [key]).fetchone()
        return row[0] if row else None

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
        self._insert("safety_events", {"at": iso(self._now()), "level": level, "kind": kind, "region": region})

    # Reading --------------------------------------------------------------

    def checkins(self) -> list[dict]:
        return list(self.db["checkins"].rows_where(order_by="at"))

    def safety_events(self) -> list[dict]:
        return list(self.db["safety_events"].rows_where(order_by="at"))

    def exercises(self) -> list[dict]:
        return list(self.db["exercise_sessions"].rows_where(order_by="started_at"))

    def moods_between(self, start: datetime, end: datetime) -> list[int]:
        """Mood scores of the check-ins after `start` and up to `end`, oldest first."""
        rows = self.db.execute("select mood from checkins where at > ? and at <= ? order by at",
                               [iso(start), iso(end)]).fetchall()
        return [row[0] for row in rows]
