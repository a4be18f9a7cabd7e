"""Safety figures: recall and false alarms per level and language, and the time per utterance.

Prints, for the tuning corpus (tests/safety/<level>_<lang>.txt) and the two held-out
sets (tests/safety/heldout_<lang>.txt, written ones; tests/safety/spoken_<lang>.txt,
long spoken turns, composites and recogniser output), for the detector alone and for the whole
layer (detector + the trained crisis intent, as `assistant nlu` reports it):
crisis caught at the crisis level and at crisis-or-distress, distress caught and
over-reacted to, body signs caught, and full crisis / distress question on
non-crisis lines. Targets (issue 8, on a held-out set): crisis at crisis >= 97%
per language, at crisis-or-distress 100%, full crisis on non-crisis <= 3%.

Run: .venv/bin/python benchmarks/bench_safety.py [--detector-only] [--threshold 0.9]
(the whole layer uses the dialogue models trained for the tests, in .cache/test-home).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.safety.corpus import Labelled, evaluate, read_corpus  # noqa: E402
from assistant.safety.detector import SafetyDetector  # noqa: E402

CORPUS = REPO / "tests" / "safety"
LEVELS = ("crisis", "distress", "body", "none")


def corpora(lang: str) -> dict[str, list[Labelled]]:
    tuning = [line for level in LEVELS for line in read_corpus(CORPUS / f"{level}_{lang}.txt")]
    return {"tuning": tuning, "held-out": read_corpus(CORPUS / f"heldout_{lang}.txt"),
            "spoken": read_corpus(CORPUS / f"spoken_{lang}.txt")}


def per_utterance_ms(assess, texts: list[str], rounds: int = 3) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            assess(text)
    return (time.perf_counter() - start) * 1000 / (rounds * len(texts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--detector-only", action="store_true", help="skip the trained crisis intent")
    parser.add_argument("--threshold", type=float, default=None, help="crisis-intent confidence to test")
    args = parser.parse_args()
    for lang in ("en", "fr"):
        sets = corpora(lang)
        detector = SafetyDetector.load(lang)

        def detector_level(text: str) -> str | None:
            finding = detector.assess(text)
            return finding.level if finding else None

        texts = [line.text for lines in sets.values() for line in lines]
        print(f"[{lang}] detector: {per_utterance_ms(detector.assess, texts):.3f} ms per utterance "
              f"({len(texts)} utterances)")
        for name, lines in sets.items():
            print("\n".join(evaluate(detector_level, lines).lines(f"[{lang}] detector, {name}:")))
        if args.detector_only:
            continue
        from assistant.conversation import understanding as module
        from assistant.dialogue.engine import DialogueModel

        if args.threshold is not None:
            module.CRISIS_INTENT_MIN_CONFIDENCE = args.threshold
        model = DialogueModel(REPO / ".cache" / "test-home" / "models" / "dialogue" / f"{lang}.tar.gz")
        layer = module.Understanding(lang, model)

        def layer_level(text: str) -> str | None:
            finding = layer(text).safety
            return finding.level if finding else None

        print(f"[{lang}] whole layer: {per_utterance_ms(layer, texts, rounds=1):.2f} ms per utterance "
              f"(crisis intent from {module.CRISIS_INTENT_MIN_CONFIDENCE})")
        for name, lines in sets.items():
            print("\n".join(evaluate(layer_level, lines).lines(f"[{lang}] whole layer, {name}:")))


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    main()
