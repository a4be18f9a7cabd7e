"""Clinic mode: a device lent to one patient after another.

`return` wipes everything personal (journal, dialogue tracker, consents,
reminders, backups, logs, recordings) and puts the settings back to the
clinic's profile, keeping the installed models; `lend` provisions the next
patient from the clinic's profile on a clean device, so the first talk is a
first day again: the introduction, then the consent question.

The profile is kept in the home (clinic-profile.json) when it is applied in
clinic mode, so a return can put the clinic's settings back exactly. Without
one, a return keeps the clinic's own choices and resets the person's: their
contact, health flags and voice preferences.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from assistant.care.data import Deleted, delete_user_data
from assistant.care.profile import apply_profile
from assistant.paths import Home, private_file
from assistant.settings import CHECKS, HEALTH_FLAGS, Settings, SettingsStore, get_value, with_value

PERSONAL_SETTINGS = ("contact.name", "contact.phone", "voice.rate_wpm", "voice.volume",
                     *(f"health.{flag}" for flag in HEALTH_FLAGS))
"""Settings that belong to the person, not to the clinic: reset by a return when no profile is kept."""


def profile_file(home: Home) -> Path:
    return home.root / "clinic-profile.json"


def keep_profile(home: Home, entries: Mapping[str, Any]) -> None:
    """Keep the clinic's checked profile in the home, owner-only, for the next return."""
    path = profile_file(home)
    path.touch(mode=0o600)
    path.write_text(json.dumps(dict(entries), indent=2, ensure_ascii=False), encoding="utf-8")
    private_file(path)


def kept_profile(home: Home) -> dict[str, Any] | None:
    """The profile kept by the last lend (already checked then), if any."""
    path = profile_file(home)
    if not path.is_file():
        return None
    entries = json.loads(path.read_text(encoding="utf-8"))
    return {key: value for key, value in entries.items() if key in CHECKS}


def clinic_settings(current: Settings, profile: Mapping[str, Any] | None) -> Settings:
    """The settings a returned device starts the next loan with."""
    if profile is not None:
        return apply_profile(Settings(), profile)
    settings = current
    for key in PERSONAL_SETTINGS:
        settings = with_value(settings, key, get_value(Settings(), key))
    return settings


@dataclass(frozen=True)
class Returned:
    deleted: Deleted
    settings: Settings
    from_profile: bool


def return_device(home: Home, store: SettingsStore) -> Returned:
    """Wipe everything personal and put the clinic's settings back."""
    current = store.load()
    profile = kept_profile(home)
    deleted = delete_user_data(home, settings=True)
    settings = clinic_settings(current, profile)
    store.save(settings)
    return Returned(deleted, settings, profile is not None)


def lend_device(home: Home, store: SettingsStore, profile: Mapping[str, Any]) -> Settings:
    """Provision the next patient: the clinic's settings on a clean device, clinic mode on."""
    settings = with_value(apply_profile(Settings(), profile), "clinic.mode", True)
    keep_profile(home, {**profile, "clinic.mode": True})
    store.save(settings)
    return settings
