"""Voice figures, live on PulseAudio null sinks: reply latency after short answers and free
sentences, cut-offs on 1.2 s pauses, decoding speed, whole-assistant peak memory.

- Reply latency is measured where a person would notice it: from the end of the
  user's speech (the last voiced sample of the WAV played into the null-sink
  microphone) to the first reply sample at the speaker. Both are recorded in one
  stereo file: a "witness" null sink receives the mouth on its left channel and
  the speaker on its right, through two loopbacks set alike, so their delays
  cancel (two loopbacks from one source land on the same sample). The
  conversation is built in-process as `assistant run` builds it.
- Short answers (numbers, yes or no) should end the turn after 0.5 s of silence;
  free sentences after the model's 1.5 s (2.0 s when unfinished). Some free
  sentences hold a 1.2 s pause: a cut-off is a reply that starts before the user
  finished, or a heard text that lacks the sentence's second half.
- Decoding real-time factor: bench_recognition's speed figure.
- Peak memory of the whole assistant: `assistant run --jsonl` as a process,
  through a spoken check-in, the start of a breathing exercise and "stop".

Targets: short answers p50 <= 600 ms and p95 <= 800 ms; free sentences p50 <= 1.7 s;
zero cut-offs. Needs the small English Vosk model the voice tests install.
Run: .venv/bin/python benchmarks/bench_voice.py [--cycles N]   (each check-in cycle is
one free sentence and two numbers, about 25 s; the default of 16 takes about 8 minutes)
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
import wave
from dataclasses import dataclass, field
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
WITNESS = "witness"
RECORDING_RATE_HZ = 16000
SHORT_P50_TARGET_MS, SHORT_P95_TARGET_MS, FREE_P50_TARGET_MS = 600, 800, 1700
VOICED_LEVEL = 300
"""A sample louder than this (int16) is voice: espeak-ng's silences are exact zeros, its speech far louder."""

SHORT_ANSWERS = {"number": ["three", "four", "two", "five", "one", "three", "four", "skip"], "yes_no": ["no", "yes"]}
FREE_SENTENCES: list[tuple[str, ...]] = [
    ("I would like to do my check in",), ("I would like to", "do my check in"),
    ("can we do the check in now",), ("could we please", "do the check in now"),
    ("check in please",), ("I think I would like", "to do my check in"),
]
"""What the user says when nothing in particular is asked; two-part sentences have a 1.2 s pause."""
PAUSE_S = 1.2
VOICES = ["en-gb", "en-us", "en+f3", "en-us+m3"]
RATES_WPM = [130, 150]
REACTION_S = 0.3
"""How long the user takes to start answering once the assistant listens."""
EVENT_TIMEOUT_S = 90.0
STOP_RETRY_S = 15.0


# The sound card and the user's voice -------------------------------------------


