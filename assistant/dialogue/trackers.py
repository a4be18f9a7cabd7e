"""The dialogue tracker's file: disposable, so it is rebuilt rather than ever stopping the assistant.

The tracker (Rasa's SQLTrackerStore in home/tracker.db) keeps intents, actions
and slots of the current dialogue session and the one before it, never the
user's words; nothing reads it back across starts. At start the file is checked
(a file at all, SQLite, SQLite's quick check, a layout this version wrote, and
writable); one that fails is set aside with its time and a new one started.
When no file can be used (read-only or full home), or the file fails during the
conversation (a full disk), the dialogue goes on in memory. Each case is told
to the caregiver, once.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from assistant.journal import files
from assistant.journal.recovery import StoreNotice
from assistant.paths import private_file

LAYOUT_VERSION = 1
"""Stamped in the file (SQLite's user_version): a file from a newer layout is rebuilt."""
EVENT_COLUMNS = {"sender_id", "type_name", "timestamp", "intent_name", "action_name", "data"}
"""The columns Rasa's SQLTrackerStore writes."""


def _problem(path: Path) -> str | None:
    """What keeps the tracker file from being used, or None."""
    found = files.inspect(path)
    if found.state in (files.State.MISSING, files.State.EMPTY):
        return None
    if found.state is not files.State.PRESENT or found.problem:
        return found.problem
    try:
        connection = sqlite3.connect(str(path), timeout=0.5)
        try:
            checked = files.integrity(connection, quick=True)
            if checked != "ok":
                return f"{path.name} is damaged: {checked}"
            version = connection.execute("pragma user_version").fetchone()[0]
            if version > LAYOUT_VERSION:
                return f"{path.name} was written by a newer version (layout {version})"
            columns = {row[1] for row in connection.execute("pragma table_info(events)")}
            if columns and not EVENT_COLUMNS <= columns:
                return f"{path.name} holds events in a layout this version does not know"
            connection.execute("begin immediate")
            connection.execute("create table if not exists write_probe (x)")
            connection.execute("rollback")
        finally:
            connection.close()
    except sqlite3.Error as error:
        return f"{path.name}: {error}"
    return None


class Trackers:
    """Where the dialogue's trackers are kept: the file, or memory when the file cannot be used."""

    def __init__(self, path: Path, domain: Any, now: Callable[[], datetime], warn: Callable[[str], None]):
        """`warn(problem)` is told, once, when the file stops working during the conversation."""
        self.path = path
        self._domain = domain
        self._warn = warn
        self.notices: list[StoreNotice] = []
        """What the start-up check found and did (for journal/notices.py)."""
        self.store = self._open(now)
        self.in_memory = not hasattr(self.store, "engine")

    def _open(self, now: Callable[[], datetime]) -> Any:
        problem = _problem(self.path)
        kept = None
        if problem is not None:
            try:
                kept = files.set_aside(self.path, now()) if self.path.exists() or self.path.is_symlink() else None
            except OSError as error:
                return self._in_memory(f"{problem}; it could not be moved aside: {error}")
        try:
            store = self._sql_store()
        except Exception as error:  # noqa: BLE001 - SQLAlchemy or the file system; the dialogue must go on
            return self._in_memory(f"{problem}; {error}" if problem else str(error))
        if problem is not None:
            self.notices.append(StoreNotice("tracker", "rebuilt", problem, self.path, kept))
        return store

    def _sql_store(self) -> Any:
        """Rasa's SQL tracker store on the file, its table checked to be there (Rasa only logs when it cannot make it)."""
        from rasa.core.tracker_store import SQLTrackerStore

        if not self.path.exists():
            self.path.touch(mode=0o600)
        rasa_log = logging.getLogger("rasa.core.tracker_store")
        level = rasa_log.level
        rasa_log.setLevel(logging.CRITICAL)
        try:
            store = SQLTrackerStore(self._domain, dialect="sqlite", db=str(private_file(self.path)))
        finally:
            rasa_log.setLevel(level)
        connection = sqlite3.connect(str(self.path), timeout=0.5)
        try:
            connection.execute("select count(*) from events").fetchone()
            connection.execute(f"pragma user_version = {LAYOUT_VERSION}")
        finally:
            connection.close()
        return store

    def _in_memory(self, problem: str) -> Any:
        from rasa.core.tracker_store import InMemoryTrackerStore

        self.notices.append(StoreNotice("tracker", "in_memory", problem, self.path))
        return InMemoryTrackerStore(self._domain)

    def failed(self, error: Exception) -> None:
        """The file failed during the conversation (a full disk): go on in memory, telling the caregiver once."""
        from rasa.core.tracker_store import InMemoryTrackerStore

        if not self.in_memory:
            self.in_memory = True
            self.store = InMemoryTrackerStore(self._domain)
            self._warn(str(getattr(error, "orig", None) or error).splitlines()[0])

    def forget_older_sessions(self, keep: tuple[str, ...]) -> None:
        """Remove from the file every dialogue session but `keep`: the file stays small for weeks of use."""
        if self.in_memory:
            for sender_id in [key for key in self.store.store if key not in keep]:
                del self.store.store[sender_id]
            return
        marks = ", ".join("?" for _ in keep)
        try:
            connection = sqlite3.connect(str(self.path), timeout=0.5)
            try:
                with connection:
                    connection.execute(f"delete from events where sender_id not in ({marks})", keep)
            finally:
                connection.close()
        except sqlite3.Error as error:
            self.failed(error)
