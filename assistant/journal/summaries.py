"""Mood trends in plain words: the last 7 days against the 7 before.

Honest when there is too little data: no trend from no check-ins, no
comparison from fewer than two check-ins the week before.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import mean
from typing import Callable

from assistant.journal.store import MoodWeeks
from assistant.languages import LANGUAGE_DATA

MIN_CHECKINS_TO_COMPARE = 2
"""The week before needs at least this many check-ins for a comparison."""
MEANINGFUL_CHANGE = 0.5
"""A change of average mood smaller than this (on 1 to 5) is "about the same"."""
LOW_MOOD_AVERAGE = 2.5
"""An average at or below this gets the offer of a breathing exercise."""


@dataclass(frozen=True)
class MoodSummary:
    """Which sentences to say, with their values; `low` when the week was low."""

    responses: list[tuple[str, dict[str, str]]]
    low: bool


def spoken_average(value: float, lang: str) -> str:
    """An average rounded to the nearest half, written as the language reads it ("4,5" in French)."""
    return LANGUAGE_DATA[lang].number(round(value * 2) / 2)


def summarise(weeks: MoodWeeks, lang: str, mood_word: Callable[[int], str]) -> MoodSummary:
    """What to say about `weeks`; `mood_word(score)` names a score from 1 to 5 in words."""
    if not weeks.this_week:
        return MoodSummary([("utter_summary_no_data", {})], low=False)
    average = mean(weeks.this_week)
    said: list[tuple[str, dict[str, str]]] = [("utter_summary_this_week", {
        "count": str(len(weeks.this_week)),
        "average": spoken_average(average, lang),
        "average_words": mood_word(min(5, max(1, math.floor(average + 0.5)))),
    })]
    if len(weeks.week_before) < MIN_CHECKINS_TO_COMPARE:
        said.append(("utter_summary_no_comparison", {}))
    else:
        previous = mean(weeks.week_before)
        change = average - previous
        key = "utter_summary_same"
        if change >= MEANINGFUL_CHANGE:
            key = "utter_summary_better"
        elif change <= -MEANINGFUL_CHANGE:
            key = "utter_summary_worse"
        said.append((key, {"previous": spoken_average(previous, lang)}))
    return MoodSummary(said, low=average <= LOW_MOOD_AVERAGE)
