"""Reminders by voice: set one, hear them, cancel one, stop them all.

"Remind me to do my breathing every evening at six": what and when are read
from the words (purpose.py, spoken.py); whatever is missing is asked, one
question at a time; a part or moment of the day ("every morning after
breakfast") becomes a concrete time. The reminder is then read back slowly and
saved only after an explicit yes. Deleting one, or turning them all off, is
asked explicitly too. Every question goes through the one way of asking.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Callable

from assistant.conversation.actions import ActionResult
from assistant.conversation.asking import Read, Reading
from assistant.conversation.flows import Handover, Step, flow_question, with_detail
from assistant.conversation.state import Prompt, Question
from assistant.dialogue.engine import Parse
from assistant.journal.store import JournalError, attempt
from assistant.schedule.describe import Describer
from assistant.schedule.purpose import CHECKIN, EXERCISE, PLAIN, Purpose
from assistant.schedule.recurrence import WEEK, Recurrence, moment_on
from assistant.schedule.spoken import WhenHeard
from assistant.schedule.speaking import routine_off
from assistant.schedule.store import DAILY_CHECKIN_ID, ROUTINE_IDS, Reminder, ReminderBook

FLOW = "reminder_setting"
OWN_REQUESTS = frozenset({"list_reminders", "cancel_reminder", "stop_reminders", "set_reminder"})
"""Said instead of an answer, these are requests for this flow's other actions."""
LEFT = {"reminder_delete": "utter_reminder_kept", "reminder_which": "utter_reminder_kept",
        "reminders_stop": "utter_reminders_kept"}
"""What is said when a question of this flow is left without a yes (default: nothing was set)."""
NOT_SET = "utter_reminder_not_set"


@dataclass(frozen=True)
class Draft:
    """A reminder being set: what for, and what was said about when."""

    purpose: Purpose | None
    when: WhenHeard


def merged(before: WhenHeard, now: WhenHeard) -> WhenHeard:
    """What was said about when, with what was just said on top ("no, at seven": the days stay)."""
    if now.from_now_min:
        return now
    said_time = now.at is not None or now.proposed is not None
    return WhenHeard(
        at=now.at if said_time else before.at, proposed=now.proposed if said_time else before.proposed,
        weekdays=now.weekdays if now.said_days else before.weekdays, on=now.on if now.said_days else before.on,
        next_weekday=now.next_weekday if now.said_days else before.next_weekday,
        from_now_min=None if said_time or now.said_days else before.from_now_min)


