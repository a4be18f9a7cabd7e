"""The assistant's settings: one JSON file in the home, owner-only.

A caregiver may edit the file by hand, so a damaged file or a bad value never
stops the assistant: the file is kept aside, defaults are used, and a sentence
says what happened and what to do. Values are read forgivingly ("fr", "FR",
" Fr " are one language) and checked strictly (a phone number is digits).

Whatever depends on the language (voices, wake phrases) is keyed by language
code, with defaults from languages.yml. Files written by earlier versions
(`voice.voice_en`, `listening.wake_phrase_fr`) are read and rewritten in the
new shape.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Mapping

from assistant import LANGUAGES
from assistant.languages import LANGUAGE_DATA
from assistant.messages import message
from assistant.paths import QUESTIONNAIRES_DIR, private_file

REGIONS = ("FR", "GB", "US", "BE", "CH", "CA")
"""Countries whose helplines the assistant knows (safety/helplines.yml)."""
RATE_LIMITS_WPM = (65, 260)
"""Slowest and fastest speech (words per minute): half and double the default."""
RATE_STEP = 1.2
"""Each "slower" or "faster" divides or multiplies the rate by this."""
VOLUME_STEP = 0.15
"""Each "louder" or "quieter" moves the volume (0 to 1) by this."""
MAX_SETTINGS_BYTES = 1_000_000
"""A settings file larger than this is not a caregiver's edit: it is kept aside."""
HEALTH_FLAGS = ("heart_or_lung", "pregnancy", "recent_surgery", "hearing_aid")
"""Conditions a caregiver may record; the exercise programme avoids what does not suit them."""
NO_VALUE_WORDS = frozenset({"", "-", "none", "off", "no", "aucun", "aucune", "non", "rien"})
"""Said for an optional value (a time, a language) to mean "none"."""


def _per_language(attribute: str) -> dict[str, str]:
    return {code: getattr(language, attribute) for code, language in LANGUAGE_DATA.items()}


@dataclass(frozen=True)
class VoiceSettings:
    """How the assistant speaks."""

    rate_wpm: float = 130.0
    """Speaking rate (words per minute); older listeners follow about 130 best."""
    volume: float = 0.8
    """Playback volume, from 0.1 (quiet) to 1.0 (full)."""
    name: Mapping[str, str] = field(default_factory=lambda: _per_language("voice"))
    """espeak-ng voice for each language ("en" -> "en-gb")."""


@dataclass(frozen=True)
class ListeningSettings:
    """How the assistant listens on a microphone."""

    wake_phrase: Mapping[str, str] = field(default_factory=lambda: _per_language("wake_phrase"))
    """Said to start talking when the assistant is waiting, for each language."""
    push_to_talk: bool = False
    """Also accept a key press (a large USB button shows up as a key) instead of the wake phrase."""


@dataclass(frozen=True)
class Contact:
    """The person or clinic the user can call, named in the safety response."""

    name: str = ""
    """Who they are, as the user knows them ("your daughter Anne", "Cabinet Dupont")."""
    phone: str = ""
    """Their phone number, digits grouped as it should be read out."""


@dataclass(frozen=True)
class Clinic:
    """The clinic that follows the user or lends the device: named in the report and in the consent question."""

    name: str = ""
    """The practice or service ("Cabinet Dupont"); empty: no clinic."""
    clinician: str = ""
    """The person who reads the report ("Dr Claire Martin"); may stay empty."""
    report_language: str | None = None
    """Language of the clinician report (en, fr); None: the conversation's language."""
    mode: bool = False
    """Clinic mode: the device is lent to one patient after another (`assistant clinic lend | return`)."""

    @property
    def recipient(self) -> str:
        """Who the clinician report goes to, as the consent question names them: "Dr Claire Martin, Cabinet Dupont"."""
        return ", ".join(part for part in (self.clinician, self.name) if part)


@dataclass(frozen=True)
class Health:
    """Conditions that matter for the exercises (read by the exercise programme); all off by default."""

    heart_or_lung: bool = False
    """A heart or lung condition (COPD and similar): no breath holds, pursed-lip breathing instead."""
    pregnancy: bool = False
    recent_surgery: bool = False
    hearing_aid: bool = False
    """Wears a hearing aid: no fading volume."""


@dataclass(frozen=True)
class Routines:
    """Times of day the assistant speaks first, local time "HH:MM" (read by the reminders, assistant/schedule/)."""

    checkin_at: str | None = None
    """A gentle daily check-in at this time; None: off."""
    exercise_at: str | None = None
    """A daily reminder of a breathing exercise at this time; None: off."""


