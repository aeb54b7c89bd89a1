"""The head script (head.js) switches html.no-js to html.js before the first paint without
holding up the parser: the page's parsing and its other scripts go on while it loads."""
from __future__ import annotations

import functools
import http.server
import threading
import time

import pytest

from .conftest import _QuietHandler, wait_until
from .test_csp import drawn_pixels

HEAD_DELAY_S = 0.8  # long enough that everything else of the page has come by then

# What the class was when the parser finished, and at the page's first frame.
RECORD = """window.__head = {};
document.addEventListener('readystatechange', function () {
  if (document.readyState === 'interactive') { window.__head.interactive = document.documentElement.className; }
});
requestAnimationFrame(function () { window.__head.firstFrame = document.documentElement.className; });"""


class _SlowHeadHandler(_QuietHandler):
    def do_GET(self):
        if self.path.split("?")[0].endswith("/head.js"):
            time.sleep(HEAD_DELAY_S)
        super().do_GET()


@pytest.fixture
def slow_head_site(sites):
    root = sites["example"].root
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_SlowHeadHandler, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()


@pytest.mark.parametrize("path", ["", "nk-russia-munitions-2023/", "nk-russia-munitions-2023/embed.html"])
def test_a_slow_head_script_holds_the_first_paint_but_not_the_parser(browser, slow_head_site, path):
    context = browser.new_context()
    try:
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(slow_head_site) else r.abort())
        context.add_init_script(RECORD)
        page = context.new_page()
        page.goto(slow_head_site + path, wait_until="domcontentloaded")
        wait_until(page, "window.__head.firstFrame !== undefined && document.readyState === 'complete'")
        seen = page.evaluate("window.__head")
        # The parser did not wait for head.js (a plain <script> in the head made it wait) ...
        assert seen["interactive"] == "no-js"
        # ... and nothing was drawn before it ran: the first frame already has the page's styles for scripts.
        assert "js" in seen["firstFrame"].split() and "no-js" not in seen["firstFrame"].split()
        assert "no-js" not in page.evaluate("document.documentElement.className").split()
        if path:  # a map page: made at its full size and drawn, though head.js came after its scripts
            wait_until(page, "document.documentElement.classList.contains('storymap-ready')")
            size = page.evaluate("[map_storymap.getSize().x, map_storymap.getSize().y, "
                                 "document.getElementById('map_storymap').clientWidth]")
            assert size[0] > 100 and size[1] > 100 and size[0] == size[2]
            assert drawn_pixels(page) > 500
    finally:
        context.close()
