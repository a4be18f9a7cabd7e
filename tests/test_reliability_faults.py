"""Damage never stops the assistant: the fault matrix of the journal and the dialogue tracker.

Each case takes a home that has been used (one whole check-in, so it has a
journal, backups and a tracker), does something to a file, and holds the next
conversation with the really trained model: it starts, the right sentence is
said (to the user at the start, to the caregiver on stderr), what a backup held
is back, the new check-in is saved or honestly said not to be, and the start
after that is an ordinary one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from assistant.journal.backup import delete_copies
from assistant.paths import Home
from event_helpers import of_kind, said
from fault_helpers import (CHECK_IN, FIRST_DAY, LATER, LOW_CHECK_IN, NEXT_DAY, LockHolder, assistant_cli,
                           immutable, moods, not_ours, spoken, talk)

WHOLE = (3, 4, 5)
"""The check-in of the first conversation."""
LOW = (2, None, None)
"""The check-in of the conversation after the fault."""


@pytest.fixture(scope="module")
def template(tmp_path_factory, models) -> Path:
    """A home after one conversation with a whole check-in."""
    home = tmp_path_factory.mktemp("used") / "home"
    home.mkdir(mode=0o700)
    talk(home, models, CHECK_IN, FIRST_DAY)
    assert moods(home) == [WHOLE] and list((home / "backups").glob("journal-*.db"))
    return home


@pytest.fixture
def used(template, tmp_path) -> Path:
    home = tmp_path / "home"
    shutil.copytree(template, home, symlinks=True)
    return home


def _ordinary_start(home: Path, models, capsys) -> None:
    """The start after a fault was dealt with: no notice to anyone, and it saves."""
    events = talk(home, models, LOW_CHECK_IN, NEXT_DAY)
    assert said(events)[0].startswith("Hello again")
    assert of_kind(events, "checkin")[0]["saved"] is True
    assert capsys.readouterr().err == ""


# The journal ----------------------------------------------------------------------------------------

def _truncate(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2 + 100)


def _garbage_header(path: Path) -> None:
    with path.open("r+b") as file:
        file.write(b"not a database! " * 4)


def _garbage_page(path: Path) -> None:
    with path.open("r+b") as file:
        file.seek(4096)
        file.write(b"\xff" * 4096)


def _folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


def _dangling_link(path: Path) -> None:
    path.unlink()
    path.symlink_to(path.parent / "nowhere" / "journal.db")


DAMAGE = {"truncated": _truncate, "zero bytes": lambda path: path.write_bytes(b""), "garbage header": _garbage_header,
          "garbage page": _garbage_page, "a folder": _folder, "a dangling link": _dangling_link,
          "deleted": lambda path: path.unlink()}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_a_damaged_journal_is_set_aside_and_the_newest_backup_brought_back(used, models, capsys, damage):
    DAMAGE[damage](used / "journal.db")
    events = talk(used, models, LOW_CHECK_IN, LATER)
    texts, err = said(events), capsys.readouterr().err
    assert texts[0] == spoken("spoken_journal_restored")
    assert texts[1].startswith("Hello again"), "never a silent first day"
    assert "brought back the backup made at 2026-03-28 10:0" in err
    assert of_kind(events, "checkin")[0]["saved"] is True and events[-1]["event"] == "end"
    assert moods(used) == [WHOLE, LOW], "what the backup held is back, and the new check-in is kept"
    kept = list(used.glob("journal.db.damaged-*"))
    assert len([path for path in kept if not path.name.endswith(("-wal", "-shm"))]) == (damage != "deleted")
    _ordinary_start(used, models, capsys)


def test_the_user_hears_the_recovery_in_the_conversations_language(used, models, capsys):
    _garbage_header(used / "journal.db")
    events = talk(used, models, ["bonjour"], LATER, lang="fr")
    assert said(events)[0] == spoken("spoken_journal_restored", "fr")
    assert events[0]["lang"] == "fr"
    assert "j'ai remis la sauvegarde faite le 2026-03-28" in capsys.readouterr().err


def test_a_damaged_newest_backup_is_passed_over_for_an_older_good_one(used, models, capsys):
    copies = sorted((used / "backups").glob("journal-*.db"))
    assert len(copies) >= 2
    _garbage_header(copies[-1])
    _garbage_header(used / "journal.db")
    talk(used, models, ["hello"], LATER)
    older = copies[-2].name[len("journal-"):-len(".db")]
    assert f"backup made at 2026-03-28 {older[9:11]}:{older[11:13]}" in capsys.readouterr().err
    assert moods(used) == []


def test_with_no_usable_backup_a_used_device_starts_new_notes_and_says_so(used, models, capsys):
    _garbage_header(used / "journal.db")
    shutil.rmtree(used / "backups")
    events = talk(used, models, LOW_CHECK_IN, LATER)
    texts, err = said(events), capsys.readouterr().err
    assert texts[0] == spoken("spoken_journal_lost")
    assert texts[1].startswith("Hello again"), "the person was introduced before: no first day"
    assert "there is no usable backup" in err and "journal.db.damaged-" in err
    assert moods(used) == [LOW]
    _ordinary_start(used, models, capsys)


def test_an_empty_journal_on_a_device_never_used_is_a_plain_first_day(home, models, capsys):
    (home / "journal.db").write_bytes(b"")
    events = talk(home, models, ["hello"], FIRST_DAY)
    assert "automated helper, not a person" in said(events)[0]
    assert capsys.readouterr().err == ""


def test_a_journal_from_a_newer_version_is_left_untouched_and_nothing_is_stored(used, models, capsys):
    journal = used / "journal.db"
    with sqlite3.connect(journal) as connection:
        connection.execute("update meta set value = '99' where key = 'schema_version'")
    connection.close()
    before = hashlib.sha256(journal.read_bytes()).hexdigest()
    events = talk(used, models, LOW_CHECK_IN, LATER)
    texts, err = said(events), capsys.readouterr().err
    assert texts[0] == spoken("spoken_not_storing") and texts[1].startswith("Hello again")
    assert "written by a newer version" in err and "core schema 99" in err
    assert of_kind(events, "checkin")[0]["saved"] is False
    assert "Thank you. I have noted it." not in texts
    assert hashlib.sha256(journal.read_bytes()).hexdigest() == before


def test_an_immutable_journal_is_read_and_never_written(used, models, capsys):
    with immutable(used / "journal.db"):
        events = talk(used, models, [*LOW_CHECK_IN, "how have I been"], LATER)
    texts, err = said(events), capsys.readouterr().err
    assert texts[0] == spoken("spoken_not_storing")
    assert "I can read the journal" in err
    assert of_kind(events, "checkin")[0]["saved"] is False
    assert any("you did 1 check-in" in text for text in texts), "what was saved is still read"
    assert texts.count(spoken("spoken_not_storing")) == 1, "said once, not at every turn"
    assert moods(used) == [WHOLE]
    _ordinary_start(used, models, capsys)


def test_an_immutable_home_folder_keeps_the_conversation_going(used, models, capsys):
    with immutable(used):
        events = talk(used, models, [*LOW_CHECK_IN, "slower please"], LATER)
    texts, err = said(events), capsys.readouterr().err
    assert texts[0] == spoken("spoken_not_storing")
    assert "I can read the journal" in err and "keep the dialogue in memory" in err
    assert "could not save the settings" in err
    assert of_kind(events, "checkin")[0]["saved"] is False and events[-1]["event"] == "end"


def test_a_journal_held_by_another_program_is_said_not_saving_then_saves_once_free(used, models, capsys):
    holder = LockHolder(used / "journal.db")
    try:
        events = talk(used, models, LOW_CHECK_IN, LATER)
    finally:
        holder.release()
    texts, err = said(events), capsys.readouterr().err
    assert texts[0] == spoken("spoken_not_storing")
    assert "Another program is holding the journal" in err
    assert len(err.splitlines()) == 1, "the caregiver is told once, not at every write"
    assert of_kind(events, "checkin")[0]["saved"] is False
    assert any(text.startswith("2. I heard you, but I could not save it") for text in texts)
    _ordinary_start(used, models, capsys)
    assert moods(used) == [WHOLE, LOW]


def test_a_journal_deleted_mid_run_is_never_said_noted_and_comes_back_from_its_backup(used, models, capsys):
    from assistant.app import notice_printer
    from assistant.session.inbox import LineInbox

    class DeletingInbox(LineInbox):
        """Deletes the journal just before the user gives the mood."""

        def listen(self, timeout_s, expect=None, needs_wake=False):
            if expect is not None and expect.kind == "number" and (used / "journal.db").exists():
                for path in used.glob("journal.db*"):
                    path.unlink()
            return super().listen(timeout_s, expect, needs_wake) if expect else super().listen(timeout_s)

    events = talk(used, models, LOW_CHECK_IN, LATER,
                  inbox_factory=lambda clock, stream: DeletingInbox(clock, stream, notice_printer("en")))
    texts, err = said(events), capsys.readouterr().err
    assert "Thank you. I have noted it." not in texts
    assert "2. Thank you." not in texts and any(text.startswith("2. I heard you, but I could not save") for text in texts)
    assert of_kind(events, "checkin")[0]["saved"] is False
    assert "was removed while I was running" in err
    assert spoken("spoken_not_storing") in texts
    events = talk(used, models, ["hello"], NEXT_DAY)
    assert said(events)[0] == spoken("spoken_journal_restored")
    assert moods(used) == [WHOLE]


@pytest.fixture
def used_with_models(used, trained_models) -> Path:
    (used / "models").mkdir(mode=0o700)
    (used / "models" / "dialogue").symlink_to(trained_models)
    return used


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_journal_or_home_folder_is_read_and_the_conversation_goes_on(used_with_models, what):
    import json

    home = used_with_models
    target, mode = (home / "journal.db", 0o444) if what == "file" else (home, 0o555)
    with not_ours(target, mode) as prefix:
        run = assistant_cli(home, "chat", "--jsonl", "--clock", "virtual", "--now", LATER.isoformat(),
                            stdin="\n".join(LOW_CHECK_IN) + "\n", prefix=prefix)
    assert run.returncode == 0, run.stderr
    events = [json.loads(line) for line in run.stdout.splitlines()]
    assert said(events)[0] == spoken("spoken_not_storing")
    assert "I can read the journal" in run.stderr and "Traceback" not in run.stderr
    assert of_kind(events, "checkin")[0]["saved"] is False and events[-1]["event"] == "end"
    assert moods(home) == [WHOLE]


def test_a_full_disk_never_ends_the_conversation(models, template, tmp_path, capsys):
    """A small file system of its own, filled to 0, 16 and 48 KiB free: the tracker's errors too are caught."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    mount = tmp_path / "small"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k,mode=700", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        for free_kib in (0, 16, 48):
            home = mount / "home"
            shutil.rmtree(home, ignore_errors=True)
            shutil.copytree(template, home, symlinks=True)
            (mount / "filler").unlink(missing_ok=True)
            available = shutil.disk_usage(mount).free // 1024
            with (mount / "filler").open("wb") as filler:
                filler.write(b"\0" * max(0, (available - free_kib)) * 1024)
            events = talk(home, models, [*LOW_CHECK_IN, "how have I been", *CHECK_IN], LATER)
            err = capsys.readouterr().err
            assert events[-1]["event"] == "end", f"{free_kib} KiB free"
            assert len(of_kind(events, "checkin")) == 2
            assert "Traceback" not in err and "full" in err
            assert "nothing already saved was lost" not in err or "I checked the journal" in err
            if not of_kind(events, "checkin")[0]["saved"]:
                assert spoken("spoken_not_storing") in said(events)
    finally:
        subprocess.run(["umount", str(mount)], check=True)


