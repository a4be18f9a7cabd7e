"""Vosk speech models: where they live, installing them safely, and checking them later.

Each language's model is a folder (am/, conf/, graph/, ivector/...) at
ASSISTANT_HOME/models/speech/<lang>/. Installing never leaves a half model behind:
the model is unpacked next to its final place, checked (Vosk must load it),
given the end-of-turn rules older speakers need, hashed, and only then renamed
into place. The hashes let `verify` tell later whether anything was changed.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
import tempfile
import urllib.request
import zipfile
import zlib
from dataclasses import dataclass
from http.client import HTTPException
from pathlib import Path
from typing import BinaryIO, TextIO
from urllib.parse import urlparse

import yaml

from assistant import LANGUAGES
from assistant.languages import LANGUAGE_DATA
from assistant.messages import UserFacingError, message
from assistant.paths import private_folder

SPEECH_MODELS_FILE = Path(__file__).with_name("speech_models.yml")
"""Download addresses, sizes and checksums of the official models."""
MANIFEST_NAME = "manifest.sha256"
"""Inside each installed model: the SHA-256 of every file, written at install time."""

END_OF_TURN_SILENCE_S = 1.5
"""Silence that ends the user's turn: older speakers pause longer mid-sentence (GUIDE.md)."""
UNFINISHED_TURN_SILENCE_S = 2.0
"""Silence that ends a turn the recogniser thinks is unfinished ("I would like to ...")."""
SHORT_ANSWER_SILENCE_S = 0.4
"""Silence that ends a turn holding exactly one expected short answer ("three", "yes", "check-in").

Vosk 0.3.45 reads its end-of-turn rules only from conf/model.conf, for every
recogniser alike, so this one is applied by the listener, on the audio itself.
0.4 s rather than 0.5 s: the microphone's own delivery adds about 0.1 s (blocks of
50 ms, buffered twice), so the user hears the reply about half a second after
stopping, as intended (benchmarks/bench_voice.py measures it at the speaker)."""
LONGEST_TURN_S = 60.0
"""Turns are cut only after this long; Kaldi's default of 20 s would cut a slow speaker off."""
ENDPOINT_OPTIONS = {
    # Kaldi's OnlineEndpointConfig, read by Vosk from conf/model.conf (Vosk 0.3.45 has no
    # call to set them). rule2 and rule3 end a turn that reached a likely sentence end,
    # rule4 one that did not, rule5 any turn that grows too long. rule1 (5 s of silence
    # before any speech) is left alone: the conversation's own timeout handles silence.
    "--endpoint.rule2.min-trailing-silence": END_OF_TURN_SILENCE_S,
    "--endpoint.rule3.min-trailing-silence": END_OF_TURN_SILENCE_S,
    "--endpoint.rule4.min-trailing-silence": UNFINISHED_TURN_SILENCE_S,
    "--endpoint.rule5.min-utterance-length": LONGEST_TURN_S,
}

REQUIRED_FILES = ("am/final.mdl", "conf/model.conf", "conf/mfcc.conf")
GRAPH_LAYOUTS = (("graph/HCLG.fst",), ("graph/HCLr.fst", "graph/Gr.fst", "graph/disambig_tid.int"))
"""A Vosk model decodes with one full graph, or with a lookahead pair (which also allows grammars)."""
MAX_SEARCH_DEPTH = 3
"""How deep to look for the model folder in an archive: zips nest it once, Android .aar twice."""
DOWNLOAD_CHUNK_BYTES = 1 << 16
DOWNLOAD_TIMEOUT_S = 60.0
PROGRESS_BAR_WIDTH = 30


class SpeechModelMissing(UserFacingError):
    """No usable speech model for a language: the message says how to install one."""


class SpeechModelInvalid(UserFacingError):
    """A file or folder given to install does not hold a usable model; nothing was changed."""


class SpeechModelDownloadFailed(UserFacingError):
    """The download failed or was not the expected file; nothing was changed."""


