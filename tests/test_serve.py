"""python build.py serve: real HTTP against a subprocess, rebuilds on save, live-reload status, Ctrl-C."""
from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from storymap import serve, site

from .conftest import FIXTURES, REPO

TINY = FIXTURES / "tiny"
ARRIVAL = "stories/tiny-story/events/arrival.yaml"
SERVING = re.compile(r"^Serving http://127\.0\.0\.1:(\d+)/ \(Ctrl-C to stop\)$")


class Served:
    """A running `build.py serve` in a project folder, and everything it printed."""

    def __init__(self, root: Path, process: subprocess.Popen):
        self.root = root
        self.process = process
        self.lines: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.port = self._wait_for_port()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def _wait_for_port(self, timeout: float = 20) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break
            if match := SERVING.match(line):
                return int(match.group(1))
        raise AssertionError("no 'Serving' line; output:\n" + self.output)

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def get(self, path: str) -> tuple[int, dict, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as response:
                return response.status, dict(response.headers), response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode("utf-8", "replace")

    def status(self) -> dict:
        return json.loads(self.get("/__storymap/status")[2])

    def wait_for_status(self, predicate, timeout: float = 5) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            status = self.status()
            if predicate(status):
                return status
            assert time.monotonic() < deadline, f"status stayed {status}; output:\n{self.output}"
            time.sleep(0.05)

    def write(self, relative: str, text: str) -> None:
        (self.root / relative).write_text(text, encoding="utf-8")

    def interrupt(self, timeout: float = 5) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=timeout)


def tiny_project(root: Path) -> Path:
    shutil.copytree(TINY / "stories", root / "stories")
    shutil.copytree(TINY / "data", root / "data")
    return root


def serve_command(*extra: str) -> list[str]:
    return [sys.executable, str(REPO / "build.py"), "serve", "--stories", "stories", "--data", "data",
            "--out", "site", *extra]


