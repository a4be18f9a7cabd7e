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
from typing import Final

from assistant.safety.detector import KINDS, LEVELS

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
