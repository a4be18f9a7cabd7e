"""Everything the questionnaires need, loaded once at start and passed down.

The instruments (questionnaires/*.yml) and the data they share
(questionnaires/common/): how numbers are said and answers recognised in each
language, the paraphrases of each answer scale, and the sentences said around
the validated items.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Mapping

from assistant.questionnaires.instruments import Instrument

Texts = Mapping[str, str]
"""One text per language."""


class GrammaticalForm(str, Enum):
    """How a French item written "senti(e)" is said to this listener."""

    FEMININE = "feminine"
    MASCULINE = "masculine"


@dataclass(frozen=True)
class AnswerWords:
    """How answers are said in one language (common/answers.yml, `languages`)."""

    numbers: Mapping[int, tuple[str, ...]]
    """Number words; the first spelling of each is the one the voice says."""
    number_prefixes: tuple[str, ...]
    """Words said before a number ("number", "la")."""
    fillers: tuple[str, ...]
    """Words around an answer that do not change it ("um", "I'd say")."""
    negators: tuple[str, ...]
    non_answers: tuple[str, ...]
    """Phrases that mean the person is not answering ("I don't know")."""

    def spoken_number(self, number: int) -> str:
        return self.numbers[number][0]


@dataclass(frozen=True)
class ScaleWords:
    """Other ways of saying each answer of one scale, per option key and language."""

    equivalents: Mapping[str, Mapping[str, tuple[str, ...]]]
    """Matched as exact ("yeah" for "yes")."""
    paraphrases: Mapping[str, Mapping[str, tuple[str, ...]]]
    """Matched as close: confirmed before being kept."""

    def phrases(self, kind: str, option_key: str, lang: str) -> tuple[str, ...]:
        table = self.equivalents if kind == "equivalents" else self.paraphrases
        return table.get(option_key, {}).get(lang, ())


@dataclass(frozen=True)
class VoiceText:
    """The sentences said around the items (common/voice.yml)."""

    introduction: Mapping[str, Texts]
    """By variant: `clinic_recall`, `clinic`, `recall`, `plain`."""
    duration: Mapping[str, Texts]
    """`one` and `other` (minutes)."""
    options: Mapping[str, Texts]
    """`numbered`, `option`, `unnumbered`, `or`."""
    item: Texts
    confirm_close: Texts
    closing: Mapping[str, Texts]
    inclusive_forms: Mapping[str, Mapping[str, Mapping[GrammaticalForm, str]]]
    """Per language, each written inclusive form ("senti(e)") and how it is said in each form."""


@dataclass(frozen=True)
class Catalogue:
    instruments: Mapping[str, Instrument]
    words: Mapping[str, AnswerWords]
    """Per language."""
    scales: Mapping[str, ScaleWords]
    voice: VoiceText
