"""The command line: python build.py [build] | check | serve | new | import.

A journalist's mistake becomes `path:line:col: message (hint: ...)` lines and
exit status 1; a wrong command line exits 2 with click's usage message; a
failure of the machine (disk full, output not writable, another build
running) exits 3 with a message and a hint; only a bug in this program shows
a traceback.
"""
from __future__ import annotations

import datetime as dt
import errno
import os
import sys
import time
from pathlib import Path
from typing import NoReturn

import click

from storymap.desk import scaffold
from storymap.source import sheets, yamlio
from storymap import pipeline
from storymap.errors import EnvironmentProblem, Problems, UserError, display_path, printable, source_excerpt

EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_ENVIRONMENT = 3

stories_option = click.option("--stories", "stories_dir", type=click.Path(path_type=Path), default="stories",
                              show_default=True, help="Folder of story folders.")
data_option = click.option("--data", "data_dir", type=click.Path(path_type=Path), default="data",
                           show_default=True, help="Folder with places.yaml and routes/.")
out_option = click.option("--out", "out_dir", type=click.Path(path_type=Path), default="site",
                          show_default=True, help="Folder the site is written to (replaced whole).")
base_url_option = click.option("--base-url", default=None, metavar="URL",
                               help="Address the site is published at, for the feed and oEmbed links.")


def use_colour(stream) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ


def report(problems: Problems, output_format: str = "text") -> None:
    """Every problem on stderr, then a line counting problems and files."""
    err = sys.stderr
    colour = use_colour(err) and output_format == "text"
    cache: dict[str, list[str]] = {}
    for problem in problems.sorted():
        if output_format == "github":
            click.echo(problem.as_github(), file=err)
            continue
        # A path, a message or a hint can quote a file's own text: printable() shows its control
        # characters as escapes instead of letting them act on the terminal.
        location = printable(f"{problem.mark.path}:{problem.mark.line}:{problem.mark.col}:")
        message = printable(problem.message)
        line = f"{click.style(location, bold=True) if colour else location} " + \
            (click.style(message, fg="red") if colour else message)
        if problem.hint:
            line += f" (hint: {printable(problem.hint)})"
        click.echo(line, file=err, color=colour)
        excerpt = source_excerpt(problem, _lines(problem.mark.path, problems.texts, cache))
        if excerpt:
            click.echo(excerpt, file=err)
    files = len({p.mark.path for p in problems})
    click.echo(f"{plural(len(problems), 'problem')} in {plural(files, 'file')}", file=err)


def _lines(path: str, texts: dict[str, str], cache: dict[str, list[str]]) -> list[str]:
    """The lines of a file as the checks read it; no file is opened here (one that was refused,
    a link to /etc/passwd say, must never be echoed into a terminal or a CI log)."""
    if path not in cache:
        cache[path] = yamlio.source_lines(texts.get(path, ""))  # split where YAML counts lines, as marks do
    return cache[path]


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


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (many or word + 's')}"


def fail(error: UserError, then: str = "") -> NoReturn:
    """Show a usage mistake (exit 2) or a failure of the machine (exit 3) as a message and a hint."""
    lines = [f"Error: {error.message}"] + ([f"Hint: {error.hint}"] if error.hint else []) + ([then] if then else [])
    # a folder's or a file's name may hold control characters: shown as escapes, never acted on
    click.echo("\n".join(printable(line) for line in lines), file=sys.stderr)
    sys.exit(EXIT_ENVIRONMENT if isinstance(error, EnvironmentProblem) else EXIT_USAGE)


