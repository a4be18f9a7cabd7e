"""Understanding one utterance: the safety layer first, then the dialogue's NLU.

Two signals can raise a crisis: the deterministic detector (patterns in
safety/patterns/) and the trained `crisis` intent. Either one is enough.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from assistant.dialogue.engine import DialogueModel, Parse
from assistant.safety.detector import SafetyDetector

CRISIS_INTENT_MIN_CONFIDENCE = 0.5
"""The classifier's `crisis` intent raises the safety response from this confidence."""


@dataclass(frozen=True)
class Understood:
    parse: Parse
    """Intent and entities; the intent is `crisis` whenever the safety layer fired."""
    crisis_kind: str | None
    """What kind of crisis language was heard (for the journal), or None."""


class Understanding:
    """Safety detector and NLU model for one language."""

    def __init__(self, lang: str, model: DialogueModel):
        self.lang = lang
        self._detector = SafetyDetector.load(lang)
        self._model = model

    def __call__(self, text: str) -> Understood:
        finding = self._detector.assess(text)
        parse = self._model.parse(text)
        if finding is not None:
            return Understood(replace(parse, intent="crisis", confidence=1.0), finding.kind)
        if parse.intent == "crisis" and parse.confidence >= CRISIS_INTENT_MIN_CONFIDENCE:
            return Understood(parse, "classifier")
        if parse.intent == "crisis":
            parse = replace(parse, intent="out_of_scope")
        return Understood(parse, None)
