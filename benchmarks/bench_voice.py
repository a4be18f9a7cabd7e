"""Voice figures: reply latency after a spoken turn, decoding speed, whole-assistant peak memory.

- Reply latency: from the moment Vosk's endpoint fires (the user's words and the
  end-of-turn silence are over, `LiveInbox.last_endpoint_at`) to the first sample
  of the reply handed to the speaker. The end-of-turn silence itself (1.5 s, a
  choice made for older speakers) is not counted: it is the wait the user asked for.
  Measured in-process on the live pipeline, built as `assistant run` builds it,
  with user turns made by espeak-ng and played into the microphone.
- Decoding real-time factor: bench_recognition's speed figure (decode seconds /
  audio seconds over its sentences).
- Peak memory of the whole assistant: `assistant run --jsonl` as a process,
  through a spoken check-in, the start of a breathing exercise and "stop".

The sound card is a private PulseAudio server holding the null sinks of
tests/audio_fixtures.py, so the benchmark neither plays into the desktop's sound
nor into the shared virtual microphone that voice tests may be using meanwhile.

Targets: latency p50 under 400 ms and p95 under 700 ms; real-time factor under 0.3.
Needs the small English Vosk model the voice tests install into .cache/vosk/model-en.
Run: .venv/bin/python benchmarks/bench_voice.py [--turns N]
Replies are spoken in real time, so each timed turn takes about ten seconds: the
default of 20 turns keeps the whole run near five minutes on two cores.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

from bench_dialogue import percentile
from bench_recognition import CACHED_MODEL, RTF_TARGET, bench_speed

REPO = Path(__file__).resolve().parents[1]
TRAINED_MODELS = REPO / ".cache" / "test-home" / "models" / "dialogue"
"""Dialogue models the tests trained: copied so that the benchmark does not train again."""
SPEAKER = "assistant_speaker"
MOUTH = "user_mouth"
MICROPHONE = "assistant_mic"
LATENCY_P50_TARGET_MS = 400
LATENCY_P95_TARGET_MS = 700

ANSWERS = {
    "free": ["I would like to do my check in", "hello", "check in please", "how have I been",
             "can we do the check in now", "thank you", "what can you do", "good morning"],
    "number": ["three", "skip", "four", "two", "five", "skip"],
    "yes_no": ["no", "yes"],
}
"""What the user says, by what the assistant expects: check-ins often, so short answers are timed too."""
VOICES = ["en-gb", "en-us", "en+f3", "en-us+m3"]
RATES_WPM = [130, 150]
REACTION_S = 0.2
"""How long the user takes to start answering once the assistant listens."""
EVENT_TIMEOUT_S = 90.0
"""Longest wait for the assistant's next event (its longest reply is about 20 s)."""
STOP_RETRY_S = 15.0
"""How long a "stop" said over an exercise may go unheard before it is said again."""


# The sound card and the user's voice -------------------------------------------


@contextlib.contextmanager
def virtual_sound_card(folder: Path) -> Iterator[None]:
    """A private PulseAudio server: speaker, mouth and microphone as null sinks; PULSE_SERVER points at it.

    PULSE_SERVER is set in this process's environment, so the in-process pipeline,
    paplay and the `assistant run` child all use it.
    """
    if shutil.which("pulseaudio") is None:
        sys.exit("PulseAudio is not installed: run scripts/setup.sh --tests")
    socket = folder / "native"
    script = folder / "bench.pa"
    script.write_text(f"load-module module-native-protocol-unix auth-anonymous=1 socket={socket}\n"
                      f"load-module module-null-sink sink_name={SPEAKER}\n"
                      f"load-module module-null-sink sink_name={MOUTH}\n"
                      f"load-module module-remap-source master={MOUTH}.monitor source_name={MICROPHONE}\n"
                      f"set-default-sink {SPEAKER}\n"
                      f"set-default-source {MICROPHONE}\n", encoding="utf-8")
    env = {**os.environ, "PULSE_RUNTIME_PATH": str(folder), "PULSE_STATE_PATH": str(folder)}
    subprocess.run(["pulseaudio", "-n", "-F", str(script), "-D", "--exit-idle-time=-1", "--disallow-exit",
                    f"--log-target=file:{folder / 'pulseaudio.log'}"], env=env, check=True)
    os.environ["PULSE_SERVER"] = f"unix:{socket}"
    try:
        deadline = time.monotonic() + 10
        while subprocess.run(["pactl", "info"], capture_output=True).returncode != 0:
            if time.monotonic() > deadline:
                sys.exit(f"the private PulseAudio server did not start; see {folder / 'pulseaudio.log'}")
            time.sleep(0.1)
        yield
    finally:
        os.environ.pop("PULSE_SERVER", None)
        pid_file = folder / "pid"
        if pid_file.is_file():
            os.kill(int(pid_file.read_text().split()[0]), signal.SIGTERM)


