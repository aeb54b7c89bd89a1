"""Browser tests: built sites served on 127.0.0.1, driven in Debian's headless Chromium.

Every request that leaves 127.0.0.1 is aborted, so basemap tiles fail as they
do offline. With CI=true a missing Chromium fails the run; elsewhere the
browser tests are skipped with a message saying how to run them.
"""
from __future__ import annotations

import functools
import http.server
import importlib
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from storymap.render import pages
from storymap import pipeline

from ..conftest import FIXTURES, REPO

CHROMIUM = "/usr/bin/chromium"
# The brief's arguments, and one more: Chromium 156 preloads the address bar's popup (a WebUI
# page in a renderer of its own) for every new context, about 1.2 s of CPU on one core while the
# test's page loads; the pages never see it (two test files took 60 s with it, 43 s without).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-features=WebUIOmniboxAimPopup,WebUIOmniboxPopup"]
# page.evaluate(OVERLAPPING, [selectors...]) -> "a / b" for each pair of the elements
# (the first match of each selector) whose boxes overlap on screen.
OVERLAPPING = """(selectors) => {
  const boxes = selectors.map(s => [s, document.querySelector(s).getBoundingClientRect()]), hits = [];
  boxes.forEach(([a, r], i) => boxes.slice(i + 1).forEach(([b, q]) => {
    if (r.left < q.right && q.left < r.right && r.top < q.bottom && q.top < r.bottom) { hits.push(a + ' / ' + b); }
  }));
  return hits;
}"""

# What a host may send on top of the page's own policy: scripts from the site only,
# none inline (the pages' <meta> policy is stricter still in every other respect).
HOST_POLICY = "script-src 'self'"
# Every violation of a Content-Security-Policy, in any frame, said on the console
# (which Watch collects) and kept in window.__cspViolations.
CSP_LISTENER = """window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') +
                ' (' + e.sourceFile + ':' + e.lineNumber + ')');
});"""

SITES = {
    "tiny": (FIXTURES / "tiny" / "stories", FIXTURES / "tiny" / "data"),
    "rules": (FIXTURES / "rules" / "stories", FIXTURES / "rules" / "data"),
    "xss": (FIXTURES / "xss" / "stories", FIXTURES / "xss" / "data"),
    "example": (REPO / "stories", REPO / "data"),
    "languages": (FIXTURES / "languages" / "stories", FIXTURES / "languages" / "data"),
}


def pytest_collection_modifyitems(items):
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; browser tests must run in CI")
        pytest.skip(message + " to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def wait_until(target, expression: str, timeout: float = 30_000) -> None:
    """What wait_for_function does, under the pages' Content-Security-Policy: Playwright's
    own polling evals the expression inside the page, which a policy without 'unsafe-eval'
    refuses; target.evaluate asks through DevTools, which no policy restricts. target is
    a page or a frame; a navigation under way is waited out."""
    from playwright.sync_api import Error as PlaywrightError

    deadline = time.monotonic() + timeout / 1000
    while True:
        try:
            if target.evaluate(expression):
                return
        except PlaywrightError as error:
            if "context was destroyed" not in str(error) and "navigat" not in str(error):
                raise
        assert time.monotonic() < deadline, f"still false after {timeout:.0f} ms: {expression}"
        target.wait_for_timeout(25)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extra_headers: dict[str, str] = {}

    def log_message(self, *args):
        pass

    def end_headers(self):
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()


@dataclass
class Server:
    root: Path
    httpd: http.server.ThreadingHTTPServer

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}/"


def serve(root: Path, headers: dict[str, str] | None = None) -> Server:
    """root served on a free port; headers are added to every response (e.g. a host's CSP)."""
    handler = type("Handler", (_QuietHandler,), {"extra_headers": dict(headers or {})})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return Server(root, httpd)


def built_and_served(stories: Path, data: Path, site: Path):
    """For a fixture to yield from: the stories built into site, served while the fixture lasts."""
    result = pipeline.build(stories, data, site)
    assert not result.problems, [p.as_text() for p in result.problems]
    server = serve(site)
    yield server
    server.httpd.shutdown()


