"""The care circle's voice side: consent and "stop sharing", deletion by voice, changing the language.

    flows=lambda conversation: [*care_flows(conversation, parts.home, parts.settings_store, warn)]
    proactive=lambda conversation: [conversation.flows["consent"]]   # the consent question, asked once
"""

from __future__ import annotations

from typing import Callable

from assistant.care.consent import load_consent_text
from assistant.care.flows.deletion import DeletionFlow
from assistant.care.flows.language import LanguageFlow
from assistant.care.flows.sharing import SharingFlow
from assistant.conversation.router import Conversation
from assistant.paths import Home
from assistant.settings import SettingsStore


def care_flows(conversation: Conversation, home: Home, store: SettingsStore, warn: Callable[[str], None]) -> list:
    """The care circle's flows for one conversation; the sharing flow (named "consent") also speaks first."""
    return [SharingFlow(conversation, load_consent_text(), warn), DeletionFlow(conversation, home, warn),
            LanguageFlow(conversation, store)]
