"""links --write: add `archive: <snapshot>` under a dead source `url`, changing nothing else in the file.

The journalist's file is text they wrote, with comments, blank lines, quoting
and an order of keys that a YAML library would rewrite on dumping. So the line
is inserted into the text itself: below the `url:` line, indented like it (or,
in a source written as `{publisher: ..., url: ...}`, after the url inside the
braces). Before anything is written, the new text is read back and must hold
exactly the old data plus the added keys; a file that does not (or that changed
since it was checked) is left as it was. Files are replaced whole, through a
temporary file beside them, so an editor never sees half a file.
"""
from __future__ import annotations

import json
import os
import re
import stat
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from storymap.errors import EnvironmentProblem, Mark, display_path
from storymap.source import files, yamlio

# What a plain YAML scalar may hold in a block mapping without quotes: an address with no spaces.
PLAIN_ADDRESS = re.compile(r"^https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+$")


@dataclass(frozen=True)
class Insertion:
    path: Path
    url_mark: Mark  # the url value's position, as the check read it
    snapshot: str
    line: int = 0  # where the archive: line ended up (1-based), once written


@dataclass(frozen=True)
class _Spot:
    """Where one insertion goes in the text, and what goes there."""

    insertion: Insertion
    source: yaml.MappingNode
    offset: int  # character offset in the text
    text: str
    new_line: bool  # a line of its own (block style) rather than inside {...}
    line: int  # 0-based line of the offset


def insert_archives(insertions: list[Insertion], stories_dir: Path, checked: dict[str, str]) -> list[Insertion]:
    """Write each file's insertions; the ones written, with their lines. checked holds each file's
    text as the check read it (by its shown path): a file edited since is left alone.
    EnvironmentProblem when a file cannot be written."""
    by_file: dict[Path, list[Insertion]] = {}
    for insertion in insertions:
        by_file.setdefault(insertion.path, []).append(insertion)
    written: list[Insertion] = []
    for path, found in by_file.items():
        written.extend(_insert_into_file(path, found, stories_dir, checked.get(display_path(path))))
    return written


def _insert_into_file(path: Path, insertions: list[Insertion], stories_dir: Path,
                      checked: str | None) -> list[Insertion]:
    try:
        real = files.resolve_inside(path, stories_dir)
        data = files.read_bytes(path, stories_dir, yamlio.MAX_FILE_BYTES)
    except (files.Refusal, OSError):
        return []  # check reports it; the hint still says which line to add
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return []
    if text != checked:
        return []  # edited since the check read it: the marks may point elsewhere now
    new_text, done = add_lines(text, insertions)
    if not done:
        return []
    written = _replace_file(real, data, (b"\xef\xbb\xbf" if bom else b"") + new_text.encode("utf-8"), path)
    return done if written else []


def add_lines(text: str, insertions: list[Insertion]) -> tuple[str, list[Insertion]]:
    """The text with the archive: lines added, and the insertions made (all of them, or none when
    the result would not read back as the old data plus those keys)."""
    for quoted in (False, True):
        try:
            root = yaml.compose(text, Loader=yamlio._Loader)
        except yaml.YAMLError:
            return text, []
        spots = [spot for spot in (_spot(root, text, i, quoted) for i in insertions) if spot is not None]
        if len(spots) != len(insertions) or not spots:
            return text, []
        new_text = text
        for spot in sorted(spots, key=lambda s: s.offset, reverse=True):  # later ones first: offsets hold
            new_text = new_text[:spot.offset] + spot.text + new_text[spot.offset:]
        if _reads_back(root, new_text, spots):
            return new_text, _placed(spots)
    return text, []


def _placed(spots: list[_Spot]) -> list[Insertion]:
    """Each insertion with the 1-based line its archive: ended up on."""
    placed = []
    for spot in spots:
        above = sum(1 for other in spots if other.new_line and other.offset < spot.offset)
        line = spot.line + above + (2 if spot.new_line else 1)
        placed.append(replace(spot.insertion, line=line))
    return sorted(placed, key=lambda i: i.line)


def _spot(root, text: str, insertion: Insertion, quoted: bool) -> _Spot | None:
    """Where the archive of the source whose url is at insertion.url_mark goes."""
    found = _find_source(root, insertion.url_mark)
    if found is None:
        return None
    source, key, value = found
    if any(k.value == "archive" for k, _ in source.value if isinstance(k, yaml.ScalarNode)):
        return None
    written = json.dumps(insertion.snapshot) if quoted or not PLAIN_ADDRESS.match(insertion.snapshot) \
        else insertion.snapshot
    end = value.end_mark
    if source.flow_style:
        return _Spot(insertion, source, end.index, f", archive: {json.dumps(insertion.snapshot)}", False, end.line)
    if value.style in ("|", ">"):
        return None  # a block scalar's end is on a later line: not a layout this writes into
    line_end = text.find("\n", end.index)
    line_end = len(text) if line_end < 0 else line_end - (text[line_end - 1:line_end] == "\r")
    newline = "\r\n" if "\r\n" in text else "\n"
    return _Spot(insertion, source, line_end, f"{newline}{' ' * key.start_mark.column}archive: {written}", True,
                 end.line)


def _find_source(node, mark: Mark):
    """(source mapping, url key, url value) whose url value starts at mark, or None."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "url" and isinstance(value, yaml.ScalarNode) \
                    and (value.start_mark.line + 1, value.start_mark.column + 1) == (mark.line, mark.col):
                return node, key, value
        children = [value for _, value in node.value]
    elif isinstance(node, yaml.SequenceNode):
        children = node.value
    else:
        return None
    for child in children:
        found = _find_source(child, mark)
        if found is not None:
            return found
    return None


def _plain(node, added: dict[int, str] | None = None):
    """A node as comparable data: text, lists, and mappings as lists of pairs in their order; added
    puts ("archive", snapshot) after the url of the mappings it names (by id)."""
    if isinstance(node, yaml.ScalarNode):
        return (node.tag, node.value)
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item, added) for item in node.value]
    pairs = []
    for key, value in node.value:
        pairs.append((_plain(key, added), _plain(value, added)))
        if added and id(node) in added and isinstance(key, yaml.ScalarNode) and key.value == "url":
            pairs.append(((yamlio._CORE + "str", "archive"), (yamlio._CORE + "str", added[id(node)])))
    return pairs


def _reads_back(old_root, new_text: str, spots: list[_Spot]) -> bool:
    try:
        new_root = yaml.compose(new_text, Loader=yamlio._Loader)
    except yaml.YAMLError:
        return False
    expected = _plain(old_root, {id(spot.source): spot.insertion.snapshot for spot in spots})
    return new_root is not None and _plain(new_root) == expected


def _replace_file(real: Path, old: bytes, new: bytes, shown: Path) -> bool:
    """new in place of real's content; false when the file changed since it was read (it is left)."""
    try:
        if real.read_bytes() != old:
            return False
        mode = stat.S_IMODE(os.stat(real).st_mode)
        descriptor, temporary = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(new)
            os.chmod(temporary, mode)
            os.replace(temporary, real)
            return True
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise EnvironmentProblem(f"cannot write {display_path(shown)}: {error.strerror or error}",
                                 "check that you may write to the story's events folder") from None
