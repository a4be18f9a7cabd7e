"""Exercise scripts are data: checked on load, with the file and line of any mistake,
and written for people who may not see well, in English and in French as equals."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from assistant import LANGUAGES
from assistant.exercises.phrases import PHRASES_FILE, PhrasesError, load_phrases
from assistant.exercises.scripts import (GROUPS, NEEDS, SCRIPTS_DIR, ExerciseScriptError, load_script,
                                         load_scripts)

SCRIPTS, ERRORS = load_scripts()

LINEAR = """id: broken
group: meditation
title: {en: t, fr: t}
posture: seated
source: a book
needs: [calm]
contraindications: []
lengths: {minutes: [1], default: 1, made_by: silences}
steps:
  - say: {en: Hello there, fr: Bonjour}
    silence: 55
"""

CYCLE = """id: broken
group: breathing
title: {en: t, fr: t}
posture: seated
source: a book
needs: [calm]
contraindications: []
lengths: {minutes: [1], default: 1, made_by: cycles}
cycle:
  - say: {en: In, fr: Inspirez}
    breath: in
    seconds: 4
  - say: {en: Out, fr: Expirez}
    breath: out
    seconds: 6
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_shipped_script_loads_in_both_languages():
    assert ERRORS == []
    breathing = SCRIPTS["resonance_breathing"]
    assert [step.seconds for step in breathing.cycle] == [4.0, 6.0]
    assert breathing.default_minutes == 5
    assert breathing.minutes_for(10) == 10 and breathing.minutes_for(7) == 5 and breathing.minutes_for(60) == 20


def test_the_templates_used_below_are_valid(tmp_path):
    assert load_script(_write(tmp_path, "broken", LINEAR)).kind == "meditation"
    assert load_script(_write(tmp_path, "broken", CYCLE)).cycle_seconds == 10


def test_each_script_states_what_it_is_for_and_for_whom():
    for script in SCRIPTS.values():
        assert script.group in GROUPS and set(script.needs) <= set(NEEDS)
        assert script.posture in ("seated", "lying", "seated_or_lying") and len(script.source) > 40
        assert script.made_by in ("cycles", "steps", "silences")
    assert {s.id for s in SCRIPTS.values() if "breath_holds" in s.contraindications} == {"box_breathing", "breathing_478"}
    assert {s.id for s in SCRIPTS.values() if s.max_cycles_at_first == 4} == {"box_breathing", "breathing_478"}
    assert SCRIPTS["progressive_muscle_relaxation"].contraindications == ("muscle_tensing",)
    for meditation in ("breath_awareness", "body_scan", "loving_kindness"):
        assert SCRIPTS[meditation].lengths == (5, 10, 20)
    assert SCRIPTS["gentle_count"].lengths == (3, 5) and SCRIPTS["cyclic_sigh"].lengths == (5,)
    assert SCRIPTS["progressive_muscle_relaxation"].lengths == (7, 10)
    assert {s.slower for s in SCRIPTS.values() if s.slower} == {"gentle_count"}


def test_pursed_lip_breathing_is_two_in_and_more_than_four_out():
    steps = SCRIPTS["pursed_lip_breathing"].cycle
    assert [(step.breath, step.seconds) for step in steps][0] == ("in", 2)
    assert steps[1].breath == "out" and steps[1].seconds >= 4


def test_the_cyclic_sigh_breathes_out_about_twice_as_long_as_in():
    steps = SCRIPTS["cyclic_sigh"].cycle
    inhale = sum(step.seconds for step in steps if step.breath in ("in", "top_up"))
    exhale = sum(step.seconds for step in steps if step.breath == "out")
    assert [step.breath for step in steps] == ["in", "top_up", "out"] and exhale == 2 * inhale


SIGHT = {"en": r"\b(see|seeing|sees|look|looking|watch|watching|visuali[sz]e|picture|notice what you see)\b",
         "fr": r"\b(voir|voyez|regardez|regarder|visualisez|visualiser|observez ce que vous voyez)\b"}
TU_FORMS = r"\b(tu|te|toi|ton|ta|tes)\b|\bt'"
ONE_GENDER = r"\b(prêt|assis|allongé|installé|détendu|seul|reposé|concentré|heureux)\b"
"""Words that would say the listener is a man ("assis ou allongé"); the scripts find other ways."""


def _all_texts(script) -> list[dict[str, str]]:
    steps = script.intro + script.cycle + script.steps + script.outro
    return [script.title, *(step.say for step in steps if step.say), *script.encouragements]


