"""`assistant reminders list | add | remove | pause | resume`: reminders set by a caregiver.

Plain options, in the caregiver's language (`--lang` or the settings):
`--daily 18:00 --checkin`, `--weekdays mon,wed --time 09:00 --label "call Anne"`,
`--once 2026-03-28T17:55 --exercise breathing`. A time typed here is exact, so
quiet hours do not hold it. A running assistant reads the reminders again every
few minutes (agenda.RECHECK_S), so there is no need to restart it.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from assistant.app import JOURNAL_SCHEMAS, Parts, load_parts
from assistant.journal.store import Journal, JournalError
from assistant.languages import LANGUAGE_DATA
from assistant.messages import UserFacingError, message
from assistant.paths import Home
from assistant.schedule.purpose import CHECKIN, EXERCISE, PLAIN, Purpose, PurposeReader
from assistant.schedule.recurrence import DAY_CODES, WEEK, Recurrence, clock_time, moment_on
from assistant.schedule.speaking import quiet_hours
from assistant.schedule.spoken import SpokenTimes
from assistant.schedule.store import Reminder, ReminderBook
from assistant.session.clock import RealClock
from assistant.text import fold


def register(commands: Any) -> None:
    """Add `reminders` to the `assistant` command's subcommands."""
    reminders = commands.add_parser("reminders", help="reminders and routines: list, add, remove, pause, resume")
    reminders.add_argument("action", choices=("list", "add", "remove", "pause", "resume"))
    reminders.add_argument("id", nargs="?", help="for remove, pause, resume: the reminder's number (or all)")
    reminders.add_argument("--daily", metavar="HH:MM", help="every day at this time")
    reminders.add_argument("--weekdays", metavar="DAYS", help="on these days (mon,wed or lun,mer), with --time")
    reminders.add_argument("--time", metavar="HH:MM", help="the time of day, with --weekdays")
    reminders.add_argument("--once", metavar="YYYY-MM-DDTHH:MM", help="once, at this local date and time")
    reminders.add_argument("--checkin", action="store_true", help="a check-in: the assistant asks how the user is")
    reminders.add_argument("--exercise", metavar="NAME",
                           help="an exercise: breathing, meditation, grounding, relaxation or sleep")
    reminders.add_argument("--label", metavar="TEXT", help="a few words said at the time, e.g. \"call Anne\"")
    reminders.set_defaults(handler=run)


def weekday_names() -> dict[str, int]:
    """Every way of writing a day here: mon, monday, lun, lundi (Monday = 0)."""
    names = {code: day for day, code in enumerate(DAY_CODES)}
    for language in LANGUAGE_DATA.values():
        for day, name in enumerate(language.weekdays):
            names[fold(name)] = day
            names[fold(name)[:3]] = day
    return names


