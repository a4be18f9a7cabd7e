"""Speech recognition figures: speed, word error rate on real speech, and grammars against free recognition.

- Decoding speed (real-time factor: decode seconds / audio seconds), on espeak-ng
  sentences and on the real recordings.
- Word error rate of free recognition on real human speech: Debian's
  pocketsphinx-testdata (LibriVox read speech, CMU card players and digit strings).
- Short answers: espeak-ng voices at several rates and noise levels, and numbers cut
  out of the real recordings; free recognition, the grammar alone, and the two
  together as the listener uses them.
- Sentences said when a short answer was expected: they must not come back as one.
- Menu words: each candidate phrase spoken in every voice, rate and noise level,
  heard freely and with the menu offered, so that the menu can use words the small
  model hears well.

Synthetic speech compares settings; it does not predict accuracy in a home.
Targets: real-time factor under 0.3.
Run: .venv/bin/python benchmarks/bench_recognition.py [--model DIR] [--menu-only]
"""

from __future__ import annotations

import argparse
import collections
import itertools
import json
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from assistant.session.inbox import Expectation  # noqa: E402
from assistant.voice.recognition import Ears, Recogniser  # noqa: E402
from voice_fixtures import cut_words, make_ears, real_recordings, word_errors  # noqa: E402

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
OUT_OF_GRAMMAR = [("I want to die", Expectation("number")), ("I don't want to be here any more", Expectation("number")),
                  ("could you say that again dear", Expectation("yes_no")),
                  ("I feel awful today", Expectation("yes_no")),
                  ("I want to kill myself", Expectation("free", ("breathing", "check-in", "how have I been"))),
                  ("no I don't want breathing today", Expectation("free", ("breathing", "check-in", "goodbye")))]
"""Sentences said when a short answer was expected: they must not come back as one."""
MENU_CANDIDATES = ["breathing", "check-in", "how have I been", "how I've been", "how I feel", "how am I doing", "mood", "my mood",
                   "my week", "summary", "meditation", "grounding", "relax", "hello", "hello there", "goodbye",
                   "talk to someone"]
"""Phrases a menu could offer; each is tested with all of them offered (a harder menu than any real one)."""
VOICES = ["en-gb", "en-us", "en+f3", "en-us+m3", "en-gb-x-rp", "en+f4"]
RATES_WPM = [110, 130, 150, 170]
NOISE_LEVELS = [0.0, 0.0, 0.01, 0.02]
"""White noise standard deviation as a fraction of full scale (0.02 is a noisy kitchen)."""
NUMBERS = {"one", "two", "three", "four", "five"}


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


def _timed(recogniser: Recogniser, audio: np.ndarray) -> tuple[str, float, float]:
    started_wall, started_cpu = time.perf_counter(), time.process_time()
    text = recogniser.recognise(audio)["text"]
    return text, time.perf_counter() - started_wall, time.process_time() - started_cpu


def bench_speed(recogniser: Recogniser, folder: Path) -> dict:
    conditions = itertools.cycle(itertools.product(VOICES, RATES_WPM[1:3]))
    audio_s = wall_s = cpu_s = 0.0
    for seed, (sentence, (voice, rate)) in enumerate(zip(SENTENCES, conditions)):
        audio = recogniser.read(synthesise(sentence, voice, rate, 0.0, folder, seed))
        _, wall, cpu = _timed(recogniser, audio)
        wall_s, cpu_s, audio_s = wall_s + wall, cpu_s + cpu, audio_s + len(audio) / recogniser.sample_rate_hz
    return {"utterances": len(SENTENCES), "audio_s": round(audio_s, 1),
            "rtf_wall": round(wall_s / audio_s, 3), "rtf_cpu": round(cpu_s / audio_s, 3)}


def bench_real_speech(ears: Ears) -> dict:
    """Word error rate of free recognition per corpus, and the real-time factor on real recordings."""
    errors: collections.Counter = collections.Counter()
    words: collections.Counter = collections.Counter()
    audio_s = wall_s = 0.0
    for recording in real_recordings():
        text, wall, _ = _timed(ears.recogniser, recording.samples)
        errors[recording.corpus] += word_errors(recording.transcript, text)
        words[recording.corpus] += len(recording.transcript.split())
        audio_s, wall_s = audio_s + len(recording.samples) / 16000, wall_s + wall
        print(f"  {recording.corpus:8} {recording.name[-32:]:32} {word_errors(recording.transcript, text)} errors / "
              f"{len(recording.transcript.split())} words: {text!r}")
    wer = {corpus: round(errors[corpus] / words[corpus], 3) for corpus in words}
    wer["all"] = round(sum(errors.values()) / sum(words.values()), 3)
    return {"wer": wer, "words": dict(words), "audio_s": round(audio_s, 1), "rtf_wall": round(wall_s / audio_s, 3)}


def bench_real_short_answers(ears: Ears) -> dict:
    """Numbers cut out of the real recordings, heard freely and expecting a number."""
    rows = [(word, ears.decode(audio, None).text, ears.hear(audio, Expectation("number")).text)
            for recording in real_recordings() for word, audio in cut_words(ears.recogniser, recording, NUMBERS)]
    for word, free, chosen in rows:
        print(f"  real {word!r}: free {free!r}, expecting a number {chosen!r}")
    return {"answers": len(rows), "free": round(sum(w == f for w, f, _ in rows) / len(rows), 3),
            "grammar": round(sum(w == c for w, _, c in rows) / len(rows), 3)}


def grammar_only(ears: Ears, audio: np.ndarray, expect: Expectation) -> str:
    """What the grammar alone makes of `audio`, without free recognition beside it."""
    return ears.recogniser.recognise(audio, ears.phrases.grammar(expect))["text"]


