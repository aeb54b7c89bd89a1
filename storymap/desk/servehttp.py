"""The HTTP side of `python build.py serve`: the built site on 127.0.0.1, for this computer only.

A web page elsewhere can point a name it controls at 127.0.0.1 (DNS
rebinding) and read what the preview serves, stories not yet published
included; so only requests naming this server itself in their Host header are
answered. Only regular files inside the output folder (after following links)
are served; a malformed request (path, escapes, method, request line) gets a
4xx and a short plain-text answer, never a traceback or a dropped connection.
"""
from __future__ import annotations

import http.server
import json
import mimetypes
import os
import re
import stat
import sys
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from urllib.parse import unquote_to_bytes, urlsplit

import click

HOST = "127.0.0.1"
ASSETS = Path(__file__).parent.parent / "static" / "serve"
RESERVED = "__storymap"  # story ids cannot start with "_", so no built page lives here
SCRIPT_PATH = f"/{RESERVED}/reload.js"
METHODS = ("GET", "HEAD")
MAX_TARGET_CHARS = 2048  # built addresses are far shorter; longer ones are refused with 414
REQUEST_TIMEOUT_SECONDS = 30  # a client that stops sending mid-request frees its thread
# What a request target may hold: printable ASCII without spaces (RFC 3986); anything
# else must arrive percent-encoded.
TARGET_CHARACTERS = re.compile(r"[!-~]+")
BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# On every response. The built pages declare their own Content-Security-Policy in a
# <meta> tag, so none is added to them here (two policies would both apply).
SECURITY_HEADERS = (
    ("Cache-Control", "no-store"),  # never show a stale page after a rebuild
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),  # tile servers need the origin
    ("Cross-Origin-Resource-Policy", "same-origin"),  # other sites cannot embed the preview's files
)
# For the answers serve writes itself (the not-built page, errors).
OWN_PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
                   "img-src 'self'; base-uri 'none'; form-action 'none'")
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8", ".json": "application/json", ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml", ".csv": "text/csv; charset=utf-8", ".geojson": "application/geo+json",
    ".kml": "application/vnd.google-earth.kml+xml", ".svg": "image/svg+xml", ".ico": "image/x-icon",
}


class BuildState:
    """What the browser polls: the number of the last good build, the current problems and
    warnings (a build with warnings alone is a good build: the page shows them as warnings)."""

    def __init__(self, site_ready: bool):
        self._lock = threading.Lock()
        self.build = 0
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.site_ready = site_ready  # a good site is on disk (from this run or an earlier one)

    def succeeded(self, warnings: list[str] | None = None) -> None:
        with self._lock:
            self.build += 1
            self.problems = []
            self.warnings = list(warnings or [])
            self.site_ready = True

    def failed(self, problems: list[str], warnings: list[str] | None = None) -> None:
        with self._lock:
            self.problems = problems
            self.warnings = list(warnings or [])

    def snapshot(self) -> dict:
        with self._lock:
            return {"build": self.build, "problems": list(self.problems), "warnings": list(self.warnings)}


class PlainAnswer(Exception):
    """A request answered with a status and a short plain-text body instead of a file."""

    def __init__(self, status: HTTPStatus, text: str, headers: tuple[tuple[str, str], ...] = ()):
        super().__init__(text)
        self.status = status
        self.text = text
        self.headers = headers


@dataclass
class Target:
    """A request target taken apart: decoded path segments, the same still encoded, the query."""

    segments: list[str]
    raw: list[str]
    query: str
    slash: bool  # the path ends with "/"


def inject(page: bytes, build: int) -> bytes:
    """The page with the reload script before its last </body>; other HTML unchanged."""
    at = page.lower().rfind(b"</body>")
    if at < 0:
        return page
    tag = f'<script src="{SCRIPT_PATH}" data-build="{build}"></script>\n'.encode()
    return page[:at] + tag + page[at:]


def allowed_hosts(port: int) -> frozenset[str]:
    """The Host header values that name this server; any other name may be a rebinding page."""
    hosts = {f"{HOST}:{port}", f"localhost:{port}"}
    if port == 80:  # the default port may be left out of the Host header
        hosts |= {HOST, "localhost"}
    return frozenset(hosts)


