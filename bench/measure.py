"""Measuring both pages in headless Chromium.

Each run loads a page in a fresh browser context with the HTTP cache disabled and
records the bytes transferred, the time until the map is ready, the time to jump to
the last date and, for our page, how usable its event list is (the comments above
READY_OURS_JS and LIST_OURS_JS say exactly what is timed). Map tile requests are
aborted for both pages; folium's CDN requests are answered by CdnAssets. A page that is
not ready within the timeout (folium's at 100,000 events may never be) is reported as
such, with no ready or jump figure, instead of failing the bench.

Of our page this relies only on the `storymap:ready` event, window.storymap (setDate,
date, visibleEvents, focus) and the list's markup (li.event[data-id] in .event-list).
"""
from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from cdn_assets import CdnAssets
from sites import FOLIUM_PAGE, OURS_STORY_LIST, OURS_STORY_PAGE, BenchError, page_url, serve
from synthetic import Story

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# The browser tests' arguments, and one more. Chromium 156 gives each new browser context (a
# window) the omnibox's WebUI popup, preloaded in a renderer of its own: about 1.2 s of CPU on
# one of this machine's two cores, starting as the measured page starts to load (a reader's
# browser has loaded it long before). Both pages are measured without it. Ready with it and
# without, medians of a 7-load A/B: ours 1,015 and 638 ms, folium's 1,651 and 1,240 ms
# (docs/development.md, "Benchmarking").
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-features=WebUIOmniboxAimPopup,WebUIOmniboxPopup"]
PAGE_TIMEOUT_MS = 180_000  # our page; folium's has its own (measure_browser's folium_timeout)
TILE_HOSTS = re.compile(r"(^|\.)(tile\.openstreetmap\.org|tile\.opentopomap\.org|basemaps\.cartocdn\.com|"
                        r"tiles\.stadiamaps\.com|arcgisonline\.com|tile\.thunderforest\.com)$")
OFF_SITE = re.compile(r"^https?://(?!127\.0\.0\.1[:/])")  # anything our local servers do not serve

# Installed before any page script runs. `performance.now()` counts from the
# navigation start (the page's time origin), so every figure below is "ms since the
# browser started navigating to the page", measured inside the page.
#
# ready, ours:   the first requestAnimationFrame callback after the frame that
#                follows `storymap:ready` (i.e. after window.storymap exists and the
#                canvas has been drawn, and the browser has had one frame to paint it).
# ready, folium: the same "one frame after" point for the first animation frame in
#                which the TimestampedGeoJson layer's drawn elements exist (SVG paths /
#                marker icons / a canvas in Leaflet's panes). It is polled once per frame,
#                so it is at most one frame late, like ours.
READY_OURS_JS = """
window.__bench = {};
new MutationObserver(function (changes, observer) {
  if (document.querySelector('.event-list li.event')) {
    window.__bench.listDom = performance.now();
    observer.disconnect();
  }
}).observe(document, { childList: true, subtree: true });
document.addEventListener('storymap:ready', function () {
  window.__bench.signal = performance.now();
  requestAnimationFrame(function () { requestAnimationFrame(function () {
    window.__bench.ready = performance.now();
  }); });
});
"""
READY_FOLIUM_JS = """
window.__bench = {};
(function poll() {
  requestAnimationFrame(function () {
    if (document.querySelector('.leaflet-overlay-pane path.leaflet-interactive, ' +
        '.leaflet-marker-pane .leaflet-marker-icon, .leaflet-overlay-pane canvas')) {
      window.__bench.signal = performance.now();
      requestAnimationFrame(function () { window.__bench.ready = performance.now(); });
    } else { poll(); }
  });
})();
"""

