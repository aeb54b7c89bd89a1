"""The command line: python build.py [build] | check.

A journalist's mistake becomes `path:line:col: message (hint: ...)` lines and
exit status 1; a wrong command line exits 2 with click's usage message; only
a bug in this program shows a traceback.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from . import site
from .errors import Problems, UserError, display_path, source_excerpt

EXIT_PROBLEMS = 1
EXIT_USAGE = 2

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
        location = f"{problem.mark.path}:{problem.mark.line}:{problem.mark.col}:"
        line = f"{click.style(location, bold=True) if colour else location} " + \
            (click.style(problem.message, fg="red") if colour else problem.message)
        if problem.hint:
            line += f" (hint: {problem.hint})"
        click.echo(line, file=err, color=colour)
        excerpt = source_excerpt(problem, _lines(problem.mark.path, cache))
        if excerpt:
            click.echo(excerpt, file=err)
    files = len({p.mark.path for p in problems})
    click.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {files} "
               f"file{'s' if files != 1 else ''}", file=err)


def _lines(path: str, cache: dict[str, list[str]]) -> list[str]:
    if path not in cache:
        try:
            cache[path] = Path(path).read_text("utf-8-sig", errors="replace").splitlines()
        except OSError:
            cache[path] = []
    return cache[path]


def fail_usage(error: UserError) -> None:
    message = f"Error: {error.message}" + (f"\nHint: {error.hint}" if error.hint else "")
    click.echo(message, file=sys.stderr)
    sys.exit(EXIT_USAGE)


def run_build(stories_dir: Path, data_dir: Path, out_dir: Path, base_url: str | None) -> None:
    started = time.perf_counter()
    try:
        result = site.build(stories_dir, data_dir, out_dir, base_url)
    except UserError as error:
        fail_usage(error)
    if result.problems:
        report(result.problems)
        click.echo(f"Nothing was written; {display_path(out_dir)} is unchanged.", file=sys.stderr)
        sys.exit(EXIT_PROBLEMS)
    events = sum(len(m.events) for m in result.models)
    stories = len(result.models)
    click.echo(f"Built {stories} stor{'ies' if stories != 1 else 'y'} ({events} events) into "
               f"{display_path(out_dir)}/ in {time.perf_counter() - started:.1f} s")


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
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
    result = site.check(stories_dir, data_dir)
    if result.problems:
        report(result.problems, output_format)
        sys.exit(EXIT_PROBLEMS)
    events = sum(len(m.events) for m in result.models)
    click.echo(f"No problems: {len(result.models)} stories, {events} events.")
