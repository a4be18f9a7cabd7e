"""The user's own data: export, deletion by voice and by the command line, clinic return and lend, on the raw bytes.

Distinctive values (a contact's name, a reminder's label, an answer, a dialogue
entry) are written where the assistant keeps them, in the journal in WAL mode
with a connection still open, in backups, logs and recordings; then every file
under the home is read byte by byte, free SQLite pages and the write-ahead log
included.
"""

from __future__ import annotations

import json
import sqlite3
import stat
import subprocess
import sys
from datetime import datetime, time, timezone
from pathlib import Path

import pytest

from assistant.app import JOURNAL_SCHEMAS
from assistant.care.consent import CARE_SCHEMA, GRANTED, Consents, load_consent_text
from assistant.care.data import count_rows
from assistant.journal.store import Journal
from assistant.schedule.purpose import PLAIN, Purpose
from assistant.schedule.recurrence import WEEK, Recurrence
from assistant.schedule.store import ReminderBook
from assistant.settings import Settings, SettingsStore, with_value
from event_helpers import of_kind, said

REPO = Path(__file__).resolve().parents[1]
CONTACT = "Ophelia Quenby"
LABEL = "zebra tablets 4471"
ANSWER = "answer-quokka-8812"
DIALOGUE_ENTRY = "tracker-marker-5531"
DISTINCT = (CONTACT, LABEL, ANSWER, DIALOGUE_ENTRY)


def assistant(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], input=stdin, capture_output=True, text=True,
                          env={"ASSISTANT_HOME": str(home), "PATH": "/usr/bin:/bin"}, cwd=REPO, timeout=180)


def found_in(home: Path, values=DISTINCT) -> dict[str, list[str]]:
    """Each value -> the files under `home` whose raw bytes hold it (UTF-8 or UTF-16)."""
    found: dict[str, list[str]] = {value: [] for value in values}
    for path in sorted(home.rglob("*")):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            for value in values:
                if value.encode("utf-8") in data or value.encode("utf-16-le") in data:
                    found[value].append(str(path.relative_to(home)))
    return found


def set_up(home: Path, clinic_mode: bool = False, language: str = "en") -> None:
    settings = with_value(with_value(Settings(language=language), "contact.name", CONTACT), "contact.phone",
                          "01 23 45 67 89")
    if clinic_mode:
        settings = with_value(with_value(settings, "clinic.name", "Cabinet Dupont"), "clinic.mode", True)
    SettingsStore(home / "settings.json", warn=print).save(settings)


def personal_records(home: Path) -> sqlite3.Connection:
    """The distinctive records, written in WAL mode; the connection stays open, as a running assistant's would."""
    journal = Journal(home / "journal.db", schemas=JOURNAL_SCHEMAS)
    journal.db.execute("pragma journal_mode = wal")
    set_at = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    ReminderBook(journal).add(Purpose(PLAIN, label=LABEL), Recurrence(time(18, 0), WEEK), True, set_at, "caregiver")
    run = journal.write(lambda db: db["questionnaire_runs"].insert({
        "instrument": "who5", "instrument_version": 1, "lang": "en", "started_at": "2026-03-02T10:00:00+00:00"}).last_pk)
    journal.write(lambda db: db["questionnaire_answers"].insert({
        "run_id": run, "item": "who5_1", "position": 1, "option": ANSWER, "lang": "en",
        "at": "2026-03-02T10:00:00+00:00"}))
    journal.add_checkin(4, None, "en")
    text = load_consent_text()
    Consents(journal).record("caregiver", GRANTED, CONTACT, text.scopes["caregiver"].shares, text.version,
                             text.question("caregiver", "en", CONTACT), "en", datetime.now(timezone.utc))
    tracker = sqlite3.connect(home / "tracker.db")
    with tracker:
        tracker.execute("create table if not exists events (id integer primary key, sender_id text, type_name text,"
                        " timestamp real, intent_name text, action_name text, data text)")
        tracker.execute("insert into events (sender_id, type_name, data) values (?, ?, ?)",
                        ("conversation-1", "slot", json.dumps({"event": "slot", "value": DIALOGUE_ENTRY})))
    tracker.close()
    return journal.db.conn


def copies(home: Path) -> None:
    """What other parts leave under the home: a backup folder, stray backups, a log, a recording."""
    (home / "backups").mkdir(exist_ok=True)
    for source, target in (("journal.db", "backups/journal-20260302.db"), ("journal.db", "journal.db.bak-1"),
                           ("tracker.db", "tracker-backup.db")):
        with sqlite3.connect(home / source) as original, sqlite3.connect(home / target) as backup:
            original.backup(backup)
    (home / "logs").mkdir()
    (home / "logs" / "assistant.log").write_text(f"contact {CONTACT} reminder {LABEL}\n")
    (home / "recordings").mkdir()
    (home / "recordings" / "turn-1.wav").write_bytes(b"RIFF" + LABEL.encode("utf-16-le"))
    (home / "settings.json.damaged-20260301T000000Z").write_text(json.dumps({"contact": {"name": CONTACT}}))


