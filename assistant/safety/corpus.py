"""Labelled safety utterances: one format for the test corpus and the classifier's training data.

Each line is ``level/kind | utterance``, for example
``crisis/passive_wish | i wish i would not wake up`` or ``none/idiom | this weather
is killing me``. Blank lines and lines starting with ``#`` are skipped. Levels
are the detector's (crisis, distress, body) or ``none`` for statements that are
none of them (idioms, other people's stories, plain feelings...). A label that
names an unknown level or kind is an error naming the file and line, so a typo
never silently moves a line out of the figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Final

from assistant.safety.detector import BODY, CRISIS, DISTRESS, KINDS, LEVELS

NONE: Final = "none"
"""The level of a statement that needs no safety response."""
NONE_KINDS: Final = ("idiom", "negation", "everyday_death", "other_person", "accident", "command",
                     "feelings", "health", "everyday", "question")
"""Kinds of statements that are not a safety matter, kept apart so figures can say which fool the layer."""

_LINE: Final = re.compile(r"^(?P<level>[a-z]+)/(?P<kind>[a-z_]+) \| (?P<text>\S.*)$")


class CorpusError(Exception):
    """A corpus line is malformed; the message names file and line."""


@dataclass(frozen=True)
class Labelled:
    """One utterance and what the safety layer should make of it."""

    level: str
    """``crisis``, ``distress``, ``body`` or ``none``."""
    kind: str
    text: str


def read_corpus(path: Path) -> list[Labelled]:
    """Every labelled line of `path`; CorpusError on a bad label."""
    out: list[Labelled] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            raise CorpusError(f"{path}:{number}: expected 'level/kind | utterance', got {line!r}")
        level, kind = match["level"], match["kind"]
        kinds = NONE_KINDS if level == NONE else KINDS.get(level)
        if kinds is None:
            raise CorpusError(f"{path}:{number}: unknown level {level!r} (allowed: {', '.join((*LEVELS, NONE))})")
        if kind not in kinds:
            raise CorpusError(f"{path}:{number}: unknown {level} kind {kind!r} (allowed: {', '.join(kinds)})")
        out.append(Labelled(level, kind, match["text"].strip()))
    return out


@dataclass(frozen=True)
class Figures:
    """What a safety layer makes of a labelled corpus, per level (counts, so nothing is rounded away)."""

    crisis: int
    crisis_at_crisis: int
    """Crisis lines answered with the full crisis response."""
    crisis_at_least_distress: int
    """Crisis lines answered at least with the distress question (a partial miss if only that)."""
    distress: int
    distress_caught: int
    """Distress lines answered with the question or more."""
    distress_as_crisis: int
    """Distress lines answered with the full crisis script: over-reactions."""
    body: int
    body_caught: int
    """Body lines recognised as a body sign (or a more serious level)."""
    none: int
    none_as_crisis: int
    """Non-crisis lines answered with the full crisis script: the false alarms that matter most."""
    none_as_distress: int
    """Non-crisis lines answered with the distress question."""

    def lines(self, name: str) -> list[str]:
        """Human-readable figures, one line per level."""
        def pct(part: int, whole: int) -> str:
            return f"{part}/{whole} ({part / whole:.1%})" if whole else "0/0"
        return [
            f"{name} crisis   caught at crisis {pct(self.crisis_at_crisis, self.crisis)}, "
            f"at crisis or distress {pct(self.crisis_at_least_distress, self.crisis)}",
            f"{name} distress caught {pct(self.distress_caught, self.distress)}, "
            f"over-reaction (full crisis) {pct(self.distress_as_crisis, self.distress)}",
            f"{name} body     caught {pct(self.body_caught, self.body)}",
            f"{name} none     full crisis {pct(self.none_as_crisis, self.none)}, "
            f"distress question {pct(self.none_as_distress, self.none)}",
        ]


def evaluate(level_of: Callable[[str], str | None], corpus: list[Labelled]) -> Figures:
    """Figures for `level_of` (text -> the level answered, or None) on `corpus`."""
    counts: dict[str, int] = {}

    def count(name: str, yes: bool = True) -> None:
        counts[name] = counts.get(name, 0) + int(yes)

    for line in corpus:
        got = level_of(line.text)
        count(line.level)
        if line.level == CRISIS:
            count("crisis_at_crisis", got == CRISIS)
            count("crisis_at_least_distress", got in (CRISIS, DISTRESS))
        elif line.level == DISTRESS:
            count("distress_caught", got in (CRISIS, DISTRESS))
            count("distress_as_crisis", got == CRISIS)
        elif line.level == BODY:
            count("body_caught", got is not None)
        else:
            count("none_as_crisis", got == CRISIS)
            count("none_as_distress", got == DISTRESS)
    names = Figures.__dataclass_fields__
    return Figures(**{name: counts.get(name, 0) for name in names})
