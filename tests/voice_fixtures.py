"""Real speech for the voice tests: the small English Vosk model, and utterances made by espeak-ng.

Import the fixtures into a test module (`from voice_fixtures import vosk_model_dir`)
and pytest finds them there. The model is installed once, with the real
installer, into .cache/vosk/model-en, and reused by later runs.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from assistant.paths import Home
from assistant.voice.wav import read_wav

REPO = Path(__file__).resolve().parents[1]
VOSK_CACHE = REPO / ".cache" / "vosk"
MODEL_AAR = VOSK_CACHE / "vosk-model-en-0.3.45.aar"
"""com.alphacephei:vosk-model-en:0.3.45 from Maven Central (Apache-2.0); the model is under assets/model-en-us/."""
MODEL_HOME = VOSK_CACHE / "home"
"""The ASSISTANT_HOME the cached model is installed into: models/speech/en is the model."""
MODEL_LINK = VOSK_CACHE / "model-en"
"""A stable name for the cached model folder."""


@pytest.fixture(scope="session")
def vosk_model_dir() -> Path:
    """The small English model, installed from the .aar by install_from_file (once per cache)."""
    if not MODEL_AAR.is_file():
        pytest.fail(f"the small English Vosk model is not at {MODEL_AAR}: scripts/setup.sh --tests fetches it "
                    "(com.alphacephei:vosk-model-en:0.3.45 from Maven Central)")
    from assistant.voice.models import SpeechModels

    models = SpeechModels(Home(MODEL_HOME).speech_models)
    if not models.is_installed("en") or not models.verify("en").ok:
        models.install_from_file("en", MODEL_AAR)
    installed = models.model_dir("en")
    if MODEL_LINK.is_symlink() or not MODEL_LINK.exists():
        MODEL_LINK.unlink(missing_ok=True)
        MODEL_LINK.symlink_to(installed, target_is_directory=True)
    return MODEL_LINK


def espeak(text: str, path: Path, voice: str = "en-gb", rate_wpm: int = 140) -> Path:
    """`text` spoken by the espeak-ng program into `path` (22.05 kHz mono)."""
    subprocess.run(["espeak-ng", "-w", str(path), "-v", voice, "-s", str(rate_wpm), "--stdin"],
                   input=text, text=True, check=True, capture_output=True)
    return path


def write_wav(path: Path, samples: np.ndarray, rate_hz: int) -> Path:
    import wave

    with wave.open(str(path), "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(rate_hz)
        sound.writeframes(samples.astype("<i2").tobytes())
    return path


def with_noise(path: Path, noise_level: float, seed: int = 0, padding_s: float = 0.3) -> Path:
    """`path` rewritten with white noise at `noise_level` (fraction of full scale) and a little silence around it."""
    audio = read_wav(path)
    padding = np.zeros(int(padding_s * audio.sample_rate_hz))
    speech = np.concatenate([padding, audio.samples.astype(np.float64), padding])
    noise = np.random.default_rng(seed).normal(0.0, noise_level * 32767, len(speech))
    return write_wav(path, np.clip(speech + noise, -32768, 32767), audio.sample_rate_hz)


@pytest.fixture
def vosk_home(home: Path, vosk_model_dir: Path) -> Path:
    """The test's ASSISTANT_HOME with the small English speech model installed (linked to the cache)."""
    speech = home / "models" / "speech"
    speech.mkdir(parents=True, exist_ok=True)
    (speech / "en").symlink_to(vosk_model_dir.resolve(), target_is_directory=True)
    return home


def make_ears(model_dir: Path, lang: str = "en", wake_phrase: str = "hello companion",
              notices: list | None = None):
    """Hearing as the pipeline builds it: the real model, the real phrase files, the real safety detector."""
    from assistant.safety.detector import SafetyDetector
    from assistant.voice.grammars import Grammars
    from assistant.voice.recognition import Ears, Recogniser

    recogniser = Recogniser(model_dir, lang="en")
    notice = (lambda name, values: notices.append((name, values))) if notices is not None else None
    return Ears(recogniser, Grammars.load().for_model(lang, recogniser, wake_phrase, notice),
                SafetyDetector.load(lang).assess)


@pytest.fixture(scope="session")
def ears(vosk_model_dir: Path):
    """English hearing with the small model, shared by the tests of a run (loading takes a second)."""
    return make_ears(vosk_model_dir)


def at_16k(path: Path) -> np.ndarray:
    """A WAV file as 16 kHz int16 samples."""
    from assistant.voice.wav import resample

    audio = read_wav(path)
    return resample(audio.samples, audio.sample_rate_hz, 16000)


