"""Clinician report figures: how long one report of a month takes, cold (the command) and warm (in-process).

A month as tests/care_month.py writes it (24 check-ins, 12 exercises, 4
questionnaire runs, 2 safety events). Run: .venv/bin/python benchmarks/bench_report.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
COLD_RUNS = 3
WARM_RUNS = 5

from assistant.care.report.make import ReportRequest, make_report  # noqa: E402
from assistant.paths import Home  # noqa: E402
from assistant.settings import Settings, SettingsStore, with_value  # noqa: E402
from care_month import fill_month  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-report-") as folder:
        home = Home(Path(folder) / "home").prepare()
        settings = Settings()
        for key, value in (("clinic.name", "Cabinet Dupont"), ("clinic.clinician", "Dr Claire Martin"),
                           ("time_zone", "Europe/Paris")):
            settings = with_value(settings, key, value)
        SettingsStore(home.settings_file, warn=print).save(settings)
        fill_month(home.journal_db)
        pdf, answers = Path(folder) / "report.pdf", Path(folder) / "answers.csv"
        command = [sys.executable, "-m", "assistant", "report", "--pdf", str(pdf), "--csv", str(answers),
                   "--from", "2026-03-01", "--to", "2026-03-31"]
        environment = {**os.environ, "ASSISTANT_HOME": str(home.root)}
        cold = []
        for _ in range(COLD_RUNS):
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, env=environment, cwd=REPO)
            cold.append(time.perf_counter() - started)
        warm = []
        for _ in range(WARM_RUNS):
            started = time.perf_counter()
            made = make_report(home, settings, ReportRequest(pdf, answers, date(2026, 3, 1), date(2026, 3, 31)),
                               datetime(2026, 4, 1, 8, tzinfo=timezone.utc))
            warm.append(time.perf_counter() - started)
        print(f"report of a month, cold (assistant report, {COLD_RUNS} runs): median {statistics.median(cold):.2f} s, "
              f"max {max(cold):.2f} s")
        print(f"report of a month, warm (in-process, {WARM_RUNS} runs): median {statistics.median(warm):.2f} s, "
              f"max {max(warm):.2f} s")
        print(f"PDF {pdf.stat().st_size / 1024:.0f} KiB, one page; CSV {len(made.contents.answers)} answers, "
              f"{answers.stat().st_size / 1024:.1f} KiB")


if __name__ == "__main__":
    main()
