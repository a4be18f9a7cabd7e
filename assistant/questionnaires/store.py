"""Questionnaires in the journal: runs, one row per answer, and each instrument's offer history.

An answer is stored the moment it is given (a person who leaves mid-way loses
nothing), as the option chosen and its score, never the words said. A run is
complete only when every item was answered or skipped to its end; a stopped
run keeps its answers and stays incomplete, with no score.

Which instruments are on, and how often, is the clinic's choice and lives in
the settings (`questionnaires.every`, kept across a clinic return); what
happened with each one for this person (last completed, offered, "not today",
"no more of these") is theirs and lives here.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Mapping

import sqlite_utils

from assistant.journal.store import Journal, Schema, iso
from assistant.questionnaires.run import Answer, Run
from assistant.questionnaires.schedule import Schedule, parse_every
from assistant.questionnaires.scoring import RunScore


def _create_v1(db: sqlite_utils.Database) -> None:
    db["questionnaire_runs"].create({
        "id": int, "instrument": str, "instrument_version": int, "lang": str, "started_at": str, "ended_at": str,
        "how_started": str, "ended": str, "complete": int, "items_answered": int, "total": int,
        "percentage": int, "thresholds_passed": str}, pk="id", not_null={"instrument", "started_at"})
    db["questionnaire_answers"].create({
        "id": int, "run_id": int, "item": str, "position": int, "option": str, "score": int, "skipped": int,
        "confidence": str, "lang": str, "at": str}, pk="id", foreign_keys=[("run_id", "questionnaire_runs", "id")])
    db["questionnaire_answers"].create_index(["run_id"])
    db["questionnaire_schedules"].create({
        "instrument": str, "last_completed_at": str, "last_offered_at": str, "postponed_until": str,
        "declined_at": str}, pk="instrument")


QUESTIONNAIRE_SCHEMA = Schema("questionnaires", (_create_v1,))


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class QuestionnaireStore:
    """Reads and writes questionnaire records through the journal (errors are JournalErrors)."""

    def __init__(self, journal: Journal):
        self._journal = journal

    # Runs --------------------------------------------------------------------------

    def start_run(self, run: Run, how_started: str) -> int:
        return self._journal.write(lambda db: db["questionnaire_runs"].insert({
            "instrument": run.instrument.id, "instrument_version": run.instrument.version, "lang": run.lang,
            "started_at": iso(run.started_at), "how_started": how_started, "complete": 0, "items_answered": 0,
        }).last_pk)

    def add_answer(self, run_id: int, run: Run, answer: Answer) -> None:
        """One answer (or a skipped item), stored at once."""
        item = run.instrument.item(answer.item_id)
        option = run.instrument.option(answer.option_key) if answer.option_key else None
        self._journal.write(lambda db: db["questionnaire_answers"].insert({
            "run_id": run_id, "item": item.id, "position": item.position,
            "option": option.key if option else None,
            "score": run.instrument.score_of(item, option) if option else None,
            "skipped": int(option is None), "confidence": answer.confidence.value if answer.confidence else None,
            "lang": run.lang, "at": iso(answer.at)}))

    def end_run(self, run_id: int, run: Run, ended: str, score: RunScore) -> None:
        answered = sum(1 for answer in run.answers if answer.option_key is not None)
        self._journal.write(lambda db: db["questionnaire_runs"].update(run_id, {
            "ended_at": iso(run.ended_at or run.started_at), "ended": ended, "complete": int(score.complete),
            "items_answered": answered, "total": score.total, "percentage": score.percentage,
            "thresholds_passed": json.dumps([threshold.id for threshold in score.thresholds_passed])}))

    def complete_runs(self, instrument_id: str, limit: int = 2) -> list[dict[str, Any]]:
        """The latest complete runs of an instrument, newest first."""
        return self._journal.read("select * from questionnaire_runs where instrument = ? and complete = 1 "
                                  "order by started_at desc limit ?", [instrument_id, limit])

    def answers_of(self, run_id: int) -> dict[str, str | None]:
        rows = self._journal.read("select item, option from questionnaire_answers where run_id = ?", [run_id])
        return {row["item"]: row["option"] for row in rows}

    # Schedules -----------------------------------------------------------------------

    def schedules(self, every: Mapping[str, str]) -> list[Schedule]:
        """The schedule of each instrument switched on in `every` (instrument -> "14d"), with its history."""
        history = {row["instrument"]: row for row in self._journal.read("select * from questionnaire_schedules")}
        return [self._schedule(instrument, period, history.get(instrument)) for instrument, period in sorted(every.items())]

    def schedule(self, instrument_id: str, every: Mapping[str, str]) -> Schedule | None:
        return next((schedule for schedule in self.schedules(every) if schedule.instrument_id == instrument_id), None)

    def save_schedule(self, schedule: Schedule) -> None:
        """Keep what happened with the instrument for this person (the period and the switch are settings)."""
        record = {
            "instrument": schedule.instrument_id,
            "last_completed_at": schedule.last_completed_at.isoformat() if schedule.last_completed_at else None,
            "last_offered_at": schedule.last_offered_at.isoformat() if schedule.last_offered_at else None,
            "postponed_until": schedule.postponed_until.isoformat() if schedule.postponed_until else None,
            "declined_at": schedule.declined_at.isoformat() if schedule.declined_at else None,
        }
        self._journal.write(lambda db: db["questionnaire_schedules"].upsert(record, pk="instrument"))

    @staticmethod
    def _schedule(instrument: str, period: str, row: dict[str, Any] | None) -> Schedule:
        row = row or {}
        postponed = row.get("postponed_until")
        return Schedule(instrument_id=instrument, every=parse_every(period),
                        last_completed_at=_moment(row.get("last_completed_at")),
                        last_offered_at=_moment(row.get("last_offered_at")),
                        postponed_until=date.fromisoformat(postponed) if postponed else None,
                        declined_at=_moment(row.get("declined_at")))
