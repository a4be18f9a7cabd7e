"""Shared fixtures: really trained dialogue models (trained once, reused), a fresh
ASSISTANT_HOME per test, and a way to hold a machine-mode conversation in-process."""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path
from typing import Callable, Iterable

import pytest

from assistant import LANGUAGES
from assistant.paths import Home

REPO = Path(__file__).resolve().parents[1]
MODEL_CACHE_HOME = REPO / ".cache" / "test-home"
"""Models trained for tests live here between runs; retrained when their sources change."""


@pytest.fixture(scope="session")
def trained_models() -> Path:
    from assistant.dialogue import training

    cache = Home(MODEL_CACHE_HOME).prepare()
    training.ensure_trained(cache, LANGUAGES,
                            lambda event, lang, seconds: print(event, lang, f"{seconds:.0f}s", file=sys.stderr))
    return cache.dialogue_models


@pytest.fixture
def home(tmp_path: Path, trained_models: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty ASSISTANT_HOME holding copies of the trained models."""
    home = tmp_path / "home"
    models = home / "models" / "dialogue"
    models.mkdir(parents=True)
    for model in trained_models.iterdir():
        if model.name.endswith((".tar.gz", ".fingerprint")):
            shutil.copy(model, models / model.name)
    monkeypatch.setenv("ASSISTANT_HOME", str(home))
    return home


class _Models(dict):
    """Dialogue models by language, each loaded on first use and then shared."""

    def __init__(self, folder: Path):
        super().__init__()
        self._folder = folder

    def __missing__(self, lang: str):
        from assistant.dialogue.engine import DialogueModel

        self[lang] = DialogueModel(self._folder / f"{lang}.tar.gz")
        return self[lang]


@pytest.fixture(scope="session")
def models(trained_models: Path) -> _Models:
    return _Models(trained_models)


Line = str | dict


@pytest.fixture
def converse(home: Path, models: _Models) -> Callable[..., list[dict]]:
    """Hold a machine-mode conversation on the virtual clock; returns its events."""
    from assistant.app import build_conversation, load_parts, notice_printer
    from assistant.session.clock import VirtualClock
    from assistant.session.events import JsonlEvents
    from assistant.session.inbox import LineInbox
    from assistant.session.speech import TextVoice

    def run(lines: Iterable[Line], lang: str = "en") -> list[dict]:
        text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
        clock = VirtualClock()
        out = io.StringIO()
        parts = load_parts(Home(home), lang)
        build_conversation(parts, models[lang], clock, LineInbox(clock, io.StringIO(text), notice_printer(lang)),
                           JsonlEvents(clock, out),
                           TextVoice()).run()
        return [json.loads(line) for line in out.getvalue().splitlines()]

    return run
