"""Exercise scripts: the files in exercises/scripts/, checked as they load.

A script is data written by people who are not programmers, in English and
French side by side. Besides its words, each script says what it is for and for
whom (group, needs, posture, contraindications, source), how each of its
lengths is made (more cycles, more steps or longer silences: never the same
line again and again), and how it should sound (holds in the breath cycle, a
slower and softer voice towards the end of the sleep wind-down).

Every mistake is reported with the file and line, and a broken file is left out
without stopping the others. The checks include timing: every length a script
offers must come out within 5% of that length at the default speaking rate, and
every breath cue must fit in its beat even at the slowest rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant import LANGUAGES, datafile
from assistant.exercises.data import Checker, ExerciseDataError
from assistant.paths import AUDIO_DIR, EXERCISES_DIR
from assistant.session.speech import speech_seconds, wav_seconds
from assistant.settings import RATE_LIMITS_WPM, VoiceSettings

SCRIPTS_DIR = EXERCISES_DIR / "scripts"
"""One file per exercise; beside it in exercises/ live the programme's rules and the runner's phrases."""

GROUPS = {"breathing": "breathing", "meditation": "meditation", "grounding": "grounding",
          "body_relaxation": "relaxation", "sleep": "sleep"}
"""Each catalogue group, and the `kind` its exercises carry in events (CONTRACTS.md)."""
POSTURES = ("seated", "lying", "seated_or_lying")
MADE_BY = ("cycles", "steps", "silences")
"""How a script makes its lengths: more breath cycles, more steps, or the same steps with longer silences."""
NEEDS = ("calm", "worry", "sleep", "low_mood", "tension", "pain")
"""What an exercise can be asked for ("something to calm down", "my back is stiff")."""
CONTRAINDICATIONS = ("breath_holds", "muscle_tensing")
"""What in an exercise may not suit everyone; exercises/programme.yml says which health flags avoid which."""
BREATHS = ("in", "top_up", "hold", "out")
"""What the breath does during a cycle step (top_up: the short second inhale of the cyclic sigh)."""
PARTS = ("intro", "steps", "outro")
"""The parts said in order; a breathing script has `cycle` between intro and outro instead of `steps`."""

DEFAULT_RATE_WPM = VoiceSettings().rate_wpm
SLOWEST_RATE_WPM = RATE_LIMITS_WPM[0]
MAX_LENGTH_ERROR = 0.05
"""Each length a script offers must come out within this fraction of it (default rate, either language)."""
MIN_BREATH_CYCLE_S = 6.0
"""Never fast breathing: at most ten breaths a minute."""
FLEX_RANGE = {"steps": (0.7, 3.0), "silences": (0.7, float("inf")), "cycles": (0.0, float("inf"))}
"""How far the flexible silences may stretch or shrink to fit a length, by how the length is made.

Made by steps, silences stay within 0.7 to 3 times what the script wrote (the
added steps make the length); made by silences, they may grow as much as the
length needs; after breath cycles, the rest takes up what the cycles leave."""
MIN_FLEX_FACTOR = 0.25
"""At run time a flexible silence never shrinks below this fraction of what the script wrote."""
ENCOURAGEMENT_MARGIN_S = 1.0
"""An encouragement is said only if it ends this long before the next cue (seconds)."""

_SCRIPT_KEYS = {"id", "group", "title", "posture", "source", "needs", "contraindications", "lengths",
                "max_cycles_at_first", "ends_quietly", "slower", "fade", "intro", "cycle", "steps", "outro",
                "encouragement"}
_STEP_KEYS = {
    "intro": {"say", "tone", "pause", "from_minutes"},
    "steps": {"say", "tone", "pause", "silence", "from_minutes"},
    "outro": {"say", "tone", "pause", "silence"},
    "cycle": {"say", "tone", "seconds", "breath"},
}


class ExerciseScriptError(ExerciseDataError):
    """A script is wrong; the message names the file, the line and the problem."""


@dataclass(frozen=True)
class Step:
    """One moment of an exercise: something said or played, then a silence."""

    say: dict[str, str] | None = None
    """The cue in each language."""
    tone: str | None = None
    """A sound from audio/, played before the cue."""
    tone_s: float = 0.0
    """How long that sound lasts (seconds)."""
    pause_s: float = 0.0
    """Fixed silence after the step (seconds): a muscle held tense, a moment to settle."""
    silence_s: float = 0.0
    """Flexible silence after the step (seconds, as written): stretched or shrunk so the length comes out right."""
    seconds: float | None = None
    """In a cycle: how long the step lasts from its start, cue included (seconds)."""
    breath: str | None = None
    """In a cycle: what the breath does (in, top_up, hold, out)."""
    from_minutes: int | None = None
    """Said only in lengths of at least this many minutes (how longer lengths get more steps)."""

    def fixed_s(self, lang: str, rate_wpm: float) -> float:
        """Sound, speech at `rate_wpm` and fixed pause: the part of the step that does not stretch (seconds)."""
        speech = speech_seconds(self.say[lang], rate_wpm) if self.say else 0.0
        return self.tone_s + speech + self.pause_s


@dataclass(frozen=True)
class Fade:
    """Where a part of the script ends up: the speaking rate and volume as fractions of the user's own."""

    rate_scale: float = 1.0
    volume_scale: float = 1.0