# A crowded cumulative story: about 600 routes, more than styles.json's routeDetail (drawn
# plain; two chunks of muted routes kept), and markers in groups at every zoom.
CROWDED_EVENTS = 3000
# The story canvas's renderer (the map's layer with a MutedRoutes), for a white-box look.
RENDERER = "Object.values(map_storymap._layers).find(l => l._muted)"


@pytest.fixture(scope="session")
def crowded(tmp_path_factory):
    """A synthetic story of CROWDED_EVENTS events (bench/synthetic.py), built and served."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        synthetic = importlib.import_module("synthetic")
    finally:
        sys.path.remove(str(REPO / "bench"))
    root = tmp_path_factory.mktemp("crowded")
    story = synthetic.generate_story(root, CROWDED_EVENTS)
    yield from built_and_served(story.stories, story.data, root / "site")


def open_crowded(browser, server):
    """The crowded story's page in a new context: (context, page, the page's errors)."""
    context = browser.new_context(viewport={"width": 1024, "height": 700})
    context.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url else route.abort())
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server.url + "bench-story/")
    page.wait_for_function("window.storymap !== undefined", timeout=10_000)
    return context, page, errors


@pytest.fixture(scope="session")
def sites(tmp_path_factory):
    """Each fixture site built once and served on its own port; "paged" is the rules
    story with a list page size of 3, so its event list spans three pages; "csp" is the
    example site again, served with a host's strict Content-Security-Policy header."""
    servers = {}
    for name, (stories, data) in [*SITES.items(), ("paged", SITES["rules"])]:
        out = tmp_path_factory.mktemp(name) / "site"
        with pytest.MonkeyPatch.context() as patch:
            if name == "paged":
                patch.setattr(pages, "LIST_PAGE_SIZE", 3)
            result = pipeline.build(stories, data, out)
        assert not result.problems, [p.as_text() for p in result.problems]
        servers[name] = serve(out)
    servers["csp"] = serve(servers["example"].root, {"Content-Security-Policy": HOST_POLICY})
    yield servers
    for server in servers.values():
        server.httpd.shutdown()


@dataclass
class Watch:
    """What a page reported: console errors, uncaught errors, local 404s, dialogs."""

    local_prefix: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def on_console(self, message) -> None:
        if message.type != "error":
            return
        where = message.location.get("url", "") if message.location else ""
        # Blocked tiles log "Failed to load resource" for their outside URL: expected offline.
        if "Failed to load resource" in message.text and where and not where.startswith(self.local_prefix):
            return
        self.console_errors.append(f"{message.text} ({where})")

    def problems(self) -> list[str]:
        return self.console_errors + self.page_errors + self.bad_responses + self.dialogs


@pytest.fixture
def open_page(browser, sites):
    """open_page(site, path, width=1280, height=800) -> (page, watch); fails the test on page errors,
    Content-Security-Policy violations among them."""
    contexts, watches = [], []

    def opener(site_name: str, path: str, width: int = 1280, height: int = 800, wait_ready: bool = True):
        server = sites[site_name]
        context = browser.new_context(viewport={"width": width, "height": height})
        context.add_init_script(CSP_LISTENER)
        contexts.append(context)
        watch = Watch(server.url)
        watches.append(watch)

        def route(request_route):
            host = urlparse(request_route.request.url).hostname
            if host == "127.0.0.1":
                request_route.continue_()
            else:
                request_route.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("console", watch.on_console)
        page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
        page.on("response", lambda r: r.status >= 400 and watch.bad_responses.append(f"{r.status} {r.url}"))
        page.on("dialog", lambda d: (watch.dialogs.append(d.message), d.dismiss()))
        page.goto(server.url + path)
        if wait_ready:
            wait_until(page, "window.storymap !== undefined", timeout=10_000)
        return page, watch

    yield opener
    for context in contexts:
        context.close()
    problems = [p for w in watches for p in w.problems()]
    assert problems == [], "the page reported problems"
