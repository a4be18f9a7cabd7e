"""What a reminder is for, as people say it: a check-in, an exercise, or a few words of their own.

"Remind me to do my breathing every evening" is an exercise; "rappelle-moi de
prendre mes cachets à 8 heures" is a plain reminder whose label, "prendre mes
cachets", is the one piece of the user's own words the assistant keeps (it is
said back, with the person changed: "prendre vos cachets"). The label is never
interpreted beyond that: the assistant gives no medical advice about it.
The phrases are data (schedule/reminders.yml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from assistant import LANGUAGES
from assistant.paths import PROJECT_ROOT
from assistant.questionnaires.datafile import Checker, read_yaml
from assistant.schedule.words import Match, Words, best_matches, compile_phrase, phrase_words

REMINDERS_FILE = PROJECT_ROOT / "schedule" / "reminders.yml"
CHECKIN = "checkin"
EXERCISE = "exercise"
PLAIN = "plain"
PURPOSES = (CHECKIN, EXERCISE, PLAIN)


@dataclass(frozen=True)
class Purpose:
    """What a reminder is for."""

    kind: str
    """checkin, exercise or plain."""
    exercise: str | None = None
    """For an exercise: breathing, meditation or grounding."""
    label: str | None = None
    """For a plain reminder: the user's own short words, as they said them."""


