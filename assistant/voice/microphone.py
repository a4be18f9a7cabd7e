"""The microphone: 16 kHz mono blocks captured in sounddevice's own thread.

Capture never stops while the assistant runs; the listener decides what to do
with each block (recognise it, only watch for "stop", or drop it as the echo
of the assistant's own voice).
"""

from __future__ import annotations

import queue

import numpy as np

from assistant.messages import UserFacingError, message

SAMPLE_RATE_HZ = 16000
BLOCK_S = 0.1
"""Length of one captured block (seconds): the listener's reaction granularity."""


class MicrophoneMissing(UserFacingError):
    """No input device could be opened."""


class Microphone:
    """Blocks of int16 samples from the default (or a named) input device."""

    def __init__(self, lang: str, device: int | str | None = None):
        import sounddevice

        self._blocks: queue.Queue[np.ndarray] = queue.Queue()
        try:
            self._stream = sounddevice.InputStream(
                samplerate=SAMPLE_RATE_HZ, channels=1, dtype="int16", device=device,
                blocksize=int(SAMPLE_RATE_HZ * BLOCK_S), callback=self._captured)
            self._stream.start()
        except (sounddevice.PortAudioError, ValueError) as error:
            raise MicrophoneMissing(message("microphone_missing", lang, problem=error)) from error

    def _captured(self, data: np.ndarray, frames: int, time_info: object, status: object) -> None:
        self._blocks.put(data[:, 0].copy())

    def read(self, timeout_s: float) -> np.ndarray | None:
        """The next block, or None if none arrives within `timeout_s`."""
        try:
            return self._blocks.get(timeout=max(0.0, timeout_s))
        except queue.Empty:
            return None

    def flush(self) -> None:
        """Forget what was captured so far (the tail of the assistant's own voice)."""
        while not self._blocks.empty():
            self._blocks.get_nowait()

    def close(self) -> None:
        self._stream.stop()
        self._stream.close()
