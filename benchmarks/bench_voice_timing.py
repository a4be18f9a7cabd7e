"""Exercise timing on the real clock: a resonance breathing played live and recorded at the speaker.

The exercise runs as the assistant runs it (Session, ExerciseRunner, the real
espeak-ng voice, the live microphone listener on the real clock) into a
PulseAudio null sink whose monitor is recorded. In the recording, the onset of
every "In" and "Out" is found (first voiced sample after a silence) and
compared with its schedule: "In" every 10 s, "Out" 4 s after it. Each cue's
own leading silence (espeak-ng starts a few milliseconds in) is taken off, and
errors are counted from their median (the sound card's fixed delay), so only
timing errors remain.

The recording is placed on our own clock, not counted at its nominal rate: the
null sink's sample clock runs about 150 parts per million fast against
CLOCK_MONOTONIC (measured here: 16,002.4 samples a second), which alone would
read as +9 ms of drift a minute in cues that a listener hears on time. The
monitor is read live, every block stamped with the moment it arrived, and a
straight line through (samples so far, arrival time) maps each sample to our
clock; both figures are printed.

Figures: drift (the error over the last minute against the first, and the slope
of a line through all errors) and jitter (standard deviation and largest error).
Targets: under 50 ms at the end, no accumulating drift.
Run: .venv/bin/python benchmarks/bench_voice_timing.py [--minutes 10]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from bench_voice import SPEAKER, EventLog, virtual_sound_card

REPO = Path(__file__).resolve().parents[1]
RECORDING_RATE_HZ = 16000
VOICED_LEVEL = 300
"""A sample louder than this (int16) is voice; the null sink's silence is exact zeros."""
SILENCE_BEFORE_ONSET_S = 0.3
MATCH_WINDOW_S = 0.5
"""An onset this close to a scheduled cue is that cue."""
TARGET_MS = 50


def onsets(samples: np.ndarray) -> np.ndarray:
    """Sample indices at which sound starts after at least SILENCE_BEFORE_ONSET_S of silence."""
    voiced = np.nonzero(np.abs(samples.astype(np.int32)) > VOICED_LEVEL)[0]
    if not len(voiced):
        return np.zeros(0, np.int64)
    gaps = np.diff(voiced) > SILENCE_BEFORE_ONSET_S * RECORDING_RATE_HZ
    return np.concatenate([voiced[:1], voiced[1:][gaps]])


class LiveRecording:
    """The speaker's monitor read as it plays, each block stamped with its arrival on our clock."""

    BLOCK_BYTES = 320
    """10 ms of 16 kHz int16: small blocks, so arrival stamps follow the sound server closely."""

    def __init__(self, device: str):
        self._process = subprocess.Popen(["parec", f"--device={device}", "--raw", "--format=s16le",
                                          f"--rate={RECORDING_RATE_HZ}", "--channels=1", "--latency-msec=10"],
                                         stdout=subprocess.PIPE)
        self._blocks: list[np.ndarray] = []
        self._arrivals: list[float] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while block := self._process.stdout.read(self.BLOCK_BYTES):
            self._blocks.append(np.frombuffer(block, "<i2"))
            self._arrivals.append(time.monotonic())

    def stop(self) -> tuple[np.ndarray, np.ndarray]:
        """The samples, and the line (slope, intercept) that maps a sample index to time.monotonic()."""
        self._process.send_signal(signal.SIGINT)
        self._process.wait(timeout=30)
        self._reader.join(timeout=30)
        counts = np.cumsum([len(block) for block in self._blocks])
        return np.concatenate(self._blocks), np.polyfit(counts, np.array(self._arrivals), 1)


def cue_lead_s(text: str, voice: str, rate_wpm: float) -> float:
    """How long a cue's own audio is silent before its first voiced sample (the same synthesiser the assistant uses)."""
    from assistant.voice.synthesis import Pyttsx3Synthesiser
    from assistant.voice.wav import read_wav

    with tempfile.TemporaryDirectory() as name:
        path = Path(name) / "cue.wav"
        Pyttsx3Synthesiser().to_wav(text, voice, rate_wpm, path)
        audio = read_wav(path)
    voiced = np.nonzero(np.abs(audio.samples.astype(np.int32)) > VOICED_LEVEL)[0]
    return voiced[0] / audio.sample_rate_hz


def cue_errors(found: np.ndarray, cues: list[dict], leads: dict[str, float]
               ) -> tuple[list[tuple[float, float]], list[float], int]:
    """Each cue's onset error against its schedule, from onset times `found` (seconds on one clock with the events).

    Returns (due s, error ms) per cue found, the in-process hand-off error (ms) of
    each, and how many cues were not found. The first "In" anchors the schedule.
    """
    first_in_s = cues[0]["arrived"]
    counts = {"In": 0, "Out": 0}
    scheduled = []
    for cue in cues:
        scheduled.append((cue["text"], 10.0 * counts[cue["text"]] + (4.0 if cue["text"] == "Out" else 0.0)))
        counts[cue["text"]] += 1
    first_onset = found[np.argmin(np.abs(found - (first_in_s + leads["In"])))]
    errors_ms, emitted_ms, missing = [], [], 0
    for cue, (text, due_s) in zip(cues, scheduled):
        expected = first_onset + due_s + leads[text] - leads["In"]
        nearest = found[np.argmin(np.abs(found - expected))] if len(found) else None
        if nearest is None or abs(nearest - expected) > MATCH_WINDOW_S:
            missing += 1
            continue
        errors_ms.append((due_s, 1000 * (nearest - expected)))
        emitted_ms.append(1000 * ((cue["arrived"] - first_in_s) - due_s))
    return errors_ms, emitted_ms, missing


