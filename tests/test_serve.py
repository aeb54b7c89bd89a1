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

import pytest

from storymap.desk import serve, servehttp
from storymap import pipeline

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

    def _wait_for_port(self, timeout: float = 60) -> int:
        # The first build computes the tiny story's sea route and its base map: seconds on an idle
        # machine, far more on a loaded CI one; a wait, not a speed check.
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

    def wait_for_status(self, predicate, timeout: float = 20) -> dict:  # builds slow down on a busy machine
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
        assert first == {"build": 1, "problems": [], "warnings": []}

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
        assert served.wait_for_status(lambda s: s["build"] > 2) == {"build": 3, "problems": [], "warnings": []}
        assert "Ship sinks" in served.get("/tiny-story/")[2]

        assert served.interrupt() == 0
    output = served.output
    assert "Rebuilt in " in output and "1 problem in 1 file" in output
    assert "Still serving the last good build." in output
    assert output.rstrip().endswith("Stopped.") and "Traceback" not in output
    # No staging or retired folders left (the build lock file stays by design).
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith((".site.building-", ".site.old-"))]

    # What serve left on disk is what a normal build writes.
    normal = tmp_path / "normal"
    assert not pipeline.build(tmp_path / "stories", tmp_path / "data", normal).problems
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


def test_port_in_use_exits_3_with_a_hint(tmp_path):
    tiny_project(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(serve_command("--port", str(port)), cwd=tmp_path, capture_output=True,
                                text=True, timeout=30)
    assert result.returncode == 3, result.stderr
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
    assert servehttp.inject(page, 7) == (b'<html><body><p>a</p><script src="/__storymap/reload.js" '
                                     b'data-build="7"></script>\n</BODY></html>')
    assert servehttp.inject(b"<p>fragment</p>", 1) == b"<p>fragment</p>"


# --- The HTTP side, in process: raw requests to a preview of the tiny site. ---

SECRET = "outside the site"


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    """A running preview server (as serve starts it) of the tiny site, with links and a FIFO planted in it."""
    root = tmp_path_factory.mktemp("preview")
    out = root / "site"
    assert not pipeline.build(TINY / "stories", TINY / "data", out).problems
    (root / "secret.txt").write_text(SECRET, encoding="utf-8")
    (out / "tiny-story/leak.txt").symlink_to(root / "secret.txt")
    (out / "tiny-story/leak.html").symlink_to(root / "secret.txt")
    (out / "outside").symlink_to(root, target_is_directory=True)
    (out / "tiny-story/same.json").symlink_to(out / "tiny-story/index.html")  # inside: served
    os.mkfifo(out / "tiny-story/pipe.html")  # opening it for reading would wait forever
    state = serve.BuildState(site_ready=True)
    state.succeeded()
    server = serve.listen(0, out, state)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def exchange(server, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes and read until the server closes: the status, headers (lower-case names), body."""
    with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=5) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1."), f"no HTTP answer to {request[:80]!r}: {answer[:80]!r}"
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    return int(status_line.split()[1]), headers, body


def request(server, line: bytes | str, host: str | None = "self", extra: tuple[str, ...] = ()):
    """A request line, a Host header (this server's unless given; None: no Host) and Connection: close."""
    port = server.server_address[1]
    line = line.encode("latin-1") if isinstance(line, str) else line
    headers = ([] if host is None else [f"Host: {f'127.0.0.1:{port}' if host == 'self' else host}"])
    headers += [*extra, "Connection: close"]
    return exchange(server, line + b"\r\n" + "".join(f"{h}\r\n" for h in headers).encode("latin-1") + b"\r\n")


def assert_refused(answer, status: int, capfd) -> None:
    """A short plain-text answer with the status, no site file in it, and no traceback anywhere."""
    code, headers, body = answer
    assert code == status, (code, body)
    assert headers["content-type"] == "text/plain; charset=utf-8" and len(body) < 300, body
    assert b"<html" not in body.lower() and SECRET.encode() not in body and b"Traceback" not in body
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LocalHost:{port}"])
def test_the_host_header_naming_this_server_is_answered(preview, host, capfd):
    port = preview.server_address[1]
    status, headers, body = request(preview, "GET /tiny-story/ HTTP/1.1", host.format(port=port))
    assert status == 200 and b"data-build=" in body
    status, _, body = request(preview, f"GET http://127.0.0.1:{port}/tiny-story/ HTTP/1.1")
    assert status == 200 and b"data-build=" in body  # the absolute form, naming this server
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize("host", [
    "evil.example:{port}", "evil.example", "127.0.0.1:{other}", "localhost:{other}", "127.0.0.1", "localhost",
    "[::1]:{port}", "127.0.0.1:{port}.evil.example", "0.0.0.0:{port}", "", None])
@pytest.mark.parametrize("path", ["/tiny-story/", "/tiny-story/oembed.json", "/__storymap/status"])
def test_a_story_under_preview_cannot_be_read_with_another_host(preview, host, path, capfd):
    """A DNS-rebinding page sends its own name as Host: nothing is served to it, not even serve's files."""
    port = preview.server_address[1]
    host = host if host is None else host.format(port=port, other=port + 1)
    for method in ("GET", "HEAD"):
        answer = request(preview, f"{method} {path} HTTP/1.1", host)
        assert answer[0] == 403, (host, path, answer)
        assert answer[1]["content-type"] == "text/plain; charset=utf-8"
        if method == "GET":
            assert_refused(answer, 403, capfd)
            assert b"http://127.0.0.1:%d/" % port in answer[2]  # says which address works


def test_host_missing_doubled_or_named_in_an_absolute_target_is_refused(preview, capfd):
    port = preview.server_address[1]
    assert_refused(request(preview, "GET /tiny-story/ HTTP/1.0", None), 403, capfd)
    assert_refused(request(preview, "GET /tiny-story/ HTTP/1.1", extra=("Host: evil.example",)), 403, capfd)
    assert_refused(request(preview, f"GET http://evil.example:{port}/tiny-story/ HTTP/1.1"), 403, capfd)
    assert_refused(request(preview, "GET http://evil.example/tiny-story/ HTTP/1.1"), 403, capfd)


MALFORMED = [
    ("GET /a%00.html HTTP/1.1", 400),
    ("GET /tiny-story/index.html%00.png HTTP/1.1", 400),
    ("GET /%2e%2e/secret.txt HTTP/1.1", 400),
    ("GET /tiny-story/%2E%2E/%2e%2e/secret.txt HTTP/1.1", 400),
    ("GET /../secret.txt HTTP/1.1", 400),
    ("GET /tiny-story/./index.html HTTP/1.1", 400),
    ("GET /tiny-story/..%2f..%2fsecret.txt HTTP/1.1", 404),
    ("GET /%zz HTTP/1.1", 400),
    ("GET /index.html% HTTP/1.1", 400),
    ("GET /%4 HTTP/1.1", 400),
    ("GET /%1b%5b2J HTTP/1.1", 400),
    ("GET /a%7f HTTP/1.1", 400),
    ("GET /" + "a" * 5000 + " HTTP/1.1", 414),
    ("GET /" + "a/" * 40000 + " HTTP/1.1", 414),
    (b"GET /\xff.html HTTP/1.1", 400),
    (b"GET /\xc3\xa9t\xc3\xa9/ HTTP/1.1", 400),
    ("GET /%ff.html HTTP/1.1", 400),
    ("GET /%c3%28 HTTP/1.1", 400),
    ("BREW /tiny-story/ HTTP/1.1", 405),
    ("POST /tiny-story/ HTTP/1.1", 405),
    ("DELETE /index.html HTTP/1.1", 405),
    ("OPTIONS * HTTP/1.1", 405),
    ("get /tiny-story/ HTTP/1.1", 405),
    ("GET", 400),
    ("GET / HTTP/1.1 extra", 400),
    ("GET / HTTX/1.1", 400),
    ("GET / HTTP/1.1.1", 400),
    ("hello world", 400),
    ("GET /", 400),
    (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 400),  # a TLS hello sent to http://
    (b"GET /\x00 HTTP/1.1", 400),
    ("GET tiny-story/ HTTP/1.1", 400),
    ("GET ftp://127.0.0.1/tiny-story/ HTTP/1.1", 400),
    ("GET //evil.example/ HTTP/1.1", 404),
]


@pytest.mark.parametrize(("line", "status"), MALFORMED, ids=lambda v: repr(v)[:40] if isinstance(v, bytes | str) else v)
def test_every_malformed_request_is_answered_with_a_4xx_and_no_traceback(preview, line, status, capfd):
    assert_refused(request(preview, line), status, capfd)


@pytest.mark.parametrize("path", ["/tiny-story/leak.txt", "/tiny-story/leak.html", "/outside/secret.txt",
                                  "/outside/", "/tiny-story/pipe.html", "/.storymap-site",
                                  "/__storymap/", "/__storymap/other.js"])
def test_links_out_of_the_site_fifos_and_hidden_files_are_never_served(preview, path, capfd):
    assert_refused(request(preview, f"GET {path} HTTP/1.1"), 404, capfd)


def test_links_inside_the_site_and_folders_are_served(preview, capfd):
    status, _, body = request(preview, "GET /tiny-story/same.json HTTP/1.1")
    assert status == 200 and b"<!DOCTYPE html>" in body
    status, headers, _ = request(preview, "GET /tiny-story?x=1 HTTP/1.1")
    assert status == 301 and headers["location"] == "/tiny-story/?x=1"
    status, headers, body = request(preview, "HEAD /tiny-story/ HTTP/1.1")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 1000
    assert "Traceback" not in capfd.readouterr().err
    assert_refused(request(preview, "GET /tiny-story/index.html/ HTTP/1.1"), 404, capfd)


def test_a_bug_while_answering_is_a_500_and_one_line_in_the_terminal(preview, capfd, monkeypatch):
    def broken(path):
        raise ValueError("a bug\x1b[2J")

    monkeypatch.setattr(servehttp, "content_type", broken)
    status, headers, body = request(preview, "GET /tiny-story/ HTTP/1.1")
    assert status == 500 and headers["content-type"] == "text/plain; charset=utf-8"
    err = capfd.readouterr().err
    assert "Traceback" not in err and "\x1b" not in err
    assert err.strip() == "serve: internal error answering a request: ValueError('a bug\\x1b[2J')"
    monkeypatch.undo()
    assert request(preview, "GET /tiny-story/ HTTP/1.1")[0] == 200  # still serving


def test_oversized_headers_are_refused(preview, capfd):
    assert_refused(request(preview, "GET /tiny-story/ HTTP/1.1", extra=("X-Long: " + "a" * 70000,)), 431, capfd)
    many = tuple(f"X-Header-{n}: {n}" for n in range(120))
    assert_refused(request(preview, "GET /tiny-story/ HTTP/1.1", extra=many), 431, capfd)


def test_security_headers_leave_the_page_its_own_content_security_policy(preview):
    for path, kind in [("/tiny-story/", "text/html; charset=utf-8"), ("/favicon.ico", "image/x-icon"),
                       ("/__storymap/reload.js", "text/javascript; charset=utf-8"),
                       ("/__storymap/reload.css", "text/css; charset=utf-8")]:
        status, headers, body = request(preview, f"GET {path} HTTP/1.1")
        assert status == 200 and headers["content-type"] == kind, path
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"  # tile servers see the origin
        assert headers["cache-control"] == "no-store"
        assert "content-security-policy" not in headers  # the page declares its own in a <meta> tag
    page = request(preview, "GET /tiny-story/ HTTP/1.1")[2].decode("utf-8")
    assert 'http-equiv="Content-Security-Policy"' in page
    # The only addition to the page is one external script: nothing inline for script-src 'self' to block.
    assert re.findall(r"<script(?: [^>]*)?>", page.split('id="storymap-data"')[0] + page[-200:])[-1] == \
        '<script src="/__storymap/reload.js" data-build="1">'
    refused = request(preview, "GET /tiny-story/ HTTP/1.1", "evil.example")[1]
    assert refused["x-content-type-options"] == "nosniff" and "default-src 'none'" in refused["content-security-policy"]


def test_serve_keeps_its_javascript_and_css_in_files():
    """The live-reload code is served from storymap/static/serve/, not held in Python strings."""
    for module in (serve, servehttp):
        source = Path(module.__file__).read_text("utf-8")
        assert "function" not in source and "addEventListener" not in source and "style=" not in source
    served = (REPO / "storymap/static/serve/reload.js").read_text("utf-8")
    assert "fetch('/__storymap/status'" in served and "cssText" not in served and ".style." not in served
