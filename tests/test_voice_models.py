"""Installing, listing and checking speech models, with the real small English Vosk model."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml

from assistant.voice import models as speech
from assistant.voice.models import SpeechModelDownloadFailed, SpeechModelInvalid, SpeechModelMissing, SpeechModels
from voice_fixtures import MODEL_AAR, vosk_model_dir  # noqa: F401  (a fixture)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def models(home: Path) -> SpeechModels:
    """The speech models of the test's home, with the official catalogue."""
    return SpeechModels(home / "models" / "speech")


@pytest.fixture(scope="module")
def model_zip(vosk_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    """The model as the official downloads ship it: a .zip holding one versioned folder."""
    path = tmp_path_factory.mktemp("zip") / "vosk-model-small-en-us-test.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for file in sorted(vosk_model_dir.rglob("*")):
            if file.is_file() and file.name != speech.MANIFEST_NAME:
                archive.write(file, "vosk-model-small-en-us-test/" + file.relative_to(vosk_model_dir).as_posix())
    return path


def speech_dir_entries(home: Path) -> list[str]:
    return sorted(entry.name for entry in (home / "models" / "speech").iterdir())


# Installing -------------------------------------------------------------------


def test_install_from_the_android_aar(models: SpeechModels, home: Path) -> None:
    installed = models.install_from_file("en", MODEL_AAR)
    assert installed == home / "models" / "speech" / "en"
    assert models.is_installed("en")
    assert (installed / "am" / "final.mdl").is_file()
    assert speech_dir_entries(home) == ["en"]


def test_install_from_a_zip(models: SpeechModels, home: Path, model_zip: Path) -> None:
    installed = models.install_from_file("en", model_zip)
    assert models.is_installed("en")
    assert models.verify("en").ok
    assert speech_dir_entries(home) == ["en"]
    assert not (installed / "vosk-model-small-en-us-test").exists()


def test_install_from_a_folder_or_the_folder_above_it(
        models: SpeechModels, home: Path, vosk_model_dir: Path,  # noqa: F811
                                                      tmp_path: Path) -> None:
    models.install_from_file("en", vosk_model_dir)
    assert models.verify("en").ok
    parent = tmp_path / "downloads"
    shutil.copytree(vosk_model_dir, parent / "vosk-model-small-en-us-0.15")
    models.install_from_file("en", parent)
    assert models.verify("en").ok
    assert speech_dir_entries(home) == ["en"]


def test_install_writes_the_end_of_turn_rules(
        models: SpeechModels, home: Path, vosk_model_dir: Path) -> None:  # noqa: F811
    conf = (models.install_from_file("en", vosk_model_dir) / "conf" / "model.conf").read_text()
    assert "--endpoint.rule2.min-trailing-silence=1.5" in conf
    assert "--endpoint.rule3.min-trailing-silence=1.5" in conf
    assert "--endpoint.rule4.min-trailing-silence=2.0" in conf
    assert "--endpoint.rule5.min-utterance-length=60.0" in conf
    assert conf.count("rule2.min-trailing-silence") == 1
    assert "--endpoint.silence-phones=" in conf


def test_configuring_twice_keeps_one_value_per_option(tmp_path: Path) -> None:
    conf = tmp_path / "conf" / "model.conf"
    conf.parent.mkdir()
    conf.write_text("--beam=10.0\n--endpoint.rule2.min-trailing-silence=0.5\n")
    speech.configure_endpointing(tmp_path)
    speech.configure_endpointing(tmp_path)
    lines = conf.read_text().splitlines()
    assert lines[0] == "--beam=10.0"
    assert lines.count("--endpoint.rule2.min-trailing-silence=1.5") == 1
    assert len(lines) == 1 + len(speech.ENDPOINT_OPTIONS)


def corrupted(source: Path, destination: Path) -> Path:
    data = bytearray(source.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 4096] = bytes(4096)
    destination.write_bytes(bytes(data))
    return destination


@pytest.mark.parametrize("breakage", ["corrupted", "truncated", "not a zip", "no model inside"])
def test_a_broken_archive_is_refused_and_leaves_the_old_model(
        models: SpeechModels, home: Path, vosk_model_dir: Path,  # noqa: F811
                                                              model_zip: Path, tmp_path: Path, breakage: str) -> None:
    models.install_from_file("en", vosk_model_dir)
    broken = tmp_path / "broken.zip"
    if breakage == "corrupted":
        corrupted(model_zip, broken)
    elif breakage == "truncated":
        broken.write_bytes(model_zip.read_bytes()[: model_zip.stat().st_size // 2])
    elif breakage == "not a zip":
        broken.write_text("<html>404 Not Found</html>")
    else:
        with zipfile.ZipFile(broken, "w") as archive:
            archive.writestr("README", "nothing here")
    with pytest.raises(SpeechModelInvalid) as raised:
        models.install_from_file("en", broken)
    assert str(broken) in str(raised.value)
    assert "Nothing was changed" in str(raised.value)
    assert speech_dir_entries(home) == ["en"]
    assert models.verify("en").ok


def test_a_broken_archive_leaves_no_partial_model(
        models: SpeechModels, home: Path, model_zip: Path, tmp_path: Path) -> None:
    with pytest.raises(SpeechModelInvalid):
        models.install_from_file("en", corrupted(model_zip, tmp_path / "broken.zip"))
    assert speech_dir_entries(home) == []
    assert not models.is_installed("en")


def test_a_model_vosk_cannot_load_is_refused(
        models: SpeechModels, home: Path, vosk_model_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    damaged = tmp_path / "damaged"
    shutil.copytree(vosk_model_dir, damaged)
    (damaged / "am" / "final.mdl").write_bytes(b"not a model")
    with pytest.raises(SpeechModelInvalid, match="Vosk cannot load it"):
        models.install_from_file("en", damaged)
    assert speech_dir_entries(home) == []


def test_a_missing_source_is_refused_in_the_caregivers_language(
        models: SpeechModels, home: Path, tmp_path: Path) -> None:
    with pytest.raises(SpeechModelInvalid, match="ne contient pas"):
        models.install_from_file("fr", tmp_path / "nowhere.zip")


# Missing models -----------------------------------------------------------------


@pytest.mark.parametrize("lang, not_installed, file_word", [
    ("en", "English speech model is not installed", "FILE"),
    ("fr", "modèle de reconnaissance vocale français n'est pas installé", "FICHIER"),
])
def test_a_missing_model_says_what_to_run(
        models: SpeechModels, home: Path, lang: str, not_installed: str, file_word: str) -> None:
    with pytest.raises(SpeechModelMissing) as raised:
        models.require(lang)
    text = str(raised.value)
    assert not_installed in text
    assert f"assistant models install {lang}" in text
    assert f"assistant models install {lang} --from {file_word}" in text


def test_the_message_follows_the_caregivers_language(models: SpeechModels, home: Path) -> None:
    with pytest.raises(SpeechModelMissing, match="anglais"):
        models.require("en", ui_lang="fr")


def test_list_models(models: SpeechModels, home: Path, vosk_model_dir: Path) -> None:  # noqa: F811
    models.install_from_file("en", vosk_model_dir)
    listed = {entry["lang"]: entry for entry in models.list()}
    assert listed["en"]["installed"] is True
    assert listed["en"]["path"] == str(home / "models" / "speech" / "en")
    assert 40e6 < listed["en"]["size_bytes"] < 100e6
    assert listed["fr"] == {"lang": "fr", "installed": False, "path": str(home / "models" / "speech" / "fr"),
                            "size_bytes": 0}


# Verifying -------------------------------------------------------------------------


def test_verify_detects_a_modified_a_missing_and_an_added_file(
        models: SpeechModels, home: Path, vosk_model_dir: Path) -> None:  # noqa: F811
    installed = models.install_from_file("en", vosk_model_dir)
    assert models.verify("en").ok
    with (installed / "graph" / "disambig_tid.int").open("a") as stream:
        stream.write("0\n")
    (installed / "ivector" / "splice.conf").unlink()
    (installed / "extra.txt").write_text("hello")
    result = models.verify("en")
    assert not result.ok
    assert result.changed == ["graph/disambig_tid.int"]
    assert result.missing == ["ivector/splice.conf"]
    assert result.added == ["extra.txt"]
    assert "graph/disambig_tid.int" in result.describe()
    assert "assistant models install en" in result.describe()
    assert "Réinstallez" in result.describe("fr")


def test_verify_without_a_manifest_reports_it(
        models: SpeechModels, home: Path, vosk_model_dir: Path) -> None:  # noqa: F811
    installed = models.install_from_file("en", vosk_model_dir)
    (installed / speech.MANIFEST_NAME).unlink()
    assert models.verify("en").missing == [speech.MANIFEST_NAME]


def test_verify_a_missing_model(models: SpeechModels, home: Path) -> None:
    with pytest.raises(SpeechModelMissing):
        models.verify("fr")


# Downloading (from a local file:// address: the tests run offline) ---------------------


def use_catalogue(models: SpeechModels, tmp_path: Path, url: str, size_bytes: int | None,
                  sha256: str | None) -> None:
    catalogue = tmp_path / "speech_models.yml"
    catalogue.write_text(yaml.safe_dump({"en": {"url": url, "size_bytes": size_bytes, "sha256": sha256}}))
    models.catalogue = speech.load_catalogue(catalogue)


def test_the_catalogue_has_both_official_models() -> None:
    catalogue = speech.load_catalogue()
    assert catalogue["en"]["url"] == "https://alphacephei.com/vosk/models/vosk-model-small-en-us-0.15.zip"
    assert catalogue["fr"]["url"] == "https://alphacephei.com/vosk/models/vosk-model-small-fr-0.22.zip"
    for entry in catalogue.values():
        assert entry["sha256"] is None or len(entry["sha256"]) == 64


def test_download_with_a_known_checksum(models: SpeechModels, home: Path, model_zip: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    sha256 = hashlib.sha256(model_zip.read_bytes()).hexdigest()
    use_catalogue(models, tmp_path, model_zip.as_uri(), model_zip.stat().st_size, sha256)
    progress = tmp_path / "progress.txt"
    with progress.open("w") as stream:
        models.install_from_url("en", progress=stream)
    shown = progress.read_text()
    assert "[" + "#" * speech.PROGRESS_BAR_WIDTH + "]" in shown
    assert "Downloading the English speech model" in shown
    assert "The English speech model is installed" in shown
    assert models.verify("en").ok
    assert (home / "models" / "speech" / "en.sha256").read_text() == f"{sha256}  {model_zip.name}\n"
    assert speech_dir_entries(home) == ["en", "en.sha256"]


def test_download_without_a_known_checksum_records_it(
        models: SpeechModels, home: Path, model_zip: Path, tmp_path: Path) -> None:
    use_catalogue(models, tmp_path, model_zip.as_uri(), None, None)
    progress = tmp_path / "progress.txt"
    with progress.open("w") as stream:
        models.install_from_url("en", progress=stream)
    sha256 = hashlib.sha256(model_zip.read_bytes()).hexdigest()
    record = home / "models" / "speech" / "en.sha256"
    assert record.read_text().split()[0] == sha256
    assert sha256 in progress.read_text()
    assert str(record) in progress.read_text()


def test_a_download_with_the_wrong_checksum_is_not_installed(
        models: SpeechModels, home: Path, model_zip: Path, tmp_path: Path) -> None:
    use_catalogue(models, tmp_path, model_zip.as_uri(), None, "0" * 64)
    with pytest.raises(SpeechModelDownloadFailed, match="not the expected file"):
        models.install_from_url("en", progress=None)
    assert speech_dir_entries(home) == []


def test_a_failed_download_changes_nothing(models: SpeechModels, home: Path, tmp_path: Path) -> None:
    use_catalogue(models, tmp_path, (tmp_path / "absent.zip").as_uri(), None, None)
    with pytest.raises(SpeechModelDownloadFailed, match="could not download the English speech model"):
        models.install_from_url("en", progress=None)
    assert speech_dir_entries(home) == []


def test_installing_from_a_file_forgets_an_earlier_download_checksum(
        models: SpeechModels, home: Path, model_zip: Path, tmp_path: Path) -> None:
    use_catalogue(models, tmp_path, model_zip.as_uri(), None, None)
    models.install_from_url("en", progress=None)
    models.install_from_file("en", model_zip)
    assert speech_dir_entries(home) == ["en"]
