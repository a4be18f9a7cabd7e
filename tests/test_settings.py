"""Settings: a damaged file or a bad value never stops the assistant and is never lost."""

from __future__ import annotations

import json
import stat

import pytest

from assistant.settings import Settings, SettingsStore, checked, with_value


def test_defaults_then_round_trip_with_owner_only_file(tmp_path):
    store = SettingsStore(tmp_path / "settings.json", warn=print)
    assert store.load() == Settings()
    changed = with_value(with_value(Settings(), "region", "FR"), "voice.rate_wpm", 110.0)
    changed = with_value(changed, "voice.name.fr", "mb-fr4")
    store.save(changed)
    assert store.load() == changed
    assert store.load().voice.name == {"en": "en-gb", "fr": "mb-fr4"}
    assert stat.S_IMODE((tmp_path / "settings.json").stat().st_mode) == 0o600


def test_damaged_file_is_kept_aside_with_a_clear_message(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text('{"language": "fr", "region": ')
    warnings: list[str] = []
    assert SettingsStore(path, warn=warnings.append).load() == Settings()
    kept = list(tmp_path.glob("settings.json.damaged-*"))
    assert len(kept) == 1 and kept[0].read_text() == '{"language": "fr", "region": '
    assert any("is damaged" in text and kept[0].name in text for text in warnings)
    assert any("est abîmé" in text for text in warnings)


def test_a_bad_value_is_ignored_and_named_the_rest_kept_in_the_homes_language(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"language": "fr", "region": "XX", "voice": {"rate_wpm": 9000}}))
    warnings: list[str] = []
    settings = SettingsStore(path, warn=warnings.append).load()
    assert settings.language == "fr" and settings.region is None and settings.voice.rate_wpm == 130
    assert len(warnings) == 2 and "region" in warnings[0] and "voice.rate_wpm" in warnings[1]
    assert "aucune valeur" in warnings[0] and "il faut l'une de ces valeurs : FR, GB, US, BE, CH, CA" in warnings[0]
    assert "J'utilise 130.0" in warnings[1] and "nothing" not in " ".join(warnings)


def test_a_new_home_takes_the_helplines_of_its_languages_country():
    assert Settings(language="fr").region_in_use == "FR"
    assert Settings(language="en").region_in_use == "GB"
    assert Settings(language="fr", region="GB").region_in_use == "GB"


def test_settings_of_earlier_versions_are_read_in_the_new_shape(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"voice": {"voice_en": "en-us", "voice_fr": "mb-fr1"},
                                "listening": {"wake_phrase_fr": "salut compagnon"}}))
    settings = SettingsStore(path, warn=print).load()
    assert settings.voice.name == {"en": "en-us", "fr": "mb-fr1"}
    assert settings.listening.wake_phrase == {"en": "hello companion", "fr": "salut compagnon"}


@pytest.mark.parametrize("key, given, stored", [
    ("language", " FR ", "fr"), ("region", "gb", "GB"), ("listening.wake_phrase.en", "Hello Friend", "hello friend"),
    ("contact.phone", "01.23.45.67.89", "01 23 45 67 89"), ("contact.phone", "+44 20 7946 0000", "+44 20 7946 0000"),
    ("listening.push_to_talk", "oui", True), ("voice.rate_wpm", "110", 110.0),
])
def test_values_are_read_forgivingly(key, given, stored):
    assert checked(key, given) == (stored, None)


@pytest.mark.parametrize("key, given", [
    ("contact.phone", "abc"), ("contact.phone", "12"), ("language", "de"), ("listening.wake_phrase.en", "hello 2 you"),
    ("voice.volume", 3), ("listening.push_to_talk", "maybe"),
])
def test_values_are_checked_strictly(key, given):
    value, problem = checked(key, given)
    assert value is None and problem is not None


def test_a_settings_file_that_is_a_folder_or_nested_too_deep_does_not_stop_anything(tmp_path):
    folder = tmp_path / "settings.json"
    folder.mkdir()
    warnings: list[str] = []
    assert SettingsStore(folder, warn=warnings.append).load() == Settings()
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    assert SettingsStore(deep, warn=warnings.append).load() == Settings()
    assert len(warnings) >= 2


def test_every_region_a_caregiver_can_choose_has_its_helplines():
    from assistant.safety.response import SafetyTexts
    from assistant.settings import REGIONS

    assert set(REGIONS) == set(SafetyTexts.load().helplines)


def test_settings_that_cannot_be_saved_keep_the_change_and_tell_the_caregiver_once(tmp_path):
    path = tmp_path / "settings.json"
    path.mkdir()
    (path / "keep").write_text("a folder a caregiver made by mistake")
    warnings: list[str] = []
    store = SettingsStore(path, warn=warnings.append)
    changed = with_value(Settings(), "voice.rate_wpm", 108.0)
    assert store.save(changed) is False and store.save(changed) is False
    assert len(warnings) == 1 and "could not save the settings" in warnings[0]
    assert not list(tmp_path.glob("*.tmp")), "no half-written file is left behind"
    assert (path / "keep").exists()


def test_slower_on_a_home_where_settings_cannot_be_written_goes_on(converse, home, capsys):
    import json as json_module

    from fault_helpers import immutable

    (home / "settings.json").write_text(json_module.dumps({"language": "en"}))
    with immutable(home / "settings.json"):
        events = converse(["hello", "slower please", "slower please", "thank you"])
    assert events[-1]["event"] == "end" and [e for e in events if e["event"] == "say"][-1]
    assert capsys.readouterr().err.count("could not save the settings") == 1


def test_a_settings_folder_in_a_home_that_cannot_be_changed_still_lets_the_conversation_start(converse, home, capsys):
    from fault_helpers import immutable

    (home / "settings.json").mkdir()
    with immutable(home):
        events = converse(["hello", "slower please"])
    err = capsys.readouterr().err
    assert events[0]["event"] == "say" and events[-1]["event"] == "end"
    assert "cannot be used" in err and "could not save the settings" in err