def parse_target(target: str, hosts: frozenset[str]) -> Target:
    """The path of a request target, decoded strictly; PlainAnswer (4xx) for anything malformed."""
    if len(target) > MAX_TARGET_CHARS:
        raise PlainAnswer(HTTPStatus.REQUEST_URI_TOO_LONG, "The address is too long.")
    if not TARGET_CHARACTERS.fullmatch(target):
        raise PlainAnswer(HTTPStatus.BAD_REQUEST, "The address holds characters that must be percent-encoded.")
    parts = urlsplit(target)
    if not target.startswith("/"):
        # The absolute form (http://host/path) is meant for proxies, but a server must
        # accept it; its host is then checked like a Host header.
        if parts.scheme.lower() != "http" or not parts.netloc:
            raise PlainAnswer(HTTPStatus.BAD_REQUEST, "The address must start with /.")
        if parts.netloc.lower() not in hosts:
            raise PlainAnswer(HTTPStatus.FORBIDDEN, "This preview answers only addresses on this computer.")
    path = parts.path or "/"
    if BAD_ESCAPE.search(path):
        raise PlainAnswer(HTTPStatus.BAD_REQUEST, "The address has a % not followed by two hex digits.")
    raw = [segment for segment in path.split("/") if segment]
    try:
        segments = [unquote_to_bytes(segment).decode("utf-8") for segment in raw]
    except UnicodeDecodeError:
        raise PlainAnswer(HTTPStatus.BAD_REQUEST, "The address is not UTF-8.") from None
    for segment in segments:
        if CONTROL_CHARACTERS.search(segment):
            raise PlainAnswer(HTTPStatus.BAD_REQUEST, "The address holds control characters.")
        if segment in (".", ".."):
            raise PlainAnswer(HTTPStatus.BAD_REQUEST, "The address may not hold . or .. segments.")
    return Target(segments, raw, parts.query, path.endswith("/"))


def is_inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def site_file(root: str, target: Target) -> str:
    """The real path of the file a URL names in the site at root; PlainAnswer when there is none.

    Links are followed first, then the result must still be inside the site's
    real folder: a link pointing elsewhere is never served.
    """
    not_found = PlainAnswer(HTTPStatus.NOT_FOUND, "No such file in the site.")
    # "/" inside a decoded segment (%2F) names no file; hidden files (the site marker) are not published.
    if any("/" in segment or segment.startswith(".") for segment in target.segments):
        raise not_found
    real_root = os.path.realpath(root)  # per request: a build may swap the folder (or a link to it)
    path = os.path.realpath(os.path.join(real_root, *target.segments))
    if not is_inside(path, real_root):
        raise not_found
    if os.path.isdir(path):
        if not target.slash:
            location = "/" + "/".join(target.raw) + "/" + (f"?{target.query}" if target.query else "")
            raise PlainAnswer(HTTPStatus.MOVED_PERMANENTLY, "The address ends with /.", (("Location", location),))
        path = os.path.realpath(os.path.join(path, "index.html"))
        if not is_inside(path, real_root):
            raise not_found
    elif target.slash and target.segments:
        raise not_found  # a file named as if it were a folder
    return path