def bench_short_answers(ears: Ears, folder: Path) -> tuple[dict, list[dict]]:
    conditions = list(itertools.product(VOICES, RATES_WPM, NOISE_LEVELS))
    rng = np.random.default_rng(7)
    picks = rng.choice(len(conditions), size=5 * len(SHORT_ANSWERS), replace=False)
    rows = []
    for index, pick in enumerate(picks):
        answer, kind = SHORT_ANSWERS[index % len(SHORT_ANSWERS)]
        voice, rate, noise = conditions[pick]
        audio = ears.recogniser.read(synthesise(answer, voice, rate, noise, folder, 1000 + index))
        expect = Expectation(kind)
        rows.append({"answer": answer, "voice": voice, "rate_wpm": rate, "noise": noise,
                     "free": ears.decode(audio, None).text, "grammar_only": grammar_only(ears, audio, expect),
                     "grammar": ears.hear(audio, expect).text})
    count = len(rows)
    summary = {mode: round(sum(row[mode] == row["answer"] for row in rows) / count, 3)
               for mode in ("free", "grammar_only", "grammar")}
    summary["answers"] = count
    return summary, rows


def bench_out_of_grammar(ears: Ears, folder: Path) -> list[dict]:
    rows = []
    for index, (sentence, expect) in enumerate(OUT_OF_GRAMMAR):
        audio = ears.recogniser.read(synthesise(sentence, "en-gb", 130, 0.0, folder, 2000 + index))
        heard = ears.hear(audio, expect)
        rows.append({"said": sentence, "expect": expect.kind, "grammar_only": grammar_only(ears, audio, expect),
                     "decoded": heard.text, "forced_into_grammar": heard.by_grammar})
    return rows


def bench_menu_words(ears: Ears, folder: Path) -> list[dict]:
    """Each candidate spoken in every voice at two rates and two noise levels."""
    menu = Expectation("free", tuple(MENU_CANDIDATES))
    conditions = list(itertools.product(VOICES, (110, 150), (0.0, 0.02)))
    rows = []
    for index, phrase in enumerate(MENU_CANDIDATES):
        spoken = phrase.replace("-", " ")
        free_right = offered_right = 0
        misheard: collections.Counter = collections.Counter()
        for number, (voice, rate, noise) in enumerate(conditions):
            audio = ears.recogniser.read(synthesise(spoken, voice, rate, noise, folder, 3000 + 100 * index + number))
            free = ears.decode(audio, None).text
            offered = ears.hear(audio, menu)
            free_right += free == spoken.lower()
            offered_right += offered.text == phrase
            if free != spoken.lower():
                misheard[free] += 1
        rows.append({"phrase": phrase, "conditions": len(conditions), "free": free_right / len(conditions),
                     "offered": offered_right / len(conditions), "misheard": misheard.most_common(3)})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=CACHED_MODEL,
                        help="a Vosk model folder (default: the voice tests' cached model)")
    parser.add_argument("--menu-only", action="store_true", help="only the menu words")
    args = parser.parse_args()
    ears = make_ears(args.model)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        ears.decode(ears.recogniser.read(synthesise("hello", "en-gb", 130, 0.0, folder, 999)), None)  # warm-up
        figures: dict = {}
        if not args.menu_only:
            figures["speed"] = speed = bench_speed(ears.recogniser, folder)
            print(f"decoding espeak-ng sentences: {speed['utterances']} utterances, {speed['audio_s']} s of audio, "
                  f"real-time factor {speed['rtf_wall']} wall / {speed['rtf_cpu']} CPU (target < {RTF_TARGET})")
            figures["real_speech"] = real = bench_real_speech(ears)
            print(f"real speech (pocketsphinx-testdata, {real['audio_s']} s): word error rate "
                  + ", ".join(f"{corpus} {wer:.1%}" for corpus, wer in real["wer"].items())
                  + f"; words {real['words']}; real-time factor {real['rtf_wall']}")
            figures["real_short_answers"] = real_short = bench_real_short_answers(ears)
            print(f"real short answers ({real_short['answers']} numbers): free {real_short['free']:.0%}, "
                  f"expecting a number {real_short['grammar']:.0%}")
            figures["short_answers"], rows = bench_short_answers(ears, folder)
            for row in rows:
                print(f"  {row['answer']:6} {row['voice']:11} {row['rate_wpm']} wpm noise {row['noise']:.2f}: "
                      f"free={row['free']!r} grammar_only={row['grammar_only']!r} grammar={row['grammar']!r}")
            accuracy = figures["short_answers"]
            print(f"short answers ({accuracy['answers']}): free {accuracy['free']:.0%}, grammar alone "
                  f"{accuracy['grammar_only']:.0%}, grammar with free beside it {accuracy['grammar']:.0%}")
            outside = bench_out_of_grammar(ears, folder)
            for row in outside:
                print(f"  said {row['said']!r} expecting {row['expect']}: grammar alone {row['grammar_only']!r}, "
                      f"heard {row['decoded']!r}{'  <- forced into the grammar' if row['forced_into_grammar'] else ''}")
            figures["out_of_grammar_forced"] = sum(row["forced_into_grammar"] for row in outside)
        menu = bench_menu_words(ears, folder)
        print(f"menu words ({menu[0]['conditions']} conditions each: {len(VOICES)} voices x 110/150 wpm "
              "x noise 0/0.02; all candidates offered at once):")
        for row in sorted(menu, key=lambda row: (-row["offered"], -row["free"])):
            print(f"  {row['phrase']!r:18} offered {row['offered']:4.0%}  free {row['free']:4.0%}  "
                  f"free mishearings: {row['misheard']}")
        figures["menu_words"] = {row["phrase"]: {"offered": row["offered"], "free": row["free"]} for row in menu}
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
