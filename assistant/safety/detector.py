"""Deterministic safety detector: crisis, distress and body warning signs.

Why deterministic: the detector sees every utterance before anything else and a
miss can harm someone, so its behaviour must be predictable, explainable (which
rule fired) and testable line by line. No model, no randomness, no network.

Why data files: the phrases are clinical knowledge, not code. They live in
``safety/patterns/<lang>.yml`` so that a non-programmer can review and extend
them; this module only normalises text, removes the listed exclusions (idioms,
accidents, negations) and tries the rules of each level in file order.

Why levels: a risk to life (``crisis``) gets the full safety response; words of
despair without a risk to life named (``distress``) get one direct, caring
question; a physical warning sign (``body``: dizziness, chest pain...) stops an
exercise, and the urgent ones give the emergency number. `SafetyDetector.assess`
returns the most serious finding, in the order `ASSESSMENT_ORDER` gives.

Why normalise first: the text comes from speech recognition (lower case, no
punctuation, French sometimes without accents), so patterns are written once
against one canonical form instead of every spelling. The pattern file also
lists hesitations to drop ("um", "euh", "you know") and recogniser slips to
mend in context ("i so tired" -> "i am so tired"), so a filler in the middle of
a phrase never breaks it.

Why statements: people say two or three things in one breath ("what's the
point, i can't go on") and the recogniser writes no punctuation. A pattern's
``^`` and ``$`` therefore mean the start and end of one statement, not of the
whole utterance: a statement ends before a joining word or a new subject
listed in the file's ``statements`` section ("and", "but", "not since", "i",
"je"...), and starts after a joining word. A phrase anchored to keep idioms out
("i can't go on" but not "i can't go on the bus") still refuses the idiom,
whose continuation is no new statement, and no longer misses the composition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml

from assistant import datafile
from assistant.text import fold, strip_accents

PATTERNS_DIR: Final = Path(__file__).resolve().parents[2] / "safety" / "patterns"
"""Folder holding one ``<language>.yml`` pattern file per supported language."""

CRISIS: Final = "crisis"
"""Risk to life: the full safety response."""
DISTRESS: Final = "distress"
"""Despair without a risk to life named: one direct, caring question."""
BODY: Final = "body"
"""A physical warning sign: stop the exercise; the urgent ones get the emergency number."""
LEVELS: Final = (CRISIS, DISTRESS, BODY)

KINDS: Final[dict[str, tuple[str, ...]]] = {
    CRISIS: ("explicit", "passive_wish", "euphemism", "method", "plan", "past_attempt",
             "self_harm", "asking_for_friend"),
    DISTRESS: ("hopeless", "cannot_go_on", "cannot_cope", "worthless", "burden", "overwhelmed", "own_death"),
    BODY: ("dizzy", "chest_pain", "breathless", "faint", "unwell", "fall"),
}
"""Every kind a rule of each level may report; the response and the clinician report rely on these.

``own_death`` is the broad distress net: the speaker's own death, dying, not
being here, not waking, disappearing or wanting it all to stop, said without
a wish, plan or means that the crisis rules recognise. Such words are too
often a crisis said softly to be let pass, and too often mere reflection to
get the full script: they get the direct question."""

ASSESSMENT_ORDER: Final = ((CRISIS, None), (BODY, True), (DISTRESS, None), (BODY, False))
"""Which finding wins when several levels match: (level, urgent or None for any).