# jump, ours: from the timeline's first day (where folium's TimeDimension starts; our page
# opens at timeline.open, often the last day, and a jump from a day to itself would say
# nothing), storymap.setDate(last) (synchronous: recompute visibility, redraw the canvas,
# update the slider and the event list), then two animation frames, so the time includes
# the style, layout and paint work the change caused.
JUMP_OURS_JS = """
async (last) => {
  const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const first = JSON.parse(document.getElementById('storymap-data').textContent).timeline.start;
  window.storymap.setDate(first);
  await frames();
  await new Promise(r => setTimeout(r, 200));
  const before = window.storymap.drawnEvents().length;
  const t0 = performance.now();
  window.storymap.setDate(last);
  await frames();
  const ms = performance.now() - t0;
  return {ms, date: window.storymap.date(), before, drawn: window.storymap.drawnEvents().length};
}
"""
# jump, folium: map.timeDimension.setCurrentTime(last) on the map folium created
# (global map_<hex>), until TimeDimension fires 'timeload' (after its GeoJSON layer has
# rebuilt the layers for the new time) and then two animation frames, as above.
JUMP_FOLIUM_JS = """
async () => {
  const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const mapName = Object.keys(window).find(k => /^map_[0-9a-f]+$/.test(k) && window[k] && window[k].timeDimension);
  const layerName = Object.keys(window).find(k => k.startsWith('timestamped_geo_json_'));
  if (!mapName || !layerName) { throw new Error('folium map or TimestampedGeoJson layer not found'); }
  const td = window[mapName].timeDimension, layer = window[layerName];
  const times = td.getAvailableTimes(), last = times[times.length - 1];
  const drawn = () => layer._currentLayer ? layer._currentLayer.getLayers().length : 0;
  const before = drawn(), startIndex = td.getCurrentTimeIndex();
  const t0 = performance.now();
  const loaded = new Promise(r => td.once('timeload', r));
  td.setCurrentTime(last);
  await loaded;
  await frames();
  const ms = performance.now() - t0;
  return {ms, date: new Date(td.getCurrentTime()).toISOString().slice(0, 10), before, drawn: drawn(),
          index: td.getCurrentTimeIndex(), startIndex, times: times.length};
}
"""


# the list, ours (after the jump): `listDom` is when the server-rendered first page of
# the list is in the document (its first item parsed: a MutationObserver installed
# before the page's scripts, ms since navigation start). `open` is storymap.focus()
# of the last event drawn at the last date (it lives on the list's last page, which
# the page fetches and swaps in) until its item is in the list, polled every frame.
# `frames`, a second later (once the focus's pan and redraws are over), scrolls the list's
# scrolling box (or the page) by 400 px a frame, 40 frames, and records each frame's interval: its median and worst say whether scrolling is smooth.
LIST_OURS_JS = """
async () => {
  const frame = () => new Promise(r => requestAnimationFrame(r));
  const visible = window.storymap.visibleEvents(), last = visible[visible.length - 1];
  const selector = 'li.event[data-id="' + CSS.escape(last) + '"]';
  const t0 = performance.now();
  window.storymap.focus(last);
  while (!document.querySelector('.event-list ' + selector) && performance.now() - t0 < 30000) { await frame(); }
  const open = performance.now() - t0, found = !!document.querySelector('.event-list ' + selector);
  let box = document.querySelector('.event-list');
  while (box && !(box.scrollHeight > box.clientHeight + 10 && /auto|scroll/.test(getComputedStyle(box).overflowY))) {
    box = box.parentElement;
  }
  box = box || document.scrollingElement;
  await new Promise(r => setTimeout(r, 1000));  // the focus's pan and redraws settle first
  box.scrollTop = 0;
  await frame();
  const frames = [];
  let before = performance.now();
  for (let i = 0; i < 40; i++) {
    box.scrollTop += 400;
    await frame();
    const now = performance.now();
    frames.push(now - before);
    before = now;
  }
  frames.sort((a, b) => a - b);
  return {open, found, items: document.querySelectorAll('.event-list li.event').length,
          frameMedian: frames[frames.length >> 1], frameWorst: frames[frames.length - 1],
          listDom: window.__bench.listDom};
}
"""


@dataclass
class PageRun:
    transfer: int  # body bytes of every successful response, fulfilled CDN assets included
    html: int
    ready_ms: float | None  # None: the map never became ready (only allowed for a degraded folium page)
    signal_ms: float | None
    jump_ms: float | None
    jump: dict
    responses: list[tuple[str, int]]
    aborted: dict[str, int] = field(default_factory=dict)
    list: dict | None = None  # ours only: LIST_OURS_JS's figures
    unready: str | None = None  # what happened when the page never became ready


