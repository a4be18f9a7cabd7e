"""The programme: which exercise, how long, and why, from the rules in exercises/programme.yml.

The conversation asks it four kinds of question, each answered from plain
records (past sessions, likes, exclusions, health flags, the time of day), so
the journal and the settings can feed it without it knowing either:

- the catalogue: "what can I do?", at most three choices at a time;
- a choice: by name, by group, by need, by length ("ten minutes", "a short
  one"), kept safe by the health flags, with what to say first (the nearest
  length when the one asked is not offered, why another exercise is offered);
- suggestions that fit the moment, each with its one-clause reason and its
  answer to "why did you suggest that?", in order, so "something else" is
  the next one;
- progression: after several sessions finished, the next step; after sessions
  stopped early, a shorter or gentler one. Never a streak, never a reproach.

Every rule and every sentence is data; this module only reads them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Iterable, Mapping

from assistant import LANGUAGES, datafile
from assistant.exercises.data import Checker, ExerciseDataError, Sentence
from assistant.exercises.scripts import CONTRAINDICATIONS, GROUPS, NEEDS, ExerciseScript
from assistant.languages import LANGUAGE_DATA
from assistant.paths import EXERCISES_DIR
from assistant.text import fold

PROGRAMME_FILE = EXERCISES_DIR / "programme.yml"
_SAYS_MINUTES = re.compile(r"\b(min|mins|minutes?|hours?|heures?)\b")
"""A number is a length only when the words say minutes (or hours, for "half an hour" and "une demi-heure")."""
LENGTH_WORDS = ("short", "long")
"""The values of the `length` entity: "a short one" is the shortest length, "a long one" the longest."""


class ProgrammeError(ExerciseDataError):
    """exercises/programme.yml is wrong; the message names the line."""


# The records the programme reads ------------------------------------------------------------

@dataclass(frozen=True)
class PastSession:
    """One exercise the user did (from the journal)."""

    exercise_id: str
    minutes: int | None
    """The length asked for, when known."""
    outcome: str
    """finished, stopped or interrupted."""
    started_at: datetime
    """Local time, like the `now` it is compared with."""


@dataclass(frozen=True)
class PastOffer:
    """A progression offer already made, so it is not made again too soon."""

    exercise_id: str
    kind: str
    """longer, next_exercise, shorter or gentler (Offer.kind)."""
    at: datetime


@dataclass(frozen=True)
class UserRecord:
    """What the programme knows about the user."""

    sessions: tuple[PastSession, ...] = ()
    likes: frozenset[str] = frozenset()
    """Exercises the user said they liked."""
    exclusions: frozenset[str] = frozenset()
    """Exercises the user asked not to be suggested again (they can still ask for them)."""
    health_flags: frozenset[str] = frozenset()
    """What the caregiver recorded: heart_or_lung, pregnancy, recent_surgery, hearing_aid."""
    offers: tuple[PastOffer, ...] = ()

    def excluding(self, exercise_id: str) -> UserRecord:
        return replace(self, exclusions=self.exclusions | {exercise_id})

    def liking(self, exercise_id: str) -> UserRecord:
        return replace(self, likes=self.likes | {exercise_id})

    def finished(self, exercise_id: str) -> int:
        return sum(1 for session in self.sessions if session.exercise_id == exercise_id and session.outcome == "finished")


@dataclass(frozen=True)
class Moment:
    """What is true right now."""

    now: datetime
    """Local time."""
    mood_today: int | None = None
    """Today's check-in mood, 1 to 5."""
    slept_last_night: int | None = None
    """Last night's sleep from today's check-in, 1 to 5."""
    need: str | None = None
    """What the user has just said they need (calm, worry, sleep, low_mood, tension, pain)."""


@dataclass(frozen=True)
class Request:
    """What the user asked for; any of it may be missing."""

    exercise_id: str | None = None
    group: str | None = None
    need: str | None = None
    minutes: int | None = None
    length: str | None = None
    """short or long."""


# What the programme answers -------------------------------------------------------------------

@dataclass(frozen=True)
class Minutes:
    """A length, said with its word in the listener's language ("5 minutes")."""

    value: int


@dataclass(frozen=True)
class Sessions:
    value: int


