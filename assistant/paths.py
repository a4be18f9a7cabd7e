"""Where the assistant's data files are, and where it writes.

Data the assistant reads (dialogue, exercises, sounds, safety phrases) lives in
the checkout beside the package. Everything it writes goes under one folder, the
`Home`, readable by the owner only: mood data is health data. The home is
resolved once when a command starts and handed to whatever writes there.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

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
MESSAGES_DIR = PROJECT_ROOT / "messages"

OWNER_ONLY_DIR = 0o700
OWNER_ONLY_FILE = 0o600


@dataclass(frozen=True)
class Home:
    """The one folder the assistant writes in (ASSISTANT_HOME), and the names of what it keeps there."""

    root: Path

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Home:
        """ASSISTANT_HOME if set, else the per-user data folder (XDG_DATA_HOME/wellbeing-assistant)."""
        configured = environ.get("ASSISTANT_HOME")
        if configured:
            return cls(Path(configured).expanduser())
        data_root = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        return cls(Path(data_root) / "wellbeing-assistant")

    def prepare(self) -> Home:
        """Create the folder, owner-only; done once when a command starts.

        A folder that exists but cannot be changed (read-only, immutable) is used as
        it is: the checks of what is kept there say what that means.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        try:
            self.root.chmod(OWNER_ONLY_DIR)
        except PermissionError:
            pass
        return self

    @property
    def settings_file(self) -> Path:
        return self.root / "settings.json"

    @property
    def journal_db(self) -> Path:
        return self.root / "journal.db"

    @property
    def backups(self) -> Path:
        """Rolling copies of the journal (journal/backup.py)."""
        return self.root / "backups"

    @property
    def tracker_db(self) -> Path:
        """The dialogue tracker: intents and slots only, disposable."""
        return self.root / "tracker.db"

    @property
    def dialogue_models(self) -> Path:
        return self.root / "models" / "dialogue"

    @property
    def speech_models(self) -> Path:
        return self.root / "models" / "speech"

    @property
    def rasa_cache(self) -> Path:
        """Rasa's per-component training cache: a retrain after a small change is quicker."""
        return self.root / "rasa-cache"


def private_folder(path: Path) -> Path:
    """Create `path` (and its parents) if needed, owner-only."""
    path.mkdir(parents=True, exist_ok=True, mode=OWNER_ONLY_DIR)
    path.chmod(OWNER_ONLY_DIR)
    return path


def private_file(path: Path) -> Path:
    """Make an existing file readable and writable by its owner only."""
    if path.exists():
        path.chmod(OWNER_ONLY_FILE)
    return path
