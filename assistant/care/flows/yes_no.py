"""What the care flows' yes-or-no questions have in common (a consent, a deletion).

Only a clear yes acts: a yes heard or understood with low confidence is asked
once more, explicitly (GUIDE.md: ask explicitly before deleting or sharing
data), and a second one does nothing. A no, an
"I don't know", the way out ("skip", "stop"), two unclear answers after the
question was asked again and then its choices, or silence after the usual
reprompts all leave the question without acting, and say so. A clear request
for something else is answered instead.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from assistant.conversation.asking import Read, Reading
from assistant.conversation.flows import Handover, Step, flow_question, with_detail
from assistant.conversation.router import REPROMPTS, Conversation
from assistant.conversation.state import Prompt, Question
from assistant.dialogue.engine import Parse

CLEAR_YES_CONFIDENCE = 0.8
"""A yes understood with less confidence than this (0 to 1) is not a clear yes: "purple" may come out as a weak
"affirm". It is asked once more, explicitly; a second unclear yes does nothing."""
UNCLEAR_KEY = "unclear"
CONFIRMING_KEY = "confirming"


class YesNoFlow:
    """A flow whose questions are yes or no; subclasses say what a yes, a no and leaving do."""

    name = ""

    def __init__(self, conversation: Conversation):
        self.conversation = conversation

    # Saying and asking ------------------------------------------------------------

    def text(self, response: str, **values: Any) -> str:
        return self.conversation.actions.text(response, **values)

    def say(self, response: str, **values: Any) -> None:
        self.conversation.session.say(self.text(response, **values))

    def ask(self, text: str, name: str, **detail: Any) -> Prompt:
        """Say `text`, a yes-or-no question of this flow, and wait for the answer."""
        self.conversation.session.say(text)
        return Prompt(flow_question(self.name, "yes_no", (text,), name, **detail))

    def ask_again(self, question: Question, text: str, **detail: Any) -> Prompt:
        """Say `text`, which asks `question` again in other words; `detail` is added to what it remembers."""
        self.conversation.session.say(text)
        return Prompt(with_detail(replace(question, said=(text,)), **detail))

    # Reading the answer -------------------------------------------------------------

    def answer(self, question: Question, read: Read, parse: Parse) -> Step:
        value = read.value if read.reading in (Reading.ANSWER, Reading.UNSURE) else None
        clear = read.reading is Reading.ANSWER and parse.confidence >= CLEAR_YES_CONFIDENCE
        if value == "yes" and clear:
            return self.yes(question)
        if value == "yes" and not question.get(CONFIRMING_KEY):
            return self.confirm(question)
        if value == "yes":
            return self.leave(question)
        if value == "no":
            return self.no(question)
        if read.reading is Reading.REQUEST:
            self.leave(question)
            return Handover(parse)
        if read.reading is Reading.UNCLEAR:
            return self._unclear(question)
        return self.leave(question)

    def silence(self, question: Question, silences: int) -> Step | bool:
        return False if silences <= REPROMPTS else self.leave(question)

    def _unclear(self, question: Question) -> Step:
        """Asked again, then its choices said shorter, then left: never the same sentence three times."""
        unclear = question.get(UNCLEAR_KEY, 0) + 1
        if unclear > 2:
            return self.leave(question)
        kind = self.conversation.asking.rules.kind("yes_no")
        return self.ask_again(question, self.text(kind.again if unclear == 1 else kind.choices),
                              **{UNCLEAR_KEY: unclear})

    # What the answers do (subclasses) -------------------------------------------------

    def yes(self, question: Question) -> Step:
        raise NotImplementedError

    def confirm(self, question: Question) -> Step:
        """A yes heard unsurely: asked once more, explicitly."""
        raise NotImplementedError

    def no(self, question: Question) -> Step:
        raise NotImplementedError

    def leave(self, question: Question) -> Step:
        """Left without an answer: nothing is done, and it is said."""
        raise NotImplementedError
