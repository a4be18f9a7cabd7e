""""Parle-moi en français", "speak English": the user changes the language by voice.

The language is named in the user's words, in either language ("French",
"français", "anglais"). It is saved at once and confirmed in the new language,
with that language's voice; the conversation itself goes on in the language
it was started in (each language has its own dialogue model and speech
recogniser), and the next conversation starts in the new one. The helplines do
not move with the language: when no region was set, the one in use is kept.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from assistant.conversation.actions import ActionResult
from assistant.conversation.router import Conversation
from assistant.dialogue.engine import Parse
from assistant.languages import LANGUAGE_DATA
from assistant.messages import message
from assistant.settings import SettingsStore
from assistant.text import fold


def language_named(text: str) -> str | None:
    """The one language `text` names ("speak French", "en anglais"), or None when it names none or several."""
    words = set(fold(text).split())
    named = {code for code, language in LANGUAGE_DATA.items()
             if any(fold(name) in words for name in language.names.values())}
    return named.pop() if len(named) == 1 else None


class LanguageFlow:
    name = "language"

    def __init__(self, conversation: Conversation, store: SettingsStore):
        self.conversation = conversation
        self._store = store

    def actions(self) -> dict[str, Callable[[Parse], ActionResult]]:
        return {"action_change_language": self._change_language}

    def answer(self, question, read, parse):
        return None

    def silence(self, question, silences):
        return False

    def _change_language(self, parse: Parse) -> ActionResult:
        session = self.conversation.session
        wanted = language_named(parse.text)
        if wanted is None:
            session.say(self.conversation.actions.text("utter_language_which"))
        elif wanted == session.lang:
            session.say(self.conversation.actions.text("utter_language_same"))
        else:
            settings = session.settings
            session.settings = replace(settings, language=wanted, region=settings.region_in_use)
            self._store.save(session.settings)
            session.say(message("spoken_language_switched", wanted), lang=wanted)
        return ActionResult()
