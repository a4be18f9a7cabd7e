"""The assistant's SQLite files in the home: what state each is in, and setting a damaged one aside.

Shared by the journal's start-up check (journal/recovery.py) and the dialogue
tracker's (dialogue/trackers.py). A damaged file is never deleted: it is renamed
beside itself with the time (`journal.db.damaged-20260328T175500Z`), together
with its write-ahead log, so a caregiver or a technician can still look at it.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"
COMPANIONS = ("-wal", "-shm", "-journal")
"""Files SQLite keeps beside a database: they go wherever the database goes."""
DAMAGED_MARK = ".damaged-"
LOW_DISK_BYTES = 1024 * 1024
"""Less free space than this, and the disk counts as full: no backup is made that would take the journal's room."""


class State(Enum):
    MISSING = "missing"
    EMPTY = "empty"
    """Zero bytes: SQLite would take it for a new, empty database."""
    NOT_A_FILE = "not_a_file"
    """A folder, a link to nothing, a device: something that is not a database file."""
    NOT_SQLITE = "not_sqlite"
    """A file whose first bytes are not SQLite's."""
    PRESENT = "present"
    """A file that starts like a SQLite database (it may still be damaged inside)."""


@dataclass(frozen=True)
class Found:
    state: State
    problem: str
    """What is wrong, in plain technical words for the caregiver's message ("" when nothing is)."""


def inspect(path: Path) -> Found:
    """The state of the file at `path`, without creating or changing anything."""
    if path.is_symlink() and not path.exists():
        return Found(State.NOT_A_FILE, f"{path.name} is a link to a file that does not exist")
    if not path.exists():
        return Found(State.MISSING, f"{path.name} is missing")
    if not path.is_file():
        return Found(State.NOT_A_FILE, f"{path.name} is a folder or a device, not a file")
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as error:
        return Found(State.PRESENT, f"{path.name} cannot be read ({error.strerror or error})")
    if not header:
        return Found(State.EMPTY, f"{path.name} is empty (0 bytes)")
    if header != SQLITE_HEADER:
        return Found(State.NOT_SQLITE, f"{path.name} is not a SQLite database (its first bytes are wrong)")
    return Found(State.PRESENT, "")


def free_bytes(folder: Path) -> int | None:
    """Free space on the disk that holds `folder` (None if it cannot be told)."""
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def disk_full(folder: Path) -> bool:
    free = free_bytes(folder)
    return free is not None and free < LOW_DISK_BYTES


def integrity(connection: sqlite3.Connection, quick: bool = False) -> str:
    """SQLite's own check of every page: "ok", or the first problems it found."""
    rows = connection.execute(f"pragma {'quick_check' if quick else 'integrity_check'}(5)").fetchall()
    return "; ".join(line for row in rows for line in str(row[0]).splitlines())


def stamp(moment: datetime) -> str:
    """A moment as it appears in file names: 20260328T175500Z (UTC)."""
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def set_aside(path: Path, moment: datetime) -> Path:
    """Rename `path` (and its write-ahead log) to `<name>.damaged-<time>`; returns the new name.

    Raises OSError when it cannot be moved (read-only or immutable folder or file).
    """
    base = f"{path.name}{DAMAGED_MARK}{stamp(moment)}"
    kept = path.with_name(base)
    number = 1
    while kept.exists() or kept.is_symlink():
        number += 1
        kept = path.with_name(f"{base}-{number}")
    path.rename(kept)
    for suffix in COMPANIONS:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            try:
                companion.rename(kept.with_name(kept.name + suffix))
            except OSError:
                companion.unlink(missing_ok=True)
    return kept


def set_aside_copies(path: Path) -> list[Path]:
    """Every damaged copy of `path` set aside so far (they hold the user's data too)."""
    return sorted(path.parent.glob(f"{path.name}{DAMAGED_MARK}*"))
