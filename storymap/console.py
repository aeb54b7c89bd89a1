"""Every line the command line and the preview server write to a terminal.

Problems go to stderr as `path:line:col: message (hint: ...)` with the offending
line quoted, warnings the same way as `path:line:col: warning: message`; a usage mistake or a failure of the machine as Error and Hint lines;
each command ends with one summary line. Anything that came from a file or a
folder's name is shown through printable(), so its control characters appear as
escapes instead of acting on the terminal.
"""
from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import click

from storymap.errors import Problem, Problems, UserError, display_path, printable, source_excerpt
from storymap.model import StoryModel
from storymap.source import yamlio


def use_colour(stream) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (many or word + 's')}"


def _shown(path: Path | str) -> str:
    """A path as the journalist would type it, its control characters as escapes."""
    return printable(display_path(path))


class TerminalProgress:
    """A one-line counter on stderr for long runs; silent unless stderr is a terminal."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.active = self.stream.isatty()
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int, what: str) -> None:
        now = time.monotonic()
        if not self.active or (now - self.last < 0.1 and done < total):
            return
        self.last = now
        self.shown = True
        self.stream.write(f"\r\x1b[K{what}: {done:,}/{total:,}")
        self.stream.flush()

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False


# --- problems and errors ---------------------------------------------------------

def report(problems: Problems, output_format: str = "text") -> None:
    """Every problem and warning on stderr, then a line counting them and the files they are in."""
    shown = problems.everything()
    _print(shown, problems.texts, output_format)
    files = len({p.mark.path for p in shown})
    click.echo(f"{counted(problems)} in {plural(files, 'file')}", file=sys.stderr)


def warned(problems: Problems, output_format: str = "text") -> None:
    """The warnings of a run that goes on, on stderr; its summary line (checked, built) counts them."""
    _print(problems.everything(), problems.texts, output_format)


def strict_refused() -> None:
    """After warnings that --strict turned into a failure."""
    click.echo("--strict: warnings count as problems.", file=sys.stderr)


def counted(problems: Problems) -> str:
    """'2 problems', '1 problem and 3 warnings', '3 warnings'."""
    parts = [plural(len(problems), "problem")] if problems or not problems.warnings else []
    if problems.warnings:
        parts.append(plural(len(problems.warnings), "warning"))
    return " and ".join(parts)


def _print(shown: list[Problem], texts: dict[str, str], output_format: str) -> None:
    err = sys.stderr
    colour = use_colour(err) and output_format == "text"
    cache: dict[str, list[str]] = {}
    for problem in shown:
        if output_format == "github":
            click.echo(problem.as_github(), file=err)
            continue
        # A path, a message or a hint can quote a file's own text: printable() shows its control
        # characters as escapes instead of letting them act on the terminal.
        location = printable(f"{problem.mark.path}:{problem.mark.line}:{problem.mark.col}:")
        message = ("warning: " if problem.is_warning else "") + printable(problem.message)
        line = f"{click.style(location, bold=True) if colour else location} " + \
            (click.style(message, fg="yellow" if problem.is_warning else "red") if colour else message)
        if problem.hint:
            line += f" (hint: {printable(problem.hint)})"
        click.echo(line, file=err, color=colour)
        excerpt = source_excerpt(problem, _lines(problem.mark.path, texts, cache))
        if excerpt:
            click.echo(excerpt, file=err)


def _lines(path: str, texts: dict[str, str], cache: dict[str, list[str]]) -> list[str]:
    """The lines of a file as the checks read it; no file is opened here (one that was refused,
    a link to /etc/passwd say, must never be echoed into a terminal or a CI log)."""
    if path not in cache:
        cache[path] = yamlio.source_lines(texts.get(path, ""))  # split where YAML counts lines, as marks do
    return cache[path]


def _nothing_written(out_dir: Path | None) -> str:
    return f"Nothing was written; {_shown(out_dir)} is unchanged." if out_dir is not None else "Nothing was written."


def nothing_written(out_dir: Path | None = None) -> None:
    """After the problems of a build (out_dir) or an import (None): nothing changed on disk."""
    click.echo(_nothing_written(out_dir), file=sys.stderr)


def error(problem: UserError, unchanged: Path | None = None) -> None:
    """A usage mistake or a failure of the machine as Error and Hint lines on stderr, then, given
    the output folder it left alone, that nothing was written to it."""
    lines = [f"Error: {problem.message}"] + ([f"Hint: {problem.hint}"] if problem.hint else [])
    # a folder's or a file's name may hold control characters: shown as escapes, never acted on
    click.echo("\n".join(printable(line) for line in lines), file=sys.stderr)
    if unchanged is not None:
        nothing_written(unchanged)


def rebuild_error(problem: UserError) -> str:
    """serve's one-line Error for a build that could not start; returned for the browser as well."""
    line = f"Error: {problem.message}" + (f" (hint: {problem.hint})" if problem.hint else "")
    click.echo(line, err=True)
    return line


# --- what a command did ----------------------------------------------------------

def _warnings_above(warnings: int) -> str:
    return f"; {plural(warnings, 'warning')} above" if warnings else ""


def built(models: Sequence[StoryModel], out_dir: Path, seconds: float, warnings: int = 0) -> None:
    """The line after a build, of `build` and of serve's first build alike."""
    events = sum(len(m.events) for m in models)
    click.echo(f"Built {plural(len(models), 'story', 'stories')} ({plural(events, 'event')}) into "
               f"{_shown(out_dir)}/ in {seconds:.1f} s{_warnings_above(warnings)}")


def rebuilt(seconds: float, warnings: int = 0) -> None:
    click.echo(f"Rebuilt in {seconds:.1f} s{_warnings_above(warnings)}")


def checked(files_read: int, models: Sequence[StoryModel], warnings: int = 0) -> None:
    events = sum(len(m.events) for m in models)
    click.echo(f"No problems in {plural(files_read, 'file')} "
               f"({plural(len(models), 'story', 'stories')}, {plural(events, 'event')}){_warnings_above(warnings)}.")


def wrote(path: Path, next_step: str = "") -> None:
    """A file `new` created, and the command to run next."""
    click.echo(f"Wrote {_shown(path)}")
    if next_step:
        click.echo(f"Next: {next_step}")


def imported(counts: dict[str, int], folder: Path, dry_run: bool = False) -> None:
    """What an import did, or with --dry-run would do: `Imported 6 rows into stories/x/events/:
    2 new, 1 updated, 3 unchanged` (and `, 1 kept as edited by hand` when there are any)."""
    rows = plural(sum(counts.values()), "row")
    parts = [f"{counts['new']:,} new", f"{counts['updated']:,} updated", f"{counts['unchanged']:,} unchanged"]
    if counts["kept"]:
        parts.append(f"{counts['kept']:,} kept as edited by hand")
    if dry_run:
        click.echo(f"Would import {rows} into {_shown(folder)}/: {', '.join(parts)}. Nothing was written (--dry-run).")
    else:
        click.echo(f"Imported {rows} into {_shown(folder)}/: {', '.join(parts)}")


# --- the preview server ------------------------------------------------------------

def serving(url: str) -> None:
    click.echo(f"Serving {url} (Ctrl-C to stop)")


def still_serving(site_ready: bool) -> None:
    """After a rebuild's problems: what the browser shows meanwhile."""
    click.echo("Still serving the last good build." if site_ready
               else "No site to serve yet; the browser shows the problems.", err=True)


def stopped() -> None:
    click.echo("Stopped.")
