"""A simulated month in one home: check-ins with missing days, exercises, safety events, questionnaire runs, consent.

Written through the journal's own API on a virtual clock (March 2026 in
Europe/Paris, daylight saving starting on the 29th), so the times are stored
the way the assistant stores them. The questionnaire tables are created the
way the questionnaires' schema is expected to shape them (run id, instrument,
item, option key, time, language), since the report reads them when present.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlite_utils

from assistant.app import JOURNAL_SCHEMAS
from assistant.care.consent import CARE_SCHEMA, GRANTED, Consents, load_consent_text
from assistant.journal.store import Journal, Schema, iso
from assistant.session.clock import VirtualClock

ZONE = ZoneInfo("Europe/Paris")
FIRST, LAST = date(2026, 3, 1), date(2026, 3, 31)
MISSING_DAYS = {date(2026, 3, day) for day in (5, 6, 7, 15, 20, 21, 22)}
"""Days without a check-in: the chart must show them as gaps."""
RECIPIENT = "Dr Claire Martin, Cabinet Dupont"


def mood_on(day: date) -> int:
    return 1 + (day.day * 7) % 5


def energy_on(day: date) -> int | None:
    return None if day.day % 4 == 0 else 1 + (day.day * 3) % 5


def sleep_on(day: date) -> int | None:
    return None if day.day % 6 == 0 else 1 + (day.day * 4 + 1) % 5


WHO5_OPTIONS = {5: "all_of_the_time", 4: "most_of_the_time", 3: "more_than_half_of_the_time",
                2: "less_than_half_of_the_time", 1: "some_of_the_time", 0: "at_no_time"}
QUESTIONNAIRE_RUNS = (
    # (local time, instrument, options by item; None = skipped, missing = not reached)
    (datetime(2026, 2, 26, 11, 0), "who5", {f"who5_{n}": WHO5_OPTIONS[2] for n in range(1, 6)}),        # raw 10: 40 %
    (datetime(2026, 3, 12, 11, 0), "who5", {"who5_1": WHO5_OPTIONS[3], "who5_2": WHO5_OPTIONS[3],
                                             "who5_3": WHO5_OPTIONS[2], "who5_4": WHO5_OPTIONS[2],
                                             "who5_5": WHO5_OPTIONS[2]}),                                # raw 12: 48 %
    (datetime(2026, 3, 12, 11, 10), "phq2", {"phq2_1": "more_than_half_the_days", "phq2_2": "several_days"}),  # 3
    (datetime(2026, 3, 26, 11, 0), "who5", {"who5_1": WHO5_OPTIONS[4], "who5_2": None}),                 # stopped
)


@dataclass(frozen=True)
class Month:
    journal: Journal
    clock: VirtualClock


def _at(clock: VirtualClock, moment: datetime) -> None:
    """Move the virtual clock forward to the local `moment`."""
    target = moment.replace(tzinfo=ZONE)
    clock.sleep_until(clock.now() + (target - clock.local_time()).total_seconds())


def fill_month(journal_path: Path, consent: bool = True, lang: str = "en") -> Month:
    """Write the month into the journal at `journal_path`; with `consent`, the user's yes to the clinic on 1 March."""
    clock = VirtualClock(datetime(2026, 2, 26, 9, 0), ZONE)
    journal = Journal(journal_path, now=clock.local_time, schemas=JOURNAL_SCHEMAS)
    for moment, instrument, answers in QUESTIONNAIRE_RUNS[:1]:
        _questionnaire(journal, clock, moment, instrument, answers, lang)
    if consent:
        _at(clock, datetime(2026, 3, 1, 9, 30))
        text = load_consent_text()
        Consents(journal).record("clinician", GRANTED, RECIPIENT, text.scopes["clinician"].shares, text.version,
                                 text.question("clinician", lang, RECIPIENT), lang, clock.local_time())
    day = FIRST
    while day <= LAST:
        if day not in MISSING_DAYS:
            _at(clock, datetime.combine(day, datetime.min.time()).replace(hour=10))
            checkin = journal.add_checkin(mood_on(day), None, lang)
            for question, value in (("energy", energy_on(day)), ("sleep", sleep_on(day))):
                if value is not None:
                    journal.set_answer(checkin, question, value)
        if day.day % 3 == 0:
            _at(clock, datetime.combine(day, datetime.min.time()).replace(hour=18))
            started = clock.local_time()
            clock.sleep_until(clock.now() + (300 if day.day % 9 else 120))
            journal.add_exercise("resonance_breathing", "breathing", started, "finished" if day.day % 9 else "stopped")
        if day.day in (4, 16):
            _at(clock, datetime.combine(day, datetime.min.time()).replace(hour=20))
            started = clock.local_time()
            clock.sleep_until(clock.now() + 600)
            journal.add_exercise("breath_awareness", "meditation", started, "finished")
        day += timedelta(days=1)
    for moment, instrument, answers in QUESTIONNAIRE_RUNS[1:]:
        _questionnaire(journal, clock, moment, instrument, answers, lang, rewind=True)
    for moment, level, kind in ((datetime(2026, 3, 12, 21, 14), "distress", "hopeless"),
                                (datetime(2026, 3, 30, 23, 5), "crisis", "explicit")):
        stamp = moment.replace(tzinfo=ZONE)
        journal.write(lambda db: db["safety_events"].insert({"at": iso(stamp), "level": level, "kind": kind,
                                                             "region": "FR"}))
    return Month(journal, clock)


def _questionnaire(journal: Journal, clock: VirtualClock, moment: datetime, instrument: str,
                   answers: dict[str, str | None], lang: str, rewind: bool = False) -> None:
    """One run, item by item a minute apart (`rewind`: written after the month, at its own past times)."""
    start = moment.replace(tzinfo=ZONE)
    if not rewind:
        _at(clock, moment)
    run = journal.write(lambda db: db["questionnaire_runs"].insert({
        "instrument": instrument, "instrument_version": 1, "lang": lang, "started_at": iso(start),
        "ended_at": iso(start + timedelta(minutes=len(answers))), "complete": int(len(answers) >= 2)}).last_pk)
    for index, (item, option) in enumerate(answers.items()):
        at = iso(start + timedelta(minutes=index + 1))
        journal.write(lambda db: db["questionnaire_answers"].insert({
            "run_id": run, "item": item, "position": index + 1, "option": option, "skipped": int(option is None),
            "lang": lang, "at": at}))