# The dialogue tracker ---------------------------------------------------------------------------------

def _tracker_layout(version: int):
    def change(path: Path) -> None:
        with sqlite3.connect(path) as connection:
            connection.execute(f"pragma user_version = {version}")
        connection.close()
    return change


def _foreign_events_table(path: Path) -> None:
    path.unlink()
    with sqlite3.connect(path) as connection:
        connection.execute("create table events (id integer primary key, something_else text)")
    connection.close()


TRACKER_DAMAGE = {"truncated": _truncate, "zero bytes": lambda path: path.write_bytes(b""),
                  "garbage header": _garbage_header, "garbage page": _garbage_page, "a folder": _folder,
                  "a dangling link": _dangling_link, "a newer layout": _tracker_layout(99),
                  "another program's table": _foreign_events_table}


@pytest.mark.parametrize("damage", TRACKER_DAMAGE, ids=list(TRACKER_DAMAGE))
def test_a_damaged_tracker_is_rebuilt_and_the_user_hears_nothing_of_it(used, models, capsys, damage):
    TRACKER_DAMAGE[damage](used / "tracker.db")
    events = talk(used, models, LOW_CHECK_IN, LATER)
    texts, err = said(events), capsys.readouterr().err
    assert texts[0].startswith("Hello again")
    assert of_kind(events, "checkin")[0]["saved"] is True
    if damage != "zero bytes":
        assert "The dialogue's working file" in err and "started a new one" in err
    assert moods(used) == [WHOLE, LOW]
    _ordinary_start(used, models, capsys)


