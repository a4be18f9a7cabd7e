"""Flat time per turn: the dialogue starts a new session after a quiet hour, at each new day and when long.

What the rules look at survives the cut: the question just asked and the slots
that are set, so an answer given after an hour of silence, or across midnight,
is read as the answer it is. The tracker's file holds the current session and
the one before, whatever the life of the process.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from assistant.dialogue.engine import MAX_SESSION_EVENTS
from event_helpers import of_kind, said
from fault_helpers import talk


def _sessions(home: Path) -> dict[str, int]:
    """Events in the tracker's file, by dialogue session."""
    connection = sqlite3.connect(home / "tracker.db")
    try:
        return dict(connection.execute("select sender_id, count(*) from events group by sender_id").fetchall())
    finally:
        connection.close()


def test_an_answer_after_a_quiet_hour_is_still_the_answer_to_the_question(home, models):
    events = talk(home, models, ["check-in please", {"silence": 4000}, "three", "four", "five"],
                  datetime(2026, 3, 28, 10, 0))
    assert "3. Thank you." in said(events)
    assert of_kind(events, "checkin")[0] == {**of_kind(events, "checkin")[0], "mood": 3, "energy": 4, "sleep": 5,
                                             "saved": True}
    assert len(_sessions(home)) == 2, "a new session began after the quiet hour"


def test_a_check_in_across_midnight_goes_on_in_the_new_days_session(home, models):
    events = talk(home, models, ["check-in please", "two", {"silence": 600}, "four", "five"],
                  datetime(2026, 3, 28, 23, 52))
    checkin = of_kind(events, "checkin")[0]
    assert (checkin["mood"], checkin["energy"], checkin["sleep"], checkin["saved"]) == (2, 4, 5, True)
    assert len(_sessions(home)) == 2


def test_a_long_day_keeps_each_session_short_and_the_file_small(home, models):
    burst = ["hello", "check-in please", "three", "skip", "skip", "how have I been", "thank you",
             "what can you do", "could you say that again"]
    events = talk(home, models, burst * 12, datetime(2026, 3, 28, 9, 0))
    assert len(of_kind(events, "checkin")) == 12 and events[-1]["event"] == "end"
    sessions = _sessions(home)
    assert len(sessions) <= 2, "only the current session and the one before are kept"
    assert max(sessions.values()) < MAX_SESSION_EVENTS + 40