@dataclass(frozen=True)
class Verification:
    """How an installed model differs from what was installed (all empty: unchanged)."""

    lang: str
    path: Path
    changed: list[str]
    missing: list[str]
    added: list[str]

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.added)

    def describe(self, ui_lang: str | None = None) -> str:
        """The result as a sentence for the caregiver."""
        shown = ui_lang or self.lang
        values = {"language": _language_name(self.lang, shown), "code": self.lang, "path": self.path}
        if self.ok:
            return message("speech_model_verified", shown, **values)
        files = ", ".join(self.changed + self.missing + self.added)
        return message("speech_model_modified", shown, files=files, **values)


# Where models are ---------------------------------------------------------------


def _language_name(lang: str, ui_lang: str) -> str:
    return LANGUAGE_DATA[lang].names[ui_lang]


def _check_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise UserFacingError(message("unknown_language", "en", code=lang, choices=", ".join(LANGUAGES)))


def _layout_problem(folder: Path) -> str | None:
    """What keeps `folder` from being a Vosk model, or None if its files are all there."""
    for name in REQUIRED_FILES:
        if not (folder / name).is_file():
            return f"{name} is missing"
    if not any(all((folder / name).is_file() for name in layout) for layout in GRAPH_LAYOUTS):
        return "graph/HCLG.fst, or graph/HCLr.fst with graph/Gr.fst, is missing"
    return None


def _size_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


# Installing -------------------------------------------------------------------


def configure_endpointing(model_path: Path) -> None:
    """Write the end-of-turn rules into the model's conf/model.conf, replacing earlier values."""
    conf = model_path / "conf" / "model.conf"
    ours = {name.split("=")[0] for name in ENDPOINT_OPTIONS}
    kept = [line for line in conf.read_text(encoding="utf-8").splitlines()
            if line.strip() and line.split("=")[0].strip() not in ours]
    added = [f"{name}={value}" for name, value in ENDPOINT_OPTIONS.items()]
    conf.write_text("\n".join(kept + added) + "\n", encoding="utf-8")


def _find_model_root(tree: Path) -> Path | None:
    """The shallowest folder in `tree` that holds a whole model (an .aar also holds empty look-alikes)."""
    level = [tree]
    for _ in range(MAX_SEARCH_DEPTH + 1):
        for folder in level:
            if _layout_problem(folder) is None:
                return folder
        level = sorted(child for folder in level for child in folder.iterdir() if child.is_dir())
    return None


