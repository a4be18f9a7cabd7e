"""From what the person said to an answer option, with how sure we are.

A stored answer will be read by a clinician, so an answer is only taken as it is
when it is unmistakable: the option's own words, an equivalent ("yeah" for
"yes") or its number, with nothing around it but fillers ("um, I'd say three").
A paraphrase ("most days"), or the option's words inside a longer sentence, is
`CLOSE`: the conversation confirms it before keeping it. Anything doubtful
matches nothing, and the options are read again: a non-answer ("I don't know"),
words of two different options, a negation outside the matched words ("not
several days"), or a number inside a sentence ("I had one bad day").

All phrases are data (common/answers.yml) compared after `assistant.text.fold`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from assistant.questionnaires.catalogue import AnswerWords, Catalogue, ScaleWords
from assistant.questionnaires.instruments import Instrument, Option
from assistant.text import fold

Tokens = tuple[str, ...]


class Confidence(str, Enum):
    EXACT = "exact"
    """The option's words, an equivalent or its number: kept as it is."""
    CLOSE = "close"
    """A paraphrase, or the words inside a longer sentence: confirm before keeping."""


@dataclass(frozen=True)
class AnswerMatch:
    option: Option
    confidence: Confidence


class PhraseClash(ValueError):
    """Two phrases, the same once folded, would mean two different options."""

    def __init__(self, earlier: str, later: str, first: str, second: str):
        super().__init__(f"'{fold(later)}' would mean both '{first}' and '{second}'")
        self.phrases = (earlier, later)
        """The data strings (they know their file and line)."""


def _tokens(phrase: str) -> Tokens:
    return tuple(fold(phrase).split())


def _find(tokens: Tokens, phrase: Tokens, start: int = 0) -> int:
    """Where `phrase` starts in `tokens` at or after `start`, as whole words; -1 when absent."""
    size = len(phrase)
    for index in range(start, len(tokens) - size + 1):
        if tokens[index:index + size] == phrase:
            return index
    return -1


def _without(tokens: Tokens, phrases: list[Tokens]) -> Tokens:
    """`tokens` with every occurrence of `phrases` (longest first) left out."""
    kept: list[str] = []
    index = 0
    while index < len(tokens):
        for phrase in phrases:
            if tokens[index:index + len(phrase)] == phrase:
                index += len(phrase)
                break
        else:
            kept.append(tokens[index])
            index += 1
    return tuple(kept)


@dataclass(frozen=True)
class PhraseTable:
    """Every phrase of one instrument in one language, folded, with the option it means."""

    exact: dict[Tokens, str]
    """Option words, equivalents and number forms: option key by phrase."""
    close: dict[Tokens, str]
    """Paraphrases."""
    words: dict[Tokens, str]
    """Option words, equivalents and paraphrases: what is looked for inside a longer sentence."""


def phrase_table(instrument: Instrument, lang: str, words: AnswerWords, scale: ScaleWords) -> PhraseTable:
    """The phrases of `instrument` in `lang`; raises PhraseClash when one phrase would mean two options."""
    exact: dict[Tokens, str] = {}
    close: dict[Tokens, str] = {}
    sources: dict[Tokens, tuple[str, str]] = {}

    def add(table: dict[Tokens, str], phrase: str, key: str) -> None:
        tokens = _tokens(phrase)
        if not tokens:
            return
        earlier = sources.get(tokens)
        if earlier and earlier[1] != key:
            raise PhraseClash(earlier[0], phrase, earlier[1], key)
        sources[tokens] = (phrase, key)
        table[tokens] = key

    number_forms: set[Tokens] = set()
    for option in instrument.options:
        own = [option.text[lang], *scale.phrases("equivalents", option.key, lang)]
        for phrase in own:
            add(exact, phrase, option.key)
        for phrase in scale.phrases("paraphrases", option.key, lang):
            add(close, phrase, option.key)
        if option.number is None:
            continue
        for number in (str(option.number), *words.numbers.get(option.number, ())):
            forms = [number, *(f"{prefix} {number}" for prefix in words.number_prefixes),
                     *(f"{number} {phrase}" for phrase in own)]
            for form in forms:
                add(exact, form, option.key)
                number_forms.add(_tokens(form))
    in_sentences = {tokens: key for tokens, key in {**exact, **close}.items() if tokens not in number_forms}
    return PhraseTable(exact=exact, close=close, words=in_sentences)