@dataclass(frozen=True)
class QuestionnaireSettings:
    """Which validated questionnaires are offered, and how often (the history lives in the journal)."""

    every: Mapping[str, str] = field(default_factory=dict)
    """Instrument id -> period ("who5" -> "14d"); an instrument not named here is off."""


@dataclass(frozen=True)
class ScheduleSettings:
    """When the assistant may not speak first (assistant/schedule/); the times it does are the `routines`."""

    quiet_from: str = "21:30"
    """Start of the quiet hours (local time, HH:MM): only a reminder set explicitly for a time in them is said."""
    quiet_until: str = "08:00"
    """End of the quiet hours (local time, HH:MM); what they held may be said from then on."""


@dataclass(frozen=True)
class Settings:
    """Everything a caregiver or clinic sets up, and the user's voice preferences."""

    language: str = "en"
    """Language of the conversation: en or fr."""
    region: str | None = None
    """Country whose helplines are given (FR, GB, US, BE, CH, CA); None: the language's usual country."""
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    listening: ListeningSettings = field(default_factory=ListeningSettings)
    contact: Contact = field(default_factory=Contact)
    time_zone: str | None = None
    """IANA time zone ("Europe/Paris") when the device's own is wrong; None: the device's."""
    suggestions: bool = True
    """Whether the assistant suggests exercises that fit the moment and the next step; off: only what is asked."""
    grammatical_form: str | None = None
    """How French words that agree with the listener are said ("sentie" or "senti"): feminine, masculine, or None."""
    clinic: Clinic = field(default_factory=Clinic)
    health: Health = field(default_factory=Health)
    routines: Routines = field(default_factory=Routines)
    questionnaires: QuestionnaireSettings = field(default_factory=QuestionnaireSettings)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)

    @property
    def region_in_use(self) -> str:
        """The region whose helplines are given now: the one set, or the language's usual country."""
        return self.region or LANGUAGE_DATA[self.language].region

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


# Checking values -----------------------------------------------------------------
# Each check takes a raw value and returns (the value as stored, None) or (None, problem),
# where the problem is a message name and its values, said in the reader's language.

Problem = tuple[str, dict[str, Any]]
Check = Callable[[Any], tuple[Any, Problem | None]]


def _one_of(choices: tuple[str, ...], case: Callable[[str], str]) -> Check:
    def check(value: Any) -> tuple[Any, Problem | None]:
        cleaned = case(value.strip()) if isinstance(value, str) else value
        if cleaned in choices:
            return cleaned, None
        return None, ("setting_problem_choices", {"choices": ", ".join(choices)})
    return check


def _number(low: float, high: float) -> Check:
    def check(value: Any) -> tuple[Any, Problem | None]:
        if isinstance(value, str):
            try:
                value = float(value.replace(",", "."))
            except ValueError:
                pass
        if isinstance(value, (int, float)) and not isinstance(value, bool) and low <= value <= high:
            return float(value), None
        return None, ("setting_problem_number", {"low": low, "high": high})
    return check


def _text(value: Any) -> tuple[Any, Problem | None]:
    if isinstance(value, str) and len(value) <= 200:
        return value.strip(), None
    return None, ("setting_problem_text", {})


def _phrase(value: Any) -> tuple[Any, Problem | None]:
    words = value.lower().split() if isinstance(value, str) else []
    if 1 <= len(words) <= 4 and all(re.fullmatch(r"[^\W\d_]+(['-][^\W\d_]+)*", word) for word in words):
        return " ".join(words), None
    return None, ("setting_problem_phrase", {})


