"""When it is time: a soft chime, a pause, one short sentence that names it, and the answer.

This is what speaks first (a `Proactive`) and the flow that reads the answer
to it. Yes: it happens (the exercise runs, or the check-in's first question).
No, or "not today": nothing more until its next time; for a check-in, nothing
more that day. "Later": once, half an hour later. "Stop reminding me": that
reminder is turned off. No answer: once more a few minutes later, then nothing.
After any of these the assistant rests: no reprompt, the room is left in peace.
Every step is a `reminder` event (id, state) in machine mode.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any, Callable

from assistant.conversation.asking import Read, Reading
from assistant.conversation.flows import Handover, Rest, Step, flow_question
from assistant.conversation.state import Prompt, Question
from assistant.dialogue.engine import Parse
from assistant.journal.store import JournalError, attempt, iso
from assistant.schedule.agenda import RETRY_AFTER_S, SNOOZE_S, Agenda, Occurrence, Review
from assistant.schedule.describe import Describer
from assistant.schedule.purpose import CHECKIN, EXERCISE, PLAIN
from assistant.schedule.recurrence import QuietHours, clock_time
from assistant.schedule.store import CHECKIN_DECLINED_KEY, DAILY_CHECKIN_ID, ROUTINE_IDS, Reminder, ReminderBook
from assistant.settings import Settings

FLOW = "reminder_due"
CHIME = "reminder"
"""The sound before a reminder (audio/reminder.wav): softer than the exercises' bell."""
PAUSE_AFTER_CHIME_S = 1.0
"""Silence between the chime and the sentence, so the sentence is not missed (seconds)."""
LATE_AFTER_S = 120.0
"""Said this long after its moment or more, a reminder says when it was for ("At six, it was time...")."""
MOOD_CHECKIN = "mood_checkin"


def quiet_hours(settings: Settings) -> QuietHours:
    return QuietHours(clock_time(settings.schedule.quiet_from), clock_time(settings.schedule.quiet_until))


def routine_off(session: Any, routine_id: str) -> None:
    """Turn a routine of the settings off, as the user asked by voice (a caregiver can turn it back on)."""
    settings = session.settings
    session.store_settings(replace(settings, routines=replace(settings.routines,
                                                              **{ROUTINE_IDS[routine_id].setting: None})))


