"""The two sites the bench compares: building them (timed), where their pages are, serving them.

Ours is built by the project's build.py, folium's by bench/folium_page.py, each as a
subprocess timed by the wall clock. Of our build the bench relies only on the built
file layout: <out>/index.html (the story list) and <out>/<story id>/index.html (with
its map.js beside it, which the report's byte breakdown names).
"""
from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from synthetic import STORY_ID, Story

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = sys.executable
OURS_BUILDER = ROOT / "build.py"
FOLIUM_BUILDER = BENCH / "folium_page.py"
OURS_STORY_PAGE = f"{STORY_ID}/index.html"  # paths inside the served sites
OURS_STORY_LIST = "index.html"
FOLIUM_PAGE = "index.html"


class BenchError(Exception):
    """Something did not run; the bench exits 1."""


def timed_run(command: list[str], what: str) -> float:
    """Run a command from the project root; its wall-clock seconds, or BenchError when it fails."""
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise BenchError(f"{what} failed (exit {result.returncode}): {' '.join(command)}\n"
                         f"{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return elapsed


def build_command(builder: Path, story: Story, out: Path) -> list[str]:
    """Both builders take the same arguments."""
    return [PYTHON, str(builder), "--stories", str(story.stories), "--data", str(story.data), "--out", str(out)]


def build_both(story: Story, work: Path, runs: int) -> tuple[list[float], list[float], Path, Path]:
    """Build both sites `runs` times: (our seconds, folium's seconds, our last site, folium's last site)."""
    ours_times, folium_times = [], []
    for run in range(runs):
        ours_out, folium_out = work / f"site-ours-{run}", work / f"site-folium-{run}"
        ours_times.append(timed_run(build_command(OURS_BUILDER, story, ours_out), "build.py"))
        folium_times.append(timed_run(build_command(FOLIUM_BUILDER, story, folium_out), "folium_page.py"))
        print(f"  build run {run + 1}/{runs}: ours {ours_times[-1]:.2f} s, folium {folium_times[-1]:.2f} s",
              flush=True)
        if run < runs - 1:  # keep only the last outputs
            shutil.rmtree(ours_out)
            shutil.rmtree(folium_out)
    return ours_times, folium_times, work / f"site-ours-{runs - 1}", work / f"site-folium-{runs - 1}"


def time_checks(story: Story, runs: int) -> list[float]:
    """Seconds of `build.py check` (read and validate every file, write nothing), `runs` times."""
    command = [PYTHON, str(OURS_BUILDER), "check", "--stories", str(story.stories), "--data", str(story.data)]
    return [timed_run(command, "build.py check") for _ in range(runs)]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve(directory: Path) -> http.server.ThreadingHTTPServer:
    """Serve a folder on 127.0.0.1 at a free port, from a daemon thread."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(QuietHandler, directory=str(directory)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def page_url(server: http.server.ThreadingHTTPServer, path: str) -> str:
    return f"http://127.0.0.1:{server.server_port}/{path}"