def test_the_scan_finds_what_a_plain_delete_leaves_in_free_pages(tmp_path):
    """Why deletion needs secure_delete and VACUUM: without them, the deleted bytes are still in the file."""
    path = tmp_path / "plain.db"
    connection = sqlite3.connect(path)
    connection.execute("pragma secure_delete = off")  # the default of many SQLite builds (not of Debian's)
    with connection:
        connection.execute("create table reminders (label text)")
        connection.executemany("insert into reminders values (?)", [(LABEL + " " + "x" * 200,)] * 50)
    with connection:
        connection.execute("delete from reminders")
    connection.close()
    assert count_rows(path) == {}
    assert found_in(tmp_path, (LABEL,))[LABEL] == ["plain.db"]


def test_export_holds_everything_stored_as_json_and_csv(converse, home, tmp_path):
    set_up(home)
    converse(["check-in", "4", "3", "skip"])
    personal_records(home).close()
    exported = tmp_path / "my-data"
    run = assistant(home, "data", "export", str(exported))
    assert run.returncode == 0, run.stderr
    assert f"is in {exported}" in run.stdout
    names = {str(path.relative_to(exported)) for path in exported.rglob("*") if path.is_file()}
    assert {"journal.json", "dialogue.json", "settings.json", "answers.csv", "answers.dictionary.csv",
            "README.txt", "journal/checkins.csv", "journal/reminders.csv", "journal/consents.csv",
            "dialogue/events.csv"} <= names
    assert all(found_in(exported).values()), found_in(exported)
    journal = json.loads((exported / "journal.json").read_text(encoding="utf-8"))
    assert [row["mood"] for row in journal["checkins"]] == [4, 4] and journal["checkins"][0]["energy"] == 3
    assert stat.S_IMODE(exported.stat().st_mode) == 0o700
    assert "4" in {line.split(",")[-1] for line in (exported / "answers.csv").read_text().splitlines()}


