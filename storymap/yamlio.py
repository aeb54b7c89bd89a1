"""YAML files to plain nodes that remember where they were written.

Nothing here builds Python objects from YAML: files are composed (never
constructed) by libyaml, so tags such as !!python/object are never executed,
and every scalar stays the text the journalist typed. The validator decides
what that text means (StrictYAML's idea), which is why `country: NO` stays
"NO" instead of becoming false. Anchors and aliases are refused: composed
nodes share aliased children, so refusing the second visit keeps an alias
bomb from expanding.
"""
from __future__ import annotations

from pathlib import Path
from typing import NamedTuple, Union

import yaml

from . import files
from .errors import Mark, Problems, display_path

MAX_FILE_BYTES = 5 * 1024 * 1024

_CORE = "tag:yaml.org,2002:"
_IMPLICIT_TAGS = {yaml.ScalarNode: _CORE + "str", yaml.SequenceNode: _CORE + "seq", yaml.MappingNode: _CORE + "map"}


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's composer, without guessing types for untagged nodes.

    Scalars stay text (the validator reads them), so matching each one against
    the int/float/bool/timestamp patterns would be wasted work: a fifth of the
    time of `check` on a large story. Explicitly tagged nodes keep their tags.
    """

    def resolve(self, kind, value, implicit):
        return _IMPLICIT_TAGS[kind]

ALLOWED_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}
NULL_WORDS = {"", "~", "null", "Null", "NULL"}


# Nodes are named tuples for speed: a 10,000-event story has some 200,000 of them.
class Scalar(NamedTuple):
    value: str
    mark: Mark
    plain: bool = True  # written without quotes or block style

    @property
    def is_null(self) -> bool:
        return self.plain and self.value in NULL_WORDS


class Mapping(NamedTuple):
    items: tuple[tuple[Scalar, "Node"], ...]
    mark: Mark

    def keys(self) -> list[str]:
        return [k.value for k, _ in self.items]

    def get(self, key: str) -> "Node | None":
        for k, v in self.items:
            if k.value == key:
                return v
        return None

    def key_node(self, key: str) -> Scalar | None:
        for k, _ in self.items:
            if k.value == key:
                return k
        return None


class Sequence(NamedTuple):
    items: tuple["Node", ...]
    mark: Mark


Node = Union[Scalar, Mapping, Sequence]

_SYNTAX_HINTS = {
    "mapping values are not allowed": "a value that contains ': ' needs quotes around it",
    # libyaml's wording (the C loader is the one used); a tab is the usual cause of both.
    "tab character": "indent with spaces, not tabs",
    "cannot start any token": "quote text that starts with @ or `",
    "could not find expected ':'": "each line in a mapping needs 'key: value'; quote text that spans lines",
    "found undefined alias": "anchors and aliases (&name, *name) are not supported; write the value out",
    "expected a single document": "one file holds one YAML document; remove the extra '---'",
}


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n", line + 1)
    return lines[line][column:column + 1] if line < len(lines) else ""


def describe_kind(node: Node) -> str:
    if isinstance(node, Mapping):
        return "a mapping (key: value lines)"
    if isinstance(node, Sequence):
        return "a list"
    return "an empty value" if node.is_null else f"the text '{node.value}'"


def read_text(path: Path, problems: Problems, root: Path | None = None) -> str | None:
    """The file's text, or None after recording why it cannot be read.

    Only a regular file is read, and with a root only one inside it after following
    links (files.read_bytes): never a pipe, a device or a file elsewhere.
    """
    shown = display_path(path)
    try:
        data = files.read_bytes(path, root, MAX_FILE_BYTES)
    except files.Refusal as refusal:
        problems.add(Mark(shown), refusal.code, **refusal.values)
        return None
    except OSError as err:
        problems.add(Mark(shown), "file-unreadable", reason=err.strerror or err)
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        col = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        problems.add(Mark(shown, line, col), "not-utf8", byte=f"0x{data[err.start]:02x}")
        return None
    problems.texts[shown] = text
    return text


def load(path: Path, problems: Problems, root: Path | None = None) -> Node | None:
    """Read one YAML file into nodes; None (with problems recorded) when unusable."""
    text = read_text(path, problems, root)
    if text is None:
        return None
    return parse(text, display_path(path), problems)


def parse(text: str, shown_path: str, problems: Problems) -> Node | None:
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = Mark(shown_path, mark.line + 1, mark.column + 1) if mark else Mark(shown_path)
        problem = err.problem or err.context or "cannot parse"
        hint = next((h for key, h in _SYNTAX_HINTS.items() if key in problem), "")
        if mark and _char_at(text, mark.line, mark.column) == "\t":
            hint = _SYNTAX_HINTS["tab character"]
        problems.add(where, "yaml-syntax", hint, problem=problem)
        return None
    except yaml.YAMLError as err:  # reader errors (e.g. control characters) carry a position too
        position = getattr(err, "position", None)
        line = text.count("\n", 0, position) + 1 if position is not None else 1
        col = position - (text.rfind("\n", 0, position) + 1) + 1 if position is not None else 1
        problems.add(Mark(shown_path, line, col), "yaml-syntax", "remove control characters from the file",
                     problem=getattr(err, "reason", err))
        return None
    if root is None:
        problems.add(Mark(shown_path), "file-empty")
        return None
    before = len(problems)
    try:
        node = _convert(root, shown_path, problems, set())
    except _AliasFound:
        _report_aliases(text, shown_path, problems)
        return None
    return node if len(problems) == before else None


class _AliasFound(Exception):
    """A node was reached twice: the file uses an alias."""


def _report_aliases(text: str, shown_path: str, problems: Problems) -> None:
    """Each alias where it is written (composed nodes only know their anchor's position)."""
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            mark = event.start_mark
            problems.add(Mark(shown_path, mark.line + 1, mark.column + 1), "yaml-alias")


def _convert(node: yaml.Node, path: str, problems: Problems, seen: set[int]) -> Node:
    start = node.start_mark
    mark = Mark(path, start.line + 1, start.column + 1)
    key = id(node)
    if key in seen:
        raise _AliasFound()
    seen.add(key)
    if node.tag not in ALLOWED_TAGS:
        problems.add(mark, "yaml-tag", tag=node.tag.replace(_CORE, "!!"))
        return Scalar("", mark)
    if type(node) is yaml.ScalarNode:  # the common case first; exact type is faster than isinstance
        return Scalar(node.value, mark, not node.style)  # plain: libyaml says None or "" for it
    if isinstance(node, yaml.SequenceNode):
        return Sequence(tuple(_convert(item, path, problems, seen) for item in node.value), mark)
    return _convert_mapping(node, mark, path, problems, seen)


def _convert_mapping(node: yaml.MappingNode, mark: Mark, path: str, problems: Problems,
                     seen: set[int]) -> Mapping:
    items: list[tuple[Scalar, Node]] = []
    first_seen: dict[str, Mark] = {}
    for key_node, value_node in node.value:
        key = _convert(key_node, path, problems, seen)
        value = _convert(value_node, path, problems, seen)
        if not isinstance(key, Scalar):
            problems.add(key.mark, "key-not-text")
            continue
        if key.value in first_seen:
            first = first_seen[key.value]
            problems.add(key.mark, "duplicate-key", key=key.value, line=first.line)
            continue
        first_seen[key.value] = key.mark
        items.append((key, value))
    return Mapping(tuple(items), mark)
