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
    with pytest.raises(JournalError, match="schema 3; this version knows schema 2") as refused:
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
