"""A validated questionnaire asked by voice: offered when due, or asked for, item by item.

Every item is a question of the one way of asking (kind "option"), owned by
this flow: universal commands and the safety layer come first as everywhere;
the answer is read by the instrument's own matcher (its words, close
paraphrases, its numbers), a paraphrase or an unsure hearing is confirmed
before it is kept, "skip" skips the item, "stop" ends the run (kept,
incomplete, never scored), and a clear request elsewhere ends it the same way
and is answered. Every answer is stored the moment it is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Callable

from assistant.conversation.actions import ActionResult
from assistant.conversation.asking import CONFIRM_BELOW, Read, Reading
from assistant.conversation.flows import Handover, Step, flow_question, with_detail
from assistant.conversation.state import Prompt, Question
from assistant.dialogue.engine import Parse
from assistant.journal.store import JournalError, attempt
from assistant.questionnaires.answers import AnswerMatcher, Confidence
from assistant.questionnaires.catalogue import Catalogue, GrammaticalForm
from assistant.questionnaires.instruments import Instrument
from assistant.questionnaires.run import Run
from assistant.questionnaires.schedule import Offer, completed, no_more, not_today, offer_decision, offered
from assistant.questionnaires.scoring import change_between, score_run
from assistant.questionnaires.spoken import SpokenQuestionnaire
from assistant.questionnaires.store import QuestionnaireStore

if TYPE_CHECKING:
    from assistant.conversation.router import Conversation

FLOW = "questionnaire"
ITEM, CONFIRM, OFFER = "questionnaire_item", "questionnaire_confirm", "questionnaire_offer"
UNCLEAR_BEFORE_SKIPPING = 2
"""Unclear answers to one item before it is skipped: asked again, then the options read again, then skipped."""


@dataclass
class _Open:
    """The run being asked, with what says and hears it (one per conversation at a time)."""

    id: int | None
    """Its row in the journal; None when it could not be stored."""
    run: Run
    spoken: SpokenQuestionnaire
    matcher: AnswerMatcher
    how_started: str


def reported(score) -> int | None:
    """The score a clinician reads: the percentage where the instrument defines one (WHO-5), else the total."""
    return score.percentage if score.percentage is not None else score.total


class QuestionnaireFlow:
    name = FLOW

    def __init__(self, conversation: Conversation, catalogue: Catalogue, store: QuestionnaireStore):
        self._conversation = conversation
        self._session = conversation.session
        self._actions = conversation.actions
        self._catalogue = catalogue
        self._store = store
        self._open: _Open | None = None
        self._offered_this_conversation = False

    # Starting --------------------------------------------------------------------------

    def actions(self) -> dict[str, Callable[[Parse], ActionResult]]:
        return {"action_start_questionnaire": self._asked_for}

    def _asked_for(self, parse: Parse) -> ActionResult:
        """ "Can we do the questions from the clinic now?": the enabled instrument due first, or the first enabled."""
        now = self._session.clock.local_time()
        schedules = [schedule for schedule in self._schedules() if schedule.instrument_id in self._catalogue.instruments]
        if not schedules:
            return ActionResult(prompt=self._actions.say_response("utter_no_questionnaire"))
        schedules.sort(key=lambda schedule: offer_decision(schedule, now) is not Offer.OFFER)
        return ActionResult(prompt=self._begin(self._catalogue.instruments[schedules[0].instrument_id], "asked"))

    def _begin(self, instrument: Instrument, how_started: str) -> Prompt:
        lang = self._session.lang
        spoken = SpokenQuestionnaire(instrument, lang, self._catalogue, self._form())
        run = Run(instrument, lang, self._session.clock.local_time())
        run_id = attempt(lambda: self._store.start_run(run, how_started))
        self._open = _Open(run_id if run_id is not False else None, run, spoken, AnswerMatcher(instrument, lang, self._catalogue), how_started)
        for line in [*spoken.introduction(self._clinic()), spoken.instructions(), *spoken.options()]:
            self._session.say(line)
        return self._ask_item(with_lead=True)

    def _form(self) -> GrammaticalForm:
        """How French inclusive forms ("senti(e)") are said: the setting, else the masculine, French's default."""
        chosen = self._session.settings.grammatical_form
        return GrammaticalForm(chosen) if chosen else GrammaticalForm.MASCULINE

    def _clinic(self) -> str | None:
        return self._session.settings.contact.name or None

    # Asking ----------------------------------------------------------------------------

    def _ask_item(self, with_lead: bool = False, unclear: int = 0) -> Prompt:
        opened = self._require()
        item = opened.run.next_item
        lines = tuple(opened.spoken.item(item, with_lead=with_lead))
        for line in lines:
            self._session.say(line)
        question = flow_question(FLOW, "option", lines[-1:], ITEM, tuple(opened.matcher.grammar()),
                                 item=item.id, unclear=unclear)
        return Prompt(question)

    def takes(self, question: Question, parse: Parse) -> bool:
        """An item's answer wins over a command the NLU may hear in it ("presque tous les jours")."""
        return question.name == ITEM and self._open is not None and self._open.matcher.match(parse.text) is not None

    def answer(self, question: Question, read: Read, parse: Parse) -> Step:
        if question.name == OFFER:
            return self._offer_answer(question, read, parse)
        if self._open is None:
            return None
        if question.name == CONFIRM:
            return self._confirmation(question, read, parse)
        opened = self._open
        intent = parse.intent
        match = opened.matcher.match(parse.text)
        if match is not None:
            unsure = match.confidence is Confidence.CLOSE or (read.confidence is not None
                                                               and read.confidence < CONFIRM_BELOW)
            if unsure:
                said = opened.spoken.confirm(match.option)
                self._session.say(said)
                return Prompt(flow_question(FLOW, "yes_no", (said,), CONFIRM, option=match.option.key,
                                            item=question.get("item")))
            return self._keep(match.option.key, Confidence.EXACT)
        if intent == "ask_choices":
            for line in opened.spoken.options():
                self._session.say(line)
            return Prompt(question)
        if intent == "skip":
            return self._skip()
        if intent == "stop" or read.reading is Reading.REQUEST:
            self._finish(stopped=True)
            return Handover(parse) if read.reading is Reading.REQUEST else None
        return self._unclear(question)

    def _unclear(self, question: Question) -> Step:
        unclear = question.get("unclear", 0) + 1
        if unclear > UNCLEAR_BEFORE_SKIPPING:
            self._session.say(self._actions.text("utter_questionnaire_moving_on"))
            return self._skip()
        if unclear == 1:
            self._session.say(self._actions.text("utter_questionnaire_unclear"))
        for line in self._require().spoken.options():
            self._session.say(line)
        for line in question.said:
            self._session.say(line)
        return Prompt(with_detail(question, unclear=unclear))

    def _confirmation(self, question: Question, read: Read, parse: Parse) -> Step:
        if read.reading is Reading.ANSWER and read.value == "yes":
            return self._keep(question.get("option"), Confidence.CLOSE)
        if read.reading is Reading.ANSWER and read.value == "no":
            return self._ask_item()
        item_question = flow_question(FLOW, "option", (), ITEM, item=question.get("item"))
        return self.answer(item_question, read, parse)

    def _keep(self, option_key: str, confidence: Confidence) -> Step:
        """Store the answer; a hopeless answer ("yes" to "Is your situation hopeless?") gets the distress question."""
        opened = self._require()
        now = self._session.clock.local_time()
        item = opened.run.next_item
        opened.run = opened.run.answered(opened.run.instrument.option(option_key), confidence, now)
        self._store_last_answer()
        if item.distress_on == option_key:
            return Prompt(self._conversation.responder.distress("questionnaire_answer"))
        return self._next()

    def _skip(self) -> Step:
        opened = self._require()
        opened.run = opened.run.skipped(self._session.clock.local_time())
        self._store_last_answer()
        return self._next()

    def _store_last_answer(self) -> None:
        opened = self._require()
        if opened.id is not None:
            attempt(lambda: self._store.add_answer(opened.id, opened.run, opened.run.answers[-1]))

    def _next(self) -> Step:
        if self._require().run.finished:
            return self._finish(stopped=False)
        return self._ask_item()

    # Ending ------------------------------------------------------------------------

    def _finish(self, stopped: bool) -> Step:
        opened = self._require()
        now = self._session.clock.local_time()
        run = opened.run.stopped(now) if stopped else opened.run
        score = score_run(run.instrument, {answer.item_id: answer.option_key for answer in run.answers})
        complete = score.complete and not stopped
        saved = opened.id is not None and attempt(
            lambda: self._store.end_run(opened.id, run, "completed" if complete else "stopped", score)) is not False
        if complete:
            self._update_schedule(run.instrument.id, lambda schedule: completed(schedule, now))
        self._open = None
        self._session.emit("questionnaire", id=run.instrument.id, items_answered=score.items_answered,
                           complete=complete, score=reported(score) if complete else None, saved=saved)
        clinic = self._clinic()
        for line in opened.spoken.closing(clinic, shared_with_clinic=False, complete=complete,
                                          threshold_passed=complete and bool(score.thresholds_passed)):
            self._session.say(line)
        return None if stopped else self._actions.say_response("utter_questionnaire_after")

    def dropped(self, question: Question) -> None:
        """A crisis, or another request, came instead of an answer: the run ends incomplete, its answers kept."""
        if self._open is not None and question.name in (ITEM, CONFIRM):
            opened = self._require()
            now = self._session.clock.local_time()
            run = opened.run.stopped(now)
            score = score_run(run.instrument, {answer.item_id: answer.option_key for answer in run.answers})
            saved = opened.id is not None and attempt(
                lambda: self._store.end_run(opened.id, run, "left", score)) is not False
            self._open = None
            self._session.emit("questionnaire", id=run.instrument.id, items_answered=score.items_answered,
                               complete=False, score=None, saved=saved)

    def silence(self, question: Question, silences: int) -> Step | bool:
        if question.name == ITEM and silences <= 2:
            for line in question.said:
                self._session.say(line)
            return Prompt(question)
        return False

    # Offering when due ----------------------------------------------------------------

    def next_due(self, now: datetime) -> datetime | None:
        """Offered once per conversation at most, when an enabled instrument is due and not declined."""
        if self._offered_this_conversation or self._open is not None or self._conversation.state.after_crisis:
            return None
        return now if self._due_instrument(now) is not None else None

    def speak(self, now: datetime) -> Step:
        instrument = self._due_instrument(now)
        self._offered_this_conversation = True
        if instrument is None:
            return None
        self._update_schedule(instrument.id, lambda schedule: offered(schedule, now))
        count = self._catalogue.words[self._session.lang].spoken_number(len(instrument.items))
        text = self._actions.text("utter_offer_questionnaire", count=count,
                                  clinic=self._clinic() or self._actions.text("utter_questionnaire_nobody"))
        self._session.say(text)
        return Prompt(flow_question(FLOW, "yes_no", (text,), OFFER, instrument=instrument.id))

    def _offer_answer(self, question: Question, read: Read, parse: Parse) -> Step:
        now = self._session.clock.local_time()
        instrument_id = question.get("instrument")
        if parse.intent == "no_more":
            self._update_schedule(instrument_id, lambda schedule: no_more(schedule, now))
            return self._actions.say_response("utter_questionnaire_no_more")
        if read.reading is Reading.ANSWER and read.value == "yes":
            return self._begin(self._catalogue.instruments[instrument_id], "offered")
        if read.reading is Reading.REQUEST:
            return Handover(parse)
        self._update_schedule(instrument_id, lambda schedule: not_today(schedule, now))
        return self._actions.say_response("utter_questionnaire_not_today")

    def _due_instrument(self, now: datetime) -> Instrument | None:
        for schedule in self._schedules():
            if schedule.instrument_id in self._catalogue.instruments and offer_decision(schedule, now) is Offer.OFFER:
                return self._catalogue.instruments[schedule.instrument_id]
        return None

    # What "how have I been" can add ------------------------------------------------------

    def summary_line(self) -> str | None:
        """The last WHO-5 against the one before, in plain words ("a little better"), or None."""
        instrument = self._catalogue.instruments.get("who5")
        if instrument is None:
            return None
        try:
            runs = self._store.complete_runs("who5", 2)
        except JournalError:
            return None
        if len(runs) < 2:
            return None
        later, earlier = (score_run(instrument, self._store.answers_of(run["id"])) for run in runs)
        change = change_between(instrument, earlier, later)
        return self._actions.text(f"utter_wellbeing_{change.value}")

    # Storage ---------------------------------------------------------------------------

    def _schedules(self):
        """The instruments the clinic switched on (settings), with this person's history (journal)."""
        try:
            return self._store.schedules(self._session.settings.questionnaires.every)
        except JournalError:
            return []

    def _update_schedule(self, instrument_id: str, change) -> None:
        schedule = next((item for item in self._schedules() if item.instrument_id == instrument_id), None)
        if schedule is not None:
            attempt(lambda: self._store.save_schedule(change(schedule)))


    def _require(self) -> _Open:
        if self._open is None:
            raise RuntimeError("no questionnaire is being asked")
        return self._open