@dataclass(frozen=True)
class Line:
    """A sentence and its values; said in either language (titles and counts are put in that language)."""

    sentence: Sentence
    values: Mapping[str, Any] = field(default_factory=dict)
    joins: "Lists | None" = None

    def text(self, lang: str) -> str:
        said = self.sentence(lang, **{name: self._value(value, lang) for name, value in self.values.items()})
        return said[:1].upper() + said[1:]

    def _value(self, value: Any, lang: str) -> str:
        if isinstance(value, ExerciseScript):
            return value.title[lang]
        if isinstance(value, Minutes):
            return LANGUAGE_DATA[lang].count(value.value, "minute")
        if isinstance(value, Sessions):
            return LANGUAGE_DATA[lang].count(value.value, "session")
        if isinstance(value, Sentence):
            return value(lang)
        if isinstance(value, tuple):
            return self.joins.join([self._value(item, lang) for item in value], lang)
        return str(value)


@dataclass(frozen=True)
class Lists:
    """How a list of choices is said: "A, B, or C" in English, "A, B ou C" in French."""

    word: Sentence
    """The word before the last choice ("or", "ou")."""
    comma_before_word: Mapping[str, bool]

    def join(self, items: list[str], lang: str) -> str:
        if len(items) <= 2:
            return f" {self.word(lang)} ".join(items)
        comma = "," if self.comma_before_word[lang] else ""
        return f"{', '.join(items[:-1])}{comma} {self.word(lang)} {items[-1]}"


@dataclass(frozen=True)
class Choice:
    """An exercise ready to run, and what to say before it."""

    script: ExerciseScript
    minutes: int
    asked_minutes: int | None = None
    """The length the user asked for in minutes, if they said one."""
    first_time: bool = False
    """The user is new to it: its first-time cycle limit applies (ExerciseRunner.run)."""
    fade_volume: bool = True
    """False keeps the volume steady where the script fades (ExerciseRunner.run)."""
    instead_of: ExerciseScript | None = None
    """The exercise asked for, when a health flag had another offered."""
    notes: tuple[Line, ...] = ()
    """What to say first: why another exercise, the nearest length when the one asked is not offered."""

    @property
    def exact_length(self) -> bool:
        """False when the user asked for a length that is not offered: `minutes` is the nearest (say so)."""
        return self.asked_minutes is None or self.asked_minutes == self.minutes

    def run_options(self) -> dict[str, bool]:
        """The keyword arguments of ExerciseRunner.run for this choice."""
        return {"first_time": self.first_time, "fade_volume": self.fade_volume}


@dataclass(frozen=True)
class Resized:
    """The answer to "shorter" or "longer" before an exercise starts."""

    choice: Choice
    changed: bool
    """False at the shortest or longest length: the choice is as it was."""
    line: Line


@dataclass(frozen=True)
class Suggestion:
    choice: Choice
    rule: str
    """The id of the rule that suggested it (programme.yml, suggestions)."""
    offer: Line
    """"As today feels hard, would you like ...? It takes 3 minutes." """
    why: Line
    """The answer to "why did you suggest that?", in one sentence."""


@dataclass(frozen=True)
class Offer:
    """A progression offer: the next step after sessions finished, a shorter one after stops."""

    kind: str
    """longer, next_exercise, shorter or gentler."""
    choice: Choice
    offer: Line
    why: Line


@dataclass(frozen=True)
class MenuPage:
    section: str | None
    """The section listed, or None for the sections themselves."""
    options: tuple[str, ...]
    """Section ids, or exercise ids, at most `per_page`."""
    page: int
    has_more: bool
    lines: tuple[Line, ...]
    """What to say: the choices, then "or say something else" when there are more."""


# The rules as loaded -----------------------------------------------------------------------

@dataclass(frozen=True)
class Section:
    id: str
    title: Sentence
    exercises: tuple[str, ...]


@dataclass(frozen=True)
class HealthFlag:
    avoids: frozenset[str]
    instead: str | None
    reason: Sentence | None
    keeps_volume: bool
    source: str


@dataclass(frozen=True)
class SuggestionRule:
    id: str
    when: Mapping[str, Any]
    offer: tuple[str, ...] | None
    """None: the user's liked exercises."""
    reason: Sentence
    why: Sentence


