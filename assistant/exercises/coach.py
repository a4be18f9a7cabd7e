"""The executor's side of the programme: which exercise to run, what to say around it, what to remember.

The dialogue picks `action_start_exercise` (for any request: by name, by
group, by need, with a length), `action_exercise_menu` ("what can I do?"),
`action_suggest_exercise` (after a low check-in or a low week) and the
answers to "why did you suggest that?", "don't suggest that again", "I liked
that". The programme (exercises/programme.yml) decides what fits; this flow
asks its questions through the one way of asking - a progression offer, a
suggestion, the menu's choices - and every exercise it settles on is started
by handing the dialogue a request for exactly that one, so what follows an
exercise is always the dialogue's rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Mapping

from assistant.conversation.actions import ActionResult
from assistant.conversation.asking import Read, Reading
from assistant.conversation.flows import Handover, Step, flow_question, with_detail
from assistant.conversation.state import Prompt, Question
from assistant.dialogue.engine import Parse
from assistant.exercises.programme import Choice, Line, Moment, Programme, Request
from assistant.exercises.records import ProgrammeRecords
from assistant.exercises.runner import ExerciseRunner
from assistant.exercises.scripts import ExerciseScript
from assistant.journal.store import JournalError, attempt
from assistant.text import fold

if TYPE_CHECKING:
    from assistant.conversation.router import Conversation

FLOW = "exercise"
PROGRESSION, SUGGESTION, MENU = "exercise_progression", "exercise_suggestion", "exercise_menu"
CHOSEN = "exercise_chosen"
"""The entity of the request this flow hands the dialogue once it has settled on an exercise."""
CHOSEN_MINUTES = "exercise_chosen_minutes"
SECTION_OF_INTENT = {"start_breathing": "breathing", "start_meditation": "meditation", "start_grounding": "meditation",
                     "start_relaxation": "body", "start_sleep": "body"}
"""When the menu asks which kind, these requests name a section rather than one exercise."""
ARTICLES = frozenset({"the", "a", "an", "le", "la", "les", "l", "un", "une", "des", "du"})


def chosen(exercise_id: str, minutes: int) -> Parse:
    """The request that starts exactly this exercise at this length (no further offer)."""
    return Parse("", "exercise_for_need", 1.0, [{"entity": CHOSEN, "value": exercise_id},
                                               {"entity": CHOSEN_MINUTES, "value": str(minutes)}])


def _words(title: str) -> str:
    """A title as it may be said to choose it: folded, without its article ("the body scan" -> "body scan")."""
    words = fold(title).replace("'", " ").split()
    return " ".join(words[1:] if words and words[0] in ARTICLES else words)


class ExerciseFlow:
    name = FLOW

    def __init__(self, conversation: Conversation, programme: Programme, records: ProgrammeRecords,
                 health_flags: Callable[[], frozenset[str]], suggestions_on: Callable[[], bool]):
        self._conversation = conversation
        self._session = conversation.session
        self._actions = conversation.actions
        self._journal = conversation.journal
        self._programme = programme
        self._records = records
        self._health_flags = health_flags
        self._suggestions_on = suggestions_on
        self.runner = ExerciseRunner(self._session, conversation.judge,
                                     lambda: self._actions.text("utter_exercise_paused"),
                                     lambda: self._actions.text("utter_exercise_resumed"),
                                     scripts=programme.scripts)
        self._last_run: str | None = None
        self._last_why: Line | None = None
        self._last_suggested: str | None = None

    @property
    def scripts(self) -> Mapping[str, ExerciseScript]:
        return self._programme.scripts

    def actions(self) -> dict[str, Callable[[Parse], ActionResult]]:
        return {"action_start_exercise": self._start, "action_exercise_menu": self._menu,
                "action_suggest_exercise": self._suggest, "action_why_suggested": self._why,
                "action_dont_suggest": self._dont_suggest, "action_liked_exercise": self._liked}

    def _now(self):
        return self._session.clock.local_time()

    def _user(self):
        try:
            return self._records.user(self._health_flags(), self._now())
        except JournalError:
            from assistant.exercises.programme import UserRecord

            return UserRecord(health_flags=self._health_flags())

    def _say(self, line: Line) -> str:
        text = line.text(self._session.lang)
        self._session.say(text)
        return text

    # Starting an exercise -----------------------------------------------------------------

    def _request(self, parse: Parse) -> Request | None:
        chosen_id, minutes = parse.entity(CHOSEN), parse.entity(CHOSEN_MINUTES)
        if chosen_id in self.scripts:
            return Request(exercise_id=chosen_id, minutes=int(minutes) if minutes else None)
        if parse.intent in ("shorter", "longer") and self._last_run:
            return Request(exercise_id=self._last_run, length="short" if parse.intent == "shorter" else "long")
        intent = parse.intent if parse.intent in self._programme.rules.intents else "exercise_for_need"
        return self._programme.request(intent, parse.entities, parse.text)

    def _start(self, parse: Parse) -> ActionResult:
        request = self._request(parse)
        user = self._user()
        choice = self._programme.choose(request, user) if request is not None else None
        if choice is None:
            return ActionResult({"exercise_outcome": "interrupted"},
                                prompt=self._actions.say_response("utter_exercise_unavailable"))
        offer = None
        if request.minutes is None and request.length is None and parse.entity(CHOSEN) is None:
            offer = self._programme.next_step(user, choice.script.id, self._now(), self._suggestions_on())
        if offer is not None:
            attempt(lambda: self._records.offered(choice.script.id, offer.kind, self._now()))
            self._last_why = offer.why
            said = self._say(offer.offer)
            question = flow_question(FLOW, "yes_no", (said,), PROGRESSION, exercise=offer.choice.script.id,
                                     minutes=offer.choice.minutes, usual=choice.script.id, usual_minutes=choice.minutes)
            return ActionResult({"exercise_outcome": "waiting"}, prompt=Prompt(question))
        return self._run(choice)

    def _run(self, choice: Choice) -> ActionResult:
        for note in choice.notes:
            self._say(note)
        started = self._now()
        result = self.runner.run(choice.script, choice.minutes, **choice.run_options())
        ran = self.scripts.get(result.exercise_id, choice.script)
        self._last_run = ran.id
        attempt(lambda: self._journal.add_exercise(ran.id, ran.kind, started, result.outcome, result.minutes))
        outcome = "quiet" if result.ends_quietly else result.outcome
        return ActionResult({"exercise_outcome": outcome}, handoff=result.handoff, quiet=result.ends_quietly)

    # Suggestions ---------------------------------------------------------------------------

    def _suggest(self, parse: Parse) -> ActionResult:
        """What fits the moment (today's mood and sleep, the time, what was just said), with its reason."""
        mood, slept = self._today()
        need = parse.entity("need")
        suggestions = self._programme.suggestions(self._user(), Moment(self._now(), mood, slept, need),
                                                  self._suggestions_on())
        if not suggestions:
            return ActionResult(prompt=self._actions.say_response("utter_ok_later"))
        return ActionResult(prompt=self._offer_suggestion(0, mood, slept, need))

    def _today(self) -> tuple[int | None, int | None]:
        try:
            return self._records.today(self._now())
        except JournalError:
            return None, None

    def _offer_suggestion(self, index: int, mood, slept, need) -> Prompt | None:
        suggestions = self._programme.suggestions(self._user(), Moment(self._now(), mood, slept, need),
                                                  self._suggestions_on())
        if index >= len(suggestions):
            self._say(self._programme.nothing_else())
            return None
        suggestion = suggestions[index]
        self._last_why, self._last_suggested = suggestion.why, suggestion.choice.script.id
        said = (self._say(suggestion.offer), self._actions.text("utter_yes_no_or_else"))
        self._session.say(said[1])
        return Prompt(flow_question(FLOW, "yes_no", said, SUGGESTION, index=index, mood=mood, slept=slept, need=need,
                                    exercise=suggestion.choice.script.id, minutes=suggestion.choice.minutes))

    # The menu ---------------------------------------------------------------------------------

    def _menu(self, parse: Parse) -> ActionResult:
        return ActionResult(prompt=self._menu_page(None, 0))

    def _menu_page(self, section: str | None, page: int) -> Prompt:
        user = self._user()
        shown = self._programme.menu(page) if section is None else self._programme.section(section, user, page)
        said = tuple(self._say(line) for line in shown.lines)
        lang = self._session.lang
        names = {option: (next(item.title(lang) for item in self._programme.rules.sections if item.id == option)
                          if section is None else self.scripts[option].title[lang]) for option in shown.options}
        return Prompt(flow_question(FLOW, "choice", said, MENU, tuple(_words(name) for name in names.values()),
                                    section=section, page=page, more=shown.has_more,
                                    options=tuple(names.items())))

    def _menu_answer(self, question: Question, read: Read, parse: Parse) -> Step:
        section, options = question.get("section"), dict(question.get("options"))
        text = f" {fold(parse.text).replace(chr(39), ' ')} "
        picked = next((option for option, name in options.items() if f" {_words(name)} " in text), None)
        if section is None and picked is None:
            picked = SECTION_OF_INTENT.get(parse.intent) if SECTION_OF_INTENT.get(parse.intent) in options else None
        if section is not None and picked is None and parse.entity("exercise") in options:
            picked = parse.entity("exercise")
        if picked is not None and section is None:
            return self._menu_page(picked, 0)
        if picked is not None:
            choice = self._programme.choose(Request(exercise_id=picked), self._user())
            return Handover(chosen(picked, choice.minutes)) if choice else None
        if parse.intent == "something_else" and question.get("more"):
            return self._menu_page(section, question.get("page") + 1)
        if read.reading in (Reading.REQUEST, Reading.WAY_OUT) or parse.intent in self._programme.rules.intents:
            return Handover(parse) if read.reading is not Reading.WAY_OUT else self._actions.say_response("utter_ok_later")
        for line in question.said:
            self._session.say(line)
        return Prompt(question)

    # Answers to the flow's questions -----------------------------------------------------------

    def answer(self, question: Question, read: Read, parse: Parse) -> Step:
        if question.name == MENU:
            return self._menu_answer(question, read, parse)
        yes = read.reading is Reading.ANSWER and read.value == "yes"
        if question.name == PROGRESSION:
            if yes:
                return Handover(chosen(question.get("exercise"), question.get("minutes")))
            if read.reading is Reading.ANSWER and read.value == "no":
                return Handover(chosen(question.get("usual"), question.get("usual_minutes")))
        if question.name == SUGGESTION:
            if yes:
                return Handover(chosen(question.get("exercise"), question.get("minutes")))
            if read.reading is Reading.ANSWER and read.value == "no":
                return self._actions.say_response("utter_ok_later")
            if parse.intent == "dont_suggest":
                self._exclude(question.get("exercise"))
            if parse.intent in ("something_else", "dont_suggest"):
                return self._offer_suggestion(question.get("index") + 1, question.get("mood"), question.get("slept"),
                                              question.get("need"))
        if parse.intent == "why_suggested" and self._last_why is not None:
            self._say(self._last_why)
            for line in question.said:
                self._session.say(line)
            return Prompt(question)
        if read.reading in (Reading.REQUEST, Reading.WAY_OUT) or parse.intent.startswith("start_"):
            return Handover(parse) if read.reading is not Reading.WAY_OUT else self._actions.say_response("utter_ok_later")
        unclear = question.get("unclear", 0) + 1
        if unclear > 2:
            return self._actions.say_response("utter_ok_later")
        self._session.say(self._actions.text("utter_unclear_yes_no" if unclear == 1 else "utter_choices_yes_no"))
        return Prompt(with_detail(question, unclear=unclear))

    def silence(self, question: Question, silences: int) -> Step | bool:
        return False

    # What the user says about exercises ----------------------------------------------------

    def _why(self, parse: Parse) -> ActionResult:
        if self._last_why is None:
            return ActionResult(prompt=self._actions.say_response("utter_nothing_suggested"))
        self._say(self._last_why)
        return ActionResult()

    def _exclude(self, exercise: str | None) -> None:
        if exercise is not None:
            attempt(lambda: self._records.exclude(exercise, self._now()))
            self._say(self._programme.excluded(exercise))

    def _dont_suggest(self, parse: Parse) -> ActionResult:
        exercise = parse.entity("exercise") or self._last_suggested or self._last_run
        if exercise not in self.scripts:
            return ActionResult(prompt=self._actions.say_response("utter_nothing_suggested"))
        self._exclude(exercise)
        return ActionResult()

    def _liked(self, parse: Parse) -> ActionResult:
        exercise = parse.entity("exercise") or self._last_run
        if exercise not in self.scripts:
            return ActionResult(prompt=self._actions.say_response("utter_what_next"))
        attempt(lambda: self._records.like(exercise, self._now()))
        self._say(self._programme.liked(exercise))
        return ActionResult()