A risk to life first ("I feel dizzy and I want to die" is a crisis); then an
urgent body sign (chest pain cannot wait for a question about feelings); then
distress; a mild body sign last."""

MIND_LEVELS: Final = (CRISIS, DISTRESS)
"""Levels an exclusion applies to when it names none: idioms of death and despair
("this weather is killing me") say nothing about dizziness, and an accident cut
out for the crisis rules ("I hurt myself when I fell") is exactly what a body rule
must still see."""

_TOP_KEYS: Final = {"language", "normalise", "statements", "fragments", "exclusions", *LEVELS}
_NORMALISE_KEYS: Final = {"apostrophe", "words", "fillers", "rewrites"}
_STATEMENT_KEYS: Final = {"joiners", "openers"}
_REWRITE_KEYS: Final = {"from", "to"}
_PHRASE: Final = re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*")
_RULE_KEYS: Final = {"id", "patterns", "with_any", "unless_any"}
_BODY_RULE_KEYS: Final = _RULE_KEYS | {"urgent"}
_BODY_KIND_KEYS: Final = {"urgent", "rules"}
_EXCLUSION_KEYS: Final = {"id", "patterns", "levels"}
_FRAGMENT_REF: Final = re.compile(r"<([A-Z][A-Z0-9_]*)>")
_CUT: Final = "\n"
"""What a removed exclusion leaves behind: a line break, which word gaps in
patterns cannot cross and where ``^``/``$`` match, so the words on either side
are never stitched into a new phrase."""
_FILLER_PASSES: Final = 3
"""Fillers are dropped again until none is left, at most this often ("um, well, er")."""
_PIECE_START: Final = "(?<=^ )"
_PIECE_END: Final = "(?= ?$)"
"""Matching runs on ``" " + words + " "`` and every compiled pattern starts with
that literal space, so ``re`` only tries word starts (about ten times faster than
a leading look-behind). ``^``/``$`` in a pattern are rewritten to mean "start/end
of a statement": of the utterance, of a piece between cut-outs, or at one of the
file's statement boundaries (see `_Compiler._statements`)."""


class SafetyDataError(Exception):
    """A pattern file is missing, malformed or contains an invalid pattern.

    The message always names the file (and the line when known) so the person
    editing phrases can fix it without reading this code.
    """


@dataclass(frozen=True)
class SafetyFinding:
    """What the detector found in one utterance. Never contains the user's words."""

    level: str
    """One of `LEVELS`: ``"crisis"``, ``"distress"`` or ``"body"``."""
    kind: str
    """One of `KINDS` for that level, e.g. ``"passive_wish"`` or ``"chest_pain"``."""
    rule: str
    """Id of the rule that matched, for debugging and tests."""
    urgent: bool = False
    """For a body sign: whether it calls for the emergency number now (always False otherwise)."""


@dataclass(frozen=True)
class _Rule:
    level: str
    kind: str
    id: str
    pattern: re.Pattern[str]
    with_any: re.Pattern[str] | None
    unless_any: re.Pattern[str] | None
    """Words that, anywhere in the utterance, mean this rule's meaning is not there:
    a broad net ("how high can ... fall and survive") that must not fire on a
    question about a grandchild's or a pet's safety."""
    urgent: bool

    def matches(self, laid_out: str) -> bool:
        return bool(self.pattern.search(laid_out)
                    and (self.with_any is None or self.with_any.search(laid_out))
                    and not (self.unless_any is not None and self.unless_any.search(laid_out)))

    def finding(self) -> SafetyFinding:
        return SafetyFinding(self.level, self.kind, self.id, self.urgent)


@dataclass(frozen=True)
class _Normaliser:
    """Text to the canonical form: folded, words looked up, fillers dropped, slips mended."""

    words: dict[str, str]
    join_apostrophes: bool
    fillers: re.Pattern[str] | None
    """One alternation of every filler, each led by its space (see `_Compiler._pattern_list`)."""
    rewrites: tuple[tuple[re.Pattern[str], str], ...]
    """Recogniser slips and their mended form, tried in file order."""

    def __call__(self, text: str) -> str:
        out: list[str] = []
        for token in fold(text).split():
            if token in self.words:
                out.append(self.words[token])
                continue
            token = token.replace("'", "" if self.join_apostrophes else " ")
            out.extend(self.words.get(part, part) for part in token.split())
        laid_out = _layout([" ".join(out)])
        if self.fillers is not None:
            for _ in range(_FILLER_PASSES):  # "um, well, ..." : dropping one filler can start a statement
                dropped = _layout([" ".join(self.fillers.sub(" ", laid_out).split())])
                if dropped == laid_out:
                    break
                laid_out = dropped
        for slip, mended in self.rewrites:
            laid_out = slip.sub(mended, laid_out)  # " word" for " word": the layout stays single-spaced
        return " ".join(laid_out.split())




