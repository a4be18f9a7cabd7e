"""Tests for the deterministic safety detector (assistant.safety.detector).

The labelled corpus lives in tests/safety/<level>_<lang>.txt (one ``level/kind |
utterance`` per line). On that tuning corpus every crisis line must be caught at
the crisis level (a miss can harm someone), every distress line at least at the
distress level, every body line as a body sign, and at most 1% of the non-crisis
lines may raise anything. The held-out set is measured in test_safety_heldout.py.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest

from assistant.safety.corpus import Labelled, read_corpus
from assistant.safety.detector import KINDS, LEVELS, SafetyDetector, SafetyDataError, SafetyFinding

CORPUS = Path(__file__).parent / "safety"
LANGUAGES = ("en", "fr")
MAX_ALARM_RATE_ON_NONE = 0.01
"""Tuning corpus: at most this share of non-crisis lines may raise any level."""
MIN_LINES = {"crisis": 500, "distress": 140, "body": 60, "none": 580}
"""The corpus sizes issue 8 asks for, per language (French as many as English)."""


def corpus(level: str, lang: str) -> list[Labelled]:
    """The labelled lines of one level's tuning file; each must carry that level."""
    lines = read_corpus(CORPUS / f"{level}_{lang}.txt")
    assert {line.level for line in lines} == {level}, f"{level}_{lang}.txt holds other levels"
    return lines


@pytest.fixture(scope="module")
def detectors() -> dict[str, SafetyDetector]:
    """One detector per language, loaded once as the application does."""
    return {lang: SafetyDetector.load(lang) for lang in LANGUAGES}


@pytest.fixture(params=LANGUAGES)
def lang(request: pytest.FixtureRequest) -> str:
    return request.param


def explain(detector: SafetyDetector, lines: list[tuple[Labelled, SafetyFinding | None]]) -> str:
    return "\n".join(f"  {line.level}/{line.kind} {line.text!r} -> "
                     f"{found and (found.level, found.rule)} seen as {detector.prepare(line.text)!r}"
                     for line, found in lines)


# ---------------------------------------------------------------- corpus figures


def test_corpus_sizes(lang: str) -> None:
    for level, minimum in MIN_LINES.items():
        assert len(corpus(level, lang)) >= minimum, (level, lang)


def test_every_crisis_line_is_caught_at_the_crisis_level(detectors, lang: str) -> None:
    detector, lines = detectors[lang], corpus("crisis", lang)
    found = [(line, detector.assess(line.text)) for line in lines]
    missed = [(line, f) for line, f in found if f is None or f.level != "crisis"]
    print(f"[{lang}] crisis at crisis {1 - len(missed) / len(lines):.1%} of {len(lines)}")
    assert not missed, f"[{lang}] {len(missed)} crisis line(s) not at crisis level:\n" + explain(detector, missed)


def test_every_distress_line_is_caught_and_none_gets_the_full_script(detectors, lang: str) -> None:
    detector, lines = detectors[lang], corpus("distress", lang)
    found = [(line, detector.assess(line.text)) for line in lines]
    wrong = [(line, f) for line, f in found if f is None or f.level != "distress"]
    print(f"[{lang}] distress at distress {1 - len(wrong) / len(lines):.1%} of {len(lines)}")
    assert not wrong, f"[{lang}] distress lines missed or over-reacted to:\n" + explain(detector, wrong)


def test_every_body_line_is_a_body_sign_of_its_kind(detectors, lang: str) -> None:
    detector, lines = detectors[lang], corpus("body", lang)
    found = [(line, detector.assess(line.text)) for line in lines]
    wrong = [(line, f) for line, f in found if f is None or (f.level, f.kind) != ("body", line.kind)]
    assert not wrong, f"[{lang}] body lines missed or misread:\n" + explain(detector, wrong)


