"""Tests for the deterministic crisis-language detector (assistant.safety.detector).

The labelled corpus lives in tests/safety/*.txt: every crisis line must be caught
(a miss can harm someone) and at most 3% of the hard negatives may raise an alarm.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest

from assistant.safety.detector import KINDS, SafetyDetector, SafetyDataError, SafetyFinding

CORPUS = Path(__file__).parent / "safety"
LANGUAGES = ("en", "fr")
MAX_FALSE_ALARM_RATE = 0.03


def corpus(name: str) -> list[str]:
    """Utterances of one corpus file, skipping blank and '#' comment lines."""
    lines = (CORPUS / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


@pytest.fixture(params=LANGUAGES)
def lang(request: pytest.FixtureRequest) -> str:
    return request.param


# ---------------------------------------------------------------- corpus figures


def test_recall_is_total_on_crisis_corpus(lang: str) -> None:
    detector = SafetyDetector.load(lang)
    lines = corpus(f"crisis_{lang}.txt")
    assert len(lines) >= 70
    missed = [line for line in lines if detector.assess(line) is None]
    recall = 1 - len(missed) / len(lines)
    print(f"[{lang}] recall {recall:.1%} on {len(lines)} crisis lines")
    assert not missed, f"[{lang}] recall {recall:.1%}; missed {len(missed)} line(s):\n" + "\n".join(
        f"  {line!r} -> seen as {detector.prepare(line)!r}" for line in missed
    )


def test_false_alarms_are_rare_on_hard_negatives(lang: str) -> None:
    detector = SafetyDetector.load(lang)
    lines = corpus(f"negatives_{lang}.txt")
    assert len(lines) >= 70
    alarms = [(line, detector.assess(line)) for line in lines]
    alarms = [(line, found) for line, found in alarms if found is not None]
    rate = len(alarms) / len(lines)
    print(f"[{lang}] false alarms {rate:.1%} ({len(alarms)}/{len(lines)} hard negatives)")
    assert rate <= MAX_FALSE_ALARM_RATE, (
        f"[{lang}] false alarms {rate:.1%} > {MAX_FALSE_ALARM_RATE:.0%}:\n"
        + "\n".join(f"  {line!r} -> {found.kind}/{found.rule}" for line, found in alarms)
    )


# ---------------------------------------------------------------- GUIDE.md and brief examples


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("I wish I wouldn't wake up", "passive_wish"),
        ("i wish i would not wake up", "passive_wish"),
        ("go to sleep forever", "euphemism"),
        ("i want to kill myself", "explicit"),
        ("how many pills would it take", "method"),
        ("what is a lethal dose of paracetamol", "method"),
        ("asking for a friend how many pills would it take", "asking_for_friend"),
        ("i want to hurt myself", "self_harm"),
    ],
)
def test_guide_examples_en(text: str, kind: str) -> None:
    finding = SafetyDetector.load("en").assess(text)
    assert finding is not None, text
    assert (finding.level, finding.kind) == ("crisis", kind), finding


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("j'aimerais ne pas me réveiller", "passive_wish"),
        ("je voudrais dormir pour toujours", "euphemism"),
        ("je vais me suicider", "explicit"),
        ("combien de cachets faut-il", "method"),
        ("c'est pour un ami, quelle est la dose mortelle ?", "asking_for_friend"),
        ("je veux me faire du mal", "self_harm"),
    ],
)
def test_guide_examples_fr(text: str, kind: str) -> None:
    finding = SafetyDetector.load("fr").assess(text)
    assert finding is not None, text
    assert (finding.level, finding.kind) == ("crisis", kind), finding


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "this weather is killing me"),
        ("en", "my feet are killing me"),
        ("en", "i'm dying to see my grandchildren"),
        ("en", "i want to end this exercise"),
        ("en", "i'm just killing time"),
        ("en", "i'm dead tired"),
        ("en", "kill the lights"),
        ("en", "my husband died two years ago and i miss him"),
        ("fr", "je meurs de faim"),
        ("fr", "mort de rire"),
        ("fr", "ça me tue de rire"),
        ("fr", "je suis morte de fatigue"),
        ("fr", "j'ai envie d'en finir avec ce ménage"),
        ("fr", "on tue le temps"),
    ],
)
def test_idioms_are_not_alarms(lang: str, text: str) -> None:
    assert SafetyDetector.load(lang).assess(text) is None


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "i'm not suicidal"),
        ("en", "i would never hurt myself"),
        ("en", "i don't want to die"),
        ("fr", "je ne veux pas mourir"),
        ("fr", "je ne suis pas suicidaire"),
        ("fr", "je n'ai pas envie de mourir"),
    ],
)
def test_negations_cancel_the_phrase_they_deny(lang: str, text: str) -> None:
    assert SafetyDetector.load(lang).assess(text) is None


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "i don't want to live anymore"),
        ("en", "i can't go on"),
        ("en", "i don't want to wake up"),
        ("en", "i can't stop thinking about killing myself"),
        ("en", "i'm not suicidal but some days i think about it"),
        ("en", "i would never hurt myself but i think about it all the time"),
        ("fr", "je ne veux plus vivre"),
        ("fr", "je veux plus vivre"),
        ("fr", "je n'ai plus envie de vivre"),
        ("fr", "je ne suis pas suicidaire mais j'y pense souvent"),
    ],
)
def test_negative_wording_that_is_still_a_crisis(lang: str, text: str) -> None:
    assert SafetyDetector.load(lang).assess(text) is not None


def test_an_idiom_does_not_hide_a_crisis_in_the_same_sentence() -> None:
    finding = SafetyDetector.load("en").assess("this weather is killing me and i want to die")
    assert finding is not None and finding.kind == "passive_wish"


# ---------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    ("lang", "variants"),
    [
        ("en", [
            "I don’t want to live anymore.",
            "i dont want to live anymore",
            "I DON'T WANT TO LIVE ANY MORE!",
        ]),
        ("en", ["i want to kill myself", "i want to kill my self", "i wanna kill mi self"]),
        ("fr", [
            "J’aimerais ne pas me réveiller.",
            "j aimerais ne pas me reveiller",
            "J'AIMERAIS NE PAS ME RÉVEILLER",
        ]),
        ("fr", ["je veux mettre fin à mes jours", "je veux mettre fin a mes jours"]),
    ],
)
def test_spelling_variants_give_the_same_finding(lang: str, variants: list[str]) -> None:
    detector = SafetyDetector.load(lang)
    findings = {detector.assess(text) for text in variants}
    assert len(findings) == 1 and None not in findings, findings


def test_normalise_expands_contractions_and_strips_accents() -> None:
    assert SafetyDetector.load("en").normalise("I’m  fine, don't worry!") == "i am fine do not worry"
    french = SafetyDetector.load("fr").normalise("J'ai réveillé l'enfant, ça va ?")
    assert french == "j ai reveille l enfant ca va"


def test_empty_and_blank_text() -> None:
    detector = SafetyDetector.load("en")
    assert detector.assess("") is None
    assert detector.assess("   ...  ") is None


# ---------------------------------------------------------------- API contract


def test_finding_is_frozen_and_names_a_known_kind_and_rule() -> None:
    finding = SafetyDetector.load("en").assess("i wish i were dead")
    assert isinstance(finding, SafetyFinding)
    assert finding.kind in KINDS and finding.rule and "dead" not in finding.rule
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.level = "none"  # type: ignore[misc]


def test_every_kind_has_rules_in_every_language(lang: str) -> None:
    data_file = Path(__file__).resolve().parents[1] / "safety" / "patterns" / f"{lang}.yml"
    text = data_file.read_text(encoding="utf-8")
    for kind in KINDS:
        assert f"\n  {kind}:\n" in text, f"{lang}.yml has no rules of kind {kind}"


def test_load_is_cached_and_accepts_region_tags() -> None:
    assert SafetyDetector.load("fr") is SafetyDetector.load("fr-FR") is SafetyDetector.load("FR")


@pytest.mark.parametrize("language", ["de", "", "../en", "klingon"])
def test_unknown_language_raises_value_error(language: str) -> None:
    with pytest.raises(ValueError, match="No safety patterns for language"):
        SafetyDetector.load(language)


def test_assess_is_deterministic_and_fast(lang: str) -> None:
    detector = SafetyDetector.load(lang)
    lines = corpus(f"crisis_{lang}.txt") + corpus(f"negatives_{lang}.txt")
    first = [detector.assess(line) for line in lines]
    start = time.perf_counter()
    second = [detector.assess(line) for line in lines]
    per_utterance_ms = (time.perf_counter() - start) * 1000 / len(lines)
    print(f"[{lang}] {per_utterance_ms:.3f} ms per utterance")
    assert first == second
    assert per_utterance_ms < 1.0


# ---------------------------------------------------------------- broken pattern files

VALID = """\
language: xx
exclusions:
  - id: idiom
    patterns: ['killing time']