class PurposeReader:
    """Reads what a reminder is for, and says labels back, in one language."""

    def __init__(self, lang: str, elisions: Iterable[str], raw: dict[str, Any] | None = None,
                 path: Path = REMINDERS_FILE):
        self.lang = lang
        self._elisions = tuple(elisions)
        check = Checker(path)
        data = raw if raw is not None else read_yaml(path)
        self._check = check
        self._triggers = self._phrases(data["triggers"], "triggers")
        self._edge = frozenset(self._words(data["edge_words"], "edge_words"))
        self._checkin = self._phrases(data["checkin"], "checkin")
        self.exercises: dict[str, str] = {}
        """The exercises a reminder can be for, and the dialogue intent that starts each."""
        self._exercise_phrases: dict[str, list[re.Pattern[str]]] = {}
        for name, exercise in check.mapping(data["exercises"], "exercises").items():
            check.mapping(exercise, f"exercise {name}", {"intent", *LANGUAGES}, {"intent", *LANGUAGES})
            self.exercises[name] = check.text(exercise["intent"], f"exercise {name} intent", exercise)
            self._exercise_phrases[name] = self._phrases(exercise, f"exercise {name}")
        self._this = frozenset(" ".join(self._plain(phrase).texts) for phrase in self._strings(data["this"], "this"))
        self._daily = frozenset(self._words(data["daily_by_default"], "daily_by_default"))
        person = check.mapping(data["person"][lang], f"person.{lang}", parent=data["person"])
        self._person = {str(word): str(said) for word, said in person.items()}
        self._later = self._phrases(data["later"], "later")
        self._stop = self._phrases(data["stop"], "stop")
        self._common = frozenset(self._words(data["common_words"], "common_words"))
        self.label_words = check.integer(data, "label_words", "label_words", minimum=1)
        """The most words a label may have; longer ones are cut."""

    # Loading --------------------------------------------------------------------

    def _strings(self, node: Any, what: str) -> tuple[str, ...]:
        if not isinstance(node, dict) or self.lang not in node:
            raise self._check.fail(node, f"{what} needs phrases in {self.lang}")
        return self._check.strings(node[self.lang], what, node)

    def _plain(self, text: str) -> Words:
        return Words.of(text, self._elisions)

    def _phrases(self, node: Any, what: str) -> list[re.Pattern[str]]:
        return [compile_phrase(phrase_words(phrase, self._elisions)) for phrase in self._strings(node, what)]

    def _words(self, node: Any, what: str) -> list[str]:
        return [word for phrase in self._strings(node, what) for word in self._plain(phrase).texts]

    # Reading --------------------------------------------------------------------

    def read(self, text: str, when_spans: Iterable[tuple[int, int]], last_exercise: str | None) -> Purpose | None:
        """What `text` asks to be reminded of; None when it does not say (or "this" points at nothing).

        `when_spans` are the characters that said when (cut out of a label);
        `last_exercise` is what "this" means ("remind me to do this every evening").
        """
        words = self._plain(text)
        trigger = self._first(words, self._triggers)
        start = trigger.last if trigger is not None else 0
        region = Words(words.original, words.items[start:])
        if self._first(region, self._checkin) is not None:
            return Purpose(CHECKIN)
        for name, phrases in self._exercise_phrases.items():
            if self._first(region, phrases) is not None:
                return Purpose(EXERCISE, exercise=name)
        piece = self._label_piece(region, tuple(when_spans))
        if piece is None:
            return None
        first, last = piece
        if " ".join(region.texts[first:last]) in self._this:
            return Purpose(EXERCISE, exercise=last_exercise) if last_exercise in self.exercises else None
        return Purpose(PLAIN, label=region.said(first, min(last, first + self.label_words)))

    def _first(self, words: Words, phrases: list[re.Pattern[str]]) -> Match | None:
        found = best_matches(match for pattern in phrases for match in words.find(pattern))
        return found[0] if found else None

    def _label_piece(self, region: Words, when_spans: tuple[tuple[int, int], ...]) -> tuple[int, int] | None:
        """The longest run of words that says nothing of when, without the small words at its ends."""
        said_when = [any(start < word.end and word.start < end for start, end in when_spans) for word in region.items]
        for index in range(1, len(said_when) - 1):
            # One word of when between two words of the label describes it: "my evening tablets".
            neighbours = (index - 1, index + 1)
            if said_when[index] and not any(said_when[other] or region.texts[other] in self._edge
                                            for other in neighbours):
                said_when[index] = False
        pieces: list[tuple[int, int]] = []
        first = None
        for index, word in enumerate((*region.items, None)):
            if word is None or said_when[index]:
                if first is not None:
                    pieces.append((first, index))
                first = None
            elif first is None:
                first = index
        trimmed = []
        for first, last in pieces:
            while first < last and region.texts[first] in self._edge:
                first += 1
            while last > first and region.texts[last - 1] in self._edge:
                last -= 1
            if first < last:
                trimmed.append((first, last))
        return max(trimmed, key=lambda piece: piece[1] - piece[0], default=None)

    def means_later(self, text: str) -> bool:
        """"Later", "plus tard", "in a while": put off for half an hour."""
        return self._first(self._plain(text), self._later) is not None

    def means_stop(self, text: str) -> bool:
        """"Stop reminding me", "arrêtez de me rappeler"."""
        return self._first(self._plain(text), self._stop) is not None

    def daily_by_default(self, label: str) -> bool:
        """Whether a label names something usually done every day ("my tablets")."""
        return bool(self._daily & set(self._plain(label).texts))

    def telling_words(self, text: str) -> set[str]:
        """The words of `text` that can tell one reminder's label from another's."""
        return {word for word in self._plain(text).texts
                if len(word) >= 3 and word not in self._common and word not in self._edge}

    def exercise_named(self, text: str) -> str | None:
        words = self._plain(text)
        return next((name for name, phrases in self._exercise_phrases.items() if self._first(words, phrases)), None)

    def checkin_named(self, text: str) -> bool:
        return self._first(self._plain(text), self._checkin) is not None

    # Saying ---------------------------------------------------------------------

    def said_back(self, label: str) -> str:
        """The label with the person changed: "take my tablets" -> "take your tablets"."""
        words = self._plain(label)
        label = words.original
        pieces, position = [], 0
        for word in words.items:
            said = self._person.get(word.text)
            if said is None:
                continue
            original = label[word.start:word.end]
            pieces.append(label[position:word.start])
            pieces.append(said.capitalize() if original[:1].isupper() else said)
            position = word.end
        pieces.append(label[position:])
        return "".join(pieces)


def load_purpose_readers(elisions: dict[str, Iterable[str]]) -> dict[str, PurposeReader]:
    raw = read_yaml(REMINDERS_FILE)
    return {lang: PurposeReader(lang, elisions[lang], raw) for lang in LANGUAGES}
