"""Training the dialogue models: one per language, only when missing or stale.

The domain is split by capability: every domain/*.yml is shared by both
languages, and domain/responses/<lang>/*.yml holds what is said in <lang>.

A model is stale when any file it is built from changes: the fingerprint is a
hash of those files and the Rasa version, stored beside the model. Rasa's own
per-component training cache (under ASSISTANT_HOME) makes a retrain after a
small change quicker.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Callable, Iterable

import yaml

from assistant.paths import CONFIG_FILE, DOMAIN_DIR, NLU_DIR, STORIES_DIR, Home, private_folder

RASA_VERSION = "3.6.21"


def model_path(home: Home, lang: str) -> Path:
    return home.dialogue_models / f"{lang}.tar.gz"


def _domain_files(lang: str) -> list[Path]:
    return sorted(DOMAIN_DIR.glob("*.yml")) + sorted((DOMAIN_DIR / "responses" / lang).glob("*.yml"))


def _sources(lang: str) -> list[Path]:
    files = [CONFIG_FILE, *_domain_files(lang)]
    files += sorted((NLU_DIR / lang).rglob("*.yml")) + sorted(STORIES_DIR.rglob("*.yml"))
    return files


def fingerprint(lang: str) -> str:
    """A hash of everything the `lang` model is trained from."""
    digest = hashlib.sha256(f"rasa {RASA_VERSION} lang {lang}\n".encode())
    for path in _sources(lang):
        digest.update(str(path.relative_to(CONFIG_FILE.parent)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _fingerprint_file(home: Home, lang: str) -> Path:
    return home.dialogue_models / f"{lang}.fingerprint"


def is_current(home: Home, lang: str) -> bool:
    """Whether a model for `lang` exists and was trained from the present files."""
    stored = _fingerprint_file(home, lang)
    return model_path(home, lang).is_file() and stored.is_file() and stored.read_text().strip() == fingerprint(lang)


def _prepare_inputs(lang: str, folder: Path) -> tuple[Path, Path]:
    """The config (with this language) and a domain folder (shared part plus this language's responses)."""
    config = yaml.safe_load(CONFIG_FILE.read_text(encoding="utf-8"))
    config["language"] = lang
    config_path = folder / "config.yml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    domain = folder / "domain"
    domain.mkdir()
    for index, path in enumerate(_domain_files(lang)):
        shutil.copy(path, domain / f"{index:02d}-{path.stem}.yml")
    return config_path, domain


def train(home: Home, lang: str) -> Path:
    """Train the `lang` model now (seeded, so the same files give the same model)."""
    from assistant.dialogue import prepare_rasa

    prepare_rasa()
    os.environ["RASA_CACHE_DIRECTORY"] = str(home.rasa_cache)
    from rasa.model_training import train as rasa_train

    # Rasa prints progress on stdout, which belongs to machine mode: send it to stderr.
    with tempfile.TemporaryDirectory(prefix=f"assistant-train-{lang}-") as folder, \
            contextlib.redirect_stdout(sys.stderr), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        config_path, domain = _prepare_inputs(lang, Path(folder))
        result = rasa_train(
            domain=str(domain), config=str(config_path),
            training_files=[str(NLU_DIR / lang), str(STORIES_DIR)],
            output=str(private_folder(home.dialogue_models)), fixed_model_name=lang,
        )
    if result.code != 0 or not result.model:
        raise RuntimeError(f"training the {lang} dialogue model failed (code {result.code})")
    model_path(home, lang).chmod(0o600)
    _fingerprint_file(home, lang).write_text(fingerprint(lang))
    return model_path(home, lang)


def ensure_trained(home: Home, languages: Iterable[str], progress: Callable[[str, str, float], None]) -> None:
    """Train each language whose model is missing or stale; `progress(event, lang, seconds)`."""
    for lang in languages:
        if is_current(home, lang):
            progress("up_to_date", lang, 0.0)
            continue
        progress("training", lang, 0.0)
        started = time.monotonic()
        train(home, lang)
        progress("trained", lang, time.monotonic() - started)
