"""The assistant's settings: one JSON file under ASSISTANT_HOME, owner-only.

A caregiver may edit the file by hand, so a damaged file or a bad value never
stops the assistant: the file is kept aside, defaults are used, and a sentence
says what happened and what to do.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from assistant import LANGUAGES
from assistant.messages import message
from assistant.paths import assistant_home, private_file

REGIONS = ("FR", "GB", "US")
RATE_LIMITS_WPM = (65, 260)
"""Slowest and fastest speech (words per minute): half and double the default."""
RATE_STEP = 1.2
"""Each "slower" or "faster" divides or multiplies the rate by this."""
VOLUME_STEP = 0.15
"""Each "louder" or "quieter" moves the volume (0 to 1) by this."""


@dataclass(frozen=True)
class VoiceSettings:
    """How the assistant speaks."""

    rate_wpm: float = 130.0
    """Speaking rate (words per minute); older listeners follow about 130 best."""
    volume: float = 0.8
    """Playback volume, from 0.1 (quiet) to 1.0 (full)."""
    voice_en: str = "en-gb"
    """espeak-ng voice for English."""
    voice_fr: str = "fr-fr"
    """espeak-ng voice for French."""


@dataclass(frozen=True)
class ListeningSettings:
    """How the assistant listens on a microphone."""

    wake_phrase_en: str = "hello companion"
    """Said to start talking when the assistant is waiting (English)."""
    wake_phrase_fr: str = "bonjour compagnon"
    """Said to start talking when the assistant is waiting (French)."""
    push_to_talk: bool = False
    """Also accept a key press (a large USB button shows up as a key) instead of the wake phrase."""


@dataclass(frozen=True)
class Contact:
    """The person or clinic the user can call, named in the safety response."""

    name: str = ""
    """Who they are, as the user knows them ("your daughter Anne", "Cabinet Dupont")."""
    phone: str = ""
    """Their phone number, written as it should be read out."""


@dataclass(frozen=True)
class Settings:
    """Everything a caregiver or clinic sets up, and the user's voice preferences."""

    language: str = "en"
    """Language of the conversation: en or fr."""
    region: str = "GB"
    """Country whose helplines are given: FR, GB or US. Independent of the language."""
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    listening: ListeningSettings = field(default_factory=ListeningSettings)
    contact: Contact = field(default_factory=Contact)

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _check_language(value: Any) -> str | None:
    return None if value in LANGUAGES else f"not one of {', '.join(LANGUAGES)}"


def _check_region(value: Any) -> str | None:
    return None if value in REGIONS else f"not one of {', '.join(REGIONS)}"


def _check_rate(value: Any) -> str | None:
    low, high = RATE_LIMITS_WPM
    ok = isinstance(value, (int, float)) and low <= value <= high
    return None if ok else f"not a number from {low} to {high}"


def _check_volume(value: Any) -> str | None:
    ok = isinstance(value, (int, float)) and 0.1 <= value <= 1.0
    return None if ok else "not a number from 0.1 to 1.0"


def _check_text(value: Any) -> str | None:
    return None if isinstance(value, str) else "not text"


def _check_phrase(value: Any) -> str | None:
    ok = isinstance(value, str) and 1 <= len(value.split()) <= 4 and value == value.lower()
    return None if ok else "not one to four words in lower case"


def _check_flag(value: Any) -> str | None:
    return None if isinstance(value, bool) else "not true or false"


CHECKS: dict[str, Callable[[Any], str | None]] = {
    "language": _check_language,
    "region": _check_region,
    "voice.rate_wpm": _check_rate,
    "voice.volume": _check_volume,
    "voice.voice_en": _check_text,
    "voice.voice_fr": _check_text,
    "listening.wake_phrase_en": _check_phrase,
    "listening.wake_phrase_fr": _check_phrase,
    "listening.push_to_talk": _check_flag,
    "contact.name": _check_text,
    "contact.phone": _check_text,
}
"""Every setting by dotted name, with what makes its value acceptable."""


def _get(settings: Settings, key: str) -> Any:
    value: Any = settings
    for part in key.split("."):
        value = getattr(value, part)
    return value


def with_value(settings: Settings, key: str, value: Any) -> Settings:
    """A copy of `settings` with the dotted `key` set to `value` (not checked)."""
    head, _, rest = key.partition(".")
    if not rest:
        return replace(settings, **{head: value})
    return replace(settings, **{head: replace(getattr(settings, head), **{rest: value})})


class SettingsStore:
    """Reads and writes settings.json; never loses a file it could not read."""

    def __init__(self, path: Path | None = None, warn: Callable[[str], None] | None = None):
        self.path = path or assistant_home() / "settings.json"
        self._warn = warn or (lambda text: print(text, file=sys.stderr))

    def load(self) -> Settings:
        """The stored settings, defaults where nothing (valid) is stored."""
        if not self.path.exists():
            return Settings()
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(raw, dict):
                raise ValueError("the file does not hold a JSON object")
        except (ValueError, UnicodeDecodeError) as error:
            self._keep_damaged_file(str(error))
            return Settings()
        return self._from_raw(raw)

    def save(self, settings: Settings) -> None:
        """Write atomically, so a full disk or a power cut leaves the old file whole."""
        temporary = self.path.with_suffix(".tmp")
        temporary.touch(mode=0o600)
        temporary.write_text(json.dumps(settings.to_json(), indent=2, ensure_ascii=False), encoding="utf-8")
        private_file(temporary).replace(self.path)

    def _from_raw(self, raw: dict[str, Any]) -> Settings:
        settings = Settings()
        for key, check in CHECKS.items():
            value: Any = raw
            for part in key.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            if value is None:
                continue
            problem = check(value)
            if problem:
                self._warn(message(
                    "settings_value_ignored", settings.language, path=self.path, key=key,
                    value=json.dumps(value, ensure_ascii=False), problem=problem,
                    default=_get(settings, key),
                ))
                continue
            settings = with_value(settings, key, value)
        return settings

    def _keep_damaged_file(self, problem: str) -> None:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        kept = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        self.path.replace(kept)
        self._warn(message("settings_damaged", "en", path=self.path, problem=problem, kept=kept.name))
        self._warn(message("settings_damaged", "fr", path=self.path, problem=problem, kept=kept.name))
