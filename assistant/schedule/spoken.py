"""Times and days as people say them, read and said back, in English and French (schedule/times.yml).

Speech recognition writes "six", "half past seven", "huit heures et demie",
"every morning after breakfast"; dateparser reads dates and clock times
written with digits well but not these spoken forms, so a small reader driven
by the data file comes first: number words become digits, then the clock
patterns, the parts and moments of the day, the days and the moments counted
from now are found; a calendar date ("le 3 avril", "April 3rd") is left to
dateparser. Nothing here decides what to do with what was heard: the reminder
flow turns it into a schedule and reads it back before saving.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from assistant import LANGUAGES
from assistant.languages import LANGUAGE_DATA
from assistant.paths import PROJECT_ROOT
from assistant.questionnaires.datafile import Checker, read_yaml
from assistant.schedule.recurrence import WEEK, Recurrence, clock_time
from assistant.schedule.words import Match, Words, best_matches, compile_phrase, phrase_words
from assistant.text import fold

TIMES_FILE = PROJECT_ROOT / "schedule" / "times.yml"


@dataclass(frozen=True)
class WhenHeard:
    """What an utterance said about when, as far as it said it."""

    at: time | None = None
    """A clock time said ("at six", "8 h 30"): explicit, quiet hours do not hold it."""
    proposed: time | None = None
    """A time for a part or moment of the day said instead ("every evening", "after breakfast")."""
    weekdays: frozenset[int] = frozenset()
    """The days it comes back on, when it was said to come back."""
    on: date | None = None
    """The day of a one-off, when one was named ("tomorrow", "on Friday", "le 3 avril")."""
    next_weekday: int | None = None
    """A single weekday named without saying it comes back ("on Friday"): the next one."""
    from_now_min: int | None = None
    """A moment counted from now ("in half an hour"), in minutes."""
    spans: tuple[tuple[int, int], ...] = ()
    """The characters of the utterance these were read from."""

    @property
    def said_when(self) -> bool:
        return any((self.at, self.proposed, self.weekdays, self.on, self.next_weekday is not None,
                    self.from_now_min))

    @property
    def said_days(self) -> bool:
        return bool(self.weekdays) or self.on is not None or self.next_weekday is not None


@dataclass(frozen=True)
class _Rule:
    meaning: Any
    pattern: re.Pattern[str]


@dataclass
class _Numbers:
    values: dict[str, int]
    tens: frozenset[str]
    teen_base: frozenset[str]
    joiners: frozenset[str]
    skip: frozenset[str]
    compound: str
    compound_one: str
    names: dict[int, str] = field(default_factory=dict)
    """The word for each value, to say numbers."""


class SpokenTimes:
    """Reads and says times and days in one language."""

    def __init__(self, lang: str, raw: dict[str, Any] | None = None, path: Path = TIMES_FILE):
        self.lang = lang
        check = Checker(path)
        data = raw if raw is not None else read_yaml(path)
        self._path = path
        self._check = check
        self.elisions = tuple(check.strings(data["elisions"][lang], "elisions", data["elisions"]))
        """Letters that, before an apostrophe, are a word of their own (French "d'")."""
        self._numbers = self._read_numbers(data["numbers"][lang])
        self._clock = [self._rule(entry["say"], entry, data["clock"]) for entry in data["clock"][lang]]
        self._meridiem = {half: self._phrases(phrases, half) for half, phrases in data["meridiem"][lang].items()}
        self._pm_hours = frozenset(data["unsure_hours"]["pm"])
        self._parts = {name: self._read_part(name, part) for name, part in data["parts"].items()}
        self._moments = {name: (self._time(moment["at"], moment), self._phrases(moment[lang], name))
                         for name, moment in data["moments"].items()}
        days = data["days"]
        self._every = self._phrases(days["every"][lang], "every")
        self._daily = self._phrases(days["daily"][lang], "daily")
        self._habitual = self._phrases(days["habitual"][lang], "habitual", allow_empty=True)
        self._groups = [(frozenset(group["days"]), self._phrases(group[lang], name))
                        for name, group in days["groups"].items()]
        names = check.listing(days["names"][lang], "days.names", days["names"])
        if len(names) != 7:
            raise check.fail(names, f"days.names.{lang} must name the seven days, Monday first")
        self._weekdays = [(self._phrases(day["one"], "a day"), self._phrases(day["many"], "a day")) for day in names]
        self._relative = [(entry["days"], self._phrases(entry[lang], "relative days")) for entry in days["relative"]]
        self._from_now = [self._rule(entry["say"], entry, days["from_now"]) for entry in days["from_now"][lang]]
        language = LANGUAGE_DATA[lang]
        self._months = [self._phrases([month], "a month") for month in language.months]
        self._say = data["say"][lang]
        self._say_days = data["say_days"][lang]

    # Loading ------------------------------------------------------------------

    def words(self, text: str) -> Words:
        """`text` as folded words, number words as digits."""
        return self._numbers_as_digits(Words.of(text, self.elisions))

    def plain_words(self, text: str) -> Words:
        """`text` as folded words, numbers as they were said (for what the user named)."""
        return Words.of(text, self.elisions)

    def _phrases(self, node: Any, what: str, allow_empty: bool = False) -> list[re.Pattern[str]]:
        phrases = self._check.strings(node, what, node)
        if not phrases and not allow_empty:
            raise self._check.fail(node, f"{what} needs at least one phrase in {self.lang}")
        return [compile_phrase(self._numbers_as_digits(phrase_words(phrase, self.elisions))) for phrase in phrases]

    def _rule(self, say: Any, meaning: Any, parent: Any) -> _Rule:
        text = self._check.text(say, "a pattern", parent)
        unknown = set(re.findall(r"\{(\w+)\}", text)) - {"h", "m", "n"}
        if unknown:
            raise self._check.fail(say, f"unknown placeholder {{{sorted(unknown)[0]}}} in {text!r} "
                                        "(use {h}, {m}, {n})")
        return _Rule(meaning, compile_phrase(self._numbers_as_digits(phrase_words(text, self.elisions))))

    def _time(self, text: Any, parent: Any) -> time:
        try:
            return clock_time(self._check.text(text, "a time", parent))
        except ValueError as error:
            raise self._check.fail(text if hasattr(text, "line") else parent, str(error)) from error

    def _read_part(self, name: str, part: Any) -> tuple[time, str, int, list, list]:
        self._check.mapping(part, f"part {name}", {"at", "meridiem", "from", "one", "many"},
                            {"at", "meridiem", "from", "one", "many"})
        if part["meridiem"] not in ("am", "pm"):
            raise self._check.fail(part, f"part {name}: meridiem must be am or pm")
        return (self._time(part["at"], part), part["meridiem"], int(part["from"]),
                self._phrases(part["one"][self.lang], name), self._phrases(part["many"][self.lang], name, True))

    def _read_numbers(self, node: Any) -> _Numbers:
        self._check.mapping(node, "numbers", {"units", "teens", "tens", "teen_base", "joiners", "skip", "compound",
                                              "compound_one"})
        values: dict[str, int] = {}
        names: dict[int, str] = {}
        for group in ("units", "teens", "tens"):
            for word, value in node[group].items():
                values[fold(word)] = int(value)
                names.setdefault(int(value), word)
        return _Numbers(values, frozenset(fold(word) for word in node["tens"]),
                        frozenset(map(fold, node["teen_base"])), frozenset(map(fold, node["joiners"])),
                        frozenset(map(fold, node["skip"])), node["compound"], node["compound_one"], names)

    # Numbers ------------------------------------------------------------------

    def _numbers_as_digits(self, words: Words) -> Words:
        """"dix huit heures" -> "18 heures", "twenty five" -> "25", "eight oh five" -> "8 5"."""
        numbers = self._numbers
        index = 0
        while index < len(words):
            texts = words.texts
            word = texts[index]
            if word in numbers.skip and 0 < index < len(texts) - 1 and texts[index - 1].isdigit() \
                    and (texts[index + 1].isdigit() or texts[index + 1] in numbers.values):
                words = Words(words.original, (*words.items[:index], *words.items[index + 1:]))
                continue
            if word not in numbers.values:
                index += 1
                continue
            value, end = numbers.values[word], index + 1
            after = end + 1 if end < len(texts) and texts[end] in numbers.joiners else end
            if after < len(texts) and texts[after] in numbers.values and numbers.values[texts[after]] < 10:
                unit = numbers.values[texts[after]]
                if word in numbers.tens or (word in numbers.teen_base and unit >= 7):
                    value, end = value + unit, after + 1
            words = words.replaced(index, end, str(value))
            index += 1
        return words

    def number_words(self, value: int) -> str:
        """A number from 1 to 59 in words ("twenty-five", "vingt et un")."""
        names = self._numbers.names
        if value in names:
            return names[value]
        tens, unit = divmod(value, 10)
        if tens == 1:
            base = next(word for word, number in self._numbers.values.items() if word in self._numbers.teen_base)
            return self._numbers.compound.format(tens=base, unit=names[unit])
        pattern = self._numbers.compound_one if unit == 1 else self._numbers.compound
        return pattern.format(tens=names[tens * 10], unit=names[unit])

    # Reading ------------------------------------------------------------------

    def read(self, text: str, now: datetime) -> WhenHeard:
        """What `text` says about when, relative to `now` (local, aware)."""
        words = self.words(text)
        used: list[Match] = []

        def found(patterns: list[re.Pattern[str]]) -> list[Match]:
            return best_matches(match for pattern in patterns for match in words.find(pattern))

        meridiem = {half: found(patterns) for half, patterns in self._meridiem.items()}
        parts = {name: (found(part[3]), found(part[4])) for name, part in self._parts.items()}
        moments = {name: found(patterns) for name, (_, patterns) in self._moments.items()}
        relative = [(days, found(patterns)) for days, patterns in self._relative]
        others = [match for group in (*meridiem.values(), *(one + many for one, many in parts.values()),
                                      *moments.values(), *(found for _, found in relative)) for match in group]

        from_now = self._from_now_minutes(words)
        at = None
        if from_now is not None:
            used.append(from_now[1])
        else:
            clock = self._clock_time(words, others, meridiem, parts)
            if clock is not None:
                at, match = clock
                used.append(match)
        proposed = None
        for name, matches in moments.items():
            if matches and proposed is None:
                proposed = self._moments[name][0]
            used.extend(matches)
        for name, (one, many) in parts.items():
            if (one or many) and proposed is None:
                proposed = self._parts[name][0]
            used.extend(one + many)
        for matches in meridiem.values():
            used.extend(matches)

        every = found(self._every)
        weekdays, next_weekday = self._weekdays_said(words, every, found, used)
        if not weekdays:
            for days, matches in self._groups:
                if found(matches):
                    weekdays = days
                    used.extend(found(matches))
        daily = found(self._daily)
        every_part = any(self._after_any(match, every) for one, _ in parts.values() for match in one)
        many_part = any(many for _, many in parts.values())
        if not weekdays and (daily or every_part or many_part):
            weekdays = WEEK
        used.extend(daily)
        used.extend(match for match in every if weekdays)
        on = None
        for days, matches in relative:
            if matches:
                on = on or now.date() + timedelta(days=days)
                used.extend(matches)
        if on is None and not weekdays:
            dated = self._date(words, now)
            if dated is not None:
                (on, match), next_weekday = dated, None
                used.append(match)
        spans = tuple(sorted((words.items[match.first].start, words.items[match.last - 1].end) for match in used))
        return WhenHeard(at, proposed, frozenset(weekdays), on if not weekdays else None, next_weekday,
                         from_now[0] if from_now else None, spans)

    def _from_now_minutes(self, words: Words) -> tuple[int, Match] | None:
        for rule in self._from_now:
            for match in words.find(rule.pattern):
                count = match.values.get("n", 1)
                minutes = count * int(rule.meaning["minutes"])
                if 0 < minutes <= 24 * 60:
                    return minutes, match
        return None

    def _clock_time(self, words: Words, others: list[Match], meridiem: dict[str, list[Match]],
                    parts: dict[str, tuple[list[Match], list[Match]]]) -> tuple[time, Match] | None:
        """The clock time said, if any; a pattern inside a longer phrase of another kind ("l'apres-midi") is not one."""
        candidates = []
        for rule in self._clock:
            for match in words.find(rule.pattern):
                if any(match.overlaps(other) and other.size >= match.size for other in others):
                    continue
                candidates.append(Match(match.first, match.last, match.values, rule.meaning))
        for match in best_matches(candidates):
            meaning = match.rule
            fixed = "hour" in meaning
            hour = int(meaning["hour"]) if fixed else match.values.get("h", -1)
            minute = int(meaning.get("minute", match.values.get("m", 0)))
            if not (0 <= hour <= 23 and 0 <= minute <= 59):
                continue
            if not fixed and 1 <= hour <= 12:
                hour = self._with_meridiem(hour, match, meridiem, parts, bool(meaning.get("before")))
            if meaning.get("before"):
                hour, minute = divmod((hour * 60 - minute) % (24 * 60), 60)
            return time(hour, minute), match
        return None

    def _with_meridiem(self, hour: int, clock: Match, meridiem: dict[str, list[Match]],
                       parts: dict[str, tuple[list[Match], list[Match]]], before: bool) -> int:
        """Morning or afternoon: said right after the time, else the part of the day said, else the usual guess.

        Counted back from twelve ("twenty to twelve in the morning"), twelve is noon in
        the morning and midnight at night.
        """
        half = next((half for half, matches in meridiem.items()
                     if any(clock.last <= match.first <= clock.last + 1 for match in matches)), None)
        if half is None:
            half = next((self._parts[name][1] for name, (one, many) in parts.items() if one or many), None)
        if half is None:
            return hour + 12 if hour in self._pm_hours and hour < 12 else hour
        if before and hour == 12:
            return 24 if half == "pm" else 12
        if half == "pm" and hour < 12:
            return hour + 12
        if half == "am" and hour == 12:
            return 0
        return hour

    @staticmethod
    def _after_any(match: Match, before: list[Match]) -> bool:
        return any(other.last == match.first for other in before)

    def _weekdays_said(self, words: Words, every: list[Match], found: Any,
                       used: list[Match]) -> tuple[frozenset[int], int | None]:
        """Weekdays said to come back ("every Monday", "le lundi", "on Mondays and Wednesdays"), or one named once."""
        habitual = found(self._habitual)
        named: list[tuple[int, Match, bool]] = []
        for day, (one, many) in enumerate(self._weekdays):
            for match in found(one):
                followed_by_date = match.last < len(words) and words.texts[match.last].isdigit()
                habitually = self._after_any(match, habitual) and not followed_by_date
                comes_back = self._after_any(match, every) or habitually
                named.append((day, match, comes_back))
            named.extend((day, match, True) for match in found(many))
        if not named:
            return frozenset(), None
        used.extend(match for _, match, _ in named)
        used.extend(match for match in every + habitual if any(self._after_any(day, [match]) for _, day, _ in named))
        if len(named) > 1 or named[0][2]:
            return frozenset(day for day, _, _ in named), None
        return frozenset(), named[0][0]

    def _date(self, words: Words, now: datetime) -> tuple[date, Match] | None:
        """A calendar date said with its month ("le 3 avril", "April the 3rd"), read by dateparser."""
        import dateparser

        for month in self._months:
            for match in (found for pattern in month for found in words.find(pattern)):
                first = max(0, match.first - 1)
                last = min(len(words), match.last + 1)
                if not any(text.isdigit() for text in words.texts[first:last]):
                    continue
                settings = {"PREFER_DATES_FROM": "future", "RELATIVE_BASE": now.replace(tzinfo=None),
                            "REQUIRE_PARTS": ["day", "month"]}
                while first < match.first and not words.texts[first].isdigit():
                    first += 1
                while last > match.last and not words.texts[last - 1].isdigit():
                    last -= 1
                parsed = dateparser.parse(words.said(first, last), languages=[self.lang], settings=settings)
                if parsed is not None:
                    return parsed.date(), Match(first, last, {})
        return None

    # Saying -------------------------------------------------------------------

    def say_time(self, at: time, with_part: bool = True) -> str:
        """"half past seven in the morning", "huit heures et demie du matin", "midi"."""
        say = self._say
        key = f"{at.hour:02d}:{at.minute:02d}"
        if key in say["exact"]:
            return say["exact"][key]
        named = {int(hour): name for hour, name in (say["named_hours"] or {}).items()}

        def hour_name(hour: int) -> str:
            return named.get(hour) or say["hours"][hour % 12]

        following = (at.hour + 1) % 24
        template = say["by_minute"].get(at.minute)
        if template is None:
            minutes = self.number_words(at.minute)
            template = say["other"].replace("{minutes}", say["minutes_under_ten"].format(minutes=minutes)
                                            if at.minute < 10 else minutes)
        uses_next = "{next}" in template
        text = template.format(hour=hour_name(at.hour), next=hour_name(following))
        if not with_part or (following if uses_next else at.hour) in named:
            return text
        part = [entry["say"] for entry in say["parts"] if at.hour >= entry["from"]][-1]
        return say["with_part"].format(time=text, part=part)

    def say_days(self, recurrence: Recurrence, today: date) -> str:
        """"every day", "every Monday and Wednesday", "tomorrow", "le vendredi 3 avril"."""
        say = self._say_days
        language = LANGUAGE_DATA[self.lang]
        if recurrence.on is not None:
            if recurrence.on == today:
                return say["today"]
            if recurrence.on == today + timedelta(days=1):
                return say["tomorrow"]
            return say["once"].format(weekday=language.weekdays[recurrence.on.weekday()], day=recurrence.on.day,
                                      month=language.months[recurrence.on.month - 1])
        if recurrence.daily:
            return say["daily"]
        if recurrence.weekdays == frozenset(range(5)):
            return say["weekdays"]
        if recurrence.weekdays == frozenset({5, 6}):
            return say["weekends"]
        names = [say["names"][day] for day in sorted(recurrence.weekdays)]
        days = say["two"].format(first=names[0], second=names[1]) if len(names) == 2 \
            else language.choices(names, conjunction="and")
        return say["some"].format(days=days)

    def part_of_day(self, at: time) -> str:
        """The name of the part of the day `at` falls in (morning, afternoon, evening, night)."""
        name = None
        for candidate, part in sorted(self._parts.items(), key=lambda item: item[1][2]):
            if at.hour >= part[2]:
                name = candidate
        return name or max(self._parts.items(), key=lambda item: item[1][2])[0]

    def part_said(self, words: Words) -> set[str]:
        """The parts of the day named in `words` ("the evening one" -> {"evening"})."""
        return {name for name, part in self._parts.items()
                if any(words.find(pattern) for pattern in part[3] + part[4])}


def load_spoken_times() -> dict[str, SpokenTimes]:
    """Every language's reader, from schedule/times.yml read once."""
    raw = read_yaml(TIMES_FILE)
    return {lang: SpokenTimes(lang, raw) for lang in LANGUAGES}
