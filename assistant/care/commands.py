"""The care circle's commands: setup, report, consent, data, clinic (CONTRACTS.md).

`register(commands)` adds them to the `assistant` parser. Exit codes as the
contracts say: 0 done, 2 bad usage or a missing part (a sentence says what to
do), 3 refused for a reason the user set (no consent, or "no" to a deletion).
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from assistant.app import notice_printer, open_journal, warn
from assistant.care.clinic import keep_profile, lend_device, return_device
from assistant.care.consent import SCOPES, Consents, load_consent_text, recipient_for
from assistant.care.data import Deleted, delete_user_data, export_user_data, first_record_day, stored_rows
from assistant.care.profile import apply_profile, read_profile
from assistant.care.report.answers import dictionary_path, write_answers, write_dictionary
from assistant.care.report.contents import Period, gather
from assistant.care.report.make import ConsentMissing, ReportRequest, make_report
from assistant.care.report.pdf import day_text
from assistant.care.setup import Setup, SetupStopped, summary_lines
from assistant.languages import LANGUAGE_DATA
from assistant.messages import UserFacingError, message
from assistant.paths import Home
from assistant.questionnaires import load_catalogue
from assistant.safety.response import SafetyTexts
from assistant.session.clock import Clock, RealClock, VirtualClock, device_zone
from assistant.settings import Settings, SettingsStore

REFUSED = 3
"""Exit status of a refusal for a reason the user set (CONTRACTS.md)."""


def _store(home: Home) -> SettingsStore:
    return SettingsStore(home.settings_file, warn=warn)


def _lang(args: argparse.Namespace, settings: Settings) -> str:
    return args.lang if args.lang in LANGUAGE_DATA else settings.language


def _say(text: str) -> None:
    print(text, flush=True)


# Setup ---------------------------------------------------------------------------------


class _PlainTerminal:
    """input() and print(): plain lines, fine over SSH and with a screen reader."""

    def ask(self, prompt: str) -> str:
        return input(prompt)

    def tell(self, line: str) -> None:
        _say(line)


class _SpokenTrial:
    """The speech rate tried aloud: on the speaker, or into a WAV file (--audio-out), on its own clock."""

    def __init__(self, open_output, clock: Clock):
        self._open_output = open_output
        self._clock = clock
        self._output: Any = None
        self._voice: Any = None

    def say(self, text: str, lang: str, rate_wpm: float, volume: float, voices: dict[str, str]) -> bool:
        from assistant.voice.synthesis import EspeakVoice

        if self._output is None:
            try:
                self._output = self._open_output(lang)
            except (UserFacingError, OSError):
                return False
        if self._voice is None:
            self._voice = EspeakVoice(self._output, voices, notice=notice_printer(lang))
        playback = self._voice.speech(text, lang, rate_wpm, volume)
        playback.start()
        self._clock.sleep_until(self._clock.now() + playback.duration_s)
        return True

    def close(self) -> None:
        if hasattr(self._output, "close"):
            self._output.close()


def _trial(args: argparse.Namespace) -> _SpokenTrial:
    if args.audio_out:
        from assistant.voice.synthesis import WavFileOutput

        clock = VirtualClock()
        return _SpokenTrial(lambda lang: WavFileOutput(Path(args.audio_out), clock), clock)
    from assistant.voice.pipeline import open_speaker

    return _SpokenTrial(open_speaker, RealClock())


def _setup(args: argparse.Namespace, home: Home) -> int:
    store = _store(home)
    settings = store.load()
    lang = _lang(args, settings)
    helplines = SafetyTexts.load().helplines
    if args.show:
        for line in summary_lines(settings, lang, helplines):
            _say(line)
        return 0
    if args.profile:
        entries = read_profile(Path(args.profile), lang)
        settings = apply_profile(settings, entries)
        store.save(settings)
        if settings.clinic.mode:
            keep_profile(home, entries)
        _say(message("setup_profile_applied", lang, path=args.profile, saved=home.settings_file))
        for line in summary_lines(settings, _lang(args, settings), helplines):
            _say(line)
        return 0
    trial = _trial(args)
    setup = Setup(settings, _PlainTerminal(), trial, args.lang)
    try:
        answered = setup.run()
    except SetupStopped:
        _say("")
        _say(message("setup_stopped", setup.lang))
        return 2
    finally:
        trial.close()
    if answered is None:
        _say(message("setup_not_saved", setup.lang))
        return 0
    store.save(answered)
    _say(message("setup_saved", setup.lang, path=home.settings_file))
    return 0


# Report and consent --------------------------------------------------------------------


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(message("report_bad_date", "en", text=text)) from error


def _report(args: argparse.Namespace, home: Home) -> int:
    settings = _store(home).load()
    request = ReportRequest(Path(args.pdf) if args.pdf else None, Path(args.csv) if args.csv else None,
                            args.start, args.end, args.caregiver, args.lang)
    try:
        made = make_report(home, settings, request, datetime.now(timezone.utc))
    except ConsentMissing as refusal:
        warn(str(refusal))
        return REFUSED
    period = made.contents.period
    _say(message("report_written", made.lang, files=", ".join(map(str, made.files)),
                 start=day_text(period.start, made.lang), end=day_text(period.end, made.lang)))
    return 0


def consent_lines(consents: Consents, settings: Settings, lang: str) -> list[str]:
    """What the user agreed to share, with whom, since when: one line per scope."""
    zone = device_zone(settings.time_zone)
    text = load_consent_text()
    lines = []
    for scope in SCOPES:
        recipient = recipient_for(settings, scope)
        scope_name = message(f"consent_scope_{scope}", lang)
        granted = consents.granted(scope, recipient)
        if granted is not None:
            lines.append(message("consent_show_granted", lang, recipient=recipient, scope=scope_name,
                                 since=granted.at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                                 what=text.scopes[scope].what[lang], version=granted.wording_version,
                                 language=LANGUAGE_DATA[granted.lang].names[lang]))
            continue
        latest = consents.latest(scope)
        if not recipient:
            why = message("consent_why_not_set_up", lang)
        elif latest is None:
            why = message("consent_why_never", lang, whom=message(f"consent_whom_{scope}", lang))
        else:
            at = latest.at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            why = message("consent_why_other_recipient", lang, at=at, other=latest.recipient) \
                if latest.recipient != recipient else message(f"consent_why_{latest.decision}", lang, at=at)
        lines.append(message("consent_show_none", lang, scope_name=scope_name,
                             recipient=f" ({recipient})" if recipient else "", why=why))
    return lines


def _consent(args: argparse.Namespace, home: Home) -> int:
    settings = _store(home).load()
    consents = Consents(open_journal(home))
    for line in consent_lines(consents, settings, _lang(args, settings)):
        _say(line)
    return 0


# The user's data -----------------------------------------------------------------------


def deleted_lines(deleted: Deleted, lang: str) -> list[str]:
    """What a deletion removed, in plain lines."""
    if not deleted.anything:
        return [message("data_nothing_deleted", lang)]
    lines = [message("data_deleted_table", lang, table=table, count=count) for table, count in deleted.rows.items()]
    if deleted.dialogue_events:
        lines.append(message("data_deleted_dialogue", lang, count=deleted.dialogue_events))
    lines += [message("data_deleted_file", lang, path=path) for path in deleted.files]
    lines.append(message("data_free_pages", lang, count=deleted.free_pages))
    return lines


def _export(args: argparse.Namespace, home: Home) -> int:
    settings = _store(home).load()
    lang = _lang(args, settings)
    folder = Path(args.folder)
    written = export_user_data(home, folder)
    zone = device_zone(settings.time_zone)
    first = first_record_day(home, zone)
    if first is not None:
        catalogue, _ = load_catalogue()
        period = Period(first, max(first, datetime.now(zone).date()), zone)
        contents = gather(open_journal(home), period, ("summary", "questionnaires"),
                          catalogue)
        write_answers(contents, folder / "answers.csv")
        write_dictionary(contents, catalogue, lang, dictionary_path(folder / "answers.csv"))
        written += [folder / "answers.csv", dictionary_path(folder / "answers.csv")]
    (folder / "README.txt").write_text(message("data_export_readme", lang) + "\n", encoding="utf-8")
    _say(message("data_exported", lang, folder=folder, count=len(written) + 1))
    return 0


def _delete(args: argparse.Namespace, home: Home) -> int:
    store = _store(home)
    settings = store.load()
    lang = _lang(args, settings)
    found = stored_rows(home)
    if not args.yes:
        _say(message("data_delete_warning", lang, what=", ".join(f"{table} ({count})" for table, count in found.items())
                     or message("data_delete_nothing_stored", lang),
                     settings=message("data_delete_settings_too" if args.settings else "data_delete_settings_kept",
                                      lang)))
        try:
            answer = input(message("data_delete_ask", lang))
        except EOFError:
            raise UserFacingError(message("data_delete_no_answer", lang)) from None
        if answer.strip().lower() not in {message("setup_yes", lang), "yes"}:
            warn(message("data_delete_refused", lang))
            return REFUSED
    deleted = delete_user_data(home, settings=args.settings)
    if args.settings:
        store.save(Settings(language=settings.language, region=settings.region))
    for line in deleted_lines(deleted, lang):
        _say(line)
    if args.settings:
        _say(message("data_settings_reset", lang))
    return 0


# Clinic --------------------------------------------------------------------------------


def _clinic(args: argparse.Namespace, home: Home) -> int:
    store = _store(home)
    settings = store.load()
    lang = _lang(args, settings)
    if args.action == "return":
        if not settings.clinic.mode:
            raise UserFacingError(message("clinic_not_in_clinic_mode", lang))
        returned = return_device(home, store)
        _say(message("clinic_returned", lang, clinic=settings.clinic.recipient or "-",
                     at=datetime.now(device_zone(settings.time_zone)).strftime("%Y-%m-%d %H:%M")))
        for line in deleted_lines(returned.deleted, lang):
            _say("  " + line)
        _say(message("clinic_settings_back_profile" if returned.from_profile else "clinic_settings_back_personal",
                     lang))
        _say(message("clinic_kept", lang, dialogue=", ".join(sorted(path.name.removesuffix(".tar.gz") for path in
                                                                  home.dialogue_models.glob("*.tar.gz"))) or "-",
                     speech=", ".join(sorted(path.name for path in home.speech_models.glob("*"))) or "-"))
        return 0
    if not args.profile:
        raise UserFacingError(message("clinic_lend_needs_profile", lang))
    entries = read_profile(Path(args.profile), lang)
    left = stored_rows(home)
    if left:
        raise UserFacingError(message("clinic_still_holds_data", lang,
                                      what=", ".join(f"{table} ({count})" for table, count in left.items())))
    if not apply_profile(Settings(), entries).clinic.name:
        raise UserFacingError(message("clinic_profile_needs_name", lang, path=args.profile))
    lent = lend_device(home, store, entries)
    lent_lang = _lang(args, lent)
    _say(message("clinic_lent", lent_lang, recipient=lent.clinic.recipient,
                 language=LANGUAGE_DATA[lent.language].names[lent_lang],
                 country=message(f"region_{lent.region_in_use}", lent_lang)))
    return 0


# The parser ------------------------------------------------------------------------------


def _parser(commands: argparse._SubParsersAction, name: str, **options: Any) -> argparse.ArgumentParser:
    """A subcommand that also takes --lang after its name (CONTRACTS.md: before or after the subcommand)."""
    parser = commands.add_parser(name, **options)
    parser.add_argument("--lang", default=argparse.SUPPRESS, help="language of the questions, report or messages")
    return parser


def register(commands: argparse._SubParsersAction) -> None:
    """Add setup, report, consent, data and clinic to the `assistant` command."""
    setup = _parser(commands, "setup", help="caregiver or clinic setup, one question at a time")
    setup.add_argument("--profile", metavar="FILE", help="apply a profile file (JSON) instead of asking")
    setup.add_argument("--show", action="store_true", help="show the settings setup asks about")
    setup.add_argument("--audio-out", metavar="WAV", help="say the speech trial into this WAV file, not the speaker")
    setup.set_defaults(handler=_setup)

    report = _parser(commands, "report", help="the one-page clinician report (PDF) and the answers (CSV)")
    report.add_argument("--pdf", metavar="OUT.pdf")
    report.add_argument("--csv", metavar="OUT.csv", help="also writes OUT.dictionary.csv beside it")
    report.add_argument("--from", dest="start", type=_date, metavar="YYYY-MM-DD", help="first day (default: 30 days ago)")
    report.add_argument("--to", dest="end", type=_date, metavar="YYYY-MM-DD", help="last day (default: today)")
    report.add_argument("--caregiver", action="store_true", help="the summary the user agreed to share with the contact")
    report.set_defaults(handler=_report)

    consent = _parser(commands, "consent", help="what the user agreed to share, with whom, since when")
    consent.add_argument("action", choices=("show",))
    consent.set_defaults(handler=_consent)

    data = _parser(commands, "data", help="the user's own data: a copy, or real deletion")
    data_actions = data.add_subparsers(dest="action", required=True)
    export = _parser(data_actions, "export", help="write everything stored about the user into a folder")
    export.add_argument("folder", metavar="DIR")
    export.set_defaults(handler=_export)
    delete = _parser(data_actions, "delete", help="delete everything stored about the user, for good")
    delete.add_argument("--yes", action="store_true", help="do not ask to confirm (for scripts)")
    delete.add_argument("--settings", action="store_true", help="reset the settings too (language and region kept)")
    delete.set_defaults(handler=_delete)

    clinic = _parser(commands, "clinic", help="clinic mode: wipe for the next patient, or provision one")
    clinic.add_argument("action", choices=("return", "lend"))
    clinic.add_argument("--profile", metavar="FILE", help="for lend: the clinic's profile file (JSON)")
    clinic.set_defaults(handler=_clinic)


