"""Where a conversation stands, in one place: the question waiting for an answer, and why.

The router owns one `ConversationState` and replaces it as the turn moves on;
the executor's actions, the safety response and the one way of asking read it
and return a new one. Nothing else keeps a copy.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from assistant.session.inbox import FREE, Expectation


class Owner(Enum):
    """Who deals with the answer to a question."""

    DIALOGUE = "dialogue"
    """A question the dialogue model asked (a Rasa response): the answer goes back to it."""
    CONFIRM = "confirm"
    """"Did you say three?": the answer confirms a value for another question."""
    SAFETY = "safety"
    """"Are you safe right now?" and what follows, until it is answered safely."""
    DISTRESS = "distress"
    """"Are you having thoughts of ending your life?", asked after distress."""
    EXECUTOR = "executor"
    """A question the executor asks for one of its own flows (consent, deletion, a questionnaire...)."""


@dataclass(frozen=True)
class Question:
    """Something the assistant asked, waiting for an answer."""

    kind: str
    """The kind of answer expected: number, yes_no, free (conversation/answers.yml)."""
    owner: Owner
    said: tuple[str, ...]
    """The sentences that asked it, said again when it is asked once more."""
    name: str = ""
    """What is asked: the Rasa response (utter_ask_mood) or the executor's own name ("safe_now")."""
    offers: tuple[str, ...] = ()
    """Phrases offered as answers, listened for by speech recognition."""
    candidate: Any = None
    """For a confirmation: the value being confirmed."""
    confirms: Question | None = None
    """For a confirmation: the question whose answer is being confirmed (None: said unprompted)."""
    detail: tuple[tuple[str, Any], ...] = ()
    """Whatever the owner needs to remember about this question (flow, step...)."""

    @property
    def expectation(self) -> Expectation:
        return Expectation(self.kind, self.offers)

    def get(self, key: str, default: Any = None) -> Any:
        return dict(self.detail).get(key, default)


@dataclass(frozen=True)
class Prompt:
    """What the assistant's last words leave open: a question, or a menu of phrases offered."""

    question: Question | None = None
    offers: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConversationState:
    """The conversation between two turns."""

    question: Question | None = None
    """The question waiting for an answer, if any."""
    offers: tuple[str, ...] = ()
    """The phrases of the last menu ("breathing", "check-in"), listened for when no question waits."""
    unclear: int = 0
    """Unclear answers in a row to that question."""
    silences: int = 0
    """Listens in a row that heard nothing."""
    after_crisis: bool = False
    """A crisis was answered in this conversation: the wake phrase is never required, goodbye leaves the number."""

    @property
    def expectation(self) -> Expectation:
        if self.question is not None:
            return self.question.expectation
        return Expectation("free", self.offers) if self.offers else FREE

    @property
    def in_safety(self) -> bool:
        """The safety question (or the distress question) is open: no other flow may start."""
        return self.question is not None and self.question.owner in (Owner.SAFETY, Owner.DISTRESS)

    def asking(self, prompt: Prompt | Question | None) -> ConversationState:
        """The state once `prompt` is said (None: nothing is asked or offered any more).

        Asking the same question again keeps the count of unclear answers to it.
        """
        if not isinstance(prompt, Prompt):
            prompt = Prompt(prompt)
        question = prompt.question
        unclear = self.unclear if question is not None and self.question is not None \
            and question.name == self.question.name and question.owner is self.question.owner else 0
        return replace(self, question=question, offers=prompt.offers, unclear=unclear)