NO_FADE = Fade()


@dataclass(frozen=True)
class ExerciseScript:
    id: str
    group: str
    """breathing, meditation, grounding, body_relaxation or sleep (the catalogue's groups)."""
    title: dict[str, str]
    """The name said in a sentence ("the body scan", "le scan corporel")."""
    posture: str
    source: str
    """Where the protocol comes from (a citation)."""
    needs: tuple[str, ...]
    contraindications: tuple[str, ...]
    lengths: tuple[int, ...]
    """The lengths offered (minutes), shortest first."""
    default_minutes: int
    made_by: str
    intro: tuple[Step, ...]
    cycle: tuple[Step, ...]
    """Repeated as many times as the length needs; empty for linear exercises."""
    steps: tuple[Step, ...]
    """Said once, in order, for linear exercises."""
    outro: tuple[Step, ...]
    encouragement_every: int
    """Say an encouragement every this many cycles (0: never)."""
    encouragements: tuple[dict[str, str], ...]
    path: Path
    """The file the script was read from."""
    max_cycles_at_first: int | None = None
    """While the exercise is new to the user, at most this many cycles at a time."""
    ends_quietly: bool = False
    """No closing question and no reprompt afterwards: the listener may be asleep."""
    slower: str | None = None
    """The id of a gentler breathing exercise to switch to when asked to breathe more slowly."""
    fades: dict[str, Fade] | None = None
    """Per part (intro, steps, outro): the rate and volume reached on its last step."""

    @property
    def kind(self) -> str:
        """The exercise's kind in events (CONTRACTS.md): breathing, meditation, grounding, relaxation, sleep."""
        return GROUPS[self.group]

    @property
    def cycle_seconds(self) -> float:
        return sum(step.seconds or 0 for step in self.cycle)

    @property
    def holds_breath(self) -> bool:
        return any(step.breath == "hold" for step in self.cycle)

    def minutes_for(self, wanted: int | None) -> int:
        """The offered length closest to what the user asked for (the shorter one on a tie)."""
        if wanted is None:
            return self.default_minutes
        return min(self.lengths, key=lambda length: (abs(length - wanted), length))

    def part(self, name: str) -> tuple[Step, ...]:
        return getattr(self, name)

    def included(self, part: str, minutes: int) -> list[int]:
        """The indices of the part's steps said in a `minutes`-long session."""
        return [index for index, step in enumerate(self.part(part))
                if step.from_minutes is None or step.from_minutes <= minutes]

    def scales(self, part: str, minutes: int) -> dict[int, Fade]:
        """The rate and volume of each step said in `part`: a fade moves evenly to the part's target."""
        start = NO_FADE
        for earlier in PARTS[:PARTS.index(part)]:
            start = (self.fades or {}).get(earlier, start)
        target = (self.fades or {}).get(part)
        steps = self.included(part, minutes)
        if target is None:
            return {index: start for index in steps}

        def between(begin: float, end: float, position: int) -> float:
            return begin + (end - begin) * (position + 1) / len(steps)

        return {index: Fade(between(start.rate_scale, target.rate_scale, position),
                            between(start.volume_scale, target.volume_scale, position))
                for position, index in enumerate(steps)}


