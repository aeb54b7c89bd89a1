"""How long `serve` takes from saving an edited file to the output holding the edit.

Generates the synthetic story (bench/synthetic.py, 10,000 events by default), starts a
Builder of storymap/desk/serve.py in this process (as `build.py serve` runs it, with its
file watcher), waits for the first build, then for each edit: saves the file, and polls
the output file that must show it until it does. The time runs from the save to the
moment the new site is in place, the debounce (QUIET_SECONDS) included.

    .venv/bin/python bench/edit_latency.py [--events N]

Edits: one event's title (polled in the list page holding it, or the story page), a place
moved in data/places.yaml (polled in data.geojson), the story's title in story.yaml
(polled in index.html). Figures are printed, never asserted.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from synthetic import STORY_ID, generate_story  # noqa: E402

from storymap.desk.serve import Builder, Changes  # noqa: E402
from storymap.desk.servehttp import BuildState  # noqa: E402
from storymap.source.filecache import RACY_NS  # noqa: E402

POLL_SECONDS = 0.01
TIMEOUT_SECONDS = 120


def wait_for(path: Path, text: str) -> None:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        try:
            if text in path.read_text(encoding="utf-8"):
                return
        except OSError:
            pass  # between the swap's two renames, or not written yet
        time.sleep(POLL_SECONDS)
    raise TimeoutError(f"{path} did not show {text!r} within {TIMEOUT_SECONDS} s")


def timed_edit(path: Path, old: str, new: str, shown_in: Path, shown: str) -> float:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    started = time.perf_counter()
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    wait_for(shown_in, shown)
    return time.perf_counter() - started


def measure(work: Path, events: int) -> dict[str, float]:
    """Seconds from each save to the output holding it, by edit."""
    from watchdog.observers import Observer

    story = generate_story(work, events)
    # A journalist's files are older than the source cache's window for files changed just now
    # (storymap/source/filecache.py), which it re-reads every time: wait past it, as real files are.
    time.sleep(RACY_NS / 1e9 + 0.2)
    out = work / "site"
    builder = Builder(story.stories, story.data, out, None, BuildState(site_ready=False))
    observer = Observer()
    for folder in (story.stories, story.data):
        observer.schedule(Changes(str(folder), str(out), builder.changed), str(folder), recursive=True)
    observer.start()
    builder.start()
    try:
        builder.first_done.wait()
        return run_edits(story.stories / STORY_ID, story.data, out / STORY_ID)
    finally:
        observer.stop()
        builder.stop()
        observer.join()
        builder.thread.join()


def run_edits(story_dir: Path, data: Path, out: Path) -> dict[str, float]:
    figures = {}
    event_file = sorted((story_dir / "events").iterdir())[len(list((story_dir / "events").iterdir())) // 2]
    title = re.search(r"title: (.+)", event_file.read_text(encoding="utf-8"))
    assert title
    old = title.group(1).strip().strip("'\"")
    new = old + " (edited)"
    holder = next((p for p in sorted(out.glob("events-*.html")) if old in p.read_text(encoding="utf-8")),
                  out / "index.html")
    figures["event title"] = timed_edit(event_file, old, new, holder, new)
    places = data / "places.yaml"
    lat = re.search(r"lat: (-?[0-9.]+)", places.read_text(encoding="utf-8"))
    assert lat
    moved = f"{float(lat.group(1)) + 0.123456:.6f}".rstrip("0")
    figures["place moved"] = timed_edit(places, lat.group(0), f"lat: {moved}", out / "data.geojson", moved)
    story_yaml = story_dir / "story.yaml"
    story_title = re.search(r"title: (.+)", story_yaml.read_text(encoding="utf-8"))
    assert story_title
    figures["story.yaml title"] = timed_edit(story_yaml, story_title.group(0), "title: Edited story title",
                                             out / "index.html", "Edited story title")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="storymap-edit-latency-") as work, \
            contextlib.redirect_stderr(io.StringIO()):  # the builds' lines and the story's warnings
        figures = measure(Path(work), args.events)
    print(f"serve, {args.events:,} events: seconds from saving an edit to the output holding it")
    for name, seconds in figures.items():
        print(f"  {name:<18} {seconds:6.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
