"""The journal at start: checked, and whatever happened to the disk, a journal the conversation can use.

- Missing or empty on a first start: a new journal.
- Missing, empty, not a file, not SQLite, or failing SQLite's check, on a device
  used before (backups, set-aside journals or a dialogue tracker show it): the
  file is set aside with its time, the newest good backup is brought back, or,
  if there is none, a new journal is started, never silently as a first day.
- Written by a newer version: left untouched; an empty journal in memory stands
  in and nothing is stored.
- Read-only (file, folder, immutable): read, never written.
- Held by another program: kept, and writes are tried again each time.
- Anything else that keeps it from opening: the in-memory stand-in.
Each case gives a `StoreNotice`; journal/notices.py tells the caregiver and the
user. Once the journal passed its check, a backup is made (journal/backup.py).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable, Sequence

from assistant.journal import files
from assistant.journal.backup import PARTIAL, Backups
from assistant.journal.store import CORE_SCHEMA, Journal, JournalError, Schema
from assistant.paths import Home


@dataclass(frozen=True)
class StoreNotice:
    """What the start-up check found wrong with a store and what it did about it."""

    store: str
    """journal or tracker."""
    outcome: str
    """journal: restored, lost, read_only, full, locked, newer, unavailable; tracker: rebuilt, in_memory."""
    problem: str
    """What was wrong, in technical words, for the caregiver."""
    path: Path
    kept: Path | None = None
    """Where the damaged file was set aside, if it was."""
    backup_at: datetime | None = None
    """When the backup brought back was made."""


@dataclass
class OpenedJournal:
    journal: Journal
    notices: list[StoreNotice]


def used_before(home: Home, backups: Backups) -> bool:
    """Whether this device held a conversation before: then a missing journal is a loss, not a first day."""
    tracker = home.tracker_db
    return (bool(backups.copies()) or bool(files.set_aside_copies(home.journal_db))
            or (tracker.is_file() and tracker.stat().st_size > 0))


def _not_newer(schemas: Sequence[Schema]) -> Callable[[sqlite3.Connection], bool]:
    """Whether a backup's schemas are ones this version can use (a backup from a newer version is not)."""
    def usable(connection: sqlite3.Connection) -> bool:
        try:
            stored = dict(connection.execute("select key, value from meta").fetchall())
            return all(int(stored.get(schema.version_key, 0)) <= schema.version for schema in schemas)
        except (sqlite3.Error, ValueError):
            return False
    return usable


class JournalOpener:
    """Opens the home's journal at start, whatever state it is in (the cases in the module docstring)."""

    def __init__(self, home: Home, now: Callable[[], datetime], schemas: Sequence[Schema], backups: Backups,
                 on_failure: Callable[[Journal, JournalError, bool], None]):
        self._home = home
        self._path = home.journal_db
        self._now = now
        self._schemas = tuple(schemas)
        self._backups = backups
        self._on_failure = on_failure

    def open(self) -> OpenedJournal:
        try:
            self._path.with_name(self._path.name + PARTIAL).unlink(missing_ok=True)
        except OSError:
            pass  # a restore cut short left it, in a folder that cannot be changed now: harmless
        found = files.inspect(self._path)
        if found.state in (files.State.MISSING, files.State.EMPTY) and not used_before(self._home, self._backups):
            return self._fresh()
        if found.state is not files.State.PRESENT:
            return self._recover(found.problem)
        try:
            journal = self._journal()
        except JournalError as error:
            return self._unusable(error)
        return self._checked(journal)

    def _journal(self, refusal: JournalError | None = None, in_memory: bool = False) -> Journal:
        return Journal(self._path, self._now, self._schemas, on_failure=self._on_failure,
                       backups=None if in_memory else self._backups, refusal=refusal, in_memory=in_memory)

    def _fresh(self) -> OpenedJournal:
        try:
            return OpenedJournal(self._journal(), [])
        except JournalError as error:
            return self._stand_in("unavailable", error)

    def _checked(self, journal: Journal) -> OpenedJournal:
        """A journal that opened and passed its check: can it be written now?"""
        problem = journal.probe_write()
        if problem is None:
            self._backups.make_if_due(journal.db.conn)
            return OpenedJournal(journal, [])
        if problem.kind == "locked":
            return OpenedJournal(journal, [self._notice("locked", str(problem))])
        journal.refuse(problem)
        return OpenedJournal(journal, [self._notice(self._not_writable(), str(problem))])

    def _not_writable(self) -> str:
        """Why a journal that can be read cannot be written: a full disk, or else read-only."""
        return "full" if files.disk_full(self._path.parent) else "read_only"

    def _unusable(self, error: JournalError) -> OpenedJournal:
        if error.kind == "damaged":
            return self._recover(str(error))
        if error.kind == "newer":
            return self._stand_in("newer", error)
        if error.kind == "locked":
            return self._stand_in("locked", error)
        if error.kind in ("read_only", "unavailable"):
            # A file that is there but cannot be opened for writing (its folder read-only or immutable): read it.
            try:
                journal = self._journal(refusal=error)
            except JournalError:
                return self._stand_in("full" if files.disk_full(self._path.parent) else "unavailable", error)
            return OpenedJournal(journal, [self._notice(self._not_writable(), str(error))])
        return self._stand_in("unavailable", error)

    def _stand_in(self, outcome: str, error: JournalError, kept: Path | None = None) -> OpenedJournal:
        """An empty journal in memory; the person was introduced before if this device was used before."""
        journal = self._journal(refusal=JournalError(f"{self._path.name} cannot be used: {error}", error.kind),
                                in_memory=True)
        if self._path.exists() or kept is not None or used_before(self._home, self._backups):
            journal.db["meta"].upsert({"key": "introduced_at", "value": self._now().isoformat()}, pk="key")
        return OpenedJournal(journal, [self._notice(outcome, str(error), kept)])

    def _recover(self, problem: str) -> OpenedJournal:
        """Set the damaged file aside, bring back the newest good backup, or start anew, saying which."""
        kept = None
        if self._path.exists() or self._path.is_symlink():
            try:
                kept = files.set_aside(self._path, self._now())
            except OSError as error:
                return self._stand_in("unavailable", JournalError(f"{problem}; it could not be moved aside: {error}"))
        try:
            copy = self._backups.restore_newest(self._path, _not_newer((CORE_SCHEMA, *self._schemas)))
            journal = self._journal()
        except (OSError, sqlite3.Error) as error:
            return self._stand_in("unavailable", JournalError(f"{problem}; no backup could be put back: {error}"),
                                  kept)
        except JournalError as error:
            return self._stand_in("unavailable", error, kept)
        if copy is not None:
            return OpenedJournal(journal, [self._notice("restored", problem, kept, copy.made_at)])
        try:
            # Used before, so not a first day: no introduction as if the person had never been told.
            journal.set_meta("introduced_at", self._now().isoformat())
        except JournalError:
            pass
        return OpenedJournal(journal, [self._notice("lost", problem, kept)])

    def _notice(self, outcome: str, problem: str, kept: Path | None = None,
                backup_at: datetime | None = None) -> StoreNotice:
        return StoreNotice("journal", outcome, problem, self._path, kept, backup_at)
