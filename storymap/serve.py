"""python build.py serve: build, serve the site on 127.0.0.1 and rebuild on save.

Every build runs in one worker thread, so a server request or Ctrl-C never
interrupts a half-written site. The pages served carry a small live-reload
script added to the response only: the files on disk stay exactly what a
normal build writes, so what the journalist previews is what gets published.
"""
from __future__ import annotations

import errno
import functools
import http.server
import io
import json
import os
import signal
import threading
import time
import traceback
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

import click
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from . import cli, site
from .errors import UserError, display_path
from .write import MARKER, check_output_dir

HOST = "127.0.0.1"
RESERVED = "/__storymap/"  # story ids cannot start with "_", so no built page lives here
SCRIPT_PATH = RESERVED + "reload.js"
STATUS_PATH = RESERVED + "status"
QUIET_SECONDS = 0.2  # editors save in bursts (temp file, rename, chmod): build once it is quiet
MAX_DELAY_SECONDS = 0.8  # ...but a file that keeps changing must not postpone the build forever
# "opened" and "closed without writing" are left out: the build reads every
# story file, and counting those reads as changes would rebuild forever.
CHANGE_EVENTS = {"created", "modified", "deleted", "moved", "closed"}
TEMP_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", "___jb_tmp___", "___jb_old___")

RELOAD_JS = """\
// Live reload for `build.py serve`; never part of a built site.
(function () {
  'use strict';
  var me = document.currentScript;
  var build = Number(me && me.getAttribute('data-build'));
  var overlay = null, shown = '', dismissed = '';

  // Problem messages quote the journalist's text: nodes and textContent only.
  function showProblems(problems) {
    var text = problems.join('\\n');
    if (text === shown) { return; }
    shown = text;
    if (overlay) { overlay.remove(); overlay = null; }
    if (!problems.length || text === dismissed) { return; }
    overlay = document.createElement('div');
    overlay.id = 'storymap-problems';
    overlay.setAttribute('role', 'alert');
    overlay.style.cssText = 'position:fixed;left:0;right:0;bottom:0;z-index:2147483647;max-height:45vh;' +
      'overflow:auto;margin:0;padding:12px 16px;background:#fff4f4;color:#6b0000;' +
      'border-top:3px solid #b00020;font:13px/1.45 ui-monospace,Menlo,Consolas,monospace;' +
      'box-shadow:0 -2px 12px rgba(0,0,0,.25)';
    var close = document.createElement('button');
    close.type = 'button';
    close.textContent = 'Hide';
    close.style.cssText = 'float:right;font:inherit;cursor:pointer';
    close.addEventListener('click', function () { dismissed = text; overlay.remove(); overlay = null; });
    var heading = document.createElement('strong');
    heading.textContent = problems.length + (problems.length === 1 ? ' problem' : ' problems') +
      ': the page shows the last good build. Fix and save; it reloads by itself.';
    var list = document.createElement('ul');
    list.style.cssText = 'margin:8px 0 0;padding-left:20px;white-space:pre-wrap';
    problems.forEach(function (problem) {
      var item = document.createElement('li');
      item.textContent = problem;
      list.appendChild(item);
    });
    overlay.appendChild(close);
    overlay.appendChild(heading);
    overlay.appendChild(list);
    document.body.appendChild(overlay);
  }

  function poll() {
    fetch('/__storymap/status', { cache: 'no-store' }).then(function (response) {
      return response.json();
    }).then(function (status) {
      if (status.build !== build) { location.reload(); return; }
      showProblems(status.problems);
      setTimeout(poll, 500);
    }, function () { setTimeout(poll, 1000); });  // stopped or restarting: keep asking
  }
  poll();
})();
"""

