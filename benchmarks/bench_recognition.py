"""Speech recognition figures: decoding speed, and grammar against free recognition of short answers.

Utterances are made at run time by espeak-ng with several voices and rates, some
with white noise added, so the figures come from synthetic speech, not from
older speakers: they compare settings, they do not predict accuracy in a home.

Targets: real-time factor (decode seconds / audio seconds) under 0.3.
Run: .venv/bin/python benchmarks/bench_recognition.py [--model DIR]
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

from assistant.voice.recognition import Recogniser, grammar_for

REPO = Path(__file__).resolve().parents[1]
CACHED_MODEL = REPO / ".cache" / "vosk" / "model-en"
"""Where the voice tests install the small English model."""
RTF_TARGET = 0.3

SENTENCES = [
    "I would like to do some breathing", "could you say that again please", "how have I been this week",
    "I did not sleep very well last night", "can we do the check in now", "I feel a bit tired today",
    "please speak a little slower", "what can you do", "I want to talk to someone",
    "good morning how are you", "I would like a short meditation", "my back is sore this morning",
    "can you make it louder please", "thank you that was lovely", "let us stop there for today",
    "I am feeling rather low", "tell me how my mood has been", "I would like to relax before bed",
    "my daughter is coming to visit", "goodbye for now",
]
SHORT_ANSWERS = [("three", "number"), ("four", "number"), ("five", "number"), ("two", "number"),
                 ("one", "number"), ("skip", "number"), ("yes", "yes_no"), ("no", "yes_no")]
OUT_OF_GRAMMAR = [("I want to die", "number"), ("I don't want to be here any more", "number"),
                  ("could you say that again dear", "yes_no"), ("I feel awful today", "yes_no")]
"""Sentences said when a short answer was expected: they must not come back as one."""
VOICES = ["en-gb", "en-us", "en+f3", "en-us+m3", "en-gb-x-rp", "en+f4"]
RATES_WPM = [110, 130, 150, 170]
NOISE_LEVELS = [0.0, 0.0, 0.01, 0.02]
"""White noise standard deviation as a fraction of full scale (0.02 is a noisy kitchen)."""


def synthesise(text: str, voice: str, rate_wpm: int, noise_level: float, folder: Path, seed: int) -> Path:
    """`text` by espeak-ng, padded with 0.3 s of silence each side, with optional white noise."""
    path = folder / f"utterance-{seed}.wav"
    subprocess.run(["espeak-ng", "-w", str(path), "-v", voice, "-s", str(rate_wpm), "--stdin"],
                   input=text, text=True, check=True, capture_output=True)
    with wave.open(str(path), "rb") as sound:
        rate_hz = sound.getframerate()
        speech = np.frombuffer(sound.readframes(sound.getnframes()), "<i2").astype(np.float64)
    padding = np.zeros(int(0.3 * rate_hz))
    speech = np.concatenate([padding, speech, padding])
    speech += np.random.default_rng(seed).normal(0.0, noise_level * 32767, len(speech))
    with wave.open(str(path), "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(rate_hz)
        sound.writeframes(np.clip(speech, -32768, 32767).astype("<i2").tobytes())
    return path


def grammar_only(recogniser: Recogniser, audio: np.ndarray, grammar: list[str]) -> str:
    """What the grammar alone makes of `audio`, without the free fallback."""
    stream = recogniser.stream(grammar)
    stream.AcceptWaveform(audio.astype("<i2").tobytes())
    return json.loads(stream.FinalResult()).get("text", "")


def bench_speed(recogniser: Recogniser, folder: Path) -> dict:
    conditions = itertools.cycle(itertools.product(VOICES, RATES_WPM[1:3]))
    audio_s = wall_s = cpu_s = 0.0
    for seed, (sentence, (voice, rate)) in enumerate(zip(SENTENCES, conditions)):
        audio = recogniser.read(synthesise(sentence, voice, rate, 0.0, folder, seed))
        started_wall, started_cpu = time.perf_counter(), time.process_time()
        recogniser.decode(audio)
        wall_s += time.perf_counter() - started_wall
        cpu_s += time.process_time() - started_cpu
        audio_s += len(audio) / recogniser.sample_rate_hz
    return {"utterances": len(SENTENCES), "audio_s": round(audio_s, 1),
            "rtf_wall": round(wall_s / audio_s, 3), "rtf_cpu": round(cpu_s / audio_s, 3)}


def bench_short_answers(recogniser: Recogniser, folder: Path) -> tuple[dict, list[dict]]:
    conditions = list(itertools.product(VOICES, RATES_WPM, NOISE_LEVELS))
    rng = np.random.default_rng(7)
    picks = rng.choice(len(conditions), size=5 * len(SHORT_ANSWERS), replace=False)
    rows = []
    for index, pick in enumerate(picks):
        answer, expect = SHORT_ANSWERS[index % len(SHORT_ANSWERS)]
        voice, rate, noise = conditions[pick]
        audio = recogniser.read(synthesise(answer, voice, rate, noise, folder, 1000 + index))
        grammar = grammar_for(expect, "en")
        rows.append({"answer": answer, "voice": voice, "rate_wpm": rate, "noise": noise,
                     "free": recogniser.decode(audio)[0], "grammar_only": grammar_only(recogniser, audio, grammar),
                     "grammar": recogniser.decode(audio, grammar)[0]})
    count = len(rows)
    summary = {mode: round(sum(row[mode] == row["answer"] for row in rows) / count, 3)
               for mode in ("free", "grammar_only", "grammar")}
    summary["answers"] = count
    return summary, rows


def bench_out_of_grammar(recogniser: Recogniser, folder: Path) -> list[dict]:
    rows = []
    for index, (sentence, expect) in enumerate(OUT_OF_GRAMMAR):
        grammar = grammar_for(expect, "en")
        audio = recogniser.read(synthesise(sentence, "en-gb", 130, 0.0, folder, 2000 + index))
        decoded = recogniser.decode(audio, grammar)[0]
        rows.append({"said": sentence, "expect": expect, "grammar_only": grammar_only(recogniser, audio, grammar),
                     "decoded": decoded, "forced_into_grammar": decoded in grammar})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="a Vosk model folder (default: the voice tests' cached model, "
                                                   "else the installed English model)")
    args = parser.parse_args()
    if args.model is not None:
        model = args.model
    elif CACHED_MODEL.is_dir():
        model = CACHED_MODEL
    else:
        from assistant.voice.models import require

        model = require("en")
    recogniser = Recogniser(model)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        recogniser.decode(recogniser.read(synthesise("hello", "en-gb", 130, 0.0, folder, 999)))  # warm-up
        speed = bench_speed(recogniser, folder)
        print(f"decoding: {speed['utterances']} utterances, {speed['audio_s']} s of audio, real-time factor "
              f"{speed['rtf_wall']} wall / {speed['rtf_cpu']} CPU (target < {RTF_TARGET})")
        accuracy, rows = bench_short_answers(recogniser, folder)
        for row in rows:
            print(f"  {row['answer']:6} {row['voice']:11} {row['rate_wpm']} wpm noise {row['noise']:.2f}: "
                  f"free={row['free']!r} grammar_only={row['grammar_only']!r} grammar={row['grammar']!r}")
        print(f"short answers ({accuracy['answers']}): free {accuracy['free']:.0%}, grammar alone "
              f"{accuracy['grammar_only']:.0%}, grammar with free fallback {accuracy['grammar']:.0%}")
        outside = bench_out_of_grammar(recogniser, folder)
        for row in outside:
            print(f"  said {row['said']!r} when expecting {row['expect']}: grammar alone {row['grammar_only']!r}, "
                  f"decoded {row['decoded']!r}{'  <- forced into the grammar' if row['forced_into_grammar'] else ''}")
    print(json.dumps({"speed": speed, "short_answers": accuracy,
                      "out_of_grammar_forced": sum(row["forced_into_grammar"] for row in outside)}))


if __name__ == "__main__":
    main()
