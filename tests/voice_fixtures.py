"""Real speech for the voice tests: the small English Vosk model, and utterances made by espeak-ng.

Import the fixtures into a test module (`from voice_fixtures import vosk_model_dir`)
and pytest finds them there. The model is installed once, with the real
installer, into .cache/vosk/model-en, and reused by later runs.
"""

from __future__ import annotations

import subprocess
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
