"""`assistant reminders list | add | remove | pause | resume` and the schedule's settings, run as a caregiver would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from assistant.journal.store import Journal
from assistant.schedule.store import REMINDERS_SCHEMA, ReminderBook


def assistant(home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True,
                          env={"ASSISTANT_HOME": str(home), "PATH": "/usr/bin:/bin", "TZ": "Europe/Paris"}, timeout=120)


def refused(run: subprocess.CompletedProcess, *phrases: str) -> None:
    assert run.returncode == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    for phrase in phrases:
        assert phrase in run.stderr, run.stderr


def test_add_list_pause_resume_remove(tmp_path):
    home = tmp_path / "home"
    assert assistant(home, "reminders", "list").stdout.startswith("No reminders are set.")
    first = assistant(home, "reminders", "add", "--daily", "18:00", "--checkin")
    assert first.returncode == 0 and first.stdout.startswith("Reminder 1 added: every day, at 18:00: a check-in.")
    second = assistant(home, "reminders", "add", "--weekdays", "mon,wed", "--time", "09:00", "--label", "call Anne")
    assert "Reminder 2 added: every Monday and Wednesday, at 09:00: “call Anne”." in second.stdout
    third = assistant(home, "reminders", "add", "--once", "2027-03-28T17:55", "--exercise", "breathing")
    assert "Reminder 3 added: on Sunday 28 March, at 17:55: the breathing exercise." in third.stdout
    late = assistant(home, "reminders", "add", "--daily", "22:15", "--exercise", "grounding")
    assert "22:15 is in the quiet hours (21:30 to 08:00): this reminder will be said all the same" in late.stdout

    assert assistant(home, "reminders", "pause", "2").stdout.startswith("Reminder 2 paused")
    listing = assistant(home, "reminders", "list").stdout.splitlines()
    assert listing[:4] == ["1. every day, at 18:00: a check-in",
                           "2. every Monday and Wednesday, at 09:00: “call Anne” (paused)",
                           "3. on Sunday 28 March, at 17:55: the breathing exercise",
                           "4. every day, at 22:15: the grounding exercise"]
    assert listing[4].startswith("Daily check-in: off.") and listing[5].startswith("Daily breathing exercise: off.")
    assert listing[6].startswith("Quiet hours: from 21:30 to 08:00.")
    assert assistant(home, "reminders", "resume", "2").stdout.strip() == "Reminder 2 is on again."
    assert assistant(home, "reminders", "remove", "3").stdout.strip() == "Reminder 3 removed."
    reminders = ReminderBook(Journal(home / "journal.db", schemas=(REMINDERS_SCHEMA,))).all()
    assert [(reminder.id, reminder.active, reminder.explicit) for reminder in reminders] == [
        (1, True, True), (2, True, True), (4, True, True)]
    assert reminders[1].purpose.label == "call Anne" and reminders[1].recurrence.weekdays == {0, 2}
    assert assistant(home, "reminders", "pause", "all").stdout.startswith("Every reminder is paused.")
    assert not any(reminder.active for reminder in ReminderBook(Journal(home / "journal.db")).all())


def test_in_french_with_french_day_names(tmp_path):
    home = tmp_path / "home"
    added = assistant(home, "--lang", "fr", "reminders", "add", "--weekdays", "lun,Mercredi", "--time", "9h30",
                      "--label", "appeler Anne")
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("Rappel 1 ajouté : tous les lundis et mercredis, à 09:30 : « appeler Anne ».")
    listing = assistant(home, "--lang", "fr", "reminders", "list").stdout.splitlines()
    assert listing[0] == "1. tous les lundis et mercredis, à 09:30 : « appeler Anne »"
    assert listing[1].startswith("Bilan quotidien : désactivé.")
    refused(assistant(home, "--lang", "fr", "reminders", "remove", "7"), "Il n'y a pas de rappel 7.")


def test_mistakes_get_one_sentence_that_says_what_to_do(tmp_path):
    home = tmp_path / "home"
    refused(assistant(home, "reminders", "add", "--checkin"), "Say when the reminder comes", "--daily 18:00")
    refused(assistant(home, "reminders", "add", "--daily", "18:00"), "Say what the reminder is for")
    refused(assistant(home, "reminders", "add", "--daily", "25:00", "--checkin"), "25:00 is not a time of day")
    refused(assistant(home, "reminders", "add", "--weekdays", "mon,someday", "--time", "09:00", "--checkin"),
            "is not a list of days like mon,wed")
    refused(assistant(home, "reminders", "add", "--weekdays", "mon", "--checkin"), "Say when the reminder comes")
    refused(assistant(home, "reminders", "add", "--once", "2020-01-01T10:00", "--checkin"), "has already passed")
    refused(assistant(home, "reminders", "add", "--once", "tomorrow", "--checkin"), "is not a date and time")
    refused(assistant(home, "reminders", "add", "--daily", "10:00", "--exercise", "yoga"),
            "There is no exercise called yoga. Choose one of: breathing, meditation, grounding, relaxation, sleep.")
    refused(assistant(home, "reminders", "add", "--daily", "10:00", "--label", "one two three four five six seven "
                                                                                "eight nine"), "at most 8")
    refused(assistant(home, "reminders", "pause"), "is not a reminder number")
    refused(assistant(home, "reminders", "remove", "3"), "There is no reminder 3.")
    assert ReminderBook(Journal(home / "journal.db", schemas=(REMINDERS_SCHEMA,))).all() == []


def test_the_schedule_settings(tmp_path):
    home = tmp_path / "home"
    assert assistant(home, "settings", "set", "routines.checkin_at", "7h30").returncode == 0
    assert assistant(home, "settings", "set", "schedule.quiet_from", "10 pm").returncode == 0
    stored = json.loads((home / "settings.json").read_text())
    assert stored["schedule"] == {"quiet_from": "22:00", "quiet_until": "08:00"}
    assert stored["routines"] == {"checkin_at": "07:30", "exercise_at": None}
    refused(assistant(home, "settings", "set", "schedule.quiet_until", "soon"), "Nothing was changed")
    listing = assistant(home, "reminders", "list").stdout
    assert "Daily check-in: every day at 07:30." in listing and "Daily breathing exercise: off." in listing
    assert "Quiet hours: from 22:00 to 08:00." in listing
