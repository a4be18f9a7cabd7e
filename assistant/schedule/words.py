"""An utterance as folded words that remember where they were said, and the phrases found in it.

Matching is on folded words (assistant.text.fold: lower case, no accents), with
number words turned into digits; each word keeps the span of the original text
it came from, so that what is kept of the user's words (a reminder's label)
keeps its accents and capitals, and what was matched can be cut out of it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from assistant.text import fold

_DIGITS_OR_NOT = re.compile(r"\d+|\D+")
_PLACEHOLDER = re.compile(r"^\{(\w+)\}$")


@dataclass(frozen=True)
class Word:
    text: str
    """The folded word ("apres", "18")."""
    start: int
    end: int
    """Where it was said: original[start:end]."""


@dataclass(frozen=True)
class Match:
    """Where a phrase was found: words [first, last), and the numbers it held."""

    first: int
    last: int
    values: Mapping[str, int]
    rule: Any = None
    """What the phrase means, as the data file gives it."""

    @property
    def size(self) -> int:
        return self.last - self.first

    def overlaps(self, other: Match) -> bool:
        return self.first < other.last and other.first < self.last


class Words:
    """The words of one text, each with its span in the (NFC-normalised) original."""

    def __init__(self, original: str, items: Iterable[Word]):
        self.original = original
        self.items = tuple(items)
        self._joined = " ".join(word.text for word in self.items)
        self._word_at: dict[int, int] = {}
        offset = 0
        for index, word in enumerate(self.items):
            self._word_at[offset] = index
            offset += len(word.text) + 1

    @classmethod
    def of(cls, text: str, elisions: Iterable[str] = ()) -> Words:
        """Fold `text` into words; a letter in `elisions` before an apostrophe is a word of its own ("d'", "l'")."""
        original = unicodedata.normalize("NFC", text)
        elided = tuple(sorted((f"{letters}'" for letters in elisions), key=len, reverse=True))
        words: list[Word] = []
        run: list[tuple[str, int]] = []

        def close() -> None:
            if run:
                words.extend(_split(run, elided))
                run.clear()

        for index, char in enumerate(original):
            folded = fold(char)
            if not folded or folded == "'" and not run:
                close()
                continue
            run.extend((letter, index) for letter in folded)
        close()
        return cls(original, words)

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(word.text for word in self.items)

    def __len__(self) -> int:
        return len(self.items)

    def said(self, first: int, last: int) -> str:
        """The original text of words [first, last)."""
        if first >= last:
            return ""
        return self.original[self.items[first].start:self.items[last - 1].end]

    def find(self, pattern: re.Pattern[str]) -> list[Match]:
        """Every non-overlapping match of a compiled phrase (see `compile_phrase`)."""
        found = []
        for hit in pattern.finditer(self._joined):
            first = self._word_at.get(hit.start())
            if first is None:
                continue
            last = first + len(hit.group(0).split(" "))
            values = {name: int(value) for name, value in hit.groupdict().items() if value is not None}
            found.append(Match(first, last, values))
        return found

    def replaced(self, first: int, last: int, text: str) -> Words:
        """These words with [first, last) said as one word `text` (a number in digits)."""
        joined = Word(text, self.items[first].start, self.items[last - 1].end)
        return Words(self.original, (*self.items[:first], joined, *self.items[last:]))


def _split(run: list[tuple[str, int]], elided: tuple[str, ...]) -> list[Word]:
    """One run of word characters as words: digits apart from letters ("8h30"), elisions apart ("d'appeler")."""
    while run and run[0][0] == "'":
        run = run[1:]
    text = "".join(letter for letter, _ in run)
    while text.endswith("'") and text not in elided:
        run, text = run[:-1], text[:-1]
    if not text:
        return []
    prefix = next((elision for elision in elided if text.startswith(elision) and len(text) > len(elision)), "")
    words, position = [], 0
    for piece in (prefix, text[len(prefix):]):
        for part in _DIGITS_OR_NOT.findall(piece):
            start, end = run[position][1], run[position + len(part) - 1][1] + 1
            words.append(Word(part, start, end))
            position += len(part)
    return words


def phrase_words(phrase: str, elisions: Iterable[str] = ()) -> Words:
    """A phrase from a data file as words, its placeholders ({h}, {m}, {n}) kept as they are."""
    items: list[Word] = []
    for token in phrase.split():
        if _PLACEHOLDER.match(token):
            items.append(Word(token, 0, 0))
        else:
            items.extend(Words.of(token, elisions).items)
    return Words(phrase, items)


def compile_phrase(words: Words) -> re.Pattern[str]:
    """A phrase written in a data file (already as Words) as a pattern; {h}, {m}, {n} stand for numbers."""
    parts = []
    for word in words.texts:
        placeholder = _PLACEHOLDER.match(word)
        parts.append(rf"(?P<{placeholder.group(1)}>\d+)" if placeholder else re.escape(word))
    return re.compile(r"(?<![^ ])" + " ".join(parts) + r"(?![^ ])")


def best_matches(matches: Iterable[Match]) -> list[Match]:
    """The longest matches that do not overlap, in the order they were said (ties: the earlier rule)."""
    chosen: list[Match] = []
    for match in sorted(matches, key=lambda match: -match.size):
        if not any(match.overlaps(other) for other in chosen):
            chosen.append(match)
    return sorted(chosen, key=lambda match: match.first)
