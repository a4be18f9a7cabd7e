"""A sound card made of PulseAudio null sinks, and the live assistant running on it.

`assistant_speaker` is the speaker: what the assistant plays is recorded from its
monitor. `user_mouth` is where the tests "speak" (paplay); the assistant's
default microphone, `assistant_mic`, hears it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import pytest

SPEAKER = "assistant_speaker"
MOUTH = "user_mouth"
MICROPHONE = "assistant_mic"


def _pactl(*args: str) -> str:
    return subprocess.run(["pactl", *args], check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture(scope="session")
def pulse() -> Iterator[None]:
    """A running PulseAudio server with the virtual speaker, mouth and microphone."""
    if shutil.which("pulseaudio") is None:
        pytest.fail("PulseAudio is not installed: run scripts/setup.sh --tests")
    if subprocess.run(["pactl", "info"], capture_output=True).returncode != 0:
        subprocess.run(["pulseaudio", "-D", "--exit-idle-time=-1", "--disallow-exit", "--log-target=stderr"],
                       check=True, capture_output=True)
        for _ in range(50):
            if subprocess.run(["pactl", "info"], capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
    modules = [
        _pactl("load-module", "module-null-sink", f"sink_name={SPEAKER}"),
        _pactl("load-module", "module-null-sink", f"sink_name={MOUTH}"),
        _pactl("load-module", "module-remap-source", f"master={MOUTH}.monitor", f"source_name={MICROPHONE}"),
    ]
    _pactl("set-default-sink", SPEAKER)
    _pactl("set-default-source", MICROPHONE)
    yield
    for module in reversed(modules):
        subprocess.run(["pactl", "unload-module", module], capture_output=True)


def speak(path: Path) -> float:
    """Play `path` into the assistant's microphone; returns when it has been played (time.monotonic())."""
    subprocess.run(["paplay", f"--device={MOUTH}", str(path)], check=True)
    return time.monotonic()


@dataclass
class LiveAssistant:
    """`assistant run --jsonl` on the virtual sound card, its events collected as they come."""

    process: subprocess.Popen
    events: list[dict] = field(default_factory=list)
    arrivals: list[float] = field(default_factory=list)
    """time.monotonic() when each event arrived."""

    def _collect(self) -> None:
        for line in self.process.stdout:
            if line.startswith("{"):
                self.events.append(json.loads(line))
                self.arrivals.append(time.monotonic())

    def wait_for(self, wanted: Callable[[dict], bool], timeout_s: float = 90.0, after: int = 0) -> int:
        """Index of the first event from `after` on that is `wanted`; fails after `timeout_s`."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for index in range(after, len(self.events)):
                if wanted(self.events[index]):
                    return index
            if self.process.poll() is not None and len(self.events) == 0:
                break
            time.sleep(0.05)
        raise AssertionError(f"no such event within {timeout_s} s; events: {self.events}; "
                             f"stderr: {self.process.stderr.read() if self.process.poll() is not None else ''}")

    def listening(self, expect: str = "free", after: int = 0) -> int:
        return self.wait_for(lambda event: event["event"] == "listen" and event["expect"] == expect, after=after)


@pytest.fixture
def live(home: Path, pulse: None, vosk_home: Path) -> Iterator[Callable[..., LiveAssistant]]:
    """Start the live assistant (as many times as a test needs); stops them all at the end."""
    started: list[LiveAssistant] = []

    def start(*args: str) -> LiveAssistant:
        process = subprocess.Popen([sys.executable, "-m", "assistant", *args, "run", "--jsonl"], text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   env={**os.environ, "ASSISTANT_HOME": str(home)})
        assistant = LiveAssistant(process)
        threading.Thread(target=assistant._collect, daemon=True).start()
        started.append(assistant)
        return assistant

    yield start
    for assistant in started:
        assistant.process.terminate()
        assistant.process.wait(timeout=30)