@contextlib.contextmanager
def virtual_sound_card(folder: Path) -> Iterator[None]:
    """A private PulseAudio server: speaker, mouth, microphone and the stereo witness; PULSE_SERVER points at it."""
    if shutil.which("pulseaudio") is None:
        sys.exit("PulseAudio is not installed: run scripts/setup.sh --tests")
    socket = folder / "native"
    script = folder / "bench.pa"
    witness_from = "latency_msec=20 channels=1 remix=no"
    script.write_text(f"load-module module-native-protocol-unix auth-anonymous=1 socket={socket}\n"
                      f"load-module module-null-sink sink_name={SPEAKER}\n"
                      f"load-module module-null-sink sink_name={MOUTH}\n"
                      f"load-module module-null-sink sink_name={WITNESS} channels=2\n"
                      f"load-module module-remap-source master={MOUTH}.monitor source_name={MICROPHONE}\n"
                      f"load-module module-loopback source={MOUTH}.monitor sink={WITNESS} {witness_from} "
                      "channel_map=front-left\n"
                      f"load-module module-loopback source={SPEAKER}.monitor sink={WITNESS} {witness_from} "
                      "channel_map=front-right\n"
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


def _voiced(samples: np.ndarray) -> np.ndarray:
    """`samples` without the silence espeak-ng leaves before and after the words."""
    loud = np.nonzero(np.abs(samples.astype(np.int32)) > VOICED_LEVEL)[0]
    return samples[loud[0]:loud[-1] + 1]


class UserVoice:
    """The user's utterances, made by espeak-ng once each (in varied voices and rates) and played into the mouth."""

    def __init__(self, folder: Path):
        self._folder = folder
        self._made: dict[tuple[str, ...], Path] = {}
        self._styles = itertools.cycle(itertools.product(VOICES, RATES_WPM))

    def _espeak(self, text: str, voice: str, rate_wpm: int) -> np.ndarray:
        path = self._folder / "part.wav"
        subprocess.run(["espeak-ng", "-w", str(path), "-v", voice, "-s", str(rate_wpm), "--stdin"],
                       input=text, text=True, check=True, capture_output=True)
        with wave.open(str(path), "rb") as sound:
            samples = np.frombuffer(sound.readframes(sound.getnframes()), "<i2")
            rate_hz = sound.getframerate()
        positions = np.arange(int(len(samples) * RECORDING_RATE_HZ / rate_hz)) * rate_hz / RECORDING_RATE_HZ
        return _voiced(np.interp(positions, np.arange(len(samples)), samples).astype(np.int16))

    def utterance(self, parts: tuple[str, ...]) -> Path:
        """The WAV of `parts`, said with PAUSE_S between them and 0.2 s of silence around."""
        if parts not in self._made:
            voice, rate = next(self._styles)
            gap = np.zeros(int(PAUSE_S * RECORDING_RATE_HZ), np.int16)
            edge = np.zeros(int(0.2 * RECORDING_RATE_HZ), np.int16)
            pieces = [edge]
            for index, part in enumerate(parts):
                pieces += ([gap] if index else []) + [self._espeak(part, voice, rate)]
            path = self._folder / f"user-{len(self._made)}.wav"
            with wave.open(str(path), "wb") as sound:
                sound.setnchannels(1)
                sound.setsampwidth(2)
                sound.setframerate(RECORDING_RATE_HZ)
                sound.writeframes(np.concatenate(pieces + [edge]).astype("<i2").tobytes())
            self._made[parts] = path
        return self._made[parts]

    def say(self, parts: tuple[str, ...]) -> float:
        """Play the utterance into the assistant's microphone; returns time.monotonic() when it started."""
        path = self.utterance(parts)
        started = time.monotonic()
        subprocess.run(["paplay", f"--device={MOUTH}", str(path)], check=True)
        return started


# Events, from a thread or from a process -----------------------------------------


class EventLog:
    """The assistant's events kept in memory with their arrival time, so that the user can wait for the moment."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self._changed = threading.Condition()

    def emit(self, event: str, **fields: Any) -> None:
        with self._changed:
            self.events.append({"event": event, "arrived": time.monotonic(), **fields})
            self._changed.notify_all()

    def wait_for(self, wanted: Callable[[dict[str, Any]], bool], after: int = 0,
                 timeout_s: float = EVENT_TIMEOUT_S) -> int:
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
    """Trained dialogue models (copied from the tests' cache when there), the cached speech model, a returning user."""
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


def start_live(home: Path) -> tuple[subprocess.Popen, EventLog]:
    """`assistant run --jsonl` on `home` in English, its events collected as they come."""
    process = subprocess.Popen([sys.executable, "-m", "assistant", "--lang", "en", "run", "--jsonl"], text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=REPO,
                               env={**os.environ, "ASSISTANT_HOME": str(home)})
    log = EventLog()

    def collect() -> None:
        for line in process.stdout:
            if line.startswith("{"):
                log.emit(**json.loads(line))

    threading.Thread(target=collect, daemon=True).start()
    return process, log


def peak_memory_mb(home: Path, user: UserVoice) -> float:
    """Peak resident memory (VmHWM) of `assistant run --jsonl` through a check-in, breathing and "stop"."""
    process, log = start_live(home)
    try:
        listen = log.wait_for(is_event("listen", expect="free"))
        for answer, expect in (("I would like to do my check in", "number"), ("three", "number"), ("skip", "number"),
                               ("skip", "free")):
            time.sleep(REACTION_S)
            user.say((answer,))
            listen = log.wait_for(is_event("listen", expect=expect), after=listen + 1)
        time.sleep(REACTION_S)
        user.say(("I would like to do some breathing",))
        begun = log.wait_for(is_event("exercise", state="started"), after=listen)
        log.wait_for(is_event("say"), after=begun)
        user.say(("stop",))
        log.wait_for(is_event("exercise", state="stopped"), after=begun)
        status = Path(f"/proc/{process.pid}/status").read_text()
        return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]) / 1024
    finally:
        process.terminate()
        process.wait(timeout=30)


