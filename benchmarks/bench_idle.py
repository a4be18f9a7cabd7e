"""Idle figures: CPU and memory of `assistant run` while it waits, all day, for someone to speak.

`assistant run --jsonl` is started on a private PulseAudio server (the null
sinks of tests/audio_fixtures.py: the microphone hears a silent "mouth"), with
a reminder set for later in the day and the daily check-in on, so the schedule
is read as it is on a real device. Once it has greeted, asked twice and said it
will wait, nobody speaks: from the first `listen` after "I will wait" the
process's CPU time (user + system, from /proc) and resident memory (VmRSS,
sampled every few seconds) are measured for the chosen number of real minutes.

Figures: CPU as a share of one core over the window, RSS at the start and end
of the window, its peak, and its growth. Ten minutes is the figure to quote;
the default is shorter so that a run on a shared machine stays quick.
Needs the small English Vosk model the voice tests install into .cache/vosk/model-en.
Run from the checkout: .venv/bin/python benchmarks/bench_idle.py [--minutes 10]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from bench_voice import REPO, is_event, prepare_home, start_live, virtual_sound_card

SAMPLE_EVERY_S = 5.0
"""How often resident memory is read (seconds)."""
START_TIMEOUT_S = 300.0
"""Longest wait for the assistant to load and reach its quiet waiting (seconds)."""
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process so far (its threads included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1]) / 1024


def set_schedule(home: Path) -> None:
    """A reminder at a time the window does not reach, and the daily check-in, as a caregiver sets them."""
    later = (datetime.now() + timedelta(hours=3)).strftime("%H:%M")
    environment = {**os.environ, "ASSISTANT_HOME": str(home)}
    for command in (["reminders", "add", "--daily", later, "--exercise", "breathing"],
                    ["settings", "set", "routines.checkin_at", later]):
        done = subprocess.run([sys.executable, "-m", "assistant", "--lang", "en", *command], capture_output=True,
                              text=True, env=environment, cwd=REPO)
        if done.returncode != 0:
            sys.exit(f"`assistant {' '.join(command)}` failed: {done.stderr.strip()}")


def measure(home: Path, minutes: float) -> dict:
    process, log = start_live(home)
    try:
        waiting = log.wait_for(lambda event: event["event"] == "say" and event["text"].startswith("I will wait"),
                               timeout_s=START_TIMEOUT_S)
        log.wait_for(is_event("listen"), after=waiting)
        started, cpu_start = time.monotonic(), cpu_seconds(process.pid)
        samples = [rss_mb(process.pid)]
        events_before = len(log.events)
        while time.monotonic() - started < minutes * 60:
            time.sleep(min(SAMPLE_EVERY_S, max(0.0, minutes * 60 - (time.monotonic() - started))))
            if process.poll() is not None:
                sys.exit(f"`assistant run` stopped after {time.monotonic() - started:.0f} s of idling")
            samples.append(rss_mb(process.pid))
        elapsed, cpu = time.monotonic() - started, cpu_seconds(process.pid) - cpu_start
        spoken = [event for event in log.events[events_before:] if event["event"] in ("say", "tone")]
    finally:
        process.terminate()
        process.wait(timeout=30)
    return {"seconds": elapsed, "cpu_percent": 100 * cpu / elapsed, "rss_start_mb": samples[0],
            "rss_end_mb": samples[-1], "rss_peak_mb": max(samples), "samples": len(samples), "spoken": len(spoken)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=3.0, help="length of the idle window (quote 10)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-idle-") as name:
        folder = Path(name)
        home = folder / "home"
        prepare_home(home)
        set_schedule(home)
        (folder / "pulse").mkdir()
        with virtual_sound_card(folder / "pulse"):
            figures = measure(home, args.minutes)
    growth = 100 * (figures["rss_end_mb"] - figures["rss_start_mb"]) / figures["rss_start_mb"]
    print(f"idle `assistant run` (microphone on a null sink, listening for the wake phrase) over "
          f"{figures['seconds'] / 60:.1f} min: CPU {figures['cpu_percent']:.1f} % of one core; "
          f"RSS {figures['rss_start_mb']:.0f} MB at the start, {figures['rss_end_mb']:.0f} MB at the end "
          f"({growth:+.1f} %), peak {figures['rss_peak_mb']:.0f} MB ({figures['samples']} samples); "
          f"said meanwhile: {figures['spoken']} (should be 0)")


if __name__ == "__main__":
    main()
