"""The microphone: 16 kHz mono blocks captured in sounddevice's own thread.

Capture never stops while the assistant runs; the listener decides what to do
with each block (recognise it, watch it for "stop" and for a user talking over
the assistant, or drop it as the echo of the assistant's own voice). Each block
carries the moment it was captured, on the conversation's clock, so that the
listener can tell which blocks were said while the assistant was speaking,
however late it reads them.
"""

from __future__ import annotations

import queue
from dataclasses import dataclass
from typing import Callable

import numpy as np

from assistant.messages import UserFacingError, message

SAMPLE_RATE_HZ = 16000
BLOCK_S = 0.05
"""Length of one captured block (seconds): the listener's reaction granularity."""


class MicrophoneMissing(UserFacingError):
    """No input device could be opened."""


@dataclass(frozen=True)
class Block:
    """Captured samples and when their capture ended (seconds on the conversation's clock)."""

    samples: np.ndarray
    at: float


class Microphone:
    """Blocks of int16 samples from the default (or a named) input device."""

    def __init__(self, lang: str, now: Callable[[], float], device: int | str | None = None):
        """`now` is the conversation clock's `now`: blocks are stamped with it."""
        import sounddevice

        self._now = now
        self._blocks: queue.Queue[Block] = queue.Queue()
        try:
            self._stream = sounddevice.InputStream(
                samplerate=SAMPLE_RATE_HZ, channels=1, dtype="int16", device=device, latency="low",
                blocksize=int(SAMPLE_RATE_HZ * BLOCK_S), callback=self._captured)
            self._stream.start()
        except (sounddevice.PortAudioError, ValueError) as error:
            raise MicrophoneMissing(message("microphone_missing", lang, problem=error)) from error

    def _captured(self, data: np.ndarray, frames: int, time_info: object, status: object) -> None:
        self._blocks.put(Block(data[:, 0].copy(), self._now()))

    def read(self, timeout_s: float) -> Block | None:
        """The next block, or None if none arrives within `timeout_s`."""
        try:
            return self._blocks.get(timeout=max(0.0, timeout_s))
        except queue.Empty:
            return None

    def close(self) -> None:
        self._stream.stop()
        self._stream.close()
