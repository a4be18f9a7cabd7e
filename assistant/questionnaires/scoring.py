"""Scores of a questionnaire run, as the published scoring says, and only when complete.

An incomplete run is never scored as if it were complete: its total, percentage
and thresholds are None / empty, whatever was answered. The item scores are kept
(the clinician report may show them), reversed items already mirrored.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Mapping

from assistant.questionnaires.instruments import Instrument, Measure, Threshold


@dataclass(frozen=True)
class ItemScore:
    item_id: str
    option_key: str | None
    """The answer given; None when the item was skipped or not reached."""
    score: int | None
    skipped: bool


@dataclass(frozen=True)
class RunScore:
    instrument_id: str
    version: int
    items: tuple[ItemScore, ...]
    """One per item, in the order asked."""
    total: int | None
    """The raw score (sum of item scores); None unless every item was answered."""
    percentage: int | None
    """The raw score times the instrument's multiplier (WHO-5: 0 to 100); None when incomplete or not defined."""
    thresholds_passed: tuple[Threshold, ...]
    """The published cut-offs this score reaches, for the clinician report; never spoken as a verdict."""

    @property
    def complete(self) -> bool:
        return self.total is not None

    @property
    def items_answered(self) -> int:
        return sum(1 for item in self.items if item.option_key is not None)


def score_run(instrument: Instrument, answers: Mapping[str, str | None]) -> RunScore:
    """Score `answers`: item id -> option key, or None for a skipped item; items not in it were not reached."""
    unknown = set(answers) - {item.id for item in instrument.items}
    if unknown:
        raise ValueError(f"{instrument.id} has no items {', '.join(sorted(unknown))}")
    items = []
    for item in instrument.items:
        key = answers.get(item.id)
        score = instrument.score_of(item, instrument.option(key)) if key is not None else None
        items.append(ItemScore(item_id=item.id, option_key=key, score=score, skipped=item.id in answers and key is None))
    if any(item.score is None for item in items):
        return RunScore(instrument.id, instrument.version, tuple(items), total=None, percentage=None, thresholds_passed=())
    total = sum(item.score for item in items)
    multiplier = instrument.scoring.percentage_multiplier
    percentage = total * multiplier if multiplier is not None else None
    measured = {Measure.RAW: total, Measure.PERCENTAGE: percentage}
    passed = tuple(threshold for threshold in instrument.thresholds if threshold.passed(measured[threshold.measure]))
    return RunScore(instrument.id, instrument.version, tuple(items), total=total, percentage=percentage,
                    thresholds_passed=passed)


class Change(str, Enum):
    """How a later complete run compares with an earlier one, in plain words ("a little better")."""

    BETTER = "better"
    A_LITTLE_BETTER = "a_little_better"
    ABOUT_THE_SAME = "about_the_same"
    A_LITTLE_WORSE = "a_little_worse"
    WORSE = "worse"


def change_between(instrument: Instrument, earlier: RunScore, later: RunScore) -> Change:
    """For "How have I been?": the change from `earlier` to `later`, never a number or a threshold.

    "Better" or "worse" only from the change studies consider to matter
    (WHO-5: 10 percentage points); a smaller change is "a little". Only
    complete runs of an instrument with a published meaningful change compare.
    """
    rule = instrument.scoring.meaningful_change
    if rule is None:
        raise ValueError(f"{instrument.id} has no published meaningful change to compare runs with")
    if not (earlier.complete and later.complete):
        raise ValueError("only complete runs can be compared")
    measured = {Measure.RAW: lambda run: run.total, Measure.PERCENTAGE: lambda run: run.percentage}[rule.measure]
    gain = measured(later) - measured(earlier)
    if not rule.higher_is_better:
        gain = -gain
    if gain == 0:
        return Change.ABOUT_THE_SAME
    if abs(gain) >= rule.points:
        return Change.BETTER if gain > 0 else Change.WORSE
    return Change.A_LITTLE_BETTER if gain > 0 else Change.A_LITTLE_WORSE
