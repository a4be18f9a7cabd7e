"""The voice catalogue and the one-command MBROLA installer (apt-get itself is not run: it needs the network)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import LANGUAGES
from assistant.voice import voices
from assistant.voice.voices import VoiceCatalogueError, install, install_commands, load_voices, package_source

BOOKWORM = {"ID": "debian", "VERSION_CODENAME": "bookworm"}


def test_every_voice_has_a_language_a_description_and_a_licence_in_both_languages() -> None:
    catalogue = load_voices()
    assert {"en-gb", "fr-fr", "mb-us1", "mb-en1", "mb-fr1", "mb-fr4"} <= set(catalogue)
    for voice in catalogue.values():
        assert voice.lang in LANGUAGES
        assert all(voice.description[lang] and voice.licence[lang] for lang in LANGUAGES)
    assert catalogue["mb-fr4"].packages == ("mbrola", "mbrola-fr4") and catalogue["mb-fr4"].database == "fr4"
    assert all("may not be sold" in catalogue[name].licence["en"] for name in ("mb-us1", "mb-fr1", "mb-fr4"))
    assert all("ne peut être ni vendue" in catalogue[name].licence["fr"] for name in ("mb-us1", "mb-fr1", "mb-fr4"))


def test_a_broken_catalogue_names_the_voice(tmp_path: Path) -> None:
    path = tmp_path / "voices.yml"
    path.write_text("mb-xx1:\n  lang: en\n  engine: mbrola\n  description: {en: a, fr: b}\n"
                    "  licence: {en: a, fr: b}\n", encoding="utf-8")
    with pytest.raises(VoiceCatalogueError, match="mb-xx1: an MBROLA voice needs its database and packages"):
        load_voices(path)


@pytest.mark.parametrize("release, source", [
    (BOOKWORM, "deb http://deb.debian.org/debian bookworm main contrib non-free"),
    ({"ID": "raspbian", "ID_LIKE": "debian", "VERSION_CODENAME": "bookworm"},
     "deb http://raspbian.raspberrypi.org/raspbian/ bookworm main contrib non-free rpi"),
    ({"ID": "ubuntu", "ID_LIKE": "debian", "VERSION_CODENAME": "jammy", "UBUNTU_CODENAME": "jammy"},
     "deb http://archive.ubuntu.com/ubuntu jammy main universe multiverse"),
    ({"ID": "fedora", "VERSION_CODENAME": ""}, None)])
def test_the_package_source_follows_the_system(release: dict, source: str | None) -> None:
    assert package_source(release) == source


def test_this_machine_has_a_known_source() -> None:
    assert package_source(voices.read_os_release()) is not None


def test_apt_gets_its_own_source_list_and_the_system_s_is_left_alone(tmp_path: Path) -> None:
    offer = load_voices()["mb-fr4"]
    update, add = install_commands(offer, "deb X", tmp_path, as_root=False)
    assert update[:2] == ["sudo", "apt-get"] and update[-1] == "update"
    assert f"Dir::Etc::SourceList={tmp_path / 'sources.list'}" in update and "Dir::Etc::SourceParts=/dev/null" in add
    assert add[-4:] == ["-y", "--no-install-recommends", "mbrola", "mbrola-fr4"]
    assert install_commands(offer, "deb X", tmp_path, as_root=True)[0][0] == "apt-get"


def test_install_runs_apt_with_that_list_and_reports_a_failure() -> None:
    offer = load_voices()["mb-fr4"]
    seen: list[tuple[list[str], str]] = []

    def apt(command: list[str]) -> int:
        listed = next(part.split("=", 1)[1] for part in command if part.startswith("Dir::Etc::SourceList="))
        seen.append((command, Path(listed).read_text()))
        return 100

    assert install(offer, "deb http://deb.debian.org/debian bookworm main contrib non-free", apt) is False
    assert len(seen) == 1, "nothing is installed after a failed update"
    assert seen[0][1] == "deb http://deb.debian.org/debian bookworm main contrib non-free\n"
