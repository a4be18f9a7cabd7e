"""Which stretch of time "how have I been" asks about: "this month", "ce mois-ci", "since Monday".

The phrases are data (conversation/periods.yml); a day named after "since"
or "depuis" is read by dateparser in the request's language, relative to the
assistant's clock, so the same request means the same days on the virtual
clock of a test as on the real one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import yaml

from assistant.languages import LANGUAGE_DATA
from assistant.paths import PROJECT_ROOT
from assistant.text import fold

PERIODS_FILE = PROJECT_ROOT / "conversation" / "periods.yml"


@dataclass(frozen=True)
class Period:
    """A stretch of local time, and the one of the same length just before it."""

    start: datetime
    end: datetime
    this: str
    """How the period is introduced ("In the last seven days", "Since Monday")."""
    before: str
    """How the period before is named ("the week before")."""

    @property
    def previous_start(self) -> datetime:
        return self.start - (self.end - self.start)


class PeriodReader:
    def __init__(self, lang: str, raw: dict[str, Any] | None = None):
        self.lang = lang
        self._raw = raw or yaml.safe_load(PERIODS_FILE.read_text(encoding="utf-8"))

    def read(self, text: str, now: datetime) -> Period:
        """The period `text` asks about (the default one when it names none)."""
        folded = f" {fold(text)} "
        periods = self._raw["periods"]
        for name, period in periods.items():
            if "since" in period:
                for word in period["since"][self.lang]:
                    if f" {fold(word)} " in folded:
                        found = self._since(folded.split(f" {fold(word)} ", 1)[1], now, period)
                        if found is not None:
                            return found
                continue
            if any(f" {fold(phrase)} " in folded for phrase in period["when"][self.lang]):
                return self._period(period, now)
        return self._period(periods[self._raw["default"]], now)

    def _period(self, period: dict[str, Any], now: datetime) -> Period:
        if period.get("month"):
            start = datetime.combine(now.date().replace(day=1), time(), now.tzinfo)
            if start >= now - timedelta(days=1):
                start -= timedelta(days=1)
        else:
            start = now - timedelta(days=period["days"])
        return Period(start, now, period["this"][self.lang], period["before"][self.lang])

    def _since(self, words: str, now: datetime, period: dict[str, Any]) -> Period | None:
        import dateparser

        settings = {"PREFER_DATES_FROM": "past", "RELATIVE_BASE": now.replace(tzinfo=None)}
        day = dateparser.parse(words.strip(), languages=[self.lang], settings=settings)
        if day is None or day.date() >= now.date():
            return None
        start = datetime.combine(day.date(), time(), now.tzinfo)
        name = LANGUAGE_DATA[self.lang].day(day.date(), now.date())
        return Period(start, now, period["this"][self.lang].format(day=name), period["before"][self.lang])
