"""Safety figures: recall and false alarms per level and language, and the time per utterance.

Prints, for the tuning corpus (tests/safety/<level>_<lang>.txt) and the held-out
sets (heldout_<lang>.txt, short written statements; spoken_<lang>.txt, long
spoken turns, composites and recogniser output; blind_<lang>.txt, typed to a
chatbot or said to a phone at night, with many hard negatives; fresh7_<lang>.txt,
written by outsiders who had read neither the patterns nor the corpus), for the
detector alone and for the whole layer (detector + the trained crisis intent +
the meaning net, as `assistant nlu` reports it): crisis caught at the crisis level and at
crisis-or-distress, distress caught and over-reacted to, body signs caught, and
full crisis / distress question on non-crisis lines. Targets (issue 8, on a
held-out set): crisis at crisis >= 97% per language, at crisis-or-distress 100%,
full crisis on non-crisis <= 3%.

``--by-kind`` adds the same figures per kind of statement (totals only: the
held-out sets are never read line by line). ``--thresholds 0.5,0.6,...``
measures the whole layer with the crisis intent raising distress from each
confidence (each utterance is parsed once), and the classifier ALONE on the
tuning corpus's crisis and distress lines: the detector catches every one of
those, so only the classifier's own recall there shows what a lower threshold
would add on words the rules miss (the threshold is chosen on these figures
and on the distress questions it adds to the tuning corpus's non-crisis lines,
never on a held-out set).

Run: .venv/bin/python benchmarks/bench_safety.py [--detector-only] [--by-kind] [--thresholds 0.6,0.9]
(the whole layer uses the dialogue models trained for the tests, in .cache/test-home).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.safety.corpus import Labelled, evaluate, read_corpus  # noqa: E402
from assistant.safety.detector import SafetyDetector  # noqa: E402

CORPUS = REPO / "tests" / "safety"
LEVELS = ("crisis", "distress", "body", "none")
HELD_OUT = ("heldout", "spoken", "blind", "fresh7")


def corpora(lang: str) -> dict[str, list[Labelled]]:
    tuning = [line for level in LEVELS for line in read_corpus(CORPUS / f"{level}_{lang}.txt")]
    return {"tuning": tuning, **{name: read_corpus(CORPUS / f"{name}_{lang}.txt") for name in HELD_OUT}}


def per_utterance_ms(assess: Callable[[str], object], texts: list[str], rounds: int = 3) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            assess(text)
    return (time.perf_counter() - start) * 1000 / (rounds * len(texts))


def by_kind(level_of: Callable[[str], str | None], lines: list[Labelled]) -> list[str]:
    """One line per level/kind: how many were answered at each level (totals, never the lines)."""
    out = []
    for level in LEVELS:
        for kind in sorted({line.kind for line in lines if line.level == level}):
            got = [level_of(line.text) for line in lines if (line.level, line.kind) == (level, kind)]
            counts = ", ".join(f"{answer or 'none'} {got.count(answer)}"
                               for answer in ("crisis", "distress", "body", None) if got.count(answer))
            out.append(f"    {level}/{kind}: {len(got)} -> {counts}")
    return out


def report(name: str, level_of: Callable[[str], str | None], sets: dict[str, list[Labelled]],
           kinds: bool) -> None:
    for set_name, lines in sets.items():
        print("\n".join(evaluate(level_of, lines).lines(f"{name}, {set_name}:")))
        if kinds and set_name != "tuning":
            print("\n".join(by_kind(level_of, lines)))


def classifier_alone(lang: str, model: "_ParseOnce", threshold: float, lines: list[Labelled]) -> str:
    """How many crisis and distress lines the crisis intent alone suspects at `threshold`."""
    wanted = [line for line in lines if line.level in ("crisis", "distress")]
    suspected = sum(1 for line in wanted
                    if (parse := model.parse(line.text)).intent == "crisis" and parse.confidence >= threshold)
    return (f"[{lang}] classifier alone {threshold}, tuning crisis|distress lines: "
            f"{suspected}/{len(wanted)} ({suspected / len(wanted):.1%})")


class _ParseOnce:
    """The dialogue model with each text parsed once, so several thresholds cost one pass."""

    def __init__(self, model) -> None:
        self._model = model
        self._parses: dict[str, object] = {}

    def parse(self, text: str):
        if text not in self._parses:
            self._parses[text] = self._model.parse(text)
        return self._parses[text]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--detector-only", action="store_true", help="skip the trained crisis intent")
    parser.add_argument("--by-kind", action="store_true", help="figures per kind of statement too")
    parser.add_argument("--thresholds", default=None,
                        help="comma-separated crisis-intent confidences to measure (default: the layer's own)")
    parser.add_argument("--lang", choices=("en", "fr"), action="append", help="one language only")
    args = parser.parse_args()
    for lang in args.lang or ("en", "fr"):
        sets = corpora(lang)
        detector = SafetyDetector.load(lang)

        def detector_level(text: str) -> str | None:
            finding = detector.assess(text)
            return finding.level if finding else None

        texts = [line.text for lines in sets.values() for line in lines]
        print(f"[{lang}] detector: {per_utterance_ms(detector.assess, texts):.3f} ms per utterance "
              f"({len(texts)} utterances)")
        report(f"[{lang}] detector", detector_level, sets, args.by_kind)
        if args.detector_only:
            continue
        from assistant.conversation.understanding import CRISIS_INTENT_MIN_CONFIDENCE, Understanding
        from assistant.dialogue.engine import DialogueModel

        model = _ParseOnce(DialogueModel(REPO / ".cache" / "test-home" / "models" / "dialogue" / f"{lang}.tar.gz"))
        thresholds = ([float(t) for t in args.thresholds.split(",")] if args.thresholds
                      else [CRISIS_INTENT_MIN_CONFIDENCE])
        for threshold in thresholds:
            layer = Understanding(lang, model, crisis_intent_min_confidence=threshold)  # type: ignore[arg-type]

            def layer_level(text: str) -> str | None:
                finding = layer(text).safety
                return finding.level if finding else None

            print(f"[{lang}] whole layer: {per_utterance_ms(layer, texts, rounds=1):.2f} ms per utterance "
                  f"(crisis intent from {threshold})")
            print(classifier_alone(lang, model, threshold, sets["tuning"]))
            report(f"[{lang}] whole layer {threshold}", layer_level, sets, args.by_kind)


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    main()
