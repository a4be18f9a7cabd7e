"""The commands that work in every state: repeat, slower, faster, louder, quieter, help.

They change how the assistant speaks, never where the conversation is, so they
are answered here and the dialogue never sees them: after "slower" in the
middle of a question, the same question comes again, more slowly.
"""

from __future__ import annotations

from typing import Callable

from assistant.session.session import Session

UNIVERSAL_INTENTS = frozenset({"repeat", "slower", "faster", "louder", "quieter", "help"})


def run_command(intent: str, session: Session, response: Callable[[str], str], again: bool = True) -> None:
    """Carry out a universal command; `again` re-says the pending question afterwards."""
    if intent == "repeat":
        if not session.last_prompt:
            session.say(response("utter_nothing_to_repeat"), remember=False)
        for text in session.last_prompt:
            session.say(text, remember=False)
        return
    if intent in ("slower", "faster"):
        changed = session.change_rate(faster=intent == "faster")
    elif intent in ("louder", "quieter"):
        changed = session.change_volume(louder=intent == "louder")
    else:
        changed = True
    acknowledgement = f"utter_{intent}" if changed else "utter_at_limit"
    session.say(response(acknowledgement), remember=False)
    if again and session.last_expect.kind != "free":
        for text in session.last_prompt:
            session.say(text, remember=False)
