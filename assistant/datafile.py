"""YAML that remembers where each value was written: one loader for every data file.

Exercises, questionnaires, safety patterns and listening phrases are edited by
people who are not programmers; "line 42: option 'often' scores 4" lets them fix
a mistake without reading code. Mappings, lists and strings all carry the line
they start on (strings also their file, for a phrase shared by several files),
and a key written twice in one mapping is refused: YAML would silently keep the
last one and drop everything under the first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


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
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (merge the two entries)", key_node.start_mark)
        seen.add(key)
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


def load(text: str, source: Path | None = None) -> Any:
    """`text` parsed, every mapping, list and string carrying its line; raises yaml.YAMLError."""
    loader = _LineLoader(text)
    loader.source_path = source
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def problem_at(error: yaml.YAMLError) -> tuple[int | None, str]:
    """The line (1-based, when YAML knows it) and the words of a parse error."""
    mark = getattr(error, "problem_mark", None)
    return (mark.line + 1 if mark is not None else None), str(getattr(error, "problem", None) or error)


def read(path: Path, error: type[Exception]) -> Any:
    """The file's data with lines; `error` naming the file (and line) when it cannot be read or parsed."""
    try:
        return load(path.read_text(encoding="utf-8"), path)
    except yaml.YAMLError as problem:
        line, words = problem_at(problem)
        place = f"{path}, line {line}" if line else str(path)
        raise error(f"{place}: not valid YAML ({words})") from problem
    except (OSError, UnicodeDecodeError) as problem:
        raise error(f"{path}: cannot be read ({problem})") from problem


def line_of(node: Any) -> int:
    """The line a loaded value starts on, or 0 when it has none (a number, a boolean)."""
    return getattr(node, "line", 0)
