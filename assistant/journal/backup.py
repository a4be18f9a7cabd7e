"""Rolling backups of the journal, on the device, owner-only.

Policy: a consistent copy made with SQLite's backup API (a snapshot, even while
the journal is being written) into `home/backups/journal-<UTC time>.db`,
  - at start, once the journal has passed its check,
  - after a write, when the newest copy is older than BACKUP_EVERY_S, and
  - at the end of the conversation, if something was written since the newest,
keeping the newest GENERATIONS copies and the newest copy of each of the last
DAILY_COPIES days (so an answer is at most a few minutes from a copy, and a
fault noticed late still finds a copy from before it). Each copy is written beside its final
name, synced, checked with integrity_check and only then renamed into place, so
a power cut or a kill during a backup never leaves a bad "newest" copy. A
copy is a single file (no write-ahead log), mode 600, in a folder of mode 700.
At start, a damaged or missing journal is replaced by the newest copy that
passes its check (journal/recovery.py). Data deletion removes them all
(`delete_copies`), with the damaged files set aside.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

from assistant.journal import files
from assistant.paths import OWNER_ONLY_DIR, OWNER_ONLY_FILE, Home

BACKUP_EVERY_S = 2 * 60
"""After a write, a new copy is made when the newest is older than this (seconds): a copy takes milliseconds."""
GENERATIONS = 5
"""How many of the newest copies are kept."""
DAILY_COPIES = 7
"""Besides, the newest copy of each of this many most recent days (UTC) is kept."""
PREFIX, SUFFIX, PARTIAL = "journal-", ".db", ".partial"


@dataclass(frozen=True)
class Copy:
    path: Path
    made_at: datetime
    """When it was made (UTC), read from its name."""


def _made_at(path: Path) -> datetime | None:
    try:
        return datetime.strptime(path.name[len(PREFIX):-len(SUFFIX)], "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class Backups:
    """The journal's copies in one folder, made and pruned by the policy above."""

    def __init__(self, folder: Path, now: Callable[[], datetime], warn: Callable[[str], None],
                 every_s: float = BACKUP_EVERY_S, keep: int = GENERATIONS):
        """`now` is the assistant's clock (aware local time); `warn(problem)` is told once if copies cannot be made."""
        self.folder = folder
        self._now = now
        self._warn = warn
        self._every = timedelta(seconds=every_s)
        self._keep = keep
        self._warned = False
        self._unsaved_writes = False
        """Something was written since the newest copy."""

    def copies(self) -> list[Copy]:
        """Every finished copy, newest first."""
        if not self.folder.is_dir():
            return []
        found = [Copy(path, moment) for path in self.folder.glob(f"{PREFIX}*{SUFFIX}")
                 if (moment := _made_at(path)) is not None]
        return sorted(found, key=lambda copy: copy.made_at, reverse=True)

    def due(self) -> bool:
        """Whether a new copy should be made now: none yet, the newest too old, or the clock went back."""
        copies = self.copies()
        if not copies:
            return True
        age = self._now() - copies[0].made_at
        return age >= self._every or age < timedelta(0)

    def make_if_due(self, source: sqlite3.Connection) -> Copy | None:
        return self.make(source) if self.due() else None

    def written(self, source: sqlite3.Connection) -> None:
        """The journal open on `source` was just written."""
        self._unsaved_writes = self.make_if_due(source) is None

    def closing(self, source: sqlite3.Connection) -> None:
        """The journal is being closed: copy what the newest copy does not hold yet."""
        if self._unsaved_writes:
            self.make(source)

    def make(self, source: sqlite3.Connection) -> Copy | None:
        """Copy the database open on `source`; None (the caregiver told once) if it cannot be made."""
        moment = self._now().astimezone(timezone.utc).replace(microsecond=0)
        target = self.folder / f"{PREFIX}{files.stamp(moment)}{SUFFIX}"
        partial = target.with_name(target.name + PARTIAL)
        free = files.free_bytes(self.folder.parent)
        if free is not None and free < files.LOW_DISK_BYTES + _size(source):
            self._tell(f"only {free // 1024} KiB free on the disk: the journal needs that room more than a copy")
            return None
        try:
            self.folder.mkdir(mode=OWNER_ONLY_DIR, parents=True, exist_ok=True)
            self.folder.chmod(OWNER_ONLY_DIR)
            partial.unlink(missing_ok=True)
            os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, OWNER_ONLY_FILE))
            _copy(source, partial)
            partial.replace(target)
            _sync_folder(self.folder)
        except (OSError, sqlite3.Error, ValueError) as error:
            _remove_quietly(partial)
            self._tell(str(error))
            return None
        self._unsaved_writes = False
        self._prune()
        return Copy(target, moment)

    def _prune(self) -> None:
        copies = self.copies()
        newest_of_day: dict[object, Copy] = {}
        for copy in copies:
            newest_of_day.setdefault(copy.made_at.date(), copy)
        kept = {copy.path for copy in copies[:self._keep]} | {copy.path for copy in
                                                              list(newest_of_day.values())[:DAILY_COPIES]}
        for old in copies:
            if old.path not in kept:
                old.path.unlink(missing_ok=True)
        for leftover in self.folder.glob(f"*{PARTIAL}"):
            leftover.unlink(missing_ok=True)

    def _tell(self, problem: str) -> None:
        if not self._warned:
            self._warned = True
            self._warn(problem)

    def restore_newest(self, target: Path, usable: Callable[[sqlite3.Connection], bool]) -> Copy | None:
        """Put the newest copy that passes its check (and `usable`) at `target`; None if there is none.

        Raises OSError or sqlite3.Error if the copy cannot be written there.
        """
        for copy in self.copies():
            try:
                with _closing(sqlite3.connect(f"{copy.path.resolve().as_uri()}?mode=ro", uri=True)) as source:
                    if files.integrity(source) != "ok" or not usable(source):
                        continue
                    partial = target.with_name(target.name + PARTIAL)
                    partial.unlink(missing_ok=True)
                    os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, OWNER_ONLY_FILE))
                    _copy(source, partial)
            except sqlite3.DatabaseError:
                continue
            partial.replace(target)
            _sync_folder(target.parent)
            return copy
        return None


