"""The checks every data file needs, on YAML that remembers where each value was written.

The questionnaire files are edited by people who are not programmers; "line 42:
option 'often' scores 4, outside 1 to 3" lets them fix a mistake without reading
code. `Checker` fails with the file and line (assistant/datafile.py) of the first
value of the wrong shape.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant import LANGUAGES, datafile
from assistant.datafile import line_of


class QuestionnaireDataError(ValueError):
    """A questionnaire data file is wrong; the message names the file, the line and the problem."""


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
    return datafile.read(path, QuestionnaireDataError)


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
