"""Feelings talk and questions about the assistant, measured on a corpus written apart
from the NLU examples (tests/feelings/feelings_<lang>.tsv).

Each corpus line is `text<TAB>intent<TAB>answer`. The trained models (the session
fixture `models`) must give the intent often enough; the figures are printed per
language with the confusions, so a change in nlu/ shows what it did. The corpus is
also held to what it claims: every answer names a response that exists, and no line
sets off the safety layer (these are feelings, not crises: a lonely person sent to a
helpline is the failure this work exists to fix). A mild body sign ("I feel poorly")
is allowed: outside an exercise the router hands it to the dialogue as talk of
feeling unwell.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from assistant.safety.detector import BODY, SafetyDetector

REPO = Path(__file__).resolve().parents[1]
CORPUS_DIR = Path(__file__).parent / "feelings"
LANGUAGES = ("en", "fr")

INTENTS = (
    "feeling_anxious", "feeling_lonely", "feeling_grief", "feeling_sleepless", "feeling_unwell",
    "feeling_bored", "feeling_angry", "feeling_low", "feeling_good",
    "ask_is_human", "ask_who_listens", "ask_what_is_kept", "ask_about_sharing", "ask_to_call",
    "unsure", "stay_quiet",
)
ANSWER = re.compile(r"^(reflect|reflect\+offer:(?P<offer>utter_\w+)|about:(?P<about>utter_\w+)|unsure|stay_quiet)$")

MIN_LINES = 60
MIN_LINES_PER_INTENT = 4
ACCURACY_FLOOR = {"en": 0.70, "fr": 0.70}
"""Intent accuracy each language must reach on its corpus.

