"""Deterministic crisis-language detector.

Why deterministic: the detector sees every utterance before anything else and a
miss can harm someone, so its behaviour must be predictable, explainable (which
rule fired) and testable line by line. No model, no randomness, no network.

Why data files: the phrases are clinical knowledge, not code. They live in
``safety/patterns/<lang>.yml`` so that a non-programmer can review and extend
them; this module only normalises text, removes the listed exclusions (idioms,
accidents, negations) and tries the rules in file order.

Why normalise first: the text comes from speech recognition (lower case, no
punctuation, French sometimes without accents), so patterns are written once
against one canonical form instead of every spelling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import yaml

from assistant.text import fold, strip_accents

PATTERNS_DIR: Final = Path(__file__).resolve().parents[2] / "safety" / "patterns"
"""Folder holding one ``<language>.yml`` pattern file per supported language."""

KINDS: Final = (
    "explicit",
    "passive_wish",
    "euphemism",
    "method",
    "self_harm",
    "asking_for_friend",
)
"""Every kind a rule may report; the response and the clinician report rely on these."""

CRISIS: Final = "crisis"
"""The only level this detector reports today."""

_TOP_KEYS: Final = {"language", "normalise", "fragments", "exclusions", "rules"}
_RULE_KEYS: Final = {"id", "patterns", "with_any"}
_EXCLUSION_KEYS: Final = {"id", "patterns"}
_FRAGMENT_REF: Final = re.compile(r"<([A-Z][A-Z0-9_]*)>")
_CUT: Final = "\n"
"""What a removed exclusion leaves behind: a line break, which word gaps in
patterns cannot cross and where ``^``/``$`` match, so the words on either side
are never stitched into a new phrase."""
_ANCHORS: Final = {"^": "(?<=^ )", "$": "(?= ?$)"}
"""Matching runs on ``" " + words + " "`` and every compiled pattern starts with
that literal space, so ``re`` only tries word starts (about ten times faster than
a leading look-behind). ``^``/``$`` in a pattern are rewritten to keep meaning
"start/end of the utterance or of a piece between cut-outs"."""


class SafetyDataError(Exception):
    """A pattern file is missing, malformed or contains an invalid pattern.

    The message always names the file (and the line when known) so the person
    editing phrases can fix it without reading this code.
    """


@dataclass(frozen=True)
class SafetyFinding:
    """What the detector found in one utterance. Never contains the user's words."""

    level: str
    """Severity; always ``"crisis"`` for now."""
    kind: str
    """One of `KINDS`, e.g. ``"passive_wish"``."""
    rule: str
    """Id of the rule that matched, for debugging and tests."""


@dataclass(frozen=True)
class _Rule:
    kind: str
    id: str
    pattern: re.Pattern[str]
    with_any: re.Pattern[str] | None


class _LineStr(str):
    """A YAML string that remembers its line, for error messages."""

    line: int = 0


class _Loader(yaml.SafeLoader):
    """Safe YAML loader whose strings carry their line numbers."""


