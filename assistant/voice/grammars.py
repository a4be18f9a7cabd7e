"""The phrases recognition listens for, spelt in the speech model's own words.

Phrases are data: the answers each kind of question expects and the commands
that can be said at any time (grammars.yml), the stop phrases heard over the
assistant's speech (listening.yml), the wake phrase (settings), and the phrases
the dialogue has just offered ("breathing", "check-in"; the `offers` of a
response in domain/responses/). Each keeps the file and line it comes from.

A Vosk grammar may only hold words of the model's vocabulary: Vosk drops an
unknown word with a warning nobody reads, and "check-in" would silently become
nothing. So every phrase is spelt against the loaded model (a hyphenated or
elided word is tried whole, then split: "check-in" -> "check in"), and a phrase
with a word the model lacks is left out and reported with its file and line:
at `assistant models install`, at `models verify`, and, for offered phrases, to
the caregiver when first offered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Protocol

from assistant import LANGUAGES, datafile
from assistant.datafile import LineStr
from assistant.languages import LANGUAGE_DATA
from assistant.messages import message
from assistant.paths import DOMAIN_DIR, PROJECT_ROOT
from assistant.session.inbox import Expectation

GRAMMARS_FILE = Path(__file__).with_name("grammars.yml")
LISTENING_FILE = Path(__file__).with_name("listening.yml")
RESPONSES_DIR = DOMAIN_DIR / "responses"
"""Where the dialogue's responses are, one folder per language; a response's `metadata.offers` lists its choices."""
UNKNOWN_WORD = "[unk]"
"""Added to every Vosk grammar: speech outside the phrases comes out as [unk] instead of being forced into one."""

_PUNCTUATION = re.compile(r"[^\w'\- ]+")
_APOSTROPHES = str.maketrans({c: "'" for c in "\u2019\u2018\u02bc"})


class GrammarFileError(Exception):
    """A phrase file is broken; the message names the file and line."""


class Vocabulary(Protocol):
    def knows(self, word: str) -> bool:
        """Whether the speech model can recognise `word` (lower case, as the model spells it)."""


@dataclass(frozen=True)
class Phrase:
    """Something the user may say, as the conversation hears it and as the model spells it."""

    text: str
    """What the conversation is told was said: the phrase as written or offered ("check-in")."""
    words: tuple[str, ...]
    """The model's words for it ("check", "in")."""
    source: str
    """Where it is written (a file, relative to the project), for caregivers' reports."""
    line: int = 0

    @property
    def spoken(self) -> str:
        """The phrase as the recogniser writes it."""
        return " ".join(self.words)


@dataclass(frozen=True)
class UnknownWord:
    """A word of a phrase that the speech model cannot recognise: the phrase is not listened for."""

    word: str
    phrase: str
    source: str
    line: int

    def describe(self, lang: str, model_lang: str) -> str:
        return message("speech_word_unknown", lang, word=self.word, phrase=self.phrase, source=self.source,
                       line=self.line, language=LANGUAGE_DATA[model_lang].names[lang])


def _candidates(token: str) -> list[tuple[str, ...]]:
    """How a written word may be spelt in a model: whole, split at hyphens, then split after apostrophes."""
    spellings = [(token,)]
    if "-" in token:
        spellings.append(tuple(part for part in token.split("-") if part))
    if "'" in token:
        parts = [part + "'" for part in token.split("'")[:-1]] + [token.split("'")[-1]]
        spellings.append(tuple(part for part in parts if part))
    return spellings


def spell(text: str, vocabulary: Vocabulary | None) -> tuple[tuple[str, ...], str | None]:
    """(the model's words for `text`, None), or ((), the first word the model lacks).

    Without a vocabulary, the words are taken as written (lower case, punctuation dropped).
    """
    cleaned = _PUNCTUATION.sub(" ", text.translate(_APOSTROPHES).lower())
    words: list[str] = []
    for token in cleaned.split():
        token = token.strip("-'") or token
        if vocabulary is None:
            words.append(token)
            continue
        spelling = next((candidate for candidate in _candidates(token)
                         if all(vocabulary.knows(word) for word in candidate)), None)
        if spelling is None:
            return (), token
        words.extend(spelling)
    return tuple(words), None


@dataclass(frozen=True)
class Grammar:
    """The phrases one recognition listens for, beside free recognition."""

    phrases: tuple[Phrase, ...]

    def vosk_phrases(self) -> list[str]:
        """What Vosk is given: each spoken form once, and [unk] for anything else."""
        return list(dict.fromkeys(phrase.spoken for phrase in self.phrases)) + [UNKNOWN_WORD]

    def answer(self, heard: str) -> Phrase | None:
        """The phrase `heard` is, if it is exactly one of them (offered phrases first)."""
        heard = " ".join(heard.split())
        return next((phrase for phrase in self.phrases if phrase.spoken == heard), None)

    def mentioned_in(self, text: str) -> list[Phrase]:
        """The phrases said, as whole words, somewhere in `text`."""
        padded = f" {' '.join(text.split())} "
        return [phrase for phrase in self.phrases if f" {phrase.spoken} " in padded]

    def __contains__(self, heard: str) -> bool:
        return self.answer(heard) is not None


