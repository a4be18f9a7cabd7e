"""The safety response: what the assistant says and does when someone may be in danger.

Deterministic and outside the trained dialogue. It acknowledges, says plainly
that nobody listens live, gives the region's helpline slowly and twice, names
the caregiver or clinic contact, and asks whether the person is safe. A "no",
a "you misunderstood" or silence never drops the subject, and the assistant
never ends the conversation here on its own. The journal gets the time and
kind, never the words.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

import yaml

from assistant.journal.store import Journal, JournalError
from assistant.messages import message
from assistant.paths import SAFETY_DIR
from assistant.session.session import Session
from assistant.settings import Settings

FOLLOW_UP_KEEPS_SUBJECT = frozenset({"out_of_scope", "nlu_fallback", "affirm", "deny", "skip", "stop", "thank"})
"""Intents that, after the safety question, get the number and the question again."""


@lru_cache(maxsize=1)
def _texts() -> dict:
    return yaml.safe_load((SAFETY_DIR / "responses.yml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def helplines() -> dict:
    return yaml.safe_load((SAFETY_DIR / "helplines.yml").read_text(encoding="utf-8"))


@lru_cache(maxsize=2)
def _retractions(lang: str) -> list[re.Pattern[str]]:
    return [re.compile(pattern) for pattern in _texts()["retraction_phrases"][lang]]


def is_retraction(text: str, lang: str) -> bool:
    """Whether `text` takes back what was said ("you misunderstood", "je plaisantais")."""
    lowered = text.lower()
    return any(pattern.search(lowered) for pattern in _retractions(lang))


def helpline_values(settings: Settings, lang: str) -> dict[str, str]:
    """What the safety sentences are filled with, for the device's region."""
    region = helplines()[settings.region_in_use]
    line, emergency, text_line = region["crisis_line"], region["emergency"], region["text_line"]
    return {
        "line_name": line["name"][lang], "line_spoken": line["spoken"][lang], "line_about": line["about"][lang],
        "emergency_spoken": emergency["spoken"][lang], "text_line_spoken": text_line["spoken"][lang],
        "contact_name": settings.contact.name, "contact_phone": settings.contact.phone,
    }


class SafetyResponder:
    """Gives the safety response and follows up on the answer."""

    def __init__(self, session: Session, journal: Journal, warn: Callable[[str], None]):
        self._session = session
        self._journal = journal
        self._warn = warn
        self.awaiting: str | None = None
        """None, "safe" (asked whether the person is safe) or "repeat" (offered to repeat the number)."""

    def _say(self, *keys: str) -> None:
        values = helpline_values(self._session.settings, self._session.lang)
        for key in keys:
            if key == "contact" and not self._session.settings.contact.phone:
                continue
            self._session.say(_texts()[key][self._session.lang].format(**values), slow=True)

    def respond(self, kind: str) -> None:
        """The full response; `kind` is what was detected (recorded, never the words)."""
        self._session.emit("safety", level="crisis", region=self._session.settings.region_in_use)
        try:
            self._journal.add_safety_event("crisis", kind, self._session.settings.region_in_use)
        except JournalError as error:
            self._warn(message("journal_unwritable", self._session.lang, problem=error))
        self._say("acknowledge", "nobody_live", "helpline", "emergency", "contact", "ask_safe")
        self.awaiting = "safe"

    def talk_to_someone(self) -> None:
        self._say("talk_to_someone", "contact", "helpline")

    def goodbye(self) -> None:
        self._say("goodbye")

    def still_here(self) -> None:
        """After silence or an unclear answer: the number again, and the question again."""
        self._say("still_here", "ask_safe")
        self.awaiting = "safe"

    def follow_up(self, intent: str, text: str) -> bool:
        """Answer the turn after the safety question; False if it is for the dialogue."""
        if self.awaiting is None:
            return False
        if is_retraction(text, self._session.lang):
            self._say("retraction", "ask_safe")
            self.awaiting = "safe"
        elif self.awaiting == "safe" and intent == "affirm":
            self._say("glad")
            self.awaiting = "repeat"
        elif self.awaiting == "safe" and intent == "deny":
            self._say("not_safe", "helpline", "ask_safe")
        elif self.awaiting == "repeat" and intent in ("affirm", "repeat"):
            self._say("repeat_number", "after_number")
            self.awaiting = None
        elif self.awaiting == "repeat" and intent == "deny":
            self._say("after_number")
            self.awaiting = None
        elif intent in FOLLOW_UP_KEEPS_SUBJECT:
            self.still_here()
        else:
            self.awaiting = None
            return False
        return True
