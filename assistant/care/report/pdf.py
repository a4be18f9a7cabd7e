"""The one-page A4 report, drawn with matplotlib (no pyplot, no global backend: one Figure, saved).

Top to bottom: who it is for and the period; a chart of mood, energy and sleep
(1 to 5) where a day without a check-in is a gap, never a line drawn across it;
questionnaire scores against their published cut-offs with the change since the
run before; exercises by kind; safety events with their local times and levels;
and the line every page carries: answers collected by voice by an automated
assistant, not a diagnosis. Text is embedded as TrueType (pdf.fonttype 42), so
the page can be searched, copied and read by a screen reader.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from assistant.care.report.contents import ReportContents
from assistant.languages import LANGUAGE_DATA
from assistant.messages import message
from assistant.questionnaires.instruments import Comparison

A4_INCHES = (8.27, 11.69)
CHART_RECT = (0.09, 0.6, 0.87, 0.24)
"""Left, bottom, width, height of the chart, as fractions of the page."""
Y_LIMITS = (0.6, 5.4)
COLOURS = {"mood": "#1f4e9c", "energy": "#d9730d", "sleep": "#2a8a3e"}
LINE_STYLES = {"mood": "-", "energy": "--", "sleep": ":"}
LINE_HEIGHT = 0.0165
"""Vertical room of one text line at 9 points (fraction of the page)."""
CHARACTERS_PER_LINE = 116
"""About how many characters of 9-point text fit across the page's text width; longer lines are wrapped."""
FOOTER_TOP = 0.075
MAX_TICKS = 6


@dataclass(frozen=True)
class ChartPlacement:
    """Where the chart is on the page, so that a day can be found on a rendering of it."""

    rect: tuple[float, float, float, float]
    x_limits: tuple[float, float]
    """Day 0 (the period's first) is at x = 0."""
    y_limits: tuple[float, float]
    colours: dict[str, str]

    def point(self, day_index: float, value: float) -> tuple[float, float]:
        """Page fractions (from the bottom left) of a value on a day."""
        left, bottom, width, height = self.rect
        (x0, x1), (y0, y1) = self.x_limits, self.y_limits
        return left + (day_index - x0) / (x1 - x0) * width, bottom + (value - y0) / (y1 - y0) * height


@dataclass(frozen=True)
class Heading:
    """What the top of the page says besides the contents."""

    title: str
    consent: str
    """Which consent the report rests on, in one line."""
    made_at: datetime
    zone_name: str


def day_text(day: date, lang: str) -> str:
    return message("report_date", lang, day=day.day, month=LANGUAGE_DATA[lang].months[day.month - 1], year=day.year)


def _number(value: float, lang: str) -> str:
    """One decimal, as the language writes it: "3.0", "3,5"."""
    return f"{value:.1f}".replace(".", LANGUAGE_DATA[lang].decimal)


def _offset(moment: datetime) -> str:
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


class _Page:
    """Lines of text going down the page, with room kept for the footer."""

    def __init__(self, figure, top: float):
        self.figure = figure
        self.y = top

    @property
    def lines_left(self) -> int:
        return max(0, int((self.y - FOOTER_TOP) / LINE_HEIGHT))

    def line(self, text: str, size: float = 9.0, bold: bool = False, indent: float = 0.0) -> None:
        """One paragraph, wrapped to the page width (continuation lines indented a little more)."""
        width = int(CHARACTERS_PER_LINE * 9.0 / size - indent * 150)
        for number, part in enumerate(textwrap.wrap(text, width=width, subsequent_indent="   ") or [""]):
            self.figure.text(0.07 + indent, self.y, part, fontsize=size, fontweight="bold" if bold else "normal",
                             va="top", ha="left")
            self.y -= LINE_HEIGHT * (size / 9.0) * 1.15

    def gap(self, lines: float = 0.5) -> None:
        self.y -= LINE_HEIGHT * lines


def _chart(figure, contents: ReportContents, lang: str) -> ChartPlacement:
    axes = figure.add_axes(CHART_RECT)
    days = contents.days
    xs = list(range(len(days)))
    for measure in ("sleep", "energy", "mood"):
        values = [getattr(day, measure) for day in days]
        axes.plot(xs, [math.nan if value is None else value for value in values], LINE_STYLES[measure],
                  color=COLOURS[measure], marker="o", markersize=3.2, linewidth=1.6,
                  label=message(f"report_measure_{measure}", lang))
    x_limits = (-0.5, max(len(days) - 0.5, 0.5))
    axes.set_xlim(*x_limits)
    axes.set_ylim(*Y_LIMITS)
    axes.set_yticks([1, 2, 3, 4, 5])
    axes.set_yticklabels([message(f"report_scale_{score}", lang) for score in range(1, 6)], fontsize=7)
    step = max(1, math.ceil(len(days) / MAX_TICKS))
    ticks = xs[::step]
    axes.set_xticks(ticks)
    axes.set_xticklabels([f"{days[index].day.day} {LANGUAGE_DATA[lang].months[days[index].day.month - 1]}"
                          for index in ticks], fontsize=7)
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    handles, labels = axes.get_legend_handles_labels()
    axes.legend(handles[::-1], labels[::-1], loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=3, fontsize=8,
                frameon=False)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return ChartPlacement(CHART_RECT, x_limits, Y_LIMITS, dict(COLOURS))