def test_nothing_depends_on_seeing():
    phrases = [getattr(load_phrases(), name).texts for name in load_phrases().__dataclass_fields__]
    for texts in [t for script in SCRIPTS.values() for t in _all_texts(script)] + phrases:
        for lang in LANGUAGES:
            assert not re.search(SIGHT[lang], texts[lang], re.IGNORECASE), texts[lang]


def test_french_says_vous_and_assumes_no_gender():
    for script in SCRIPTS.values():
        for texts in _all_texts(script):
            french = texts["fr"].lower()
            assert not re.search(TU_FORMS, french), french
            assert not re.search(ONE_GENDER, french), french
            assert "assis ou allongé" not in french


def test_cues_are_permissive_and_normalise_difficulty():
    for script in SCRIPTS.values():
        english = " ".join(texts["en"] for texts in _all_texts(script)).lower()
        assert re.search(r"if (it's|it is) comfortable|if you like|whichever is comfortable|never force|"
                         r"that's fine|that's all right|without straining|if you wish|no right or wrong", english), script.id


def test_the_sleep_wind_down_asks_nothing_and_the_others_end_with_the_closing_words():
    for script in SCRIPTS.values():
        said = [step for step in script.outro if step.say]
        assert said, script.id
    assert not any("?" in t["en"] or "?" in t["fr"] for t in _all_texts(SCRIPTS["sleep_wind_down"]))


# Errors name the file, the line and the problem ------------------------------------------

def _broken(template: str, old: str, new: str) -> str:
    assert old in template, old
    return template.replace(old, new, 1)


NO_FRENCH = """id: broken
group: breathing
title: {en: t, fr: t}
posture: seated
source: a book
needs: [calm]
contraindications: []
lengths: {minutes: [1], default: 1, made_by: cycles}
cycle:
  - say: {en: In, fr: Inspirez}
    breath: in
    seconds: 4
  - say:
      en: Out
    breath: out
    seconds: 6
"""