def test_non_crisis_lines_rarely_raise_anything(detectors, lang: str) -> None:
    detector, lines = detectors[lang], corpus("none", lang)
    alarms = [(line, f) for line in lines if (f := detector.assess(line.text)) is not None]
    crisis = [(line, f) for line, f in alarms if f.level == "crisis"]
    rate = len(alarms) / len(lines)
    print(f"[{lang}] alarms on non-crisis {rate:.1%} ({len(alarms)}/{len(lines)}), full crisis {len(crisis)}")
    assert rate <= MAX_ALARM_RATE_ON_NONE, f"[{lang}] alarms {rate:.1%}:\n" + explain(detector, alarms)


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
def test_guide_examples_en(detectors, text: str, kind: str) -> None:
    finding = detectors["en"].assess(text)
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
def test_guide_examples_fr(detectors, text: str, kind: str) -> None:
    finding = detectors["fr"].assess(text)
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
def test_idioms_are_not_alarms(detectors, lang: str, text: str) -> None:
    assert detectors[lang].assess(text) is None


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
def test_negations_cancel_the_phrase_they_deny(detectors, lang: str, text: str) -> None:
    assert detectors[lang].assess(text) is None


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "i don't want to live anymore"),
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
def test_negative_wording_that_is_still_a_crisis(detectors, lang: str, text: str) -> None:
    finding = detectors[lang].assess(text)
    assert finding is not None and finding.level == "crisis", finding


def test_an_idiom_does_not_hide_a_crisis_in_the_same_sentence(detectors) -> None:
    finding = detectors["en"].assess("this weather is killing me and i want to die")
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
def test_spelling_variants_give_the_same_finding(detectors, lang: str, variants: list[str]) -> None:
    detector = detectors[lang]
    findings = {detector.assess(text) for text in variants}
    assert len(findings) == 1 and None not in findings, findings


def test_normalise_expands_contractions_and_strips_accents(detectors) -> None:
    assert detectors["en"].normalise("I’m  fine, don't worry!") == "i am fine do not worry"
    french = detectors["fr"].normalise("J'ai réveillé l'enfant, ça va ?")
    assert french == "j ai reveille l enfant ca va"


def test_empty_and_blank_text(detectors) -> None:
    detector = detectors["en"]
    assert detector.assess("") is None
    assert detector.assess("   ...  ") is None


# ---------------------------------------------------------------- API contract


def test_finding_is_frozen_and_names_a_known_kind_and_rule(detectors) -> None:
    finding = detectors["en"].assess("i wish i were dead")
    assert isinstance(finding, SafetyFinding)
    assert finding.kind in KINDS[finding.level] and finding.rule and "dead" not in finding.rule
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.level = "none"  # type: ignore[misc]


def test_every_kind_has_rules_in_every_language(lang: str) -> None:
    data_file = Path(__file__).resolve().parents[1] / "safety" / "patterns" / f"{lang}.yml"
    text = data_file.read_text(encoding="utf-8")
    for level in LEVELS:
        assert f"\n{level}:\n" in text, f"{lang}.yml has no {level} section"
        for kind in KINDS[level]:
            assert f"\n  {kind}:\n" in text, f"{lang}.yml has no {level} rules of kind {kind}"


def test_load_accepts_region_tags_and_builds_a_fresh_detector() -> None:
    """No hidden cache: the caller keeps the detector it loaded (Understanding does)."""
    first, second = SafetyDetector.load("fr"), SafetyDetector.load("fr-FR")
    assert first is not second
    assert first.assess("je veux mourir") == second.assess("je veux mourir") == SafetyDetector.load("FR").assess(
        "je veux mourir")


@pytest.mark.parametrize("language", ["de", "", "../en", "klingon"])
def test_unknown_language_raises_value_error(language: str) -> None:
    with pytest.raises(ValueError, match="No safety patterns for language"):
        SafetyDetector.load(language)


def test_assess_is_deterministic(detectors, lang: str) -> None:
    """Speed is measured by benchmarks/bench_safety.py, not here."""
    detector = detectors[lang]
    lines = [line.text for level in MIN_LINES for line in corpus(level, lang)]
    assert [detector.assess(line) for line in lines] == [detector.assess(line) for line in lines]


