"""Sentences for people outside the conversation (errors, progress), in both languages.

The catalogue is the folder messages/, one file per part of the assistant, each
sentence in every language; a name defined twice is an error.
"""

from __future__ import annotations

import yaml

from assistant import LANGUAGES
from assistant.paths import MESSAGES_DIR


def load_catalogue() -> dict[str, dict[str, str]]:
    """Every message by name, from every file in messages/, checked to exist in every language."""
    catalogue: dict[str, dict[str, str]] = {}
    for path in sorted(MESSAGES_DIR.glob("*.yml")):
        for name, texts in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if name in catalogue:
                raise ValueError(f"{path}: message {name!r} is defined twice")
            missing = [lang for lang in LANGUAGES if not isinstance(texts, dict) or not texts.get(lang)]
            if missing:
                raise ValueError(f"{path}: message {name!r} has no text in {', '.join(missing)}")
            catalogue[name] = texts
    return catalogue


_CATALOGUE = load_catalogue()
"""Read once at import: the sentences ship with the code, like the code itself."""


def message(name: str, lang: str, /, **values: object) -> str:
    """The sentence `name` in `lang` (English when `lang` is unknown), filled with `values`."""
    texts = _CATALOGUE[name]
    return texts[lang if lang in LANGUAGES else "en"].format(**values)


class UserFacingError(Exception):
    """An error whose message is a sentence for the user or caregiver, ready to show."""
