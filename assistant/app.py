"""Putting one conversation together: settings, models, journal, voice and input.

The stores are checked before the first word (journal/recovery.py,
dialogue/trackers.py): whatever happened to the disk, the conversation starts,
and what happened is told to the caregiver on stderr and, if it concerns the
user's notes, to the user in one sentence at the start (journal/notices.py).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Callable

from assistant import LANGUAGES
from assistant.care.consent import CARE_SCHEMA
from assistant.care.flows import care_flows
from assistant.conversation.router import Conversation
from assistant.conversation.scores import load_scales
from assistant.conversation.understanding import Understanding
from assistant.dialogue.engine import DialogueModel
from assistant.dialogue.training import ensure_trained, model_path
from assistant.exercises.coach import ExerciseFlow
from assistant.exercises.programme import load_programme
from assistant.exercises.records import PROGRAMME_SCHEMA, ProgrammeRecords
from assistant.exercises.scripts import load_scripts
from assistant.dialogue.trackers import Trackers
from assistant.journal.backup import Backups
from assistant.journal.notices import StoreReporter
from assistant.journal.recovery import JournalOpener
from assistant.journal.store import Journal
from assistant.messages import UserFacingError, message
from assistant.paths import Home
from assistant.questionnaires.flow import QuestionnaireFlow
from assistant.questionnaires.loader import load_catalogue as load_questionnaires
from assistant.questionnaires.store import QUESTIONNAIRE_SCHEMA, QuestionnaireStore
from assistant.schedule.flows import ScheduleData
from assistant.schedule.store import REMINDERS_SCHEMA
from assistant.session.clock import Clock, device_zone
from assistant.session.events import EventSink
from assistant.session.inbox import Inbox
from assistant.session.session import Session
from assistant.session.speech import Voice
from assistant.settings import Settings, SettingsStore


JOURNAL_SCHEMAS = (QUESTIONNAIRE_SCHEMA, PROGRAMME_SCHEMA, CARE_SCHEMA, REMINDERS_SCHEMA)
"""The parts besides the core that keep tables in the journal."""


def open_journal(home: Home, now: Callable[[], datetime] | None = None) -> Journal:
    """The home's journal with the tables of every part (a command may be the first to open it)."""
    return Journal(home.journal_db, **({"now": now} if now else {}), schemas=JOURNAL_SCHEMAS)


def warn(text: str) -> None:
    """Messages for the caregiver go to stderr, never into machine-mode output."""
    print(text, file=sys.stderr, flush=True)


def notice_printer(lang: str) -> Callable[[str, dict], None]:
    """Tells the caregiver, on stderr, about input lines that could not be used."""
    return lambda name, values: warn(message(name, lang, **values))


def resolve_language(requested: str | None, settings: Settings) -> str:
    lang = requested or settings.language
    if lang not in LANGUAGES:
        choices = ", ".join(LANGUAGES)
        raise UserFacingError("\n".join(message("unknown_language", shown, code=lang, choices=choices)
                                        for shown in LANGUAGES))
    return lang


def _progress(event: str, lang: str, seconds: float) -> None:
    if event != "up_to_date":
        warn(message(event, lang, lang=lang, seconds=seconds))


def load_model(home: Home, lang: str) -> DialogueModel:
    """The `lang` model, trained first if missing or stale."""
    ensure_trained(home, [lang], _progress)
    return DialogueModel(model_path(home, lang))


@dataclass
class Parts:
    """What a conversation is made of, besides its input and output."""

    home: Home
    settings_store: SettingsStore
    settings: Settings
    lang: str

    @property
    def zone(self):
        """The time zone the clock tells local time in: the setting, else the device's."""
        return device_zone(self.settings.time_zone)


def load_parts(home: Home, requested_lang: str | None) -> Parts:
    """Settings and language; on the very first start, `--lang` becomes the home's language.

    A new home has no region yet: its helplines follow the language's usual country
    (fr -> FR, en -> GB) until a caregiver sets one.
    """
    store = SettingsStore(home.settings_file, warn=warn)
    first_start = not store.exists()
    settings = store.load()
    lang = resolve_language(requested_lang, settings)
    if first_start:
        settings = replace(settings, language=lang)
        store.save(settings)
    return Parts(home, store, settings, lang)


def build_conversation(parts: Parts, model: DialogueModel, clock: Clock, inbox: Inbox, events: EventSink,
                       voice: Voice, stays: bool = False) -> Conversation:
    """`stays`: a live device, not over at goodbye (see Conversation)."""
    scripts, errors = load_scripts()
    for error in errors:
        warn(message("exercise_file_broken", parts.lang, problem=error))
    programme = load_programme(scripts)
    session = Session(parts.lang, clock, inbox, events, voice, parts.settings, parts.settings_store)
    home, lang = parts.home, parts.lang
    reporter = StoreReporter(lang, warn, lambda text: session.say(text, remember=False), clock.local_time)
    backups = Backups(home.backups, clock.local_time, lambda problem: reporter.backup_failed(str(home.backups), problem))
    opened = JournalOpener(home, clock.local_time, JOURNAL_SCHEMAS, backups, reporter.write_failed).open()
    trackers = Trackers(home.tracker_db, model.domain, clock.local_time,
                        lambda problem: warn(message("tracker_in_memory", lang, path=home.tracker_db, problem=problem)))
    reporter.at_start([*opened.notices, *trackers.notices], opened.journal)
    catalogue, broken = load_questionnaires()
    for error in broken:
        warn(message("questionnaire_file_broken", lang, problem=error))
    schedule = ScheduleData(lang)

    def flows(conversation: Conversation) -> list:
        settings = lambda: conversation.session.settings  # noqa: E731 - speech settings change as it talks
        return [QuestionnaireFlow(conversation, catalogue, QuestionnaireStore(conversation.journal)),
                ExerciseFlow(conversation, programme, ProgrammeRecords(conversation.journal),
                             lambda: health_flags(settings()), lambda: settings().suggestions),
                *care_flows(conversation, home, parts.settings_store, warn),
                *schedule.flows(conversation)]

    return Conversation(session, model.conversation(trackers, clock.local_time), Understanding(lang, model),
                        opened.journal, load_scales()[lang], warn, flows=flows, stays=stays)


def health_flags(settings: Settings) -> frozenset[str]:
    """The health conditions a caregiver recorded, by name (heart_or_lung, pregnancy, ...)."""
    return frozenset(name for name, on in vars(settings.health).items() if on)
