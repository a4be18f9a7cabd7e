"""Exercise scripts: the files in exercises/, checked as they load.

A script is data written by people who are not programmers, in English and
French side by side. Every mistake is reported with the file and line, and a
broken file is left out without stopping the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant import LANGUAGES
from assistant.paths import AUDIO_DIR, EXERCISES_DIR

SCRIPTS_DIR = EXERCISES_DIR / "scripts"
"""One file per exercise; beside it in exercises/ live the programme's rules and the runner's phrases."""

KINDS = ("breathing", "meditation", "grounding", "relaxation", "sleep")
STEP_KEYS = {"say", "tone", "pause", "seconds"}


class ExerciseScriptError(ValueError):
    """A script is wrong; the message names the file, the line and the problem."""


@dataclass(frozen=True)
class Step:
    """One moment of an exercise: something said or played, or a silence."""

    say: dict[str, str] | None = None
    """The cue in each language."""
    tone: str | None = None
    """A sound from audio/, played before the cue."""
    pause_s: float = 0.0
    """Silence after the step (seconds), for linear parts."""
    seconds: float | None = None
    """In a cycle: how long the step lasts from its start, cue included (seconds)."""


@dataclass(frozen=True)
class ExerciseScript:
    id: str
    kind: str
    title: dict[str, str]
    intro: tuple[Step, ...]
    cycle: tuple[Step, ...]
    """Repeated for the chosen number of minutes; empty for linear exercises."""
    steps: tuple[Step, ...]
    """Said once, in order, for linear exercises."""
    outro: tuple[Step, ...]
    default_minutes: int | None
    allowed_minutes: tuple[int, ...]
    encouragement_every: int
    """Say an encouragement every this many cycles (0: never)."""
    encouragements: tuple[dict[str, str], ...]
    source: Path

    @property
    def cycle_seconds(self) -> float:
        return sum(step.seconds or 0 for step in self.cycle)

    def minutes_for(self, wanted: int | None) -> int | None:
        """The allowed length closest to what the user asked for."""
        if not self.cycle:
            return None
        if wanted is None:
            return self.default_minutes
        return min(self.allowed_minutes, key=lambda allowed: (abs(allowed - wanted), allowed))


class _LineLoader(yaml.SafeLoader):
    """Remembers the line of every mapping, so errors can point at it."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = _LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