def _threshold_text(result, lang: str) -> str:
    parts = []
    for outcome in result.thresholds:
        threshold = outcome.threshold
        comparison = {Comparison.BELOW: "below", Comparison.AT_MOST: "at_most",
                      Comparison.AT_LEAST: "at_least"}[threshold.comparison]
        parts.append(message("report_threshold", lang,
                             rule=message(f"report_threshold_{comparison}", lang, value=threshold.value),
                             outcome=message("report_reached" if outcome.reached else "report_not_reached", lang)))
    return message("report_list_separator", lang).join(parts)


def _questionnaire_lines(contents: ReportContents, lang: str) -> list[str]:
    lines = []
    for result in contents.questionnaires:
        line = message("report_questionnaire", lang, title=result.instrument.title[lang],
                       day=day_text(result.at.date(), lang), score=result.score, maximum=result.maximum)
        thresholds = _threshold_text(result, lang)
        if thresholds:
            line += " " + message("report_cutoffs", lang, cutoffs=thresholds)
        if result.change is not None and result.previous_at is not None:
            line += " " + message("report_change", lang, day=day_text(result.previous_at.date(), lang),
                                  change=f"{result.change:+d}")
        else:
            line += " " + message("report_no_earlier_run", lang)
        lines.append(line)
        if result.incomplete_in_period:
            lines.append("   " + message("report_incomplete_runs", lang, count=result.incomplete_in_period))
    return lines


def _exercise_lines(contents: ReportContents, lang: str) -> list[str]:
    return [message("report_exercise", lang, kind=message(f"report_kind_{line.kind}", lang)
                    if line.kind in ("breathing", "meditation", "grounding", "relaxation", "sleep") else line.kind,
                    started=line.started, completed=line.completed, minutes=_number(line.minutes, lang))
            for line in contents.exercises]


def _safety_lines(contents: ReportContents, lang: str) -> list[str]:
    return [message("report_safety_event", lang, day=day_text(event.at.date(), lang), time=event.at.strftime("%H:%M"),
                    level=message(f"report_level_{event.level}", lang) if event.level in ("crisis", "distress", "body")
                    else event.level, kind=event.kind)
            for event in contents.safety]


def _listed(page: _Page, lines: list[str], empty: str, lang: str, reserve: int) -> None:
    """`lines`, or `empty`; as many as fit with `reserve` lines kept for what follows, then how many more."""
    if not lines:
        page.line(empty, indent=0.02)
        return
    room = max(1, page.lines_left - reserve)
    shown = lines if len(lines) <= room else lines[:room - 1]
    for line in shown:
        page.line(line, indent=0.02)
    if len(shown) < len(lines):
        page.line(message("report_more", lang, count=len(lines) - len(shown)), indent=0.02)


def draw(contents: ReportContents, heading: Heading, lang: str):
    """The page as a matplotlib Figure, and where its chart lies."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=A4_INCHES)
    period = contents.period
    page = _Page(figure, 0.975)
    page.line(heading.title, size=14, bold=True)
    page.line(message("report_period", lang, start=day_text(period.start, lang), end=day_text(period.end, lang),
                      days=LANGUAGE_DATA[lang].count(len(period.days), "day")), size=10)
    page.line(message("report_made", lang, day=day_text(heading.made_at.date(), lang),
                      time=heading.made_at.strftime("%H:%M"), zone=heading.zone_name, offset=_offset(heading.made_at)),
              size=8)
    page.line(heading.consent, size=8)
    placement = None
    if "summary" in contents.shares:
        placement = _chart(figure, contents, lang)
        page.y = CHART_RECT[1] - 0.035
        averages = {measure: [getattr(day, measure) for day in contents.days if getattr(day, measure) is not None]
                    for measure in ("mood", "energy", "sleep")}
        page.line(message("report_checkin_days", lang, days=contents.days_with_checkin, total=len(contents.days)))
        page.line(message("report_averages", lang, **{measure: _number(sum(values) / len(values), lang) if values
                                                       else "-" for measure, values in averages.items()}))
        page.gap()
    sections = []
    if "questionnaires" in contents.shares:
        sections.append(("report_questionnaires", _questionnaire_lines(contents, lang), "report_no_questionnaire"))
    if "summary" in contents.shares:
        sections.append(("report_exercises", _exercise_lines(contents, lang), "report_no_exercise"))
    if "safety" in contents.shares:
        sections.append(("report_safety", _safety_lines(contents, lang), "report_no_safety_event"))
    for index, (title, lines, empty) in enumerate(sections):
        page.line(message(title, lang), size=10, bold=True)
        _listed(page, lines, message(empty, lang), lang, reserve=3 * (len(sections) - index - 1))
        page.gap()
    figure.text(0.07, 0.05, message("report_collected_by_voice", lang), fontsize=8.5, va="top", ha="left")
    figure.text(0.07, 0.032, message("report_not_a_diagnosis", lang), fontsize=8.5, va="top", ha="left")
    return figure, placement


def write_pdf(figure, path: Path) -> None:
    """One A4 page; no creation date or producer in it, so the same contents give the same file."""
    from matplotlib import rc_context

    with rc_context({"pdf.fonttype": 42}):
        figure.savefig(path, format="pdf", metadata={"Creator": None, "Producer": None, "CreationDate": None})