def test_delete_on_the_command_line_asks_then_empties_everything_for_real(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    set_up(home)
    still_open = personal_records(home)
    copies(home)
    before = found_in(home)
    assert "journal.db-wal" in before[LABEL] and "backups/journal-20260302.db" in before[ANSWER]

    declined = assistant(home, "data", "delete", stdin="no\n")
    assert declined.returncode == 3 and "Nothing was deleted." in declined.stderr
    assert "reminders (1)" in declined.stdout and "The settings are kept." in declined.stdout
    assert count_rows(home / "journal.db")["reminders"] == 1
    no_answer = assistant(home, "data", "delete")
    assert no_answer.returncode == 2 and "add --yes" in no_answer.stderr

    deleted = assistant(home, "data", "delete", stdin="yes\n")
    assert deleted.returncode == 0, deleted.stderr
    for line in ("Deleted from reminders: 1 rows.", "Deleted from consents: 1 rows.", "Deleted from checkins: 1 rows.",
                 "Deleted the dialogue history: 1 entries.", "Removed backups.", "Removed journal.db.bak-1.",
                 "Removed logs.", "Removed recordings.", "Free pages left in the databases: 0"):
        assert line in deleted.stdout
    assert found_in(home, (LABEL, ANSWER, DIALOGUE_ENTRY)) == {LABEL: [], ANSWER: [], DIALOGUE_ENTRY: []}
    assert found_in(home, (CONTACT,))[CONTACT] == ["settings.json", "settings.json.damaged-20260301T000000Z"]
    assert count_rows(home / "journal.db") == {} and count_rows(home / "tracker.db") == {}
    assert not (home / "journal.db-wal").exists() or (home / "journal.db-wal").stat().st_size == 0
    assert still_open.execute("select count(*) from reminders").fetchone() == (0,)
    assert Journal(home / "journal.db", schemas=JOURNAL_SCHEMAS).version_of(CARE_SCHEMA) == 1
    still_open.close()

    reset = assistant(home, "data", "delete", "--yes", "--settings")
    assert reset.returncode == 0 and "Removed settings.json.damaged-20260301T000000Z." in reset.stdout
    assert found_in(home, (CONTACT,))[CONTACT] == []
    assert json.loads((home / "settings.json").read_text())["language"] == "en"


@pytest.mark.parametrize("lang, ask, yes, done", [
    ("en", "delete everything you know about me", "yes",
     "Done. I have deleted 2 check-ins, 1 questionnaire answer, 1 reminder, and your choices about sharing"),
    ("fr", "effacez tout ce que vous savez sur moi", "oui",
     "C'est fait. J'ai effacé 2 bilans, 1 réponse à un questionnaire, 1 rappel et vos choix de partage"),
])
def test_delete_by_voice_says_what_goes_asks_then_leaves_nothing(converse, home, lang, ask, yes, done):
    set_up(home, language=lang)
    personal_records(home).close()
    checkin = ["check-in", "4", "skip", "skip"] if lang == "en" else ["je voudrais faire mon bilan", "4", "passer",
                                                                      "passer"]
    converse(checkin, lang=lang)
    kept = converse([ask, "no"], lang=lang)
    assert count_rows(home / "journal.db")["checkins"] == 2
    assert said(kept)[-1] in ("All right. I have deleted nothing.", "D'accord. Je n'ai rien effacé.")
    assert b"delete_my_data" in (home / "tracker.db").read_bytes()

    events = converse([ask, yes], lang=lang)
    asked = said(events)[-2]
    assert done.split("deleted " if lang == "en" else "effacé ")[1] in asked
    assert said(events)[-1].startswith(done)
    assert [(event["scope"], event["granted"]) for event in of_kind(events, "consent")] == [("caregiver", False)]
    assert found_in(home, (LABEL, ANSWER, DIALOGUE_ENTRY)) == {LABEL: [], ANSWER: [], DIALOGUE_ENTRY: []}
    assert set(count_rows(home / "journal.db")) <= {"meta"}
    tracker = (home / "tracker.db").read_bytes()
    assert b"report_mood" not in tracker and b"delete_my_data" not in tracker
    assert json.loads((home / "settings.json").read_text())["contact"]["name"] == CONTACT


def test_clinic_return_leaves_no_byte_of_the_person_and_lend_starts_a_first_day(converse, home, tmp_path):
    set_up(home, clinic_mode=True)
    profile = tmp_path / "clinic.json"
    profile.write_text(json.dumps({"language": "en", "region": "FR", "clinic": {"name": "Cabinet Dupont",
                                                                               "clinician": "Dr Claire Martin"}}))
    converse(["check-in", "4", "skip", "skip"])
    still_open = personal_records(home)
    copies(home)
    assert all(found_in(home).values())
    refused = assistant(home, "clinic", "lend", "--profile", str(profile))
    assert refused.returncode == 2 and "still holds the last person's data" in refused.stderr

    returned = assistant(home, "clinic", "return")
    assert returned.returncode == 0, returned.stderr
    receipt = returned.stdout
    assert receipt.startswith("Returned to Cabinet Dupont on ")
    for line in ("Deleted from checkins: 2 rows.", "Deleted from reminders: 1 rows.", "Deleted from consents: 1 rows.",
                 "Removed backups.", "Removed logs.", "Removed recordings.",
                 "Removed settings.json.damaged-20260301T000000Z.", "Free pages left in the databases: 0",
                 "Settings: the person's contact, health flags and voice preferences were reset",
                 "Kept: the clinic's profile, the dialogue models (en, fr)"):
        assert line in receipt
    still_open.close()
    assert found_in(home) == {value: [] for value in DISTINCT}
    assert (home / "models" / "dialogue" / "en.tar.gz").is_file()
    assert json.loads((home / "settings.json").read_text())["clinic"]["name"] == "Cabinet Dupont"

    lent = assistant(home, "clinic", "lend", "--profile", str(profile))
    assert lent.returncode == 0, lent.stderr
    assert "Ready for the next person: Dr Claire Martin, Cabinet Dupont" in lent.stdout
    settings = json.loads((home / "settings.json").read_text())
    assert settings["clinic"]["mode"] is True and settings["region"] == "FR" and settings["contact"]["name"] == ""
    first_talk = said(converse([{"silence": 1}]))
    assert "automated helper, not a person" in first_talk[0]
    assert first_talk[1].startswith("Dr Claire Martin, Cabinet Dupont would like to see a summary")

    again = assistant(home, "clinic", "return")
    assert again.returncode == 0 and "Settings: back to the clinic's profile." in again.stdout
    assert json.loads((home / "settings.json").read_text())["clinic"]["clinician"] == "Dr Claire Martin"


def test_clinic_return_is_refused_outside_clinic_mode(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    set_up(home)
    personal_records(home).close()
    refused = assistant(home, "clinic", "return")
    assert refused.returncode == 2 and "not in clinic mode" in refused.stderr
    assert count_rows(home / "journal.db")["reminders"] == 1
