"""The clinician report from a simulated month: the PDF's text and pixels, the CSV against its dictionary, refusals."""

from __future__ import annotations

import csv
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path
from statistics import mean

import numpy as np
import pytest

from assistant.care.consent import GRANTED, Consents, load_consent_text
from assistant.care.report.answers import COLUMNS
from assistant.care.report.make import ConsentMissing, ReportRequest, make_report
from assistant.paths import Home
from assistant.settings import Settings, SettingsStore, with_value
from care_month import FIRST, LAST, MISSING_DAYS, energy_on, fill_month, mood_on, sleep_on

REPO = Path(__file__).resolve().parents[1]
MARCH = ["--from", "2026-03-01", "--to", "2026-03-31"]
MADE_AT = datetime(2026, 4, 1, 8, 0, tzinfo=timezone.utc)


def _home(tmp_path: Path, consent: bool = True, report_language: str | None = None, contact: str = "") -> Home:
    home = Home(tmp_path / "home").prepare()
    settings = Settings(language="en")
    for key, value in (("clinic.name", "Cabinet Dupont"), ("clinic.clinician", "Dr Claire Martin"),
                       ("time_zone", "Europe/Paris"), ("clinic.report_language", report_language),
                       ("contact.name", contact)):
        settings = with_value(settings, key, value)
    SettingsStore(home.settings_file, warn=print).save(settings)
    fill_month(home.journal_db, consent=consent)
    return home


def _report(home: Home, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", "report", *args], capture_output=True, text=True,
                          env={"ASSISTANT_HOME": str(home.root), "PATH": "/usr/bin:/bin"}, cwd=REPO, timeout=180)


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _present_days() -> list[date]:
    return [date(2026, 3, day) for day in range(1, 32) if date(2026, 3, day) not in MISSING_DAYS]


def _average(values: list[int | None]) -> str:
    return f"{mean(value for value in values if value is not None):.1f}"


def test_the_month_on_one_a4_page_with_its_period_values_scores_and_safety_events(tmp_path):
    home = _home(tmp_path)
    run = _report(home, "--pdf", str(tmp_path / "report.pdf"), "--csv", str(tmp_path / "answers.csv"), *MARCH)
    assert run.returncode == 0, run.stderr
    info = subprocess.run(["pdfinfo", str(tmp_path / "report.pdf")], capture_output=True, text=True).stdout
    assert "Pages:           1" in info and "(A4)" in info
    text = " ".join(_pdf_text(tmp_path / "report.pdf").split())
    assert "Wellbeing summary for Dr Claire Martin, Cabinet Dupont" in text
    assert "Period: 1 March 2026 to 31 March 2026 (31 days)." in text
    assert "All times are local: Europe/Paris (UTC+0" in text
    assert "Shared with the user's spoken agreement of 1 March 2026 (wording version 1)" in text
    present = _present_days()
    assert f"Daily check-ins on {len(present)} of 31 days. A day without a check-in is a gap in the chart" in text
    assert (f"mood {_average([mood_on(day) for day in present])}, energy {_average([energy_on(day) for day in present])}"
            f", sleep {_average([sleep_on(day) for day in present])}") in text
    assert "WHO-5 Well-Being Index, 12 March 2026: 48 / 100. Cut-offs: below 50 (reached); 28 or less (not reached)." \
        in text
    assert "Change since 26 February 2026: +8." in text
    assert "Patient Health Questionnaire-2 (PHQ-2), 12 March 2026: 3 / 6. Cut-offs: 3 or more (reached)." in text
    assert "Also 1 run(s) stopped before the end in this period: not scored." in text
    assert "Breathing: 10 started, 7 completed, 41.0 minutes in all." in text
    assert "Meditation: 2 started, 2 completed, 20.0 minutes in all." in text
    assert "12 March 2026 at 21:14: distress (hopeless)" in text
    assert "30 March 2026 at 23:05: crisis (explicit)" in text
    assert "Answers collected by voice by an automated assistant" in text
    assert "It is not a diagnosis and gives no medical advice." in text
    assert "Written:" in run.stdout and "answers.dictionary.csv" in run.stdout


