"""Reading a score from 1 to 5 in what was said, as carefully as a clinician would want.

The NLU model's `mood_score` entity says which score the words map to; the
scale data (conversation/scales.yml) says how sure that reading is: the
question's own words are exact, other wordings are paraphrases, and number
words that are also articles ("un peu seule", "a bit tired") are not scores
unless the answer is short or ends with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import yaml

from assistant import LANGUAGES
from assistant.dialogue.engine import Parse
from assistant.paths import PROJECT_ROOT
from assistant.text import fold

SCALES_FILE = PROJECT_ROOT / "conversation" / "scales.yml"


class Sureness(Enum):
    EXACT = "exact"
    """The number, or the scale's own word for it."""
    PARAPHRASE = "paraphrase"
    """Another wording the NLU data maps to a score ("pretty good")."""


@dataclass(frozen=True)
class Score:
    value: int
    sureness: Sureness


@dataclass(frozen=True)
class Scale:
    """One language's scale words."""

    exact: frozenset[str]
    articles: frozenset[str]
    short_answer_words: int
    out_of: tuple[str, ...]
    plainly: tuple[str, ...]
    words: dict[int, str]

    def read(self, parse: Parse) -> Score | None:
        """The score `parse` gives, if it really gives one.

        The question's own words win over paraphrases ("well, two" is two); two
        different exact scores ("three or four") are only a paraphrase, to confirm.
        """
        text = fold(parse.text)
        found: list[Score] = []
        for entity, value_text, span in parse.spans:
            span = fold(span)
            if entity != "mood_score" or (span in self.articles and not self._stands_alone(span, text)):
                continue
            try:
                value = int(float(value_text))
            except ValueError:
                continue
            if 1 <= value <= 5:
                found.append(Score(value, Sureness.EXACT if span in self.exact else Sureness.PARAPHRASE))
        exact = {score.value for score in found if score.sureness is Sureness.EXACT}
        if len(exact) == 1:
            return Score(exact.pop(), Sureness.EXACT)
        if exact:
            return Score(max(exact), Sureness.PARAPHRASE)
        return found[0] if found else None

    def _stands_alone(self, span: str, text: str) -> bool:
        words = text.split()
        return (len(words) <= self.short_answer_words or text.endswith(" " + span)
                or any(f"{span} {tail}" in text for tail in self.out_of))

    def said_plainly(self, parse: Parse) -> bool:
        """Whether a score said unprompted says what it is about ("my mood is a four")."""
        text = f" {fold(parse.text)} "
        return any(f" {fold(word)} " in text for word in self.plainly)


def load_scales() -> dict[str, Scale]:
    raw = yaml.safe_load(SCALES_FILE.read_text(encoding="utf-8"))
    return {lang: Scale(exact=frozenset(fold(str(word)) for word in raw[lang]["exact"]),
                        articles=frozenset(fold(word) for word in raw[lang]["articles"]),
                        short_answer_words=int(raw[lang]["short_answer_words"]),
                        out_of=tuple(fold(words) for words in raw[lang]["out_of"]),
                        plainly=tuple(raw[lang]["plainly"]),
                        words={int(score): word for score, word in raw[lang]["words"].items()})
            for lang in LANGUAGES}
