"""YAML files to plain nodes that remember where they were written.

Nothing here builds Python objects from YAML: files are composed (never
constructed) by libyaml, so tags such as !!python/object are never executed,
and every scalar stays the text the journalist typed. The validator decides
what that text means (StrictYAML's idea), which is why `country: NO` stays
"NO" instead of becoming false. Anchors and aliases are refused: composed
nodes share aliased children, so refusing the second visit keeps an alias
bomb from expanding. Every scalar passes through _convert, which is where
control characters are refused, however they were written; nesting is
limited there too, so no file can make the conversion recurse without end.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple, Union, cast

import yaml

from storymap.source import files
from storymap.errors import Mark, Problems, display_path

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 50  # lists and mappings inside each other; the deepest story field needs 5

# Refused in every scalar: C0 controls but tab and newline, DEL, C1 controls, and U+FFFE/U+FFFF.
# libyaml refuses most of them written raw, but a double-quoted escape ("\v", "\0", "\e",
# "\x85") writes any of them. They make feed.xml and data.kml malformed XML, reach terminals as
# escape sequences, and hide text from whoever reviews the file.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_CHARACTER_NAMES = {"\0": "null", "\a": "bell", "\b": "backspace", "\v": "vertical tab", "\f": "form feed",
                    "\r": "carriage return", "\x1b": "escape", "\x7f": "delete", "\x85": "next line",
                    "\ufffe": "not a character", "\uffff": "not a character"}
# Where YAML (and so every mark libyaml gives) starts a new line.
LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")

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
    root = _compose(text, shown_path, problems)
    if root is None:
        return None
    before = len(problems)
    try:
        node = _convert(root, shown_path, problems, set(), 0)
    except _AliasFound:
        _report_aliases(text, shown_path, problems)
        return None
    except _TooDeep as deep:
        problems.add(deep.mark, "yaml-too-deep", limit=MAX_DEPTH)
        return None
    return node if len(problems) == before else None


def _compose(text: str, shown_path: str, problems: Problems) -> yaml.Node | None:
    """libyaml's node tree, or None after recording why there is none."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = Mark(shown_path, mark.line + 1, mark.column + 1) if mark else Mark(shown_path)
        problem = err.problem or err.context or "cannot parse"
        if "maximum nesting depth" in problem:  # libyaml's own limit, at 1,000 levels
            problems.add(where, "yaml-too-deep", limit=MAX_DEPTH)
            return None
        hint = next((h for key, h in _SYNTAX_HINTS.items() if key in problem), "")
        if mark and _char_at(text, mark.line, mark.column) == "\t":
            hint = _SYNTAX_HINTS["tab character"]
        problems.add(where, "yaml-syntax", hint, problem=problem)
        return None
    except yaml.reader.ReaderError as err:  # a control character written raw
        _report_raw_character(text, err, shown_path, problems)
        return None
    except RecursionError:  # only PyYAML's Python composer recurses (without libyaml): deep nesting
        problems.add(Mark(shown_path), "yaml-too-deep", limit=MAX_DEPTH)
        return None
    if root is None:
        problems.add(Mark(shown_path), "file-empty")
    return root


def _report_raw_character(text: str, err: yaml.reader.ReaderError, shown_path: str, problems: Problems) -> None:
    # The reader stops at the first character it refuses, so its first occurrence is the spot
    # (libyaml's own position counts UTF-8 bytes, not characters).
    character = chr(err.character)
    position = max(text.find(character), 0)
    line_start = max((found.end() for found in LINE_BREAK.finditer(text, 0, position)), default=0)
    where = Mark(shown_path, len(LINE_BREAK.findall(text, 0, position)) + 1, position - line_start + 1)
    problems.add(where, "control-character", character=describe_character(character))


class _AliasFound(Exception):
    """A node was reached twice: the file uses an alias."""


class _TooDeep(Exception):
    """Lists and mappings nest more than MAX_DEPTH levels deep."""

    def __init__(self, mark: Mark):
        super().__init__()
        self.mark = mark


_ESCAPE_HINT = ("delete the escape that writes it between the double quotes (such as \\v, \\0 or \\e); control "
                "characters break the feed and the KML download, and can hide text")


def describe_character(character: str) -> str:
    """A character as U+XXXX, with its name when it has a common one: U+001B (escape)."""
    name = _CHARACTER_NAMES.get(character)
    return f"U+{ord(character):04X}" + (f" ({name})" if name else "")


def source_lines(text: str) -> list[str]:
    """A file's lines as YAML counts them, so that marks index into them."""
    return LINE_BREAK.split(text)


def _report_aliases(text: str, shown_path: str, problems: Problems) -> None:
    """Each alias where it is written (composed nodes only know their anchor's position)."""
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:  # libyaml always sets it
            mark = event.start_mark
            problems.add(Mark(shown_path, mark.line + 1, mark.column + 1), "yaml-alias")


def _convert(node: yaml.Node, path: str, problems: Problems, seen: set[int], depth: int) -> Node:
    """Nodes from libyaml's; depth counts the lists and mappings around this node."""
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
        found = CONTROL_CHARACTER.search(node.value)
        if found:
            problems.add(mark, "control-character", _ESCAPE_HINT if node.style == '"' else None,
                         character=describe_character(found.group()))
        return Scalar(node.value, mark, not node.style)  # plain: libyaml says None or "" for it
    if depth >= MAX_DEPTH:
        raise _TooDeep(mark)
    if isinstance(node, yaml.SequenceNode):
        return Sequence(tuple(_convert(item, path, problems, seen, depth + 1) for item in node.value), mark)
    # Neither a scalar nor a list: a mapping, the one kind of node left in a composed document.
    return _convert_mapping(cast(yaml.MappingNode, node), mark, path, problems, seen, depth + 1)


def _convert_mapping(node: yaml.MappingNode, mark: Mark, path: str, problems: Problems,
                     seen: set[int], depth: int) -> Mapping:
    items: list[tuple[Scalar, Node]] = []
    first_seen: dict[str, Mark] = {}
    for key_node, value_node in node.value:
        key = _convert(key_node, path, problems, seen, depth)
        value = _convert(value_node, path, problems, seen, depth)
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
