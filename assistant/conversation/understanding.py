"""Understanding one utterance: the safety layer first, then the dialogue's NLU.

Two signals feed the safety layer. The deterministic detector (patterns in
safety/patterns/) decides crisis, distress or a body warning sign. The trained
`crisis` intent is the second signal, and it can raise at most `distress`: on
feelings that are not suicidal (loneliness, worry, low self-esteem) an n-gram
classifier over-fires, and the distress level answers a suspicion with one
caring question, while only the rules can confirm a crisis. The classifier is not
believed on words the detector knows to be an idiom, a negation or someone
else's story ("this weather is killing me", "I would never hurt myself").
The third signal, the meaning net (assistant/safety/meaning.py), hears what
neither knows by its words: where the detector found nothing it may ask the
distress question, and where it found nothing or only distress it may give the
full crisis response, when an utterance is as close to a crisis as the corpus's
own crisis lines. It never lowers what the rules found.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final

import yaml

from assistant.conversation.asking import UNCLEAR_INTENTS
from assistant.dialogue.engine import DialogueModel, Parse
from assistant.paths import PROJECT_ROOT
from assistant.safety.detector import BODY, CRISIS, DISTRESS, SafetyDetector, SafetyFinding
from assistant.safety.meaning import stored_net
from assistant.text import fold

FEELINGS_FILE: Final = PROJECT_ROOT / "conversation" / "feelings.yml"

CRISIS_INTENT_MIN_CONFIDENCE: Final = 0.9
"""The classifier's `crisis` intent raises the distress question from this confidence.

Measured on tests/safety (tuning corpus and held-out set, see
benchmarks/bench_safety.py): lower thresholds add distress questions on plain
feelings faster than they add caught crisis or distress lines."""

CLASSIFIER_FINDING: Final = SafetyFinding(DISTRESS, "classifier", "crisis_intent")
"""What the classifier alone can report: a suspicion, answered with the distress question."""
MEANING_FINDINGS: Final = {level: SafetyFinding(level, "meaning", "sentence_embedding") for level in (CRISIS, DISTRESS)}
"""What the meaning net alone can report: a crisis or a suspicion of one, from words like the corpus's lines."""


def with_meaning(finding: SafetyFinding | None, meaning: str | None) -> SafetyFinding | None:
    """`finding` raised by the meaning net's level (`MeaningNet.level`): nothing to distress or crisis,
    distress to crisis; a crisis or a body sign the rules found stays as it is."""
    if meaning == CRISIS and (finding is None or finding.level == DISTRESS):
        return MEANING_FINDINGS[CRISIS]
    if meaning == DISTRESS and finding is None:
        return MEANING_FINDINGS[DISTRESS]
    return finding


def _unalarmed(finding: SafetyFinding | None) -> bool:
    """Nothing the safety layer acts on outside an exercise: no finding, or a mild body sign."""
    return finding is None or (finding.level == BODY and not finding.urgent)


@dataclass(frozen=True)
class Understood:
    parse: Parse
    """Intent and entities; the intent is `crisis` exactly when the safety level is crisis."""
    safety: SafetyFinding | None
    """What the safety layer found (crisis, distress or body), or None; never the user's words."""


class Understanding:
    """Safety detector and NLU model for one language, each loaded once."""

    def __init__(self, lang: str, model: DialogueModel,
                 crisis_intent_min_confidence: float = CRISIS_INTENT_MIN_CONFIDENCE):
        """`crisis_intent_min_confidence` is for measuring other thresholds (benchmarks/bench_safety.py)."""
        self.lang = lang
        self._detector = SafetyDetector.load(lang)
        self._model = model
        self._meaning = stored_net()
        self._crisis_intent_min_confidence = crisis_intent_min_confidence
        unplaced = yaml.safe_load(FEELINGS_FILE.read_text(encoding="utf-8"))["unplaced"]
        self._unplaced_intent: str = unplaced["intent"]
        self._feeling_openers = tuple(fold(opener) + " " for opener in unplaced["openers"][lang])
        """A feeling in words the NLU does not know still opens like one ("i feel ...")."""

    def __call__(self, text: str) -> Understood:
        finding = self._detector.assess(text)
        parse = self._model.parse(text)
        suspected = (parse.intent == CRISIS and parse.confidence >= self._crisis_intent_min_confidence
                     and not self._detector.excluded(text))
        if parse.intent == CRISIS:
            parse = replace(parse, intent="out_of_scope")
        if suspected and _unalarmed(finding):
            finding = CLASSIFIER_FINDING
        if finding is None or finding.level == DISTRESS:
            finding = with_meaning(finding, self._meaning.level(self._detector.statements(text)))
        if finding is not None and finding.level == CRISIS:
            parse = replace(parse, intent=CRISIS, confidence=1.0)
        elif _unalarmed(finding) and parse.intent in UNCLEAR_INTENTS and fold(text).startswith(self._feeling_openers):
            parse = replace(parse, intent=self._unplaced_intent)
        return Understood(parse, finding)
