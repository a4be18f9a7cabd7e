"""Making a report: only with the user's yes in force, only what that yes covers.

Without a yes to the recipient named in the settings (the clinic, or with
--caregiver the contact), no file is written and the command says so in one
sentence (exit 3). The report is in the clinic's language unless asked
otherwise; times are local (the `time_zone` setting or the device's).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from assistant.care.consent import Consents, recipient_for
from assistant.care.report.answers import dictionary_path, write_answers, write_dictionary
from assistant.care.report.contents import Period, ReportContents, gather, period_ending
from assistant.care.report.pdf import ChartPlacement, Heading, day_text, draw, write_pdf
from assistant.messages import UserFacingError, message
from assistant.paths import Home
from assistant.questionnaires import load_catalogue
from assistant.session.clock import device_zone
from assistant.settings import Settings


class ConsentMissing(UserFacingError):
    """The user has not agreed to share with this recipient: a refusal for a reason the user set."""


@dataclass(frozen=True)
class ReportRequest:
    pdf: Path | None
    csv: Path | None
    start: date | None = None
    end: date | None = None
    caregiver: bool = False
    lang: str | None = None
    """The report's language; None: the clinic's (clinic.report_language), else the conversation's."""


@dataclass(frozen=True)
class MadeReport:
    files: tuple[Path, ...]
    contents: ReportContents
    placement: ChartPlacement | None
    lang: str


def report_language(settings: Settings, request: ReportRequest) -> str:
    if request.lang:
        return request.lang
    if not request.caregiver and settings.clinic.report_language:
        return settings.clinic.report_language
    return settings.language


def _period(request: ReportRequest, today: date, zone, lang: str) -> Period:
    if request.start and request.end:
        period = Period(request.start, request.end, zone)
    elif request.start:
        period = Period(request.start, max(today, request.start), zone)
    else:
        period = period_ending(request.end or today, zone)
    if period.end < period.start:
        raise UserFacingError(message("report_bad_period", lang, start=period.start, end=period.end))
    return period


def make_report(home: Home, settings: Settings, request: ReportRequest, now: datetime) -> MadeReport:
    """Write the files asked for; ConsentMissing (nothing written) without the user's yes."""
    lang = report_language(settings, request)
    if request.pdf is None and request.csv is None:
        raise UserFacingError(message("report_nothing_asked", lang))
    scope = "caregiver" if request.caregiver else "clinician"
    recipient = recipient_for(settings, scope)
    if not recipient:
        raise UserFacingError(message(f"report_no_recipient_{scope}", lang))
    from assistant.app import open_journal  # the wiring module, which imports this package's flows

    journal = open_journal(home)
    consent = Consents(journal).granted(scope, recipient)
    if consent is None:
        raise ConsentMissing(message("report_no_consent", lang, who=message("report_no_consent_who", lang),
                                     recipient=recipient))
    zone = device_zone(settings.time_zone)
    local_now = now.astimezone(zone)
    period = _period(request, local_now.date(), zone, lang)
    catalogue, _ = load_catalogue()
    contents = gather(journal, period, consent.shares, catalogue)
    files: list[Path] = []
    placement = None
    if request.pdf is not None:
        heading = Heading(
            title=message(f"report_title_{scope}", lang, recipient=recipient),
            consent=message("report_consent", lang, day=day_text(consent.at.astimezone(zone).date(), lang),
                            version=consent.wording_version,
                            what=", ".join(message(f"consent_share_{share}", lang) for share in consent.shares)),
            made_at=local_now, zone_name=str(zone))
        figure, placement = draw(contents, heading, lang)
        write_pdf(figure, request.pdf)
        files.append(request.pdf)
    if request.csv is not None:
        write_answers(contents, request.csv)
        write_dictionary(contents, catalogue, lang, dictionary_path(request.csv))
        files += [request.csv, dictionary_path(request.csv)]
    return MadeReport(tuple(files), contents, placement, lang)
