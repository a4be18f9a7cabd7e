"""Settings a caregiver types, read forgivingly and checked strictly; profile files; the user's own changes by voice."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.care.profile import apply_profile, read_profile
from assistant.messages import UserFacingError
from assistant.settings import Settings, SettingsStore, checked
from event_helpers import said


@pytest.mark.parametrize("key, given, stored", [
    ("language", "fr", "fr"), ("language", " FR ", "fr"), ("region", "be", "BE"), ("region", "Be", "BE"),
    ("listening.wake_phrase.en", "Hello Friend", "hello friend"), ("listening.wake_phrase.fr", "Bonjour Ami", "bonjour ami"),
    ("contact.phone", "01.23.45.67.89", "01 23 45 67 89"),
    ("routines.checkin_at", "18:00", "18:00"), ("routines.checkin_at", "6 pm", "18:00"),
    ("routines.checkin_at", "7h05", "07:05"), ("routines.checkin_at", "12am", "00:00"), ("routines.checkin_at", "none", None),
    ("routines.exercise_at", "aucun", None), ("clinic.report_language", "FR", "fr"), ("clinic.report_language", "-", None),
    ("clinic.mode", "oui", True), ("health.heart_or_lung", "yes", True), ("health.hearing_aid", False, False),
    ("questionnaires.every", "who5 14d, PHQ2 2w", {"who5": "14d", "phq2": "14d"}),
    ("questionnaires.every", {"gds15": "30d"}, {"gds15": "30d"}), ("questionnaires.every", "none", {}),
    ("clinic.name", "  Cabinet Dupont ", "Cabinet Dupont"),
])
def test_values_are_read_forgivingly(key, given, stored):
    assert checked(key, given) == (stored, None)


@pytest.mark.parametrize("key, given", [
    ("contact.phone", "abc"), ("region", "Mars"), ("language", "de"), ("listening.wake_phrase.en", "hello 2 you"),
    ("routines.checkin_at", "25:00"), ("routines.checkin_at", "13 pm"), ("routines.checkin_at", "soon"),
    ("questionnaires.every", "who5"), ("questionnaires.every", "phq9 14d"), ("questionnaires.every", "who5 often"),
    ("questionnaires.every", {"who5": 14}), ("clinic.mode", "maybe"), ("health.pregnancy", "sometimes"),
    ("clinic.report_language", "de"),
])
def test_values_are_checked_strictly(key, given):
    value, problem = checked(key, given)
    assert value is None and problem is not None


def test_new_sections_round_trip_and_a_bad_value_is_named_in_one_language(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"language": "fr", "clinic": {"name": "Cabinet Dupont", "mode": "peut-être"},
                                "routines": {"checkin_at": "10h30"}, "health": {"heart_or_lung": True}}))
    warnings: list[str] = []
    settings = SettingsStore(path, warn=warnings.append).load()
    assert settings.clinic.name == "Cabinet Dupont" and settings.clinic.mode is False
    assert settings.routines.checkin_at == "10:30" and settings.health.heart_or_lung is True
    assert len(warnings) == 1 and "clinic.mode" in warnings[0] and "il faut true (oui) ou false (non)" in warnings[0]
    SettingsStore(path, warn=print).save(settings)
    assert SettingsStore(path, warn=print).load() == settings
    assert Settings().clinic.recipient == "" and settings.clinic.recipient == "Cabinet Dupont"


def test_a_profile_may_be_nested_or_dotted_and_old_names_still_work(tmp_path):
    path = tmp_path / "profile.json"
    path.write_text(json.dumps({"clinic": {"name": "Cabinet Dupont"}, "clinic.clinician": "Dr Martin",
                                "voice": {"voice_fr": "mb-fr4", "rate_wpm": "110"}}))
    settings = apply_profile(Settings(), read_profile(path, "en"))
    assert (settings.clinic.recipient, settings.voice.name["fr"], settings.voice.rate_wpm) == (
        "Dr Martin, Cabinet Dupont", "mb-fr4", 110.0)
    path.write_text("[1, 2]")
    with pytest.raises(UserFacingError, match="must hold one JSON object"):
        read_profile(path, "en")
    with pytest.raises(UserFacingError, match="ne peut pas être lu"):
        read_profile(tmp_path / "missing.json", "fr")


def test_parle_moi_en_francais_saves_the_language_and_answers_in_french(converse, home):
    events = converse(["parle-moi en français"])
    [switched] = [event for event in events if event["event"] == "say" and event["lang"] == "fr"]
    assert switched["text"] == "D'accord. Dès notre prochaine conversation, je vous parlerai en français."
    stored = json.loads((home / "settings.json").read_text())
    assert stored["language"] == "fr" and stored["region"] == "GB"
    next_time = subprocess.run([sys.executable, "-m", "assistant", "chat", "--jsonl", "--clock", "virtual"], input="",
                               capture_output=True, text=True, env={"ASSISTANT_HOME": str(home), "PATH": "/usr/bin:/bin"},
                               cwd=Path(__file__).resolve().parents[1], timeout=300)
    first = json.loads(next_time.stdout.splitlines()[0])
    assert first["lang"] == "fr" and first["text"].startswith("Rebonjour")
    back = converse(["speak English please"], lang="fr")
    assert any(event["lang"] == "en" and "I will speak English" in event["text"] for event in back
               if event["event"] == "say")
    assert json.loads((home / "settings.json").read_text())["language"] == "en"
    assert said(converse(["speak english"]))[-1] == "I am already speaking English."


def test_speed_and_loudness_by_voice_are_kept_for_the_next_conversation(converse, home):
    converse(["speak more slowly please", "could you speak up"])
    voice = json.loads((home / "settings.json").read_text())["voice"]
    assert voice["rate_wpm"] == 108.3 and voice["volume"] == 0.95
