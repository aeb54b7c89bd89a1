"""Problems found in journalists' files, and how they are shown.

A user's mistake is a Problem with a location, never an exception trace; the
build collects every Problem before deciding whether anything is written.
"""
from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple


class Mark(NamedTuple):
    """A position in a source file; line and col are 1-based as editors show them.

    A named tuple, not a dataclass: a 10,000-event story makes a few hundred
    thousand of them, and tuples are several times faster to create.
    """

    path: str
    line: int = 1
    col: int = 1


ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Problem:
    mark: Mark
    message: str
    hint: str = ""
    code: str = ""  # its entry in messages.py
    severity: str = ERROR  # a warning is printed and counted, but does not stop a build (unless --strict)

    @property
    def is_warning(self) -> bool:
        return self.severity == WARNING

    def as_text(self) -> str:
        label = "warning: " if self.is_warning else ""
        text = f"{self.mark.path}:{self.mark.line}:{self.mark.col}: {label}{self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return printable(text)

    def as_github(self) -> str:
        # GitHub annotations end at a newline (printable() leaves none) and treat '%' specially.
        message = printable(self.message + (f" (hint: {self.hint})" if self.hint else "")).replace("%", "%25")
        path = printable(self.mark.path).replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
        return f"::{self.severity} file={path},line={self.mark.line},col={self.mark.col}::{message}"


# Control characters (C0 but tab, DEL, C1) and the invisible direction overrides: printed raw,
# a file's text or name could move the cursor, recolour or clear the terminal or a CI log, or
# make a line read differently from what it holds.
_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Text safe to print on a terminal: each control character shown as its escape, e.g. \\x1b."""
    return _UNPRINTABLE.sub(lambda found: found.group().encode("unicode_escape").decode("ascii"), text)


@dataclass
class Problems:
    """Collects every problem of a run, in the order found, and its warnings apart.

    Only problems count: a run with warnings alone is true to `not problems`, has len() 0 and
    builds (the command line refuses it only with --strict). Iterating gives the problems;
    everything() gives both, for printing.
    """

    items: list[Problem] = field(default_factory=list)
    # The text of each file read, by its shown path: source excerpts quote only what the
    # checks themselves read, never a file opened again (which may since lead elsewhere).
    texts: dict[str, str] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)

    def add(self, mark: Mark, code: str, hint: str | None = None, **values) -> None:
        """Record the catalogued problem `code` (messages.py), filled in with values."""
        self.items.append(_catalogued(mark, code, hint, values, ERROR))

    def add_warning(self, mark: Mark, code: str, hint: str | None = None, **values) -> None:
        """Record the catalogued warning `code`: where the map would mislead, without stopping the build."""
        self.warnings.append(_catalogued(mark, code, hint, values, WARNING))

    def extend(self, other: Iterable[Problem]) -> None:
        for problem in other:
            (self.warnings if problem.is_warning else self.items).append(problem)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)

    def sorted(self) -> list[Problem]:
        """By file, then position; problems at one spot keep their order."""
        return _by_position(self.items)

    def everything(self) -> list[Problem]:
        """Problems and warnings together, by file and position: the order they are printed in."""
        return _by_position(self.items + self.warnings)


def _by_position(found: list[Problem]) -> list[Problem]:
    return sorted(found, key=lambda p: (p.mark.path, p.mark.line, p.mark.col))


def _catalogued(mark: Mark, code: str, hint: str | None, values: dict, severity: str) -> Problem:
    from storymap.messages import MESSAGES, render

    if MESSAGES[code].severity != severity:  # a catalogued warning is never reported as a problem, nor back
        raise ValueError(f"{code} is catalogued as a {MESSAGES[code].severity}, not a {severity}")
    message, hint = render(code, hint, **values)
    return Problem(mark, message, hint, code, severity)


class UserError(Exception):
    """A usage mistake that is not about a file's content (exit status 2)."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint


class EnvironmentProblem(UserError):
    """The machine stopped the run, not the files or the command line: disk full, output not
    writable, another build running (exit status 3). A UserError, so every place that shows
    usage mistakes as a message shows these too."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A 'did you mean' hint for the closest choice, or '' when none is close."""
    choices = list(choices)
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in choices}
        if word.lower() in lowered:
            close = [lowered[word.lower()]]
    return f"did you mean '{close[0]}'?" if close else ""


def display_path(path: Path | str) -> str:
    """A path as the journalist would type it: relative to the working folder when inside it."""
    path = Path(path)
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


def source_excerpt(problem: Problem, lines: list[str]) -> str:
    """The offending line (from the file's lines) with a caret under the column, as StrictYAML shows it.

    YAML files only: a spreadsheet's column is a cell number, not a character,
    and a route file's problems are about the whole geometry.
    """
    from storymap.messages import WHOLE_FILE_CODES

    if problem.code in WHOLE_FILE_CODES or not problem.mark.path.lower().endswith((".yaml", ".yml")):
        return ""
    if not lines or not (1 <= problem.mark.line <= len(lines)):
        return ""
    line = lines[problem.mark.line - 1].rstrip("\r\n").expandtabs(1)
    col = min(max(problem.mark.col, 1), len(line) + 1)
    before = printable(line[:col - 1])  # escapes widen the line: the caret moves with them
    return f"    {printable(line)}\n    {' ' * len(before)}^"
