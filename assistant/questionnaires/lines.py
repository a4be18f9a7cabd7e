"""YAML that remembers where each value was written, so that errors name the line.

The questionnaire files are edited by people who are not programmers; "line 42:
option 'often' scores 4, outside 1 to 3" lets them fix a mistake without reading
code. Mappings, lists and strings all carry the line they start on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


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