def _phone(value: Any) -> tuple[Any, Problem | None]:
    """Digits, spaces and a leading +, as people write numbers ("01 23 45 67 89", "+33 1 23 45 67 89")."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        cleaned = " ".join(value.replace(".", " ").replace("-", " ").split())
        if cleaned == "" or re.fullmatch(r"\+?\d+( \d+)*", cleaned) and 3 <= sum(c.isdigit() for c in cleaned) <= 15:
            return cleaned, None
    return None, ("setting_problem_phone", {})


def _zone(value: Any) -> tuple[Any, Problem | None]:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if isinstance(value, str) and value.strip():
        try:
            ZoneInfo(value.strip())
            return value.strip(), None
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return None, ("setting_problem_zone", {})


def _flag(value: Any) -> tuple[Any, Problem | None]:
    if isinstance(value, bool):
        return value, None
    words = {"true": True, "yes": True, "on": True, "oui": True, "false": False, "no": False, "off": False,
             "non": False}
    if isinstance(value, str) and value.strip().lower() in words:
        return words[value.strip().lower()], None
    return None, ("setting_problem_flag", {})


def _optional(check: Check) -> Check:
    """`check`, or no value at all for "", "-", "none", "aucun"..."""
    def optional(value: Any) -> tuple[Any, Problem | None]:
        if value is None or isinstance(value, str) and value.strip().lower() in NO_VALUE_WORDS:
            return None, None
        return check(value)
    return optional


def _time_of_day(value: Any) -> tuple[Any, Problem | None]:
    """A local time as "HH:MM": "18:00", "18h30", "7", "6 pm", "6.30pm"."""
    if isinstance(value, str):
        match = re.fullmatch(r"(\d{1,2})(?:\s*[:h.]\s*(\d{2})?)?\s*(am|pm)?", value.strip().lower())
        if match:
            hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
            if half and 1 <= hour <= 12:
                hour = hour % 12 + (12 if half == "pm" else 0)
            elif half:
                hour = 99
            if hour <= 23 and minute <= 59:
                return f"{hour:02d}:{minute:02d}", None
    return None, ("setting_problem_time", {})


def questionnaire_ids() -> tuple[str, ...]:
    """The instruments that exist (one file each in questionnaires/)."""
    return tuple(sorted(path.stem for path in QUESTIONNAIRES_DIR.glob("*.yml")))


def _periods(value: Any) -> tuple[Any, Problem | None]:
    """Instruments and how often: {"who5": "14d"}, or written "who5 14d, phq2 2w" ("none" for none)."""
    from assistant.questionnaires.schedule import parse_every

    if isinstance(value, str):
        if value.strip().lower() in NO_VALUE_WORDS:
            return {}, None
        entries = [entry.split() for entry in value.replace(";", ",").split(",") if entry.strip()]
        if any(len(entry) != 2 for entry in entries):
            return None, ("setting_problem_periods", {"choices": ", ".join(questionnaire_ids())})
        value = {name: period for name, period in entries}
    if not isinstance(value, Mapping):
        return None, ("setting_problem_periods", {"choices": ", ".join(questionnaire_ids())})
    known, stored = questionnaire_ids(), {}
    for name, period in value.items():
        instrument = str(name).strip().lower()
        if instrument not in known or not isinstance(period, str):
            return None, ("setting_problem_periods", {"choices": ", ".join(known)})
        try:
            days = parse_every(period).days
        except ValueError:
            return None, ("setting_problem_periods", {"choices": ", ".join(known)})
        stored[instrument] = f"{days}d"
    return stored, None


def flag(value: Any) -> bool | None:
    """A yes or a no as people type it ("oui", "No", "true"); None when it is neither."""
    stored, problem = _flag(value)
    return None if problem else stored


CHECKS: dict[str, Check] = {
    "language": _one_of(LANGUAGES, str.lower),
    "region": _one_of(REGIONS, str.upper),
    "voice.rate_wpm": _number(*RATE_LIMITS_WPM),
    "voice.volume": _number(0.1, 1.0),
    **{f"voice.name.{lang}": _text for lang in LANGUAGES},
    **{f"listening.wake_phrase.{lang}": _phrase for lang in LANGUAGES},
    "listening.push_to_talk": _flag,
    "contact.name": _text,
    "contact.phone": _phone,
    "time_zone": _zone,
    "grammatical_form": _one_of(("feminine", "masculine"), str.lower),
    "suggestions": _flag,
    "clinic.name": _text,
    "clinic.clinician": _text,
    "clinic.report_language": _optional(_one_of(LANGUAGES, str.lower)),
    "clinic.mode": _flag,
    **{f"health.{flag}": _flag for flag in HEALTH_FLAGS},
    "routines.checkin_at": _optional(_time_of_day),
    "routines.exercise_at": _optional(_time_of_day),
    "questionnaires.every": _periods,
    "schedule.quiet_from": _time_of_day,
    "schedule.quiet_until": _time_of_day,
}
"""Every setting by dotted name, with what makes its value acceptable."""

OLD_NAMES = {
    **{f"voice.voice_{lang}": f"voice.name.{lang}" for lang in LANGUAGES},
    **{f"listening.wake_phrase_{lang}": f"listening.wake_phrase.{lang}" for lang in LANGUAGES},
}
"""Setting names of earlier versions, still accepted in files and on the command line."""


def setting_name(key: str) -> str | None:
    """The current name of setting `key` (old spellings accepted), or None if there is no such setting."""
    key = OLD_NAMES.get(key, key)
    return key if key in CHECKS else None


def get_value(settings: Settings, key: str) -> Any:
    value: Any = settings
    for part in key.split("."):
        value = value[part] if isinstance(value, Mapping) else getattr(value, part)
    return value


def with_value(settings: Settings, key: str, value: Any) -> Settings:
    """A copy of `settings` with the dotted `key` set to `value` (not checked)."""
    head, _, rest = key.partition(".")
    if not rest:
        return replace(settings, **{head: value})
    part = getattr(settings, head)
    inner, _, lang = rest.partition(".")
    if lang:
        return replace(settings, **{head: replace(part, **{inner: {**getattr(part, inner), lang: value}})})
    return replace(settings, **{head: replace(part, **{inner: value})})


def checked(key: str, value: Any) -> tuple[Any, Problem | None]:
    """The value as it would be stored for setting `key`, or the problem with it."""
    return CHECKS[key](value)


def describe_problem(problem: Problem, lang: str) -> str:
    name, values = problem
    return message(name, lang, **values)


def _raw_value(raw: Mapping[str, Any], key: str) -> Any:
    value: Any = raw
    for part in key.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


class SettingsStore:
    """Reads and writes settings.json; never loses a file it could not read."""

    def __init__(self, path: Path, warn: Callable[[str], None]):
        self.path = path
        self._warn = warn
        self._save_failed = False
        """The last save failed and the caregiver was told: not again until one works."""

    def exists(self) -> bool:
        return self.path.is_file()

    def load(self) -> Settings:
        """The stored settings, defaults where nothing (valid) is stored."""
        if not self.path.exists():
            return Settings()
        try:
            if not self.path.is_file():
                raise ValueError("it is not a file")
            if self.path.stat().st_size > MAX_SETTINGS_BYTES:
                raise ValueError("it is far too large to be settings")
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(raw, dict):
                raise ValueError("the file does not hold a JSON object")
        except (ValueError, UnicodeDecodeError, RecursionError, OSError) as error:
            self._keep_damaged_file(str(error) or type(error).__name__)
            return Settings()
        return self._from_raw(raw)

    def save(self, settings: Settings) -> bool:
        """Write atomically, so a full disk or a power cut leaves the old file whole.

        A file that cannot be written (read-only or immutable, a folder in its place,
        a full disk) never stops the conversation: the new settings are used for now,
        the caregiver is told once, and False is returned.
        """
        temporary = self.path.with_suffix(".tmp")
        try:
            temporary.touch(mode=0o600)
            with temporary.open("w", encoding="utf-8") as file:
                file.write(json.dumps(settings.to_json(), indent=2, ensure_ascii=False))
                file.flush()
                os.fsync(file.fileno())
            private_file(temporary).replace(self.path)
        except OSError as error:
            try:
                temporary.unlink(missing_ok=True)
            except OSError:
                pass
            if not self._save_failed:
                self._warn(message("settings_not_saved", settings.language, path=self.path,
                                   problem=error.strerror or error))
            self._save_failed = True
            return False
        self._save_failed = False
        return True

    def _from_raw(self, raw: dict[str, Any]) -> Settings:
        settings = Settings()
        language = _raw_value(raw, "language")
        shown = language if language in LANGUAGES else settings.language
        for old, new in OLD_NAMES.items():
            if _raw_value(raw, new) is None and _raw_value(raw, old) is not None:
                section, _, name = old.partition(".")
                inner, _, lang = new.partition(".")[2].partition(".")
                raw.setdefault(section, {}).setdefault(inner, {})[lang] = raw[section][name]
        for key in CHECKS:
            value = _raw_value(raw, key)
            if value is None:
                continue
            stored, problem = checked(key, value)
            if problem:
                default = get_value(settings, key)
                self._warn(message(
                    "settings_value_ignored", shown, path=self.path, key=key,
                    value=json.dumps(value, ensure_ascii=False), problem=describe_problem(problem, shown),
                    default=json.dumps(default, ensure_ascii=False) if default is not None
                    else message("setting_no_value", shown),
                ))
                continue
            settings = with_value(settings, key, stored)
        return settings

    def _keep_damaged_file(self, problem: str) -> None:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        kept = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        try:
            self.path.replace(kept)
        except OSError as error:
            for lang in LANGUAGES:
                self._warn(message("settings_unusable", lang, path=self.path, problem=f"{problem}; {error}"))
            return
        for lang in LANGUAGES:
            self._warn(message("settings_damaged", lang, path=self.path, problem=problem, kept=kept.name))
