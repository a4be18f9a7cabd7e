"""Sentences for people outside the conversation (errors, progress), in both languages."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from assistant import LANGUAGES

MESSAGES_FILE = Path(__file__).with_name("messages.yml")


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, dict[str, str]]:
    with MESSAGES_FILE.open(encoding="utf-8") as stream:
        return yaml.safe_load(stream)


def message(name: str, lang: str, /, **values: object) -> str:
    """The sentence `name` in `lang` (English when `lang` is unknown), filled with `values`."""
    texts = _catalogue()[name]
    return texts[lang if lang in LANGUAGES else "en"].format(**values)


class UserFacingError(Exception):
    """An error whose message is a sentence for the user or caregiver, ready to show."""
