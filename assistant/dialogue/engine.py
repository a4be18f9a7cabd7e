"""The trained dialogue, in-process: understands a text and picks the next action.

Rasa decides *what* comes next; the assistant's executor runs it. So instead of
letting Rasa run actions (which would need an action server), the engine asks
the model for one action at a time and records what the executor did. The
tracker lives in SQLite under ASSISTANT_HOME (dialogue/trackers.py) and keeps
intents and entities, never the user's words.

Dialogue sessions keep the time of a turn flat over weeks of `assistant run`:
Rasa reads the whole tracker at every prediction, so after a quiet hour, at
each new day and after MAX_SESSION_EVENTS events a new session starts (a new
tracker) carrying over the slots that are set and the last turn's actions, so
the rules that look at the question just asked still match. What the
conversation needs across sessions (speech settings, the first-day flag) lives
outside the tracker, in the settings and the journal.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable

from assistant.dialogue.trackers import Trackers
from assistant.session.inbox import Expectation

MAX_ACTIONS_PER_TURN = 10
"""A guard against a rule loop: no turn runs more actions than this."""
QUIET_BEFORE_NEW_SESSION = timedelta(hours=1)
"""A turn after this long without one starts a new dialogue session."""
MAX_SESSION_EVENTS = 300
"""A dialogue session with this many tracker events (about forty turns) gives way to a new one at the next turn."""


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

    def conversation(self, trackers: Trackers, now: Callable[[], datetime]) -> "Dialogue":
        """A new conversation whose trackers are kept by `trackers`; `now` is the clock's local time."""
        return Dialogue(self, trackers, now)


class Dialogue:
    """One conversation's state, moved on by the user's turns and the executor's actions."""

    def __init__(self, model: DialogueModel, trackers: Trackers, now: Callable[[], datetime]):
        self.model = model
        self._trackers = trackers
        self._now = now
        self._name = f"conversation-{now().isoformat(timespec='seconds')}-{uuid.uuid4().hex[:8]}"
        self._sessions = 0
        self._last_turn_at = now()
        self._sender_ids: list[str] = []
        self._tracker = self._session_tracker()
        self._trackers.forget_older_sessions(tuple(self._sender_ids))

    # Sessions ---------------------------------------------------------------------

    def _session_tracker(self) -> Any:
        """A new dialogue session's tracker, begun by Rasa's own session start."""
        self._sessions += 1
        sender_id = self._name if self._sessions == 1 else f"{self._name}-{self._sessions}"
        self._sender_ids = [*self._sender_ids[-1:], sender_id]
        try:
            return self._fetch(sender_id)
        except Exception as error:  # noqa: BLE001 - the tracker file failed: the dialogue goes on in memory
            self._trackers.failed(error)
            return self._fetch(sender_id)

    def _fetch(self, sender_id: str) -> Any:
        self.model.processor.tracker_store = self._trackers.store
        return self.model.run(self.model.processor.fetch_tracker_and_update_session(sender_id))

    def _session_over(self, now: datetime) -> bool:
        return (now - self._last_turn_at >= QUIET_BEFORE_NEW_SESSION or now.date() != self._last_turn_at.date()
                or len(self._tracker.events) >= MAX_SESSION_EVENTS)

    def _new_session(self) -> None:
        """Start a new session with the slots that are set and the actions of the last turn carried over."""
        from rasa.shared.core.constants import DEFAULT_SLOT_NAMES
        from rasa.shared.core.events import SlotSet, UserUttered

        old = self._tracker
        self.save()
        carried = [SlotSet(name, slot.value) for name, slot in old.slots.items()
                   if name not in DEFAULT_SLOT_NAMES and slot.value != slot.initial_value]
        events = list(old.events)
        last_user = max((index for index, event in enumerate(events) if isinstance(event, UserUttered)), default=None)
        last_turn = [event for event in events[last_user + 1:] if not isinstance(event, SlotSet)] \
            if last_user is not None else []
        self._tracker = self._session_tracker()
        for event in [*carried, *last_turn]:
            self._tracker.update(event, self.model.domain)
        self._trackers.forget_older_sessions(tuple(self._sender_ids))

    def parse(self, text: str) -> Parse:
        return self.model.parse(text)

    def response(self, name: str) -> Response:
        return self.model.response(name)

    def variants(self, name: str) -> list[Response]:
        return self.model.variants(name)

    def user_said(self, parse: Parse) -> None:
        """Record the user's turn (intent and entities, not the words); a new session first if it is time."""
        from rasa.shared.core.events import UserUttered

        now = self._now()
        if self._session_over(now):
            self._new_session()
        self._last_turn_at = now
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
        """Keep the tracker in its file; if the file fails (a full disk), the dialogue goes on in memory."""
        try:
            self.model.run(self._trackers.store.save(self._tracker))
        except Exception as error:  # noqa: BLE001 - SQLAlchemy, SQLite or the file system
            self._trackers.failed(error)
            self.model.run(self._trackers.store.save(self._tracker))