class NetworkLog:
    """Body bytes per request from CDP: loadingFinished total minus the response headers."""

    def __init__(self, cdp) -> None:
        self.requests: dict[str, dict] = {}
        self.lock = threading.Lock()
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", self._failed)

    def _entry(self, event) -> dict:
        return self.requests.setdefault(event["requestId"], {"done": False})

    def _sent(self, event) -> None:
        with self.lock:
            self._entry(event).update(url=event["request"]["url"], done=False)

    def _response(self, event) -> None:
        with self.lock:
            self._entry(event).update(status=event["response"]["status"],
                                      headers=event["response"].get("encodedDataLength", 0),
                                      url=event["response"]["url"])

    def _finished(self, event) -> None:
        with self.lock:
            self._entry(event).update(total=event["encodedDataLength"], done=True)

    def _failed(self, event) -> None:
        with self.lock:
            self._entry(event).update(failed=event.get("errorText"), done=True)

    def in_flight(self) -> int:
        with self.lock:
            return sum(1 for r in self.requests.values() if not r["done"] and r.get("url", "").startswith("http"))

    def responses(self) -> list[tuple[str, int]]:
        with self.lock:
            return [(r["url"], max(0, r["total"] - r.get("headers", 0))) for r in self.requests.values()
                    if r.get("total") is not None and 200 <= r.get("status", 0) < 300
                    and r.get("url", "").startswith("http")]


def ms_text(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} ms"


def route_off_site_requests(page, ours: bool, cdn: CdnAssets) -> dict[str, int]:
    """Abort tiles (and, for our page, anything off-site); answer folium's CDN requests.

    Returns the count of aborted requests per host, filled in while the page loads."""
    aborted: dict[str, int] = {}

    def handle(route) -> None:
        request_url = route.request.url
        host = urlsplit(request_url).hostname or ""
        if ours or TILE_HOSTS.search(host) or not request_url.startswith("http"):
            aborted[host] = aborted.get(host, 0) + 1
            route.abort()
            return
        asset = cdn.answer(request_url)
        route.fulfill(status=200, body=asset.body, content_type=asset.content_type,
                      headers={"access-control-allow-origin": "*"})

    page.route(OFF_SITE, handle)
    return aborted


def wait_until_ready(page, page_errors: list[str], timeout_s: float) -> bool:
    """Poll for the ready mark; False after the timeout, or 10 s after a script failed."""
    loaded = time.monotonic()
    while time.monotonic() - loaded < timeout_s:
        if page.evaluate("window.__bench && window.__bench.ready !== undefined"):
            return True
        if page_errors and time.monotonic() - loaded > 10:  # a script failed: it will not get ready
            return False
        page.wait_for_timeout(100)
    return False


def wait_for_quiet_network(page, log: NetworkLog) -> None:
    """Let every started request finish (0.3 s with none in flight, 20 s at most) before counting bytes."""
    deadline = time.monotonic() + 20
    quiet_since = None
    while time.monotonic() < deadline:
        if log.in_flight() == 0:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since > 0.3:
                break
        else:
            quiet_since = None
        page.wait_for_timeout(50)


def open_page(page, url: str, timeout_s: float, page_errors: list[str]) -> str | None:
    """Load the page and wait for the ready mark: None when ready, else what happened."""
    started = time.monotonic()
    try:
        page.goto(url, wait_until="load", timeout=timeout_s * 1000)
    except Exception as error:  # playwright's TimeoutError, or the renderer gave up
        if "Timeout" not in type(error).__name__:
            return f"did not load: {str(error).splitlines()[0]}"
        return f"did not load within {timeout_s:.0f} s"
    left = max(1.0, timeout_s - (time.monotonic() - started))
    if wait_until_ready(page, page_errors, left):
        return None
    errors = f"; page errors: {page_errors[:3]}" if page_errors else ""
    return f"did not become ready within {timeout_s:.0f} s{errors}"


