"""The one way of asking: what an utterance means for the question waiting for an answer.

Every question (a check-in score, an offer, the safety question, a
confirmation, a consent, a questionnaire item) is read the same way, from
the rules in conversation/answers.yml: universal commands pass through,
an answer of the question's kind is taken (or confirmed when unsure), the
kind's way out leaves the question, a clear request elsewhere drops it, and
anything else is unclear. The owner of the question decides what each
reading leads to; this module only reads.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

import yaml

from assistant.conversation.scores import Scale, Score, Sureness
from assistant.conversation.state import Question
from assistant.dialogue.engine import Parse
from assistant.paths import PROJECT_ROOT

ANSWERS_FILE = PROJECT_ROOT / "conversation" / "answers.yml"
CONFIRM_BELOW = 0.6
"""A spoken answer recognised with less confidence than this (0 to 1) is checked: "Did you say three?"."""
UNCLEAR_INTENTS = frozenset({"out_of_scope", "nlu_fallback"})


class Reading(Enum):
    """What an utterance is, for the question waiting for an answer."""

    ANSWER = "answer"
    """It answers the question; `value` is the answer."""
    UNSURE = "unsure"
    """It may answer it: `value` is to be confirmed first."""
    FEELING = "feeling"
    """Talk of feelings with no answer in it: heard, then the question asked again."""
    COMMAND = "command"
    """A universal command: carried out, then the question asked again."""
    WAY_OUT = "way_out"
    """The question's way out: skipped or declined."""
    REQUEST = "request"
    """A clear request for something else: the question is dropped."""
    UNCLEAR = "unclear"


@dataclass(frozen=True)
class Read:
    reading: Reading
    value: Any = None
    score: Score | None = None
    """For a score question: the score read, and how surely."""
    confidence: float | None = None
    """The recogniser's confidence in the words (0 to 1), None when typed: a flow may confirm unsure answers."""


@dataclass(frozen=True)
class Kind:
    """How one kind of question is answered (conversation/answers.yml)."""

    answers: frozenset[str]
    way_out: frozenset[str]
    way_out_intent: str
    feelings_mean: dict[str, int | None]
    again: str
    choices: str


@dataclass(frozen=True)
class AnswerRules:
    commands: frozenset[str]
    requests: frozenset[str]
    kinds: dict[str, Kind]

    @classmethod
    def load(cls) -> AnswerRules:
        raw = yaml.safe_load(ANSWERS_FILE.read_text(encoding="utf-8"))
        kinds = {name: Kind(answers=frozenset(kind["answers"]), way_out=frozenset(kind["way_out"]),
                            way_out_intent=kind["way_out_intent"], feelings_mean=dict(kind.get("feelings_mean") or {}),
                            again=kind["again"], choices=kind["choices"])
                 for name, kind in raw["kinds"].items()}
        return cls(frozenset(raw["commands"]), frozenset(raw["requests"]), kinds)

    def kind(self, name: str) -> Kind:
        return self.kinds.get(name, self.kinds["free"])


class Asking:
    """Reads utterances against questions, for one language."""

    def __init__(self, rules: AnswerRules, scale: Scale):
        self.rules = rules
        self.scale = scale

    def read(self, question: Question, parse: Parse, confidence: float | None,
             requests: frozenset[str] | None = None) -> Read:
        """What `parse` (heard with `confidence`, None when typed) means for `question`.

        `requests` narrows which requests may leave the question (the safety
        question lets fewer through); by default those of answers.yml.
        """
        return replace(self._read(question, parse, confidence, requests), confidence=confidence)

    def _read(self, question: Question, parse: Parse, confidence: float | None,
              requests: frozenset[str] | None) -> Read:
        intent = parse.intent
        if intent in self.rules.commands:
            return Read(Reading.COMMAND, intent)
        kind = self.rules.kind(question.kind)
        if question.kind == "number":
            answer = self._score(kind, parse, confidence)
            if answer is not None:
                return answer
        elif question.kind == "yes_no" and intent in kind.answers:
            value = {"affirm": "yes", "deny": "no"}.get(intent, "unsure")
            unsure = confidence is not None and confidence < CONFIRM_BELOW and value != "unsure"
            return Read(Reading.UNSURE if unsure else Reading.ANSWER, value)
        if intent in kind.way_out:
            return Read(Reading.WAY_OUT, kind.way_out_intent)
        if intent in (self.rules.requests if requests is None else requests):
            return Read(Reading.REQUEST, intent)
        if question.kind == "free" and intent not in self.rules.requests:
            return Read(Reading.ANSWER, parse.text)
        if question.kind == "yes_no" and intent.startswith("feeling_"):
            return Read(Reading.REQUEST, intent)
        return Read(Reading.UNCLEAR)

    def _score(self, kind: Kind, parse: Parse, confidence: float | None) -> Read | None:
        """A score answer: the number or the scale's words, or feelings that suggest one.

        A score inside a request ("breathing for five minutes") is not an answer.
        """
        intent = parse.intent
        says_feeling = intent in kind.feelings_mean
        score = self.scale.read(parse) if intent not in kind.way_out or intent == "deny" else None
        if score is not None and (says_feeling or intent in kind.answers | UNCLEAR_INTENTS | {"deny", "affirm"}):
            sure = score.sureness is Sureness.EXACT or intent in kind.answers
            if not sure or (confidence is not None and confidence < CONFIRM_BELOW):
                return Read(Reading.UNSURE, score.value, score)
            return Read(Reading.ANSWER, score.value, score)
        if says_feeling:
            likely = kind.feelings_mean[intent]
            return Read(Reading.UNSURE, likely) if likely is not None else Read(Reading.FEELING, intent)
        return None
