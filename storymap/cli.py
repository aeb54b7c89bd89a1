"""The command line: python build.py [build] | check | serve | new | import.

A journalist's mistake becomes `path:line:col: message (hint: ...)` lines and
exit status 1; a warning (`path:line:col: warning: ...`) is printed and the run
goes on, unless --strict makes it fail as a problem does; a wrong command line exits 2 with click's usage message; a
failure of the machine (disk full, output not writable, another build
running) exits 3 with a message and a hint; only a bug in this program shows
a traceback. The lines themselves are written by console.py.
"""
from __future__ import annotations

import datetime as dt
import errno
import os
import sys
import threading
import time
from pathlib import Path
from typing import NoReturn

import click

from storymap import console, pipeline
from storymap.desk import scaffold
from storymap.errors import EnvironmentProblem, Problems, UserError, display_path
from storymap.source import sheets

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
strict_option = click.option("--strict", is_flag=True,
                             help="Treat warnings as problems: exit 1 (and write nothing) when there are any.")


def run() -> NoReturn:
    """build.py's and `python -m storymap`'s entry: the command, then the process ends without
    Python's teardown when no other thread runs (serve's would be cut short). A cold build leaves
    millions of small objects that the interpreter would free one by one, and walk once more for
    cycles, after the site is written and its line printed: 0.3 to 0.7 s of a 10,000-event build."""
    try:
        main()
    except SystemExit as done:
        code = done.code
        if threading.active_count() > 1 or not (code is None or isinstance(code, int)):
            raise
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except OSError:  # a closed pipe, say: Python's own exit reports it as it always has
            raise done from None
        os._exit(code or 0)
    raise AssertionError("click's main() always ends with SystemExit")


def fail(error: UserError, unchanged: Path | None = None) -> NoReturn:
    """Show a usage mistake (exit 2) or a failure of the machine (exit 3) as a message and a hint,
    and, given the output folder, that it is unchanged."""
    console.error(error, unchanged)
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


def run_build(stories_dir: Path, data_dir: Path, out_dir: Path, base_url: str | None, strict: bool = False) -> None:
    started = time.perf_counter()
    progress = console.TerminalProgress()
    try:
        result = pipeline.build(stories_dir, data_dir, out_dir, base_url, progress, strict)
    except EnvironmentProblem as error:
        fail(error, unchanged=out_dir)
    except UserError as error:
        fail(error)
    finally:
        progress.clear()
    if refused(result.problems, strict):
        console.nothing_written(out_dir)
        sys.exit(EXIT_PROBLEMS)
    console.built(result.models, out_dir, time.perf_counter() - started, len(result.problems.warnings))


def refused(problems: Problems, strict: bool, output_format: str = "text") -> bool:
    """Print the problems and warnings; true when the run fails: problems, or warnings under --strict."""
    if problems or (strict and problems.warnings):
        console.report(problems, output_format)
        if not problems:
            console.strict_refused()
        return True
    console.warned(problems, output_format)
    return False


