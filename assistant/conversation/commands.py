"""The commands that work in every state: repeat, slower, faster, louder, quieter, help.

They change how the assistant speaks, never where the conversation is, so they
are answered here and the dialogue never sees them: after "slower" in the
middle of a question, the same question comes again, more slowly.
"""

from __future__ import annotations

from typing import Callable

from assistant.conversation.state import Question
from assistant.session.session import Session


def run_command(intent: str, session: Session, text: Callable[[str], str], question: Question | None) -> None:
    """Carry out a universal command, then ask `question` again, if one is waiting.

    "repeat" says again what was said before the last listen (help included);
    "help" is remembered, so a "repeat" after it says the help again.
    """
    if intent == "repeat":
        if not session.last_prompt:
            session.say(text("utter_nothing_to_repeat"), remember=False)
        for said in session.last_prompt:
            session.say(said, remember=False)
        return
    if intent == "help":
        session.say(text("utter_help"))
        for said in question.said if question else ():
            session.say(said)
        return
    if intent in ("slower", "faster"):
        changed = session.change_rate(faster=intent == "faster")
    else:
        changed = session.change_volume(louder=intent == "louder")
    session.say(text(f"utter_{intent}" if changed else "utter_at_limit"), remember=False)
    for said in question.said if question else ():
        session.say(said, remember=False)
