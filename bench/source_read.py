"""Reading and checking a synthetic story: cold (serial and parallel), then warm through a
SourceCache with no change and after one event file was edited, as `serve` rebuilds.

    .venv/bin/python bench/source_read.py --events 10000 100000

Prints the times of read_inputs (the source stage) and of resolve (the geo stage), and the
peak memory of this process; nothing is asserted.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from synthetic import generate_story  # noqa: E402

from storymap.errors import Problems  # noqa: E402
from storymap.geo.resolve import resolve  # noqa: E402
from storymap.source.filecache import SourceCache  # noqa: E402
from storymap.source.load import read_inputs  # noqa: E402

NEVER = 10**15  # parallel_min_bytes that keeps every read in this process


def cpu_seconds() -> float:
    """CPU time of this process and of its workers, which ended: on a busy machine the wall
    clock says little about the parallel read."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def timed_read(root: Path, cache: SourceCache) -> tuple[str, int, object]:
    started, cpu = time.perf_counter(), cpu_seconds()
    problems = Problems()
    inputs = read_inputs(root / "stories", root / "data", problems, cache=cache)
    return f"{time.perf_counter() - started:7.3f} s ({cpu_seconds() - cpu:.2f} s CPU)", len(problems), inputs


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def edit_one(root: Path) -> None:
    path = sorted((root / "stories").glob("*/events/*.yaml"))[len(list((root / "stories").glob("*/events/*.yaml"))) // 2]
    path.write_text(path.read_text("utf-8").replace("title: ", "title: Edited ", 1), "utf-8")


def run(events: int) -> None:
    with tempfile.TemporaryDirectory(prefix="storymap-source-bench-") as folder:
        root = Path(folder)
        started = time.perf_counter()
        generate_story(root, events)
        print(f"\n{events:,} events: generated in {time.perf_counter() - started:.1f} s")
        old = time.time() - 3600  # written an hour ago, as a story is between saves
        for path in root.rglob("*"):
            os.utime(path, (old, old))
        serial, found, _ = timed_read(root, SourceCache(parallel_min_bytes=NEVER))
        print(f"  cold read, serial          {serial}   problems: {found}")
        cache = SourceCache()
        parallel, found, inputs = timed_read(root, cache)
        print(f"  cold read, parallel        {parallel}   workers: {cache.stats.parallel_workers}")
        started = time.perf_counter()
        resolve(inputs, Problems())
        print(f"  resolve (geo), first       {time.perf_counter() - started:7.2f} s")
        warm, _, inputs = timed_read(root, cache)
        print(f"  warm read, no change       {warm}   {cache.stats}")
        edit_one(root)
        edited, _, inputs = timed_read(root, cache)
        print(f"  warm read, one file edited {edited}   {cache.stats}")
        started = time.perf_counter()
        resolve(inputs, Problems())
        print(f"  resolve (geo), again       {time.perf_counter() - started:7.2f} s")
        print(f"  peak memory of this process {peak_mb():,.0f} MB, load average {os.getloadavg()[0]:.1f} "
              f"on {os.cpu_count()} cores")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[10_000])
    for events in parser.parse_args().events:
        run(events)


if __name__ == "__main__":
    main()
