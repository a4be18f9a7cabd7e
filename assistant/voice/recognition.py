"""Speech to text with Vosk, narrowed to the expected answers when there are some.

A short answer ("three", "yes", "check-in") is recognised far more reliably
against the few phrases the conversation expects than against the whole
language, so a grammar of those phrases runs beside free recognition. It wins
only when it heard exactly one phrase and the free text says nothing else that
matters: a crisis sentence always keeps its own words, and a full sentence,
or a call for help in the middle of a questionnaire, is never squeezed into
"yes" or "four".
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from assistant.languages import LANGUAGE_DATA
from assistant.messages import message
from assistant.session.inbox import FREE, Expectation
from assistant.voice.grammars import Grammar, Grammars, Listening, UnknownWord
from assistant.voice.models import SpeechModelMissing
from assistant.voice.wav import read_wav, resample

MODEL_RATE_HZ = 16000
"""The rate the small Vosk models were trained at."""
CHUNK_S = 0.5
"""Audio is fed in chunks, as a microphone would, so that the end-of-turn rules apply."""
WORDS_PER_PHRASE_WORD = 2
"""Free text longer than this many words per word of the grammar's phrase (plus one) is a sentence, not that answer."""

CrisisCheck = Callable[[str], Any]
"""The safety detector's `assess`: anything but None means the text is a crisis."""


def words_confidence(result: dict) -> float | None:
    """The mean per-word confidence of a Vosk result (0 to 1), or None when no word was heard.

    The mean, not the minimum: in a long sentence one unsure filler word ("i", "um")
    should not make the whole turn look unreliable.
    """
    confidences = [word["conf"] for word in result.get("result", []) if "conf" in word]
    return float(np.mean(confidences)) if confidences else None


@dataclass(frozen=True)
class Heard:
    """What recognition made of one turn."""

    text: str
    confidence: float | None
    by_grammar: bool = False
    """Whether the text is one of the expected phrases, taken from the grammar."""


def choose(free: dict, narrow: dict | None, grammar: Grammar | None, is_crisis: CrisisCheck) -> Heard:
    """The turn's text: the grammar's phrase when it is clearly what was said, else the free text.

    `free` and `narrow` are Vosk results (text, and words with confidences). The
    grammar wins only when it heard exactly one phrase, the free text is not a
    crisis, is not a sentence much longer than the phrase, and does not name a
    different phrase of the grammar ("no" heard freely where the grammar says "yes").
    """
    free_text = " ".join(free.get("text", "").split())
    fallback = Heard(free_text, words_confidence(free))
    if grammar is None or narrow is None:
        return fallback
    phrase = grammar.answer(narrow.get("text", ""))
    if phrase is None:
        return fallback
    if free_text and is_crisis(free_text) is not None:
        return fallback
    free_words = free_text.split()
    if len(free_words) > WORDS_PER_PHRASE_WORD * len(phrase.words) + 1:
        return fallback
    others = [other for other in grammar.mentioned_in(free_text) if other.spoken != phrase.spoken]
    if others and phrase not in grammar.mentioned_in(free_text):
        return fallback
    return Heard(phrase.text, words_confidence(narrow), by_grammar=True)