def read_regular_file(path: str) -> bytes:
    """The bytes of a regular file; PlainAnswer for anything else (a FIFO, a device, a link, gone)."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; O_NOFOLLOW: a link
        # swapped in since the check above is refused.
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        raise PlainAnswer(HTTPStatus.NOT_FOUND, "No such file in the site.") from None
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise PlainAnswer(HTTPStatus.NOT_FOUND, "No such file in the site.")
        return file.read()


def content_type(path: str) -> str:
    suffix = os.path.splitext(path)[1].lower()
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"


class PreviewHandler(http.server.BaseHTTPRequestHandler):
    """One connection: the request is checked, then answered with a site file, serve's own files or the status."""

    server: PreviewServer
    server_version = "storymap-serve"
    timeout = REQUEST_TIMEOUT_SECONDS
    _answered = False  # a status line went out: too late for an error answer

    def version_string(self) -> str:
        return self.server_version  # no Python version in the Server header

    def log_message(self, format, *args) -> None:  # noqa: A002 - the base class's name
        pass  # the terminal is for build results, not every request

    def send_response(self, code, message=None) -> None:
        self._answered = True
        super().send_response(code)  # the standard phrase: request text never reaches the status line

    def end_headers(self) -> None:
        for name, value in SECURITY_HEADERS:
            self.send_header(name, value)
        super().end_headers()

    def send_error(self, code, message=None, explain=None) -> None:
        """The base class's refusals (request line, headers, version) in plain text like the others."""
        status = HTTPStatus(code)
        self._send_plain(PlainAnswer(status, status.description + "."))

    def parse_request(self) -> bool:
        """The base class's parsing, then: GET or HEAD, naming this server in its Host header."""
        if not super().parse_request():
            return False
        try:
            self._check_method_and_host()
        except PlainAnswer as answer:
            self._send_plain(answer)
            return False
        return True

    def _check_method_and_host(self) -> None:
        if self.request_version == "HTTP/0.9":
            raise PlainAnswer(HTTPStatus.BAD_REQUEST, "HTTP/0.9 requests are not answered.")
        if self.command not in METHODS:
            raise PlainAnswer(HTTPStatus.METHOD_NOT_ALLOWED, "Only GET and HEAD are answered.",
                              (("Allow", ", ".join(METHODS)),))
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1 or hosts[0].strip().lower() not in self.server.hosts:
            port = self.server.server_address[1]
            raise PlainAnswer(HTTPStatus.FORBIDDEN, f"This preview answers only http://{HOST}:{port}/ "
                              f"and http://localhost:{port}/ on this computer.")

    def do_GET(self) -> None:  # noqa: N802 - the base class calls do_<METHOD>
        try:
            self._answer()
        except (ConnectionError, TimeoutError):
            raise  # the browser went away: nobody to answer
        except Exception:
            if not self._answered:
                self._send_plain(PlainAnswer(HTTPStatus.INTERNAL_SERVER_ERROR, "See the terminal."))
            raise  # the server prints one line about it

    do_HEAD = do_GET  # noqa: N815 - _send leaves the body out for HEAD

    def _answer(self) -> None:
        try:
            target = parse_target(self.path, self.server.hosts)
            if target.segments[:1] == [RESERVED]:
                self._answer_own(target.segments[1:])
            else:
                self._answer_site(target)
        except PlainAnswer as answer:
            self._send_plain(answer)

    def _answer_own(self, rest: list[str]) -> None:
        if rest == ["status"]:
            self._send(HTTPStatus.OK, "application/json", json.dumps(self.server.state.snapshot()).encode())
        elif len(rest) == 1 and rest[0] in self.server.assets:
            self._send(HTTPStatus.OK, *self.server.assets[rest[0]])
        else:
            raise PlainAnswer(HTTPStatus.NOT_FOUND, "No such file.")

    def _answer_site(self, target: Target) -> None:
        state = self.server.state
        # Read the number before the page: a swap in between only costs one extra reload.
        build = state.snapshot()["build"]
        if not state.site_ready:
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, "text/html; charset=utf-8",
                       inject(self.server.not_built_page, build), (("Content-Security-Policy", OWN_PAGE_POLICY),))
            return
        self._wait_for_swap()
        path = site_file(self.server.out_dir, target)
        body, kind = read_regular_file(path), content_type(path)
        self._send(HTTPStatus.OK, kind, inject(body, build) if kind.startswith("text/html") else body)

    def _wait_for_swap(self) -> None:
        # A build swaps the output folder in; for a moment it may be missing.
        deadline = time.monotonic() + 1.0
        while not os.path.isdir(self.server.out_dir) and time.monotonic() < deadline:
            time.sleep(0.01)

    def _send_plain(self, answer: PlainAnswer) -> None:
        if self.request_version in ("", "HTTP/0.9"):
            self.request_version = "HTTP/1.0"  # a status line and headers, whatever the request was
        self.close_connection = True
        body = f"{answer.status.value} {answer.status.phrase}: {answer.text}\n".encode()
        self._send(answer.status, "text/plain; charset=utf-8", body,
                   (*answer.headers, ("Content-Security-Policy", OWN_PAGE_POLICY), ("Connection", "close")))

    def _send(self, status: HTTPStatus, kind: str, body: bytes, headers=()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class PreviewServer(http.server.ThreadingHTTPServer):
    """The built site at out_dir, plus the reload script and the status it polls."""

    daemon_threads = True

    def __init__(self, port: int, out_dir: Path, state: BuildState):
        super().__init__((HOST, port), PreviewHandler)
        self.out_dir = os.path.abspath(out_dir)
        self.state = state
        self.hosts = allowed_hosts(self.server_address[1])
        # Read once at start: serve's own files, kept out of Python strings.
        self.assets = {
            "reload.js": ("text/javascript; charset=utf-8", (ASSETS / "reload.js").read_bytes()),
            "reload.css": ("text/css; charset=utf-8", (ASSETS / "reload.css").read_bytes()),
        }
        self.not_built_page = (ASSETS / "not-built.html").read_bytes()

    def handle_error(self, request, client_address) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            return  # the browser went away mid-answer (a reload, a closed tab)
        # A bug in serve, not bad input: one line (repr escapes control characters), and serving goes on.
        click.echo(f"serve: internal error answering a request: {repr(error)[:300]}", err=True)