@click.group(cls=Commands, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@stories_option
@data_option
@out_option
@base_url_option
@strict_option
@click.pass_context
def main(ctx: click.Context, stories_dir: Path, data_dir: Path, out_dir: Path, base_url: str | None,
         strict: bool) -> None:
    """Build story maps from YAML event files into a static website.

    Without a command, builds stories/ into site/.
    """
    if ctx.invoked_subcommand is None:
        run_build(stories_dir, data_dir, out_dir, base_url, strict)


@main.command()
@stories_option
@data_option
@out_option
@base_url_option
@strict_option
def build(stories_dir: Path, data_dir: Path, out_dir: Path, base_url: str | None, strict: bool) -> None:
    """Build the site (the same as running without a command)."""
    run_build(stories_dir, data_dir, out_dir, base_url, strict)


@main.command()
@stories_option
@data_option
@click.option("--format", "output_format", type=click.Choice(["text", "github"]), default="text",
              show_default=True, help="github: GitHub Actions annotations for pull requests.")
@strict_option
def check(stories_dir: Path, data_dir: Path, output_format: str, strict: bool) -> None:
    """Check every story and report every problem and warning; write nothing."""
    progress = console.TerminalProgress()
    try:
        result = pipeline.check(stories_dir, data_dir, progress)
    except UserError as error:
        fail(error)
    finally:
        progress.clear()
    if refused(result.problems, strict, output_format):
        sys.exit(EXIT_PROBLEMS)
    console.checked(result.files_read, result.models, len(result.problems.warnings))


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
    console.wrote(path, next_step=f"python build.py new event {story_id} <title of the first event>")


@new.command("event")
@click.argument("story_id")
@click.argument("title", nargs=-1, required=True)
@click.option("--date", "date", default=None, metavar="YYYY-MM-DD",
              help="The event's date (also YYYY-MM or YYYY); without it the file has a placeholder date.")
@stories_option
def new_event(story_id: str, title: tuple[str, ...], date: str | None, stories_dir: Path) -> None:
    """Create stories/STORY_ID/events/TITLE.yaml, named after the title; fill in what it marks 'replace'."""
    try:
        path = scaffold.new_event(stories_dir, story_id, " ".join(title), date)
    except UserError as error:
        fail(error)
    console.wrote(path, next_step="replace the placeholders it marks, then: python build.py check")


@main.command("import")
@click.argument("sheet", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--story", "story_id", required=True, help="The story the events belong to.")
@click.option("--dry-run", is_flag=True, help="Check the sheet and say what an import would do; write nothing.")
@click.option("--force", is_flag=True,
              help="Replace event files edited by hand since their import, or not written by an import.")
@stories_option
@data_option
def import_command(sheet: Path, story_id: str, dry_run: bool, force: bool, stories_dir: Path,
                   data_dir: Path) -> None:
    """Turn the rows of a UTF-8 CSV sheet into event files; importing it again updates them.

    All rows valid and no edited file in the way, or nothing is written."""
    if not (stories_dir / story_id / "story.yaml").is_file():
        fail(UserError(f"no story '{story_id}' in {display_path(stories_dir)}",
                       f"create it first: python build.py new story {story_id}"))
    if not sheet.is_file():
        fail(UserError(f"no file {display_path(sheet)}", "give the path of a .csv file"))
    result = sheets.import_sheet(sheet, stories_dir, data_dir, story_id, dry_run=dry_run, force=force)
    if result.problems:
        console.report(result.problems)
        console.nothing_written()
        sys.exit(EXIT_PROBLEMS)
    console.warned(result.problems)
    console.imported({name: result.count(name) for name in sheets.OUTCOMES}, stories_dir / story_id / "events",
                     dry_run)


@main.command()
@stories_option
@data_option
@click.option("--write", is_flag=True,
              help="Add the archive: line the archive proposes under each dead url, keeping the rest of the file.")
@click.option("--archive-api", default=None, metavar="URL",
              help="The archive's availability API (default: the Internet Archive's, "
                   "https://archive.org/wayback/available).")
@click.option("--timeout", type=click.FloatRange(0.1, 300), default=10, show_default=True, metavar="S",
              help="Seconds to wait for each address.")
@click.option("--allow-private", is_flag=True,
              help="Also request private, loopback and link-local addresses (a test server, an intranet).")
def links(stories_dir: Path, data_dir: Path, write: bool, archive_api: str | None, timeout: float,
          allow_private: bool) -> None:
    """Request every source url and archive; report dead ones and the archived copies known for them."""
    from storymap.desk import links as checking  # the network code is only needed here

    api = archive_api or checking.DEFAULT_ARCHIVE_API
    if not api.lower().startswith(("http://", "https://")):
        fail(UserError(f"--archive-api {api} is not an http(s) address",
                       f"give the API's address, e.g. {checking.DEFAULT_ARCHIVE_API}"))
    settings = checking.linksnet.Settings(timeout=timeout, allow_private=allow_private)
    try:
        report = checking.run(stories_dir, api, settings, write)
    except UserError as error:
        fail(error)
    if report.offline:
        fail(EnvironmentProblem("no address could be looked up: this machine seems to have no network",
                                "connect to the internet and run python build.py links again"))
    if report.problems or report.problems.warnings:
        console.report(report.problems)
    click.echo(checking.summary(report, write))
    sys.exit(EXIT_PROBLEMS if report.problems else 0)