def _mood_pixels(png: np.ndarray, placement, left_day: float, right_day: float) -> int:
    """Pixels of the mood line's colour in the chart between two days (fractions of a day index)."""
    height, width = png.shape[:2]
    (x0, top), (x1, bottom) = placement.point(left_day, 5.4), placement.point(right_day, 0.6)
    columns = slice(int(x0 * width), int(x1 * width))
    rows = slice(int((1 - top) * height), int((1 - bottom) * height))
    colour = np.array([int(placement.colours["mood"][i:i + 2], 16) for i in (1, 3, 5)])
    distance = np.abs(png[rows, columns, :3].astype(int) - colour).sum(axis=2)
    return int((distance < 60).sum())


def test_days_without_a_check_in_are_gaps_in_the_rendered_chart(tmp_path):
    home = _home(tmp_path)
    made = make_report(home, SettingsStore(home.settings_file, warn=print).load(),
                       ReportRequest(tmp_path / "report.pdf", None, FIRST, LAST), MADE_AT)
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", str(tmp_path / "report.pdf"),
                    str(tmp_path / "page")], check=True)
    from matplotlib.image import imread

    png = (imread(str(tmp_path / "page.png")) * 255).astype(np.uint8)
    index = {day: (day - FIRST).days for day in (date(2026, 3, n) for n in range(1, 32))}
    # Joined where both days were answered: 1 -> 2 March, 23 -> 24 March.
    assert _mood_pixels(png, made.placement, index[date(2026, 3, 1)] + 0.3, index[date(2026, 3, 2)] - 0.3) > 20
    assert _mood_pixels(png, made.placement, index[date(2026, 3, 23)] + 0.3, index[date(2026, 3, 24)] - 0.3) > 20
    # Gaps: 5-7 March (between the 4th and the 8th), the 15th alone, 20-22 March.
    assert _mood_pixels(png, made.placement, index[date(2026, 3, 4)] + 0.3, index[date(2026, 3, 8)] - 0.3) == 0
    assert _mood_pixels(png, made.placement, index[date(2026, 3, 14)] + 0.3, index[date(2026, 3, 16)] - 0.3) == 0
    assert _mood_pixels(png, made.placement, index[date(2026, 3, 19)] + 0.3, index[date(2026, 3, 23)] - 0.3) == 0
    assert [day.mood for day in made.contents.days].count(None) == len(MISSING_DAYS)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_csv_has_one_row_per_answer_and_every_value_is_in_its_dictionary(tmp_path, lang):
    home = _home(tmp_path, report_language=lang)
    assert _report(home, "--csv", str(tmp_path / "answers.csv"), *MARCH).returncode == 0
    raw = (tmp_path / "answers.csv").read_bytes()
    raw.decode("utf-8")
    rows = _rows(tmp_path / "answers.csv")
    assert tuple(rows[0]) == COLUMNS
    dictionary = _rows(tmp_path / "answers.dictionary.csv")
    described = {(entry["section"], entry["name"]): entry for entry in dictionary}
    assert all(("column", column) in described for column in COLUMNS)
    for row in rows:
        moment = datetime.fromisoformat(row["timestamp"])
        assert moment.utcoffset().total_seconds() == (3600 if moment.date() < date(2026, 3, 29) else 7200)
        assert row["language"] == "en"
        assert ("instrument", row["instrument"]) in described and ("item", row["item"]) in described
        low, high = map(int, described[("item", row["item"])]["values"].split("-"))
        assert row["score"] == "" or low <= int(row["score"]) <= high
    checkins = [row for row in rows if row["instrument"] == "daily_checkin"]
    present = _present_days()
    assert len(checkins) == sum(1 + (energy_on(day) is not None) + (sleep_on(day) is not None) for day in present)
    assert {row["item"] for row in checkins} == {"mood", "energy", "sleep"}
    who5 = [row for row in rows if row["instrument"] == "who5"]
    assert len(who5) == 7 and ("who5_1", "More than half of the time", "3") in {
        (row["item"], row["raw_answer"], row["score"]) for row in who5}
    assert ("who5_2", "", "") in {(row["item"], row["raw_answer"], row["score"]) for row in who5}
    assert [row["score"] for row in rows if row["instrument"] == "phq2"] == ["2", "1"]
    if lang == "fr":
        assert described[("column", "timestamp")]["description"].startswith("Moment de la réponse")
        assert "Plus de la moitié du temps = 3" in described[("instrument", "who5")]["values"]
        text = " ".join(_pdf_text_of(home, tmp_path).split())
        assert "Période : du 1 mars 2026 au 31 mars 2026 (31 jours)." in text
        assert "Indice de bien-être de l'OMS (WHO-5), 12 mars 2026 : 48 / 100." in text
        assert "Réponses recueillies à voix haute par un assistant automatisé" in text


