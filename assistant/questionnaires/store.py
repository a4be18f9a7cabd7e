"""Questionnaires in the journal: runs, one row per answer, and each instrument's schedule.

An answer is stored the moment it is given (a person who leaves mid-way loses
nothing), as the option chosen and its score, never the words said. A run is
complete only when every item was answered or skipped to its end; a stopped
run keeps its answers and stays incomplete, with no score.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

import sqlite_utils

from assistant.journal.store import Journal, Schema, iso
from assistant.questionnaires.run import Answer, Run
from assistant.questionnaires.schedule import Schedule
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
        "instrument": str, "every_days": int, "enabled": int, "last_completed_at": str, "last_offered_at": str,
        "postponed_until": str, "declined_at": str}, pk="instrument")


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

    def schedule(self, instrument_id: str) -> Schedule | None:
        rows = self._journal.read("select * from questionnaire_schedules where instrument = ?", [instrument_id])
        return self._schedule(rows[0]) if rows else None

    def schedules(self) -> list[Schedule]:
        return [self._schedule(row) for row in
                self._journal.read("select * from questionnaire_schedules order by instrument")]

    def save_schedule(self, schedule: Schedule) -> None:
        record = {
            "instrument": schedule.instrument_id, "every_days": schedule.every.days, "enabled": int(schedule.enabled),
            "last_completed_at": schedule.last_completed_at.isoformat() if schedule.last_completed_at else None,
            "last_offered_at": schedule.last_offered_at.isoformat() if schedule.last_offered_at else None,
            "postponed_until": schedule.postponed_until.isoformat() if schedule.postponed_until else None,
            "declined_at": schedule.declined_at.isoformat() if schedule.declined_at else None,
        }
        self._journal.write(lambda db: db["questionnaire_schedules"].upsert(record, pk="instrument"))

    @staticmethod
    def _schedule(row: dict[str, Any]) -> Schedule:
        return Schedule(instrument_id=row["instrument"], every=timedelta(days=row["every_days"]),
                        enabled=bool(row["enabled"]), last_completed_at=_moment(row["last_completed_at"]),
                        last_offered_at=_moment(row["last_offered_at"]),
                        postponed_until=date.fromisoformat(row["postponed_until"]) if row["postponed_until"] else None,
                        declined_at=_moment(row["declined_at"]))