def _load_problem(folder: Path) -> str | None:
    """Why Vosk cannot load the model in `folder`, or None: a listing cannot show a corrupt file."""
    import vosk

    vosk.SetLogLevel(-1)
    try:
        vosk.Model(str(folder))
    except Exception as error:  # Vosk raises a bare Exception when Kaldi fails
        return str(error) or type(error).__name__
    return None


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under `folder` but the manifest, by relative path."""
    return {path.relative_to(folder).as_posix(): _file_sha256(path) for path in sorted(folder.rglob("*"))
            if path.is_file() and path.relative_to(folder).as_posix() != MANIFEST_NAME}


def _write_manifest(folder: Path) -> None:
    lines = [f"{digest}  {name}\n" for name, digest in _hashes(folder).items()]
    (folder / MANIFEST_NAME).write_text("".join(lines), encoding="utf-8")


def _unzip(source: Path, destination: Path) -> None:
    """Unpack a .zip or .aar; zipfile drops absolute and ".." parts of names, so nothing lands outside."""
    with zipfile.ZipFile(source) as archive:
        archive.extractall(destination)


def _swap_in(staged: Path, target: Path) -> None:
    """Put `staged` at `target` by renames: `target` always holds a whole model, old or new."""
    previous = None
    if target.exists():
        previous = Path(tempfile.mkdtemp(prefix=f".{target.name}-previous-", dir=target.parent))
        target.rename(previous / "model")
    try:
        staged.rename(target)
    except OSError:
        if previous is not None:
            (previous / "model").rename(target)
        raise
    finally:
        if previous is not None:
            shutil.rmtree(previous, ignore_errors=True)


# Downloading ----------------------------------------------------------------


class _ProgressBar:
    """A one-line text bar, redrawn in place, for a download the caregiver waits on."""

    def __init__(self, stream: TextIO, lang: str, ui_lang: str, total_bytes: int | None):
        self._stream = stream
        self._lang = lang
        self._ui_lang = ui_lang
        self._total_bytes = total_bytes
        self._drawn = -1

    def update(self, done_bytes: int) -> None:
        fraction = min(1.0, done_bytes / self._total_bytes) if self._total_bytes else 0.0
        step = int(fraction * 100) if self._total_bytes else done_bytes >> 20
        if step == self._drawn:
            return
        self._drawn = step
        filled = int(fraction * PROGRESS_BAR_WIDTH)
        bar = "#" * filled + "-" * (PROGRESS_BAR_WIDTH - filled)
        total = f"{self._total_bytes / 1e6:.1f}" if self._total_bytes else "?"
        label = message("speech_model_downloading", self._ui_lang, language=_language_name(self._lang, self._ui_lang),
                        done_mb=done_bytes / 1e6, total_mb=total)
        self._stream.write(f"\r[{bar}] {label}")
        self._stream.flush()

    def finish(self) -> None:
        self._stream.write("\n")
        self._stream.flush()


def _download(url: str, out: BinaryIO, bar: _ProgressBar | None) -> tuple[str, int]:
    """Copy `url` into `out`; returns (SHA-256, byte count)."""
    digest = hashlib.sha256()
    done_bytes = 0
    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response:
        for block in iter(lambda: response.read(DOWNLOAD_CHUNK_BYTES), b""):
            out.write(block)
            digest.update(block)
            done_bytes += len(block)
            if bar is not None:
                bar.update(done_bytes)
    if bar is not None:
        bar.finish()
    return digest.hexdigest(), done_bytes


# Checking ----------------------------------------------------------------------

_MANIFEST_LINE = re.compile(r"^([0-9a-f]{64})  (.+)$")


def load_catalogue(path: Path = SPEECH_MODELS_FILE) -> dict[str, dict]:
    """The official models' addresses, sizes and checksums."""
    with path.open(encoding="utf-8") as stream:
        return yaml.safe_load(stream)


