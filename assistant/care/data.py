"""The user's own data: a full copy for them to keep, and deletion that really deletes.

Deleting a row in SQLite only marks its page free: the bytes stay in the file
until reused, and may also sit in the write-ahead log. So the journal and the
dialogue tracker are emptied with `secure_delete` on (freed content is
overwritten with zeros), then VACUUM rebuilds each file without free pages, and
the write-ahead log is checkpointed and truncated to nothing. The files stay in
place, so an assistant that has them open goes on working. Backups (the
`backups/` folder and any `*.bak*` or `*-backup*` file), logs and recordings
are removed. Settings stay unless asked; the schema versions stay, so the
journal remains a valid, empty journal.
"""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Iterator

from assistant.journal.backup import delete_copies
from assistant.journal.store import Journal
from assistant.paths import Home, private_folder

PERSONAL_FOLDERS = ("logs", "recordings")
"""Folders under the home that hold nothing but the user's data (the journal's backups are the journal's own:
assistant.journal.backup.delete_copies removes them, with the damaged stores set aside at start)."""
BACKUP_PATTERNS = ("*.bak*", "*-backup*", "*.log")
"""Files anywhere under the home (outside the models) that are copies of the user's data."""
SETTINGS_COPIES = ("settings.json.damaged-*", "settings.tmp")
"""Settings files kept aside: removed only when the settings go too."""
KEPT_META_PREFIX = "schema_version"
"""Meta rows that say how the journal is shaped, not what the user did: kept by a deletion."""
KEPT_FOLDERS = ("models", "rasa-cache")
"""Installed models and the training cache: no personal data, never deleted."""


@dataclass(frozen=True)
class Deleted:
    """What a deletion removed, counted, so that it can be said and printed."""

    rows: dict[str, int] = field(default_factory=dict)
    """Journal table -> rows deleted (only tables that had some)."""
    dialogue_events: int = 0
    files: tuple[str, ...] = ()
    """Paths removed, relative to the home."""
    free_pages: int = 0
    """Free pages left in the journal and the tracker afterwards (0: nothing of the old rows remains)."""

    @property
    def anything(self) -> bool:
        return bool(self.rows or self.dialogue_events or self.files)