# Reading the files ------------------------------------------------------------------


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def _read(path: Path) -> Any:
    return datafile.read(path, GrammarFileError)


def _phrase_list(node: Any, path: Path, what: str) -> list[LineStr]:
    if not isinstance(node, list):
        raise GrammarFileError(f"{path}: {what} must be a list of phrases")
    for item in node:
        if not isinstance(item, str) or not item.strip():
            raise GrammarFileError(f"{path}: {what} holds {item!r}, which is not a phrase "
                                   "(write yes, no, on and off in quotes)")
    return node


def _per_language(node: Any, path: Path, what: str) -> dict[str, list[LineStr]]:
    if not isinstance(node, Mapping) or set(node) != set(LANGUAGES):
        raise GrammarFileError(f"{path}: {what} needs phrases for exactly these languages: {', '.join(LANGUAGES)}")
    return {lang: _phrase_list(node[lang], path, f"{what} ({lang})") for lang in LANGUAGES}


Written = dict[str, list[LineStr]]


@dataclass(frozen=True)
class Grammars:
    """Every phrase file, read once at start; `for_model` spells them for one loaded model."""

    commands: Written
    answers: dict[str, Written]
    """Phrases by expectation kind ("number", "yes_no"), then language."""
    stop_phrases: Written
    unfinished_endings: dict[str, frozenset[str]] = field(default_factory=dict)
    """Last words after which a turn sounds unfinished, by language."""
    offered: Written = field(default_factory=dict)
    """Phrases the dialogue's responses offer (`metadata.offers`), for the vocabulary report."""
    sources: dict[str, str] = field(default_factory=dict)
    """Which file each of the groups above comes from."""

    @classmethod
    def load(cls, grammars_file: Path = GRAMMARS_FILE, listening_file: Path = LISTENING_FILE,
             responses_dir: Path = RESPONSES_DIR) -> Grammars:
        """Read and check the phrase files; raises GrammarFileError naming the file and line."""
        grammars, listening = _read(grammars_file), _read(listening_file)
        if not isinstance(grammars, Mapping) or not isinstance(grammars.get("expectations"), Mapping):
            raise GrammarFileError(f"{grammars_file}: needs `commands` and `expectations`")
        if not isinstance(listening, Mapping):
            raise GrammarFileError(f"{listening_file}: needs `stop_phrases`")
        answers = {kind: _per_language(phrases, grammars_file, f"expectations.{kind}")
                   for kind, phrases in grammars["expectations"].items()}
        return cls(commands=_per_language(grammars.get("commands"), grammars_file, "commands"), answers=answers,
                   stop_phrases=_per_language(listening.get("stop_phrases"), listening_file, "stop_phrases"),
                   unfinished_endings={lang: frozenset(map(str, words)) for lang, words in _per_language(
                       listening.get("unfinished_endings"), listening_file, "unfinished_endings").items()},
                   offered=_offered_in_responses(responses_dir),
                   sources={"commands": _relative(grammars_file), "answers": _relative(grammars_file),
                            "stop_phrases": _relative(listening_file), "offered": _relative(responses_dir)})

    def written(self, lang: str, wake_phrase: str | None = None) -> list[tuple[str, LineStr]]:
        """Every phrase of `lang` with the file it is in: what the vocabulary report checks."""
        found = [(self.sources.get("commands", ""), phrase) for phrase in self.commands[lang]]
        found += [(self.sources.get("answers", ""), phrase) for kind in self.answers.values() for phrase in kind[lang]]
        found += [(self.sources.get("stop_phrases", ""), phrase) for phrase in self.stop_phrases[lang]]
        found += [(getattr(phrase, "source", self.sources.get("offered", "")), phrase)
                  for phrase in self.offered.get(lang, [])]
        if wake_phrase:
            found.append(("settings: listening.wake_phrase." + lang, LineStr(wake_phrase)))
        return found

    def unknown_words(self, lang: str, vocabulary: Vocabulary, wake_phrase: str | None = None) -> list[UnknownWord]:
        """Each phrase of `lang` that the model cannot recognise, with the word it lacks and where it is written."""
        unknown = []
        for source, phrase in self.written(lang, wake_phrase):
            _, missing = spell(phrase, vocabulary)
            if missing is not None:
                unknown.append(UnknownWord(missing, str(phrase), source, getattr(phrase, "line", 0)))
        return unknown

    def for_model(self, lang: str, vocabulary: Vocabulary | None, wake_phrase: str,
                  notice: Callable[[str, dict], None] | None = None) -> Listening:
        return Listening(self, lang, vocabulary, wake_phrase, notice or (lambda name, values: None))


