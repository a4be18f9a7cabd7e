"""What the assistant does, as events: JSON lines for machines, text for people.

Event names and fields are a contract (CONTRACTS.md, machine mode). Whatever
text an event carries (what was heard may hold anything a machine sent), the
line written is valid UTF-8.
"""

from __future__ import annotations

import json
import sys
from typing import Any, Protocol, TextIO

from assistant.session.clock import Clock
from assistant.session.inbox import valid_text
from assistant.messages import message


class EventSink(Protocol):
    def emit(self, event: str, **fields: Any) -> None:
        """Record that `event` happened now."""


class JsonlEvents:
    """One JSON object per line, each stamped with the assistant's clock."""

    def __init__(self, clock: Clock, stream: TextIO | None = None):
        self._clock = clock
        self._stream = stream or sys.stdout

    def emit(self, event: str, **fields: Any) -> None:
        record = {"t": round(self._clock.now(), 3), "event": event, **fields}
        self._stream.write(valid_text(json.dumps(record, ensure_ascii=False)) + "\n")
        self._stream.flush()


class TerminalEvents:
    """A readable transcript for a caregiver typing in a terminal, labelled in their language."""

    def __init__(self, lang: str, stream: TextIO | None = None):
        self._stream = stream or sys.stdout
        self._assistant = message("transcript_assistant", lang)
        self._user = message("transcript_user", lang)

    def emit(self, event: str, **fields: Any) -> None:
        line = None
        if event == "say":
            line = f"{self._assistant}: {fields['text']}"
        elif event == "exercise":
            line = f"  ({fields['id']}: {fields['state']})"
        elif event == "listen":
            line = f"{self._user}: "
        if line is not None:
            end = "" if event == "listen" else "\n"
            self._stream.write(valid_text(line) + end)
            self._stream.flush()