class _LineDict(dict):
    line = 0


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _Checker:
    def __init__(self, path: Path):
        self.path = path

    def fail(self, node: Any, problem: str) -> ExerciseScriptError:
        line = getattr(node, "line", 0)
        where = f"{self.path}, line {line}" if line else str(self.path)
        return ExerciseScriptError(f"{where}: {problem}")

    def texts(self, node: Any, parent: Any, what: str) -> dict[str, str]:
        if not isinstance(node, dict):
            raise self.fail(parent, f"{what} needs a text for each language ({', '.join(LANGUAGES)})")
        for lang in LANGUAGES:
            if not isinstance(node.get(lang), str) or not node[lang].strip():
                raise self.fail(node, f"{what} has no {lang} text")
        extra = set(node) - set(LANGUAGES)
        if extra:
            raise self.fail(node, f"{what} has unknown languages: {', '.join(sorted(extra))}")
        return {lang: node[lang].strip() for lang in LANGUAGES}

    def number(self, node: Any, key: str, positive: bool) -> float:
        value = node[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or (positive and value == 0):
            raise self.fail(node, f"'{key}' must be a {'positive ' if positive else ''}number of seconds, not {value!r}")
        return float(value)

    def step(self, node: Any, parent: Any, in_cycle: bool) -> Step:
        if not isinstance(node, dict):
            raise self.fail(parent, f"each step must be a mapping with {', '.join(sorted(STEP_KEYS))}")
        unknown = set(node) - STEP_KEYS
        if unknown:
            raise self.fail(node, f"unknown step keys: {', '.join(sorted(unknown))}")
        if not {"say", "tone", "pause"} & set(node):
            raise self.fail(node, "a step needs 'say', 'tone' or 'pause'")
        tone = node.get("tone")
        if tone is not None and not (AUDIO_DIR / f"{tone}.wav").is_file():
            raise self.fail(node, f"tone '{tone}' has no sound file audio/{tone}.wav")
        if in_cycle and "seconds" not in node:
            raise self.fail(node, "a cycle step needs 'seconds' (how long it lasts)")
        if not in_cycle and "seconds" in node:
            raise self.fail(node, "'seconds' is only for cycle steps; use 'pause' here")
        return Step(
            say=self.texts(node["say"], node, "'say'") if "say" in node else None,
            tone=tone,
            pause_s=self.number(node, "pause", positive=False) if "pause" in node else 0.0,
            seconds=self.number(node, "seconds", positive=True) if in_cycle else None,
        )

    def steps(self, node: Any, key: str, in_cycle: bool = False) -> tuple[Step, ...]:
        items = node.get(key, [])
        if not isinstance(items, list):
            raise self.fail(node, f"'{key}' must be a list of steps")
        return tuple(self.step(item, node, in_cycle) for item in items)

    def script(self, node: Any) -> ExerciseScript:
        if not isinstance(node, dict):
            raise self.fail(None, "the file must hold a mapping with id, kind, title and steps")
        for key in ("id", "kind", "title"):
            if key not in node:
                raise self.fail(node, f"missing '{key}'")
        if node["id"] != self.path.stem:
            raise self.fail(node, f"id '{node['id']}' must match the file name '{self.path.stem}'")
        if node["kind"] not in KINDS:
            raise self.fail(node, f"kind '{node['kind']}' is not one of {', '.join(KINDS)}")
        cycle, steps = self.steps(node, "cycle", in_cycle=True), self.steps(node, "steps")
        if bool(cycle) == bool(steps):
            raise self.fail(node, "give either 'cycle' (repeated for some minutes) or 'steps' (said once)")
        default_minutes, allowed = None, ()
        if cycle:
            minutes = node.get("minutes")
            if not isinstance(minutes, dict) or not isinstance(minutes.get("allowed"), list) or not minutes["allowed"]:
                raise self.fail(node, "a cycle needs 'minutes' with 'default' and a list 'allowed'")
            allowed = tuple(minutes["allowed"])
            if not all(isinstance(value, int) and value > 0 for value in allowed):
                raise self.fail(minutes, "'allowed' minutes must be whole positive numbers")
            default_minutes = minutes.get("default")
            if default_minutes not in allowed:
                raise self.fail(minutes, f"default {default_minutes!r} is not one of the allowed minutes")
        encouragement = node.get("encouragement", {"every_cycles": 0, "lines": []})
        if not isinstance(encouragement, dict) or not isinstance(encouragement.get("lines"), list):
            raise self.fail(node, "'encouragement' needs 'every_cycles' and a list 'lines'")
        every = encouragement.get("every_cycles", 0)
        if not isinstance(every, int) or every < 0:
            raise self.fail(encouragement, "'every_cycles' must be a whole number")
        return ExerciseScript(
            id=node["id"], kind=node["kind"], title=self.texts(node["title"], node, "'title'"),
            intro=self.steps(node, "intro"), cycle=cycle, steps=steps, outro=self.steps(node, "outro"),
            default_minutes=default_minutes, allowed_minutes=allowed, encouragement_every=every,
            encouragements=tuple(self.texts(line, encouragement, "an encouragement") for line in encouragement["lines"]),
            source=self.path,
        )


def load_script(path: Path) -> ExerciseScript:
    """One script, checked; raises ExerciseScriptError naming the file and line."""
    checker = _Checker(path)
    try:
        node = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}, line {mark.line + 1}" if mark else str(path)
        raise ExerciseScriptError(f"{where}: not valid YAML ({getattr(error, 'problem', error)})") from error
    except (OSError, UnicodeDecodeError) as error:
        raise ExerciseScriptError(f"{path}: cannot be read ({error})") from error
    return checker.script(node)


def load_scripts(folder: Path = SCRIPTS_DIR) -> tuple[dict[str, ExerciseScript], list[ExerciseScriptError]]:
    """Every script in `folder` by id, and the errors of those left out."""
    scripts: dict[str, ExerciseScript] = {}
    errors: list[ExerciseScriptError] = []
    for path in sorted(folder.glob("*.yml")):
        try:
            script = load_script(path)
        except ExerciseScriptError as error:
            errors.append(error)
        else:
            scripts[script.id] = script
    return scripts, errors