# Planning: the same arithmetic for the checks below and for the runner -----------------------------

def cycles_for(budget_s: float, cycle_s: float, absorbs_rest: bool) -> int:
    """How many cycles fill `budget_s`: rounded down when a flexible silence afterwards takes the rest."""
    exact = budget_s / cycle_s
    return max(1, int(exact) if absorbs_rest else round(exact))


def flex_factor(budget_s: float, flexible_s: float) -> float:
    """How much the flexible silences stretch so that they fill `budget_s` (never below MIN_FLEX_FACTOR)."""
    return max(MIN_FLEX_FACTOR, budget_s / flexible_s) if flexible_s > 0 else 1.0


@dataclass(frozen=True)
class Estimate:
    total_s: float
    cycles: int
    factor: float
    """How much the flexible silences were stretched (1: as written)."""


def part_seconds(script: ExerciseScript, part: str, minutes: int, lang: str, rate_wpm: float) -> tuple[float, float]:
    """(fixed, flexible) seconds of a linear part in a `minutes`-long session, flexible silences as written."""
    scales = script.scales(part, minutes)
    steps = script.part(part)
    fixed = sum(steps[index].fixed_s(lang, rate_wpm * scales[index].rate_scale) for index in scales)
    flexible = sum(steps[index].silence_s for index in scales)
    return fixed, flexible


def estimate(script: ExerciseScript, minutes: int, lang: str, rate_wpm: float = DEFAULT_RATE_WPM,
             max_cycles: int | None = None) -> Estimate:
    """How long a `minutes`-long session takes when nobody interrupts."""
    length_s = minutes * 60.0
    intro_fixed, _ = part_seconds(script, "intro", minutes, lang, rate_wpm)
    outro_fixed, outro_flex = part_seconds(script, "outro", minutes, lang, rate_wpm)
    if script.cycle:
        budget = length_s - intro_fixed - outro_fixed - outro_flex
        cycles = cycles_for(budget, script.cycle_seconds, absorbs_rest=outro_flex > 0)
        if max_cycles is not None and cycles > max_cycles:
            return Estimate(intro_fixed + max_cycles * script.cycle_seconds + outro_fixed + outro_flex, max_cycles, 1.0)
        body_fixed, body_flex = cycles * script.cycle_seconds, 0.0
    else:
        cycles = 0
        body_fixed, body_flex = part_seconds(script, "steps", minutes, lang, rate_wpm)
    flexible = body_flex + outro_flex
    factor = flex_factor(length_s - intro_fixed - body_fixed - outro_fixed, flexible)
    return Estimate(intro_fixed + body_fixed + outro_fixed + factor * flexible, cycles, factor)


# Loading -----------------------------------------------------------------------------------------

