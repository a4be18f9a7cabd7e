"""The trained dialogue, in-process: understands a text and picks the next action.

Rasa decides *what* comes next; the assistant's executor runs it. So instead of
letting Rasa run actions (which would need an action server), the engine asks
the model for one action at a time and records what the executor did. The
tracker lives in SQLite under ASSISTANT_HOME and keeps intents and entities,
never the user's words.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.paths import private_file
from assistant.session.inbox import Expectation

MAX_ACTIONS_PER_TURN = 10
"""A guard against a rule loop: no turn runs more actions than this."""


@dataclass(frozen=True)
class Parse:
    """What the NLU model made of one text."""

    text: str
    intent: str
    confidence: float
    entities: list[dict[str, str]] = field(default_factory=list)
    """Entity names and values: what the dialogue tracker may keep."""
    spans: tuple[tuple[str, str, str], ...] = ()
    """(entity, value, the words it was read from): for reading answers, never stored."""

    def entity(self, name: str) -> str | None:
        return next((item["value"] for item in self.entities if item["entity"] == name), None)


@dataclass(frozen=True)
class Response:
    text: str
    expect: Expectation
    """What kind of answer follows (free, number, yes_no...) and the phrases it offers."""
    asks: bool
    """Whether the response asks a question (its metadata names the kind of answer)."""
    yes_means: tuple[tuple[str, str], ...] = ()
    """For an offer: the entities a "yes" carries to the dialogue (metadata `yes_means: {need: worry}`)."""


class DialogueModel:
    """One language's trained model, loaded once; conversations share it."""

    def __init__(self, model_path: Path):
        from assistant.dialogue import prepare_rasa

        prepare_rasa()
        from rasa.core.agent import Agent

        self._loop = asyncio.new_event_loop()
        self._agent = Agent.load(str(model_path))
        self.processor = self._agent.processor
        self.domain = self._agent.domain

    def run(self, coroutine: Any) -> Any:
        return self._loop.run_until_complete(coroutine)

    def parse(self, text: str) -> Parse:
        from rasa.core.channels.channel import UserMessage

        data = self.run(self.processor.parse_message(UserMessage(text)))
        intent = data.get("intent") or {}
        found = data.get("entities", [])
        entities = [{"entity": item["entity"], "value": str(item["value"])} for item in found]
        spans = tuple((item["entity"], str(item["value"]), text[item["start"]:item["end"]]) for item in found
                      if "start" in item and "end" in item)
        return Parse(text, intent.get("name") or "nlu_fallback", float(intent.get("confidence") or 0.0), entities,
                     spans)

    def response(self, name: str) -> Response:
        """Response `name` in this model's language (its first wording)."""
        return self.variants(name)[0]

    def variants(self, name: str) -> list[Response]:
        """Every wording of response `name`: a daily user should not hear the same line every day."""
        return [self._response(variant) for variant in self.domain.responses[name]]

    @staticmethod
    def _response(variant: dict[str, Any]) -> Response:
        metadata = variant.get("metadata") or {}
        expect = Expectation(metadata.get("expect", "free"), tuple(metadata.get("offers", ())))
        yes_means = tuple((str(entity), str(value)) for entity, value in (metadata.get("yes_means") or {}).items())
        return Response(variant["text"], expect, "expect" in metadata, yes_means)

    def conversation(self, tracker_db: Path, conversation_id: str) -> "Dialogue":
        """A new conversation whose tracker is kept in the SQLite file `tracker_db`."""
        from rasa.core.tracker_store import SQLTrackerStore

        tracker_db.touch(mode=0o600)
        store = SQLTrackerStore(self.domain, dialect="sqlite", db=str(private_file(tracker_db)))
        return Dialogue(self, store, conversation_id)


class Dialogue:
    """One conversation's state, moved on by the user's turns and the executor's actions."""

    def __init__(self, model: DialogueModel, store: Any, conversation_id: str):
        self.model = model
        self._store = store
        model.processor.tracker_store = store
        self._tracker = model.run(model.processor.fetch_tracker_and_update_session(conversation_id))

    def parse(self, text: str) -> Parse:
        return self.model.parse(text)

    def response(self, name: str) -> Response:
        return self.model.response(name)

    def variants(self, name: str) -> list[Response]:
        return self.model.variants(name)

    def user_said(self, parse: Parse) -> None:
        """Record the user's turn (intent and entities, not the words)."""
        from rasa.shared.core.events import UserUttered

        intent = {"name": parse.intent, "confidence": parse.confidence}
        entities = [dict(item) for item in parse.entities]
        self._tracker.update(UserUttered(None, intent, entities, {"intent": intent, "entities": entities, "text": None}),
                             self.model.domain)

    def next_action(self) -> str:
        prediction = self.model.processor._predict_next_with_tracker(self._tracker)
        return self.model.domain.action_names_or_texts[prediction.max_confidence_index]

    def action_done(self, name: str, slots: dict[str, Any] | None = None) -> None:
        """Record that the executor ran `name`, and the slots it set."""
        from rasa.shared.core.events import ActionExecuted, SlotSet

        self._tracker.update(ActionExecuted(name), self.model.domain)
        for slot, value in (slots or {}).items():
            self._tracker.update(SlotSet(slot, value), self.model.domain)

    def forget(self) -> None:
        """Start this conversation's tracker afresh, as a new session: the user had what they said deleted.

        The store only adds the events it does not hold yet, so without this the
        next save would write the deleted turns back.
        """
        from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
        from rasa.shared.core.events import ActionExecuted, SessionStarted
        from rasa.shared.core.trackers import DialogueStateTracker

        self._tracker = DialogueStateTracker.from_events(
            self._tracker.sender_id,
            [ActionExecuted(ACTION_SESSION_START_NAME), SessionStarted(), ActionExecuted(ACTION_LISTEN_NAME)],
            self.model.domain.slots)

    def slot(self, name: str) -> Any:
        return self._tracker.get_slot(name)

    def save(self) -> None:
        self.model.run(self._store.save(self._tracker))
