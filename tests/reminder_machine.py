"""Machine-mode conversations for the reminder tests: the virtual clock started at a local time
(`--now`), and a user who answers what the assistant says first.

The user is a machine-mode client like any other: it reads the assistant's
events as they come and writes lines. Its first lines are said at the first
listens; after a reminder is spoken, the lines given for that reminder are said
at the next listens (one list for each time it comes up); at every other listen
it says nothing, for exactly as long as the assistant listens (`{"silence": N}`
with N the listen's timeout), until the clock reaches `until_s`.
"""

from __future__ import annotations

import json
import queue
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from assistant.app import build_conversation, load_parts, notice_printer
from assistant.paths import Home
from assistant.session.clock import VirtualClock
from assistant.session.events import JsonlEvents
from assistant.session.inbox import LineInbox
from assistant.session.speech import TextVoice

Line = str | dict


@dataclass
class Transcript:
    events: list[dict]
    start: datetime
    """The local time the clock started at (aware)."""

    def local(self, event: dict) -> datetime:
        """The local time of an event: its `t` counted in real seconds from the start, shown in the zone."""
        return (self.start.astimezone(timezone.utc) + timedelta(seconds=event["t"])).astimezone(self.start.tzinfo)

    def reminders(self, reminder_id: object = None) -> list[dict]:
        return [event for event in self.events if event["event"] == "reminder"
                and (reminder_id is None or event["id"] == reminder_id)]

    def states(self, reminder_id: object = None) -> list[str]:
        return [event["state"] for event in self.reminders(reminder_id)]

    def said(self) -> list[str]:
        return [event["text"] for event in self.events if event["event"] == "say"]

    def of_kind(self, kind: str) -> list[dict]:
        return [event for event in self.events if event["event"] == kind]

    def after(self, event: dict) -> list[dict]:
        return self.events[self.events.index(event) + 1:]


@dataclass
class _User:
    """Answers as events come; its lines go to the assistant's input stream."""

    lines: deque
    answers: dict
    until_s: float
    inbox: queue.Queue = field(default_factory=queue.Queue)
    events: list[dict] = field(default_factory=list)
    ended: bool = False

    def write(self, text: str) -> None:
        for line in text.splitlines():
            event = json.loads(line)
            self.events.append(event)
            self._react(event)

    def flush(self) -> None:
        pass

    def _react(self, event: dict) -> None:
        if event["event"] == "reminder" and event["state"] == "spoken":
            times = self.answers.get(event["id"]) or []
            if times:
                self.lines.extend(times.pop(0))
        elif event["event"] == "listen" and not self.ended:
            if self.lines:
                line = self.lines.popleft()
                self.inbox.put((line if isinstance(line, str) else json.dumps(line)) + "\n")
            else:
                left = self.until_s - event["t"]
                if left > 0:
                    self.inbox.put(json.dumps({"silence": min(event["timeout"], left)}) + "\n")
                if left <= event["timeout"]:
                    self.ended = True
                    self.inbox.put(None)

    def readline(self, limit: int = -1) -> str:
        """The next line the user says ("" once the conversation is to end), as a stream gives it."""
        line = self.inbox.get()
        return "" if line is None else line


def converse_at(home: Path, models: dict, now: str, lines: list[Line] = (), answers: dict | None = None,
                until_s: float = 0.0, lang: str = "en", stays: bool = False) -> Transcript:
    """A machine-mode conversation from local time `now` ("2026-03-28T17:55:00") in the home's zone.

    `answers` maps a reminder's id to the lines said after each time it is spoken,
    e.g. {1: [["later"], ["yes"]]}; the conversation ends at the first listen after `until_s`.
    `stays`: as `assistant run` holds it, not over at goodbye.
    """
    parts = load_parts(Home(home), lang)
    clock = VirtualClock(datetime.fromisoformat(now), parts.zone)
    user = _User(deque(lines), {key: [list(times) for times in value] for key, value in (answers or {}).items()},
                 until_s)
    start = clock.local_time()
    inbox = LineInbox(clock, user, notice_printer(lang))
    build_conversation(parts, models[lang], clock, inbox, JsonlEvents(clock, user), TextVoice(), stays=stays).run()
    return Transcript(user.events, start)


def write_settings(home: Path, **settings: object) -> None:
    """Settings as a caregiver would write them (dotted keys: "routines.checkin_at": "10:00")."""
    path = home / "settings.json"
    stored = json.loads(path.read_text()) if path.exists() else {}
    for key, value in settings.items():
        section, _, name = key.partition(".")
        if name:
            stored.setdefault(section, {})[name] = value
        else:
            stored[key] = value
    path.write_text(json.dumps(stored))


def introduced(home: Path) -> None:
    """A returning user: greeted in one short sentence rather than the first day's introduction."""
    from assistant.journal.store import Journal

    Journal(home / "journal.db").set_meta("introduced_at", "2026-01-01T00:00:00+00:00")


def stdin_of(lines: list[Line]) -> str:
    return "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)


