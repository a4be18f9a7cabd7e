"""Exercise scripts are data: checked on load, with the file and line of any mistake."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.exercises.scripts import SCRIPTS_DIR, ExerciseScriptError, load_script, load_scripts


def test_every_shipped_script_loads_in_both_languages():
    scripts, errors = load_scripts()
    assert errors == []
    assert {"resonance_breathing", "breath_awareness", "grounding_54321"} <= set(scripts)
    breathing = scripts["resonance_breathing"]
    assert [step.seconds for step in breathing.cycle] == [4.0, 6.0]
    assert breathing.default_minutes == 5
    assert breathing.minutes_for(10) == 10 and breathing.minutes_for(7) == 5 and breathing.minutes_for(60) == 20


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.yml"
    path.write_text(text, encoding="utf-8")
    return path


NO_FRENCH = """id: broken
kind: breathing
title: {en: t, fr: t}
minutes: {default: 5, allowed: [5]}
cycle:
  - say: {en: In, fr: Inspirez}
    seconds: 4
  - say:
      en: Out
    seconds: 6
"""


@pytest.mark.parametrize("text, problem, line", [
    (NO_FRENCH, "has no fr text", 9),
    ("id: broken\nkind: breathing\ntitle: [oops\n", "not valid YAML", 4),
    ("id: broken\nkind: dancing\ntitle: {en: a, fr: b}\nsteps: [{pause: 1}]\n", "kind 'dancing' is not one of", 1),
    ("id: broken\nkind: sleep\ntitle: {en: a, fr: b}\nsteps:\n  - pause: 1\n  - tone: trumpet\n", "no sound file audio/trumpet.wav", 6),
    ("id: broken\nkind: sleep\ntitle: {en: a, fr: b}\nsteps:\n  - pause: -3\n", "must be a number of seconds", 5),
    ("id: other\nkind: sleep\ntitle: {en: a, fr: b}\nsteps: [{pause: 1}]\n", "must match the file name", 1),
])
def test_a_broken_script_names_the_file_line_and_problem(tmp_path, text, problem, line):
    path = _write(tmp_path, "broken", text)
    with pytest.raises(ExerciseScriptError) as error:
        load_script(path)
    assert str(path) in str(error.value)
    assert problem in str(error.value)
    assert f"line {line}" in str(error.value)


def test_a_broken_file_is_left_out_and_the_others_still_load(tmp_path):
    shutil.copy(SCRIPTS_DIR / "resonance_breathing.yml", tmp_path)
    _write(tmp_path, "broken", "id: broken\n: : :\n")
    scripts, errors = load_scripts(tmp_path)
    assert list(scripts) == ["resonance_breathing"]
    assert len(errors) == 1 and "broken.yml" in str(errors[0])
