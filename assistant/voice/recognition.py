"""Speech to text with Vosk, narrowed to the expected answers when there are some.

A short answer ("three", "yes") is recognised far more reliably against the few
phrases the conversation expects than against the whole language, so a grammar
is tried first. Unless it hears exactly one expected phrase, the audio is
recognised again freely: a full sentence, or a call for help in the middle of a
questionnaire, must never be squeezed into "yes" or "four".
"""

from __future__ import annotations

import json
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from assistant.languages import LANGUAGE_DATA
from assistant.messages import message
from assistant.voice.models import SpeechModelMissing
from assistant.voice.wav import read_wav, resample

GRAMMARS_FILE = Path(__file__).with_name("grammars.yml")
UNKNOWN_WORD = "[unk]"
"""Added to every grammar: Vosk then says it for speech outside the phrases instead of forcing one."""
MODEL_RATE_HZ = 16000
"""The rate the small Vosk models were trained at."""
CHUNK_S = 0.5
"""Audio is fed in chunks, as a microphone would, so that the end-of-turn rules apply."""


@lru_cache(maxsize=1)
def _grammars() -> dict[str, Any]:
    with GRAMMARS_FILE.open(encoding="utf-8") as stream:
        return yaml.safe_load(stream)


def grammar_for(expect: str, lang: str) -> list[str] | None:
    """The phrases to listen for when the conversation expects `expect` in `lang`; None: free speech."""
    grammars = _grammars()
    phrases = grammars["expectations"].get(expect, {}).get(lang)
    if not phrases:
        return None
    return list(dict.fromkeys(phrases + grammars["commands"][lang]))


def words_confidence(result: dict) -> float | None:
    """The mean per-word confidence of a Vosk result (0 to 1), or None when no word was heard.

    The mean, not the minimum: in a long sentence one unsure filler word ("i", "um")
    should not make the whole turn look unreliable.
    """
    confidences = [word["conf"] for word in result.get("result", []) if "conf" in word]
    return float(np.mean(confidences)) if confidences else None


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

    def stream(self, grammar: list[str] | None = None) -> Any:
        """A fresh vosk.KaldiRecognizer, with word timings and confidences, limited to `grammar` if given."""
        if grammar:
            phrases = json.dumps(list(grammar) + [UNKNOWN_WORD], ensure_ascii=False)
            recogniser = self._vosk.KaldiRecognizer(self._model, self.sample_rate_hz, phrases)
        else:
            recogniser = self._vosk.KaldiRecognizer(self._model, self.sample_rate_hz)
        recogniser.SetWords(True)
        return recogniser

    def _recognise(self, audio: np.ndarray, grammar: list[str] | None) -> dict:
        """Every segment the end-of-turn rules cut `audio` into, joined into one result."""
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

    def decode(self, audio: np.ndarray, grammar: list[str] | None = None) -> tuple[str, float | None]:
        """(text, confidence) of int16 `audio` at the recogniser's rate.

        With a grammar, its answer is kept only when it is exactly one of the phrases:
        an answer is one phrase, and a grammar squeezes longer speech into a string of
        phrases ("I want to die" came out as "one goodbye"). Anything else, [unk]
        included, is recognised again freely.
        """
        if grammar:
            result = self._recognise(audio, grammar)
            if result["text"] in grammar:
                return result["text"], words_confidence(result)
        result = self._recognise(audio, None)
        return result["text"], words_confidence(result)

    def read(self, path: Path) -> np.ndarray:
        """A WAV file as int16 samples at the recogniser's rate, whatever its own rate and channels."""
        audio = read_wav(path, self.lang)
        return resample(audio.samples, audio.sample_rate_hz, self.sample_rate_hz)

    def transcribe_wav(self, path: Path) -> dict:
        """The `assistant transcribe FILE.wav` result: {"text", "audio_seconds", "decode_seconds"}."""
        samples = self.read(path)
        started = time.perf_counter()
        text, _ = self.decode(samples)
        return {"text": text, "audio_seconds": round(len(samples) / self.sample_rate_hz, 3),
                "decode_seconds": round(time.perf_counter() - started, 3)}