# ---------------------------------------------------------------- broken pattern files

VALID = """\
language: xx
exclusions:
  - id: idiom
    patterns: ['killing time']
crisis:
  explicit:
    - id: kill_self
      patterns: ['kill\\w* myself']
distress:
  hopeless:
    - id: hopeless
      patterns: ['hopeless']
body:
  dizzy:
    urgent: false
    rules:
      - id: dizzy
        patterns: ['dizzy']
  chest_pain:
    urgent: true
    rules:
      - id: chest
        patterns: ['chest pain']
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "broken.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_minimal_file_loads(tmp_path: Path) -> None:
    detector = SafetyDetector.from_file(write(tmp_path, VALID))
    assert detector.assess("i keep killing myself") == SafetyFinding("crisis", "explicit", "kill_self")
    assert detector.assess("just killing time") is None
    assert detector.assess("i feel hopeless") == SafetyFinding("distress", "hopeless", "hopeless")
    assert detector.assess("i feel dizzy") == SafetyFinding("body", "dizzy", "dizzy", urgent=False)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (VALID.replace("'kill\\w* myself'", "'kill(myself'"), "invalid regular expression"),
        (VALID.replace("explicit:", "desperate:"), "unknown crisis kind 'desperate'"),
        (VALID.replace("hopeless:", "dizzy:"), "unknown distress kind 'dizzy'"),
        (VALID.replace("language: xx\n", ""), "missing key 'language'"),
        (VALID[: VALID.index("crisis:")], "no rules"),
        (VALID.replace("    urgent: true\n", "    urgent: yes please\n"), "'urgent' must be true or false"),
        (VALID.replace("  chest_pain:", "  dizzy:"), "duplicate key 'dizzy'"),
        (VALID.replace("patterns: ['killing time']", "patterns: ['killing time']\n    levels: [mind]"),
         "'levels' must be a list"),
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


def test_excluded_tells_when_an_idiom_or_negation_was_recognised(detectors) -> None:
    english = detectors["en"]
    assert english.excluded("this weather is killing me")
    assert english.excluded("i would never kill myself")
    assert not english.excluded("i want to die")
    assert detectors["fr"].excluded("je meurs de faim")


# ---------------------------------------------------------------- levels and kinds (issue 8)


@pytest.mark.parametrize(
    ("lang", "text", "level", "kind"),
    [
        ("en", "help me die", "crisis", "explicit"),
        ("en", "is death the only answer?", "crisis", "passive_wish"),
        ("en", "i'm getting closer to it day by day", "crisis", "plan"),
        ("en", "I tried last night and it didn't work", "crisis", "past_attempt"),
        ("en", "i hope i die in my sleep", "crisis", "passive_wish"),
        ("en", "i envy my husband, he's dead and at peace", "crisis", "passive_wish"),
        ("en", "i've been saving up my pills", "crisis", "method"),
        ("en", "which medicines would kill me", "crisis", "method"),
        ("en", "i hide the cuts so nobody sees", "crisis", "self_harm"),
        ("en", "i've planned it quietly without anyone noticing", "crisis", "plan"),
        ("en", "I don't see the point anymore", "crisis", "passive_wish"),
        ("en", "i'm impatient to die", "crisis", "passive_wish"),
        ("en", "i feel hopeless", "distress", "hopeless"),
        ("en", "I can't go on", "distress", "cannot_go_on"),
        ("en", "I can't cope any more", "distress", "cannot_cope"),
        ("en", "i feel worthless", "distress", "worthless"),
        ("en", "I'm a burden to everyone", "distress", "burden"),
        ("en", "i'm completely overwhelmed", "distress", "overwhelmed"),
        ("en", "I'm getting dizzy", "body", "dizzy"),
        ("en", "i've got a pain in my chest", "body", "chest_pain"),
        ("en", "i'm short of breath", "body", "breathless"),
        ("en", "i feel faint", "body", "faint"),
        ("en", "I feel funny", "body", "unwell"),
        ("en", "i've had a fall", "body", "fall"),
        ("fr", "aidez-moi à mourir", "crisis", "explicit"),
        ("fr", "la mort est-elle la seule solution ?", "crisis", "passive_wish"),
        ("fr", "je m'en rapproche chaque jour", "crisis", "plan"),
        ("fr", "j'ai essayé hier soir et ça n'a pas marché", "crisis", "past_attempt"),
        ("fr", "j'ai fait une tentative", "crisis", "past_attempt"),
        ("fr", "j'espère mourir dans mon sommeil", "crisis", "passive_wish"),
        ("fr", "je mets mes cachets de côté", "crisis", "method"),
        ("fr", "je cache mes coupures sous mes manches", "crisis", "self_harm"),
        ("fr", "je le ferai sans que personne ne s'en aperçoive, j'ai tout prévu", "crisis", "plan"),
        ("fr", "je suis impatiente de mourir", "crisis", "passive_wish"),
        ("fr", "je ne vois plus l'intérêt", "crisis", "passive_wish"),
        ("fr", "j'ai envie de disparaître", "crisis", "euphemism"),
        ("fr", "je voudrais ne plus me réveiller", "crisis", "passive_wish"),
        ("fr", "je suis désespérée", "distress", "hopeless"),
        ("fr", "à quoi bon", "distress", "hopeless"),
        ("fr", "je ne peux plus continuer", "distress", "cannot_go_on"),
        ("fr", "je n'en peux plus", "distress", "cannot_cope"),
        ("fr", "je ne vaux rien", "distress", "worthless"),
        ("fr", "je suis un poids pour tout le monde", "distress", "burden"),
        ("fr", "je suis au bout du rouleau", "distress", "overwhelmed"),
        ("fr", "j'ai la tête qui tourne", "body", "dizzy"),
        ("fr", "j'ai mal à la poitrine", "body", "chest_pain"),
        ("fr", "je suis essoufflée", "body", "breathless"),
        ("fr", "je vais m'évanouir", "body", "faint"),
        ("fr", "je me sens bizarre", "body", "unwell"),
        ("fr", "je suis tombée", "body", "fall"),
    ],
)
def test_each_kind_of_each_level(detectors, lang: str, text: str, level: str, kind: str) -> None:
    finding = detectors[lang].assess(text)
    assert finding is not None and (finding.level, finding.kind) == (level, kind), finding


@pytest.mark.parametrize(
    ("lang", "text", "urgent"),
    [
        ("en", "i have chest pain", True),
        ("en", "i can't breathe", True),
        ("en", "i'm a bit out of breath", False),
        ("en", "i passed out", True),
        ("en", "i feel faint", False),
        ("en", "i fell and i can't get up", True),
        ("en", "i've had a fall", False),
        ("en", "i feel dizzy", False),
        ("fr", "j'ai une douleur dans la poitrine", True),
        ("fr", "je n'arrive plus à respirer", True),
        ("fr", "je suis un peu essoufflée", False),
        ("fr", "je me suis évanouie", True),
        ("fr", "je suis tombée et je n'arrive pas à me relever", True),
        ("fr", "je suis tombée", False),
    ],
)
def test_body_signs_say_whether_they_are_urgent(detectors, lang: str, text: str, urgent: bool) -> None:
    finding = detectors[lang].assess(text)
    assert finding is not None and finding.level == "body" and finding.urgent is urgent, finding


@pytest.mark.parametrize(
    ("lang", "text", "level"),
    [
        ("en", "I feel dizzy and I want to die", "crisis"),
        ("en", "i feel hopeless and i have chest pain", "body"),
        ("en", "i feel hopeless and a bit dizzy", "distress"),
        ("fr", "j'ai la tête qui tourne et je veux mourir", "crisis"),
        ("fr", "je suis désespérée et j'ai mal à la poitrine", "body"),
        ("fr", "je suis désespérée et j'ai un peu la tête qui tourne", "distress"),
    ],
)
def test_most_serious_finding_wins(detectors, lang: str, text: str, level: str) -> None:
    """Crisis first, then an urgent body sign, then distress, then a mild body sign."""
    assert detectors[lang].assess(text).level == level


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "i'm useless with computers"),
        ("en", "i can't cope with this heat"),
        ("en", "i'm overwhelmed by everyone's kindness"),
        ("en", "i feel so lonely"),
        ("en", "i can't sleep"),
        ("en", "i miss my wife terribly"),
        ("en", "i'm worried about my scan"),
        ("en", "the view took my breath away"),
        ("en", "i fell asleep in front of the telly"),
        ("en", "i tried the new recipe last night and it didn't work"),
        ("fr", "je suis nulle en informatique"),
        ("fr", "je ne supporte pas cette chaleur"),
        ("fr", "je me sens seule"),
        ("fr", "je n'arrive pas à dormir la nuit"),
        ("fr", "mon mari me manque"),
        ("fr", "laisse tomber"),
        ("fr", "je suis tombée amoureuse de ce chiot"),
        ("fr", "ça m'a coupé le souffle tellement c'était beau"),
        ("fr", "j'ai essayé la recette hier soir et ça n'a pas marché"),
    ],
)
def test_plain_feelings_and_idioms_raise_nothing(detectors, lang: str, text: str) -> None:
    assert detectors[lang].assess(text) is None


def test_exclusions_apply_to_the_levels_they_name(detectors) -> None:
    """An accident cut out for the crisis rules is still a fall for the body rules."""
    english = detectors["en"]
    assert "hurt myself" not in english.prepare("i hurt myself when i fell", "crisis")
    finding = english.assess("i hurt myself when i fell")
    assert finding is not None and (finding.level, finding.kind) == ("body", "fall")
    assert english.assess("i'm not dizzy any more") is None


# ---------------------------------------------------------------- statements said together (branch safety2)


@pytest.mark.parametrize(
    ("lang", "text", "level"),
    [
        ("fr", "à quoi bon, je n'en peux plus", "distress"),
        ("fr", "je n'en peux plus, à quoi bon", "distress"),
        ("fr", "a quoi bon je n en peux plus", "distress"),
        ("fr", "je n en peux plus a quoi bon", "distress"),
        ("fr", "je n'en peux plus depuis que Paul est parti", "distress"),
        ("fr", "je n'en peux plus et je suis toute seule", "distress"),
        ("fr", "je suis désespérée mais bon, à quoi bon", "distress"),
        ("fr", "euh ben j'en peux plus tu vois", "distress"),
        ("fr", "franchement je n'en peux plus", "distress"),
        ("fr", "j'en peux euh plus vous savez", "distress"),
        ("fr", "jen peux plus alors voila", "distress"),
        ("fr", "à quoi bon, je veux mourir", "crisis"),
        ("fr", "depuis que ma femme est partie je veux juste mourir", "crisis"),
        ("fr", "je veux mourir franchement", "crisis"),
        ("fr", "chui tanné de vivre", "crisis"),
        ("fr", "j'ai pu envie de vivre", "crisis"),
        ("fr", "jveux mourir", "crisis"),
        ("en", "i can't go on, not since paul died", "distress"),
        ("en", "i can't go on not since paul died", "distress"),
        ("en", "what's the point, i can't cope", "distress"),
        ("en", "i can't cope and i'm so tired", "distress"),
        ("en", "um i can't er go on you know", "distress"),
        ("en", "i'm a burden, i mean, i'm just a burden", "distress"),
        ("en", "since my wife died i just want to die", "crisis"),
        ("en", "i can't go on, i want to die", "crisis"),
        ("en", "i so tired of living", "crisis"),
        ("en", "i think ill just end it", "crisis"),
        ("en", "i want to die you know", "crisis"),
    ],
)
def test_statements_said_together_keep_their_level(detectors, lang: str, text: str, level: str) -> None:
    """Two statements, fillers or some context around one no longer hide it."""
    finding = detectors[lang].assess(text)
    assert finding is not None and finding.level == level, (text, finding, detectors[lang].prepare(text))


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "je n'en peux plus de ce bruit"),
        ("fr", "j'en peux plus d'attendre le plombier"),
        ("fr", "je n'en peux plus de rire avec cette émission"),
        ("fr", "à quoi bon acheter des fleurs, il pleut"),
        ("fr", "je peux plus continuer le tricot, j'ai mal aux doigts"),
        ("fr", "je suis au bout du rouleau de papier"),
        ("en", "i can't go on the bus with my hip"),
        ("en", "i can't take it any more, this noise from next door"),
        ("en", "i can't cope with this heat"),
        ("en", "i give up with this remote control"),
        ("en", "what's the point of ironing, nobody sees it"),
        ("en", "i'm ready to go when you are"),
        ("en", "i feel ill just now"),
    ],
)
def test_an_idiomatic_continuation_is_no_new_statement(detectors, lang: str, text: str) -> None:
    assert detectors[lang].assess(text) is None, detectors[lang].prepare(text)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "i keep thinking about the railway line at the end of the road"),
        ("en", "i'll be joining my husband soon, i've made sure of it"),
        ("en", "i won't be a burden to anyone much longer"),
        ("en", "my tablets would do the job"),
        ("en", "i've put my affairs in order, i won't need anything where i'm going"),
        ("fr", "je vais aller rejoindre mon mari"),
        ("fr", "je ne serai plus un poids bien longtemps"),
        ("fr", "je vais plus vous embêter bien longtemps"),
        ("fr", "mes cachets feraient l'affaire"),
        ("fr", "j'ai mis de l'ordre dans mes affaires, là où je vais je n'en aurai pas besoin"),
    ],
)
def test_older_peoples_indirect_wording_is_a_crisis(detectors, lang: str, text: str) -> None:
    finding = detectors[lang].assess(text)
    assert finding is not None and finding.level == "crisis", (text, finding)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "i walk along the railway line path with the dog"),
        ("en", "i'm going to join my husband at the bowls club"),
        ("en", "you won't have to look after me much longer, my hip's nearly healed"),
        ("en", "the tablets will do the trick for your headache"),
        ("en", "i've put my affairs in order and booked a cruise"),
        ("en", "i'm lonely since the children moved away"),
        ("en", "i miss my wife terribly, it's two years now"),
        ("en", "i can't sleep, i lie awake till four"),
        ("fr", "je vais rejoindre mon mari au club tout à l'heure"),
        ("fr", "je vais pas vous embêter, je peux monter l'escalier"),
        ("fr", "les cachets font l'affaire pour mon dos"),
        ("fr", "j'ai mis mes affaires en ordre, ça fait une chose de moins à penser"),
        ("fr", "je me sens seule depuis que les enfants sont partis"),
        ("fr", "mon mari me manque, ça fait deux ans"),
        ("fr", "je dors pas, je reste éveillée jusqu'à quatre heures"),
    ],
)
def test_their_everyday_twins_and_plain_feelings_raise_nothing(detectors, lang: str, text: str) -> None:
    assert detectors[lang].assess(text) is None, (text, detectors[lang].prepare(text))


@pytest.mark.parametrize(
    ("lang", "text", "normalised"),
    [
        ("en", "Um, well, I'm er... you know, so tired", "i am so tired"),
        ("en", "i so tired of it", "i am so tired of it"),
        ("en", "i think ill just go", "i think i will just go"),
        ("en", "i feel ill", "i feel ill"),
        ("en", "i mean it", "i mean it"),
        ("fr", "euh ben tu vois j'en peux plus", "j en peux plus"),
        ("fr", "sa sert a rien", "ca sert a rien"),
        ("fr", "g envie de dormir", "j ai envie de dormir"),
        ("fr", "chu fatiguée", "je suis fatiguee"),
        ("fr", "à quoi bon", "a quoi bon"),
    ],
)
def test_fillers_are_dropped_and_recogniser_slips_mended(detectors, lang: str, text: str, normalised: str) -> None:
    assert detectors[lang].normalise(text) == normalised


STATEMENTS = """\
normalise:
  fillers: ['um']
  rewrites:
    - {from: 'i(?= so\\b)', to: 'i am'}
