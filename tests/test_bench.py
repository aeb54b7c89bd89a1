"""Smoke test of bench/bench.py: a 200-event run completes and prints the metric rows.

It never looks at the figures themselves: timings depend on the machine.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
METRIC_ROWS = ("transfer gzip'd (bytes)", "ready (ms)", "jump to last date (ms)", "build (s)",
               "build peak RSS, tree (MB)", "build cores (CPU s / wall s)", "list: open the last event's page (ms)",
               "list: scroll frame, worst (ms)")


@pytest.mark.browser
def test_bench_runs_and_prints_the_metric_rows():
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is missing at {CHROMIUM}; in CI (CI=true) the browser tests must run "
                        "(`make chromium` installs Debian's chromium)")
        pytest.skip(f"Chromium is missing at {CHROMIUM} (install it, or set CHROMIUM=/path/to/chromium); "
                    "outside CI browser tests are skipped")
    # The first run may fetch folium's CDN packages with npm; without npm the bench stubs them.
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "bench.py"), "--events", "200", "--runs", "1"],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-5000:]
    for name in METRIC_ROWS:
        row = re.search(rf"^{re.escape(name)}\s*\|(.*)$", result.stdout, re.M)
        assert row, f"no '{name}' row in the output:\n{result.stdout[-5000:]}"
        cells = [c.strip() for c in row.group(1).split("|")]
        # ours, folium's, the ratio; the target and "met" are printed at 10,000 and 100,000 events only
        assert len(cells) == 5 and all(cells[:3]), f"incomplete row: {row.group(0)}"
    assert "targets are set for 10,000 and 100,000 events" in result.stdout


def bench_module(name: str):
    """One of bench/'s modules, imported as bench.py imports it (bench/ on sys.path)."""
    import importlib

    bench_dir = str(ROOT / "bench")
    if bench_dir not in sys.path:
        sys.path.insert(0, bench_dir)
    return importlib.import_module(name)


def test_event_counts_take_one_size_or_several():
    import argparse

    bench = bench_module("bench")
    assert bench.event_counts("10000,100000") == [10_000, 100_000]
    assert bench.event_counts("1_000") == [1000]
    for wrong in ("", "ten", "0", "100,-1"):
        with pytest.raises(argparse.ArgumentTypeError):
            bench.event_counts(wrong)
    assert bench.runs_for(10_000, None) == 3 and bench.runs_for(100_000, None) == 1
    assert bench.runs_for(100_000, 2) == 2


def test_edit_latency_is_read_from_what_the_script_returns_or_prints():
    bench = bench_module("bench")
    assert bench.seconds_in(0.42, "") == 0.42
    assert bench.seconds_in(None, "rebuild 120 ms\nedit shown after 640 ms\n") == 0.64
    assert bench.seconds_in(None, "edit shown after 1.25 s") == 1.25
    table = "serve, 10,000 events: seconds\n  event title    0.81 s\n  place moved    2.50 s\n"
    assert bench.seconds_in(0, table) == 0.81
    assert bench.seconds_in(None, "nothing measured") is None


def test_targets_are_met_by_ratio_or_by_bound():
    report = bench_module("report")
    assert report.target_met(30, 100, (report.RATIO, 0.3), True) == "yes"
    assert report.target_met(31, 100, (report.RATIO, 0.3), True) == "NO"
    assert report.target_met(31, None, (report.RATIO, 0.3), True) == "n/a"
    assert report.target_met(99, None, (report.UNDER, 100), True) == "yes"
    assert report.target_met(100, None, (report.UNDER, 100), True) == "NO"
    assert report.target_met(1.9, 1.0, (">", 1.5), True) == "yes"
    assert report.target_met(1.9, 1.0, (report.RATIO, 2), False) == "n/a"


def test_a_build_run_measures_peak_memory_and_cpu_of_the_process_tree():
    sites = bench_module("sites")
    # A child that holds 200 MB in a grandchild for a while: the tree's peak sees it.
    grandchild = "b = bytearray(200_000_000); import time; time.sleep(0.8)"
    child = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {grandchild!r}], check=True)"
    run = sites.measured_run([sys.executable, "-c", child], "a test child")
    assert run.tree_rss >= 200_000_000
    assert run.max_rss >= 200_000_000  # the largest process: the grandchild
    assert run.cpu_seconds > 0 and run.seconds > 0.8
    with pytest.raises(sites.BenchError, match="exit 3"):
        sites.measured_run([sys.executable, "-c", "raise SystemExit(3)"], "a failing child")