rules:
  explicit:
    - id: kill_self
      patterns: ['kill\\w* myself']
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "broken.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_minimal_file_loads(tmp_path: Path) -> None:
    detector = SafetyDetector.from_file(write(tmp_path, VALID))
    assert detector.assess("i keep killing myself") == SafetyFinding("crisis", "explicit", "kill_self")
    assert detector.assess("just killing time") is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (VALID.replace("'kill\\w* myself'", "'kill(myself'"), "invalid regular expression"),
        (VALID.replace("explicit:", "desperate:"), "unknown kind 'desperate'"),
        (VALID.replace("language: xx\n", ""), "missing key 'language'"),
        (VALID[: VALID.index("rules:")], "missing key 'rules'"),
        (VALID.replace("      patterns: ['kill\\w* myself']\n", ""), "'patterns' must be a non-empty list"),
        (VALID.replace("    - id: kill_self\n      patterns", "    - patterns"), "without 'id'"),
        (VALID.replace("'kill\\w* myself'", "'kill <SELF>'"), "unknown fragment <SELF>"),
        (VALID.replace("'kill\\w* myself'", "'Kill myself'"), "capital letters"),
        (VALID.replace("'kill\\w* myself'", "'(?:kill)?'"), "matches empty text"),
        (VALID.replace("      patterns:", "      pattern:"), "unknown key 'pattern'"),
        (VALID + "  explicit: [oops\n", "YAML syntax error"),
    ],
)
def test_broken_pattern_file_names_file_and_problem(tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(SafetyDataError) as raised:
        SafetyDetector.from_file(path)
    message = str(raised.value)
    assert str(path) in message and problem in message, message


def test_invalid_regex_error_gives_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("'kill\\w* myself'", "'kill(myself'"))
    with pytest.raises(SafetyDataError, match=rf"{path}:8: rule 'kill_self'"):
        SafetyDetector.from_file(path)


def test_missing_file_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(SafetyDataError, match="cannot read pattern file"):
        SafetyDetector.from_file(tmp_path / "nowhere.yml")


def test_excluded_tells_when_an_idiom_or_negation_was_recognised() -> None:
    english = SafetyDetector.load("en")
    assert english.excluded("this weather is killing me")
    assert english.excluded("i would never kill myself")
    assert not english.excluded("i want to die")
    assert SafetyDetector.load("fr").excluded("je meurs de faim")