def _tables(connection: sqlite3.Connection) -> list[str]:
    return [row[0] for row in connection.execute(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")]


def _personal_rows(connection: sqlite3.Connection, table: str) -> int:
    where = f" where key not like '{KEPT_META_PREFIX}%'" if table == "meta" else ""
    return connection.execute(f'select count(*) from "{table}"{where}').fetchone()[0]


def count_rows(path: Path) -> dict[str, int]:
    """Rows of the user's data in a SQLite file, by table (tables with none left out); {} when there is no file."""
    if not path.is_file():
        return {}
    connection = sqlite3.connect(path)
    try:
        counts = {table: _personal_rows(connection, table) for table in _tables(connection)}
    finally:
        connection.close()
    return {table: count for table, count in counts.items() if count}


def stored_rows(home: Home) -> dict[str, int]:
    """What of a person is on the device: rows by table of the journal and the tracker ("tracker.events"), {} when none."""
    found = count_rows(home.journal_db)
    found.update({f"tracker.{table}": count for table, count in count_rows(home.tracker_db).items()})
    return found


def empty_database(path: Path, connection: sqlite3.Connection | None = None) -> tuple[dict[str, int], int]:
    """Delete every row of the user's data in the SQLite file for real; (rows deleted by table, free pages left).

    `connection`: the assistant's own open connection to it, when it has one (deleting by voice).
    """
    own = connection is None
    connection = connection or sqlite3.connect(path)
    try:
        connection.execute("pragma secure_delete = on")
        counts = {}
        with connection:
            for table in _tables(connection):
                counts[table] = _personal_rows(connection, table)
                where = f" where key not like '{KEPT_META_PREFIX}%'" if table == "meta" else ""
                connection.execute(f'delete from "{table}"{where}')
            if connection.execute("select 1 from sqlite_master where name = 'sqlite_sequence'").fetchone():
                connection.execute("delete from sqlite_sequence")
        connection.execute("vacuum")
        connection.execute("pragma wal_checkpoint(truncate)")
        free = connection.execute("pragma freelist_count").fetchone()[0]
    finally:
        if own:
            connection.close()
    return {table: count for table, count in counts.items() if count}, free


def _copies(home: Home, settings: bool) -> Iterator[Path]:
    """Backups, logs, recordings (and kept-aside settings, if `settings`) under the home, never inside the models."""
    for name in PERSONAL_FOLDERS:
        if (home.root / name).exists():
            yield home.root / name
    for pattern in BACKUP_PATTERNS + (SETTINGS_COPIES if settings else ()):
        for path in home.root.rglob(pattern):
            relative = path.relative_to(home.root)
            if relative.parts[0] not in KEPT_FOLDERS + PERSONAL_FOLDERS:
                yield path


def _shown(home: Home, path: Path) -> str:
    """How a removed copy is reported: the backup folder as one line, anything else by its path."""
    relative = path.relative_to(home.root)
    return relative.parts[0] if path.is_relative_to(home.backups) else str(relative)


def remove_copies(home: Home, settings: bool) -> list[str]:
    removed = list(dict.fromkeys(_shown(home, path) for path in delete_copies(home)))
    for path in sorted(set(_copies(home, settings))):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
        removed.append(str(path.relative_to(home.root)))
    return removed


def delete_user_data(home: Home, journal: Journal | None = None, settings: bool = False) -> Deleted:
    """Empty the journal and the dialogue tracker for real and remove every copy.

    `journal`: the conversation's own, when deleting by voice (its connection stays usable).
    `settings`: the settings go too, so their kept-aside copies are removed (the caller resets the file).
    """
    rows, free = {}, 0
    if home.journal_db.is_file():
        rows, free = empty_database(home.journal_db, journal.db.conn if journal is not None else None)
    events = 0
    if home.tracker_db.is_file():
        tracker_rows, tracker_free = empty_database(home.tracker_db)
        events, free = sum(tracker_rows.values()), free + tracker_free
    return Deleted(rows, events, tuple(remove_copies(home, settings)), free)


# Export -------------------------------------------------------------------------------


def _rows(path: Path) -> dict[str, list[dict]]:
    if not path.is_file():
        return {}
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    try:
        return {table: [dict(row) for row in connection.execute(f'select * from "{table}"')]
                for table in _tables(connection)}
    finally:
        connection.close()


def _write_csv(path: Path, rows: list[dict]) -> None:
    names = list(dict.fromkeys(name for row in rows for name in row))
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=names)
        writer.writeheader()
        writer.writerows(rows)


def export_user_data(home: Home, folder: Path) -> list[Path]:
    """Everything stored about the user, as JSON and CSV, in `folder` (created owner-only); the files written."""
    private_folder(folder)
    written = []
    for name, source in (("journal", home.journal_db), ("dialogue", home.tracker_db)):
        tables = _rows(source)
        (folder / f"{name}.json").write_text(json.dumps(tables, indent=2, ensure_ascii=False, default=str),
                                             encoding="utf-8")
        written.append(folder / f"{name}.json")
        for table, rows in tables.items():
            if rows:
                target = private_folder(folder / name) / f"{table}.csv"
                _write_csv(target, rows)
                written.append(target)
    if home.settings_file.is_file():
        shutil.copyfile(home.settings_file, folder / "settings.json")
        written.append(folder / "settings.json")
    return written


def first_record_day(home: Home, zone) -> date | None:
    """The local day of the oldest check-in, exercise or answer, for an export covering everything."""
    stamps, tables = [], _rows(home.journal_db)
    for table, column in (("checkins", "at"), ("exercise_sessions", "started_at"), ("safety_events", "at"),
                          ("questionnaire_answers", "at")):
        for row in tables.get(table, []):
            if row.get(column):
                stamps.append(datetime.fromisoformat(row[column]).astimezone(zone).date())
    return min(stamps) if stamps else None
