"""The `assistant` command: run, chat, nlu, transcribe, train, models, settings (see CONTRACTS.md)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any

from assistant import LANGUAGES
from assistant.care import commands as care_commands
from assistant.app import Parts, build_conversation, load_model, load_parts, notice_printer, resolve_language, warn
from assistant.session.clock import RealClock, VirtualClock
from assistant.session.events import JsonlEvents, TerminalEvents
from assistant.session.inbox import LineInbox
from assistant.languages import LANGUAGE_DATA
from assistant.messages import UserFacingError, message
from assistant.paths import Home
from assistant.settings import CHECKS, SettingsStore, checked, describe_problem, setting_name, with_value


def _chat(args: argparse.Namespace, home: Home) -> int:
    parts = load_parts(home, args.lang)
    if args.audio_in:
        return _chat_audio(parts, args)
    virtual = args.clock == "virtual"
    clock = VirtualClock(args.now, parts.zone) if virtual else RealClock(parts.zone)
    inbox = LineInbox(clock, sys.stdin, notice_printer(parts.lang), realtime=not virtual)
    events = JsonlEvents(clock) if args.jsonl else TerminalEvents(parts.lang)
    from assistant.session.speech import TextVoice

    build_conversation(parts, load_model(parts.home, parts.lang), clock, inbox, events, TextVoice()).run()
    return 0


def _chat_audio(parts: Parts, args: argparse.Namespace) -> int:
    """The voice pipeline from WAV files, on the virtual clock, speech into one WAV file."""
    from assistant.voice.pipeline import ears_for, voice_for
    from assistant.voice.synthesis import WavFileOutput
    from assistant.voice.wav_inbox import WavInbox, WavTurn

    turns = [WavTurn.parse(argument, parts.lang) for argument in args.audio_in]
    ears = ears_for(parts)
    clock = VirtualClock(args.now, parts.zone)
    out_path = Path(args.audio_out) if args.audio_out else Path(tempfile.mkdtemp()) / "speech.wav"
    with WavFileOutput(out_path, clock) as output:
        inbox = WavInbox(turns, ears, clock)
        build_conversation(parts, load_model(parts.home, parts.lang), clock, inbox, JsonlEvents(clock),
                           voice_for(parts, output)).run()
    return 0


def _run(args: argparse.Namespace, home: Home) -> int:
    """The live assistant: everything is checked before the first word."""
    from assistant.voice.pipeline import live_inbox, open_speaker, voice_for

    parts = load_parts(home, args.lang)
    clock = RealClock(parts.zone)
    inbox = live_inbox(parts, clock)
    voice = voice_for(parts, open_speaker(parts.lang))
    events = JsonlEvents(clock) if args.jsonl else TerminalEvents(parts.lang)
    try:
        build_conversation(parts, load_model(parts.home, parts.lang), clock, inbox, events, voice, stays=True).run()
    finally:
        inbox.close()
    return 0


def _transcribe(args: argparse.Namespace, home: Home) -> int:
    from assistant.voice.pipeline import recogniser_for

    print(json.dumps(recogniser_for(load_parts(home, args.lang)).transcribe_wav(Path(args.file)), ensure_ascii=False))
    return 0


def _models(args: argparse.Namespace, home: Home) -> int:
    from assistant.voice.grammars import Grammars
    from assistant.voice.models import SpeechModels
    from assistant.voice.recognition import unknown_words

    parts = load_parts(home, args.lang)
    ui_lang = parts.lang
    models = SpeechModels(home.speech_models)

    def report_vocabulary(lang: str) -> None:
        """Every phrase the assistant listens for is looked up in the model's vocabulary."""
        wake = parts.settings.listening.wake_phrase.get(lang)
        unknown = unknown_words(models.require(lang, ui_lang), lang, Grammars.load(), wake)
        for word in unknown:
            print(word.describe(ui_lang, lang))
        if not unknown:
            print(message("speech_vocabulary_complete", ui_lang, language=LANGUAGE_DATA[lang].names[ui_lang]))

    if args.action == "list":
        for entry in models.list():
            print(json.dumps(entry, ensure_ascii=False))
        return 0
    if args.action == "install":
        lang = args.model_lang or ui_lang
        if args.if_missing and models.is_installed(lang):
            return 0
        if args.source:
            path = models.install_from_file(lang, Path(args.source), ui_lang)
            print(message("speech_model_installed", ui_lang, language=LANGUAGE_DATA[lang].names[ui_lang],
                          path=path))
        else:
            models.install_from_url(lang, ui_lang=ui_lang)
        report_vocabulary(lang)
        return 0
    languages = [args.model_lang] if args.model_lang else list(LANGUAGES)
    results = []
    for lang in languages:
        if models.is_installed(lang):
            results.append(models.verify(lang, ui_lang))
            print(results[-1].describe(ui_lang))
            report_vocabulary(lang)
    return 0 if all(result.ok for result in results) else 1


