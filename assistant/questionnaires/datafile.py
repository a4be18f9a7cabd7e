"""YAML that remembers where each value was written, and the checks every data file needs.

The questionnaire files are edited by people who are not programmers; "line 42:
option 'often' scores 4, outside 1 to 3" lets them fix a mistake without reading
code. Mappings, lists and strings all carry the line they start on, and
`Checker` fails with the file and line of the first value of the wrong shape.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from assistant import LANGUAGES


class QuestionnaireDataError(ValueError):
    """A questionnaire data file is wrong; the message names the file, the line and the problem."""


class LineDict(dict):
    line = 0


class LineList(list):
    line = 0


class LineStr(str):
    line = 0
    path: Path | None = None
    """The file the string was read from: a phrase shared by several files says where it lives."""


class _LineLoader(yaml.SafeLoader):
    """A safe loader whose mappings, lists and strings know their line (1-based)."""

    source_path: Path | None = None


def _mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    value = LineDict(loader.construct_mapping(node, deep=True))
    value.line = node.start_mark.line + 1
    return value


def _sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    value = LineList(loader.construct_sequence(node, deep=True))
    value.line = node.start_mark.line + 1
    return value


def _string(loader: _LineLoader, node: yaml.ScalarNode) -> LineStr:
    value = LineStr(loader.construct_scalar(node))
    value.line = node.start_mark.line + 1
    value.path = loader.source_path
    return value


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)
_LineLoader.add_constructor("tag:yaml.org,2002:str", _string)


def line_of(node: Any) -> int:
    """The line a loaded value starts on, or 0 when it has none (a number, a boolean)."""
    return getattr(node, "line", 0)


def where(path: Path, node: Any) -> str:
    """"FILE, line N" for `node`: its own file when it was read from another one (a shared phrase)."""
    path = getattr(node, "path", None) or path
    line = line_of(node)
    return f"{path}, line {line}" if line else str(path)


def fail(path: Path, node: Any, problem: str) -> QuestionnaireDataError:
    """An error naming the file, the line of `node` (when known) and the problem."""
    return QuestionnaireDataError(f"{where(path, node)}: {problem}")


def read_yaml(path: Path) -> Any:
    """The file's data with line numbers; a QuestionnaireDataError when it cannot be read or parsed."""
    try:
        loader = _LineLoader(path.read_text(encoding="utf-8"))
        loader.source_path = path
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        place = f"{path}, line {mark.line + 1}" if mark else str(path)
        raise QuestionnaireDataError(f"{place}: not valid YAML ({getattr(error, 'problem', error)})") from error
    except (OSError, UnicodeDecodeError) as error:
        raise QuestionnaireDataError(f"{path}: cannot be read ({error})") from error


class Checker:
    """Reads one file's data, failing with the file and line of the first mistake."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, node: Any, problem: str) -> QuestionnaireDataError:
        return fail(self.path, node, problem)

    def mapping(self, node: Any, what: str, keys: set[str] | None = None, required: set[str] = frozenset(),
                parent: Any = None) -> dict:
        if not isinstance(node, dict):
            raise self.fail(node if line_of(node) else parent, f"{what} must be a mapping")
        if keys is not None and set(node) - keys:
            raise self.fail(node, f"{what} has unknown keys: {', '.join(sorted(map(str, set(node) - keys)))}")
        missing = required - set(node)
        if missing:
            raise self.fail(node, f"{what} is missing {', '.join(sorted(missing))}")
        return node

    def listing(self, node: Any, what: str, parent: Any, allow_empty: bool = False) -> list:
        if not isinstance(node, list) or (not node and not allow_empty):
            raise self.fail(node if line_of(node) else parent, f"{what} must be a{'' if allow_empty else ' non-empty'} list")
        return node

    def text(self, node: Any, what: str, parent: Any) -> str:
        if not isinstance(node, str) or not node.strip():
            raise self.fail(node if line_of(node) else parent, f"{what} must be a text")
        return node

    def strings(self, node: Any, what: str, parent: Any) -> tuple[str, ...]:
        return tuple(self.text(value, f"each of {what}", node) for value in self.listing(node, what, parent, allow_empty=True))

    def texts(self, node: Any, what: str, parent: Any) -> dict[str, str]:
        """A text in every language, and in no other."""
        if not isinstance(node, dict):
            raise self.fail(parent, f"{what} needs a text for each language ({', '.join(LANGUAGES)})")
        for lang in LANGUAGES:
            if not isinstance(node.get(lang), str) or not node[lang].strip():
                raise self.fail(node, f"{what} has no {lang} text")
        extra = set(node) - set(LANGUAGES)
        if extra:
            raise self.fail(node, f"{what} has unknown languages: {', '.join(sorted(map(str, extra)))}")
        return {lang: node[lang] for lang in LANGUAGES}

    def integer(self, node: dict, key: str, what: str, minimum: int | None = None) -> int:
        value = node[key]
        if isinstance(value, bool) or not isinstance(value, int) or (minimum is not None and value < minimum):
            bound = f" of at least {minimum}" if minimum is not None else ""
            raise self.fail(node, f"{what} must be a whole number{bound}, not {value!r}")
        return value
