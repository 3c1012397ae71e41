"""YAML whose every value knows its file and line, so curators' mistakes point at ``file:line``.

PyYAML's composer gives nodes with positions; we construct plain Python values from them and keep the
positions beside: :class:`YamlMap` (a dict) and :class:`YamlList` (a list) remember where each key and
item stands. Duplicate keys, which YAML would silently overwrite, are reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = ["Problem", "YamlList", "YamlMap", "load_yaml"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in the knowledge base, at a file and line."""

    file: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        prefix = "warning: " if self.warning else ""
        return f"{self.file}:{self.line}: {prefix}{self.message}"


class YamlMap(dict):
    """A mapping from YAML that knows the line of itself, of each key and of each value."""

    line: int = 0
    key_lines: dict[Any, int]
    value_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        """The line of ``key``'s value, or of the mapping itself when the key is absent."""
        return self.value_lines.get(key, self.line)

    def key_line(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class YamlList(list):
    """A sequence from YAML that knows its own line and each item's line."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


#: libyaml's parser when PyYAML was built with it (several times faster), else the pure-Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Constructor(yaml.constructor.SafeConstructor):
    """Safe scalars (dates, numbers, booleans), but no object construction of our own."""


def _build(node: yaml.Node, constructor: _Constructor, file: str, problems: list[Problem]) -> Any:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        constructor.flatten_mapping(node)
        result = YamlMap()
        result.line = line
        result.key_lines = {}
        result.value_lines = {}
        for key_node, value_node in node.value:
            key = _build(key_node, constructor, file, problems)
            if isinstance(key, (dict, list)):
                problems.append(Problem(file, key_node.start_mark.line + 1, "a key must be plain text"))
                continue
            if key in result:
                problems.append(
                    Problem(
                        file,
                        key_node.start_mark.line + 1,
                        f"duplicate key {key!r} (first at line {result.key_lines[key]})",
                    )
                )
            result[key] = _build(value_node, constructor, file, problems)
            result.key_lines[key] = key_node.start_mark.line + 1
            result.value_lines[key] = value_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        items = YamlList(_build(item, constructor, file, problems) for item in node.value)
        items.line = line
        items.item_lines = [item.start_mark.line + 1 for item in node.value]
        return items
    return constructor.construct_object(node, deep=True)


def load_yaml(path: Path, *, display: str | None = None) -> tuple[Any, list[Problem]]:
    """Read one YAML file. Returns its value (None when unreadable) and the problems found.

    ``display`` is how the file is named in messages (by default the path as given).
    """
    file = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(file, 1, f"not UTF-8 text ({exc.reason})")]
    except OSError as exc:
        return None, [Problem(file, 1, f"cannot read the file ({exc.strerror})")]
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = " ".join(part for part in (exc.context, exc.problem) if part)
        return None, [Problem(file, line, f"YAML syntax error: {what}")]
    except yaml.YAMLError as exc:
        return None, [Problem(file, 1, f"YAML error: {exc}")]
    if node is None:
        return None, []
    problems: list[Problem] = []
    try:
        value = _build(node, _Constructor(), file, problems)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark or exc.context_mark
        return None, [Problem(file, (mark.line + 1) if mark else 1, f"YAML error: {exc.problem}")]
    return value, problems
