"""The journal: real SQLite, owner-only, versioned schema, no words kept for safety events."""

from __future__ import annotations

import stat
from datetime import datetime, timedelta, timezone

import pytest

from assistant.journal.store import SCHEMA_VERSION, Journal, JournalError
from assistant.journal.summaries import summarise


def test_journal_file_is_private_and_versioned(tmp_path):
    journal = Journal(tmp_path / "journal.db")
    assert stat.S_IMODE((tmp_path / "journal.db").stat().st_mode) == 0o600
    assert journal.schema_version == SCHEMA_VERSION
    reopened = Journal(tmp_path / "journal.db")
    assert reopened.schema_version == SCHEMA_VERSION


def test_checkins_are_stored_with_utc_iso_timestamps(tmp_path):
    moment = datetime(2026, 3, 1, 22, 30, tzinfo=timezone.utc)
    journal = Journal(tmp_path / "journal.db", now=lambda: moment)
    journal.add_checkin(4, None, "fr")
    row = journal.checkins()[0]
    assert (row["at"], row["mood"], row["energy"], row["lang"]) == ("2026-03-01T22:30:00+00:00", 4, None, "fr")
    with pytest.raises(ValueError):
        journal.add_checkin(7, None, "en")


def test_safety_events_keep_time_and_kind_only(tmp_path):
    journal = Journal(tmp_path / "journal.db")
    journal.add_safety_event("crisis", "passive_wish", "FR")
    [event] = journal.safety_events()
    assert set(event) == {"id", "at", "level", "kind", "region"}


def test_a_newer_schema_is_refused_without_touching_the_data(tmp_path):
    journal = Journal(tmp_path / "journal.db")
    journal.add_checkin(3, 3, "en")
    journal.set_meta("schema_version", str(SCHEMA_VERSION + 1))
    with pytest.raises(JournalError, match=f"schema {SCHEMA_VERSION + 1}; this version knows schema {SCHEMA_VERSION}") as refused:
        Journal(tmp_path / "journal.db")
    assert refused.value.kind == "newer"
    journal.set_meta("schema_version", str(SCHEMA_VERSION))
    assert len(Journal(tmp_path / "journal.db").checkins()) == 1


def test_moods_between_two_times_and_their_summary_in_french(tmp_path):
    now = datetime(2026, 3, 15, 12, tzinfo=timezone.utc)
    times = iter([now - timedelta(days=days) for days in (1, 6, 8, 13, 20)])
    journal = Journal(tmp_path / "journal.db", now=lambda: next(times))
    for mood in (5, 4, 2, 1, 3):
        journal.add_checkin(mood, None, "en")
    week, fortnight = now - timedelta(days=7), now - timedelta(days=14)
    this_week, week_before = journal.moods_between(week, now), journal.moods_between(fortnight, week)
    assert (this_week, week_before) == ([4, 5], [1, 2])
    summary = summarise(this_week, week_before, "fr", "Ces sept derniers jours", "la semaine d'avant",
                        lambda score: f"mot {score}")
    assert summary.responses[0] == ("utter_summary_period", {"period": "Ces sept derniers jours", "checkins": "2 bilans",
                                                             "average": "4,5", "average_word": "mot 5"})
    assert summary.responses[1] == ("utter_summary_better", {"before": "la semaine d'avant", "previous": "1,5"})
    assert not summary.low


def test_a_count_of_one_is_singular_in_both_languages_and_zero_too_in_french():
    summary = summarise([3], [], "fr", "Depuis lundi", "la même durée juste avant", str)
    assert summary.responses[0][1]["checkins"] == "1 bilan"
    assert summarise([3], [], "en", "Since Monday", "before", str).responses[0][1]["checkins"] == "1 check-in"


def test_a_full_disk_is_reported_and_stored_data_is_intact(tmp_path):
    journal = Journal(tmp_path / "journal.db")
    journal.add_checkin(3, 4, "en")
    pages = journal.db.execute("pragma page_count").fetchone()[0]
    journal.db.execute(f"pragma max_page_count = {pages}")
    with pytest.raises(JournalError, match="full"):
        for _ in range(200):
            journal.add_safety_event("crisis", "explicit", "GB" * 500)
    assert [(row["mood"], row["energy"]) for row in Journal(tmp_path / "journal.db").checkins()] == [(3, 4)]


# Durability, backups and what people are told -------------------------------------------------------

import os
import sqlite3

from assistant.journal.backup import BACKUP_EVERY_S, DAILY_COPIES, GENERATIONS, Backups
from assistant.journal.notices import StoreReporter


def test_the_journal_keeps_what_it_commits_through_a_power_cut(tmp_path):
    journal = Journal(tmp_path / "journal.db")
    assert journal.db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert journal.db.execute("pragma synchronous").fetchone()[0] == 2, "synchronous=FULL"
    journal.add_checkin(3, None, "en")
    for suffix in ("", "-wal", "-shm"):
        assert stat.S_IMODE((tmp_path / f"journal.db{suffix}").stat().st_mode) == 0o600


def test_a_write_to_a_journal_removed_meanwhile_does_not_count(tmp_path):
    failures = []
    journal = Journal(tmp_path / "journal.db", on_failure=lambda j, error, tell: failures.append(error.kind))
    journal.add_checkin(3, None, "en")
    for path in tmp_path.glob("journal.db*"):
        path.unlink()
    with pytest.raises(JournalError) as removed:
        journal.add_checkin(4, None, "en")
    assert removed.value.kind == "removed"
    with pytest.raises(JournalError):
        journal.set_meta("x", "y")
    assert failures == ["removed", "removed"]


