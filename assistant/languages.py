"""The conversation languages as data (languages.yml): defaults, numbers and counts.

Code never asks "is this French?": it asks the language for its decimal
separator, its plural, its default region. Adding a language adds data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Mapping, Sequence

import yaml

from assistant import LANGUAGES
from assistant.paths import PROJECT_ROOT

LANGUAGES_FILE = PROJECT_ROOT / "languages.yml"


@dataclass(frozen=True)
class Language:
    code: str
    names: Mapping[str, str]
    """The language's name in each language ("French", "français")."""
    region: str
    """Country whose helplines a new home uses until a caregiver sets one."""
    voice: str
    """espeak-ng voice a new home speaks with."""
    wake_phrase: str
    decimal: str
    zero_is_singular: bool
    nouns: Mapping[str, tuple[str, str]]
    """Counted words: (singular, plural)."""
    weekdays: tuple[str, ...]
    months: tuple[str, ...]
    date_format: str
    list_or: str
    list_and: str

    def number(self, value: float, decimals: int = 1) -> str:
        """`value` as this language writes it: 4.5 -> "4,5" in French; whole numbers without decimals."""
        text = f"{value:.0f}" if float(value).is_integer() else f"{value:.{decimals}f}"
        return text.replace(".", self.decimal)

    def count(self, amount: int, noun: str) -> str:
        """"3 check-ins", "1 bilan", "0 bilan" (French takes the singular for 0 and 1)."""
        singular, plural = self.nouns[noun]
        one = amount == 1 or (amount == 0 and self.zero_is_singular)
        return f"{amount} {singular if one else plural}"

    def day(self, moment: date, today: date) -> str:
        """A recent day by its weekday ("Monday", "lundi"), an older one by its date ("3 March", "le 3 mars")."""
        if 0 <= (today - moment).days < 7:
            return self.weekdays[moment.weekday()]
        return self.date_format.format(day=moment.day, month=self.months[moment.month - 1])

    def choices(self, items: Sequence[str], conjunction: str = "or") -> str:
        """"A, B, or C" / "A, B ou C"; a single item as it is."""
        if len(items) < 2:
            return "".join(items)
        pattern = self.list_or if conjunction == "or" else self.list_and
        return pattern.format(items=", ".join(items[:-1]), last=items[-1])


def load_languages() -> dict[str, Language]:
    """Every language of languages.yml, checked against the package's LANGUAGES."""
    raw = yaml.safe_load(LANGUAGES_FILE.read_text(encoding="utf-8"))
    if set(raw) != set(LANGUAGES):
        raise ValueError(f"{LANGUAGES_FILE} must describe exactly the languages {', '.join(LANGUAGES)}")
    return {code: Language(code=code, names=entry["name"], region=entry["region"], voice=entry["voice"],
                           wake_phrase=entry["wake_phrase"], decimal=entry["decimal"],
                           zero_is_singular=bool(entry["zero_is_singular"]),
                           nouns={noun: tuple(forms) for noun, forms in entry["nouns"].items()},
                           weekdays=tuple(entry["weekdays"]), months=tuple(entry["months"]),
                           date_format=entry["date"], list_or=entry["list_or"], list_and=entry["list_and"])
            for code, entry in raw.items()}


LANGUAGE_DATA = load_languages()
"""Read once at import: the language data ships with the code."""