class _SourcedStr(LineStr):
    source: str = ""


def _offered_in_responses(folder: Path) -> Written:
    """`metadata.offers` of every response, by language folder, each phrase with its file and line."""
    offered: Written = {lang: [] for lang in LANGUAGES}
    for lang in LANGUAGES:
        for path in sorted((folder / lang).glob("*.yml")) if folder.is_dir() else []:
            responses = (_read(path) or {}).get("responses") or {}
            for variants in responses.values() if isinstance(responses, Mapping) else []:
                for variant in variants if isinstance(variants, list) else []:
                    metadata = variant.get("metadata") if isinstance(variant, Mapping) else None
                    offers = metadata.get("offers") if isinstance(metadata, Mapping) else None
                    for phrase in offers if isinstance(offers, list) else []:
                        if isinstance(phrase, str):
                            sourced = _SourcedStr(phrase)
                            sourced.line, sourced.source = getattr(phrase, "line", 0), _relative(path)
                            offered[lang].append(sourced)
    return offered


class Listening:
    """One language's phrases spelt for one loaded model: the grammars a listener uses.

    Phrases from the files are spelt once; offered phrases when first offered (and a
    caregiver is told, once, about one the model cannot hear).
    """

    def __init__(self, grammars: Grammars, lang: str, vocabulary: Vocabulary | None, wake_phrase: str,
                 notice: Callable[[str, dict], None]):
        self.lang = lang
        self._vocabulary = vocabulary
        self._notice = notice
        self._offered: dict[str, Phrase | None] = {}
        self.unknown: list[UnknownWord] = []
        """Phrases of the files left out because the model lacks a word."""
        self.commands = self._spelt(grammars.commands[lang], grammars.sources.get("commands", ""))
        self.answers = {kind: self._spelt(phrases[lang], grammars.sources.get("answers", ""))
                        for kind, phrases in grammars.answers.items()}
        self.stop_phrases = self._spelt(grammars.stop_phrases[lang], grammars.sources.get("stop_phrases", ""))
        self._unfinished = grammars.unfinished_endings.get(lang, frozenset())
        wake = self._spelt([LineStr(wake_phrase)], f"settings: listening.wake_phrase.{lang}")
        self.wake_phrase = wake[0] if wake else None

    def _spelt(self, written: Iterable[LineStr], source: str) -> tuple[Phrase, ...]:
        phrases = []
        for text in written:
            words, missing = spell(text, self._vocabulary)
            if missing is None:
                phrases.append(Phrase(str(text), words, source, getattr(text, "line", 0)))
            else:
                self.unknown.append(UnknownWord(missing, str(text), source, getattr(text, "line", 0)))
        return tuple(phrases)

    def _offered_phrase(self, text: str) -> Phrase | None:
        if text not in self._offered:
            words, missing = spell(text, self._vocabulary)
            self._offered[text] = Phrase(text, words, "offered") if missing is None and words else None
            if missing is not None:
                self._notice("speech_offered_word_unknown", {"phrase": text, "word": missing})
        return self._offered[text]

    def grammar(self, expect: Expectation) -> Grammar | None:
        """What to listen for beside free speech after `expect`; None: free speech only.

        Offered phrases come first, then the kind's answers, then the commands that can
        be said at any time.
        """
        offered = [phrase for phrase in map(self._offered_phrase, expect.offered) if phrase is not None]
        answers = list(self.answers.get(expect.kind, ()))
        if not offered and not answers:
            return None
        return Grammar(tuple(offered + answers + list(self.commands)))

    def interruption_grammar(self) -> Grammar:
        """What may be said in the middle of an exercise or a sentence: the commands and stop phrases."""
        return Grammar(self.stop_phrases + self.commands)

    def stop_grammar(self, speech: str) -> Grammar | None:
        """The stop phrases heard over `speech`, leaving out those it says itself (it would hear itself)."""
        said = f" {' '.join(spell(speech, None)[0])} "
        phrases = tuple(phrase for phrase in self.stop_phrases if f" {phrase.spoken} " not in said)
        return Grammar(phrases) if phrases else None

    def sounds_unfinished(self, text: str) -> bool:
        """Whether recognised `text` ends with a word after which people go on ("to", "the", "de")."""
        words = text.split()
        return bool(words) and words[-1] in self._unfinished

    def wake_grammar(self) -> Grammar | None:
        return Grammar((self.wake_phrase,)) if self.wake_phrase else None