@dataclass(frozen=True)
class Progression:
    window_days: int
    first_time_until_finished: int
    new_breathing: str
    new_until_finished: int
    step_up_finished: int
    step_up_quiet_days: int
    moves_on: Mapping[str, str]
    step_down_stopped: int
    step_down_quiet_days: int
    gentler: Mapping[str, str]
    step_up_sentences: Mapping[str, Sentence]
    step_down_sentences: Mapping[str, Sentence]


@dataclass(frozen=True)
class Rules:
    per_page: int
    sections: tuple[Section, ...]
    intents: Mapping[str, Mapping[str, str]]
    groups: Mapping[str, str]
    needs: Mapping[str, str]
    health_flags: Mapping[str, HealthFlag]
    suggestion_offer: Sentence
    suggestions: tuple[SuggestionRule, ...]
    progression: Progression
    sentences: Mapping[str, Sentence]
    lists: Lists


_SENTENCES = {"menu": {"choices"}, "menu_section": {"title", "choices"}, "menu_more": set(),
              "nearest_length": {"title", "asked", "length"}, "resized": {"title", "length"},
              "at_shortest": {"title", "length"}, "at_longest": {"title", "length"}, "excluded": {"title"},
              "liked": {"title"}, "nothing_else": set()}
_STEP_UP_SENTENCES = {
    "offer": {"sessions", "title", "length", "next_length"}, "why": {"sessions", "title", "length", "next_length"},
    "offer_next_exercise": {"sessions", "title", "next_title", "next_length"},
    "why_next_exercise": {"sessions", "title", "next_title", "next_length"},
}
_STEP_DOWN_SENTENCES = {
    "offer": {"title", "length", "next_length"}, "why": {"title", "length", "next_length"},
    "offer_gentler": {"title", "length", "next_title", "next_length"},
    "why_gentler": {"title", "length", "next_title", "next_length"},
}
_OFFER_DIRECTIONS = (("longer", "next_exercise"), ("shorter", "gentler"))
"""Progression offers go up or down; one offer each way, then quiet for a while."""
_WHEN = {"need", "mood_today_at_most", "slept_at_most", "hours", "liked"}


