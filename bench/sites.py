"""The two sites the bench compares: building them (timed), where their pages are, serving them.

Ours is built by the project's build.py, folium's by bench/folium_page.py, each as a
subprocess timed by the wall clock, with its CPU time (user + sys, its worker processes
included: os.wait4's resource usage) and its peak memory: the peak of the whole process
tree's resident sets added up, and the largest resident set of any one of its processes
(/proc polled every 20 ms while it runs). Of our build the bench relies only on the built
file layout: <out>/index.html (the story list) and <out>/<story id>/index.html (with
its map.js beside it, which the report's byte breakdown names).
"""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, replace
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


@dataclass
class BuildRun:
    seconds: float  # wall clock
    cpu_seconds: float  # user + sys of the process and every child it waited for
    max_rss: int  # bytes: the largest resident set of any one of its processes (polled)
    tree_rss: int  # bytes: the peak of the process tree's resident sets added up (polled)

    @property
    def cores(self) -> float:
        """Cores busy on average: CPU time over wall time."""
        return self.cpu_seconds / self.seconds if self.seconds else 0.0


def process_tree_rss(root: int) -> tuple[int, int]:
    """Bytes resident in a process and its descendants now, and in the largest of them (0 for
    what has gone). Polled rather than read from ru_maxrss: Linux carries a parent's peak into
    a forked child, so a child of a large bench process would report the bench's size."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)  # fields[1]: the parent's pid
        rss[pid] = int(fields[21]) * page  # fields[21]: resident pages
    total, largest, todo = 0, 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        largest = max(largest, rss.get(pid, 0))
        todo.extend(children.get(pid, []))
    return total, largest


def measured_run(command: list[str], what: str, memory: bool = True) -> BuildRun:
    """Run a command from the project root and measure it; BenchError when it fails. With memory,
    its process tree's resident sets are polled every 20 ms (peaks 0 without)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = [0, 0]
    done = threading.Event()

    def poll() -> None:
        while not done.wait(0.02):
            total, largest = process_tree_rss(process.pid)
            peak[0], peak[1] = max(peak[0], total), max(peak[1], largest)

    poller = threading.Thread(target=poll, daemon=True)
    if memory:
        poller.start()
    output = [b"", b""]
    readers = [threading.Thread(target=lambda i=i, s=s: output.__setitem__(i, s.read()), daemon=True)
               for i, s in enumerate((process.stdout, process.stderr))]
    for reader in readers:
        reader.start()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    done.set()
    if memory:
        poller.join()
    for reader in readers:
        reader.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        text = output[0].decode(errors="replace")[-3000:] + output[1].decode(errors="replace")[-3000:]
        raise BenchError(f"{what} failed (exit {process.returncode}): {' '.join(command)}\n{text}")
    return BuildRun(elapsed, usage.ru_utime + usage.ru_stime, peak[1], peak[0])


def timed_run(command: list[str], what: str) -> float:
    """Run a command from the project root; its wall-clock seconds, or BenchError when it fails."""
    return measured_run(command, what).seconds


def build_command(builder: Path, story: Story, out: Path) -> list[str]:
    """Both builders take the same arguments."""
    return [PYTHON, str(builder), "--stories", str(story.stories), "--data", str(story.data), "--out", str(out)]


def build_both(story: Story, work: Path, runs: int) -> tuple[list[BuildRun], list[BuildRun], Path, Path]:
    """Build both sites `runs` times, each cold (a new output folder): (our runs, folium's runs,
    our last site, folium's last site). The timed runs are not polled: polling scans all of /proc
    in this process every 20 ms, CPU that a build using both cores of a 2-core machine would lose
    and folium's one-process build would not. Peak memory comes from one more run of each, polled."""
    ours_times: list[BuildRun] = []
    folium_times: list[BuildRun] = []
    peaks = {}
    for builder, what in ((OURS_BUILDER, "build.py"), (FOLIUM_BUILDER, "folium_page.py")):
        out = work / f"site-memory-{builder.stem}"
        polled = measured_run(build_command(builder, story, out), what)
        peaks[builder] = (polled.max_rss, polled.tree_rss)
        shutil.rmtree(out)
    for run in range(runs):
        ours_out, folium_out = work / f"site-ours-{run}", work / f"site-folium-{run}"
        ours_times.append(replace(measured_run(build_command(OURS_BUILDER, story, ours_out), "build.py", False),
                                  max_rss=peaks[OURS_BUILDER][0], tree_rss=peaks[OURS_BUILDER][1]))
        folium_times.append(replace(measured_run(build_command(FOLIUM_BUILDER, story, folium_out), "folium_page.py",
                                                 False), max_rss=peaks[FOLIUM_BUILDER][0], tree_rss=peaks[FOLIUM_BUILDER][1]))
        ours, folium = ours_times[-1], folium_times[-1]
        print(f"  build run {run + 1}/{runs}: ours {ours.seconds:.2f} s ({ours.cores:.2f} cores, peak "
              f"{ours.tree_rss / 1e6:.0f} MB), folium {folium.seconds:.2f} s (peak {folium.tree_rss / 1e6:.0f} MB)",
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