Measured with the data of this commit: en 77.9% (106/136), fr 75.2% (103/137); on
the part written after the examples were final, en 80.5% (33/41), fr 73.8% (31/42).
Most misses go to out_of_scope (long everyday sentences, and the grief, sleep and
pain lines still listed there), talk_to_someone (orders to phone someone) or
nlu_fallback. The floor leaves a few lines of margin for intents added later."""


@dataclass(frozen=True)
class CorpusLine:
    text: str
    intent: str
    answer: str
    where: str
    """file:line, for messages."""


class CorpusError(ValueError):
    """A corpus line that is not `text<TAB>intent<TAB>answer` with a known intent and answer kind."""


def load_corpus(lang: str) -> list[CorpusLine]:
    """The corpus of `lang`, skipping blank and '#' lines; errors name the file and line."""
    path = CORPUS_DIR / f"feelings_{lang}.tsv"
    lines = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        where = f"{path.name}:{number}"
        fields = raw.split("\t")
        if len(fields) != 3 or not all(field.strip() for field in fields):
            raise CorpusError(f"{where}: expected text<TAB>intent<TAB>answer, got {raw!r}")
        text, intent, answer = (field.strip() for field in fields)
        if intent not in INTENTS:
            raise CorpusError(f"{where}: unknown intent {intent!r}")
        if not ANSWER.match(answer):
            raise CorpusError(f"{where}: unknown answer {answer!r}")
        lines.append(CorpusLine(text, intent, answer, where))
    return lines


def response_names(lang: str) -> set[str]:
    """Every response name the domain gives `lang` (all files under domain/responses/<lang>)."""
    names: set[str] = set()
    for path in sorted((REPO / "domain" / "responses" / lang).glob("*.yml")):
        names |= set(yaml.safe_load(path.read_text(encoding="utf-8")).get("responses", {}))
    return names


@pytest.fixture(params=LANGUAGES)
def lang(request: pytest.FixtureRequest) -> str:
    return request.param


def test_corpus_is_well_formed(lang: str) -> None:
    corpus = load_corpus(lang)
    assert len(corpus) >= MIN_LINES
    per_intent = Counter(line.intent for line in corpus)
    thin = {intent: per_intent[intent] for intent in INTENTS if per_intent[intent] < MIN_LINES_PER_INTENT}
    assert not thin, f"[{lang}] too few corpus lines for {thin}"
    assert len({line.text for line in corpus}) == len(corpus), f"[{lang}] a corpus line is repeated"


def test_corpus_answers_name_existing_responses(lang: str) -> None:
    known = response_names(lang)
    missing = []
    for line in load_corpus(lang):
        match = ANSWER.match(line.answer)
        name = match.group("offer") or match.group("about")
        if name and name not in known:
            missing.append(f"{line.where}: {name}")
    assert not missing, f"[{lang}] answers naming no response:\n  " + "\n  ".join(missing)


def test_corpus_gives_one_answer_per_intent(lang: str) -> None:
    """The answer follows from the intent; two answers for one intent is a typing slip."""
    answers: dict[str, set[str]] = {}
    for line in load_corpus(lang):
        answers.setdefault(line.intent, set()).add(line.answer)
    mixed = {intent: sorted(kinds) for intent, kinds in answers.items() if len(kinds) > 1}
    assert not mixed, f"[{lang}] several answers for one intent: {mixed}"


def test_corpus_stays_clear_of_the_safety_layer(lang: str) -> None:
    detector = SafetyDetector.load(lang)
    alarms = [(line, detector.assess(line.text)) for line in load_corpus(lang)]
    alarms = [f"{line.where}: {line.text!r} -> {found.level}/{found.kind}" for line, found in alarms
              if found is not None and not (found.level == BODY and not found.urgent)]
    assert not alarms, f"[{lang}] feelings taken for a crisis:\n  " + "\n  ".join(alarms)


def nlu_examples(lang: str) -> list[tuple[str, str]]:
    """(intent, text) of the feelings and about-the-assistant NLU files of `lang`."""
    examples = []
    for name in ("feelings.yml", "about.yml"):
        data = yaml.safe_load((REPO / "nlu" / lang / name).read_text(encoding="utf-8"))
        for block in data["nlu"]:
            examples += [(block["intent"], line[2:].strip()) for line in block["examples"].splitlines()
                         if line.startswith("- ")]
    return examples


def test_training_examples_stay_clear_of_the_safety_layer(lang: str) -> None:
    """Crisis, distress and urgent body signs belong to the safety layer, never to these intents."""
    detector = SafetyDetector.load(lang)
    taken = [(intent, text, detector.assess(text)) for intent, text in nlu_examples(lang)]
    taken = [f"{intent}: {text!r} -> {found.level}/{found.kind}" for intent, text, found in taken
             if found is not None and not (found.level == BODY and not found.urgent)]
    assert not taken, f"[{lang}] examples the safety layer owns:\n  " + "\n  ".join(taken)


def test_intent_accuracy(lang: str, models) -> None:
    corpus = load_corpus(lang)
    model = models[lang]
    results = [(line, model.parse(line.text)) for line in corpus]
    wrong = [(line, parse) for line, parse in results if parse.intent != line.intent]
    accuracy = 1 - len(wrong) / len(corpus)

    per_intent = Counter(line.intent for line in corpus)
    missed = Counter(line.intent for line, _ in wrong)
    confusions = Counter((line.intent, parse.intent) for line, parse in wrong)
    print(f"\n[{lang}] feelings corpus intent accuracy {accuracy:.1%} ({len(corpus) - len(wrong)}/{len(corpus)})")
    for intent in INTENTS:
        print(f"[{lang}]   {intent:<18} {per_intent[intent] - missed[intent]}/{per_intent[intent]}")
    for (expected, got), count in confusions.most_common():
        print(f"[{lang}]   confused {expected} -> {got}: {count}")
    for line, parse in wrong:
        print(f"[{lang}]   {line.where} {line.text!r}: {line.intent} -> {parse.intent} ({parse.confidence:.2f})")

    assert accuracy >= ACCURACY_FLOOR[lang], (
        f"[{lang}] accuracy {accuracy:.1%} < {ACCURACY_FLOOR[lang]:.0%}; wrong:\n  "
        + "\n  ".join(f"{line.text!r}: {line.intent} -> {parse.intent}" for line, parse in wrong)
    )