class SafetyDetector:
    """Safety detector for one language, built from one pattern file.

    Load it once per language and keep it: building one compiles a few hundred
    regular expressions (about a tenth of a second)."""

    def __init__(
        self,
        language: str,
        normaliser: _Normaliser,
        exclusions: dict[str, list[re.Pattern[str]]],
        rules: list[_Rule],
    ) -> None:
        """Prefer `load` or `from_file`; this takes already compiled parts.

        `exclusions` maps each level to the exclusions cut out before its rules run."""
        self.language = language
        self._normaliser = normaliser
        self._exclusions = exclusions
        self._rules = {level: [rule for rule in rules if rule.level == level] for level in LEVELS}

    @classmethod
    def load(cls, language: str) -> SafetyDetector:
        """Detector for ``"en"`` or ``"fr"`` (``"fr-FR"`` works too), read from safety/patterns/.

        Raises ValueError for a language without a pattern file."""
        return cls.from_file(PATTERNS_DIR / f"{_language_code(language)}.yml")

    @classmethod
    def from_file(cls, path: str | Path) -> SafetyDetector:
        """Build a detector from any pattern file; raises SafetyDataError if it is broken."""
        return _Compiler(Path(path)).build()

    def normalise(self, text: str) -> str:
        """The canonical form patterns are written against (see the pattern file header)."""
        return self._normaliser(text)

    def statements(self, text: str, level: str = CRISIS) -> list[str]:
        """The normalised pieces of `text` left once the level's exclusions are cut out: what its rules see."""
        return _pieces(self._laid_out(self.normalise(text), level))

    def prepare(self, text: str, level: str = CRISIS) -> str:
        """`statements`, one per line: for test messages that show what the rules saw."""
        return "\n".join(self.statements(text, level))

    def assess(self, text: str) -> SafetyFinding | None:
        """The most serious finding (see `ASSESSMENT_ORDER`), or None.

        Within a level, the first rule in file order that matches decides the kind."""
        normalised = self.normalise(text)
        if not normalised:
            return None
        seen: dict[str, str] = {}
        for level, urgent in ASSESSMENT_ORDER:
            if level not in seen:
                seen[level] = self._laid_out(normalised, level)
            for rule in self._rules[level]:
                if urgent is not None and rule.urgent != urgent:
                    continue
                if rule.matches(seen[level]):
                    return rule.finding()
        return None

    def excluded(self, text: str) -> bool:
        """Whether a listed idiom, negation or other person's story (of death or despair) is in `text`.

        That is positive knowledge that the words are not a crisis, which the
        trained classifier (the second signal) lacks.
        """
        laid_out = _layout([self.normalise(text)])
        return any(exclusion.search(laid_out) for exclusion in self._exclusions[CRISIS])

    def _laid_out(self, normalised: str, level: str) -> str:
        """Cut out each exclusion of `level`, keeping the ``" a b \\n c "`` layout."""
        laid_out = _layout([normalised])
        for exclusion in self._exclusions[level]:
            laid_out = _layout(_pieces(exclusion.sub(_CUT, laid_out)))
        return laid_out


def _pieces(laid_out: str) -> list[str]:
    return [piece.strip() for piece in laid_out.split(_CUT) if piece.strip()]


def _layout(pieces: list[str]) -> str:
    return " " + f" {_CUT} ".join(pieces) + " "


def _rewrite_anchors(regex: str, anchors: dict[str, str]) -> str:
    """Rewrite ``^``/``$`` outside character classes with `anchors` (for the space-led layout)."""
    out: list[str] = []
    i, class_start = 0, -1  # class_start: index of the open "[" (or "[^"), -1 outside
    while i < len(regex):
        char = regex[i]
        if char == "\\":
            out.append(regex[i : i + 2])
            i += 2
            continue
        if class_start >= 0:
            if char == "]" and i > class_start + 1:  # "[]...]" starts with a literal "]"
                class_start = -1
        elif char == "[":
            class_start = i + 1 if regex[i + 1 : i + 2] == "^" else i
        elif char in anchors:
            char = anchors[char]
        out.append(char)
        i += 1
    return "".join(out)


def _language_code(language: str) -> str:
    """'fr-FR', 'fr_FR', 'FR' -> 'fr'; ValueError when no pattern file exists."""
    code = str(language).strip().lower().replace("_", "-").split("-")[0]
    if not re.fullmatch(r"[a-z]{2,3}", code) or not (PATTERNS_DIR / f"{code}.yml").is_file():
        available = ", ".join(sorted(p.stem for p in PATTERNS_DIR.glob("*.yml"))) or "none"
        raise ValueError(
            f"No safety patterns for language {language!r} (available: {available}); "
            f"add {PATTERNS_DIR / (code or 'xx')}.yml to support it."
        )
    return code