def run_exercise(minutes: int, log: EventLog) -> None:
    from assistant.exercises.runner import Control, ExerciseRunner
    from assistant.exercises.scripts import load_scripts
    from assistant.paths import Home
    from assistant.app import load_parts
    from assistant.session.clock import RealClock
    from assistant.session.session import Session
    from assistant.voice.live_inbox import LiveInbox
    from assistant.voice.microphone import Microphone
    from assistant.voice.pipeline import ears_for, recogniser_for, voice_for
    from assistant.voice.synthesis import SpeakerOutput

    parts = load_parts(Home.from_environment().prepare(), "en")
    clock = RealClock()
    microphone = Microphone(parts.lang, clock.now)
    inbox = LiveInbox(microphone, ears_for(parts, recogniser_for(parts)), clock)
    speaker = SpeakerOutput()
    session = Session(parts.lang, clock, inbox, log, voice_for(parts, speaker), parts.settings)
    scripts, _ = load_scripts()
    runner = ExerciseRunner(session, lambda utterance, paused: Control.CONTINUE, lambda: "Paused.", lambda: "Again.")
    try:
        result = runner.run(scripts["resonance_breathing"], minutes)
    finally:
        microphone.close()
        speaker.close()
    print(f"exercise {result.outcome}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=10)
    args = parser.parse_args()
    from bench_voice import prepare_home

    with tempfile.TemporaryDirectory(prefix="bench-timing-") as name:
        folder = Path(name)
        prepare_home(folder / "home")
        os.environ["ASSISTANT_HOME"] = str(folder / "home")
        (folder / "pulse").mkdir()
        with virtual_sound_card(folder / "pulse"):
            from assistant.app import load_parts
            from assistant.paths import Home

            settings = load_parts(Home.from_environment(), "en").settings
            leads = {cue: cue_lead_s(cue, settings.voice.name["en"], settings.voice.rate_wpm) for cue in ("In", "Out")}
            recorder = LiveRecording(f"{SPEAKER}.monitor")
            time.sleep(1.0)
            log = EventLog()
            started = time.monotonic()
            worker = threading.Thread(target=run_exercise, args=(args.minutes, log))
            worker.start()
            worker.join()
            time.sleep(1.0)
            samples, to_our_clock = recorder.stop()
            print(f"({time.monotonic() - started:.0f} s on the real clock; load average {os.getloadavg()})")
    samples_per_s = 1 / to_our_clock[0]
    print(f"the sound server's clock: {samples_per_s:.1f} samples a second by ours "
          f"({(samples_per_s / RECORDING_RATE_HZ - 1) * 1e6:+.0f} ppm)")
    starts = onsets(samples)
    cues = [event for event in log.events if event["event"] == "say" and event["text"] in ("In", "Out")]
    errors_ms, emitted_ms, missing = cue_errors(np.polyval(to_our_clock, starts), cues, leads)
    nominal_ms, _, _ = cue_errors(to_our_clock[1] + starts / RECORDING_RATE_HZ, cues, leads)
    print(f"(counted at the nominal {RECORDING_RATE_HZ} samples a second instead, the drift would read "
          f"{np.polyfit([d / 60 for d, _ in nominal_ms], [e for _, e in nominal_ms], 1)[0]:+.2f} ms per minute)")
    for minute in range(int(max(d for d, _ in errors_ms) // 60) + 1):
        chosen = [(e, m) for (d, e), m in zip(errors_ms, emitted_ms) if minute * 60 <= d < (minute + 1) * 60]
        print(f"  minute {minute + 1}: at the speaker {np.mean([e for e, _ in chosen]):+6.1f} ms, handed to the voice "
              f"{np.mean([m for _, m in chosen]):+6.1f} ms (means over {len(chosen)} cues, "
              "before taking off the median)")
    due = np.array([d for d, _ in errors_ms])
    error = np.array([e for _, e in errors_ms])
    # The sound card's own fixed delay is no timing error: errors are counted from their median.
    error -= np.median(error)
    slope_ms_per_min = np.polyfit(due / 60, error, 1)[0] if len(error) > 2 else float("nan")
    last_minute = error[due >= due.max() - 60]
    first_minute = error[due <= 60]
    emitted = np.array(emitted_ms) - np.median(emitted_ms)
    print(f"cues: {len(cues)} scheduled ('In' every 10 s, 'Out' 4 s after), {len(error)} found in the "
          f"recording, {missing} not found within {MATCH_WINDOW_S} s")
    print(f"onset error at the speaker against the schedule: mean {error.mean():+.1f} ms, jitter (sd) "
          f"{error.std():.1f} ms, largest {np.abs(error).max():.1f} ms")
    print(f"drift: last minute {last_minute.mean():+.1f} ms against first minute {first_minute.mean():+.1f} ms "
          f"(end error {abs(last_minute.mean() - first_minute.mean()):.1f} ms, target < {TARGET_MS}); "
          f"slope {slope_ms_per_min:+.2f} ms per minute")
    print(f"(in-process: each cue handed to the voice {np.median(np.abs(emitted)):.1f} ms from its moment, median; "
          f"largest {np.abs(emitted).max():.1f} ms)")


if __name__ == "__main__":
    main()