@pytest.mark.parametrize("text, problem, line", [
    (NO_FRENCH, "has no fr text", 14),
    ("id: broken\ngroup: breathing\ntitle: [oops\n", "not valid YAML", 4),
    (_broken(LINEAR, "group: meditation", "group: dancing"), "'group' 'dancing' is not one of", 1),
    (_broken(LINEAR, "    silence: 55\n", "    silence: 55\n  - tone: trumpet\n"), "no sound file audio/trumpet.wav", 12),
    (_broken(LINEAR, "silence: 55", "pause: -3"), "must be a number of seconds", 10),
    (_broken(LINEAR, "id: broken", "id: other"), "must match the file name", 1),
    (_broken(LINEAR, "posture: seated", "posture: standing"), "'posture' 'standing' is not one of", 1),
    (_broken(LINEAR, "source: a book\n", ""), "missing 'source'", 1),
    (_broken(LINEAR, "needs: [calm]", "needs: [calm, dancing]"), "'needs' has 'dancing'", 6),
    (_broken(LINEAR, "needs: [calm]", "needs: []"), "'needs' must be a list (at least one)", 1),
    (_broken(LINEAR, "contraindications: []", "contraindications: [heights]"), "'contraindications' has 'heights'", 7),
    (_broken(LINEAR, "contraindications: []\n", "contraindications: []\ncolour: blue\n"), "unknown keys: colour", 1),
    (_broken(LINEAR, "default: 1,", "default: 2,"), "default 2 is not one of the minutes offered", 8),
    (_broken(LINEAR, "minutes: [1]", "minutes: [5, 1]"), "from the shortest to the longest", 8),
    (_broken(LINEAR, ", made_by: silences", ""), "'lengths' is missing 'made_by'", 8),
    (_broken(LINEAR, "made_by: silences", "made_by: magic"), "'made_by' 'magic' is not one of", 8),
    (_broken(LINEAR, "made_by: silences", "made_by: cycles"), "'made_by: cycles' goes with a 'cycle'", 8),
    (_broken(LINEAR, "silence: 55", "silence: 55\n    pause: 80"), "at 1 min the en script would last 1.6 min", 8),
    (_broken(LINEAR, "    silence: 55\n", "    silence: 25\n  - say: {en: Hello there, fr: Re}\n    silence: 25\n"),
     "the same line is said twice: 'Hello there'", 1),
    (_broken(LINEAR, "    silence: 55\n", "    silence: 55\n    seconds: 4\n"), "unknown step keys: seconds", 10),
    (_broken(LINEAR, "    silence: 55\n", "    silence: 55\n    from_minutes: 1\n"), "'from_minutes' 1 must be one of the longer", 10),
    (_broken(LINEAR, "contraindications: []\n", "contraindications: []\nmax_cycles_at_first: 4\n"),
     "'max_cycles_at_first' is for a cycle", 1),
    (_broken(LINEAR, "Hello there", '"Are you there?"').replace("contraindications: []\n", "contraindications: []\nends_quietly: true\n"),
     "a script that ends quietly asks nothing", 1),
    (_broken(LINEAR, "contraindications: []\n", "contraindications: []\nends_quietly: sometimes\n"),
     "'ends_quietly' must be true or false", 1),
    (_broken(LINEAR, "contraindications: []\n", "contraindications: []\nfade:\n  middle: {rate_scale: 0.8}\n"),
     "'fade' has unknown keys: middle", 9),
    (_broken(LINEAR, "contraindications: []\n", "contraindications: []\nfade:\n  steps: {volume_scale: 3}\n"),
     "'volume_scale' 3.0 is more than 1.5 times", 9),
    (_broken(LINEAR, "contraindications: []\n", "contraindications: []\nfade:\n  steps: {rate_scale: 0}\n"),
     "'rate_scale' must be a positive number", 9),
    (_broken(CYCLE, "    breath: out\n", ""), "a cycle step needs 'breath'", 13),
    (_broken(CYCLE, "breath: out", "breath: sideways"), "'breath' 'sideways' is not one of", 13),
    (_broken(CYCLE, "breath: out", "breath: hold"), "lists 'breath_holds' in 'contraindications'", 1),
    (_broken(CYCLE, "contraindications: []", "contraindications: [breath_holds]"), "and only such a script does", 1),
    (_broken(CYCLE, "seconds: 6", "seconds: 1"), "a breath cycle of 5 s is fast breathing", 10),
    (_broken(CYCLE, "{en: Out, fr: Expirez}", "{en: Out slowly and gently now my dear friend, fr: Expirez}"),
     "the en cue takes 7.4 s at the slowest rate", 13),
    (_broken(CYCLE, "contraindications: []\n", "contraindications: []\nmax_cycles_at_first: 1\n"),
     "a whole number of cycles, at least 2", 1),
    (_broken(CYCLE, "contraindications: []\n", "contraindications: []\nfade:\n  intro: {rate_scale: 0.8}\n"),
     "a breathing script can fade only its 'outro'", 9),
    (CYCLE + "encouragement:\n  every_cycles: 2\n  lines:\n    - {en: You are doing really very well indeed my friend and I am proud, fr: Bien}\n",
     "the en encouragement 'You are doing really very well indeed my friend and I am proud' does not fit", 19),
    (_broken(CYCLE, "minutes: [1], default: 1", "minutes: [1, 2], default: 1").replace("cycle:", "cycle:", 1)
     + "outro:\n  - say: {en: Bye, fr: Au revoir}\n    from_minutes: 2\n", "unknown step keys: from_minutes", 17),
])
def test_a_broken_script_names_the_file_line_and_problem(tmp_path, text, problem, line):
    path = _write(tmp_path, "broken", text)
    with pytest.raises(ExerciseScriptError) as error:
        load_script(path)
    assert str(path) in str(error.value)
    assert problem in str(error.value)
    assert f"line {line}:" in str(error.value)


def test_a_broken_file_is_left_out_and_the_others_still_load(tmp_path):
    shutil.copy(SCRIPTS_DIR / "resonance_breathing.yml", tmp_path)
    _write(tmp_path, "broken", "id: broken\n: : :\n")
    scripts, errors = load_scripts(tmp_path)
    assert list(scripts) == []
    assert len(errors) == 2 and "broken.yml" in str(errors[0])
    assert "'slower' must name another breathing exercise" in str(errors[1])
    shutil.copy(SCRIPTS_DIR / "gentle_count.yml", tmp_path)
    scripts, errors = load_scripts(tmp_path)
    assert sorted(scripts) == ["gentle_count", "resonance_breathing"] and len(errors) == 1


def test_the_runner_phrases_are_checked_too(tmp_path):
    text = PHRASES_FILE.read_text(encoding="utf-8")
    broken = _write(tmp_path, "phrases", text.replace('fr: "D\'accord. Nous ferons {length} en tout."',
                                                      'fr: "D\'accord. Nous ferons {minutes} en tout."'))
    with pytest.raises(PhrasesError) as error:
        load_phrases(broken)
    assert "must use the same placeholders in every language (en: length; fr: minutes)" in str(error.value)
    assert "line 7:" in str(error.value)
    missing = _write(tmp_path, "missing", text.replace("ending_soon:", "ending_later:"))
    with pytest.raises(PhrasesError, match="is missing 'ending_soon'"):
        load_phrases(missing)
