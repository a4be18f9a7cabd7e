"""The voices a caregiver can choose, and installing an MBROLA voice with one command.

The catalogue (voices.yml) says, for each voice, its language, what it sounds
like and its licence. espeak-ng voices come with the assistant. MBROLA voices
are Debian packages in the contrib and non-free sections, which many systems do
not have in their package sources; the installer gives apt-get a source list of
its own for that one run, so the system's own sources are left as they are.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

import yaml

from assistant import LANGUAGES
from assistant.voice.synthesis import mbrola_installed

VOICES_FILE = Path(__file__).with_name("voices.yml")
OS_RELEASE = Path("/etc/os-release")
ENGINES = ("espeak-ng", "mbrola")


class VoiceCatalogueError(Exception):
    """voices.yml is broken; the message names the voice."""


@dataclass(frozen=True)
class VoiceOffer:
    """One voice the assistant can speak with."""

    name: str
    """The espeak-ng voice name, as in the setting voice.name.LANG ("en-gb", "mb-fr4")."""
    lang: str
    engine: str
    description: Mapping[str, str]
    licence: Mapping[str, str]
    """What its licence allows, in each language."""
    database: str | None = None
    """The MBROLA database ("fr4"); None for espeak-ng's own voices."""
    packages: tuple[str, ...] = ()
    """The Debian packages that install it."""

    def installed(self) -> bool:
        if self.database is None:
            return shutil.which("espeak-ng") is not None
        return mbrola_installed(self.database)


def load_voices(path: Path = VOICES_FILE) -> dict[str, VoiceOffer]:
    """The catalogue by voice name, checked."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    voices = {}
    for name, entry in (raw or {}).items():
        def text(key: str) -> dict[str, str]:
            value = entry.get(key)
            if not isinstance(value, Mapping) or any(not value.get(lang) for lang in LANGUAGES):
                raise VoiceCatalogueError(f"{path}: voice {name}: {key} needs a text in each language")
            return {lang: value[lang] for lang in LANGUAGES}

        if entry.get("lang") not in LANGUAGES or entry.get("engine") not in ENGINES:
            raise VoiceCatalogueError(f"{path}: voice {name}: lang must be one of {LANGUAGES}, engine one of {ENGINES}")
        mbrola = entry["engine"] == "mbrola"
        if mbrola and not (entry.get("database") and entry.get("packages")):
            raise VoiceCatalogueError(f"{path}: voice {name}: an MBROLA voice needs its database and packages")
        voices[name] = VoiceOffer(name, entry["lang"], entry["engine"], text("description"), text("licence"),
                                  entry.get("database") if mbrola else None, tuple(entry.get("packages") or ()))
    return voices


def read_os_release(path: Path = OS_RELEASE) -> dict[str, str]:
    """/etc/os-release as a dictionary (ID, ID_LIKE, VERSION_CODENAME...); empty if unreadable."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    pairs = (line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))
    return {key: value.strip().strip('"') for key, value in pairs}


def package_source(os_release: Mapping[str, str]) -> str | None:
    """The apt source line whose sections hold the MBROLA packages on this system, or None if unknown."""
    system = os_release.get("ID", "")
    family = os_release.get("ID_LIKE", "").split()
    codename = os_release.get("VERSION_CODENAME")
    if not codename:
        return None
    if system == "ubuntu" or "ubuntu" in family:
        codename = os_release.get("UBUNTU_CODENAME", codename)
        return f"deb http://archive.ubuntu.com/ubuntu {codename} main universe multiverse"
    if system == "raspbian":
        return f"deb http://raspbian.raspberrypi.org/raspbian/ {codename} main contrib non-free rpi"
    if system == "debian" or "debian" in family:
        return f"deb http://deb.debian.org/debian {codename} main contrib non-free"
    return None


def install_commands(offer: VoiceOffer, source: str, workdir: Path, as_root: bool) -> list[list[str]]:
    """The apt-get runs that install `offer`'s packages from `source`, with package lists kept in `workdir`."""
    options = ["-o", f"Dir::Etc::SourceList={workdir / 'sources.list'}", "-o", "Dir::Etc::SourceParts=/dev/null",
               "-o", f"Dir::State::Lists={workdir / 'lists'}"]
    prefix = [] if as_root else ["sudo"]
    return [prefix + ["apt-get", *options, "update"],
            prefix + ["apt-get", *options, "install", "-y", "--no-install-recommends", *offer.packages]]


Runner = Callable[[list[str]], int]


def _run(command: list[str]) -> int:
    return subprocess.run(command, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}).returncode


def install(offer: VoiceOffer, source: str, run: Runner = _run) -> bool:
    """Install an MBROLA voice's packages; whether it is installed afterwards."""
    with tempfile.TemporaryDirectory(prefix="assistant-voices-") as name:
        workdir = Path(name)
        (workdir / "lists" / "partial").mkdir(parents=True)
        (workdir / "sources.list").write_text(source + "\n", encoding="utf-8")
        workdir.chmod(0o755)  # apt's download user must read the list it is given
        for command in install_commands(offer, source, workdir, as_root=os.geteuid() == 0):
            if run(command) != 0:
                return False
    return offer.installed()