def _voices(args: argparse.Namespace, home: Home) -> int:
    """The voices a caregiver can choose; `install NAME` installs one if needed and speaks with it from then on."""
    from assistant.voice.voices import install, load_voices, package_source, read_os_release

    parts = load_parts(home, args.lang)
    ui_lang = parts.lang
    voices = load_voices()
    if args.action == "list":
        for voice in voices.values():
            selected = parts.settings.voice.name.get(voice.lang) == voice.name
            print(json.dumps({"name": voice.name, "lang": voice.lang, "engine": voice.engine,
                              "installed": voice.installed(), "selected": selected,
                              "description": voice.description[ui_lang], "licence": voice.licence[ui_lang]},
                             ensure_ascii=False))
        return 0
    voice = voices.get(args.name or "")
    if voice is None:
        raise UserFacingError(message("voice_unknown", ui_lang, name=args.name, choices=", ".join(voices)))
    print(message("voice_licence", ui_lang, description=voice.description[ui_lang], licence=voice.licence[ui_lang]))
    if not voice.installed():
        packages = " ".join(voice.packages)
        source = package_source(read_os_release())
        if source is None:
            raise UserFacingError(message("voice_install_unsupported", ui_lang, name=voice.name, packages=packages))
        print(message("voice_installing", ui_lang, name=voice.name, packages=packages, source=source), flush=True)
        if not install(voice, source):
            raise UserFacingError(message("voice_install_failed", ui_lang, name=voice.name, packages=packages))
    parts.settings_store.save(with_value(parts.settings, f"voice.name.{voice.lang}", voice.name))
    print(message("voice_selected", ui_lang, name=voice.name, language=LANGUAGE_DATA[voice.lang].names[ui_lang]))
    return 0


def _nlu(args: argparse.Namespace, home: Home) -> int:
    parts = load_parts(home, args.lang)
    from assistant.conversation.understanding import Understanding

    understanding = Understanding(parts.lang, load_model(parts.home, parts.lang))

    def safety_level(understood: Any) -> str | None:
        """`safety` as CONTRACTS.md spells it: crisis, distress or null (a body sign is no safety level there)."""
        finding = understood.safety
        return finding.level if finding is not None and finding.level in ("crisis", "distress") else None

    def describe(text: str) -> dict[str, Any]:
        understood = understanding(text)
        parse = understood.parse
        return {"text": text, "lang": parts.lang, "intent": parse.intent, "confidence": round(parse.confidence, 4),
                "entities": parse.entities, "safety": safety_level(understood)}

    texts = [args.text] if args.text is not None else (line.rstrip("\n") for line in sys.stdin)
    for text in texts:
        print(json.dumps(describe(text), ensure_ascii=False), flush=True)
    return 0


def _train(args: argparse.Namespace, home: Home) -> int:
    from assistant.dialogue.training import ensure_trained

    languages = [resolve_language(args.lang, load_parts(home, None).settings)] if args.lang else list(LANGUAGES)

    def progress(event: str, lang: str, seconds: float) -> None:
        print(message(event, lang, lang=lang, seconds=seconds), flush=True)

    ensure_trained(home, languages, progress)
    return 0


def _settings(args: argparse.Namespace, home: Home) -> int:
    store = SettingsStore(home.settings_file, warn=warn)
    settings = store.load()
    if args.action == "set":
        key = setting_name(args.key or "")
        if key is None:
            raise UserFacingError(message("unknown_setting", settings.language, key=args.key,
                                          choices=", ".join(CHECKS)))
        value: Any = args.value
        try:
            value = json.loads(args.value)
        except (TypeError, ValueError):
            pass
        stored, problem = checked(key, value)
        if problem:
            raise UserFacingError(message("settings_value_refused", settings.language, key=key, value=args.value,
                                          problem=describe_problem(problem, settings.language)))
        settings = with_value(settings, key, stored)
        store.save(settings)
    print(json.dumps(settings.to_json(), indent=2, ensure_ascii=False))
    return 0