class _ScriptChecker(Checker):
    def __init__(self, path: Path):
        super().__init__(path, ExerciseScriptError)
        self.tone_seconds: dict[str, float] = {}

    def tone(self, node: Any) -> tuple[str | None, float]:
        name = node.get("tone")
        if name is None:
            return None, 0.0
        path = AUDIO_DIR / f"{name}.wav"
        if not isinstance(name, str) or not path.is_file():
            raise self.fail(node, f"tone '{name}' has no sound file audio/{name}.wav")
        if name not in self.tone_seconds:
            self.tone_seconds[name] = wav_seconds(path)
        return name, self.tone_seconds[name]

    def step(self, node: Any, parent: Any, part: str, lengths: tuple[int, ...]) -> Step:
        keys = _STEP_KEYS[part]
        if not isinstance(node, dict):
            raise self.fail(parent, f"each step must be a mapping with {', '.join(sorted(keys))}")
        unknown = set(node) - keys
        if unknown:
            allowed = f"a step in '{part}' may have {', '.join(sorted(keys))}"
            raise self.fail(node, f"unknown step keys: {', '.join(sorted(map(str, unknown)))} ({allowed})")
        if not {"say", "tone", "pause", "silence"} & set(node):
            raise self.fail(node, "a step needs 'say', 'tone', 'pause' or 'silence'")
        tone, tone_s = self.tone(node)
        if part == "cycle":
            for key in ("seconds", "breath"):
                if key not in node:
                    raise self.fail(node, f"a cycle step needs '{key}' ({'how long it lasts' if key == 'seconds' else 'in, top_up, hold or out'})")
        from_minutes = node.get("from_minutes")
        if from_minutes is not None and (from_minutes not in lengths or from_minutes == lengths[0]):
            raise self.fail(node, f"'from_minutes' {from_minutes!r} must be one of the longer lengths "
                                  f"({', '.join(map(str, lengths[1:])) or 'there are none'})")
        return Step(
            say=self.texts(node["say"], node, "'say'") if "say" in node else None,
            tone=tone, tone_s=tone_s,
            pause_s=self.number(node, "pause") if "pause" in node else 0.0,
            silence_s=self.number(node, "silence", positive=True) if "silence" in node else 0.0,
            seconds=self.number(node, "seconds", positive=True) if part == "cycle" else None,
            breath=self.choice(node, "breath", BREATHS) if part == "cycle" else None,
            from_minutes=from_minutes,
        )

    def steps(self, node: Any, part: str, lengths: tuple[int, ...]) -> tuple[Step, ...]:
        items = node.get(part, [])
        if not isinstance(items, list):
            raise self.fail(node, f"'{part}' must be a list of steps")
        return tuple(self.step(item, items, part, lengths) for item in items)

    def words(self, node: Any, key: str, vocabulary: tuple[str, ...], allow_empty: bool) -> tuple[str, ...]:
        items = node.get(key)
        if not isinstance(items, list) or (not items and not allow_empty):
            raise self.fail(node, f"'{key}' must be a list{'' if allow_empty else ' (at least one)'} of: {', '.join(vocabulary)}")
        for item in items:
            if item not in vocabulary:
                raise self.fail(items, f"'{key}' has '{item}', which is not one of {', '.join(vocabulary)}")
        if len(set(items)) != len(items):
            raise self.fail(items, f"'{key}' names something twice")
        return tuple(items)

    def lengths(self, node: Any) -> tuple[tuple[int, ...], int, str]:
        lengths = self.mapping(node.get("lengths"), node, "'lengths'", required=("minutes", "default", "made_by"))
        minutes = lengths["minutes"]
        if (not isinstance(minutes, list) or not minutes
                or not all(isinstance(value, int) and not isinstance(value, bool) and value > 0 for value in minutes)):
            raise self.fail(lengths, "'minutes' must be a list of whole positive numbers of minutes")
        if minutes != sorted(set(minutes)):
            raise self.fail(lengths, "'minutes' must go from the shortest to the longest, each once")
        if lengths["default"] not in minutes:
            raise self.fail(lengths, f"default {lengths['default']!r} is not one of the minutes offered")
        return tuple(minutes), lengths["default"], self.choice(lengths, "made_by", MADE_BY)

    def fades(self, node: Any) -> dict[str, Fade] | None:
        if "fade" not in node:
            return None
        fades = self.mapping(node["fade"], node, "'fade'", allowed=PARTS)
        result = {}
        for part, fade in fades.items():
            fade = self.mapping(fade, fades, f"the fade of '{part}'", allowed=("rate_scale", "volume_scale"))
            scales = {}
            for key in ("rate_scale", "volume_scale"):
                scales[key] = self.number(fade, key, unit="times the user's own", positive=True) if key in fade else 1.0
                if scales[key] > 1.5:
                    raise self.fail(fade, f"'{key}' {scales[key]} is more than 1.5 times the user's own")
            result[part] = Fade(**scales)
        return result

    def script(self, node: Any) -> ExerciseScript:
        if not isinstance(node, dict):
            raise self.fail(None, "the file must hold a mapping with id, group, title, lengths and steps")
        unknown = set(node) - _SCRIPT_KEYS
        if unknown:
            raise self.fail(node, f"unknown keys: {', '.join(sorted(map(str, unknown)))}")
        for key in ("id", "group", "title", "posture", "source", "needs", "contraindications", "lengths"):
            if key not in node:
                raise self.fail(node, f"missing '{key}'")
        if node["id"] != self.path.stem:
            raise self.fail(node, f"id '{node['id']}' must match the file name '{self.path.stem}'")
        self.choice(node, "group", GROUPS)
        self.choice(node, "posture", POSTURES)
        if not isinstance(node["source"], str) or not node["source"].strip():
            raise self.fail(node, "'source' must say where the protocol comes from")
        lengths, default, made_by = self.lengths(node)
        cycle = self.steps(node, "cycle", lengths)
        parts = {part: self.steps(node, part, lengths) for part in PARTS}
        if bool(cycle) == bool(parts["steps"]):
            raise self.fail(node, "give either 'cycle' (repeated for some minutes) or 'steps' (said once)")
        if (made_by == "cycles") != bool(cycle):
            raise self.fail(node["lengths"], "'made_by: cycles' goes with a 'cycle', and only with one")
        encouragement = node.get("encouragement", {"every_cycles": 0, "lines": []})
        if not isinstance(encouragement, dict) or not isinstance(encouragement.get("lines"), list):
            raise self.fail(node, "'encouragement' needs 'every_cycles' and a list 'lines'")
        every = encouragement.get("every_cycles", 0)
        if not isinstance(every, int) or every < 0:
            raise self.fail(encouragement, "'every_cycles' must be a whole number")
        ends_quietly = node.get("ends_quietly", False)
        if not isinstance(ends_quietly, bool):
            raise self.fail(node, "'ends_quietly' must be true or false")
        script = ExerciseScript(
            id=node["id"], group=node["group"], title=self.texts(node["title"], node, "'title'"),
            posture=node["posture"], source=" ".join(node["source"].split()),
            needs=self.words(node, "needs", NEEDS, allow_empty=False),
            contraindications=self.words(node, "contraindications", CONTRAINDICATIONS, allow_empty=True),
            lengths=lengths, default_minutes=default, made_by=made_by,
            intro=parts["intro"], cycle=cycle, steps=parts["steps"], outro=parts["outro"],
            encouragement_every=every,
            encouragements=tuple(self.texts(line, encouragement["lines"], "an encouragement")
                                 for line in encouragement["lines"]),
            path=self.path, max_cycles_at_first=node.get("max_cycles_at_first"), ends_quietly=ends_quietly,
            slower=node.get("slower"), fades=self.fades(node),
        )
        self.coherent(node, script)
        return script

    # Checks across fields ------------------------------------------------------------------------

    def coherent(self, node: Any, script: ExerciseScript) -> None:
        if script.holds_breath != ("breath_holds" in script.contraindications):
            raise self.fail(node, "a script whose cycle holds the breath lists 'breath_holds' in "
                                  "'contraindications', and only such a script does")
        if script.max_cycles_at_first is not None:
            limit = script.max_cycles_at_first
            if not script.cycle or not isinstance(limit, int) or isinstance(limit, bool) or limit < 2:
                raise self.fail(node, "'max_cycles_at_first' is for a cycle: a whole number of cycles, at least 2")
        if script.slower is not None and (not script.cycle or not isinstance(script.slower, str)):
            raise self.fail(node, "'slower' names the gentler breathing exercise a breathing cycle can switch to")
        if script.fades and "cycle" in node and any(part != "outro" for part in script.fades):
            raise self.fail(node["fade"], "a breathing script can fade only its 'outro'")
        if script.ends_quietly and any("?" in text for texts in self.all_texts(script) for text in texts.values()):
            raise self.fail(node, "a script that ends quietly asks nothing: no question marks")
        if script.cycle:
            self.breath_cycle(node, script)
        self.lengths_come_out(node, script)

    @staticmethod
    def all_texts(script: ExerciseScript) -> list[dict[str, str]]:
        steps = script.intro + script.cycle + script.steps + script.outro
        return [script.title, *(step.say for step in steps if step.say), *script.encouragements]

    def breath_cycle(self, node: Any, script: ExerciseScript) -> None:
        if script.cycle_seconds < MIN_BREATH_CYCLE_S:
            raise self.fail(node["cycle"], f"a breath cycle of {script.cycle_seconds:g} s is fast breathing; "
                                           f"make it at least {MIN_BREATH_CYCLE_S:g} s")
        for item, step in zip(node["cycle"], script.cycle):
            for lang, text in (step.say or {}).items():
                said = speech_seconds(text, SLOWEST_RATE_WPM) + step.tone_s
                if said > step.seconds:
                    raise self.fail(item, f"the {lang} cue takes {said:.1f} s at the slowest rate "
                                          f"({SLOWEST_RATE_WPM} words a minute), longer than its {step.seconds:g} s")
        last = script.cycle[-1]
        for item, line in zip(node.get("encouragement", {}).get("lines", []), script.encouragements):
            for lang, text in line.items():
                cue = speech_seconds(last.say[lang], DEFAULT_RATE_WPM) if last.say else 0.0
                room = last.seconds - cue - ENCOURAGEMENT_MARGIN_S
                if speech_seconds(text, DEFAULT_RATE_WPM) > room:
                    raise self.fail(item, f"the {lang} encouragement '{text}' does not fit in "
                                          f"the {room:.1f} s after the last cue: it would never be said")

    def lengths_come_out(self, node: Any, script: ExerciseScript) -> None:
        low, high = FLEX_RANGE[script.made_by]
        flexible = [step for part in ("steps", "outro") for step in script.part(part) if step.silence_s]
        if script.made_by != "cycles" and not flexible:
            raise self.fail(node["lengths"], f"'made_by: {script.made_by}' needs flexible silences ('silence') in 'steps'")
        grows = any(step.from_minutes for part in PARTS for step in script.part(part))
        if (script.made_by == "steps") != grows and len(script.lengths) > 1:
            raise self.fail(node["lengths"], "'made_by: steps' means longer lengths add steps ('from_minutes'); "
                                             "other scripts make their lengths without them")
        for minutes in script.lengths:
            for lang in LANGUAGES:
                planned = estimate(script, minutes, lang)
                error = abs(planned.total_s - minutes * 60) / (minutes * 60)
                if error > MAX_LENGTH_ERROR or not low <= planned.factor <= high:
                    stretch = f", its silences stretched {planned.factor:.2f} times" if flexible else ""
                    raise self.fail(node["lengths"], f"at {minutes} min the {lang} script would last "
                                                     f"{planned.total_s / 60:.1f} min{stretch}; "
                                                     f"adjust its steps, silences or lengths")
                if not script.cycle:
                    self.no_line_twice(node, script, minutes, lang)

    def no_line_twice(self, node: Any, script: ExerciseScript, minutes: int, lang: str) -> None:
        said = [script.part(part)[index].say[lang] for part in PARTS for index in script.included(part, minutes)
                if script.part(part)[index].say]
        repeated = {text for text in said if said.count(text) > 1}
        if repeated:
            raise self.fail(node, f"at {minutes} min the same line is said twice: '{sorted(repeated)[0]}'")


