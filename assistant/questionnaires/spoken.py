"""The sentences of a questionnaire by voice: the validated words, and what goes around them.

Items, instructions and answer options are said exactly as published; the only
change is how a French inclusive form is voiced ("senti(e)" is said "sentie" or
"senti": a voice cannot say "(e)"), from the list in common/voice.yml. Everything
else said here (introduction, how the options are read, the question number,
confirmations, closing words) is voice data from common/voice.yml, around the items.
"""

from __future__ import annotations

import re

from assistant.questionnaires.catalogue import Catalogue, GrammaticalForm
from assistant.questionnaires.instruments import Instrument, Item, Option

INCLUSIVE_FORM = re.compile(r"[^\W\d_]+(?:\([^\W\d_]+\)|/[^\W\d_]+)")
"""A written inclusive form: "senti(e)", "vigoureux(se)", "frais/fraîche"."""


_INTRODUCTIONS = {(True, True): "clinic_recall", (True, False): "clinic", (False, True): "recall", (False, False): "plain"}
"""The introduction variant in common/voice.yml, by (a clinic is named, the instrument has a recall period)."""
INTRODUCTION_VARIANTS = frozenset(_INTRODUCTIONS.values())


def inclusive_forms_in(text: str) -> list[str]:
    return INCLUSIVE_FORM.findall(text)


class SpokenQuestionnaire:
    """What to say for one instrument, in one language, to one listener. Build once per run."""

    def __init__(self, instrument: Instrument, lang: str, catalogue: Catalogue,
                 form: GrammaticalForm | None = None):
        """`form`: how French inclusive forms are said; needed when the text has any."""
        self.instrument = instrument
        self.lang = lang
        self._voice = catalogue.voice
        self._words = catalogue.words[lang]
        self._form = form

    def say(self, text: str) -> str:
        """`text` with its inclusive forms voiced in the listener's form; other words unchanged."""
        forms = self._voice.inclusive_forms.get(self.lang, {})

        def voiced(match: re.Match[str]) -> str:
            if self._form is None:
                raise ValueError(f"'{match.group()}' needs the listener's grammatical form (feminine or masculine)")
            return forms[match.group()][self._form]

        return INCLUSIVE_FORM.sub(voiced, text)

    def introduction(self, clinic: str | None) -> list[str]:
        """Who asks, how many questions, about when, and how long it takes."""
        recall = self.instrument.recall[self.lang] if self.instrument.recall else None
        variant = _INTRODUCTIONS[(bool(clinic), bool(recall))]
        template = self._voice.introduction[variant][self.lang]
        count = self._words.spoken_number(len(self.instrument.items))
        opening = template.format(count=count, clinic=clinic, recall=recall)
        minutes = self.instrument.minutes
        duration = self._voice.duration["one" if minutes == 1 else "other"][self.lang]
        return [_capitalised(opening), duration.format(minutes=self._words.spoken_number(minutes))]

    def instructions(self) -> str:
        return self.say(self.instrument.instructions[self.lang])

    def options(self) -> list[str]:
        """The answers, read once before the first item and whenever the person asks for them."""
        texts = self._voice.options
        if not self.instrument.numbered:
            choices = f" {texts['or'][self.lang]} ".join(_lowered(self.words(option)) for option in self.instrument.options)
            return [texts["unnumbered"][self.lang].format(options=choices)]
        lines = [texts["numbered"][self.lang]]
        for option in self.instrument.options:
            number = self._words.spoken_number(option.number)
            lines.append(_capitalised(texts["option"][self.lang].format(number=number, words=_lowered(self.words(option)))))
        return lines

    def item(self, item: Item, with_lead: bool = False) -> list[str]:
        """The question number, the published heading if asked for ("Over the last two weeks"), and the item."""
        count = len(self.instrument.items)
        lines = [self._voice.item[self.lang].format(number=self._words.spoken_number(item.position),
                                                    count=self._words.spoken_number(count))]
        if with_lead and self.instrument.item_lead:
            lines.append(self.say(self.instrument.item_lead[self.lang]))
        lines.append(self.say(item.text[self.lang]))
        return lines

    def words(self, option: Option) -> str:
        """The option's published words, as said."""
        return self.say(option.text[self.lang])

    def confirm(self, option: Option) -> str:
        """The question that confirms an answer understood from a paraphrase."""
        return self._voice.confirm_close[self.lang].format(words=_lowered(self.words(option)))

    def closing(self, clinic: str | None, shared_with_clinic: bool, complete: bool, threshold_passed: bool) -> list[str]:
        """Thanks, and where the answers go; never a verdict on the score.

        With a clinic, where the answers go is said every time, whatever the
        score: saying it only after a high score would itself be a verdict.
        Without a clinic, a score past a threshold brings a gentle suggestion
        to talk to one's doctor.
        """
        closing = self._voice.closing
        lines = [closing["thanks" if complete else "thanks_incomplete"][self.lang]]
        if clinic:
            lines.append(closing["report_for_clinic" if shared_with_clinic else "kept_on_device"][self.lang].format(clinic=clinic))
        elif threshold_passed:
            lines.append(closing["suggest_doctor"][self.lang])
        return lines


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lowered(words: str) -> str:
    """Option words inside a sentence: "Most of the time" -> "most of the time"."""
    return words[:1].lower() + words[1:]