def _pdf_text_of(home: Home, tmp_path: Path) -> str:
    assert _report(home, "--pdf", str(tmp_path / "rapport.pdf"), *MARCH).returncode == 0
    return _pdf_text(tmp_path / "rapport.pdf")


def test_without_the_users_yes_nothing_is_written_and_the_command_says_why(tmp_path):
    home = _home(tmp_path, consent=False, contact="your daughter Anne")
    refused = _report(home, "--pdf", str(tmp_path / "r.pdf"), "--csv", str(tmp_path / "a.csv"), *MARCH)
    assert refused.returncode == 3 and refused.stdout == ""
    assert refused.stderr.strip().count("\n") == 0
    assert refused.stderr.startswith("No report was made: the user has not agreed to share with Dr Claire Martin")
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob("*.csv"))
    assert _report(home, "--caregiver", "--pdf", str(tmp_path / "r.pdf")).returncode == 3
    nobody = Home(tmp_path / "nobody").prepare()
    missing = _report(nobody, "--pdf", str(tmp_path / "r.pdf"))
    assert missing.returncode == 2 and "no clinic is named in the settings" in missing.stderr
    with pytest.raises(ConsentMissing):
        make_report(home, SettingsStore(home.settings_file, warn=print).load(),
                    ReportRequest(tmp_path / "r.pdf", None, FIRST, LAST), MADE_AT)


def test_the_caregivers_report_holds_only_what_the_user_agreed_to_share_with_them(tmp_path):
    home = _home(tmp_path, consent=False, contact="your daughter Anne")
    text = load_consent_text()
    from assistant.journal.store import Journal
    from assistant.care.consent import CARE_SCHEMA

    Consents(Journal(home.journal_db, schemas=(CARE_SCHEMA,))).record(
        "caregiver", GRANTED, "your daughter Anne", text.scopes["caregiver"].shares, text.version,
        text.question("caregiver", "en", "your daughter Anne"), "en", datetime(2026, 3, 2, 9, tzinfo=timezone.utc))
    assert _report(home, "--pdf", str(tmp_path / "r.pdf"), *MARCH).returncode == 3
    run = _report(home, "--caregiver", "--pdf", str(tmp_path / "r.pdf"), "--csv", str(tmp_path / "a.csv"), *MARCH)
    assert run.returncode == 0, run.stderr
    page = " ".join(_pdf_text(tmp_path / "r.pdf").split())
    assert "How things have been: a summary for your daughter Anne" in page and "Exercises" in page
    assert "Questionnaires" not in page and "Safety events" not in page and "crisis" not in page
    assert {row["instrument"] for row in _rows(tmp_path / "a.csv")} == {"daily_checkin"}
