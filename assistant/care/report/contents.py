"""What a report holds, read from the journal for one period: the facts, before any layout.

Days are the user's local calendar days (the `time_zone` setting or the
device's); the journal keeps UTC. A day without a check-in has no value at all
(None), never a zero or a value carried over: the chart shows it as a gap.
Only what the consent in force shares is read: a caregiver's report never
holds questionnaire answers or safety events.

Questionnaire answers are read from the tables the questionnaires keep
(`questionnaire_answers`, and `questionnaire_runs` when the answers do not
name their instrument), when they exist; scores and thresholds come from the
instrument files (assistant.questionnaires), so the report scores a run exactly
as the published scoring does.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from statistics import mean
from typing import Any

from assistant.journal.store import CHECKIN_ANSWERS, Journal
from assistant.questionnaires import Catalogue, Instrument, RunScore, score_run
from assistant.questionnaires.instruments import Measure, Threshold

CHECKIN_INSTRUMENT = "daily_checkin"
"""The instrument name of the daily check-in's answers in the CSV."""
CHECKIN_ITEMS = ("mood", *CHECKIN_ANSWERS)


@dataclass(frozen=True)
class Period:
    """Local calendar days, first and last included."""

    start: date
    end: date
    zone: tzinfo

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=offset) for offset in range((self.end - self.start).days + 1)]

    def utc_bounds(self) -> tuple[str, str]:
        """The period as UTC ISO-8601 bounds, for comparing with the journal's times: [first, after)."""
        first = datetime.combine(self.start, time(), self.zone).astimezone(timezone.utc)
        after = datetime.combine(self.end + timedelta(days=1), time(), self.zone).astimezone(timezone.utc)
        return first.isoformat(timespec="seconds"), after.isoformat(timespec="seconds")

    def local(self, stamp: str) -> datetime:
        return datetime.fromisoformat(stamp).astimezone(self.zone)


@dataclass(frozen=True)
class Day:
    day: date
    mood: float | None
    energy: float | None
    sleep: float | None
    """Each the day's average from 1 to 5; None when not answered that day."""


@dataclass(frozen=True)
class ThresholdResult:
    threshold: Threshold
    reached: bool


@dataclass(frozen=True)
class QuestionnaireResult:
    """The last complete run of one instrument in the period, against its thresholds and the run before."""

    instrument: Instrument
    at: datetime
    score: int
    """The percentage when the instrument has one (WHO-5: 0 to 100), else the raw score."""
    maximum: int
    thresholds: tuple[ThresholdResult, ...]
    change: int | None
    """Since the complete run before it (any time before); None when there is none."""
    previous_at: datetime | None
    runs_in_period: int
    incomplete_in_period: int


@dataclass(frozen=True)
class ExerciseLine:
    kind: str
    started: int
    completed: int
    minutes: float


@dataclass(frozen=True)
class SafetyLine:
    at: datetime
    level: str
    kind: str


@dataclass(frozen=True)
class AnswerRow:
    """One answer, as the CSV holds it."""

    at: datetime
    lang: str
    instrument: str
    run: str
    item: str
    raw_answer: str
    score: int | None


@dataclass(frozen=True)
class ReportContents:
    period: Period
    shares: tuple[str, ...]
    days: tuple[Day, ...]
    questionnaires: tuple[QuestionnaireResult, ...]
    exercises: tuple[ExerciseLine, ...]
    safety: tuple[SafetyLine, ...]
    answers: tuple[AnswerRow, ...]

    @property
    def days_with_checkin(self) -> int:
        return sum(1 for day in self.days if day.mood is not None)


def _average(values: list[int]) -> float | None:
    return round(mean(values), 2) if values else None