class ReminderCommands:
    def __init__(self, parts: Parts):
        home = parts.home
        self.lang = parts.lang
        self.settings = parts.settings
        self.clock = RealClock(parts.zone)
        self.book = ReminderBook(Journal(home.journal_db, now=self.clock.local_time, schemas=JOURNAL_SCHEMAS))
        self.times = SpokenTimes(self.lang)
        self.purposes = PurposeReader(self.lang, self.times.elisions)

    def say(self, name: str, **values: Any) -> str:
        return message(name, self.lang, **values)

    def refuse(self, name: str, **values: Any) -> UserFacingError:
        return UserFacingError(self.say(name, **values))

    # Reading the options ----------------------------------------------------------

    def _time(self, text: str) -> Any:
        try:
            return clock_time(text)
        except ValueError:
            raise self.refuse("reminder_bad_time", value=text) from None

    def recurrence(self, args: argparse.Namespace) -> Recurrence:
        chosen = [option for option in (args.daily, args.weekdays, args.once) if option]
        if len(chosen) != 1 or (args.weekdays and not args.time) or (args.time and not args.weekdays):
            raise self.refuse("reminder_when_needed")
        if args.daily:
            return Recurrence(self._time(args.daily), WEEK)
        if args.weekdays:
            names = weekday_names()
            try:
                days = frozenset(names[fold(day)] for day in args.weekdays.split(",") if day.strip())
            except KeyError:
                raise self.refuse("reminder_bad_weekdays", value=args.weekdays) from None
            if not days:
                raise self.refuse("reminder_bad_weekdays", value=args.weekdays)
            return Recurrence(self._time(args.time), days)
        try:
            moment = datetime.fromisoformat(args.once)
        except ValueError:
            raise self.refuse("reminder_bad_once", value=args.once) from None
        recurrence = Recurrence(moment.time().replace(second=0, microsecond=0, tzinfo=None), frozenset(),
                                moment.date())
        now = self.clock.local_time()
        if moment_on(recurrence.on, recurrence.at, now.tzinfo) <= now:
            raise self.refuse("reminder_once_passed", value=args.once)
        return recurrence

    def purpose(self, args: argparse.Namespace) -> Purpose:
        chosen = [option for option in (args.checkin, args.exercise, args.label) if option]
        if len(chosen) != 1:
            raise self.refuse("reminder_what_needed")
        if args.checkin:
            return Purpose(CHECKIN)
        if args.exercise:
            exercise = fold(args.exercise)
            if exercise not in self.purposes.exercises:
                raise self.refuse("reminder_bad_exercise", value=args.exercise,
                                  choices=", ".join(self.purposes.exercises))
            return Purpose(EXERCISE, exercise=exercise)
        label = " ".join(args.label.split())
        if not label or len(label.split()) > self.purposes.label_words:
            raise self.refuse("reminder_bad_label", words=self.purposes.label_words)
        return Purpose(PLAIN, label=label)

    def chosen(self, text: str | None) -> list[Reminder]:
        """The reminders `text` names: one number, or all."""
        reminders = self.book.all()
        if text == "all":
            return reminders
        if text is None or not text.isdigit():
            raise self.refuse("reminder_bad_id", value=text or "")
        found = [reminder for reminder in reminders if reminder.id == int(text)]
        if not found:
            raise self.refuse("reminder_unknown", id=text)
        return found

    # Saying them ------------------------------------------------------------------

    def what(self, purpose: Purpose) -> str:
        if purpose.kind == PLAIN:
            return self.say("reminder_what_label", label=purpose.label)
        if purpose.kind == CHECKIN:
            return self.say("reminder_what_checkin")
        return self.say(f"reminder_what_{purpose.exercise}")

    def values(self, reminder: Reminder) -> dict[str, str]:
        today = self.clock.local_time().date()
        return {"id": str(reminder.id), "days": self.times.say_days(reminder.recurrence, today),
                "time": reminder.recurrence.at.strftime("%H:%M"), "what": self.what(reminder.purpose)}

    # The actions ------------------------------------------------------------------

    def act(self, args: argparse.Namespace) -> None:
        if args.action == "list":
            self.list()
        elif args.action == "add":
            self.add(args)
        elif args.action == "remove":
            self.remove(args.id)
        else:
            self.set_active(args.id, active=args.action == "resume")

    def list(self) -> None:
        reminders = self.book.all()
        if not reminders:
            print(self.say("reminders_none"))
        for reminder in reminders:
            paused = "" if reminder.active else self.say("reminder_paused_mark")
            print(self.say("reminder_line", **self.values(reminder), paused=paused))
        routines, schedule = self.settings.routines, self.settings.schedule
        print(self.say("daily_checkin_on", time=routines.checkin_at) if routines.checkin_at
              else self.say("daily_checkin_off"))
        print(self.say("daily_exercise_on", time=routines.exercise_at) if routines.exercise_at
              else self.say("daily_exercise_off"))
        print(self.say("quiet_hours_line", start=schedule.quiet_from, end=schedule.quiet_until))

    def add(self, args: argparse.Namespace) -> None:
        recurrence, purpose = self.recurrence(args), self.purpose(args)
        now = self.clock.local_time()
        reminder = self.book.add(purpose, recurrence, True, now, "caregiver")
        print(self.say("reminder_added", **self.values(reminder)))
        quiet = quiet_hours(self.settings)
        if quiet.hold(moment_on(now.date(), recurrence.at, now.tzinfo).astimezone(now.tzinfo)):
            print(self.say("reminder_added_in_quiet_hours", time=recurrence.at.strftime("%H:%M"),
                           start=self.settings.schedule.quiet_from, end=self.settings.schedule.quiet_until))

    def remove(self, text: str | None) -> None:
        for reminder in self.chosen(text):
            self.book.remove(reminder.id)
            print(self.say("reminder_removed", id=reminder.id))

    def set_active(self, text: str | None, active: bool) -> None:
        reminders = self.chosen(text)
        for reminder in reminders:
            self.book.set_active(reminder.id, active)
        if text == "all":
            print(self.say("reminders_resumed_all" if active else "reminders_paused_all"))
        else:
            print(self.say("reminder_resumed" if active else "reminder_paused", id=reminders[0].id))


def run(args: argparse.Namespace, home: Home) -> int:
    parts = load_parts(home, args.lang)
    try:
        ReminderCommands(parts).act(args)
    except JournalError as error:
        raise UserFacingError(message("journal_unwritable", parts.lang, problem=error)) from error
    return 0