def _construct_str(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> _LineStr:
    value = _LineStr(loader.construct_scalar(node))
    value.line = node.start_mark.line + 1
    return value


_Loader.add_constructor("tag:yaml.org,2002:str", _construct_str)


class SafetyDetector:
    """Crisis-language detector for one language, built from one pattern file."""

    def __init__(
        self,
        language: str,
        words: dict[str, str],
        join_apostrophes: bool,
        exclusions: list[re.Pattern[str]],
        rules: list[_Rule],
    ) -> None:
        """Prefer `load` or `from_file`; this takes already compiled parts."""
        self.language = language
        self._words = words
        self._join_apostrophes = join_apostrophes
        self._exclusions = exclusions
        self._rules = rules

    @classmethod
    def load(cls, language: str) -> SafetyDetector:
        """Detector for ``"en"`` or ``"fr"`` (``"fr-FR"`` works too); cached per language.

        Raises ValueError for a language without a pattern file.
        """
        return _load_cached(_language_code(language))

    @classmethod
    def from_file(cls, path: str | Path) -> SafetyDetector:
        """Build a detector from any pattern file; raises SafetyDataError if it is broken."""
        return _Compiler(Path(path)).build()

    def normalise(self, text: str) -> str:
        """The canonical form patterns are written against (see the pattern file header)."""
        out: list[str] = []
        for token in fold(text).split():
            if token in self._words:
                out.append(self._words[token])
                continue
            token = token.replace("'", "" if self._join_apostrophes else " ")
            out.extend(self._words.get(part, part) for part in token.split())
        return " ".join(out)

    def prepare(self, text: str) -> str:
        """Normalised text with exclusions cut out (one piece per line): what rules see."""
        return "\n".join(_pieces(self._laid_out(text)))

    def assess(self, text: str) -> SafetyFinding | None:
        """The first rule (in file order) that matches the utterance, or None."""
        prepared = self._laid_out(text)
        if not prepared.strip():
            return None
        for rule in self._rules:
            if rule.pattern.search(prepared) and (
                rule.with_any is None or rule.with_any.search(prepared)
            ):
                return SafetyFinding(level=CRISIS, kind=rule.kind, rule=rule.id)
        return None

    def excluded(self, text: str) -> bool:
        """Whether a listed idiom, negation or other person's story is in `text`.

        That is positive knowledge that the words are not a crisis, which the
        trained classifier (the second signal) lacks.
        """
        laid_out = _layout([self.normalise(text)])
        return any(exclusion.search(laid_out) for exclusion in self._exclusions)

    def _laid_out(self, text: str) -> str:
        """Normalise, then cut out each exclusion, keeping the ``" a b \\n c "`` layout."""
        laid_out = _layout([self.normalise(text)])
        for exclusion in self._exclusions:
            laid_out = _layout(_pieces(exclusion.sub(_CUT, laid_out)))
        return laid_out


def _pieces(laid_out: str) -> list[str]:
    return [piece.strip() for piece in laid_out.split(_CUT) if piece.strip()]


def _layout(pieces: list[str]) -> str:
    return " " + f" {_CUT} ".join(pieces) + " "


def _rewrite_anchors(regex: str) -> str:
    """Rewrite ``^``/``$`` outside character classes for the space-led layout."""
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
        elif char in _ANCHORS:
            char = _ANCHORS[char]
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


@lru_cache(maxsize=None)
def _load_cached(code: str) -> SafetyDetector:
    return SafetyDetector.from_file(PATTERNS_DIR / f"{code}.yml")


class _Compiler:
    """Reads and validates one pattern file; every complaint names file and line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fragments: dict[str, str] = {}

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
            data = yaml.load(text, Loader=_Loader)  # noqa: S506 - safe loader subclass
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            line = f":{mark.line + 1}" if mark is not None else ""
            problem = getattr(err, "problem", None) or err
            raise SafetyDataError(f"{self.path}{line}: YAML syntax error: {problem}") from err
        if not isinstance(data, dict):
            raise self.fail("the file must be a mapping with 'language' and 'rules'")
        unknown = set(data) - _TOP_KEYS
        if unknown:
            key = sorted(unknown)[0]
            raise self.fail(f"unknown top-level key {key!r} (allowed: {sorted(_TOP_KEYS)})", key)
        language = data.get("language")
        if not isinstance(language, str) or not language:
            raise self.fail("missing key 'language' (e.g. 'language: en')")
        words, join = self._normalise_settings(data.get("normalise") or {})
        self._fragments(data.get("fragments") or {})
        exclusions = self._exclusions(data.get("exclusions") or [])
        rules = self._rules(data.get("rules"))
        return SafetyDetector(str(language), words, join, exclusions, rules)

    def _normalise_settings(self, section: Any) -> tuple[dict[str, str], bool]:
        if not isinstance(section, dict):
            raise self.fail("'normalise' must be a mapping", section)
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
            body = _rewrite_anchors(self._expand(source, owner))
            wrapped = f" (?:{body})(?![a-z0-9])"
            compiled = self._compile(wrapped, source, owner)
            if compiled.search(_layout([])) or compiled.search(_layout(["", ""])):
                raise self.fail(f"{owner}: pattern matches empty text: {source!r}", source)
            parts.append(wrapped)
        return re.compile("|".join(parts), re.MULTILINE)

    def _exclusions(self, section: Any) -> list[re.Pattern[str]]:
        if not isinstance(section, list):
            raise self.fail("'exclusions' must be a list of {id, patterns}", section)
        compiled = []
        for entry in section:
            entry_id = self._entry_id(entry, _EXCLUSION_KEYS, "exclusion")
            owner = f"exclusion {entry_id!r}"
            compiled.append(self._pattern_list(entry.get("patterns"), owner, "patterns", entry_id))
        return compiled

    def _rules(self, section: Any) -> list[_Rule]:
        if not isinstance(section, dict) or not section:
            raise self.fail(f"missing key 'rules' (a mapping from kind to rules; kinds: {KINDS})")
        rules: list[_Rule] = []
        seen: set[str] = set()
        for kind, entries in section.items():
            if kind not in KINDS:
                raise self.fail(f"unknown kind {kind!r} (allowed: {', '.join(KINDS)})", kind)
            if not isinstance(entries, list):
                raise self.fail(f"kind {kind!r} must hold a list of rules", kind)
            for entry in entries:
                rule_id = self._entry_id(entry, _RULE_KEYS, f"{kind} rule")
                if rule_id in seen:
                    raise self.fail(f"duplicate rule id {rule_id!r}", rule_id)
                seen.add(rule_id)
                owner = f"rule {rule_id!r}"
                pattern = self._pattern_list(entry.get("patterns"), owner, "patterns", rule_id)
                with_any = None
                if "with_any" in entry:
                    with_any = self._pattern_list(entry["with_any"], owner, "with_any", rule_id)
                rules.append(_Rule(str(kind), str(rule_id), pattern, with_any))
        return rules

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
