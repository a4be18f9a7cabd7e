"""A clinic's or caregiver's profile file: the same answers as `assistant setup`, written once.

A profile is a JSON object shaped like settings.json, whole or in part
(`{"language": "fr", "clinic": {"name": "Cabinet Dupont"}}`); dotted names are
accepted too (`{"clinic.name": "Cabinet Dupont"}`). Every value goes through the
same checks as `settings set`; one wrong field and nothing is applied, with a
sentence per field saying what is wrong.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping

from assistant.messages import UserFacingError, message
from assistant.settings import CHECKS, Settings, checked, describe_problem, setting_name, with_value

MAX_PROFILE_BYTES = 100_000
"""A profile larger than this is not one: refused before it is read."""


def _entries(raw: Mapping[str, Any], prefix: str, found: dict[str, Any], unknown: list[str]) -> None:
    for key, value in raw.items():
        dotted = f"{prefix}{key}"
        name = setting_name(dotted)
        if name is not None:
            found[name] = value
        elif isinstance(value, Mapping) and any(known.startswith(f"{dotted}.") for known in CHECKS):
            _entries(value, f"{dotted}.", found, unknown)
        else:
            unknown.append(dotted)


def read_profile(path: Path, lang: str) -> dict[str, Any]:
    """The settings a profile file gives, by dotted name, checked; a UserFacingError naming each wrong field."""
    try:
        if path.stat().st_size > MAX_PROFILE_BYTES:
            raise UserFacingError(message("profile_unreadable", lang, path=path, problem=message(
                "profile_too_large", lang, limit=MAX_PROFILE_BYTES)))
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise UserFacingError(message("profile_not_json", lang, path=path, line=error.lineno, problem=error.msg)) \
            from error
    except (OSError, UnicodeDecodeError, RecursionError) as error:
        raise UserFacingError(message("profile_unreadable", lang, path=path, problem=error)) from error
    if not isinstance(raw, dict):
        raise UserFacingError(message("profile_not_object", lang, path=path))
    found: dict[str, Any] = {}
    unknown: list[str] = []
    _entries(raw, "", found, unknown)
    problems = [message("profile_unknown_field", lang, path=path, key=key) for key in unknown]
    stored: dict[str, Any] = {}
    for key, value in found.items():
        value_stored, problem = checked(key, value)
        if problem:
            problems.append(message("profile_bad_field", lang, path=path, key=key,
                                    value=json.dumps(value, ensure_ascii=False),
                                    problem=describe_problem(problem, lang)))
        else:
            stored[key] = value_stored
    if problems:
        raise UserFacingError("\n".join([*problems, message("profile_nothing_applied", lang)]))
    return stored


def apply_profile(settings: Settings, entries: Mapping[str, Any]) -> Settings:
    """`settings` with the profile's checked values set."""
    for key, value in entries.items():
        settings = with_value(settings, key, value)
    return settings