@dataclass
class SpokenTurn:
    parts: tuple[str, ...]
    expect: str
    started: float
    """time.monotonic() when the WAV started playing."""
    heard: list[str] = field(default_factory=list)
    first_heard_at: float | None = None
    processing_s: float | None = None
    """From the listener's end-of-turn decision to the reply handed to the speaker (in-process part)."""

    @property
    def short(self) -> bool:
        return self.expect != "free"


def converse(user: UserVoice, cycles: int) -> tuple[list[SpokenTurn], EventLog]:
    """A live conversation in-process: check-ins, each opened by a free sentence and answered with numbers."""
    from assistant.app import build_conversation, load_model, load_parts
    from assistant.paths import Home
    from assistant.session.clock import RealClock
    from assistant.voice.live_inbox import LiveInbox
    from assistant.voice.microphone import Microphone
    from assistant.voice.pipeline import ears_for, voice_for
    from assistant.voice.synthesis import SpeakerOutput

    parts = load_parts(Home.from_environment().prepare(), "en")
    clock = RealClock()
    microphone = Microphone(parts.lang, clock.now)
    inbox = LiveInbox(microphone, ears_for(parts), clock)

    class StampedSpeaker(SpeakerOutput):
        """The real speaker, noting perf_counter() as each sound is handed to it."""

        played_at: list[float] = []

        def play(self, samples: np.ndarray, sample_rate_hz: int) -> None:
            self.played_at.append(time.perf_counter())
            super().play(samples, sample_rate_hz)

    speaker = StampedSpeaker()
    log = EventLog()

    def run() -> None:
        """Built in its own thread: the journal's SQLite connection may only be used where it was opened."""
        voice = voice_for(parts, speaker)
        build_conversation(parts, load_model(parts.home, parts.lang), clock, inbox, log, voice).run()

    threading.Thread(target=run, daemon=True).start()
    answers = {expect: itertools.cycle(phrases) for expect, phrases in SHORT_ANSWERS.items()}
    sentences = itertools.cycle(FREE_SENTENCES)
    turns: list[SpokenTurn] = []
    cursor = 0
    started_exercise = is_event("exercise", state="started")
    try:
        while sum(not turn.short for turn in turns) < cycles:
            ready = log.wait_for(lambda event: event["event"] == "listen" or started_exercise(event), after=cursor)
            time.sleep(REACTION_S)
            if log.events[ready]["event"] == "exercise":  # a misheard answer started one: stop it, as a user would
                user.say(("stop",))
                cursor = ready + 1
                continue
            expect = log.events[ready]["expect"]
            said = (next(answers[expect]),) if expect in answers else next(sentences)
            turn = SpokenTurn(said, expect, user.say(said))
            turns.append(turn)
            cursor = log.wait_for(lambda event: event["event"] in ("listen", "exercise"), after=ready + 1)
            for event in log.events[ready + 1:cursor]:
                if event["event"] == "heard":
                    turn.heard.append(event["text"])
                    turn.first_heard_at = turn.first_heard_at or event["arrived"]
            endpoint = inbox.last_endpoint_at
            reply = next((played for played in speaker.played_at if endpoint is not None and played > endpoint), None)
            turn.processing_s = reply - endpoint if reply is not None else None
        with contextlib.suppress(TimeoutError):
            last = log.wait_for(is_event("listen"), after=cursor)
            time.sleep(REACTION_S)
            user.say(("goodbye",))
            log.wait_for(is_event("end"), after=last)
    finally:
        microphone.close()
        speaker.close()
    return turns, log


