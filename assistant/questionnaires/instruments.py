"""What a validated questionnaire is, once its file has been checked.

Plain frozen records: the loader builds them from questionnaires/*.yml, and the
scoring, the answer matcher and the spoken sentences only read them. Texts are
kept per language (`{"en": ..., "fr": ...}`), word for word as published.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Mapping


class Measure(str, Enum):
    """What a threshold is compared with."""

    RAW = "raw"
    """The sum of the item scores."""
    PERCENTAGE = "percentage"
    """The raw score times the instrument's multiplier (WHO-5: x 4, 0 to 100)."""


class Comparison(str, Enum):
    AT_LEAST = "at_least"
    AT_MOST = "at_most"
    BELOW = "below"


class Status(str, Enum):
    """Where a language's wording comes from."""

    ORIGINAL = "original"
    """The language the instrument was written and validated in."""
    OFFICIAL_TRANSLATION = "official_translation"
    """A translation distributed by the authors or a public health body."""
    TRANSLATION = "translation"
    """A translation used in studies, not validated on its own."""
    PROJECT_TRANSLATION = "project_translation"
    """This project's translation: no validated wording was found."""


@dataclass(frozen=True)
class Option:
    """One answer the user can give, the same for every item of the instrument."""

    key: str
    """A stable name stored in the journal (`more_than_half_the_days`)."""
    number: int | None
    """The number the user may say for it, as printed on the published form; None for yes/no."""
    score: int
    """The score of this answer on an item that is not reversed."""
    text: Mapping[str, str]
    """The published words in each language."""


@dataclass(frozen=True)
class Item:
    id: str
    position: int
    """1 for the first item asked."""
    text: Mapping[str, str]
    """The published item in each language, said word for word."""
    reversed: bool = False
    """Scored the other way round (GDS: one point on "no")."""
    source_item: str | None = None
    """The item of the longer instrument it comes from ("PHQ-9 item 1")."""
    distress_on: str | None = None
    """The option that says the person feels hopeless ("yes" to "Is your situation hopeless?"): the
    conversation then asks the distress question, as when distress is said in words."""


@dataclass(frozen=True)
class Threshold:
    """A published cut-off, for the clinician report: never spoken as a verdict."""

    id: str
    measure: Measure
    comparison: Comparison
    value: int
    meaning: Mapping[str, str]
    source: str

    def passed(self, measured: int) -> bool:
        if self.comparison is Comparison.AT_LEAST:
            return measured >= self.value
        if self.comparison is Comparison.AT_MOST:
            return measured <= self.value
        return measured < self.value


@dataclass(frozen=True)
class MeaningfulChange:
    """The change between two runs that studies consider to matter."""

    measure: Measure
    points: int
    higher_is_better: bool
    """WHO-5: a higher score is better well-being."""
    source: str


@dataclass(frozen=True)
class Scoring:
    minimum: int
    maximum: int
    """The range of the raw score (the sum of the item scores)."""
    percentage_multiplier: int | None = None
    meaningful_change: MeaningfulChange | None = None


@dataclass(frozen=True)
class Published:
    """The source text of one language, as published, and how it was checked."""

    status: Status
    source: str
    wording_checked: bool
    """True when the wording was compared word for word with stored copies of the published text."""
    checked_against: tuple[str, ...]
    items: Mapping[str, str]
    options: Mapping[str, str]
    instructions: str | None = None
    item_lead: str | None = None
    administration: str | None = None
    """An instruction for the person administering it (not said as such)."""
    note: str | None = None
    url: str | None = None
    unchecked: Mapping[str, str] = field(default_factory=dict)
    """Items whose wording could not be confirmed, with why."""

    def item_checked(self, item_id: str) -> bool:
        return self.wording_checked and item_id not in self.unchecked


@dataclass(frozen=True)
class Instrument:
    id: str
    version: int
    """This file's version: raised whenever a wording, an option or the scoring changes."""
    title: Mapping[str, str]
    recall: Mapping[str, str] | None
    """The period the answers are about ("the last two weeks"); None when the instrument has none."""
    minutes: int
    """About how long it takes, said in the introduction."""
    instructions: Mapping[str, str]
    item_lead: Mapping[str, str] | None
    """A published heading that may be said before an item ("Over the last two weeks")."""
    scale: str
    """The answer scale, whose paraphrases are shared (common/answers.yml)."""
    options: tuple[Option, ...]
    items: tuple[Item, ...]
    scoring: Scoring
    thresholds: tuple[Threshold, ...]
    licence: Mapping[str, str]
    citation: str
    url: str | None
    published: Mapping[str, Published]
    source_file: Path

    @property
    def numbered(self) -> bool:
        """Whether answers may be given as numbers (every option has one, or none has)."""
        return all(option.number is not None for option in self.options)

    def option(self, key: str) -> Option:
        for option in self.options:
            if option.key == key:
                return option
        raise KeyError(f"{self.id} has no answer option '{key}'")

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(f"{self.id} has no item '{item_id}'")

    def score_of(self, item: Item, option: Option) -> int:
        """The score of `option` on `item`: mirrored on reversed items (GDS "no" scores 1)."""
        if not item.reversed:
            return option.score
        scores = [candidate.score for candidate in self.options]
        return min(scores) + max(scores) - option.score
