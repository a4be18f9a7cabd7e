"""Settings: a damaged file or a bad value never stops the assistant and is never lost."""

from __future__ import annotations

import json
import stat

from assistant.settings import Settings, SettingsStore, with_value


def test_defaults_then_round_trip_with_owner_only_file(tmp_path):
    store = SettingsStore(tmp_path / "settings.json", warn=print)
    assert store.load() == Settings()
    changed = with_value(with_value(Settings(), "region", "FR"), "voice.rate_wpm", 110.0)
    store.save(changed)
    assert store.load() == changed
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


def test_a_bad_value_is_ignored_and_named_the_rest_kept(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"language": "fr", "region": "XX", "voice": {"rate_wpm": 9000}}))
    warnings: list[str] = []
    settings = SettingsStore(path, warn=warnings.append).load()
    assert settings.language == "fr" and settings.region == "GB" and settings.voice.rate_wpm == 130
    assert len(warnings) == 2 and "region" in warnings[0] and "voice.rate_wpm" in warnings[1]
