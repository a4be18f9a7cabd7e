"""The whole safety layer, as `assistant nlu` reports it: the deterministic detector
and the trained crisis intent together, on the labelled tuning corpus, per language.

The classifier alone raises at most `distress`; only the rules confirm a crisis.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.conversation.understanding import CLASSIFIER_FINDING, Understanding
from assistant.safety.corpus import evaluate, read_corpus

CORPUS = Path(__file__).resolve().parent / "safety"
MAX_FULL_CRISIS_ON_NONE = 0.01
MAX_DISTRESS_ON_NONE = 0.02
"""The classifier's suspicions on plain feelings: a caring question, never the crisis script."""


def level_of(understanding: Understanding):
    def level(text: str) -> str | None:
        safety = understanding(text).safety
        return safety.level if safety is not None else None
    return level


@pytest.fixture(scope="module")
def understandings(models) -> dict[str, Understanding]:
    return {lang: Understanding(lang, models[lang]) for lang in ("en", "fr")}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_both_signals_on_the_tuning_corpus(understandings, lang):
    lines = [line for level in ("crisis", "distress", "body", "none")
             for line in read_corpus(CORPUS / f"{level}_{lang}.txt")]
    figures = evaluate(level_of(understandings[lang]), lines)
    print("\n".join(figures.lines(f"[{lang}] tuning, both signals")))
    assert figures.crisis_at_crisis == figures.crisis
    assert figures.distress_caught == figures.distress and figures.distress_as_crisis == 0
    assert figures.body_caught == figures.body
    assert figures.none_as_crisis <= MAX_FULL_CRISIS_ON_NONE * figures.none
    assert figures.none_as_distress <= MAX_DISTRESS_ON_NONE * figures.none


@pytest.mark.parametrize(
    ("lang", "text", "level", "intent"),
    [
        ("en", "i want to die", "crisis", "crisis"),
        ("en", "i feel hopeless", "distress", None),
        ("en", "i'm getting dizzy", "body", None),
        ("en", "this weather is killing me", None, None),
        ("fr", "je veux mourir", "crisis", "crisis"),
        ("fr", "je suis désespérée", "distress", None),
        ("fr", "j'ai la tête qui tourne", "body", None),
        ("fr", "je meurs de faim", None, None),
    ],
)
def test_understood_carries_the_finding_and_intent_crisis_only_at_crisis(understandings, lang, text, level, intent):
    understood = understandings[lang](text)
    assert (understood.safety.level if understood.safety else None) == level
    if intent is not None:
        assert understood.parse.intent == intent
    else:
        assert understood.parse.intent != "crisis"


def test_the_classifier_alone_raises_at_most_distress(understandings):
    """Lines the rules do not know but the crisis intent scores high get the distress question."""
    english = understandings["en"]
    suspected = [text for text in ("i want to end it all tonight", "i'm thinking of ending my life")
                 if english._model.parse(text).intent == "crisis"]
    assert suspected, "the crisis intent should recognise its own training lines"
    for text in suspected:
        finding = english(text).safety
        assert finding is not None and finding.level in ("crisis", "distress")
    assert CLASSIFIER_FINDING.level == "distress"


def test_assistant_nlu_reports_crisis_distress_or_null(home):
    """CONTRACTS.md: `safety` is "crisis", "distress" or null; a body sign is null there."""
    import json
    import subprocess
    import sys

    lines = "je veux mourir\nje suis désespérée\nj'ai la tête qui tourne\nje me sens seule\n"
    run = subprocess.run([sys.executable, "-m", "assistant", "--lang", "fr", "nlu"], input=lines,
                         capture_output=True, text=True, timeout=300,
                         env={"ASSISTANT_HOME": str(home), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr
    results = [json.loads(line) for line in run.stdout.splitlines()]
    assert [r["safety"] for r in results] == ["crisis", "distress", None, None]
    assert results[0]["intent"] == "crisis" and all(r["intent"] != "crisis" for r in results[1:])
    assert all(set(r) == {"text", "lang", "intent", "confidence", "entities", "safety"} for r in results)