class ReminderSpeaker:
    """Says reminders and the daily check-in at their time, and reads the answers to them."""

    name = FLOW

    def __init__(self, conversation: Any, book: ReminderBook, describer: Describer):
        """`conversation` gives the session (clock, settings, speech, events) and the actions (response texts)."""
        self._session = conversation.session
        self._actions = conversation.actions
        self._book = book
        self._describer = describer
        self._purposes = describer.purposes
        self._times = describer.times
        zone = self._session.clock.local_time().tzinfo
        self._zone = zone
        self.agenda = Agenda(zone, lambda: quiet_hours(self._session.settings), self._wanted)
        self._asked: set[tuple[int | str, datetime]] = set()
        """The occurrences said and waiting for an answer."""

    # What there is -----------------------------------------------------------------

    def _reminders(self, now: datetime) -> list[Reminder]:
        return [*self._book.all(), *self._book.routines(self._session.settings, now)]

    def _wanted(self, occurrence: Occurrence) -> bool:
        """A check-in is not asked on a day the user already did one, or said no to one."""
        if occurrence.reminder.purpose.kind != CHECKIN:
            return True
        day = occurrence.moment.astimezone(self._zone).date()
        if self._book.journal.get_meta(CHECKIN_DECLINED_KEY) == day.isoformat():
            return False
        start = datetime.combine(day, time(), self._zone)
        done = self._book.journal.read("select count(*) as done from checkins where at >= ? and at < ?",
                                       [iso(start), iso(start + timedelta(days=1))])
        return done[0]["done"] == 0

    def _review(self, now: datetime) -> Review:
        """What is due; what the clock left behind is brought up to date, what was missed is said so (as events)."""
        try:
            review = self.agenda.review(self._reminders(now), now)
            for reminder, moment in review.first_seen:
                self._book.mark_handled(reminder, moment)
            for occurrence in review.skipped:
                self._close(occurrence)
            for occurrence in review.missed:
                self._close(occurrence, "missed")
        except JournalError:
            return Review()
        return review

    def _close(self, occurrence: Occurrence, state: str | None = None) -> None:
        """It is over: marked as dealt with (a one-off is removed, its label with it); `state` reported."""
        self._asked.discard(occurrence.key)
        self.agenda.drop(occurrence)
        reminder = occurrence.reminder
        if not occurrence.again:
            attempt(lambda: self._book.mark_handled(reminder, occurrence.moment))
        if reminder.recurrence.once:
            attempt(lambda: self._book.remove(reminder.id))
        if state is not None:
            self._session.emit("reminder", id=reminder.id, state=state)

    # Proactive ------------------------------------------------------------------

    def next_due(self, now: datetime) -> datetime | None:
        return self._review(now).next_at

    def speak(self, now: datetime) -> Step:
        review = self._review(now)
        if not review.due:
            return None
        occurrence = review.due[0]
        reminder = occurrence.reminder
        self._session.emit("reminder", id=reminder.id, state="due")
        self._session.tone(CHIME)
        self._session.pause(PAUSE_AFTER_CHIME_S)
        name, values = self._sentence(occurrence, now)
        prompt = self._actions.say_response(name, **values)
        self._session.emit("reminder", id=reminder.id, state="spoken")
        self.agenda.drop(occurrence)
        if not occurrence.again:
            attempt(lambda: self._book.mark_handled(reminder, occurrence.moment))
        asked = prompt.question
        self._asked.add(occurrence.key)
        return Prompt(flow_question(FLOW, "yes_no", asked.said if asked else (), name, asked.offers if asked else (),
                                    occurrence=occurrence, unclear=0))

    def _sentence(self, occurrence: Occurrence, now: datetime) -> tuple[str, dict[str, str]]:
        """The response that names it now, and its values: on time, late, or said again."""
        local = now.astimezone(self._zone)
        greeting = self._actions.text(f"utter_reminder_greeting_{self._times.part_of_day(local.time())}")
        late = not occurrence.again and (now - occurrence.moment).total_seconds() >= LATE_AFTER_S
        shown = occurrence.moment.astimezone(self._zone) if late or not occurrence.again else local
        values = {"greeting": greeting, "time": self._times.say_time(shown.time().replace(second=0), with_part=late),
                  "what": self._describer.what(occurrence.reminder.purpose)}
        if occurrence.reminder.id == DAILY_CHECKIN_ID:
            return "utter_daily_checkin", values
        base = "utter_reminder_due_plain" if occurrence.reminder.purpose.kind == PLAIN else "utter_reminder_due"
        return (f"{base}_late" if late else base), values

    # The answer -------------------------------------------------------------------

    def actions(self) -> dict[str, Callable[[Parse], Any]]:
        return {}

    def answer(self, question: Question, read: Read, parse: Parse) -> Step:
        occurrence: Occurrence = question.get("occurrence")
        now = self._session.clock.local_time()
        if self._purposes.means_stop(parse.text) or parse.intent == "stop_reminders":
            return self._turn_off(occurrence)
        if self._purposes.means_later(parse.text) or parse.intent == "later":
            return self._later(occurrence, now)
        if (read.reading is Reading.ANSWER and read.value == "yes") or parse.intent == "thank":
            return self._accept(occurrence, parse)
        if (read.reading is Reading.ANSWER and read.value == "no") or read.reading is Reading.WAY_OUT:
            return self._decline(occurrence, now)
        if read.reading is Reading.REQUEST:
            self._close(occurrence, "declined")
            return Handover(parse)
        if question.get("unclear") == 0:
            said = self._actions.say_response("utter_reminder_unclear").question
            return Prompt(flow_question(FLOW, "yes_no", said.said, question.name, said.offers,
                                        occurrence=occurrence, unclear=1))
        self._actions.say_response("utter_reminder_left")
        self._close(occurrence, "missed")
        return Rest()

    def silence(self, question: Question, silences: int) -> Step | bool:
        """Listened once more in silence; then put off a few minutes, once; then nothing until the next one."""
        if silences < 2:
            return Prompt(question)
        occurrence: Occurrence = question.get("occurrence")
        now = self._session.clock.local_time()
        if not occurrence.retried:
            again = self.agenda.say_again(occurrence, RETRY_AFTER_S, now)
            if self.agenda.when_said(again, again.due_at) == again.due_at:
                self._asked.discard(occurrence.key)
                return Rest()
        self._close(occurrence, "missed")
        return Rest()

    def dropped(self, question: Question) -> None:
        """Its question was left for something else (a crisis, another question): it is not said again."""
        occurrence: Occurrence | None = question.get("occurrence")
        if occurrence is not None and occurrence.key in self._asked:
            self._close(occurrence, "missed")

    def _accept(self, occurrence: Occurrence, parse: Parse) -> Step:
        self._close(occurrence, "accepted")
        purpose = occurrence.reminder.purpose
        if purpose.kind == EXERCISE:
            return Handover(Parse(parse.text, self._purposes.exercises[purpose.exercise], 1.0))
        if purpose.kind == CHECKIN:
            return Handover(Parse(parse.text, MOOD_CHECKIN, 1.0))
        self._actions.say_response("utter_reminder_noted")
        return Rest()

    def _decline(self, occurrence: Occurrence, now: datetime) -> Step:
        self._close(occurrence, "declined")
        if occurrence.reminder.purpose.kind == CHECKIN:
            attempt(lambda: self._book.journal.set_meta(
                CHECKIN_DECLINED_KEY, now.astimezone(self._zone).date().isoformat()))
            self._actions.say_response("utter_checkin_declined_today")
        else:
            self._actions.say_response("utter_reminder_declined")
        return Rest()

    def _later(self, occurrence: Occurrence, now: datetime) -> Step:
        if occurrence.snoozed:
            self._actions.say_response("utter_reminder_left")
            self._close(occurrence, "declined")
            return Rest()
        again = self.agenda.say_again(occurrence, SNOOZE_S, now, snoozed=True)
        if self.agenda.when_said(again, again.due_at) != again.due_at:
            self._actions.say_response("utter_reminder_snooze_quiet")
            self._close(again, "declined")
            return Rest()
        self._asked.discard(occurrence.key)
        self._session.emit("reminder", id=occurrence.reminder.id, state="snoozed")
        self._actions.say_response("utter_reminder_snoozed")
        return Rest()

    def _turn_off(self, occurrence: Occurrence) -> Step:
        reminder = occurrence.reminder
        self._close(occurrence, "declined")
        if reminder.id == DAILY_CHECKIN_ID:
            routine_off(self._session, reminder.id)
            self._actions.say_response("utter_daily_checkin_turned_off")
        elif reminder.id in ROUTINE_IDS:
            routine_off(self._session, reminder.id)
            self._actions.say_response("utter_reminder_turned_off", what=self._describer.what(reminder.purpose))
        else:
            attempt(lambda: self._book.set_active(reminder.id, False))
            self._actions.say_response("utter_reminder_turned_off", what=self._describer.what(reminder.purpose))
        return Rest()