NO_SITE_PAGE = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Not built yet</title></head>
<body style="font:16px/1.5 system-ui,sans-serif;margin:2em">
<h1>Not built yet</h1>
<p>The stories have problems (listed below and in the terminal). Fix them and save:
this page reloads by itself.</p>
</body></html>
"""


class BuildState:
    """What the browser polls: the number of the last good build and the current problems."""

    def __init__(self, site_ready: bool):
        self._lock = threading.Lock()
        self.build = 0
        self.problems: list[str] = []
        self.site_ready = site_ready  # a good site is on disk (from this run or an earlier one)

    def succeeded(self) -> None:
        with self._lock:
            self.build += 1
            self.problems = []
            self.site_ready = True

    def failed(self, problems: list[str]) -> None:
        with self._lock:
            self.problems = problems

    def snapshot(self) -> dict:
        with self._lock:
            return {"build": self.build, "problems": list(self.problems)}


class Builder:
    """Builds once, then again after each quiet burst of changes, in one worker thread."""

    def __init__(self, stories_dir: Path, data_dir: Path, out_dir: Path, base_url: str | None,
                 state: BuildState):
        self.args = (stories_dir, data_dir, out_dir, base_url)
        self.state = state
        self.first_done = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="storymap-builder", daemon=True)
        self._cond = threading.Condition()
        self._pending = False
        self._first_change = self._last_change = 0.0
        self._stopping = False

    def start(self) -> None:
        self.thread.start()

    def changed(self) -> None:
        """Called from the watcher's thread for every relevant file event."""
        with self._cond:
            now = time.monotonic()
            if not self._pending:
                self._first_change = now
            self._pending = True
            self._last_change = now
            self._cond.notify()

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify()

    def _loop(self) -> None:
        self._build(first=True)
        self.first_done.set()
        while self._wait_for_quiet_changes():
            self._build(first=False)

    def _wait_for_quiet_changes(self) -> bool:
        """Block until changes arrived and then stopped for a moment; False when stopping."""
        with self._cond:
            while not self._pending and not self._stopping:
                self._cond.wait()
            while not self._stopping:
                now = time.monotonic()
                due = min(self._last_change + QUIET_SECONDS, self._first_change + MAX_DELAY_SECONDS)
                if now >= due:
                    break
                self._cond.wait(due - now)
            self._pending = False  # changes during the build below set it again
            return not self._stopping

    def _build(self, first: bool) -> None:
        started = time.perf_counter()
        progress = cli.TerminalProgress()  # silent unless stderr is a terminal
        try:
            result = site.build(*self.args, progress)
        except UserError as error:  # e.g. someone put their own files into --out
            line = f"Error: {error.message}" + (f" (hint: {error.hint})" if error.hint else "")
            click.echo(line, err=True)
            self.state.failed([line])
            return
        except Exception:  # a bug in the build must not end the preview
            traceback.print_exc()
            self.state.failed(["The build failed with an internal error; see the terminal."])
            return
        finally:
            progress.clear()
        self._tell(result, first, time.perf_counter() - started)

    def _tell(self, result: site.BuildResult, first: bool, seconds: float) -> None:
        """The terminal line(s) for a finished build, and the status the browser polls."""
        if result.problems:
            cli.report(result.problems)
            click.echo("Still serving the last good build." if self.state.site_ready
                       else "No site to serve yet; the browser shows the problems.", err=True)
            self.state.failed([p.as_text() for p in result.problems.sorted()])
            return
        self.state.succeeded()
        if first:
            stories = cli.plural(len(result.models), "story", "stories")
            events = cli.plural(sum(len(m.events) for m in result.models), "event")
            click.echo(f"Built {stories} ({events}) into {display_path(self.args[2])}/ in {seconds:.1f} s")
        else:
            click.echo(f"Rebuilt in {seconds:.1f} s")


def is_ignored(path: str, root: str) -> bool:
    """Editor temp files and anything hidden below root: none of them is read by a build."""
    name = os.path.basename(path)
    if name == "4913" or name.startswith("#") or name.endswith(TEMP_SUFFIXES):  # vim, emacs, JetBrains
        return True
    relative = os.path.relpath(path, root)
    return any(part.startswith(".") for part in relative.split(os.sep))  # .#x, .DS_Store, .git/...


class Changes(FileSystemEventHandler):
    """Tells the builder about changes to story and data files, and nothing else."""

    def __init__(self, root: str, out_dir: str, changed):
        self.root = root
        self.out_dir = out_dir
        self.changed = changed

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in CHANGE_EVENTS:
            return
        if event.is_directory and event.event_type in ("modified", "closed"):
            return  # a folder's own "modified" repeats the file events inside it
        paths = [os.fsdecode(event.src_path), os.fsdecode(getattr(event, "dest_path", "") or "")]
        if any(p and self.relevant(p) for p in paths):
            self.changed()

    def relevant(self, path: str) -> bool:
        if path == self.out_dir or path.startswith(self.out_dir + os.sep):
            return False  # --out inside --stories would otherwise rebuild forever
        return not is_ignored(path, self.root)


def inject(page: bytes, build: int) -> bytes:
    """The page with the reload script before its last </body>; other HTML unchanged."""
    at = page.lower().rfind(b"</body>")
    if at < 0:
        return page
    tag = f'<script src="{SCRIPT_PATH}" data-build="{build}"></script>\n'.encode()
    return page[:at] + tag + page[at:]


