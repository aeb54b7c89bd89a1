"""Smoke test of bench/bench.py: a 200-event run completes and prints the four metric rows.

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
METRIC_ROWS = ("transfer (bytes)", "ready (ms)", "jump to last date (ms)", "build (s)")


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
        assert len(cells) >= 4 and all(cells[:4]), f"incomplete row: {row.group(0)}"