def load_script(path: Path) -> ExerciseScript:
    """One script, checked; raises ExerciseScriptError naming the file and line."""
    return _ScriptChecker(path).script(datafile.read(path, ExerciseScriptError))


def _check_links(scripts: dict[str, ExerciseScript], errors: list[ExerciseScriptError]) -> None:
    """A script's `slower` must name a loaded breathing cycle without holds; otherwise the script is left out."""
    for script in list(scripts.values()):
        if script.slower is None:
            continue
        gentler = scripts.get(script.slower)
        if gentler is None or gentler is script or not gentler.cycle or gentler.holds_breath:
            errors.append(ExerciseScriptError(
                f"{script.path}: 'slower' must name another breathing exercise without breath holds; "
                f"'{script.slower}' is not one"))
            del scripts[script.id]


def load_scripts(folder: Path = SCRIPTS_DIR) -> tuple[dict[str, ExerciseScript], list[ExerciseScriptError]]:
    """Every script in `folder` by id, and the errors of those left out."""
    scripts: dict[str, ExerciseScript] = {}
    errors: list[ExerciseScriptError] = []
    for path in sorted(folder.glob("*.yml")):
        try:
            script = load_script(path)
        except ExerciseScriptError as error:
            errors.append(error)
        else:
            scripts[script.id] = script
    _check_links(scripts, errors)
    return scripts, errors