class AnswerMatcher:
    """Matches what was said to one instrument's options, in one language. Build once per run."""

    def __init__(self, instrument: Instrument, lang: str, catalogue: Catalogue):
        self.instrument = instrument
        self.lang = lang
        self._words = catalogue.words[lang]
        self._scale = catalogue.scales[instrument.scale]
        self._table = phrase_table(instrument, lang, self._words, self._scale)
        self._fillers = _longest_first(self._words.fillers)
        self._non_answers = _longest_first(self._words.non_answers)
        self._negators = {fold(word) for word in self._words.negators}
        self._elisions = tuple(word for word in self._negators if word.endswith("'"))

    def match(self, text: str) -> AnswerMatch | None:
        """The option `text` names, with its confidence; None when it is not clearly one answer."""
        tokens = tuple(fold(text).split())
        if not tokens or any(_find(tokens, phrase) >= 0 for phrase in self._non_answers):
            return None
        core = _without(tokens, self._fillers)
        if core in self._table.exact:
            return self._answer(self._table.exact[core], Confidence.EXACT)
        if core in self._table.close:
            return self._answer(self._table.close[core], Confidence.CLOSE)
        spans = self._spans(tokens)
        if len({key for _, _, key in spans}) != 1:
            return None
        covered = {index for start, end, _ in spans for index in range(start, end)}
        if any(self._negates(token) for index, token in enumerate(tokens) if index not in covered):
            return None
        return self._answer(spans[0][2], Confidence.CLOSE)

    def grammar(self) -> list[str]:
        """The phrases a speech model may listen for while this instrument expects an answer.

        Lower case, words only, numbers as words, accents kept (the models write
        "moitié"). Commands (repeat, skip, stop) are the conversation's to add.
        """
        phrases: list[str] = []
        for option in self.instrument.options:
            phrases.append(option.text[self.lang])
            phrases.extend(self._scale.phrases("equivalents", option.key, self.lang))
            phrases.extend(self._scale.phrases("paraphrases", option.key, self.lang))
            if option.number is not None:
                phrases.extend(self._words.numbers.get(option.number, ()))
        return list(dict.fromkeys(spoken for spoken in map(_speakable, phrases) if spoken))

    def _answer(self, key: str, confidence: Confidence) -> AnswerMatch:
        return AnswerMatch(self.instrument.option(key), confidence)

    def _spans(self, tokens: Tokens) -> list[tuple[int, int, str]]:
        """Non-overlapping occurrences of option phrases in `tokens`, longer phrases first."""
        found = []
        for phrase, key in self._table.words.items():
            start = _find(tokens, phrase)
            while start >= 0:
                found.append((start, start + len(phrase), key))
                start = _find(tokens, phrase, start + 1)
        found.sort(key=lambda span: (span[0] - span[1], span[0]))
        chosen: list[tuple[int, int, str]] = []
        for span in found:
            if all(span[1] <= other[0] or span[0] >= other[1] for other in chosen):
                chosen.append(span)
        return sorted(chosen)

    def _negates(self, token: str) -> bool:
        return token in self._negators or token.startswith(self._elisions)


def _longest_first(phrases: tuple[str, ...]) -> list[Tokens]:
    return sorted({tokens for tokens in map(_tokens, phrases) if tokens}, key=len, reverse=True)


_NOT_SPEAKABLE = re.compile(r"[^\w'\- ]+")


def _speakable(phrase: str) -> str:
    """A phrase as a Vosk grammar wants it: lower case, straight apostrophes, no punctuation."""
    straight = phrase.lower().replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(_NOT_SPEAKABLE.sub(" ", straight).split())
