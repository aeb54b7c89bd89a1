#!/usr/bin/env python3
"""Benchmark: our story page against the page a folium user would write (issue 15's figures).

Usage (from the project root, with the project's virtualenv):

    python bench/bench.py                        # 10,000 then 100,000 events (5 to 25 minutes)
    python bench/bench.py --events 10000         # one size; --events 1000,10000 for several
    python bench/bench.py --runs 5 --keep        # more runs; keep the generated files in bench/out/
    python bench/bench.py --folium-timeout 300   # give folium's page longer to load and draw

What it does, for each size in --events (runs: 3 up to 10,000 events, 1 above, or --runs):

1. Generates a deterministic (seeded) story of N events in the project's YAML format
   (bench/synthetic.py): a gazetteer of 200 places, point events at places and at
   `{lat, lon}`, spans (some ongoing), routes by sea and rail through 3-6 points and
   along GeoJSON route files, a few events with no place, in list files of 100 events,
   over 365 days, cumulative.
2. Builds cold (a new output folder each run) with `python build.py --stories ... --data
   ... --out ...` and measures the subprocess (bench/sites.py): wall time and cores used
   (user + sys CPU time of it and its worker processes, over the wall time) and, in one
   more build that is not timed, peak memory (the process tree's resident sets added up,
   and the largest single process's, polled every 20 ms: the polling costs CPU that a
   build using every core would lose, so the timed builds are not polled).
3. Does the same for bench/folium_page.py, the folium.plugins.TimestampedGeoJson page a
   folium user would write for the same events.
4. folium's page loads jQuery, Bootstrap, Font Awesome, Leaflet, TimeDimension, ...
   from CDNs. There is no internet here, so the same packages and versions are fetched
   once with `npm pack` into bench/.cache/npm/ and the browser's CDN requests are
   answered from those files (bench/cdn_assets.py). A URL that cannot be mapped to a
   file of the same package version (not on npm, or not from npm) gets an empty body of
   the right type and is listed as STUBBED, so that the folium figures err on folium's
   side (smaller, faster). Without npm every CDN asset is stubbed, and the report says
   so. Map tile requests are aborted for both pages.
5. Serves both outputs on 127.0.0.1 and measures in headless Chromium (a fresh browser
   context per run, HTTP cache disabled; bench/measure.py says exactly what is timed):
   bytes transferred (as served, and gzip'd as a compressing server sends them), time
   until the map is ready, time to jump to the last date and, on our page, the event
   list: when its first page is in the document, how long focus() on the last event
   takes to bring that event's list page in, and the frame times while scrolling it.
   folium's page gets --folium-timeout seconds (default 120) to load and draw; past that
   the report says "did not become ready within N s" in folium's column.
6. Prints a table with the medians over the runs and issue 15's targets for the size
   (bench/report.py; at 10,000 events ours/folium: transfer gzip'd <= 0.3, ready <= 0.5,
   jump <= 0.05, build <= 1.5, and an edit shown by `serve` within 1 s; at 100,000:
   build under 60 s, peak memory under 2 GB, ready <= 1.0 of folium's, jump under
   100 ms and the list usable: its last page open under 1 s, scroll frames under 50 ms
   (median) and 100 ms (worst); at both, a cold build using the machine's cores), then
   where our page's bytes go.
7. At 10,000 events, before the rest, serve's edit-to-output latency: bench/edit_latency.py's
   main() (its output is shown; without that script the row says it was not measured).
8. Times `python build.py check` on the same story (ours only; the goal is under 5 s at
   10,000 events).

Timings are reported, never asserted. Exit status: 0 when every measurement ran (also
when targets are missed, and when folium's page never became ready), 1 when something
failed (a build, the browser, a sanity check such as the jump not reaching the last
date), 2 for wrong usage.

Needs Chromium at /usr/bin/chromium (or $CHROMIUM) and the playwright Python package;
`npm` is optional (see 4).
"""
from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import re
import shutil
import statistics
import sys
import tempfile
import time
import traceback
from pathlib import Path

BENCH_DIR = str(Path(__file__).resolve().parent)
if BENCH_DIR not in sys.path:  # the bench's modules sit beside this file
    sys.path.insert(0, BENCH_DIR)

from cdn_assets import CdnAssets, page_asset_urls  # noqa: E402
from measure import measure_browser  # noqa: E402
from report import report  # noqa: E402
from sites import BENCH, FOLIUM_PAGE, ROOT, BenchError, build_both, time_checks  # noqa: E402
from synthetic import generate_story  # noqa: E402

KEEP_DIR = BENCH / "out"
DEFAULT_SIZES = "10000,100000"
FOLIUM_TIMEOUT_S = 120
EDIT_LATENCY = BENCH / "edit_latency.py"
EDIT_EVENTS = 10_000  # the goal: an edit shown within 1 s in a 10,000-event story