def _checkins(journal: Journal, period: Period) -> tuple[tuple[Day, ...], list[AnswerRow]]:
    first, after = period.utc_bounds()
    rows = journal.read("select * from checkins where at >= ? and at < ? order by at", [first, after])
    by_day: dict[date, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    answers = []
    for row in rows:
        at = period.local(row["at"])
        for item in CHECKIN_ITEMS:
            if row.get(item) is not None:
                by_day[at.date()][item].append(row[item])
                answers.append(AnswerRow(at, row["lang"] or "", CHECKIN_INSTRUMENT, f"checkin-{row['id']}", item,
                                         str(row[item]), row[item]))
    days = tuple(Day(day, *(_average(by_day[day][item]) if day in by_day else None for item in CHECKIN_ITEMS))
                 for day in period.days)
    return days, answers


def _exercises(journal: Journal, period: Period) -> tuple[ExerciseLine, ...]:
    first, after = period.utc_bounds()
    rows = journal.read("select kind, outcome, seconds from exercise_sessions where started_at >= ? and started_at < ?",
                        [first, after])
    kinds: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        kinds[row["kind"] or "?"].append(row)
    return tuple(ExerciseLine(kind, len(sessions), sum(1 for row in sessions if row["outcome"] == "finished"),
                              round(sum(row["seconds"] or 0 for row in sessions) / 60, 1))
                 for kind, sessions in sorted(kinds.items()))


def _safety(journal: Journal, period: Period) -> tuple[SafetyLine, ...]:
    first, after = period.utc_bounds()
    rows = journal.read("select at, level, kind from safety_events where at >= ? and at < ? order by at",
                        [first, after])
    return tuple(SafetyLine(period.local(row["at"]), row["level"], row["kind"] or "") for row in rows)


def _questionnaire_answers(journal: Journal) -> list[dict[str, Any]]:
    """Every stored questionnaire answer as {run, instrument, item, option, at, lang} (assistant.questionnaires.store)."""
    return journal.read("select a.run_id as run, r.instrument as instrument, a.item as item, a.option as option, "
                        "a.at as at, a.lang as lang from questionnaire_answers a "
                        "join questionnaire_runs r on r.id = a.run_id order by a.at")


def _scored(instrument: Instrument, answers: list[dict[str, Any]]) -> RunScore:
    """The run scored as the published scoring says; an answer the instrument does not know counts as not given."""
    items = {item.id for item in instrument.items}
    options = {option.key for option in instrument.options}
    return score_run(instrument, {answer["item"]: answer.get("option") for answer in answers
                                  if answer["item"] in items and answer.get("option") in options | {None}})


def _run_score(instrument: Instrument, answers: list[dict[str, Any]]) -> tuple[int, int] | None:
    """(score, maximum) of a complete run, the percentage when there is one; None when incomplete."""
    scored = _scored(instrument, answers)
    if not scored.complete:
        return None
    multiplier = instrument.scoring.percentage_multiplier
    if scored.percentage is not None and multiplier is not None:
        return scored.percentage, instrument.scoring.maximum * multiplier
    return scored.total, instrument.scoring.maximum


def _threshold_results(instrument: Instrument, answers: list[dict[str, Any]]) -> tuple[ThresholdResult, ...]:
    scored = _scored(instrument, answers)
    measured = {Measure.RAW: scored.total, Measure.PERCENTAGE: scored.percentage}
    return tuple(ThresholdResult(threshold, threshold.passed(measured[threshold.measure]))
                 for threshold in instrument.thresholds if measured[threshold.measure] is not None)


def _questionnaires(journal: Journal, period: Period, catalogue: Catalogue
                    ) -> tuple[tuple[QuestionnaireResult, ...], list[AnswerRow]]:
    runs: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for answer in _questionnaire_answers(journal):
        if answer.get("instrument") in catalogue.instruments and answer.get("at"):
            runs[(answer["instrument"], str(answer.get("run", answer["at"])))].append(answer)
    first, after = period.utc_bounds()

    def ended(answers: list[dict[str, Any]]) -> datetime:
        return max(period.local(answer["at"]) for answer in answers)

    def in_period(answers: list[dict[str, Any]]) -> bool:
        return first <= ended(answers).astimezone(timezone.utc).isoformat(timespec="seconds") < after

    results, rows = [], []
    by_instrument: dict[str, list[list[dict[str, Any]]]] = defaultdict(list)
    for (instrument_id, run), answers in runs.items():
        by_instrument[instrument_id].append(answers)
        if in_period(answers):
            instrument = catalogue.instruments[instrument_id]
            for answer in sorted(answers, key=lambda answer: answer["at"]):
                rows.append(_answer_row(instrument, run, answer, period))
    for instrument_id, all_runs in sorted(by_instrument.items()):
        instrument = catalogue.instruments[instrument_id]
        all_runs.sort(key=ended)
        complete = [answers for answers in all_runs if _run_score(instrument, answers) is not None]
        shown = [answers for answers in complete if in_period(answers)]
        if not shown:
            continue
        last = shown[-1]
        before = [answers for answers in complete if ended(answers) < ended(last)]
        score, maximum = _run_score(instrument, last)
        previous = _run_score(instrument, before[-1]) if before else None
        in_window = [answers for answers in all_runs if in_period(answers)]
        results.append(QuestionnaireResult(
            instrument, ended(last), score, maximum, _threshold_results(instrument, last),
            score - previous[0] if previous else None, ended(before[-1]) if before else None,
            len(in_window), len(in_window) - len(shown)))
    return tuple(results), rows


def _answer_row(instrument: Instrument, run: str, answer: dict[str, Any], period: Period) -> AnswerRow:
    lang = answer.get("lang") or ""
    key = answer.get("option")
    item = next((item for item in instrument.items if item.id == answer["item"]), None)
    option = next((option for option in instrument.options if option.key == key), None)
    if item is None or option is None:
        return AnswerRow(period.local(answer["at"]), lang, instrument.id, run, answer["item"], key or "", None)
    return AnswerRow(period.local(answer["at"]), lang, instrument.id, run, answer["item"],
                     option.text.get(lang) or option.key, instrument.score_of(item, option))


def gather(journal: Journal, period: Period, shares: tuple[str, ...], catalogue: Catalogue) -> ReportContents:
    """What the report holds for `period`, limited to what `shares` allows (summary, questionnaires, safety)."""
    days, checkin_rows = _checkins(journal, period) if "summary" in shares else ((), [])
    questionnaires, questionnaire_rows = _questionnaires(journal, period, catalogue) \
        if "questionnaires" in shares else ((), [])
    answers = sorted([*checkin_rows, *questionnaire_rows], key=lambda row: (row.at, row.instrument, row.item))
    return ReportContents(period, shares, days, questionnaires,
                          _exercises(journal, period) if "summary" in shares else (),
                          _safety(journal, period) if "safety" in shares else (), tuple(answers))


def period_ending(end: date, zone: tzinfo, days: int = 30) -> Period:
    """The `days` local days up to `end`, `end` included."""
    return Period(end - timedelta(days=days - 1), end, zone)
