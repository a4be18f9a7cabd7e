"""WAV audio in and out of numpy: the one audio format the voice package handles.

Everything inside the package is 16-bit mono: espeak-ng writes it, Vosk reads it,
and the output file keeps it. Files from elsewhere (a phone, a recorder) are
converted on reading, so a caregiver's recording in stereo or 24-bit still works.
"""

from __future__ import annotations

import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.messages import UserFacingError, message


@dataclass(frozen=True)
class Audio:
    """Mono 16-bit samples and their rate."""

    samples: np.ndarray
    sample_rate_hz: int

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate_hz


class AudioFileUnreadable(UserFacingError):
    """A file given as audio is not a WAV file this package can read."""


def _to_int16(raw: bytes, sample_width_bytes: int) -> np.ndarray:
    """PCM frames of any common width as int16 (the top 16 bits are what speech needs)."""
    if sample_width_bytes == 1:
        return (np.frombuffer(raw, np.uint8).astype(np.int16) - 128) << 8
    if sample_width_bytes == 2:
        return np.frombuffer(raw, "<i2").astype(np.int16)
    if sample_width_bytes == 3:
        triples = np.frombuffer(raw, np.uint8).reshape(-1, 3)
        return triples[:, 1].astype(np.int16) | (triples[:, 2].astype(np.int8).astype(np.int16) << 8)
    if sample_width_bytes == 4:
        return (np.frombuffer(raw, "<i4") >> 16).astype(np.int16)
    raise ValueError(f"{8 * sample_width_bytes}-bit samples are not supported")


def read_wav(path: Path, lang: str = "en") -> Audio:
    """A WAV file as mono int16; `lang` is the language of the error a caregiver may read."""
    try:
        with wave.open(str(path), "rb") as sound:
            channels = sound.getnchannels()
            samples = _to_int16(sound.readframes(sound.getnframes()), sound.getsampwidth())
            rate_hz = sound.getframerate()
    except (OSError, EOFError, wave.Error, ValueError) as error:
        raise AudioFileUnreadable(message("audio_file_unreadable", lang, path=path,
                                                  problem=str(error) or "not a WAV file")) from error
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1).astype(np.int16)
    return Audio(samples, rate_hz)


def resample(samples: np.ndarray, from_hz: int, to_hz: int) -> np.ndarray:
    """Linear interpolation: good enough for speech between 16 and 48 kHz, and needs only numpy."""
    if from_hz == to_hz or len(samples) == 0:
        return samples.astype(np.int16)
    count = int(round(len(samples) * to_hz / from_hz))
    positions = np.arange(count) * (from_hz / to_hz)
    return np.interp(positions, np.arange(len(samples)), samples.astype(np.float64)).astype(np.int16)


def scaled(samples: np.ndarray, volume: float) -> np.ndarray:
    """Samples at `volume` (0 to 1), done in software so that every output gets the same loudness."""
    return np.clip(samples.astype(np.float64) * volume, -32768, 32767).astype(np.int16)
