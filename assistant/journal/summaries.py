"""Mood trends in plain words: a period (the last 7 days by default) against the one before.

Honest when there is too little data: no trend from no check-ins, no
comparison from fewer than two check-ins in the period before.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import mean
from typing import Callable

from assistant.languages import LANGUAGE_DATA

MIN_CHECKINS_TO_COMPARE = 2
"""The period before needs at least this many check-ins for a comparison."""
MEANINGFUL_CHANGE = 0.5
"""A change of average mood smaller than this (on 1 to 5) is "about the same"."""
LOW_MOOD_AVERAGE = 2.5
"""An average at or below this gets the offer of a breathing exercise."""


@dataclass(frozen=True)
class MoodSummary:
    """Which sentences to say, with their values; `low` when the period was low."""

    responses: list[tuple[str, dict[str, str]]]
    low: bool


def spoken_average(value: float, lang: str) -> str:
    """An average rounded to the nearest half, written as the language reads it ("4,5" in French)."""
    return LANGUAGE_DATA[lang].number(round(value * 2) / 2)


def summarise(this_period: list[int], period_before: list[int], lang: str, introduced: str,
              before_named: str, mood_word: Callable[[int], str]) -> MoodSummary:
    """What to say about the moods of a period and of the one before.

    `introduced` opens the sentence ("In the last seven days", "Since Monday");
    `before_named` names the period compared ("the week before");
    `mood_word(score)` names a score from 1 to 5 in words.
    """
    if not this_period:
        return MoodSummary([("utter_summary_no_data", {"period": introduced})], low=False)
    language = LANGUAGE_DATA[lang]
    average = mean(this_period)
    said: list[tuple[str, dict[str, str]]] = [("utter_summary_period", {
        "period": introduced,
        "checkins": language.count(len(this_period), "checkin"),
        "average": spoken_average(average, lang),
        "average_word": mood_word(min(5, max(1, math.floor(average + 0.5)))),
    })]
    if len(period_before) < MIN_CHECKINS_TO_COMPARE:
        said.append(("utter_summary_no_comparison", {"before": before_named}))
    else:
        previous = mean(period_before)
        change = average - previous
        key = "utter_summary_same"
        if change >= MEANINGFUL_CHANGE:
            key = "utter_summary_better"
        elif change <= -MEANINGFUL_CHANGE:
            key = "utter_summary_worse"
        said.append((key, {"before": before_named, "previous": spoken_average(previous, lang)}))
    return MoodSummary(said, low=average <= LOW_MOOD_AVERAGE)