class Commands(click.Group):
    """The command group, with a last net under every command: an OSError that no step turned into
    a message (a folder that cannot be read or written) becomes one, with exit status 3."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except OSError as error:
            if error.errno == errno.EPIPE:  # output piped into `head`: click handles it
                raise
            reason = os.strerror(error.errno) if error.errno else str(error)
            name = error.filename
            place = f" {display_path(os.fsdecode(name))}" if isinstance(name, (str, bytes)) else ""
            fail(EnvironmentProblem(f"cannot use{place}: {reason[:1].lower() + reason[1:]}",
                                    "check that the folder exists and that you may read and write it"))


def run_build(stories_dir: Path, data_dir: Path, out_dir: Path, base_url: str | None) -> None:
    started = time.perf_counter()
    progress = TerminalProgress()
    try:
        result = pipeline.build(stories_dir, data_dir, out_dir, base_url, progress)
    except EnvironmentProblem as error:
        fail(error, f"Nothing was written; {display_path(out_dir)} is unchanged.")
    except UserError as error:
        fail(error)
    finally:
        progress.clear()
    if result.problems:
        report(result.problems)
        click.echo(f"Nothing was written; {display_path(out_dir)} is unchanged.", file=sys.stderr)
        sys.exit(EXIT_PROBLEMS)
    events = sum(len(m.events) for m in result.models)
    click.echo(f"Built {plural(len(result.models), 'story', 'stories')} ({plural(events, 'event')}) into "
               f"{display_path(out_dir)}/ in {time.perf_counter() - started:.1f} s")


@click.group(cls=Commands, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@stories_option
@data_option
@out_option
@base_url_option
@click.pass_context
def main(ctx: click.Context, stories_dir: Path, data_dir: Path, out_dir: Path, base_url: str | None) -> None:
    """Build story maps from YAML event files into a static website.

    Without a command, builds stories/ into site/.
    """
    if ctx.invoked_subcommand is None:
        run_build(stories_dir, data_dir, out_dir, base_url)


@main.command()
@stories_option
@data_option
@out_option
@base_url_option
def build(stories_dir: Path, data_dir: Path, out_dir: Path, base_url: str | None) -> None:
    """Build the site (the same as running without a command)."""
    run_build(stories_dir, data_dir, out_dir, base_url)


@main.command()
@stories_option
@data_option
@click.option("--format", "output_format", type=click.Choice(["text", "github"]), default="text",
              show_default=True, help="github: GitHub Actions annotations for pull requests.")
def check(stories_dir: Path, data_dir: Path, output_format: str) -> None:
    """Check every story and report every problem; write nothing."""
    progress = TerminalProgress()
    try:
        result = pipeline.check(stories_dir, data_dir, progress)
    except UserError as error:
        fail(error)
    finally:
        progress.clear()
    if result.problems:
        report(result.problems, output_format)
        sys.exit(EXIT_PROBLEMS)
    events = sum(len(m.events) for m in result.models)
    click.echo(f"No problems in {plural(result.files_read, 'file')} "
               f"({plural(len(result.models), 'story', 'stories')}, {plural(events, 'event')}).")


@main.command()
@stories_option
@data_option
@out_option
@base_url_option
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0 picks a free one).")
def serve(stories_dir: Path, data_dir: Path, out_dir: Path, base_url: str | None, port: int) -> None:
    """Build, serve the site on 127.0.0.1 and rebuild when a story changes."""
    from storymap.desk import serve as serving  # watchdog and the server are only needed here

    try:
        serving.run_server(stories_dir, data_dir, out_dir, port, base_url)
    except UserError as error:
        fail(error)


@main.group()
def new() -> None:
    """Start a story or an event from a commented template."""


@new.command("story")
@click.argument("story_id")
@stories_option
def new_story(story_id: str, stories_dir: Path) -> None:
    """Create stories/STORY_ID/story.yaml and its events/ folder."""
    try:
        path = scaffold.new_story(stories_dir, story_id, dt.date.today())
    except UserError as error:
        fail(error)
    click.echo(f"Wrote {display_path(path)}")
    click.echo(f"Next: python build.py new event {story_id} <title of the first event>")


@new.command("event")
@click.argument("story_id")
@click.argument("title", nargs=-1, required=True)
@stories_option
def new_event(story_id: str, title: tuple[str, ...], stories_dir: Path) -> None:
    """Create an event file dated today in stories/STORY_ID/events/."""
    try:
        path = scaffold.new_event(stories_dir, story_id, " ".join(title), dt.date.today())
    except UserError as error:
        fail(error)
    click.echo(f"Wrote {display_path(path)}")


@main.command("import")
@click.argument("sheet", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--story", "story_id", required=True, help="The story the events belong to.")
@stories_option
@data_option
def import_command(sheet: Path, story_id: str, stories_dir: Path, data_dir: Path) -> None:
    """Turn the rows of a UTF-8 CSV sheet into event files (all rows valid, or nothing is written)."""
    if not (stories_dir / story_id / "story.yaml").is_file():
        fail(UserError(f"no story '{story_id}' in {display_path(stories_dir)}",
                       f"create it first: python build.py new story {story_id}"))
    if not sheet.is_file():
        fail(UserError(f"no file {display_path(sheet)}", "give the path of a .csv file"))
    result = sheets.import_sheet(sheet, stories_dir, data_dir, story_id)
    if result.problems:
        report(result.problems)
        click.echo("Nothing was written.", file=sys.stderr)
        sys.exit(EXIT_PROBLEMS)
    folder = display_path(stories_dir / story_id / "events")
    click.echo(f"Imported {len(result.written)} event{'s' if len(result.written) != 1 else ''} into {folder}/")