class UserVoice:
    """The user's answers, made by espeak-ng once each, in varied voices and rates."""

    def __init__(self, folder: Path):
        self._folder = folder
        self._made: dict[str, Path] = {}
        self._styles = itertools.cycle(itertools.product(VOICES, RATES_WPM))

    def say(self, text: str) -> None:
        """Play `text` into the assistant's microphone; returns once it has been played."""
        if text not in self._made:
            voice, rate = next(self._styles)
            path = self._folder / f"user-{len(self._made)}.wav"
            subprocess.run(["espeak-ng", "-w", str(path), "-v", voice, "-s", str(rate), "--stdin"],
                           input=text, text=True, check=True, capture_output=True)
            self._made[text] = path
        subprocess.run(["paplay", f"--device={MOUTH}", str(self._made[text])], check=True)


# Events, from a thread or from a process -----------------------------------------


class EventLog:
    """The assistant's events kept in memory, so that the user can wait for the moment to speak."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self._changed = threading.Condition()

    def emit(self, event: str, **fields: Any) -> None:
        with self._changed:
            self.events.append({"event": event, **fields})
            self._changed.notify_all()

    def wait_for(self, wanted: Callable[[dict[str, Any]], bool], after: int = 0,
                 timeout_s: float = EVENT_TIMEOUT_S) -> int:
        """Index of the first event from `after` on that is `wanted`; TimeoutError after `timeout_s`."""
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while True:
                for index in range(after, len(self.events)):
                    if wanted(self.events[index]):
                        return index
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no such event within {timeout_s:.0f} s; events since: {self.events[after:]}")
                self._changed.wait(left)


def is_event(kind: str, **fields: Any) -> Callable[[dict[str, Any]], bool]:
    return lambda event: event["event"] == kind and all(event.get(key) == value for key, value in fields.items())


# The benchmark's home ---------------------------------------------------------


def prepare_home(home: Path) -> None:
    """Trained dialogue models (copied from the tests' cache when there), the cached speech model, a returning user.

    A returning user is greeted in one sentence instead of the 18 s first-time introduction.
    """
    if not CACHED_MODEL.is_dir():
        sys.exit(f"the small English Vosk model is not at {CACHED_MODEL}: run the voice tests once (scripts/test.sh)")
    dialogue = home / "models" / "dialogue"
    dialogue.mkdir(parents=True)
    if TRAINED_MODELS.is_dir():
        for model in TRAINED_MODELS.iterdir():
            if model.name.endswith((".tar.gz", ".fingerprint")):
                shutil.copy(model, dialogue / model.name)
    subprocess.run([sys.executable, "-m", "assistant", "--lang", "en", "train"], check=True, capture_output=True,
                   env={**os.environ, "ASSISTANT_HOME": str(home)})
    (home / "models" / "speech").mkdir()
    (home / "models" / "speech" / "en").symlink_to(CACHED_MODEL.resolve(), target_is_directory=True)
    from assistant.journal.store import Journal

    Journal(home / "journal.db").set_meta("introduced_at", "2026-01-01T00:00:00+00:00")


# Figures ------------------------------------------------------------------------


def peak_memory_mb(home: Path, user: UserVoice) -> float:
    """Peak resident memory (VmHWM) of `assistant run --jsonl` through a check-in, breathing and "stop"."""
    process = subprocess.Popen([sys.executable, "-m", "assistant", "--lang", "en", "run", "--jsonl"], text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               env={**os.environ, "ASSISTANT_HOME": str(home)})
    log = EventLog()

    def collect() -> None:
        for line in process.stdout:
            if line.startswith("{"):
                log.emit(**json.loads(line))

    threading.Thread(target=collect, daemon=True).start()
    try:
        listen = log.wait_for(is_event("listen", expect="free"))
        for answer, expect in (("I would like to do my check in", "number"), ("three", "number"), ("skip", "free")):
            time.sleep(REACTION_S)
            user.say(answer)
            listen = log.wait_for(is_event("listen", expect=expect), after=listen + 1)
        time.sleep(REACTION_S)
        user.say("I would like to do some breathing")
        begun = log.wait_for(is_event("exercise", state="started"), after=listen)
        log.wait_for(is_event("say"), after=begun)
        user.say("stop")
        log.wait_for(is_event("exercise", state="stopped"), after=begun)
        status = Path(f"/proc/{process.pid}/status").read_text()
        return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]) / 1024
    finally:
        process.terminate()
        process.wait(timeout=30)


def decoding_rtf(folder: Path) -> dict:
    from assistant.voice.recognition import Recogniser

    return bench_speed(Recogniser(CACHED_MODEL), folder)


def reply_latencies(user: UserVoice, turns: int) -> tuple[list[float], list[str]]:
    """Seconds from each turn's endpoint to its reply's first sample on the speaker; and what was heard."""
    from assistant.app import build_conversation, load_model, load_parts
    from assistant.paths import Home
    from assistant.session.clock import RealClock
    from assistant.voice.live_inbox import LiveInbox
    from assistant.voice.microphone import Microphone
    from assistant.voice.pipeline import recogniser_for, voice_for
    from assistant.voice.synthesis import SpeakerOutput

    class StampedSpeaker(SpeakerOutput):
        """The real speaker, noting perf_counter() as each sound is handed to it."""

        def __init__(self) -> None:
            super().__init__()
            self.played_at: list[float] = []

        def play(self, samples: np.ndarray, sample_rate_hz: int) -> None:
            self.played_at.append(time.perf_counter())
            super().play(samples, sample_rate_hz)

    parts = load_parts(Home.from_environment().prepare(), "en")
    clock = RealClock()
    # As pipeline.live_inbox builds it (without push-to-talk: nobody presses a key here), but the
    # microphone is kept, to be closed before the sound card goes away.
    microphone = Microphone(parts.lang)
    inbox = LiveInbox(microphone, recogniser_for(parts), clock, parts.lang, parts.settings.listening.wake_phrase["en"])
    speaker = StampedSpeaker()
    log = EventLog()

    def converse() -> None:
        """Built in its own thread: the journal's SQLite connection may only be used where it was opened."""
        build_conversation(parts, load_model(parts.home, parts.lang), clock, inbox, log, voice_for(parts, speaker)).run()

    threading.Thread(target=converse, daemon=True).start()

    answers = {expect: itertools.cycle(phrases) for expect, phrases in ANSWERS.items()}
    endpoints: list[float] = []
    heard: list[str] = []
    exercise_started = is_event("exercise", state="started")
    cursor = 0
    try:
        for _ in range(turns):
            # A misheard answer can start an exercise: the user then says "stop", as a user would.
            ready = log.wait_for(lambda event: event["event"] == "listen" or exercise_started(event), after=cursor)
            in_exercise = log.events[ready]["event"] == "exercise"
            time.sleep(REACTION_S)
            user.say("stop" if in_exercise else next(answers.get(log.events[ready]["expect"], answers["free"])))
            try:
                cursor = log.wait_for(lambda event: event["event"] in ("heard", "listen"), after=ready + 1,
                                      timeout_s=STOP_RETRY_S if in_exercise else EVENT_TIMEOUT_S)
            except TimeoutError:
                if not in_exercise:
                    raise
                cursor = ready  # "stop" was not heard over the exercise: say it again
                continue
            if log.events[cursor]["event"] == "heard":
                endpoints.append(inbox.last_endpoint_at)
                heard.append(log.events[cursor]["text"])
                cursor += 1
        with contextlib.suppress(TimeoutError):  # the figures are in; ending cleanly only saves the tracker
            last = log.wait_for(is_event("listen"), after=cursor)
            time.sleep(REACTION_S)
            user.say("goodbye")
            log.wait_for(is_event("end"), after=last)
    finally:
        microphone.close()
        speaker.stop()

    latencies = []
    for endpoint, next_endpoint in zip(endpoints, endpoints[1:] + [float("inf")]):
        replies = [played for played in speaker.played_at if endpoint < played < next_endpoint]
        if replies:
            latencies.append(replies[0] - endpoint)
    return latencies, heard


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=20, help="spoken turns timed for the reply latency")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-voice-") as name:
        folder = Path(name)
        home = folder / "home"
        prepare_home(home)
        os.environ["ASSISTANT_HOME"] = str(home)
        (folder / "pulse").mkdir()
        with virtual_sound_card(folder / "pulse"):
            user = UserVoice(folder)
            print(f"whole-assistant peak memory (`assistant run`, check-in + breathing + stop): "
                  f"{peak_memory_mb(home, user):.0f} MB", flush=True)
            speed = decoding_rtf(folder)
            print(f"decoding: {speed['utterances']} utterances, {speed['audio_s']} s of audio, real-time factor "
                  f"{speed['rtf_wall']} wall / {speed['rtf_cpu']} CPU (target < {RTF_TARGET})", flush=True)
            started = time.monotonic()
            latencies, heard = reply_latencies(user, args.turns)
    print(f"spoken turns heard: {len(heard)} of {args.turns} ({time.monotonic() - started:.0f} s): "
          + "; ".join(heard))
    if not latencies:
        sys.exit("no reply could be timed")
    milliseconds = [latency * 1000 for latency in latencies]
    print(f"reply latency after the endpoint over {len(milliseconds)} turns: "
          f"p50 {percentile(milliseconds, 0.5):.0f} ms, p95 {percentile(milliseconds, 0.95):.0f} ms, "
          f"max {max(milliseconds):.0f} ms "
          f"(targets: p50 < {LATENCY_P50_TARGET_MS} ms, p95 < {LATENCY_P95_TARGET_MS} ms)")


if __name__ == "__main__":
    main()
