"""The whole safety layer, as `assistant nlu` reports it: the deterministic detector
and the trained crisis intent together, on the labelled corpus, per language."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.conversation.understanding import Understanding

CORPUS = Path(__file__).resolve().parent / "safety"
MAX_FALSE_ALARMS = 0.03


def corpus(name: str, lang: str) -> list[str]:
    lines = (CORPUS / f"{name}_{lang}.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_both_signals_together_catch_every_crisis_and_rarely_cry_wolf(models, lang):
    understanding = Understanding(lang, models[lang])
    missed = [text for text in corpus("crisis", lang) if understanding(text).crisis_kind is None]
    negatives = corpus("negatives", lang)
    alarms = [text for text in negatives if understanding(text).crisis_kind is not None]
    print(f"{lang}: recall {1 - len(missed) / len(corpus('crisis', lang)):.3f}, "
          f"false alarms {len(alarms)}/{len(negatives)}")
    assert not missed, f"missed crisis statements: {missed}"
    assert len(alarms) <= MAX_FALSE_ALARMS * len(negatives), f"false alarms: {alarms}"