def test_a_migration_is_one_transaction_and_a_probe_changes_nothing(tmp_path):
    journal = Journal(tmp_path / "journal.db")
    assert journal.probe_write() is None
    assert journal.get_meta("write_probe") is None
    assert journal.intact() == (True, "ok")


class _Clock:
    def __init__(self, moment: datetime):
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def test_backups_follow_the_policy_owner_only_and_pruned(tmp_path):
    clock = _Clock(datetime(2026, 3, 1, 8, tzinfo=timezone.utc))
    warnings: list[str] = []
    backups = Backups(tmp_path / "backups", clock, warnings.append)
    journal = Journal(tmp_path / "journal.db", clock, backups=backups)
    assert backups.make_if_due(journal.db.conn) is not None
    clock.moment += timedelta(seconds=30)
    journal.add_checkin(3, None, "en")
    assert len(backups.copies()) == 1, "not again within BACKUP_EVERY_S"
    journal.close()
    assert len(backups.copies()) == 2, "what was written since is copied at close"
    for day in range(12):
        for step in range(8):
            clock.moment = datetime(2026, 3, 2 + day, 8, tzinfo=timezone.utc) + timedelta(seconds=step * BACKUP_EVERY_S)
            journal = Journal(tmp_path / "journal.db", clock, backups=backups)
            journal.add_checkin(4, None, "en")
    copies = backups.copies()
    assert len(copies) == GENERATIONS + DAILY_COPIES - 1, "the newest five, and one a day for a week"
    assert len({copy.made_at.date() for copy in copies}) == DAILY_COPIES
    assert stat.S_IMODE((tmp_path / "backups").stat().st_mode) == 0o700
    assert all(stat.S_IMODE(copy.path.stat().st_mode) == 0o600 for copy in copies)
    assert not list((tmp_path / "backups").glob("*.partial")) and warnings == []
    with sqlite3.connect(copies[0].path) as copy:
        assert copy.execute("pragma journal_mode").fetchone()[0] == "delete", "a copy is one file"
        assert copy.execute("select count(*) from checkins").fetchone()[0] == 97


def test_restoring_skips_damaged_copies_and_copies_from_a_newer_version(tmp_path):
    clock = _Clock(datetime(2026, 3, 1, 8, tzinfo=timezone.utc))
    backups = Backups(tmp_path / "backups", clock, print)
    journal = Journal(tmp_path / "journal.db", clock)
    journal.add_checkin(3, None, "en")
    good = backups.make(journal.db.conn)
    clock.moment += timedelta(hours=1)
    journal.set_meta("schema_version", "99")
    newer = backups.make(journal.db.conn)
    clock.moment += timedelta(hours=1)
    damaged = backups.make(journal.db.conn)
    with damaged.path.open("r+b") as file:
        file.write(b"garbage" * 10)
    target = tmp_path / "restored.db"
    usable = lambda connection: connection.execute("select value from meta where key = 'schema_version'"
                                                   ).fetchone()[0] == str(SCHEMA_VERSION)
    assert backups.restore_newest(target, usable) == good and newer.path.exists()
    assert Journal(target).checkins()[0]["mood"] == 3


def _reporter(lang: str = "en") -> tuple[StoreReporter, list[str], list[str]]:
    caregiver, user = [], []
    return StoreReporter(lang, caregiver.append, user.append, lambda: datetime.now(timezone.utc)), caregiver, user


def test_nothing_already_saved_was_lost_is_claimed_only_when_the_check_passes(tmp_path):
    journal = Journal(tmp_path / "journal.db")
    for _ in range(300):
        journal.add_checkin(3, 4, "en" * 200)
    reporter, caregiver, user = _reporter()
    reporter.write_failed(journal, JournalError("database or disk is full", "full"))
    reporter.write_failed(journal, JournalError("database or disk is full", "full"))
    assert len(caregiver) == 1 and "nothing already saved was lost" in caregiver[0]
    journal.db.execute("pragma wal_checkpoint(truncate)")
    with (tmp_path / "journal.db").open("r+b") as file:
        file.seek(4096 * 3)
        file.write(os.urandom(4096 * 3))
    reporter.write_failed(journal, JournalError("database disk image is malformed", "damaged"))
    assert "nothing already saved was lost" not in caregiver[1] and "it is damaged" in caregiver[1]
    assert len(user) == 1, "the user hears it once, not at every failed write"


def test_a_failed_safety_record_is_never_spoken_before_the_safety_response(tmp_path):
    reporter, caregiver, user = _reporter("fr")
    journal = Journal(tmp_path / "journal.db", on_failure=reporter.write_failed)
    journal.refuse(JournalError("lecture seule", "read_only"))
    with pytest.raises(JournalError):
        journal.add_safety_event("crisis", "explicit", "FR")
    assert user == [] and "Je n'ai pas pu enregistrer dans le journal" in caregiver[0]
    with pytest.raises(JournalError):
        journal.add_checkin(2, None, "fr")
    assert user == ["Je ne peux pas enregistrer de notes sur cet appareil pour le moment, je ne garderai donc pas "
                    "vos réponses ; nous pouvons parler comme d'habitude, et un aidant a les détails."]