def edges(recording: np.ndarray, turns: list[SpokenTurn], recording_started: float,
          durations_s: list[float]) -> list[tuple[float, float] | None]:
    """(end of the user's speech, first reply sample) in recording seconds, for each turn; None if unmeasurable."""
    mouth = np.abs(recording[:, 0].astype(np.int32)) > VOICED_LEVEL
    speaker = np.abs(recording[:, 1].astype(np.int32)) > VOICED_LEVEL
    rate = RECORDING_RATE_HZ
    found: list[tuple[float, float] | None] = []
    for turn, duration_s in zip(turns, durations_s):
        around = int(max(0.0, turn.started - recording_started - 0.5) * rate)
        onsets = np.nonzero(mouth[around:around + 5 * rate])[0]
        if not len(onsets):
            found.append(None)
            continue
        onset = around + onsets[0]
        window_end = onset + int((duration_s + 0.3) * rate)
        end = onset + np.nonzero(mouth[onset:window_end])[0][-1]
        if speaker[max(0, end - rate // 20):end + 1].any():
            found.append(None)  # the assistant was speaking as the user finished: no reply to time
            continue
        replies = np.nonzero(speaker[end:end + 20 * rate])[0]
        found.append((end / rate, (end + replies[0]) / rate) if len(replies) else None)
    return found


def cut_off(turn: SpokenTurn, user_end_s: float | None, reply_s: float | None) -> bool:
    """Whether a sentence with a pause was taken as two turns, or answered before the user finished.

    A misheard word of the second half ("chair kid" for "check in") is a recognition
    error, not a cut-off: what counts is that the second half is part of the one turn.
    """
    if len(turn.parts) < 2:
        return False
    first_half = len(turn.parts[0].split())
    early_reply = user_end_s is not None and reply_s is not None and reply_s < user_end_s
    return len(turn.heard) != 1 or len(turn.heard[0].split()) <= first_half or early_reply


def latencies(user: UserVoice, cycles: int, folder: Path) -> None:
    recording_path = folder / "witness.wav"
    recorder = subprocess.Popen(["parecord", f"--device={WITNESS}.monitor", "--file-format=wav",
                                 f"--rate={RECORDING_RATE_HZ}", "--channels=2", str(recording_path)])
    recording_started = time.monotonic()
    try:
        turns, _ = converse(user, cycles)
        time.sleep(1.0)
    finally:
        recorder.send_signal(signal.SIGINT)
        recorder.wait(timeout=30)
    with wave.open(str(recording_path), "rb") as sound:
        recording = np.frombuffer(sound.readframes(sound.getnframes()), "<i2").reshape(-1, 2)
    durations = []
    for turn in turns:
        with wave.open(str(user.utterance(turn.parts)), "rb") as sound:
            durations.append(sound.getnframes() / sound.getframerate())
    # The recorder starts a little after Popen: align on the first user onset, whose start time is known.
    first_onset = np.nonzero(np.abs(recording[:, 0].astype(np.int32)) > VOICED_LEVEL)[0][0] / RECORDING_RATE_HZ
    recording_started = turns[0].started + 0.2 - first_onset
    measured = edges(recording, turns, recording_started, durations)
    short = [1000 * (reply - end) for turn, edge in zip(turns, measured) if edge and turn.short
             for end, reply in [edge]]
    free = [1000 * (reply - end) for turn, edge in zip(turns, measured) if edge and not turn.short
            for end, reply in [edge]]
    paused = [turn for turn in turns if len(turn.parts) > 1]
    cut = [turn for turn, edge in zip(turns, measured) if turn in paused and cut_off(turn, *(edge or (None, None)))]
    for turn, edge in zip(turns, measured):
        gap = f"{1000 * (edge[1] - edge[0]):5.0f} ms" if edge else "  (not timed)"
        print(f"  {turn.expect:7} {' ... '.join(turn.parts)!r:48} heard {turn.heard} {gap}")
    for kind, chosen in (("short answers", [turn for turn in turns if turn.short]),
                         ("free sentences", [turn for turn in turns if not turn.short])):
        inside = [1000 * turn.processing_s for turn in chosen if turn.processing_s is not None]
        if inside:
            print(f"{kind}: in-process part (end-of-turn decision to the reply handed to the speaker) "
                  f"p50 {percentile(inside, 0.5):.0f} ms, p95 {percentile(inside, 0.95):.0f} ms")
    recognised = [1000 * (reply - end) for turn, edge in zip(turns, measured) if edge and turn.short
                  and turn.heard and turn.heard[0] == turn.parts[0] for end, reply in [edge]]
    print(f"short answers recognised as said: {len(recognised)} timed, reply latency p50 "
          f"{percentile(recognised, 0.5):.0f} ms, p95 {percentile(recognised, 0.95):.0f} ms")
    print(f"short answers: {len(short)} timed, reply latency p50 {percentile(short, 0.5):.0f} ms, "
          f"p95 {percentile(short, 0.95):.0f} ms, max {max(short):.0f} ms "
          f"(targets p50 <= {SHORT_P50_TARGET_MS}, p95 <= {SHORT_P95_TARGET_MS})")
    print(f"free sentences: {len(free)} timed, reply latency p50 {percentile(free, 0.5):.0f} ms, "
          f"p95 {percentile(free, 0.95):.0f} ms, max {max(free):.0f} ms (target p50 <= {FREE_P50_TARGET_MS})")
    print(f"cut-offs on {PAUSE_S} s pauses: {len(cut)} of {len(paused)} sentences "
          + "; ".join(f"{' ... '.join(turn.parts)!r} -> {turn.heard}" for turn in cut))
    understood = sum(1 for turn in turns if turn.short and turn.heard and turn.heard[0] == turn.parts[0])
    print(f"short answers heard exactly: {understood} of {sum(turn.short for turn in turns)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=16, help="check-in cycles (one free sentence, two numbers)")
    parser.add_argument("--skip-memory", action="store_true", help="leave out the peak-memory run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-voice-") as name:
        folder = Path(name)
        home = folder / "home"
        prepare_home(home)
        os.environ["ASSISTANT_HOME"] = str(home)
        (folder / "pulse").mkdir()
        with virtual_sound_card(folder / "pulse"):
            user = UserVoice(folder)
            if not args.skip_memory:
                print(f"whole-assistant peak memory (`assistant run`, check-in + breathing + stop): "
                      f"{peak_memory_mb(home, user):.0f} MB", flush=True)
            from assistant.voice.recognition import Recogniser

            speed = bench_speed(Recogniser(CACHED_MODEL), folder)
            print(f"decoding: {speed['utterances']} utterances, {speed['audio_s']} s of audio, real-time factor "
                  f"{speed['rtf_wall']} wall / {speed['rtf_cpu']} CPU (target < {RTF_TARGET})", flush=True)
            started = time.monotonic()
            latencies(user, args.cycles, folder)
            print(f"({time.monotonic() - started:.0f} s of live conversation)")


if __name__ == "__main__":
    main()
