"""What the runner itself says while an exercise runs (exercises/phrases.yml).

Only a few things: that the length changed, that this first time has fewer
rounds, that we switch to a gentler breath. Each is a sentence in every
language with named placeholders, checked on load like the scripts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant import datafile
from assistant.exercises.data import Checker, ExerciseDataError, Sentence
from assistant.paths import EXERCISES_DIR

PHRASES_FILE = EXERCISES_DIR / "phrases.yml"

_PLACEHOLDERS = {
    "length_changed": {"length"},
    "ending_soon": set(),
    "nearly_done": set(),
    "at_longest": {"length"},
    "at_first_rounds": {"cycles"},
    "longer_at_first": {"cycles"},
    "slower_breath": set(),
    "no_slower_breath": set(),
}
"""Each phrase the runner says, and the placeholders it may use."""


class PhrasesError(ExerciseDataError):
    """exercises/phrases.yml is wrong; the message names the line."""


@dataclass(frozen=True)
class RunnerPhrases:
    length_changed: Sentence
    """After "shorter" or "longer": the new length in all ({length}: "5 minutes")."""
    ending_soon: Sentence
    """"Shorter" when there is no shorter length left: we finish gently now."""
    nearly_done: Sentence
    """"Longer" during the closing words."""
    at_longest: Sentence
    """"Longer" at the longest length."""
    at_first_rounds: Sentence
    """Said before the first cycle when the first-time limit applies ({cycles})."""
    longer_at_first: Sentence
    """"Longer" while the first-time limit applies."""
    slower_breath: Sentence
    """Switching to the gentle count."""
    no_slower_breath: Sentence
    """Asked to breathe more slowly when there is nothing gentler to switch to."""


def load_phrases(path: Path = PHRASES_FILE) -> RunnerPhrases:
    """The runner's phrases, checked; raises PhrasesError naming the file and line."""
    checker = Checker(path, PhrasesError)
    node = checker.mapping(datafile.read(path, PhrasesError), None, "the file", required=tuple(_PLACEHOLDERS))
    unknown = set(node) - set(_PLACEHOLDERS)
    if unknown:
        raise checker.fail(node, f"unknown phrases: {', '.join(sorted(unknown))}")
    return RunnerPhrases(**{name: checker.sentence(node[name], node, f"'{name}'", names)
                            for name, names in _PLACEHOLDERS.items()})
