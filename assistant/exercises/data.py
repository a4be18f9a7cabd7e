"""Checking the exercise data files (read by assistant/datafile.py, which keeps lines): texts in every language.

Scripts, the runner's phrases and the programme's rules are written by people
who are not programmers. Every mistake is reported with the file and the line,
and every text must exist in each language with the same placeholders, so a
sentence can never be said in one language and missing in the other.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from assistant import LANGUAGES


class ExerciseDataError(ValueError):
    """A data file is wrong; the message names the file, the line and the problem."""


def placeholders(text: str) -> frozenset[str]:
    """The `{names}` a text expects."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


@dataclass(frozen=True)
class Sentence:
    """One thing to say, in every language, with the same placeholders in each."""

    texts: Mapping[str, str]

    def __call__(self, lang: str, **values: Any) -> str:
        return self.texts[lang].format(**values)

    @property
    def names(self) -> frozenset[str]:
        return placeholders(next(iter(self.texts.values())))


class Checker:
    """Checks one file's content; every failure names the file and the line."""

    def __init__(self, path: Path, error: type[ExerciseDataError]):
        self.path = path
        self.error = error

    def fail(self, node: Any, problem: str) -> ExerciseDataError:
        line = getattr(node, "line", 0)
        where = f"{self.path}, line {line}" if line else str(self.path)
        return self.error(f"{where}: {problem}")

    def mapping(self, node: Any, parent: Any, what: str, allowed: Iterable[str] | None = None,
                required: Iterable[str] = ()) -> dict:
        if not isinstance(node, dict):
            raise self.fail(node if hasattr(node, "line") else parent, f"{what} must be a mapping")
        if allowed is not None:
            unknown = set(node) - set(allowed) - set(required)
            if unknown:
                raise self.fail(node, f"{what} has unknown keys: {', '.join(sorted(map(str, unknown)))}")
        for key in required:
            if key not in node:
                raise self.fail(node, f"{what} is missing '{key}'")
        return node

    def items(self, node: Any, parent: Any, what: str) -> list:
        if not isinstance(node, list):
            raise self.fail(node if hasattr(node, "line") else parent, f"{what} must be a list")
        return node

    def texts(self, node: Any, parent: Any, what: str, names: Iterable[str] | None = None) -> dict[str, str]:
        """A text for each language, with the same placeholders in each (and only `names`, if given)."""
        if not isinstance(node, dict):
            raise self.fail(parent, f"{what} needs a text for each language ({', '.join(LANGUAGES)})")
        for lang in LANGUAGES:
            if not isinstance(node.get(lang), str) or not node[lang].strip():
                raise self.fail(node, f"{what} has no {lang} text")
        extra = set(node) - set(LANGUAGES)
        if extra:
            raise self.fail(node, f"{what} has unknown languages: {', '.join(sorted(map(str, extra)))}")
        texts = {lang: " ".join(node[lang].split()) for lang in LANGUAGES}
        try:
            found = {lang: placeholders(text) for lang, text in texts.items()}
        except ValueError as problem:
            raise self.fail(node, f"{what} has a broken placeholder ({problem})") from problem
        if len(set(found.values())) > 1:
            listed = "; ".join(f"{lang}: {', '.join(sorted(names)) or 'none'}" for lang, names in found.items())
            raise self.fail(node, f"{what} must use the same placeholders in every language ({listed})")
        if names is not None:
            unknown = found[LANGUAGES[0]] - set(names)
            if unknown:
                raise self.fail(node, f"{what} uses unknown placeholders: {', '.join(sorted(unknown))} "
                                      f"(it may use: {', '.join(sorted(names)) or 'none'})")
        return texts

    def sentence(self, node: Any, parent: Any, what: str, names: Iterable[str] | None = None) -> Sentence:
        return Sentence(self.texts(node, parent, what, names))

    def number(self, node: Any, key: str, unit: str = "seconds", positive: bool = False,
               whole: bool = False) -> float:
        """node[key] as a number of `unit`: never negative, never a yes/no."""
        value = node[key]
        wrong = (isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0
                 or (positive and value == 0) or (whole and not float(value).is_integer()))
        if wrong:
            adjectives = "".join(f"{word} " for word, wanted in (("whole", whole), ("positive", positive)) if wanted)
            raise self.fail(node, f"'{key}' must be a {adjectives}number of {unit}, not {value!r}")
        return float(value)

    def choice(self, node: Any, key: str, options: Iterable[str], what: str | None = None) -> str:
        value = node[key]
        options = tuple(options)
        if value not in options:
            raise self.fail(node, f"{what or repr(key)} '{value}' is not one of {', '.join(options)}")
        return value