class ScriptedMicrophone:
    """A microphone that hears prepared audio, block by block, on a virtual clock.

    Reading a block moves the clock on by the block's length, as a real microphone
    would take that long to capture it; after the audio, it hears silence.
    """

    def __init__(self, clock, audio: np.ndarray, block_s: float = 0.05, rate_hz: int = 16000):
        self._clock = clock
        self._audio = audio.astype(np.int16)
        self._block = int(block_s * rate_hz)
        self._block_s = block_s
        self.position = 0
        """Samples handed out so far."""

    def read(self, timeout_s: float):
        from assistant.voice.microphone import Block

        samples = self._audio[self.position:self.position + self._block]
        if len(samples) < self._block:
            samples = np.concatenate([samples, np.zeros(self._block - len(samples), np.int16)])
        self.position += self._block
        self._clock.sleep_until(self._clock.now() + self._block_s)
        return Block(samples, self._clock.now())

    def close(self) -> None:
        pass


SPEECH_CORPUS = Path("/usr/share/pocketsphinx/test/data")
"""Debian's pocketsphinx-testdata (BSD-2): real 16 kHz recordings, LibriVox and CMU speakers, with transcripts."""


@dataclass(frozen=True)
class RealRecording:
    """One recorded utterance of a real person, and what they said."""

    corpus: str
    name: str
    samples: np.ndarray
    transcript: str


def _transcripts(path: Path) -> dict[str, str]:
    """A Sphinx transcription file: "<s> words </s> (utterance id)" per line."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"\s*(?:<s>)?\s*(.*?)\s*(?:</s>)?\s*\(([^)]+)\)\s*", line)
        if match:
            found[match.group(2)] = " ".join(match.group(1).split())
    return found


def real_recordings(folder: Path = SPEECH_CORPUS) -> list[RealRecording]:
    """Every recording of the package whose words are known.

    librivox/ and cards/ come with transcription files; goforward.raw is the sentence
    its grammar's first rule spells out ("go forward ten meters"); tidigits' dhd.2934z
    is named after its digits (TIDIGITS names: z is zero, o is oh). numbers.raw and
    something.raw come without a transcript and are left out.
    """
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is missing: install Debian's pocketsphinx-testdata "
                                "(scripts/setup.sh --tests does)")
    recordings = []
    for corpus in ("librivox", "cards"):
        transcription = next((folder / corpus).glob("*transcription"))
        for name, words in sorted(_transcripts(transcription).items()):
            recordings.append(RealRecording(corpus, name, read_wav(folder / corpus / f"{name}.wav").samples, words))
    raw = {"goforward.raw": "go forward ten meters", "tidigits/dhd.2934z.raw": "two nine three four zero"}
    for name, words in raw.items():
        samples = np.frombuffer((folder / name).read_bytes(), "<i2").astype(np.int16)
        recordings.append(RealRecording("cmu", name, samples, words))
    return recordings


def word_errors(reference: str, hypothesis: str) -> int:
    """Substitutions, deletions and insertions between two word sequences (Levenshtein on words)."""
    ref, hyp = reference.split(), hypothesis.split()
    row = list(range(len(hyp) + 1))
    for i, word in enumerate(ref, 1):
        previous, row[0] = row[0], i
        for j, other in enumerate(hyp, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (word != other))
    return row[-1]


def cut_words(recogniser, recording: RealRecording, wanted: set[str], margin_s: float = 0.02,
              padding_s: float = 0.3) -> list[tuple[str, np.ndarray]]:
    """The `wanted` words of a real recording, cut out where a forced alignment puts them.

    The alignment is a Vosk grammar holding only the transcript: the model must place
    exactly those words, and says where.
    """
    import json

    from assistant.voice.grammars import Grammar, Phrase

    transcript = Grammar((Phrase(recording.transcript, tuple(recording.transcript.split()), "transcript"),))
    stream = recogniser.stream(transcript)
    stream.AcceptWaveform(recording.samples.tobytes())
    aligned = json.loads(stream.FinalResult()).get("result", [])
    padding = np.zeros(int(padding_s * 16000), np.int16)
    cuts = []
    for word in aligned:
        if word["word"] in wanted:
            start, end = int((word["start"] - margin_s) * 16000), int((word["end"] + margin_s) * 16000)
            cuts.append((word["word"], np.concatenate([padding, recording.samples[max(0, start):end], padding])))
    return cuts
