"""Where the assistant's data files are, and where it writes.

Everything written goes under one folder, ASSISTANT_HOME, readable by the owner
only: mood data is health data.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
"""The checkout: the conversation and content data live beside the package."""

DOMAIN_DIR = PROJECT_ROOT / "domain"
NLU_DIR = PROJECT_ROOT / "nlu"
STORIES_DIR = PROJECT_ROOT / "stories"
CONFIG_FILE = PROJECT_ROOT / "config.yml"
EXERCISES_DIR = PROJECT_ROOT / "exercises"
QUESTIONNAIRES_DIR = PROJECT_ROOT / "questionnaires"
AUDIO_DIR = PROJECT_ROOT / "audio"
SAFETY_DIR = PROJECT_ROOT / "safety"


def assistant_home() -> Path:
    """The folder for settings, journal, models and logs, created owner-only."""
    configured = os.environ.get("ASSISTANT_HOME")
    if configured:
        home = Path(configured).expanduser()
    else:
        data_root = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        home = Path(data_root) / "wellbeing-assistant"
    home.mkdir(parents=True, exist_ok=True)
    home.chmod(0o700)
    return home


def private_file(path: Path) -> Path:
    """Make an existing file readable and writable by its owner only."""
    if path.exists():
        path.chmod(0o600)
    return path