class _closing:
    """`with` for a sqlite3 connection that closes it (its own `with` only commits)."""

    def __init__(self, connection: sqlite3.Connection):
        self._connection = connection

    def __enter__(self) -> sqlite3.Connection:
        return self._connection

    def __exit__(self, *exc: object) -> None:
        self._connection.close()


def _size(source: sqlite3.Connection) -> int:
    """How large a copy of the database open on `source` will be (bytes)."""
    pages, page_size = (source.execute(f"pragma {name}").fetchone()[0] for name in ("page_count", "page_size"))
    return pages * page_size


def _copy(source: sqlite3.Connection, target: Path) -> None:
    """A consistent snapshot of `source` into the file `target`, as one synced file, checked."""
    with _closing(sqlite3.connect(str(target))) as destination:
        source.backup(destination)
        destination.execute("pragma journal_mode = delete")
        destination.execute("pragma synchronous = full")
        if files.integrity(destination) != "ok":
            raise ValueError(f"the copy {target.name} did not pass its check")
    with target.open("rb+") as file:
        os.fsync(file.fileno())


def delete_copies(home: Home) -> list[Path]:
    """Remove every copy of the user's data the assistant made for safety; returns what was removed.

    For data deletion and clinic return: the journal's backups, and the damaged
    journals and trackers that were set aside at start.
    """
    folder = home.backups
    candidates = [*folder.glob("*")] if folder.is_dir() else []
    candidates += files.set_aside_copies(home.journal_db) + files.set_aside_copies(home.tracker_db)
    candidates.append(home.journal_db.with_name(home.journal_db.name + PARTIAL))
    removed = []
    for path in candidates:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
        else:
            continue
        removed.append(path)
    return removed


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass
