#!/usr/bin/env python3
"""Benchmark: our story page against the page a folium user would write.

Usage (from the project root, with the project's virtualenv):

    python bench/bench.py                  # 10,000 events, 3 runs (about 2-3 minutes)
    python bench/bench.py --events 1000    # a smaller story
    python bench/bench.py --runs 5 --keep  # more runs; keep the generated files in bench/out/

What it does:

1. Generates a deterministic (seeded) story of N events in the project's YAML format
   (bench/synthetic.py): a gazetteer of 200 places, point events at places and at
   `{lat, lon}`, spans (some ongoing), routes by sea and rail through 3-6 points and
   along GeoJSON route files, a few events with no place, in list files of 100 events,
   over 365 days, cumulative.
2. Times `python build.py --stories ... --data ... --out ...` (a subprocess, wall clock;
   bench/sites.py).
3. Times bench/folium_page.py, the folium.plugins.TimestampedGeoJson page a folium
   user would write for the same events (a subprocess, wall clock).
4. folium's page loads jQuery, Bootstrap, Font Awesome, Leaflet, TimeDimension, ...
   from CDNs. There is no internet here, so the same packages and versions are fetched
   once with `npm pack` into bench/.cache/npm/ and the browser's CDN requests are
   answered from those files (bench/cdn_assets.py). A URL that cannot be mapped to a
   file of the same package version (not on npm, or not from npm) gets an empty body of
   the right type and is listed as STUBBED, so that the folium figures err on folium's
   side (smaller, faster). Without npm every CDN asset is stubbed, and the report says
   so. Map tile requests are aborted for both pages.
5. Serves both outputs on 127.0.0.1 and measures in headless Chromium (a fresh browser
   context per run, HTTP cache disabled): bytes transferred, time until the map is
   ready, time to jump to the last date (the comments above READY_OURS_JS in
   bench/measure.py say exactly what is timed).
6. Prints a table with the medians over --runs and the targets for 10,000 events
   (ours/folium: transfer <= 0.5, ready <= 1.0, jump <= 0.25, build <= 3.0), then a
   breakdown of where our page's bytes go (bench/report.py).
7. Times `python build.py check` on the same story (ours only; the goal is under 5 s at
   10,000 events).

Timings are reported, never asserted. Exit status: 0 when every measurement ran (also
when targets are missed), 1 when something failed (a build, the browser, a sanity check
such as the jump not reaching the last date), 2 for wrong usage.

Needs Chromium at /usr/bin/chromium (or $CHROMIUM) and the playwright Python package;
`npm` is optional (see 4).
"""
from __future__ import annotations

import argparse
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


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark our story page against a folium TimestampedGeoJson page.")
    parser.add_argument("--events", type=int, default=10_000, help="events in the synthetic story (default 10000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement; medians are reported (default 3)")
    parser.add_argument("--keep", action="store_true",
                        help=f"work in {KEEP_DIR.relative_to(ROOT)}/ (replaced) and keep the story and both sites")
    args = parser.parse_args(argv)
    if args.events < 1 or args.runs < 1:
        parser.error("--events and --runs must be at least 1")
    return args


def make_work_dir(keep: bool) -> Path:
    """bench/out/ (emptied) with --keep, else a new temporary folder."""
    if not keep:
        return Path(tempfile.mkdtemp(prefix="storymap-bench-"))
    shutil.rmtree(KEEP_DIR, ignore_errors=True)
    KEEP_DIR.mkdir(parents=True)
    return KEEP_DIR


def run_bench(work: Path, events: int, runs: int) -> None:
    print(f"Generating a story of {events:,} events in {work} ...", flush=True)
    story = generate_story(work, events)
    print("Building both pages ...", flush=True)
    ours_build, folium_build, ours_site, folium_site = build_both(story, work, runs)
    checks = time_checks(story, runs)
    print("Fetching folium's CDN assets (npm, cached in bench/.cache/npm) ...", flush=True)
    cdn = CdnAssets()
    cdn.prefetch(page_asset_urls(folium_site / FOLIUM_PAGE))
    print("Measuring in headless Chromium ...", flush=True)
    ours_runs, folium_runs = measure_browser(story, ours_site, folium_site, runs, cdn)
    report(story, (ours_build, folium_build), ours_runs, folium_runs, ours_site, folium_site, cdn, runs)
    print(f"\ncheck (ours only, validate without writing): median {statistics.median(checks):.2f} s "
          f"(goal at 10,000 events: under 5 s)")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    work = make_work_dir(args.keep)
    try:
        run_bench(work, args.events, args.runs)
    except BenchError as error:
        print(f"\nbench failed: {error}", file=sys.stderr)
        return 1
    except Exception:
        traceback.print_exc()
        print("\nbench failed (see the traceback above)", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"\nKept the story and both sites in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"\nTotal bench time: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