class _RulesChecker(Checker):
    def __init__(self, path: Path, scripts: Mapping[str, ExerciseScript]):
        super().__init__(path, ProgrammeError)
        self.scripts = scripts

    def exercise(self, node: Any, key: str | int, parent: Any) -> str:
        value = node[key]
        if value not in self.scripts:
            raise self.fail(parent, f"'{value}' is not an exercise (exercises/scripts/ has: {', '.join(sorted(self.scripts))})")
        return value

    def exercises(self, node: Any, parent: Any, what: str) -> tuple[str, ...]:
        items = self.items(node, parent, what)
        return tuple(self.exercise(items, index, items) for index in range(len(items)))

    def whole(self, node: Any, key: str, low: int = 1) -> int:
        value = node.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            raise self.fail(node, f"'{key}' must be a whole number, at least {low}")
        return value

    def rules(self, node: Any) -> Rules:
        node = self.mapping(node, None, "the file", allowed=(), required=(
            "menu", "intents", "groups", "needs", "health_flags", "suggestion_offer", "suggestions", "progression",
            "sentences", "lists"))
        sentences = self.mapping(node["sentences"], node, "'sentences'", allowed=(), required=tuple(_SENTENCES))
        lists = self.mapping(node["lists"], node, "'lists'", allowed=(), required=("or", "comma_before_or"))
        commas = self.mapping(lists["comma_before_or"], lists, "'comma_before_or'", allowed=(), required=LANGUAGES)
        if not all(isinstance(value, bool) for value in commas.values()):
            raise self.fail(commas, "'comma_before_or' is true or false in each language")
        return Rules(
            per_page=self.whole(self.mapping(node["menu"], node, "'menu'", allowed=(), required=("per_page", "sections")),
                                "per_page", low=2),
            sections=self.sections(node["menu"]),
            intents=self.intents(node["intents"], node),
            groups=self.keyed(node["groups"], node, "'groups'", GROUPS),
            needs=self.keyed(node["needs"], node, "'needs'", NEEDS),
            health_flags=self.health_flags(node["health_flags"], node),
            suggestion_offer=self.sentence(node["suggestion_offer"], node, "'suggestion_offer'", {"reason", "title", "length"}),
            suggestions=self.suggestions(node["suggestions"], node),
            progression=self.progression(node["progression"], node),
            sentences={name: self.sentence(sentences[name], sentences, f"'{name}'", names)
                       for name, names in _SENTENCES.items()},
            lists=Lists(self.sentence(lists["or"], lists, "'or'", ()), dict(commas)),
        )

    def sections(self, menu: dict) -> tuple[Section, ...]:
        sections = []
        for item in self.items(menu["sections"], menu, "'sections'"):
            item = self.mapping(item, menu, "a section", allowed=(), required=("id", "title", "exercises"))
            sections.append(Section(item["id"], self.sentence(item["title"], item, "a section's title", ()),
                                    self.exercises(item["exercises"], item, "'exercises'")))
        listed = [exercise for section in sections for exercise in section.exercises]
        missing = sorted(set(self.scripts) - set(listed))
        twice = sorted({exercise for exercise in listed if listed.count(exercise) > 1})
        if missing or twice:
            raise self.fail(menu["sections"], f"every exercise is in exactly one section "
                                              f"(missing: {', '.join(missing) or 'none'}; twice: {', '.join(twice) or 'none'})")
        return tuple(sections)

    def intents(self, node: Any, parent: Any) -> dict[str, dict[str, str]]:
        intents = self.mapping(node, parent, "'intents'")
        for name, asks in intents.items():
            asks = self.mapping(asks, intents, f"intent '{name}'", allowed=("group", "need"))
            for key, vocabulary in (("group", GROUPS), ("need", NEEDS)):
                if key in asks:
                    self.choice(asks, key, vocabulary)
        return {name: dict(asks) for name, asks in intents.items()}

    def keyed(self, node: Any, parent: Any, what: str, vocabulary: Iterable[str]) -> dict[str, str]:
        mapping = self.mapping(node, parent, what, allowed=vocabulary, required=vocabulary)
        return {key: self.exercise(mapping, key, mapping) for key in mapping}

    def health_flags(self, node: Any, parent: Any) -> dict[str, HealthFlag]:
        flags = {}
        for name, flag in self.mapping(node, parent, "'health_flags'").items():
            flag = self.mapping(flag, node, f"health flag '{name}'", allowed=("instead", "reason", "keeps_volume"),
                                required=("avoids", "source"))
            avoids = self.items(flag["avoids"], flag, "'avoids'")
            for item in avoids:
                if item not in CONTRAINDICATIONS:
                    raise self.fail(avoids, f"'avoids' has '{item}', which is not one of {', '.join(CONTRAINDICATIONS)}")
            instead = self.exercise(flag, "instead", flag) if "instead" in flag else None
            if bool(avoids) != (instead is not None and "reason" in flag):
                raise self.fail(flag, "a flag that avoids something names the exercise offered 'instead' and the 'reason'")
            if instead is not None and set(self.scripts[instead].contraindications) & set(avoids):
                raise self.fail(flag, f"'{instead}' has what this flag avoids: it cannot be offered instead")
            flags[name] = HealthFlag(frozenset(avoids), instead,
                                     self.sentence(flag["reason"], flag, "'reason'", {"asked", "instead"})
                                     if "reason" in flag else None,
                                     bool(flag.get("keeps_volume", False)), " ".join(str(flag["source"]).split()))
        return flags

    def suggestions(self, node: Any, parent: Any) -> tuple[SuggestionRule, ...]:
        rules = []
        for item in self.items(node, parent, "'suggestions'"):
            item = self.mapping(item, node, "a suggestion", allowed=(), required=("id", "when", "offer", "reason", "why"))
            when = self.mapping(item["when"], item, "'when'", allowed=_WHEN)
            if "need" in when:
                self.choice(when, "need", NEEDS)
            for key in ("mood_today_at_most", "slept_at_most"):
                if key in when:
                    self.whole(when, key)
            if "hours" in when:
                hours = when["hours"]
                if not (isinstance(hours, list) and len(hours) == 2
                        and all(isinstance(hour, int) and 0 <= hour <= 23 for hour in hours)):
                    raise self.fail(when, "'hours' must be [from, to], two hours from 0 to 23")
            offer = None if item["offer"] == "liked" else self.exercises(item["offer"], item, "'offer'")
            rules.append(SuggestionRule(item["id"], dict(when), offer,
                                        self.sentence(item["reason"], item, "'reason'", ()),
                                        self.sentence(item["why"], item, "'why'", {"title"})))
        return tuple(rules)

    def progression(self, node: Any, parent: Any) -> Progression:
        node = self.mapping(node, parent, "'progression'", allowed=(),
                            required=("window_days", "first_time_until_finished", "new_user", "step_up", "step_down"))
        new = self.mapping(node["new_user"], node, "'new_user'", allowed=(), required=("breathing", "until_finished"))
        up = self.mapping(node["step_up"], node, "'step_up'", allowed=(), required=(
            "finished_at_length", "not_offered_again_for_days", "moves_on", *_STEP_UP_SENTENCES))
        down = self.mapping(node["step_down"], node, "'step_down'", allowed=(), required=(
            "stopped_in_window", "not_offered_again_for_days", "gentler", *_STEP_DOWN_SENTENCES))
        moves_on = self.mapping(up["moves_on"], up, "'moves_on'")
        for earlier in moves_on:
            self.exercise({"from": earlier}, "from", moves_on)
        gentler = self.mapping(down["gentler"], down, "'gentler'", allowed=GROUPS)
        return Progression(
            window_days=self.whole(node, "window_days"),
            first_time_until_finished=self.whole(node, "first_time_until_finished"),
            new_breathing=self.exercise(new, "breathing", new), new_until_finished=self.whole(new, "until_finished", 0),
            step_up_finished=self.whole(up, "finished_at_length", 2),
            step_up_quiet_days=self.whole(up, "not_offered_again_for_days", 0),
            moves_on={earlier: self.exercise(moves_on, earlier, moves_on) for earlier in moves_on},
            step_down_stopped=self.whole(down, "stopped_in_window"),
            step_down_quiet_days=self.whole(down, "not_offered_again_for_days", 0),
            gentler={group: self.exercise(gentler, group, gentler) for group in gentler},
            step_up_sentences={name: self.sentence(up[name], up, f"'{name}'", names)
                               for name, names in _STEP_UP_SENTENCES.items()},
            step_down_sentences={name: self.sentence(down[name], down, f"'{name}'", names)
                                 for name, names in _STEP_DOWN_SENTENCES.items()},
        )