def measure_page(browser, url: str, ours: bool, cdn: CdnAssets, last_day: str,
                 allow_unready: bool = False, timeout_s: float = PAGE_TIMEOUT_MS / 1000) -> PageRun:
    """One load of one page in a fresh context: bytes, ready time, the jump to the last date and,
    for ours, the list's figures."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, service_workers="block")
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        log = NetworkLog(cdp)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        page_errors: list[str] = []
        page.on("pageerror", lambda error: page_errors.append(str(error)))
        aborted = route_off_site_requests(page, ours, cdn)
        page.add_init_script(READY_OURS_JS if ours else READY_FOLIUM_JS)
        unready = open_page(page, url, timeout_s, page_errors)
        if unready and not allow_unready:
            raise BenchError(f"{url}: {unready}")
        if unready:
            responses = log.responses()
            return PageRun(sum(size for _, size in responses), sum(size for u, size in responses if u == url),
                           None, None, None, {"ms": None, "error": unready}, responses, aborted, unready=unready)
        wait_for_quiet_network(page, log)
        responses = log.responses()  # what the page loaded, before the list fetches another page
        marks = page.evaluate("window.__bench")
        jump = page.evaluate(JUMP_OURS_JS, last_day) if ours else page.evaluate(JUMP_FOLIUM_JS)
        listed = page.evaluate(LIST_OURS_JS) if ours else None
        if page_errors:
            print(f"  note: page errors on {url}: {page_errors[:3]}", flush=True)
        html = sum(size for u, size in responses if u == url)
        return PageRun(sum(size for _, size in responses), html, marks.get("ready"), marks.get("signal"),
                       jump["ms"], jump, responses, aborted, listed)
    finally:
        context.close()


def measure_runs(browser, ours_url: str, folium_url: str, runs: int, cdn: CdnAssets,
                 last_day: str, folium_timeout: float) -> tuple[list[PageRun], list[PageRun]]:
    """Alternate the two pages `runs` times; once folium's page did not run, it is not loaded again."""
    ours_runs: list[PageRun] = []
    folium_runs: list[PageRun] = []
    for run in range(runs):
        ours_runs.append(measure_page(browser, ours_url, True, cdn, last_day))
        if not folium_runs or folium_runs[-1].ready_ms is not None:
            folium_runs.append(measure_page(browser, folium_url, False, cdn, last_day, allow_unready=True,
                                            timeout_s=folium_timeout))
            if folium_runs[-1].ready_ms is None:
                stubbed = " (npm missing, its assets are stubbed)" if cdn.without_npm else ""
                print(f"  folium's page {folium_runs[-1].unready}: its ready and jump are not "
                      f"measured{stubbed}", flush=True)
        ours, folium = ours_runs[-1], folium_runs[-1]
        print(f"  browser run {run + 1}/{runs}: ready ours {ours.ready_ms:.0f} ms, folium "
              f"{ms_text(folium.ready_ms)}; jump ours {ours.jump_ms:.0f} ms, folium {ms_text(folium.jump_ms)}",
              flush=True)
    return ours_runs, folium_runs


def measure_browser(story: Story, ours_site: Path, folium_site: Path, runs: int,
                    cdn: CdnAssets, folium_timeout: float) -> tuple[list[PageRun], list[PageRun]]:
    """Serve both sites and measure each page `runs` times: (our runs, folium's runs)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise BenchError(f"Chromium not found at {CHROMIUM} (set $CHROMIUM)")
    ours_server, folium_server = serve(ours_site), serve(folium_site)
    last_day = story.last_day.isoformat()  # where the timeline ends (the generator knows)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                # A first, unmeasured load of a small neutral page (our site's story list):
                # the browser's own start-up is neither page's cost.
                warm = browser.new_context()
                warm.new_page().goto(page_url(ours_server, OURS_STORY_LIST), wait_until="load")
                warm.close()
                ours_runs, folium_runs = measure_runs(browser, page_url(ours_server, OURS_STORY_PAGE),
                                                      page_url(folium_server, FOLIUM_PAGE), runs, cdn, last_day,
                                                      folium_timeout)
            finally:
                browser.close()
    finally:
        ours_server.shutdown()
        folium_server.shutdown()
    check_jumps(ours_runs, folium_runs, last_day)
    return ours_runs, folium_runs


def check_jumps(ours_runs: list[PageRun], folium_runs: list[PageRun], last_day: str) -> None:
    """A jump that did not land on the last date measured nothing: fail instead of printing it."""
    for run in ours_runs:
        if run.jump["date"] != last_day:
            raise BenchError(f"our page: setDate({last_day}) left the page at {run.jump['date']}")
        if run.list is not None and not run.list["found"]:
            raise BenchError("our page: focus() on the last event did not bring its item into the list in 30 s")
    for run in folium_runs:
        if run.jump_ms is not None and run.jump["index"] != run.jump["times"] - 1:
            raise BenchError(f"folium page: setCurrentTime(last) left the index at {run.jump['index']}")