class Handler(http.server.SimpleHTTPRequestHandler):
    """The built site, plus the reload script and the status it polls."""

    def __init__(self, *args, state: BuildState, **kwargs):
        self.state = state  # before super().__init__, which handles the request
        super().__init__(*args, **kwargs)

    def log_message(self, format, *args) -> None:  # noqa: A002 - the base class's name
        pass  # the terminal is for build results, not every request

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # never show a stale page after a rebuild
        super().end_headers()

    def list_directory(self, path):
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")  # a published site lists nothing either
        return None

    def send_head(self):
        path = urlsplit(self.path).path
        if path == STATUS_PATH:
            body = json.dumps(self.state.snapshot()).encode()
            return self._send(HTTPStatus.OK, "application/json", body)
        if path == SCRIPT_PATH:
            return self._send(HTTPStatus.OK, "text/javascript; charset=utf-8", RELOAD_JS.encode())
        if path.startswith(RESERVED):
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        # Read the number before the page: a swap in between only costs one extra reload.
        build = self.state.snapshot()["build"]
        if not self.state.site_ready:
            return self._send(HTTPStatus.SERVICE_UNAVAILABLE, "text/html; charset=utf-8",
                              inject(NO_SITE_PAGE, build))
        self._wait_for_swap()
        page = self._html_page()
        if page is None:
            return super().send_head()
        return self._send(HTTPStatus.OK, "text/html; charset=utf-8", inject(page, build))

    def _wait_for_swap(self) -> None:
        # A build swaps the output folder with two renames; between them it is missing.
        deadline = time.monotonic() + 1.0
        while not os.path.isdir(self.directory) and time.monotonic() < deadline:
            time.sleep(0.01)

    def _html_page(self) -> bytes | None:
        """The bytes of the HTML page the URL names; None leaves the rest to the base class."""
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            if not urlsplit(self.path).path.endswith("/"):
                return None  # the base class redirects to the address with a slash
            path = os.path.join(path, "index.html")
        if not path.endswith((".html", ".htm")):
            return None
        try:
            with open(path, "rb") as file:
                return file.read()
        except OSError:
            return None

    def _send(self, status: HTTPStatus, content_type: str, body: bytes) -> io.BytesIO:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def listen(port: int, out_dir: Path, state: BuildState) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(Handler, directory=os.path.abspath(out_dir), state=state)
    try:
        return http.server.ThreadingHTTPServer((HOST, port), handler)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise UserError(f"port {port} on {HOST} is already in use (another serve running?)",
                            "choose another with --port N, or --port 0 for any free port") from None
        raise UserError(f"cannot listen on {HOST}:{port}: {error.strerror}",
                        "choose another port with --port N") from None


def watched_folders(stories_dir: Path, data_dir: Path) -> list[str]:
    if not stories_dir.is_dir():
        raise UserError(f"stories folder {display_path(stories_dir)} does not exist",
                        "give the folder of story folders with --stories")
    # No data folder is a valid project (no shared places); there is nothing to watch then.
    return [os.path.abspath(d) for d in (stories_dir, data_dir) if d.is_dir()]


def run_server(stories_dir: Path, data_dir: Path, out_dir: Path, port: int, base_url: str | None) -> None:
    """Serve until Ctrl-C; usage mistakes raise UserError before anything starts."""
    check_output_dir(out_dir)
    folders = watched_folders(stories_dir, data_dir)
    state = BuildState(site_ready=(out_dir / MARKER).is_file())
    httpd = listen(port, out_dir, state)
    builder = Builder(stories_dir, data_dir, out_dir, base_url, state)
    observer = Observer()
    previous_sigterm = stop_on_sigterm()
    try:
        for folder in folders:
            handler = Changes(folder, os.path.abspath(out_dir), builder.changed)
            observer.schedule(handler, folder, recursive=True)
        observer.start()  # before the first build, so a save during it is not missed
        builder.start()
        builder.first_done.wait()
        click.echo(f"Serving http://{HOST}:{httpd.server_address[1]}/ (Ctrl-C to stop)")
        httpd.serve_forever(poll_interval=0.25)
    except KeyboardInterrupt:
        pass  # Ctrl-C is how a preview ends
    finally:
        shut_down(httpd, builder, observer)
        if previous_sigterm is not None:
            signal.signal(signal.SIGTERM, previous_sigterm)
    click.echo("Stopped.")


def stop_on_sigterm():
    """Make `kill` (from a script, or where Ctrl-C is ignored) stop as cleanly as Ctrl-C."""
    if threading.current_thread() is not threading.main_thread():
        return None  # only the main thread may set handlers (e.g. run_server called from a test)

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)


def shut_down(httpd: http.server.ThreadingHTTPServer, builder: Builder, observer) -> None:
    observer.stop()
    builder.stop()
    for thread in (observer, builder.thread):
        if thread.is_alive():
            try:
                thread.join()  # a running build finishes, so the site is never half-swapped
            except KeyboardInterrupt:
                pass  # a second Ctrl-C: stop waiting
    httpd.server_close()
