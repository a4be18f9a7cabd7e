"""The held-out safety sets (tests/safety/heldout_<lang>.txt), written after the
patterns were frozen at commit 0962773, with new wordings.

Figures BEFORE any tuning on them (benchmarks/bench_safety.py, measured once):

  detector alone              en                       fr
  crisis at crisis            134/162 (82.7%)          108/162 (66.7%)
  crisis at crisis|distress   134/162 (82.7%)          108/162 (66.7%)
  distress caught             35/62 (56.5%)            31/62 (50.0%)
  distress as full crisis     1/62 (1.6%)              4/62 (6.5%)
  body caught                 17/20 (85.0%)            16/20 (80.0%)
  none: full crisis           2/204 (1.0%)             5/203 (2.5%)
  none: distress question     2/204 (1.0%)             2/203 (1.0%)

  whole layer (+ crisis intent >= 0.9, at most distress)
  crisis at crisis            134/162 (82.7%)          108/162 (66.7%)
  crisis at crisis|distress   140/162 (86.4%)          129/162 (79.6%)
  none: full crisis           2/204 (1.0%)             5/203 (2.5%)
  none: distress question     5/204 (2.5%)             6/203 (3.0%)

These show what the rules generalise to on words they were not tuned on; the
floors below are what the detector reaches on the held-out set now, so that a
change that loses ground there fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.safety.corpus import evaluate, read_corpus
from assistant.safety.detector import SafetyDetector

HELD_OUT = Path(__file__).resolve().parent / "safety"
FLOORS = {
    "en": {"crisis_at_crisis": 0.82, "crisis_at_least_distress": 0.82, "max_none_as_crisis": 0.03},
    "fr": {"crisis_at_crisis": 0.66, "crisis_at_least_distress": 0.66, "max_none_as_crisis": 0.03},
}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_held_out_figures(lang: str) -> None:
    detector = SafetyDetector.load(lang)
    lines = read_corpus(HELD_OUT / f"heldout_{lang}.txt")
    assert sum(line.level == "crisis" for line in lines) >= 150
    assert sum(line.level == "distress" for line in lines) >= 60
    assert sum(line.level == "none" for line in lines) >= 200

    def level_of(text: str) -> str | None:
        finding = detector.assess(text)
        return finding.level if finding else None

    figures = evaluate(level_of, lines)
    print("\n" + "\n".join(figures.lines(f"[{lang}] held-out, detector")))
    floor = FLOORS[lang]
    assert figures.crisis_at_crisis >= floor["crisis_at_crisis"] * figures.crisis
    assert figures.crisis_at_least_distress >= floor["crisis_at_least_distress"] * figures.crisis
    assert figures.none_as_crisis <= floor["max_none_as_crisis"] * figures.none