class Recogniser:
    """One loaded Vosk model, shared by every recognition in the process (loading takes a while)."""

    def __init__(self, model_path: Path, sample_rate_hz: int = MODEL_RATE_HZ, lang: str = "en"):
        import vosk

        vosk.SetLogLevel(-1)
        self._vosk = vosk
        self.sample_rate_hz = sample_rate_hz
        self.lang = lang
        """The language of the model, and of the errors a caregiver may read."""
        try:
            self._model = vosk.Model(str(model_path))
        except Exception as error:  # Vosk raises a bare Exception when Kaldi fails
            problem = "the folder does not exist" if not Path(model_path).is_dir() else error
            raise SpeechModelMissing(message("speech_model_damaged", lang, path=model_path, problem=problem,
                                             code=lang, language=LANGUAGE_DATA[lang].names[lang])) from error

    def knows(self, word: str) -> bool:
        """Whether `word` is in the model's vocabulary (a Vosk grammar may use only those)."""
        return self._model.vosk_model_find_word(word) >= 0

    def stream(self, grammar: Grammar | None = None) -> Any:
        """A fresh vosk.KaldiRecognizer, with word timings and confidences, limited to `grammar` if given."""
        if grammar is not None:
            phrases = json.dumps(grammar.vosk_phrases(), ensure_ascii=False)
            recogniser = self._vosk.KaldiRecognizer(self._model, self.sample_rate_hz, phrases)
        else:
            recogniser = self._vosk.KaldiRecognizer(self._model, self.sample_rate_hz)
        recogniser.SetWords(True)
        return recogniser

    def recognise(self, audio: np.ndarray, grammar: Grammar | None = None) -> dict:
        """Every segment the end-of-turn rules cut int16 `audio` into, joined into one Vosk result."""
        recogniser = self.stream(grammar)
        chunk = int(CHUNK_S * self.sample_rate_hz)
        pcm = audio.astype("<i2")
        segments = []
        for start in range(0, len(pcm), chunk):
            if recogniser.AcceptWaveform(pcm[start:start + chunk].tobytes()):
                segments.append(json.loads(recogniser.Result()))
        segments.append(json.loads(recogniser.FinalResult()))
        return {"text": " ".join(segment["text"] for segment in segments if segment.get("text")),
                "result": [word for segment in segments for word in segment.get("result", [])]}

    def read(self, path: Path) -> np.ndarray:
        """A WAV file as int16 samples at the recogniser's rate, whatever its own rate and channels."""
        audio = read_wav(path, self.lang)
        return resample(audio.samples, audio.sample_rate_hz, self.sample_rate_hz)

    def transcribe_wav(self, path: Path) -> dict:
        """The `assistant transcribe FILE.wav` result: {"text", "audio_seconds", "decode_seconds"}."""
        samples = self.read(path)
        started = time.perf_counter()
        text = self.recognise(samples)["text"]
        return {"text": text, "audio_seconds": round(len(samples) / self.sample_rate_hz, 3),
                "decode_seconds": round(time.perf_counter() - started, 3)}


class Ears:
    """Hearing in one language: the model, the phrases it can listen for, and the safety check that outranks them."""

    def __init__(self, recogniser: Recogniser, phrases: Listening, is_crisis: CrisisCheck):
        self.recogniser = recogniser
        self.phrases = phrases
        self.is_crisis = is_crisis

    @property
    def sample_rate_hz(self) -> int:
        return self.recogniser.sample_rate_hz

    def choose(self, free: dict, narrow: dict | None, grammar: Grammar | None) -> Heard:
        return choose(free, narrow, grammar, self.is_crisis)

    def decode(self, audio: np.ndarray, grammar: Grammar | None) -> Heard:
        """A whole recorded turn, recognised freely and, if given, against `grammar`."""
        narrow = self.recogniser.recognise(audio, grammar) if grammar is not None else None
        return self.choose(self.recogniser.recognise(audio), narrow, grammar)

    def hear(self, audio: np.ndarray, expect: Expectation = FREE) -> Heard:
        """A recorded answer to a question that expected `expect`."""
        return self.decode(audio, self.phrases.grammar(expect))

    def hear_interruption(self, audio: np.ndarray) -> Heard:
        """Something said in the middle of an exercise or a sentence: a command, or anything else."""
        return self.decode(audio, self.phrases.interruption_grammar())


def unknown_words(model_dir: Path, lang: str, grammars: Grammars, wake_phrase: str | None) -> list[UnknownWord]:
    """The phrases of `lang` the installed model cannot recognise (see Grammars.unknown_words)."""
    return grammars.unknown_words(lang, Recogniser(model_dir, lang=lang), wake_phrase)