class ReminderSetting:
    """The reminder flow for what the user asks about reminders."""

    name = FLOW

    def __init__(self, conversation: Any, book: ReminderBook, describer: Describer):
        self._session = conversation.session
        self._actions = conversation.actions
        self._book = book
        self._describer = describer
        self._times = describer.times
        self._purposes = describer.purposes

    def actions(self) -> dict[str, Callable[[Parse], ActionResult]]:
        return {"action_set_reminder": self._set, "action_list_reminders": self._list,
                "action_cancel_reminder": self._cancel, "action_stop_reminders": self._stop}

    # Asking -------------------------------------------------------------------

    def _now(self) -> datetime:
        return self._session.clock.local_time()

    def _ask(self, step: str, response: str, values: dict[str, str] | None = None, **detail: Any) -> Prompt:
        """Say `response` (filled with `values`) and wait for the answer to `step` of this flow."""
        asked = self._actions.say_response(response, **(values or {})).question
        return Prompt(flow_question(FLOW, asked.kind, asked.said, step, asked.offers, unclear=0, **detail))

    def _again(self, question: Question, response: str) -> Prompt:
        """The same question, asked again in other words."""
        asked = self._actions.say_response(response).question
        return Prompt(replace(with_detail(question, unclear=1), said=asked.said))

    def _left(self, question: Question) -> None:
        self._say(LEFT.get(question.name, NOT_SET))

    def _say(self, response: str, **values: Any) -> None:
        self._actions.say_response(response, **values)

    # Setting ------------------------------------------------------------------

    def _last_exercise(self) -> str | None:
        """What "this" means in "remind me to do this": the last exercise done, if one was."""
        try:
            rows = self._book.journal.read("select kind from exercise_sessions order by started_at desc limit 1")
        except JournalError:
            return None
        return rows[0]["kind"] if rows else None

    def _set(self, parse: Parse) -> ActionResult:
        now = self._now()
        when = self._times.read(parse.text, now)
        purpose = self._purposes.read(parse.text, when.spans, self._last_exercise())
        return ActionResult(prompt=self._next(Draft(purpose, when), now))

    def _next(self, draft: Draft, now: datetime) -> Prompt:
        """The next question for `draft`: what, when, or the read-back."""
        if draft.purpose is None:
            return self._ask("reminder_what", "utter_reminder_ask_what", draft=draft)
        if draft.when.at is None and draft.when.proposed is None and not draft.when.from_now_min:
            return self._ask("reminder_when", "utter_reminder_ask_when", draft=draft)
        scheduled = self._schedule(draft, now)
        if scheduled is None:
            self._say("utter_reminder_passed")
            return self._ask("reminder_when", "utter_reminder_ask_when", draft=replace(draft, when=WhenHeard()))
        recurrence, explicit = scheduled
        values = self._describer.values(draft.purpose, recurrence, now.date())
        asked = self._actions.say_response("utter_reminder_read_back", slow=True, **values).question
        return Prompt(flow_question(FLOW, "yes_no", asked.said, "reminder_confirm", draft=draft,
                                    recurrence=recurrence, explicit=explicit, unclear=0))

    def _schedule(self, draft: Draft, now: datetime) -> tuple[Recurrence, bool] | None:
        """When it comes back, and whether its time was said as a clock time; None if that time has passed."""
        when, zone, today = draft.when, now.tzinfo, now.date()
        if when.from_now_min:
            moment = (now + timedelta(minutes=when.from_now_min)).replace(second=0, microsecond=0)
            return Recurrence(moment.time().replace(tzinfo=None), frozenset(), moment.date()), True
        at = when.at or when.proposed
        explicit = when.at is not None
        if when.weekdays:
            return Recurrence(at, when.weekdays), explicit
        day = when.on
        if day is None and when.next_weekday is not None:
            day = today + timedelta(days=(when.next_weekday - today.weekday()) % 7)
            if moment_on(day, at, zone) <= now:
                day += timedelta(days=7)
        if day is None:
            purpose = draft.purpose
            if purpose.kind != PLAIN or self._purposes.daily_by_default(purpose.label or ""):
                return Recurrence(at, WEEK), explicit
            day = today if moment_on(today, at, zone) > now else today + timedelta(days=1)
        if moment_on(day, at, zone) <= now:
            return None
        return Recurrence(at, frozenset(), day), explicit

    def _save(self, question: Question) -> None:
        draft: Draft = question.get("draft")
        recurrence: Recurrence = question.get("recurrence")
        if not attempt(lambda: self._book.add(draft.purpose, recurrence, question.get("explicit"), self._now(),
                                              "voice")):
            self._say("utter_reminder_not_saved")
            return
        values = self._describer.values(draft.purpose, recurrence, self._now().date())
        self._say("utter_reminder_saved", days=values["days"], time=values["time"])

    # Hearing them -------------------------------------------------------------

    def _candidates(self) -> list[Reminder]:
        """The reminders the user can name: theirs, and the routines of the settings that are on."""
        return [*self._book.all(), *self._book.routines(self._session.settings, self._now())]

    def _describe(self, reminder: Reminder) -> dict[str, str]:
        values = self._describer.values(reminder.purpose, reminder.recurrence, self._now().date())
        return {**values, "days": values["days"][:1].upper() + values["days"][1:]}

    def _list(self, parse: Parse) -> ActionResult:
        found = attempt(lambda: (self._book.all(), self._book.routines(self._session.settings, self._now())))
        reminders, routines = found if found else ([], [])
        if not reminders:
            self._say("utter_reminders_none")
        elif len(reminders) == 1:
            self._say("utter_reminders_count_one")
        else:
            self._say("utter_reminders_count", count=len(reminders))
        for reminder in reminders:
            self._say("utter_reminders_item" if reminder.active else "utter_reminders_item_off",
                      **self._describe(reminder))
        for routine in routines:
            self._say(f"utter_reminders_{routine.id}", time=self._times.say_time(routine.recurrence.at))
        return ActionResult()

    # Cancelling -----------------------------------------------------------------

    def _matching(self, text: str, reminders: list[Reminder]) -> list[Reminder]:
        """The reminders `text` names best ("the evening one", "the tablets", "the one at eight")."""
        now = self._now()
        when = self._times.read(text, now)
        parts = self._times.part_said(self._times.plain_words(text))
        exercise = self._purposes.exercise_named(text)
        checkin = self._purposes.checkin_named(text)
        words = self._purposes.telling_words(text)

        def score(reminder: Reminder) -> int:
            purpose, recurrence = reminder.purpose, reminder.recurrence
            return sum((
                self._times.part_of_day(recurrence.at) in parts,
                when.at is not None and when.at == recurrence.at,
                bool(when.weekdays & recurrence.weekdays),
                exercise is not None and purpose.kind == EXERCISE and purpose.exercise == exercise,
                checkin and purpose.kind == CHECKIN,
                len(words & self._purposes.telling_words(purpose.label or "")),
            ))

        scores = [(score(reminder), reminder) for reminder in reminders]
        best = max((value for value, _ in scores), default=0)
        return [reminder for value, reminder in scores if value == best and best > 0]

    def _cancel(self, parse: Parse) -> ActionResult:
        reminders = self._candidates()
        if not reminders:
            self._say("utter_reminders_none")
            return ActionResult()
        matched = self._matching(parse.text, reminders)
        if len(matched) != 1 and len(reminders) == 1:
            matched = reminders
        if len(matched) == 1:
            return ActionResult(prompt=self._confirm_delete(matched[0]))
        return ActionResult(prompt=self._ask("reminder_which", "utter_reminder_which"))

    def _confirm_delete(self, reminder: Reminder) -> Prompt:
        if reminder.id == DAILY_CHECKIN_ID:
            values = {"time": self._times.say_time(reminder.recurrence.at)}
            return self._ask("reminder_delete", "utter_daily_checkin_stop_confirm", reminder=reminder, values=values)
        return self._ask("reminder_delete", "utter_reminder_delete_confirm", reminder=reminder,
                         values=self._describe(reminder))

    def _delete(self, reminder: Reminder) -> None:
        if reminder.id in ROUTINE_IDS:
            routine_off(self._session, reminder.id)
        else:
            if not attempt(lambda: self._book.remove(reminder.id)):
                self._say("utter_reminder_not_saved")
                return
        self._say("utter_reminder_deleted")

    # Stopping them all -----------------------------------------------------------

    def _stop(self, parse: Parse) -> ActionResult:
        if not any(reminder.active for reminder in self._candidates()):
            self._say("utter_reminders_none")
            return ActionResult()
        return ActionResult(prompt=self._ask("reminders_stop", "utter_reminders_stop_confirm"))

    def _stop_all(self) -> None:
        if not attempt(self._book.turn_all_off):
            self._say("utter_reminder_not_saved")
            return
        for routine in self._book.routines(self._session.settings, self._now()):
            routine_off(self._session, routine.id)
        self._say("utter_reminders_stopped")

    # Answers ------------------------------------------------------------------

    def takes(self, question: Question, parse: Parse) -> bool:
        """A time said in answer to "when?" is an answer, whatever command the NLU may hear in it."""
        return question.name == "reminder_when" and self._times.read(parse.text, self._now()).said_when

    def answer(self, question: Question, read: Read, parse: Parse) -> Step:
        step = question.name
        if step == "reminder_what":
            return self._answer_what(question, read, parse)
        if step == "reminder_when":
            return self._answer_when(question, read, parse)
        if step == "reminder_which":
            return self._answer_which(question, read, parse)
        return self._answer_yes_no(question, read, parse)

    def _unclear(self, question: Question, again: str, parse: Parse, read: Read) -> Step:
        """A request said instead is answered; anything else is asked again once, then left."""
        if read.reading is Reading.REQUEST or parse.intent in OWN_REQUESTS:
            return Handover(parse)
        if question.get("unclear") == 0:
            return self._again(question, again)
        self._say("utter_reminder_not_understood")
        return None

    def _answer_what(self, question: Question, read: Read, parse: Parse) -> Step:
        if read.reading is Reading.WAY_OUT:
            self._left(question)
            return None
        draft: Draft = question.get("draft")
        now = self._now()
        heard = self._times.read(parse.text, now)
        purpose = self._purposes.read(parse.text, heard.spans, self._last_exercise())
        if purpose is None:
            return self._unclear(question, "utter_reminder_ask_what_again", parse, read)
        return self._next(Draft(purpose, merged(draft.when, heard)), now)

    def _answer_when(self, question: Question, read: Read, parse: Parse) -> Step:
        if read.reading is Reading.WAY_OUT:
            self._left(question)
            return None
        draft: Draft = question.get("draft")
        now = self._now()
        heard = self._times.read(parse.text, now)
        if not heard.said_when:
            return self._unclear(question, "utter_reminder_ask_when_again", parse, read)
        return self._next(Draft(draft.purpose, merged(draft.when, heard)), now)

    def _answer_which(self, question: Question, read: Read, parse: Parse) -> Step:
        if read.reading is Reading.WAY_OUT:
            self._left(question)
            return None
        matched = self._matching(parse.text, self._candidates())
        if len(matched) == 1:
            return self._confirm_delete(matched[0])
        if read.reading is Reading.REQUEST or parse.intent in OWN_REQUESTS - {"cancel_reminder"}:
            return Handover(parse)
        self._say("utter_reminder_not_found")
        if question.get("unclear") == 0:
            self._list(parse)
            return self._again(question, "utter_reminder_which")
        self._left(question)
        return None

    def _answer_yes_no(self, question: Question, read: Read, parse: Parse) -> Step:
        step = question.name
        yes = read.reading is Reading.ANSWER and read.value == "yes"
        no = read.reading is Reading.ANSWER and read.value == "no"
        if step == "reminder_confirm" and no:
            heard = self._times.read(parse.text, self._now())
            draft: Draft = question.get("draft")
            if heard.said_when:
                return self._next(Draft(draft.purpose, merged(draft.when, heard)), self._now())
            return self._ask("reminder_when", "utter_reminder_ask_when_change", draft=draft)
        if yes:
            if step == "reminder_confirm":
                self._save(question)
            elif step == "reminder_delete":
                self._delete(question.get("reminder"))
            else:
                self._stop_all()
            return None
        if read.reading is Reading.REQUEST:
            return Handover(parse)
        if not (no or read.reading is Reading.WAY_OUT) and question.get("unclear") == 0:
            return self._again(question, "utter_unclear_yes_no")
        self._left(question)
        return None

    def silence(self, question: Question, silences: int) -> Step | bool:
        """Asked once more; then left (nothing is saved, deleted or stopped without a yes)."""
        if silences < 2:
            for said in question.said:
                self._session.say(said)
            return Prompt(question)
        self._left(question)
        return None
