"""One questionnaire being asked: which item comes next, what was answered, how it ended.

A frozen record the conversation replaces at each answer, so the state has one
owner and every step can be tested alone. It keeps the option chosen, never the
words the person said: free speech is not stored.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from assistant.questionnaires.answers import Confidence
from assistant.questionnaires.instruments import Instrument, Item, Option
from assistant.questionnaires.scoring import RunScore, score_run


@dataclass(frozen=True)
class Answer:
    item_id: str
    option_key: str | None
    """None when the item was skipped."""
    confidence: Confidence | None
    """EXACT, or CLOSE once the person confirmed the paraphrase; None when skipped."""
    at: datetime


@dataclass(frozen=True)
class Run:
    instrument: Instrument
    lang: str
    started_at: datetime
    answers: tuple[Answer, ...] = ()
    stopped_at: datetime | None = None
    """Set when the person stopped before the end: the run stays incomplete."""

    @property
    def next_item(self) -> Item | None:
        """The item to ask now; None once every item was answered or skipped, or the run was stopped."""
        if self.stopped_at is not None:
            return None
        done = {answer.item_id for answer in self.answers}
        return next((item for item in self.instrument.items if item.id not in done), None)

    @property
    def finished(self) -> bool:
        return self.next_item is None

    @property
    def ended_at(self) -> datetime | None:
        if self.stopped_at is not None:
            return self.stopped_at
        return self.answers[-1].at if self.finished and self.answers else None

    def answered(self, option: Option, confidence: Confidence, at: datetime) -> Run:
        """The next item answered with `option` (a CLOSE answer only after the person confirmed it)."""
        item = self._current()
        if option not in self.instrument.options:
            raise ValueError(f"'{option.key}' is not an answer of {self.instrument.id}")
        return replace(self, answers=self.answers + (Answer(item.id, option.key, confidence, at),))

    def skipped(self, at: datetime) -> Run:
        item = self._current()
        return replace(self, answers=self.answers + (Answer(item.id, None, None, at),))

    def stopped(self, at: datetime) -> Run:
        return replace(self, stopped_at=at) if not self.finished else self

    def score(self) -> RunScore:
        return score_run(self.instrument, {answer.item_id: answer.option_key for answer in self.answers})

    def _current(self) -> Item:
        item = self.next_item
        if item is None:
            raise ValueError(f"the {self.instrument.id} run has no item left to answer")
        return item
