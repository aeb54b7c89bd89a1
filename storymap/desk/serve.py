"""python build.py serve: build, serve the site on 127.0.0.1 and rebuild on save.

Every build runs in one worker thread, so a server request or Ctrl-C never
interrupts a half-written site. The pages served carry a small live-reload
script added to the response only: the files on disk stay exactly what a
normal build writes, so what the journalist previews is what gets published.
The HTTP side (what is answered, and to whom) is in servehttp.py.

The builder keeps two caches across its builds: the files read before
(source/filecache.py: a file whose bytes did not change is not parsed again)
and the render memo (render/memo.py: a page, list page, download or picture
whose inputs did not change is not made again, and write.py links it from the
current site instead of writing it). So after saving one event file, only what
holds those events is redone.
"""
from __future__ import annotations

import errno
import gc
import os
import signal
import threading
import time
import traceback
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from storymap import console, pipeline
from storymap.desk.servehttp import HOST, BuildState, PreviewServer
from storymap.errors import EnvironmentProblem, UserError
from storymap.render.memo import RenderMemo
from storymap.source.filecache import SourceCache
from storymap.source.load import collection_paused, require_stories_dir
from storymap.write import MARKER, check_output_dir

# Editors save in bursts (temp file, rename, chmod), a few milliseconds apart: build once it is
# quiet. A burst that outlasts it costs a second build, which redoes little (render/memo.py).
QUIET_SECONDS = 0.1
MAX_DELAY_SECONDS = 0.8  # ...but a file that keeps changing must not postpone the build forever
# "opened" and "closed without writing" are left out: the build reads every
# story file, and counting those reads as changes would rebuild forever.
CHANGE_EVENTS = {"created", "modified", "deleted", "moved", "closed"}
TEMP_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", "___jb_tmp___", "___jb_old___")

class Builder:
    """Builds once, then again after each quiet burst of changes, in one worker thread."""

    def __init__(self, stories_dir: Path, data_dir: Path, out_dir: Path, base_url: str | None,
                 state: BuildState):
        self.args = (stories_dir, data_dir, out_dir, base_url)
        self.state = state
        self.source_cache = SourceCache()  # kept between builds: only changed files are read again
        self.memo = RenderMemo()  # ...and only the parts of the site that depend on them made again
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
        progress = console.TerminalProgress()  # silent unless stderr is a terminal
        try:
            # The caches kept between builds hold every event; a collection during the build walked
            # them all (0.1-0.3 s at 10,000 events). The build makes few cycles: they are collected
            # once its site is in place, after the edit is on screen.
            with collection_paused():
                result = pipeline.build(*self.args, progress, source_cache=self.source_cache, memo=self.memo)
        except UserError as error:  # e.g. someone put their own files into --out
            self.state.failed([console.rebuild_error(error)])
            return
        except Exception:  # a bug in the build must not end the preview
            traceback.print_exc()
            self.state.failed(["The build failed with an internal error; see the terminal."])
            return
        finally:
            progress.clear()
        self._tell(result, first, time.perf_counter() - started)
        gc.collect()

    def _tell(self, result: pipeline.BuildResult, first: bool, seconds: float) -> None:
        """The terminal line(s) for a finished build, and the status the browser polls."""
        warnings = [w.as_text() for w in result.problems.everything() if w.is_warning]
        if result.problems:
            console.report(result.problems)
            console.still_serving(self.state.site_ready)
            self.state.failed([p.as_text() for p in result.problems.sorted()], warnings)
            return
        console.warned(result.problems)
        self.state.succeeded(warnings)
        if first:
            console.built(result.models, self.args[2], seconds, len(warnings))
        else:
            console.rebuilt(seconds, len(warnings))


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


def listen(port: int, out_dir: Path, state: BuildState) -> PreviewServer:
    try:
        return PreviewServer(port, out_dir, state)
    except OSError as error:  # the machine's state, not a typing mistake: exit status 3
        if error.errno == errno.EADDRINUSE:
            raise EnvironmentProblem(f"port {port} on {HOST} is already in use (another serve running?)",
                            "choose another with --port N, or --port 0 for any free port") from None
        raise EnvironmentProblem(f"cannot listen on {HOST}:{port}: {error.strerror}",
                        "choose another port with --port N") from None


def watched_folders(stories_dir: Path, data_dir: Path) -> list[str]:
    require_stories_dir(stories_dir)
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
        console.serving(f"http://{HOST}:{httpd.server_address[1]}/")
        httpd.serve_forever(poll_interval=0.25)
    except KeyboardInterrupt:
        pass  # Ctrl-C is how a preview ends
    finally:
        shut_down(httpd, builder, observer)
        if previous_sigterm is not None:
            signal.signal(signal.SIGTERM, previous_sigterm)
    console.stopped()


def stop_on_sigterm():
    """Make `kill` (from a script, or where Ctrl-C is ignored) stop as cleanly as Ctrl-C."""
    if threading.current_thread() is not threading.main_thread():
        return None  # only the main thread may set handlers (e.g. run_server called from a test)

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)


def shut_down(httpd: PreviewServer, builder: Builder, observer) -> None:
    observer.stop()
    builder.stop()
    for thread in (observer, builder.thread):
        if thread.is_alive():
            try:
                thread.join()  # a running build finishes, so the site is never half-swapped
            except KeyboardInterrupt:
                pass  # a second Ctrl-C: stop waiting
    httpd.server_close()