def load_programme(scripts: Mapping[str, ExerciseScript], path: Path = PROGRAMME_FILE) -> Programme:
    """The programme over `scripts`, its rules checked; raises ProgrammeError naming the file and line."""
    return Programme(_RulesChecker(path, scripts).rules(datafile.read(path, ProgrammeError)), scripts)


# The programme ------------------------------------------------------------------------------

class Programme:
    """Answers "what can I do", "this one", "something for ...", "why", from the rules and the user's records."""

    def __init__(self, rules: Rules, scripts: Mapping[str, ExerciseScript]):
        self.rules = rules
        self.scripts = dict(scripts)
        self._order = [exercise for section in rules.sections for exercise in section.exercises]

    # Safety ----------------------------------------------------------------------------

    def _avoided(self, user: UserRecord) -> frozenset[str]:
        return frozenset().union(*(self.rules.health_flags[flag].avoids for flag in user.health_flags
                                   if flag in self.rules.health_flags))

    def allowed(self, exercise_id: str, user: UserRecord) -> bool:
        """Whether the user's health flags allow the exercise."""
        return not set(self.scripts[exercise_id].contraindications) & self._avoided(user)

    def _fade_volume(self, user: UserRecord) -> bool:
        return not any(self.rules.health_flags[flag].keeps_volume for flag in user.health_flags
                       if flag in self.rules.health_flags)

    # The catalogue ---------------------------------------------------------------------

    def menu(self, page: int = 0) -> MenuPage:
        """"What can I do?": the sections, at most `per_page` at a time."""
        sections = self.rules.sections
        return self._page(None, [section.id for section in sections], [section.title for section in sections], page,
                          lambda choices: Line(self.rules.sentences["menu"], {"choices": choices}, self.rules.lists))

    def section(self, section_id: str, user: UserRecord, page: int = 0) -> MenuPage:
        """The exercises of one section the user's health flags allow, at most `per_page` at a time."""
        section = next(item for item in self.rules.sections if item.id == section_id)
        exercises = [exercise for exercise in section.exercises if self.allowed(exercise, user)]
        return self._page(section_id, exercises, [self.scripts[exercise] for exercise in exercises], page,
                          lambda choices: Line(self.rules.sentences["menu_section"],
                                               {"title": section.title, "choices": choices}, self.rules.lists))

    def _page(self, section: str | None, ids: list[str], names: list[Any], page: int, line) -> MenuPage:
        size = self.rules.per_page
        start = page * size
        shown = ids[start:start + size]
        has_more = start + size < len(ids)
        lines = (line(tuple(names[start:start + size])),)
        if has_more:
            lines += (Line(self.rules.sentences["menu_more"]),)
        return MenuPage(section, tuple(shown), page, has_more, lines)

    # Choosing --------------------------------------------------------------------------

    def request(self, intent: str, entities: Iterable[Mapping[str, str]], text: str) -> Request | None:
        """What an NLU result asks for; None if the intent is not a request for an exercise.

        `entities` as the NLU gives them ({"entity", "value"}): `exercise` (a script
        id), `need`, `length` (short, long) and `minutes`. A number counts as minutes
        only when the words say minutes (or hours: "half an hour" once the minutes
        lookup has it): "four seven eight breathing" asks for no length.
        """
        if intent not in self.rules.intents:
            return None
        values = {item["entity"]: item["value"] for item in entities}
        minutes = None
        if "minutes" in values and _SAYS_MINUTES.search(fold(text)):
            try:
                minutes = int(float(values["minutes"]))
            except ValueError:
                minutes = None
        exercise = values.get("exercise") if values.get("exercise") in self.scripts else None
        asks = self.rules.intents[intent]
        return Request(exercise_id=exercise, group=None if exercise else asks.get("group"),
                       need=values.get("need") if values.get("need") in NEEDS else asks.get("need"),
                       minutes=minutes if minutes and minutes > 0 else None,
                       length=values.get("length") if values.get("length") in LENGTH_WORDS else None)

    def choose(self, request: Request, user: UserRecord) -> Choice | None:
        """The exercise and length for `request`, kept safe; None when nothing fits."""
        asked = self.scripts.get(request.exercise_id or "") or self._pick(request, user)
        if asked is None:
            return None
        script, flag = asked, None
        if not self.allowed(asked.id, user):
            flag = next(name for name in sorted(user.health_flags)
                        if name in self.rules.health_flags and self.rules.health_flags[name].avoids & set(asked.contraindications))
            instead = self.rules.health_flags[flag].instead
            script = self.scripts[instead] if instead and self.allowed(instead, user) else None
            if script is None:
                return None
        minutes = self._length(script, request, user)
        notes = ()
        if flag is not None:
            notes += (Line(self.rules.health_flags[flag].reason, {"asked": asked, "instead": script}),)
        if request.minutes is not None and minutes != request.minutes:
            notes += (Line(self.rules.sentences["nearest_length"],
                           {"title": script, "asked": Minutes(request.minutes), "length": Minutes(minutes)}),)
        return Choice(script, minutes, request.minutes, self._first_time(script, user), self._fade_volume(user),
                      asked if script is not asked else None, notes)

    def _pick(self, request: Request, user: UserRecord) -> ExerciseScript | None:
        """For a group or a need: the start for new users, liked ones, the rule's first choice, then the rest."""
        candidates: list[str] = []
        if request.need:
            candidates.append(self.rules.needs[request.need])
        if request.group:
            breathing_done = sum(user.finished(exercise) for exercise in self.scripts
                                 if self.scripts[exercise].group == "breathing")
            if request.group == "breathing" and breathing_done < self.rules.progression.new_until_finished:
                candidates.insert(0, self.rules.progression.new_breathing)
            candidates.append(self.rules.groups[request.group])
        if not request.need and not request.group:
            return None
        liked = [exercise for exercise in self._order if exercise in user.likes]
        candidates = liked + candidates + self._order

        def fits(exercise: str) -> bool:
            script = self.scripts[exercise]
            return ((request.group is None or script.group == request.group)
                    and (request.need is None or request.need in script.needs) and self.allowed(exercise, user))

        fitting = [exercise for exercise in dict.fromkeys(candidates) if fits(exercise)]
        preferred = [exercise for exercise in fitting if exercise not in user.exclusions] or fitting
        return self.scripts[preferred[0]] if preferred else None

    def usual_minutes(self, script: ExerciseScript, user: UserRecord) -> int:
        """The length the user last finished it at; the shortest while it is new."""
        finished = [session for session in user.sessions if session.exercise_id == script.id
                    and session.outcome == "finished" and session.minutes in script.lengths]
        if not finished:
            return script.lengths[0]
        return max(finished, key=lambda session: session.started_at).minutes

    def _length(self, script: ExerciseScript, request: Request, user: UserRecord) -> int:
        if request.minutes is not None:
            return script.minutes_for(request.minutes)
        if request.length == "short":
            return script.lengths[0]
        if request.length == "long":
            return script.lengths[-1]
        return self.usual_minutes(script, user)

    def _first_time(self, script: ExerciseScript, user: UserRecord) -> bool:
        return (script.max_cycles_at_first is not None
                and user.finished(script.id) < self.rules.progression.first_time_until_finished)

    def resize(self, choice: Choice, longer: bool) -> Resized:
        """"Shorter" or "plus court" before the exercise starts: the next length offered, or why not."""
        lengths = choice.script.lengths
        options = [length for length in lengths if (length > choice.minutes if longer else length < choice.minutes)]
        if not options:
            name = "at_longest" if longer else "at_shortest"
            return Resized(choice, False, Line(self.rules.sentences[name],
                                               {"title": choice.script, "length": Minutes(choice.minutes)}))
        minutes = options[0] if longer else options[-1]
        resized = replace(choice, minutes=minutes, asked_minutes=None,
                          notes=tuple(note for note in choice.notes if note.sentence is not self.rules.sentences["nearest_length"]))
        return Resized(resized, True, Line(self.rules.sentences["resized"], {"title": choice.script, "length": Minutes(minutes)}))

    # Suggestions -------------------------------------------------------------------------

    def suggestions(self, user: UserRecord, moment: Moment, enabled: bool = True) -> list[Suggestion]:
        """What fits the moment, best first, each with its reason; empty when a caregiver turned suggestions off."""
        if not enabled:
            return []
        found: list[Suggestion] = []
        seen: set[str] = set()
        for rule in self.rules.suggestions:
            if not self._fits(rule.when, user, moment):
                continue
            offered = rule.offer if rule.offer is not None else tuple(e for e in self._order if e in user.likes)
            for exercise in offered:
                if exercise in seen or exercise in user.exclusions or not self.allowed(exercise, user):
                    continue
                seen.add(exercise)
                choice = self.choose(Request(exercise_id=exercise), user)
                found.append(Suggestion(
                    choice, rule.id,
                    Line(self.rules.suggestion_offer,
                         {"reason": rule.reason, "title": choice.script, "length": Minutes(choice.minutes)}),
                    Line(rule.why, {"title": choice.script})))
        return found

    @staticmethod
    def _fits(when: Mapping[str, Any], user: UserRecord, moment: Moment) -> bool:
        if "need" in when and moment.need != when["need"]:
            return False
        if "mood_today_at_most" in when and (moment.mood_today is None or moment.mood_today > when["mood_today_at_most"]):
            return False
        if "slept_at_most" in when and (moment.slept_last_night is None or moment.slept_last_night > when["slept_at_most"]):
            return False
        if "hours" in when:
            start, end = when["hours"]
            hour = moment.now.hour
            if not (start <= hour < end if start <= end else hour >= start or hour < end):
                return False
        if when.get("liked") and not user.likes:
            return False
        return True

    # Progression -------------------------------------------------------------------------

    def next_step(self, user: UserRecord, exercise_id: str, now: datetime, enabled: bool = True) -> Offer | None:
        """After sessions of `exercise_id`: a longer or next one, a shorter or gentler one, or nothing.

        Looks at the last `window_days` days only. An offer is not made again for
        `not_offered_again_for_days` (UserRecord.offers). None when suggestions are off.
        """
        rules, script = self.rules.progression, self.scripts[exercise_id]
        window = [session for session in user.sessions if session.exercise_id == exercise_id
                  and timedelta(0) <= now - session.started_at <= timedelta(days=rules.window_days)]
        if not enabled or not window:
            return None
        latest = max(window, key=lambda session: session.started_at)
        offer, quiet_days = None, 0
        if latest.outcome == "stopped":
            if sum(1 for session in window if session.outcome == "stopped") >= rules.step_down_stopped:
                offer = self._step_down(script, latest.minutes or self.usual_minutes(script, user), user)
                quiet_days = rules.step_down_quiet_days
        elif latest.outcome == "finished":
            length = self.usual_minutes(script, user)
            finished = sum(1 for session in window if session.outcome == "finished" and session.minutes == length)
            if finished >= rules.step_up_finished:
                offer = self._step_up(script, length, finished, user)
                quiet_days = rules.step_up_quiet_days
        if offer is None or self._offered(user, exercise_id, offer.kind, now, quiet_days):
            return None
        return offer

    @staticmethod
    def _offered(user: UserRecord, exercise_id: str, kind: str, now: datetime, days: int) -> bool:
        """Whether an offer the same way (up or down) was made about the exercise in the last `days` days."""
        same_way = next(kinds for kinds in _OFFER_DIRECTIONS if kind in kinds)
        return any(offer.exercise_id == exercise_id and offer.kind in same_way and now - offer.at < timedelta(days=days)
                   for offer in user.offers)

    def _step_up(self, script: ExerciseScript, length: int, finished: int, user: UserRecord) -> Offer | None:
        sentences = self.rules.progression.step_up_sentences
        longer = [minutes for minutes in script.lengths if minutes > length]
        values = {"sessions": Sessions(finished), "title": script, "length": Minutes(length)}
        if longer:
            choice = self.choose(Request(exercise_id=script.id, minutes=longer[0]), user)
            values["next_length"] = Minutes(longer[0])
            return Offer("longer", choice, Line(sentences["offer"], values), Line(sentences["why"], values))
        following = self.rules.progression.moves_on.get(script.id)
        if following is None or following in user.exclusions or not self.allowed(following, user):
            return None
        choice = self.choose(Request(exercise_id=following), user)
        values.update(next_title=choice.script, next_length=Minutes(choice.minutes))
        return Offer("next_exercise", choice, Line(sentences["offer_next_exercise"], values),
                     Line(sentences["why_next_exercise"], values))

    def _step_down(self, script: ExerciseScript, length: int, user: UserRecord) -> Offer | None:
        sentences = self.rules.progression.step_down_sentences
        shorter = [minutes for minutes in script.lengths if minutes < length]
        values = {"title": script, "length": Minutes(length)}
        if shorter:
            choice = self.choose(Request(exercise_id=script.id, minutes=shorter[-1]), user)
            values["next_length"] = Minutes(shorter[-1])
            return Offer("shorter", choice, Line(sentences["offer"], values), Line(sentences["why"], values))
        gentler = self.rules.progression.gentler.get(script.group)
        if gentler is None or gentler == script.id or not self.allowed(gentler, user):
            return None
        choice = self.choose(Request(exercise_id=gentler, length="short"), user)
        values.update(next_title=choice.script, next_length=Minutes(choice.minutes))
        return Offer("gentler", choice, Line(sentences["offer_gentler"], values), Line(sentences["why_gentler"], values))

    # Sentences ---------------------------------------------------------------------------

    def excluded(self, exercise_id: str) -> Line:
        """What to say after "don't suggest that again" (record it with UserRecord.excluding)."""
        return Line(self.rules.sentences["excluded"], {"title": self.scripts[exercise_id]})

    def liked(self, exercise_id: str) -> Line:
        """What to say after "I liked that" (record it with UserRecord.liking)."""
        return Line(self.rules.sentences["liked"], {"title": self.scripts[exercise_id]})

    def nothing_else(self) -> Line:
        """When "something else" has run out of suggestions."""
        return Line(self.rules.sentences["nothing_else"])
