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
    from assistant.voice.pipeline import recogniser_for, voice_for
    from assistant.voice.synthesis import WavFileOutput
    from assistant.voice.wav_inbox import WavInbox

    recogniser = recogniser_for(parts)
    clock = VirtualClock(args.now, parts.zone)
    out_path = Path(args.audio_out) if args.audio_out else Path(tempfile.mkdtemp()) / "speech.wav"
    with WavFileOutput(out_path, clock) as output:
        inbox = WavInbox([Path(path) for path in args.audio_in], recogniser, clock, parts.lang)
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
    from assistant.voice.models import SpeechModels

    ui_lang = load_parts(home, args.lang).lang
    models = SpeechModels(home.speech_models)
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
        return 0
    languages = [args.model_lang] if args.model_lang else list(LANGUAGES)
    results = [models.verify(lang, ui_lang) for lang in languages if models.is_installed(lang)]
    for result in results:
        print(result.describe(ui_lang))
    return 0 if all(result.ok for result in results) else 1


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
    chat.add_argument("--audio-in", nargs="+", metavar="WAV", help="user turns as WAV files, one per turn")
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


def _quiet_libraries() -> None:
    """Stderr is the caregiver's channel: the libraries' deprecation notices are not for them."""
    for category in (DeprecationWarning, PendingDeprecationWarning, FutureWarning):
        warnings.filterwarnings("ignore", category=category)
    warnings.filterwarnings("ignore", module=r"(rasa|tensorflow|keras|sqlalchemy|sklearn|absl|matplotlib)(\.|$)")


def main(argv: list[str] | None = None) -> int:
    os.umask(0o077)
    args = parser().parse_args(argv)
    _quiet_libraries()
    try:
        return args.handler(args, Home.from_environment().prepare())
    except UserFacingError as error:
        warn(str(error))
        return 2
    except KeyboardInterrupt:
        return 130
