"""A whole day in one process: does a turn take as long at night as in the morning?

One conversation on the virtual clock lives through 24 hours: every twenty
minutes a burst of everyday turns (check-in, trend, feelings, commands), quiet
in between, so `assistant run` on its first day. Each turn is timed from the
moment it is heard to the moment the assistant listens again (safety, NLU,
dialogue, executor, journal; no speech is waited for on the virtual clock).

Targets (issue 9): median turn time of the last 100 turns at most 1.3 times that
of the first 100; resident memory after the day at most 5% above what it was
after the first 100 turns.
Run: .venv/bin/python benchmarks/bench_day.py [--lang fr] [--hours 24]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.paths import Home  # noqa: E402

BURST_EVERY_S = 20 * 60
"""A burst of talk starts this often (seconds on the virtual clock)."""
BURSTS = {
    "en": ["hello", "I'd like to do my check-in", "three", "four", "two", "how have I been lately",
           "thank you", "what can you do", "could you say that again", "I feel a bit lonely", "no thanks",
           "slower please", "faster", "are you a real person", "check-in please", "five", "skip", "skip"],
    "fr": ["bonjour", "je voudrais faire mon bilan", "trois", "quatre", "deux", "comment j'ai été ces temps-ci",
           "merci", "qu'est-ce que tu sais faire", "vous pouvez répéter", "je me sens un peu seule", "non merci",
           "plus lentement", "plus vite", "êtes-vous une vraie personne", "bilan s'il vous plaît", "cinq", "passer",
           "passer"],
}
START = datetime(2026, 3, 28, 7, 0)
"""The day starts at seven in the morning."""


def rss_mb() -> float:
    """Resident memory of this process now (MB)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def day_script(lang: str, hours: float) -> tuple[str, int]:
    """The day's input lines, and how many turns they hold."""
    lines, turns = [], 0
    for _ in range(int(hours * 3600 / BURST_EVERY_S)):
        burst = BURSTS[lang]
        lines += burst
        turns += len(burst)
        lines.append(json.dumps({"silence": BURST_EVERY_S - 10 * len(burst)}))
    return "\n".join(lines) + "\n", turns


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


class _Nothing:
    def emit(self, event: str, **fields) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="en", choices=sorted(BURSTS))
    parser.add_argument("--hours", type=float, default=24.0)
    args = parser.parse_args()
    os.environ.setdefault("ASSISTANT_HOME", tempfile.mkdtemp(prefix="bench-day-"))
    from assistant.app import build_conversation, load_model, load_parts, notice_printer
    from assistant.session.clock import VirtualClock
    from assistant.session.inbox import LineInbox
    from assistant.session.speech import TextVoice

    home = Home.from_environment().prepare()
    parts = load_parts(home, args.lang)
    clock = VirtualClock(START, parts.zone)
    script, planned = day_script(args.lang, args.hours)
    conversation = build_conversation(parts, load_model(home, args.lang), clock,
                                      LineInbox(clock, io.StringIO(script), notice_printer(args.lang)), _Nothing(),
                                      TextVoice())
    turn_s: list[float] = []
    rss_after: dict[int, float] = {}
    handle = conversation.handle

    def timed(utterance, during_exercise: bool = False) -> None:
        started = time.perf_counter()
        handle(utterance, during_exercise)
        turn_s.append(time.perf_counter() - started)
        if len(turn_s) == 100:
            rss_after[100] = rss_mb()

    conversation.handle = timed
    started = time.perf_counter()
    conversation.run()
    wall_s = time.perf_counter() - started
    rss_after[len(turn_s)] = rss_mb()
    first, last = turn_s[:100], turn_s[-100:]
    ratio = statistics.median(last) / statistics.median(first)
    growth = (rss_after[len(turn_s)] / rss_after[100] - 1) * 100
    print(f"[{args.lang}] {len(turn_s)} turns ({planned} planned) over {clock.now() / 3600:.1f} virtual hours "
          f"in {wall_s:.0f} s of wall time, one process")
    print(f"[{args.lang}] turn time, first 100: median {statistics.median(first) * 1000:.1f} ms, "
          f"p95 {percentile(first, 0.95) * 1000:.1f} ms")
    print(f"[{args.lang}] turn time, last 100:  median {statistics.median(last) * 1000:.1f} ms, "
          f"p95 {percentile(last, 0.95) * 1000:.1f} ms")
    blocks = [f"{statistics.median(turn_s[start:start + 100]) * 1000:.0f}" for start in range(0, len(turn_s), 100)]
    print(f"[{args.lang}] median of each block of 100 turns (ms): {' '.join(blocks)}")
    print(f"[{args.lang}] last/first median ratio: {ratio:.2f} (target <= 1.3)")
    print(f"[{args.lang}] resident memory: {rss_after[100]:.0f} MB after 100 turns, "
          f"{rss_after[len(turn_s)]:.0f} MB after the day: {growth:+.1f}% (target <= 5%)")


if __name__ == "__main__":
    main()
