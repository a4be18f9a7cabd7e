"""Flows the executor runs on its own: a questionnaire, a consent, a deletion, setting a reminder.

A flow starts from an action the dialogue picks (action_start_questionnaire,
say) and asks its questions through the one way of asking: they are owned by
the executor (`Owner.EXECUTOR`) and name the flow (`Question.detail`). The
router reads every answer to them and hands the flow the reading; universal
commands are carried out by the router first and the question asked again. A
flow that can speak first (a reminder at its time) also says when it is due.

Flows live beside the capability they serve (assistant/questionnaires/,
assistant/schedule/, assistant/care/); app.py puts them together.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Callable, Protocol

from assistant.conversation.asking import Read
from assistant.conversation.state import Owner, Prompt, Question
from assistant.dialogue.engine import Parse

FLOW_KEY = "flow"
"""The key of Question.detail that names the flow owning the question."""


@dataclass(frozen=True)
class Handover:
    """The flow is done with this turn, and the dialogue takes up `parse` (a request said instead of an answer)."""

    parse: Parse


@dataclass(frozen=True)
class Rest:
    """The flow is done and the assistant goes back to waiting quietly, as after "I will wait": no reprompt follows.

    For what the assistant started itself (a reminder): once it is answered, or nobody
    answers, the room is left in peace.
    """


Step = Prompt | Handover | Rest | None
"""What a flow's answer leads to: its next question (or a menu), a handover to the dialogue, rest, or nothing."""


def flow_question(flow: str, kind: str, said: tuple[str, ...], name: str, offers: tuple[str, ...] = (),
                  **detail: Any) -> Question:
    """A question owned by the executor's flow `flow`, with whatever the flow needs to remember in `detail`."""
    return Question(kind, Owner.EXECUTOR, said, name, offers, detail=((FLOW_KEY, flow), *sorted(detail.items())))


def with_detail(question: Question, **detail: Any) -> Question:
    merged = {**dict(question.detail), **detail}
    return replace(question, detail=tuple(sorted(merged.items())))


class Flow(Protocol):
    name: str
    """The flow's name, as its questions carry it."""

    def actions(self) -> dict[str, Callable[[Parse], Any]]:
        """The dialogue actions this flow runs (name -> handler returning an ActionResult)."""

    def answer(self, question: Question, read: Read, parse: Parse) -> Step:
        """What the answer to one of this flow's questions leads to."""

    def silence(self, question: Question, silences: int) -> Step | bool:
        """Nobody answered one of its questions (`silences` in a row): a step, or False for the usual reprompts."""

    # Optional: `takes(question, parse) -> bool` says the flow reads this utterance as an answer even
    # when the NLU heard a universal command in it ("presque tous les jours" is an answer, not "faster").
    # Optional: `dropped(question)` is called when one of the flow's questions is left for something else
    # (a crisis, a request), so the flow can close what it started (a questionnaire is marked incomplete).


class Proactive(Protocol):
    """Something that may speak first: a reminder at its time, a daily check-in."""

    def next_due(self, now: datetime) -> datetime | None:
        """When it next wants to speak (local time), if ever."""

    def speak(self, now: datetime) -> Step:
        """Speak now, if something is due; returns the question asked, if any."""