statements:
  joiners: [and, not since]
  openers: [i]
"""


def test_statement_boundaries_and_fillers_in_a_minimal_file(tmp_path: Path) -> None:
    text = VALID.replace("language: xx\n", "language: xx\n" + STATEMENTS).replace(
        "patterns: ['hopeless']", "patterns: ['^i am hopeless$']")
    detector = SafetyDetector.from_file(write(tmp_path, text))
    assert detector.normalise("um i so tired") == "i am so tired"
    for said in ("i am hopeless", "i am hopeless and tired", "i am hopeless not since may",
                 "so tired and i am hopeless", "i am hopeless i am"):
        assert detector.assess(said) == SafetyFinding("distress", "hopeless", "hopeless"), said
    for said in ("i am hopeless at cards", "so i am hopeless"):
        assert detector.assess(said) is None, said


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        ("normalise:\n  filler: ['um']\n", "unknown key 'normalise.filler'"),
        ("normalise:\n  fillers: ['(um']\n", "invalid regular expression"),
        ("normalise:\n  fillers: ['Um']\n", "capital letters"),
        ("normalise:\n  rewrites:\n    - {from: 'i'}\n", "with 'from' and 'to'"),
        ("normalise:\n  rewrites:\n    - {from: 'i', to: 'I, am'}\n", "'to' must be plain lower-case words"),
        ("normalise:\n  rewrites:\n    - {from: '(i', to: 'i am'}\n", "invalid regular expression"),
        ("statements:\n  joiner: [and]\n", "unknown key 'statements.joiner'"),
        ("statements:\n  joiners: and\n", "'statements.joiners' must be a list"),
        ("statements:\n  openers: [i, '...']\n", "must be one or more plain words"),
        ("statements: [and]\n", "'statements' must be a mapping"),
    ],
)
def test_broken_normalise_or_statements_names_file_and_line(tmp_path: Path, section: str, problem: str) -> None:
    path = write(tmp_path, VALID.replace("language: xx\n", "language: xx\n" + section))
    with pytest.raises(SafetyDataError) as raised:
        SafetyDetector.from_file(path)
    message = str(raised.value)
    assert f"{path}:" in message and problem in message, message


AROUND = {
    "en": [("um ", ""), ("since my wife died ", ""), ("", " not since the funeral"), ("", " and i don't know what to do"),
           ("well you know ", " to be honest"), ("but ", " so there"), ("my son says i should get out more but ", ""),
           ("", " if i'm honest with you")],
    "fr": [("euh ", ""), ("depuis que ma femme est morte ", ""), ("", " pas depuis l'enterrement"),
           ("", " et je sais pas quoi faire"), ("bah vous savez ", " voilà"), ("mais ", " hein"),
           ("mon fils dit que je devrais sortir mais ", ""), ("franchement ", " je vous jure")],
}
"""Context, fillers and a second statement put around every tuning line: what people add when they speak."""
MIN_KEPT_AROUND = 0.995
"""Share of tuning lines that must keep their level with words around them (a few everyday readings remain:
"and then i'm ready to go")."""


def test_words_around_a_statement_keep_its_level_and_add_no_alarm(detectors, lang: str) -> None:
    detector, kept, total, wrong = detectors[lang], 0, 0, []
    for level in ("crisis", "distress", "none"):
        for line in corpus(level, lang):
            for before, after in AROUND[lang]:
                finding = detector.assess(before + line.text + after)
                ok = (finding is None or finding.level == "body") if level == "none" else (
                    finding is not None and finding.level == level)
                kept, total = kept + ok, total + 1
                if not ok:
                    wrong.append((before + line.text + after, finding))
    print(f"[{lang}] kept with words around {kept}/{total}")
    assert kept >= MIN_KEPT_AROUND * total, "\n".join(f"  {text!r} -> {found}" for text, found in wrong[:40])