def test_a_tracker_held_by_another_program_is_rebuilt(used, models, capsys):
    holder = LockHolder(used / "tracker.db")
    try:
        events = talk(used, models, LOW_CHECK_IN, LATER)
    finally:
        holder.release()
    assert of_kind(events, "checkin")[0]["saved"] is True
    assert "database is locked" in capsys.readouterr().err
    _ordinary_start(used, models, capsys)


def test_an_immutable_tracker_that_cannot_be_moved_aside_is_kept_in_memory(used, models, capsys):
    with immutable(used / "tracker.db"):
        events = talk(used, models, LOW_CHECK_IN, LATER)
    assert of_kind(events, "checkin")[0]["saved"] is True and events[-1]["event"] == "end"
    assert "keep the dialogue in memory" in capsys.readouterr().err
    _ordinary_start(used, models, capsys)


# What data deletion is given -----------------------------------------------------------------------

def test_delete_copies_removes_every_backup_and_set_aside_file(used, models, capsys):
    _garbage_header(used / "journal.db")
    _garbage_header(used / "tracker.db")
    talk(used, models, ["hello"], LATER)
    capsys.readouterr()
    assert list((used / "backups").iterdir()) and list(used.glob("*.damaged-*"))
    removed = delete_copies(Home(used))
    assert removed and not list((used / "backups").iterdir()) and not list(used.glob("*.damaged-*"))
    assert (used / "journal.db").is_file(), "the journal itself is data deletion's own business"