@contextmanager
def serving(root: Path):
    """Start `serve --port 0` in root; the process is killed whatever happens."""
    env = {**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(serve_command("--port", "0"), cwd=root, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        yield Served(root, process)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_serves_rebuilds_reports_problems_and_stops(tmp_path):
    with serving(tiny_project(tmp_path)) as served:
        status, headers, page = served.get("/tiny-story/")
        assert status == 200 and headers["Cache-Control"] == "no-store"
        assert '<script src="/__storymap/reload.js" data-build="1"></script>\n</body>' in page
        assert "__storymap" not in (tmp_path / "site/tiny-story/index.html").read_text("utf-8")
        assert served.get("/__storymap/reload.js")[0] == 200
        assert served.get("/favicon.ico")[0] == 200
        assert served.get("/no-such-page.html")[0] == 404
        first = served.status()
        assert first == {"build": 1, "problems": []}

        # A save is picked up and rebuilt; the page shows the new title.
        arrival = (tmp_path / ARRIVAL).read_text("utf-8")
        saved = time.monotonic()
        served.write(ARRIVAL, arrival.replace("Ship arrives at North Port", "Ship docks at North Port"))
        served.wait_for_status(lambda s: s["build"] > 1)
        assert time.monotonic() - saved < 3
        assert "Ship docks at North Port" in served.get("/tiny-story/")[2]

        # A bad save: the problem is listed, the last good page is still served.
        served.write(ARRIVAL, arrival.replace("Ship arrives at North Port", "Ship sinks") + "colour: red\n")
        bad = served.wait_for_status(lambda s: s["problems"])
        assert bad["build"] == 2
        assert len(bad["problems"]) == 1
        assert re.match(rf"{ARRIVAL}:\d+:\d+: .*colour", bad["problems"][0]), bad["problems"]
        page = served.get("/tiny-story/")[2]
        assert "Ship docks at North Port" in page and "Ship sinks" not in page

        # Fixed: problems cleared, a new build.
        served.write(ARRIVAL, arrival.replace("Ship arrives at North Port", "Ship sinks"))
        assert served.wait_for_status(lambda s: s["build"] > 2) == {"build": 3, "problems": []}
        assert "Ship sinks" in served.get("/tiny-story/")[2]

        assert served.interrupt() == 0
    output = served.output
    assert "Rebuilt in " in output and "1 problem in 1 file" in output
    assert "Still serving the last good build." in output
    assert output.rstrip().endswith("Stopped.") and "Traceback" not in output
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")]  # no temp folders left

    # What serve left on disk is what a normal build writes.
    normal = tmp_path / "normal"
    assert not site.build(tmp_path / "stories", tmp_path / "data", normal).problems
    files = {p.relative_to(normal): p.read_bytes() for p in normal.rglob("*") if p.is_file()}
    assert {p.relative_to(tmp_path / "site"): p.read_bytes()
            for p in (tmp_path / "site").rglob("*") if p.is_file()} == files


def test_without_a_good_build_the_problems_page_is_served_until_fixed(tmp_path):
    tiny_project(tmp_path)
    good = (tmp_path / ARRIVAL).read_text("utf-8")
    (tmp_path / ARRIVAL).write_text(good + "colour: red\n", encoding="utf-8")
    with serving(tmp_path) as served:
        status, _, page = served.get("/tiny-story/")
        assert status == 503 and 'src="/__storymap/reload.js" data-build="0"' in page
        assert served.status()["build"] == 0 and len(served.status()["problems"]) == 1
        served.write(ARRIVAL, good)
        served.wait_for_status(lambda s: s["build"] == 1 and not s["problems"])
        assert served.get("/tiny-story/")[0] == 200
    assert "No site to serve yet" in served.output


def test_port_in_use_exits_2_with_a_hint(tmp_path):
    tiny_project(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(serve_command("--port", str(port)), cwd=tmp_path, capture_output=True,
                                text=True, timeout=30)
    assert result.returncode == 2, result.stderr
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "--port" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists()


def test_editor_temp_files_and_hidden_folders_are_ignored(tmp_path):
    root = str(tmp_path / "stories")
    for name in [".arrival.yaml.swp", "arrival.yaml~", ".#arrival.yaml", "#arrival.yaml#", "4913",
                 ".DS_Store", ".git/index", "arrival.yaml.swx"]:
        assert serve.is_ignored(os.path.join(root, "tiny-story/events", name), root), name
    for name in ["events/arrival.yaml", "story.yaml", "media/map.png"]:
        assert not serve.is_ignored(os.path.join(root, "tiny-story", name), root), name
    assert not serve.is_ignored(str(tmp_path / ".hidden-home/stories/s/story.yaml"),
                                str(tmp_path / ".hidden-home/stories"))


def test_changes_ignore_reads_and_the_output_folder(tmp_path):
    from watchdog.events import FileClosedNoWriteEvent, FileModifiedEvent, FileMovedEvent, FileOpenedEvent

    seen = []
    root, out = str(tmp_path / "stories"), str(tmp_path / "stories/site")
    changes = serve.Changes(root, out, lambda: seen.append(1))
    event = os.path.join(root, "s/events/e.yaml")
    changes.dispatch(FileOpenedEvent(event))  # the build reading a file is not a change
    changes.dispatch(FileClosedNoWriteEvent(event))
    changes.dispatch(FileModifiedEvent(os.path.join(out, "index.html")))
    changes.dispatch(FileModifiedEvent(event + ".swp"))
    assert seen == []
    changes.dispatch(FileMovedEvent(event + "~", event))  # an editor's save by rename
    changes.dispatch(FileModifiedEvent(event))
    assert len(seen) == 2


def test_inject_puts_the_script_before_the_last_body_end_only():
    page = b"<html><body><p>a</p></BODY></html>"
    assert serve.inject(page, 7) == (b'<html><body><p>a</p><script src="/__storymap/reload.js" '
                                     b'data-build="7"></script>\n</BODY></html>')
    assert serve.inject(b"<p>fragment</p>", 1) == b"<p>fragment</p>"