class SpeechModels:
    """The speech models installed in one folder (the home's models/speech), one per language."""

    def __init__(self, folder: Path, catalogue: dict[str, dict] | None = None):
        self.folder = folder
        self.catalogue = catalogue if catalogue is not None else load_catalogue()
        """Where `install_from_url` downloads each language's model from."""

    def model_dir(self, lang: str) -> Path:
        """Where the `lang` model is, or will be once installed."""
        _check_language(lang)
        return self.folder / lang

    def is_installed(self, lang: str) -> bool:
        return _layout_problem(self.model_dir(lang)) is None

    def require(self, lang: str, ui_lang: str | None = None) -> Path:
        """The installed `lang` model folder; raises SpeechModelMissing with the command to run."""
        folder = self.model_dir(lang)
        if _layout_problem(folder) is not None:
            shown = ui_lang or lang
            raise SpeechModelMissing(message("speech_model_missing", shown, code=lang,
                                             language=_language_name(lang, shown)))
        return folder

    def list(self) -> list[dict]:
        """One entry per language: {"lang", "installed", "path", "size_bytes"}."""
        entries = []
        for lang in LANGUAGES:
            folder = self.model_dir(lang)
            installed = self.is_installed(lang)
            entries.append({"lang": lang, "installed": installed, "path": str(folder),
                            "size_bytes": _size_bytes(folder) if installed else 0})
        return entries

    def _download_record(self, lang: str) -> Path:
        """Next to the model: the SHA-256 of the archive it was installed from."""
        return self.folder / f"{lang}.sha256"

    def install_from_file(self, lang: str, source: Path, ui_lang: str | None = None) -> Path:
        """Install the `lang` model from a .zip, an Android .aar, or a folder; returns its folder.

        Raises SpeechModelInvalid, leaving any model already installed as it was.
        """
        target = self.model_dir(lang)
        shown = ui_lang or lang
        source = Path(source)

        def invalid(problem: object) -> SpeechModelInvalid:
            return SpeechModelInvalid(message("speech_model_invalid", shown, source=source, problem=problem, code=lang,
                                              language=_language_name(lang, shown)))

        if not source.exists():
            raise invalid("no such file or folder")
        private_folder(target.parent)
        staging = Path(tempfile.mkdtemp(prefix=f".{lang}-installing-", dir=target.parent))
        try:
            staged = staging / "model"
            if source.is_dir():
                root = _find_model_root(source)
                if root is None:
                    raise invalid("no folder in it holds am/final.mdl, conf/model.conf and graph/")
                shutil.copytree(root, staged)
            else:
                unpacked = staging / "unpacked"
                try:
                    _unzip(source, unpacked)
                except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
                    raise invalid(f"not a readable .zip or .aar archive: {error}") from error
                root = _find_model_root(unpacked)
                if root is None:
                    raise invalid("no folder in it holds am/final.mdl, conf/model.conf and graph/")
                root.rename(staged)
            configure_endpointing(staged)
            problem = _load_problem(staged)
            if problem is not None:
                raise invalid(f"Vosk cannot load it: {problem}")
            _write_manifest(staged)
            _swap_in(staged, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        self._download_record(lang).unlink(missing_ok=True)
        return target

    def install_from_url(self, lang: str, progress: TextIO | None = sys.stderr, ui_lang: str | None = None) -> Path:
        """Download the official small `lang` model, check it, and install it; returns its folder.

        A progress bar and the outcome go to `progress` (None: silent). When the table has
        no checksum, the computed one is kept in models/speech/<lang>.sha256 and printed.
        """
        target = self.model_dir(lang)
        shown = ui_lang or lang
        language = _language_name(lang, shown)
        entry = self.catalogue[lang]
        url, expected_bytes, expected_sha256 = entry["url"], entry.get("size_bytes"), entry.get("sha256")
        bar = _ProgressBar(progress, lang, shown, expected_bytes) if progress is not None else None
        private_folder(target.parent)
        handle, name = tempfile.mkstemp(prefix=f".{lang}-download-", suffix=".zip", dir=target.parent)
        archive = Path(name)
        try:
            try:
                with os.fdopen(handle, "wb") as out:
                    sha256, size_bytes = _download(url, out, bar)
            except (OSError, HTTPException, ValueError) as error:  # URLError and timeouts are OSErrors
                raise SpeechModelDownloadFailed(message("speech_model_download_failed", shown, code=lang,
                                                        language=language, problem=error)) from error
            if expected_bytes and size_bytes != expected_bytes:
                problem = f"received {size_bytes} bytes, expected {expected_bytes}"
                raise SpeechModelDownloadFailed(message("speech_model_download_failed", shown, code=lang,
                                                        language=language, problem=problem))
            if expected_sha256 and sha256 != expected_sha256.lower():
                raise SpeechModelDownloadFailed(message("speech_model_checksum_mismatch", shown, code=lang,
                                                        language=language, actual=sha256, expected=expected_sha256))
            installed = self.install_from_file(lang, archive, ui_lang=shown)
        finally:
            archive.unlink(missing_ok=True)
        record = self._download_record(lang)
        record.write_text(f"{sha256}  {Path(urlparse(url).path).name}\n", encoding="utf-8")
        if progress is not None:
            if not expected_sha256:
                print(message("speech_model_checksum_recorded", shown, language=language, sha256=sha256, path=record),
                      file=progress)
            print(message("speech_model_installed", shown, language=language, path=installed), file=progress)
        return installed

    def verify(self, lang: str, ui_lang: str | None = None) -> Verification:
        """Recompute the installed model's hashes and compare them with the install-time manifest."""
        folder = self.require(lang, ui_lang)
        manifest = folder / MANIFEST_NAME
        recorded: dict[str, str] = {}
        if manifest.is_file():
            for line in manifest.read_text(encoding="utf-8").splitlines():
                match = _MANIFEST_LINE.match(line)
                if match:
                    recorded[match.group(2)] = match.group(1)
        current = _hashes(folder)
        return Verification(
            lang=lang,
            path=folder,
            changed=sorted(name for name in recorded.keys() & current.keys() if recorded[name] != current[name]),
            missing=sorted(recorded.keys() - current.keys()) or ([] if recorded else [MANIFEST_NAME]),
            added=sorted(current.keys() - recorded.keys()) if recorded else [],
        )