class _Compiler:
    """Reads and validates one pattern file; every complaint names file and line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fragments: dict[str, str] = {}
        self.rule_ids: set[str] = set()
        self.anchors = {"^": _PIECE_START, "$": _PIECE_END}

    def fail(self, problem: str, where: Any = None) -> SafetyDataError:
        line = getattr(where, "line", 0)
        location = f"{self.path}:{line}" if line else str(self.path)
        return SafetyDataError(f"{location}: {problem}")

    def build(self) -> SafetyDetector:
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise self.fail(f"cannot read pattern file ({err})") from err
        try:
            data = datafile.load(text, self.path)
        except yaml.YAMLError as err:
            line, problem = datafile.problem_at(err)
            raise SafetyDataError(f"{self.path}{f':{line}' if line else ''}: YAML syntax error: {problem}") from err
        if not isinstance(data, dict):
            raise self.fail("the file must be a mapping with 'language' and the levels "
                            f"({', '.join(LEVELS)})")
        unknown = set(data) - _TOP_KEYS
        if unknown:
            key = sorted(unknown)[0]
            raise self.fail(f"unknown top-level key {key!r} (allowed: {sorted(_TOP_KEYS)})", key)
        language = data.get("language")
        if not isinstance(language, str) or not language:
            raise self.fail("missing key 'language' (e.g. 'language: en')")
        settings = data.get("normalise") or {}
        words, join = self._normalise_settings(settings)
        self._statements(data.get("statements") or {}, _Normaliser(words, join, None, ()))
        self._fragments(data.get("fragments") or {})
        fillers, rewrites = self._fillers(settings), self._rewrites(settings)
        exclusions = self._exclusions(data.get("exclusions") or [])
        if not any(data.get(level) for level in LEVELS):
            raise self.fail(f"no rules: the file needs at least one of the levels {', '.join(LEVELS)} "
                            "(each a mapping from kind to rules)")
        rules = [rule for level in LEVELS for rule in self._level(level, data.get(level) or {})]
        return SafetyDetector(str(language), _Normaliser(words, join, fillers, rewrites), exclusions, rules)

    def _normalise_settings(self, section: Any) -> tuple[dict[str, str], bool]:
        if not isinstance(section, dict):
            raise self.fail("'normalise' must be a mapping", section)
        unknown = set(section) - _NORMALISE_KEYS
        if unknown:
            key = sorted(unknown)[0]
            raise self.fail(f"unknown key 'normalise.{key}' (allowed: {', '.join(sorted(_NORMALISE_KEYS))})", key)
        apostrophe = section.get("apostrophe", "join")
        if apostrophe not in ("join", "space"):
            raise self.fail("'normalise.apostrophe' must be 'join' or 'space'", apostrophe)
        table = section.get("words") or {}
        if not isinstance(table, dict):
            raise self.fail("'normalise.words' must be a mapping of word: replacement", table)
        words: dict[str, str] = {}
        for key, value in table.items():
            if not isinstance(value, str) or not str(key).strip():
                raise self.fail(f"word {key!r} needs a text replacement", key)
            words[fold(str(key)).strip()] = " ".join(fold(value).split())
        return words, apostrophe == "join"

    def _statements(self, section: Any, normalise: _Normaliser) -> None:
        """Where statements meet inside one utterance: `^`/`$` of every pattern match there too.

        A statement ends before a joiner ("and", "not since") or an opener (a new
        subject: "i", "je"), and starts after a joiner. Entries are plain words,
        normalised like the text, so a look-behind of fixed width can test each."""
        if not isinstance(section, dict):
            raise self.fail("'statements' must be a mapping with 'joiners' and 'openers' (lists of words)",
                            section)
        unknown = set(section) - _STATEMENT_KEYS
        if unknown:
            key = sorted(unknown)[0]
            raise self.fail(f"unknown key 'statements.{key}' (allowed: joiners, openers)", key)
        phrases: dict[str, list[str]] = {}
        for key in sorted(_STATEMENT_KEYS):
            entries = section.get(key) or []
            if not isinstance(entries, list):
                raise self.fail(f"'statements.{key}' must be a list of words", key)
            phrases[key] = []
            for entry in entries:
                phrase = normalise(str(entry)) if isinstance(entry, str) else ""
                if not _PHRASE.fullmatch(phrase):
                    raise self.fail(f"'statements.{key}': {entry!r} must be one or more plain words", entry)
                phrases[key].append(phrase)

        def alternation(words: list[str]) -> str:
            return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))
        ends = phrases["joiners"] + phrases["openers"]
        if ends:
            self.anchors["$"] = f"(?= ?$| (?:{alternation(ends)})(?![a-z0-9]))"
        if phrases["joiners"]:
            # The joiner itself is consumed (one alternation is far cheaper than a
            # look-behind per joiner, tried at every word start): a match only says yes or no.
            self.anchors["^"] = f"(?:{_PIECE_START}|(?:{alternation(phrases['joiners'])}) )"

    def _fillers(self, section: dict[Any, Any]) -> re.Pattern[str] | None:
        """Hesitations dropped wherever they occur ("um", "euh", "you know" when it says nothing)."""
        if "fillers" not in section:
            return None
        return self._pattern_list(section["fillers"], "normalise", "fillers", "fillers")

    def _rewrites(self, section: dict[Any, Any]) -> tuple[tuple[re.Pattern[str], str], ...]:
        """Recogniser slips mended in context, in file order: {from: regex, to: words}."""
        entries = section.get("rewrites") or []
        if not isinstance(entries, list):
            raise self.fail("'normalise.rewrites' must be a list of {from, to}", "rewrites")
        out: list[tuple[re.Pattern[str], str]] = []
        for entry in entries:
            if not isinstance(entry, dict) or set(entry) != _REWRITE_KEYS:
                raise self.fail("each 'normalise.rewrites' entry must be a mapping with 'from' and 'to'",
                                next(iter(entry), entry) if isinstance(entry, dict) else entry)
            source, mended = entry["from"], entry["to"]
            if not isinstance(mended, str) or not _PHRASE.fullmatch(mended):
                raise self.fail(f"rewrite {source!r}: 'to' must be plain lower-case words", mended)
            out.append((self._pattern_list([source], f"rewrite {source!r}", "from", source), f" {mended}"))
        return tuple(out)

    def _fragments(self, section: Any) -> None:
        if not isinstance(section, dict):
            raise self.fail("'fragments' must be a mapping of NAME: regex", section)
        for name, value in section.items():
            if not re.fullmatch(r"[A-Z][A-Z0-9_]*", str(name)):
                raise self.fail(f"fragment name {name!r} must be UPPER_CASE", name)
            if not isinstance(value, str):
                raise self.fail(f"fragment {name!r} must be a quoted regex", name)
            expanded = self._expand(value, f"fragment {name!r}")
            self._compile(expanded, value, f"fragment {name!r}")
            self.fragments[str(name)] = expanded

    def _expand(self, pattern: str, owner: str) -> str:
        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in self.fragments:
                raise self.fail(f"{owner}: unknown fragment <{name}> (define it above)", pattern)
            return self.fragments[name]

        return _FRAGMENT_REF.sub(replace, strip_accents(pattern))

    def _compile(self, regex: str, source: Any, owner: str) -> re.Pattern[str]:
        try:
            return re.compile(regex, re.MULTILINE)
        except re.error as err:
            raise self.fail(f"{owner}: invalid regular expression ({err}): {source!r}", source) from err

    def _pattern_list(self, value: Any, owner: str, key: str, holder: Any) -> re.Pattern[str]:
        """Compile a list of patterns into one alternation, each wrapped in word boundaries."""
        if not isinstance(value, list) or not value:
            raise self.fail(f"{owner}: '{key}' must be a non-empty list of patterns", holder)
        parts: list[str] = []
        for source in value:
            if not isinstance(source, str) or not source.strip():
                raise self.fail(f"{owner}: every entry of '{key}' must be a quoted regex", holder)
            stripped = _FRAGMENT_REF.sub("", re.sub(r"\\[A-Za-z]", "", source))
            if re.search(r"[A-Z]", stripped):
                raise self.fail(
                    f"{owner}: pattern has capital letters but text is matched in lower case: "
                    f"{source!r}",
                    source,
                )
            body = _rewrite_anchors(self._expand(source, owner), self.anchors)
            wrapped = f" (?:{body})(?![a-z0-9])"
            compiled = self._compile(wrapped, source, owner)
            if compiled.search(_layout([])) or compiled.search(_layout(["", ""])):
                raise self.fail(f"{owner}: pattern matches empty text: {source!r}", source)
            parts.append(wrapped)
        return re.compile("|".join(parts), re.MULTILINE)

    def _exclusions(self, section: Any) -> dict[str, list[re.Pattern[str]]]:
        if not isinstance(section, list):
            raise self.fail("'exclusions' must be a list of {id, patterns, levels}", section)
        compiled: dict[str, list[re.Pattern[str]]] = {level: [] for level in LEVELS}
        for entry in section:
            entry_id = self._entry_id(entry, _EXCLUSION_KEYS, "exclusion")
            owner = f"exclusion {entry_id!r}"
            pattern = self._pattern_list(entry.get("patterns"), owner, "patterns", entry_id)
            levels = entry.get("levels", list(MIND_LEVELS))
            if not isinstance(levels, list) or not levels or any(level not in LEVELS for level in levels):
                raise self.fail(f"{owner}: 'levels' must be a list of levels among {', '.join(LEVELS)}",
                                entry_id)
            for level in levels:
                compiled[level].append(pattern)
        return compiled

    def _level(self, level: str, section: Any) -> list[_Rule]:
        """The rules of one level; body kinds carry an `urgent` flag a rule may override."""
        if not isinstance(section, dict):
            raise self.fail(f"'{level}' must be a mapping from kind to rules "
                            f"(kinds: {', '.join(KINDS[level])})", level)
        rules: list[_Rule] = []
        for kind, entries in section.items():
            if kind not in KINDS[level]:
                raise self.fail(f"unknown {level} kind {kind!r} (allowed: {', '.join(KINDS[level])})", kind)
            urgent = False
            if level == BODY:
                if not isinstance(entries, dict) or set(entries) - _BODY_KIND_KEYS:
                    raise self.fail(f"body kind {kind!r} must be a mapping with 'urgent' and 'rules'", kind)
                urgent = self._flag(entries.get("urgent"), f"body kind {kind!r}", kind)
                entries = entries.get("rules")
            if not isinstance(entries, list) or not entries:
                raise self.fail(f"{level} kind {kind!r} must hold a non-empty list of rules", kind)
            for entry in entries:
                rules.append(self._rule(level, str(kind), entry, urgent))
        return rules

    def _rule(self, level: str, kind: str, entry: Any, urgent: bool) -> _Rule:
        rule_id = self._entry_id(entry, _BODY_RULE_KEYS if level == BODY else _RULE_KEYS, f"{kind} rule")
        if rule_id in self.rule_ids:
            raise self.fail(f"duplicate rule id {rule_id!r}", rule_id)
        self.rule_ids.add(rule_id)
        owner = f"rule {rule_id!r}"
        pattern = self._pattern_list(entry.get("patterns"), owner, "patterns", rule_id)
        with_any, unless_any = (self._pattern_list(entry[key], owner, key, rule_id) if key in entry else None
                                for key in ("with_any", "unless_any"))
        if "urgent" in entry:
            urgent = self._flag(entry["urgent"], owner, rule_id)
        return _Rule(level, kind, str(rule_id), pattern, with_any, unless_any, urgent)

    def _flag(self, value: Any, owner: str, where: Any) -> bool:
        if not isinstance(value, bool):
            raise self.fail(f"{owner}: 'urgent' must be true or false", where)
        return value

    def _entry_id(self, entry: Any, allowed: set[str], what: str) -> str:
        if not isinstance(entry, dict):
            raise self.fail(f"each {what} must be a mapping with 'id' and 'patterns'", entry)
        entry_id = entry.get("id")
        if not isinstance(entry_id, str) or not entry_id:
            raise self.fail(f"{what} without 'id'", next(iter(entry), None))
        unknown = set(entry) - allowed
        if unknown:
            raise self.fail(
                f"{what} {entry_id!r}: unknown key {sorted(unknown)[0]!r} "
                f"(allowed: {', '.join(sorted(allowed))})",
                entry_id,
            )
        return entry_id
