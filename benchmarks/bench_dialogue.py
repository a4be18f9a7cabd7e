"""Dialogue figures: text-turn latency, start-up time, peak memory, training time.

Targets (issue 2): turn p95 under 100 ms; start-up under 15 s; peak memory under
1.2 GB. Run: .venv/bin/python benchmarks/bench_dialogue.py [--skip-training]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TURNS = ["hello", "I'd like to do my check-in", "three", "skip", "how have I been lately",
         "what can you do", "could you say that again", "thank you dear", "what's the weather like",
         "check-in please", "pretty good", "four"]
ROUNDS = 10

from assistant.paths import Home


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


class _TimedEvents:
    """Records the wall time from each turn's arrival to the first `say` after it."""

    def __init__(self) -> None:
        self.heard_at: float | None = None
        self.latencies: list[float] = []

    def emit(self, event: str, **fields) -> None:
        if event == "say" and self.heard_at is not None:
            self.latencies.append(time.perf_counter() - self.heard_at)
            self.heard_at = None


def turn_latency(lang: str) -> list[float]:
    """Wall time from hearing a turn (before safety and NLU) to the first word of the reply."""
    from assistant.app import build_conversation, load_model, load_parts, notice_printer
    from assistant.session.clock import VirtualClock
    from assistant.session.inbox import LineInbox
    from assistant.session.speech import TextVoice

    clock = VirtualClock()
    script = "\n".join(TURNS * ROUNDS) + "\n"
    events = _TimedEvents()
    parts = load_parts(Home.from_environment(), lang)
    conversation = build_conversation(parts, load_model(parts.home, lang), clock, LineInbox(clock, io.StringIO(script), notice_printer(lang)), events,
                                      TextVoice())
    original = conversation.understand

    def understand(utterance):
        events.heard_at = time.perf_counter()
        return original(utterance)

    conversation.understand = understand
    conversation.run()
    return events.latencies


def startup(lang: str, home: str) -> tuple[float, float]:
    """Seconds from launching `assistant chat --jsonl` to its first prompt; peak memory (MB)."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "assistant", "--lang", lang, "chat", "--jsonl", "--clock", "virtual"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               env={**os.environ, "ASSISTANT_HOME": home})
    first = process.stdout.readline()
    elapsed = time.perf_counter() - started
    assert json.loads(first)["event"] == "say", first
    process.stdin.write("I'd like to do some breathing\nhow have I been\n")
    process.stdin.close()
    process.stdout.read()
    process.wait()
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return elapsed, peak_mb


def training_seconds(lang: str) -> float:
    with tempfile.TemporaryDirectory() as home:
        result = subprocess.run([sys.executable, "-c", f"import time; from assistant.dialogue.training import train; "
                                 "from assistant.paths import Home; "
                                 f"t = time.perf_counter(); train(Home.from_environment().prepare(), '{lang}'); "
                                 "print(time.perf_counter() - t)"],
                                capture_output=True, text=True, env={**os.environ, "ASSISTANT_HOME": home}, check=True)
        return float(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-training", action="store_true")
    args = parser.parse_args()
    home = os.environ.setdefault("ASSISTANT_HOME", tempfile.mkdtemp(prefix="bench-home-"))
    for lang in ("en", "fr"):
        if not args.skip_training:
            print(f"[{lang}] training time: {training_seconds(lang):.1f} s (fresh home, no cache)")
        from assistant.dialogue.training import ensure_trained

        ensure_trained(Home.from_environment().prepare(), [lang], lambda *_: None)
        times = [startup(lang, home) for _ in range(3)]
        print(f"[{lang}] start-up to first prompt: median {statistics.median(t for t, _ in times):.2f} s "
              f"(runs: {', '.join(f'{t:.2f}' for t, _ in times)}); peak memory {max(m for _, m in times):.0f} MB")
        latencies = turn_latency(lang)
        print(f"[{lang}] text turn latency over {len(latencies)} turns: p50 {percentile(latencies, 0.5) * 1000:.1f} ms, "
              f"p95 {percentile(latencies, 0.95) * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