def event_counts(text: str) -> list[int]:
    """--events: one count or several, comma-separated ("10000,100000")."""
    try:
        counts = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a count or a comma-separated list of counts: {text}") from None
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("every count must be at least 1")
    return counts


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark our story page against a folium TimestampedGeoJson page.")
    parser.add_argument("--events", type=event_counts, default=event_counts(DEFAULT_SIZES),
                        help=f"events in the synthetic story, one count or several (default {DEFAULT_SIZES})")
    parser.add_argument("--runs", type=int, default=None,
                        help="runs per measurement; medians are reported (default 3 up to 10,000 events, 1 above)")
    parser.add_argument("--folium-timeout", type=float, default=FOLIUM_TIMEOUT_S,
                        help=f"seconds folium's page may take to load and draw (default {FOLIUM_TIMEOUT_S})")
    parser.add_argument("--no-edit", action="store_true", help="skip serve's edit-to-output latency")
    parser.add_argument("--keep", action="store_true",
                        help=f"work in {KEEP_DIR.relative_to(ROOT)}/ (replaced) and keep the story and both sites")
    args = parser.parse_args(argv)
    if args.runs is not None and args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def runs_for(events: int, runs: int | None) -> int:
    return runs if runs is not None else (3 if events <= 10_000 else 1)


def make_work_dir(keep: bool) -> Path:
    """bench/out/ (emptied) with --keep, else a new temporary folder."""
    if not keep:
        return Path(tempfile.mkdtemp(prefix="storymap-bench-"))
    shutil.rmtree(KEEP_DIR, ignore_errors=True)
    KEEP_DIR.mkdir(parents=True)
    return KEEP_DIR


def edit_latency() -> float | None:
    """serve's edit-to-output latency in seconds from bench/edit_latency.py's main(), whose
    output is shown as it is; None (and a note) when that script is missing or failed."""
    if not EDIT_LATENCY.exists():
        print("serve: edit to output: not measured: bench/edit_latency.py missing", flush=True)
        return None
    print(f"serve: edit to output, measured by {EDIT_LATENCY.relative_to(ROOT)} ...", flush=True)
    output = io.StringIO()
    saved_argv = sys.argv
    sys.argv = [str(EDIT_LATENCY)]  # not this script's arguments
    try:
        module = importlib.import_module("edit_latency")
        with contextlib.redirect_stdout(output):
            result = module.main(["--events", str(EDIT_EVENTS)])
    except (Exception, SystemExit) as error:
        print(output.getvalue() + f"serve: edit to output: not measured: edit_latency.py failed: {error!r}")
        return None
    finally:
        sys.argv = saved_argv
    text = output.getvalue()
    print("\n".join("  " + line for line in text.splitlines()), flush=True)
    return seconds_in(result, text)


def seconds_in(result: object, text: str) -> float | None:
    """The latency: main()'s return value when it is a number of seconds, else the figure of the
    line about an edited event, else the last figure in seconds or milliseconds it printed."""
    if isinstance(result, float):
        return result
    event_edit = re.search(r"^\s*event\b.*?(\d+(?:\.\d+)?)\s*(ms|s)\b", text, re.M | re.I)
    figures = [event_edit.groups()] if event_edit else re.findall(r"(\d+(?:\.\d+)?)\s*(ms|s)\b", text)
    if not figures:
        return None
    value, unit = figures[-1]
    return float(value) / 1000 if unit == "ms" else float(value)


def run_bench(work: Path, events: int, runs: int, folium_timeout: float, edit_seconds: float | None) -> None:
    print(f"\n=== {events:,} events, {runs} run{'s' if runs != 1 else ''} ===", flush=True)
    print(f"Generating a story of {events:,} events in {work} ...", flush=True)
    story = generate_story(work, events)
    print("Building both pages ...", flush=True)
    ours_build, folium_build, ours_site, folium_site = build_both(story, work, runs)
    checks = time_checks(story, runs)
    print("Fetching folium's CDN assets (npm, cached in bench/.cache/npm) ...", flush=True)
    cdn = CdnAssets()
    cdn.prefetch(page_asset_urls(folium_site / FOLIUM_PAGE))
    print("Measuring in headless Chromium ...", flush=True)
    ours_runs, folium_runs = measure_browser(story, ours_site, folium_site, runs, cdn, folium_timeout)
    report(story, (ours_build, folium_build), ours_runs, folium_runs, ours_site, folium_site, cdn, runs,
           edit_seconds)
    print(f"\ncheck (ours only, validate without writing): median {statistics.median(checks):.2f} s "
          f"(goal at 10,000 events: under 5 s)")


def compile_project() -> None:
    """Byte-compile storymap/ first, as pip compiles the packages it installs (folium among them):
    with PYTHONDONTWRITEBYTECODE set, as on CI machines, every build would otherwise compile our
    modules again (about half a second) and folium's build none of its own."""
    import compileall

    compileall.compile_dir(str(ROOT / "storymap"), quiet=1)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    compile_project()
    work = make_work_dir(args.keep)
    try:
        for events in args.events:
            edit = edit_latency() if events == EDIT_EVENTS and not args.no_edit else None
            run_bench(work / f"{events}-events", events, runs_for(events, args.runs), args.folium_timeout, edit)
    except BenchError as error:
        print(f"\nbench failed: {error}", file=sys.stderr)
        return 1
    except Exception:
        traceback.print_exc()
        print("\nbench failed (see the traceback above)", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"\nKept the stories and the sites in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"\nTotal bench time: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
