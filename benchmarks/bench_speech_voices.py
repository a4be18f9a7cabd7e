"""The voices compared: how well the recogniser understands the assistant's own prompts in each voice.

Every English sentence the assistant says (domain/responses/en, the exercise cues)
is synthesised with each English voice of the catalogue, the way the assistant
synthesises it (pyttsx3 and espeak-ng, MBROLA voices at their real rate, 130 words
per minute), and recognised freely by the small English model. The word error
rate is a proxy for intelligibility: a voice a recogniser follows is usually one a
listener follows. Synthesis speed matters too on a two-core device.

French voices are only timed: no French speech model can be fetched here, so their
word error rate cannot be measured (install one with `assistant models install fr`
and run with --lang fr).
Run: .venv/bin/python benchmarks/bench_speech_voices.py [--lang en] [--model DIR]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import yaml

import bench_recognition  # noqa: F401  (puts tests/ on the path)
from assistant.paths import DOMAIN_DIR, EXERCISES_DIR
from assistant.text import fold
from assistant.voice.synthesis import Pyttsx3Synthesiser
from assistant.voice.voices import load_voices
from assistant.voice.wav import read_wav, resample
from voice_fixtures import word_errors

RATE_WPM = 130


def prompts(lang: str) -> list[str]:
    """The assistant's own sentences in `lang`, leaving out templates and numbers (said as digits)."""
    found: list[str] = []
    for path in sorted((DOMAIN_DIR / "responses" / lang).glob("*.yml")):
        for variants in (yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {}).values():
            found += [variant["text"] for variant in variants if isinstance(variant, dict) and "text" in variant]

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get(lang), str) and len(node[lang].split()) > 1:
                found.append(node[lang])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in sorted(EXERCISES_DIR.glob("*.yml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return sorted({text for text in found if "{" not in text and not any(c.isdigit() for c in text)})


def spoken_words(text: str) -> str:
    """The words a recogniser would write: folded, "check-in" as two words."""
    return fold(text.replace("-", " "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="en")
    parser.add_argument("--model", type=Path, default=bench_recognition.CACHED_MODEL)
    args = parser.parse_args()
    sentences = prompts(args.lang)
    catalogue = [voice for voice in load_voices().values() if voice.installed()]
    recogniser = None
    if args.lang == "en":
        from assistant.voice.recognition import Recogniser

        recogniser = Recogniser(args.model)
    print(f"{len(sentences)} {args.lang} prompts, {sum(len(s.split()) for s in sentences)} words, at {RATE_WPM} wpm")
    synthesiser = Pyttsx3Synthesiser()
    with tempfile.TemporaryDirectory() as name:
        path = Path(name) / "prompt.wav"
        for voice in catalogue:
            errors = words = 0
            audio_s = synthesis_s = 0.0
            rates = set()
            for text in sentences if voice.lang == args.lang else []:
                started = time.perf_counter()
                synthesiser.to_wav(text, voice.name, RATE_WPM, path)
                synthesis_s += time.perf_counter() - started
                audio = read_wav(path)
                rates.add(audio.sample_rate_hz)
                audio_s += audio.duration_s
                if recogniser is not None:
                    heard = recogniser.recognise(resample(audio.samples, audio.sample_rate_hz, 16000))["text"]
                    errors += word_errors(spoken_words(text), heard)
                    words += len(spoken_words(text).split())
            if not audio_s:
                continue
            wer = f"word error rate {errors / words:.1%}" if words else "word error rate not measurable here"
            print(f"  {voice.name:8} ({voice.engine}, {'/'.join(map(str, sorted(rates)))} Hz): {wer}; "
                  f"{audio_s:.0f} s of speech synthesised at real-time factor {synthesis_s / audio_s:.3f}")


if __name__ == "__main__":
    main()