def _local_time(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date and time like 2026-03-28T17:55:00: {text}") from error


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="assistant", description="An offline, voice-first wellbeing companion.")
    top.add_argument("--lang", help="conversation language: en or fr (default: from the settings)")
    commands = top.add_subparsers(dest="command", required=True)

    chat = commands.add_parser("chat", help="the conversation, typed in a terminal")
    chat.add_argument("--jsonl", action="store_true", help="machine mode: JSON lines in and out")
    chat.add_argument("--clock", choices=("real", "virtual"), default="real")
    chat.add_argument("--now", type=_local_time, metavar="YYYY-MM-DDTHH:MM:SS",
                      help="with --clock virtual: the local time the clock starts at (default: now)")
    chat.add_argument("--audio-in", nargs="+", metavar="WAV[@SECONDS]",
                      help="user turns as WAV files, one per turn; FILE@SECONDS: said that many seconds after the "
                           "previous turn, whatever the assistant is doing (an interruption)")
    chat.add_argument("--audio-out", metavar="WAV", help="with --audio-in: write the assistant's speech here")
    chat.set_defaults(handler=_chat)

    run = commands.add_parser("run", help="the live voice assistant: microphone in, speaker out")
    run.add_argument("--jsonl", action="store_true", help="print machine-mode events instead of a transcript")
    run.set_defaults(handler=_run)

    transcribe = commands.add_parser("transcribe", help="speech to text for one WAV file, as JSON")
    transcribe.add_argument("file")
    transcribe.set_defaults(handler=_transcribe)

    speech_models = commands.add_parser("models", help="list, install or verify speech models")
    speech_models.add_argument("action", choices=("list", "install", "verify"))
    speech_models.add_argument("model_lang", nargs="?", choices=LANGUAGES, metavar="LANG",
                               help="en or fr (install: default the conversation language; verify: both)")
    speech_models.add_argument("--if-missing", action="store_true", help="install only if not installed yet")
    speech_models.add_argument("--from", dest="source", metavar="FILE",
                               help="install from a .zip, .aar or folder instead of downloading")
    speech_models.set_defaults(handler=_models)

    voices = commands.add_parser("voices", help="list the voices, or install one and speak with it")
    voices.add_argument("action", choices=("list", "install"))
    voices.add_argument("name", nargs="?", help="for install: the voice, for example mb-fr4 (see voices list)")
    voices.set_defaults(handler=_voices)

    nlu = commands.add_parser("nlu", help="what the assistant understands of a text, as JSON")
    nlu.add_argument("text", nargs="?", help="the text; without it, one text per line on stdin")
    nlu.set_defaults(handler=_nlu)

    train = commands.add_parser("train", help="train the dialogue models that are missing or out of date")
    train.set_defaults(handler=_train)

    settings = commands.add_parser("settings", help="show or change a setting")
    settings.add_argument("action", choices=("show", "set"))
    settings.add_argument("key", nargs="?", help="for set: " + ", ".join(CHECKS))
    settings.add_argument("value", nargs="?")
    settings.set_defaults(handler=_settings)

    from assistant.questionnaires import commands as questionnaires
    from assistant.schedule import commands as reminders, service

    questionnaires.register(commands)
    care_commands.register(commands)
    reminders.register(commands)
    service.register(commands)
    return top


PACKAGE_DIR = Path(__file__).resolve().parent


def _quiet_libraries() -> None:
    """Stderr is the caregiver's channel: the libraries' warnings are not for them, the assistant's own are.

    Filters alone do not hold, since libraries add their own when they are imported
    (sanic puts "once" for DeprecationWarning in front of every filter), so a
    warning is also dropped where it would be shown unless it comes from the
    assistant's own code. The assistant's notices are sentences printed by
    app.warn, which this does not touch.
    """
    for category in (DeprecationWarning, PendingDeprecationWarning, FutureWarning):
        warnings.filterwarnings("ignore", category=category)
    warnings.filterwarnings("ignore", module=r"(rasa|tensorflow|keras|sqlalchemy|sklearn|absl|matplotlib)(\.|$)")
    show = warnings.showwarning

    def show_own(message: Any, category: type, filename: str, lineno: int, file: Any = None,
                 line: str | None = None) -> None:
        if Path(filename).resolve().is_relative_to(PACKAGE_DIR):
            show(message, category, filename, lineno, file, line)

    warnings.showwarning = show_own


def _outputs_that_never_fail(args: argparse.Namespace) -> None:
    """Output is never what stops the assistant: characters a stream cannot encode are replaced.

    Machine mode writes JSON lines, which are UTF-8 whatever the locale says.
    """
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is None:
        return
    if getattr(args, "jsonl", False):
        reconfigure(encoding="utf-8", errors="replace")
    else:
        reconfigure(errors="replace")


def main(argv: list[str] | None = None) -> int:
    os.umask(0o077)
    args = parser().parse_args(argv)
    _quiet_libraries()
    _outputs_that_never_fail(args)
    try:
        return args.handler(args, Home.from_environment().prepare())
    except UserFacingError as error:
        warn(str(error))
        return 2
    except KeyboardInterrupt:
        return 130
