"""A sound card made of PulseAudio null sinks, and the live assistant running on it.

`assistant_speaker` is the speaker: what the assistant plays is recorded from its
monitor. `user_mouth` is where the tests "speak" (paplay); the assistant's
default microphone, `assistant_mic`, hears it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
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


@pytest.fixture(scope="session")
def pulse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A private PulseAudio server holding the virtual speaker, mouth and microphone.

    Private, because the machine's own server may be shared: another test run's
    sinks (or a loopback it left behind) would otherwise mix into this one.
    PULSE_SERVER points this process and every child (paplay, pactl, the
    assistant) at it.
    """
    if shutil.which("pulseaudio") is None:
        pytest.fail("PulseAudio is not installed: run scripts/setup.sh --tests")
    folder = tmp_path_factory.mktemp("pulse")
    socket = folder / "native"
    script = folder / "test.pa"
    script.write_text(f"load-module module-native-protocol-unix auth-anonymous=1 socket={socket}\n"
                      f"load-module module-null-sink sink_name={SPEAKER}\n"
                      f"load-module module-null-sink sink_name={MOUTH}\n"
                      f"load-module module-remap-source master={MOUTH}.monitor source_name={MICROPHONE}\n"
                      f"set-default-sink {SPEAKER}\n"
                      f"set-default-source {MICROPHONE}\n", encoding="utf-8")
    env = {**os.environ, "PULSE_RUNTIME_PATH": str(folder), "PULSE_STATE_PATH": str(folder)}
    subprocess.run(["pulseaudio", "-n", "-F", str(script), "-D", "--exit-idle-time=-1", "--disallow-exit",
                    f"--log-target=file:{folder / 'pulseaudio.log'}"], env=env, check=True)
    previous = os.environ.get("PULSE_SERVER")
    os.environ["PULSE_SERVER"] = f"unix:{socket}"
    try:
        for _ in range(100):
            if subprocess.run(["pactl", "info"], capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        else:
            pytest.fail(f"the private PulseAudio server did not start; see {folder / 'pulseaudio.log'}")
        yield
    finally:
        if previous is None:
            os.environ.pop("PULSE_SERVER", None)
        else:
            os.environ["PULSE_SERVER"] = previous
        pid_file = folder / "pid"
        if pid_file.is_file():
            os.kill(int(pid_file.read_text().split()[0]), signal.SIGTERM)


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
