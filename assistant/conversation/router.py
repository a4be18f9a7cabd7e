"""One conversation, from the first hello to the end of input.

Each utterance goes: safety layer -> (safety response | the question waiting
for an answer | universal command | dialogue) -> executor actions -> speech.
The safety layer's response is called here directly, never predicted by the
trained dialogue; the dialogue is told afterwards what happened. Whatever is
being asked, the one way of asking (asking.py) reads the answer.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Sequence

from assistant.conversation.actions import Actions
from assistant.conversation.asking import Asking, AnswerRules, Read, Reading
from assistant.conversation.commands import run_command
from assistant.conversation.flows import FLOW_KEY, Flow, Handover, Proactive, Rest, Step
from assistant.conversation.scores import Scale
from assistant.conversation.state import ConversationState, Owner, Prompt, Question
from assistant.conversation.understanding import Understanding, Understood
from assistant.dialogue.engine import MAX_ACTIONS_PER_TURN, Dialogue, Parse
from assistant.exercises.runner import Control
from assistant.journal.store import Journal, JournalError
from assistant.safety.response import SafetyResponder, SafetyTexts
from assistant.session.inbox import EndOfInput, Utterance
from assistant.session.session import Session

REPROMPT_AFTER_S = 12.0
"""Silence before the assistant asks again, more clearly (seconds)."""
REPROMPTS = 2
"""How many times it asks again before saying it will wait."""
WAITING_LISTEN_S = 3600.0
"""Once it has said it will wait, it listens this long at a time, silently (seconds)."""
UNCLEAR_BEFORE_LEAVING = 2
"""Unclear answers to one question before it is left: asked again, then its choices, then left."""
EXERCISE_HANDOFF = frozenset({"talk_to_someone", "goodbye", "ask_to_call"})
"""Said during an exercise, these end it and are answered by the conversation."""


class Conversation:
    def __init__(self, session: Session, dialogue: Dialogue, understanding: Understanding, journal: Journal,
                 scale: Scale, warn: Callable[[str], None],
                 flows: Callable[[Conversation], Sequence[Flow]] = lambda conversation: (),
                 proactive: Callable[[Conversation], Sequence[Proactive]] = lambda conversation: (),
                 stays: bool = False):
        """`flows` and `proactive` build the executor's own flows and what else may speak first, given the conversation.

        A flow that may speak first (it has `next_due`) is asked too, and one that
        adds to "how have I been" (it has `summary_line`) is heard there.

        `stays`: a live device (`assistant run`) is not over at goodbye; it goes back
        to waiting quietly for the wake phrase, and keeps time for what speaks first.
        """
        self.session = session
        self.dialogue = dialogue
        self.understanding = understanding
        self.journal = journal
        self.asking = Asking(AnswerRules.load(), scale)
        self.responder = SafetyResponder(session, journal, SafetyTexts.load(), warn)
        self.actions = Actions(session, dialogue, journal, self.responder, scale, session.clock, warn)
        self.flows = {flow.name: flow for flow in flows(self)}
        for flow in self.flows.values():
            self.actions.add_flow_actions(flow.actions())
            if hasattr(flow, "summary_line"):
                self.actions.add_summary_line(flow.summary_line)
        self.proactive = [flow for flow in self.flows.values() if hasattr(flow, "next_due")] + list(proactive(self))
        self.state = ConversationState()
        self._spoke_first_at: float | None = None
        self.ended = False
        self._stays = stays
        self._judged: tuple[Utterance, Understood] | None = None
        self._warn = warn

    # The loop -------------------------------------------------------------------

    def run(self) -> None:
        try:
            self._open()
            while not self.ended:
                # After a crisis the person's answer must always be heard: no wake phrase then.
                waiting = self.state.silences > REPROMPTS and not self.state.after_crisis
                timeout = WAITING_LISTEN_S if waiting else REPROMPT_AFTER_S
                due_in = self._due_in()
                if due_in is not None and due_in <= 0 and self._spoke_first_at != self.session.clock.now():
                    # Due now: it speaks before listening (once per moment, so a source that stays due
                    # cannot keep the user from being heard).
                    self._spoke_first_at = self.session.clock.now()
                    self._speak_first()
                    continue
                speaks_first = due_in is not None and 0 < due_in < timeout
                utterance = self.session.listen(self.state.expectation, due_in if speaks_first else timeout,
                                                needs_wake=waiting)
                if utterance is not None:
                    self.state = replace(self.state, silences=0)
                    self.handle(utterance)
                elif speaks_first:
                    self._speak_first()
                else:
                    self.state = replace(self.state, silences=self.state.silences + 1)
                    self._after_silence()
        except EndOfInput:
            pass
        finally:
            self.dialogue.save()
            self.journal.close()
        self.session.emit("end")

    def _open(self) -> None:
        introduced = self.journal.get_meta("introduced_at")
        self._ask(self.actions.say_response("utter_welcome_back" if introduced else "utter_introduction"))
        if not introduced:
            try:
                self.journal.set_meta("introduced_at", self.session.clock.local_time().isoformat())
            except JournalError:
                pass  # the journal has told the caregiver and the user (journal/notices.py)

    def _ask(self, prompt: Prompt | Question | None) -> None:
        before = self.state.question
        self.state = self.state.asking(prompt)
        flow = self.flows.get(before.get(FLOW_KEY)) if before is not None else None
        if flow is not None and (self.state.question is None or self.state.question.get(FLOW_KEY) != flow.name):
            dropped = getattr(flow, "dropped", None)
            if dropped is not None:
                dropped(before)

    # Speaking first ---------------------------------------------------------------

    def _due_in(self) -> float | None:
        """Seconds until something wants to speak first; None while a question waits or nothing is due.

        A question left unanswered once the assistant has said it will wait no longer
        holds back what speaks first; the safety question always does.
        """
        left = self.state.silences > REPROMPTS and not self.state.in_safety
        if (self.state.question is not None and not left) or not self.proactive:
            return None
        now = self.session.clock.local_time()
        due = [moment for moment in (source.next_due(now) for source in self.proactive) if moment is not None]
        return min((moment - now).total_seconds() for moment in due) if due else None

    def _speak_first(self) -> None:
        now = self.session.clock.local_time()
        for source in self.proactive:
            due = source.next_due(now)
            if due is not None and due <= now:
                self._take_step(source.speak(now))
                self.state = replace(self.state, silences=0)
                return

    def _take_step(self, step: Step) -> None:
        if isinstance(step, Handover):
            self._ask(None)
            self._unprompted(step.parse, None)
        elif isinstance(step, Rest):
            self._ask(None)
            self.state = replace(self.state, silences=REPROMPTS + 1)
        else:
            self._ask(step)

    def _after_silence(self) -> None:
        silences, question = self.state.silences, self.state.question
        if question is not None and question.owner in (Owner.SAFETY, Owner.DISTRESS):
            if silences <= REPROMPTS + 1:
                self._ask(self.responder.silence(question))
            return
        if question is not None and question.get(FLOW_KEY) in self.flows:
            step = self.flows[question.get(FLOW_KEY)].silence(question, silences)
            if step is not False:
                self._take_step(step)
                return
        if silences <= REPROMPTS:
            self.actions.say_response(f"utter_reprompt_{self.state.expectation.kind}")
        elif silences == REPROMPTS + 1:
            self.actions.say_response("utter_will_wait")

    # One turn -------------------------------------------------------------------

    def understand(self, utterance: Utterance) -> Understood:
        """Safety first, then NLU; reports what was heard."""
        if self._judged and self._judged[0] is utterance:
            return self._judged[1]
        understood = self.understanding(utterance.text)
        self.session.emit("heard", text=utterance.text, intent=understood.parse.intent,
                          confidence=round(understood.parse.confidence, 3))
        return understood

    def handle(self, utterance: Utterance, during_exercise: bool = False) -> None:
        """One turn; `during_exercise` when it interrupted an exercise (which has stopped)."""
        understood = self.understand(utterance)
        if understood.safety is not None and self._safety(understood, during_exercise):
            return
        parse, question = understood.parse, self.state.question
        if question is None:
            if parse.intent in self.asking.rules.commands:
                run_command(parse.intent, self.session, self.actions.text, None)
            else:
                self._unprompted(parse, utterance)
            return
        read = self.asking.read(question, parse, utterance.confidence,
                                self._safety_requests() if self.state.in_safety else None)
        if question.owner in (Owner.SAFETY, Owner.DISTRESS):
            self._safety_answer(question, read, parse, utterance)
        elif question.owner is Owner.EXECUTOR and question.get(FLOW_KEY) in self.flows:
            flow = self.flows[question.get(FLOW_KEY)]
            takes = getattr(flow, "takes", None)
            if read.reading is Reading.COMMAND and not (takes is not None and takes(question, parse)):
                run_command(read.value, self.session, self.actions.text, question)
            else:
                self._take_step(flow.answer(question, read, parse))
        elif question.owner is Owner.CONFIRM:
            self._confirmation(question, read, parse, utterance)
        else:
            self._answer(question, read, parse)

    def _safety(self, understood: Understood, during_exercise: bool) -> bool:
        """The safety layer fired: its response, called directly. False if the turn goes on as usual.

        A mild body sign ("I feel funny", "a bit dizzy") stops an exercise; said at
        another time it is talk of feeling unwell, for the dialogue.
        """
        finding = understood.safety
        if finding.level == "crisis":
            self._ask(self.responder.crisis(finding.kind))
            self.state = replace(self.state, after_crisis=True)
            self._tell_dialogue(understood.parse, "action_safety_response", {"in_safety_response": True})
            return True
        if finding.level == "body":
            if not (finding.urgent or during_exercise):
                return False
            self.responder.body(finding.kind, finding.urgent)
            self._ask(None)
            return True
        if self.state.in_safety:
            return False
        self._ask(self.responder.distress(finding.kind))
        return True

    def _safety_requests(self) -> frozenset[str]:
        from assistant.safety.response import EXPLICIT_REQUESTS

        return EXPLICIT_REQUESTS | {"goodbye"}

    def _tell_dialogue(self, parse: Parse, action: str, slots: dict) -> None:
        """Record in the dialogue what the executor did on its own (the safety response)."""
        self.dialogue.user_said(replace(parse, intent="crisis"))
        self.dialogue.action_done(action, slots)
        self.dialogue.action_done("action_listen")
        self.dialogue.save()

    # Answers --------------------------------------------------------------------

    def _answer(self, question: Question, read: Read, parse: Parse) -> None:
        """The answer to a question the dialogue (or the executor) asked."""
        kind = self.asking.rules.kind(question.kind)
        if read.reading is Reading.COMMAND:
            run_command(read.value, self.session, self.actions.text, question)
        elif read.reading is Reading.ANSWER:
            self._dialogue_turn(self._answer_parse(question, read, parse))
        elif read.reading is Reading.UNSURE:
            self._confirm(question, read, parse)
        elif read.reading is Reading.FEELING:
            self.actions.reflect(read.value)
            self.state = replace(self.state, unclear=0)
            self._say_again(question)
        elif read.reading is Reading.WAY_OUT:
            self._ask(None)
            self._dialogue_turn(replace(parse, intent=parse.intent if parse.intent in ("skip", "stop")
                                        and question.kind == "number" else kind.way_out_intent, entities=[]))
        elif read.reading is Reading.REQUEST:
            self._ask(None)
            self._unprompted(parse, None)
        else:
            self._unclear(question, parse)

    def _answer_parse(self, question: Question, read: Read, parse: Parse) -> Parse:
        """The answer as the dialogue's rules expect it: report_mood with its score, affirm, deny..."""
        if question.kind == "number":
            value = str(read.value)
            return Parse(parse.text, "report_mood", 1.0, [{"entity": "mood_score", "value": value}],
                         (("mood_score", value, value),))
        if question.kind == "yes_no":
            entities = [{"entity": entity, "value": value} for entity, value in question.get("yes_means", ())]
            intent = {"yes": "affirm", "no": "deny"}.get(read.value, "unsure")
            return Parse(parse.text, intent, 1.0, entities if intent == "affirm" else [])
        return Parse(parse.text, "share", 1.0)

    def _unclear(self, question: Question, parse: Parse) -> None:
        """Asked again, then the choices said shorter, then the question left: never the same sentence thrice."""
        kind = self.asking.rules.kind(question.kind)
        unclear = self.state.unclear + 1
        if unclear > UNCLEAR_BEFORE_LEAVING:
            self._ask(None)
            self._dialogue_turn(replace(parse, intent=kind.way_out_intent, entities=[]))
            return
        response = kind.again if unclear == 1 else kind.choices
        self._ask(replace(question, said=(self.actions.text(response),)))
        self.session.say(self.state.question.said[0])
        self.state = replace(self.state, unclear=unclear)

    def _say_again(self, question: Question) -> None:
        for said in question.said:
            self.session.say(said)

    def _confirm(self, question: Question | None, read: Read, parse: Parse) -> None:
        """Check an unsure answer before acting on it: "Did you say three?", "That sounds like a two"."""
        if read.score is not None and read.score.sureness.value == "exact":
            name, values = "utter_did_you_say", {"answer": parse.text}
        else:
            name, values = "utter_confirm_score", {"score": read.value,
                                                   "word": self.asking.scale.words.get(read.value, "")}
        asked = self.actions.say_response(name, **values).question
        self._ask(Question("yes_no", Owner.CONFIRM, asked.said if asked else (), name, candidate=read.value,
                           confirms=question))

    def _confirmation(self, question: Question, read: Read, parse: Parse, utterance: Utterance) -> None:
        """The yes or no to "Did you say ...?"; anything else is read as an answer to the first question."""
        original = question.confirms
        if read.reading is Reading.ANSWER and read.value == "yes":
            self._ask(original)
            target = original or Question("number", Owner.DIALOGUE, (), "unprompted")
            self._dialogue_turn(self._answer_parse(target, Read(Reading.ANSWER, question.candidate), parse))
        elif read.reading is Reading.ANSWER and read.value == "no":
            if original is None:
                self._ask(self.actions.say_response("utter_misunderstood"))
            else:
                self._ask(original)
                self._say_again(original)
        elif read.reading is Reading.COMMAND:
            run_command(read.value, self.session, self.actions.text, question)
        elif original is not None:
            self._ask(original)
            self._answer(original, self.asking.read(original, parse, utterance.confidence), parse)
        else:
            self._ask(None)
            self._unprompted(parse, utterance)

    def _safety_answer(self, question: Question, read: Read, parse: Parse, utterance: Utterance) -> None:
        asked_again = self.state.unclear
        outcome = self.responder.follow_up(question, read, utterance.text, asked_again)
        if outcome == "command":
            run_command(read.value, self.session, self.actions.text, question)
        elif outcome == "dialogue":
            self._ask(None)
            self._unprompted(parse, None)
        else:
            self._ask(outcome)
            if outcome is not None and outcome.name == question.name:
                self.state = replace(self.state, unclear=asked_again + 1)

    # Nothing asked ----------------------------------------------------------------

    def _unprompted(self, parse: Parse, utterance: Utterance | None) -> None:
        """A turn with no question waiting: the dialogue decides, with scores said unprompted checked first."""
        if parse.intent == "goodbye" and self.state.after_crisis:
            self.responder.goodbye()
            self._goodbye()
            return
        if parse.intent == "report_mood":
            score = self.asking.scale.read(parse)
            if score is None:
                parse = replace(parse, intent="mood_checkin")
            elif not self.asking.scale.said_plainly(parse):
                self._confirm(None, Read(Reading.UNSURE, score.value, None), parse)
                return
        self._dialogue_turn(parse)

    def _dialogue_turn(self, parse: Parse) -> None:
        self.dialogue.user_said(parse)
        handoff, prompt, quiet, ends = None, None, False, False
        for _ in range(MAX_ACTIONS_PER_TURN):
            name = self.dialogue.next_action()
            if name == "action_listen":
                break
            result = self.actions.run(name, parse)
            self.dialogue.action_done(name, result.slots)
            prompt, quiet = result.prompt, result.quiet
            if result.ends_conversation:
                ends = True
                break
            if result.handoff or result.slots.get("exercise_outcome") == "interrupted":
                handoff = result.handoff
                break
        self.dialogue.action_done("action_listen")
        self.dialogue.save()
        self._ask(prompt)
        if quiet:
            # It ended in silence on purpose (the sleep wind-down): wait, without a word, for the wake phrase.
            self.state = replace(self.state, silences=REPROMPTS + 1)
        if ends:
            self._goodbye()
        if handoff is not None:
            self.handle(handoff, during_exercise=True)

    def _goodbye(self) -> None:
        """The user said goodbye: the conversation ends, or on a live device it waits quietly for the wake phrase."""
        if self._stays:
            self._ask(None)
            self.state = replace(self.state, silences=REPROMPTS + 1)
        else:
            self.ended = True

    # During an exercise -----------------------------------------------------------

    def judge(self, utterance: Utterance, paused: bool) -> Control:
        """What an utterance said during an exercise means for it: the exercise runner asks (safety first)."""
        understood = self.understand(utterance)
        self._judged = (utterance, understood)
        intent = understood.parse.intent
        if understood.safety is not None or intent in EXERCISE_HANDOFF:
            return Control.HANDOFF
        if intent == "stop":
            return Control.STOP
        if intent == "pause" and not paused:
            return Control.PAUSE
        if intent in ("resume", "affirm") and paused:
            return Control.RESUME
        if intent in ("shorter", "longer"):
            return Control.SHORTER if intent == "shorter" else Control.LONGER
        if intent == "help":
            self.session.say(self.actions.text("utter_exercise_help"), remember=False)
        elif intent == "repeat" and self.session.last_said:
            self.session.say(self.session.last_said, remember=False)
        elif intent in self.asking.rules.commands - {"repeat", "help"}:
            run_command(intent, self.session, self.actions.text, None)
            if intent == "slower":
                return Control.SLOWER_BREATH
        return Control.CONTINUE
