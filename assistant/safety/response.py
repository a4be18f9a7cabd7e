"""The safety response: what the assistant says and does when someone may be in danger.

Deterministic and outside the trained dialogue: the router calls it the moment
the safety layer fires, whatever the dialogue model would have predicted.

- crisis: acknowledge, say plainly that nobody listens live, give the region's
  helpline slowly and twice, the emergency number and the contact, and ask
  whether the person is safe. A "no", a "you misunderstood", a brush-off or
  silence never drops the subject at once; nothing else starts until the
  question is answered safely or the person asks for something explicitly.
- distress: a calm acknowledgement and one direct, caring question about
  thoughts of ending one's life; yes, unsure or no answer leads to the crisis
  response.
- body warning signs: stop, breathe normally, sit down; the emergency number
  for chest pain, fainting, a fall or severe breathlessness.

The journal gets the time, level and kind, never the words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Callable

import yaml

from assistant.conversation.asking import Read, Reading
from assistant.conversation.state import Owner, Question
from assistant.journal.store import Journal, JournalError
from assistant.messages import message
from assistant.paths import SAFETY_DIR
from assistant.session.session import Session
from assistant.settings import Settings
from assistant.text import fold

EXPLICIT_REQUESTS = frozenset({"start_breathing", "start_meditation", "start_grounding", "talk_to_someone",
                               "ask_to_call", "ask_is_human", "ask_who_listens"})
"""Requests that leave the safety question once the helpline was given: the person asked for them."""
SPEECH_ATTEMPTS = 2
"""How many times a safety sentence is tried on the voice before it is only printed and shown."""
SAFE_NOW = "safe_now"
REPEAT_NUMBER = "repeat_number"
THOUGHTS = "thoughts"


@dataclass(frozen=True)
class SafetyTexts:
    """The sentences (safety/responses.yml), helplines (safety/helplines.yml) and take-back phrases."""

    sentences: dict[str, dict[str, str]]
    helplines: dict[str, Any]
    retractions: dict[str, list[re.Pattern[str]]]
    brush_offs: dict[str, list[re.Pattern[str]]]

    @classmethod
    def load(cls) -> SafetyTexts:
        sentences = yaml.safe_load((SAFETY_DIR / "responses.yml").read_text(encoding="utf-8"))
        helplines = yaml.safe_load((SAFETY_DIR / "helplines.yml").read_text(encoding="utf-8"))

        def compiled(key: str) -> dict[str, list[re.Pattern[str]]]:
            return {lang: [re.compile(fold_pattern(pattern)) for pattern in patterns]
                    for lang, patterns in sentences.pop(key).items()}

        return cls(sentences, helplines, compiled("retraction_phrases"), compiled("brush_off_phrases"))

    def takes_back(self, text: str, lang: str) -> bool:
        """ "You misunderstood", "je plaisantais", "I didn’t mean it" (any apostrophe)."""
        return _matches(self.retractions[lang], text)

    def brushes_off(self, text: str, lang: str) -> bool:
        """ "I'm fine, forget it", "leave it", "laisse tomber", "ça va, c'est rien"."""
        return _matches(self.brush_offs[lang], text)


def fold_pattern(pattern: str) -> str:
    """Patterns are written with accents and apostrophes; text is matched folded (assistant.text.fold)."""
    return fold(pattern) if re.fullmatch(r"[\w\s'’-]+", pattern) else pattern


def _matches(patterns: list[re.Pattern[str]], text: str) -> bool:
    folded = fold(text)
    return any(pattern.search(folded) for pattern in patterns)


def helpline_values(texts: SafetyTexts, settings: Settings, lang: str) -> dict[str, str]:
    """What the safety sentences are filled with, for the region in use."""
    region = texts.helplines[settings.region_in_use]
    line, emergency, text_line = region["crisis_line"], region["emergency"], region["text_line"]
    return {
        "line_name": line["name"][lang], "line_spoken": line["spoken"][lang], "line_about": line["about"][lang],
        "emergency_spoken": emergency["spoken"][lang], "text_line_spoken": text_line["spoken"][lang],
        "contact_name": settings.contact.name, "contact_phone": settings.contact.phone,
    }


class SafetyResponder:
    """Gives the safety responses and reads the answers to its questions."""

    def __init__(self, session: Session, journal: Journal, texts: SafetyTexts, warn: Callable[[str], None]):
        self._session = session
        self._journal = journal
        self._texts = texts
        self._warn = warn

    # Saying -------------------------------------------------------------------

    def _say(self, *keys: str) -> tuple[str, ...]:
        values = helpline_values(self._texts, self._session.settings, self._session.lang)
        said = []
        for key in keys:
            if key.startswith("contact") and not self._session.settings.contact.phone:
                continue
            text = self._texts.sentences[key][self._session.lang].format(**values)
            self._say_surely(text)
            said.append(text)
        return tuple(said)

    def _say_surely(self, text: str) -> None:
        """A safety sentence must reach the person: if the voice fails, it is printed and tried once more."""
        for _ in range(SPEECH_ATTEMPTS):
            try:
                self._session.say(text, slow=True)
                return
            except Exception as error:  # noqa: BLE001 - a synthesiser may fail in any way; the number must go out
                self._warn(message("safety_speech_failed", self._session.lang, text=text, problem=error))
        self._session.emit("say", text=text, lang=self._session.lang)

    def _ask(self, name: str, owner: Owner, *keys: str) -> Question:
        """Say `keys`, the last of which is the question; the question is asked again with that last one."""
        said = self._say(*keys)
        return Question("yes_no", owner, said[-1:], name)

    def _record(self, level: str, kind: str) -> None:
        region = self._session.settings.region_in_use
        if level != "body":
            self._session.emit("safety", level=level, region=region)
        try:
            self._journal.add_safety_event(level, kind, region)
        except JournalError:
            pass  # the journal has told the caregiver (journal/notices.py); nothing delays the response

    # The three responses ----------------------------------------------------------

    def crisis(self, kind: str) -> Question:
        """The full response; `kind` is what was detected (recorded, never the words)."""
        self._record("crisis", kind)
        return self._ask(SAFE_NOW, Owner.SAFETY, "acknowledge", "nobody_live", "helpline", "emergency",
                         "contact", "ask_safe")

    def distress(self, kind: str) -> Question:
        """A calm acknowledgement and the direct question recommended by suicide-prevention guidance."""
        self._record("distress", kind)
        return self._ask(THOUGHTS, Owner.DISTRESS, "distress_acknowledge", "distress_ask")

    def body(self, kind: str, urgent: bool) -> None:
        """A physical warning sign: stop, breathe normally, sit down; the emergency number when urgent."""
        self._record("body", kind)
        self._say("body_urgent" if urgent else "body_stop", "still_here_body")

    # Answers ---------------------------------------------------------------------

    def follow_up(self, question: Question, read: Read, text: str, asked_again: int) -> Question | str | None:
        """What the answer to a safety or distress question leads to.

        Returns the question now waiting (the same one asked again, or the next),
        None when the subject is closed, "dialogue" when the request in the answer
        is for the dialogue to take up (the question is then closed), or "command"
        for a universal command to carry out before the question is asked again.
        `asked_again` counts how often the question was asked again in a row.
        """
        lang = self._session.lang
        if read.reading is Reading.COMMAND and not (question.name == REPEAT_NUMBER and read.value == "repeat"):
            return "command"
        if question.owner is Owner.DISTRESS:
            return self._distress_answer(question, read, text, asked_again)
        if self._texts.takes_back(text, lang) or self._texts.brushes_off(text, lang):
            if question.name == SAFE_NOW and not question.get("taken_back"):
                return replace(self._ask(SAFE_NOW, Owner.SAFETY, "retraction", "ask_safe"),
                               detail=(("taken_back", True),))
            self._say("retraction_respected")
            return None
        if question.name == REPEAT_NUMBER:
            if read.value in ("yes", "repeat"):
                self._say("repeat_number", "after_number")
                return None
            if read.reading is Reading.ANSWER and read.value == "no":
                self._say("after_number")
                return None
            return "dialogue"
        if read.reading is Reading.ANSWER and read.value == "yes":
            return self._ask(REPEAT_NUMBER, Owner.SAFETY, "glad")
        if read.reading is Reading.ANSWER:
            return self._ask(SAFE_NOW, Owner.SAFETY, "not_safe", "helpline", "ask_safe")
        if read.reading is Reading.REQUEST and read.value in EXPLICIT_REQUESTS | {"goodbye"}:
            return "dialogue"
        return self.still_here()

    def _distress_answer(self, question: Question, read: Read, text: str, asked_again: int) -> Question | str | None:
        if read.reading is Reading.ANSWER and read.value == "no":
            self._say("distress_no")
            return None
        if read.reading in (Reading.ANSWER, Reading.UNSURE):
            return self.crisis("distress_answer")
        if self._texts.brushes_off(text, self._session.lang) or self._texts.takes_back(text, self._session.lang):
            self._say("retraction_respected")
            return None
        if read.reading is Reading.REQUEST:
            self._say("distress_before_request")
            return "dialogue"
        if asked_again == 0:
            return self._ask(THOUGHTS, Owner.DISTRESS, "distress_ask_again")
        return self.crisis("distress_unclear")

    def silence(self, question: Question) -> Question:
        """Nobody answered: the crisis question is asked again with the number; no answer to distress is a crisis."""
        if question.owner is Owner.DISTRESS:
            return self.crisis("distress_no_answer")
        return self.still_here()

    def still_here(self) -> Question:
        """After silence or an answer that does not say the person is safe: the number, and the question again."""
        return self._ask(SAFE_NOW, Owner.SAFETY, "still_here", "ask_safe")

    # Outside the safety question -------------------------------------------------------

    def talk_to_someone(self) -> None:
        self._say("talk_to_someone", "contact", "helpline")

    def goodbye(self) -> None:
        self._say("goodbye")
