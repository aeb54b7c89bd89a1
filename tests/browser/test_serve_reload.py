"""build.py serve in Chromium: an open page reloads by itself after a save and shows problems as text,
under a strict Content-Security-Policy (no inline script or style), with no violation reported."""
from __future__ import annotations

import time
from urllib.parse import urlparse

from playwright.sync_api import Error as PlaywrightError

from ..test_serve import ARRIVAL, serving, tiny_project

OLD, NEW = "Ship arrives at North Port", "Ship docks at North Port"
PAYLOAD = "<img src=x onerror=window.__xss=1>"
# Added to every page on top of its own: what a strict host would send. Inline script or
# style anywhere in the page or in what serve adds to it is then refused, and said on the console.
STRICT_POLICY = "script-src 'self'; style-src 'self'; connect-src 'self'"


def close(context, page) -> None:
    """The routes dropped first: the page polls the status all the time, and a route's fetch still
    in flight when the context closes failed later, in whichever test ran next."""
    page.unroute_all(behavior="ignoreErrors")
    context.unroute_all(behavior="ignoreErrors")
    context.close()


def open_context(browser, errors: list[str]):
    """A browser context that reaches 127.0.0.1 only, adds STRICT_POLICY to pages, and collects errors."""
    context = browser.new_context()

    def route(request_route) -> None:
        request = request_route.request
        if urlparse(request.url).hostname != "127.0.0.1":
            request_route.abort()  # tiles: offline
        elif request.resource_type == "document":
            response = request_route.fetch()
            request_route.fulfill(response=response,
                                  headers={**response.headers, "content-security-policy": STRICT_POLICY})
        else:
            request_route.continue_()

    def on_console(message) -> None:
        where = (message.location or {}).get("url", "")
        if message.type == "error" and (where.startswith("http://127.0.0.1") or "Content Security" in message.text):
            errors.append(f"{message.text} ({where})")

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", on_console)
    return context, page


def wait_until(page, expression: str, timeout: float = 10) -> None:
    """Poll from Python: Playwright's own polling evaluates strings, which script-src 'self' forbids."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if page.evaluate(expression):
                return
        except PlaywrightError:
            pass  # the page is reloading
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        time.sleep(0.05)


def test_page_reloads_on_save_and_shows_problems_as_text(browser, tmp_path):
    with serving(tiny_project(tmp_path)) as served:
        errors: list[str] = []
        context, page = open_context(browser, errors)
        try:
            page.goto(f"http://127.0.0.1:{served.port}/tiny-story/#date=2023-09-10")
            wait_until(page, "window.storymap !== undefined")
            page.evaluate("window.__notReloaded = true")
            good = (tmp_path / ARRIVAL).read_text("utf-8")

            served.write(ARRIVAL, good.replace(OLD, NEW))
            wait_until(page, "window.__notReloaded === undefined && window.storymap !== undefined")
            assert page.locator("#event-arrival .event-title").inner_text() == NEW
            assert page.evaluate("storymap.date()") == "2023-09-10"  # the reload keeps the address

            served.write(ARRIVAL, good.replace(OLD, PAYLOAD) + f"'{PAYLOAD}': red\n")
            overlay = page.locator("#storymap-problems")
            overlay.wait_for(timeout=10_000)
            assert f"{ARRIVAL}:12:1: unknown key '{PAYLOAD}'" in overlay.inner_text()
            assert overlay.locator("img").count() == 0 and page.evaluate("window.__xss") is None
            assert overlay.evaluate("e => getComputedStyle(e).position") == "fixed"  # reload.css applies
            assert page.locator("#event-arrival .event-title").inner_text() == NEW  # the last good build

            served.write(ARRIVAL, good)
            overlay.wait_for(state="detached", timeout=10_000)
            wait_until(page, "window.storymap !== undefined")
            assert page.locator("#event-arrival .event-title").inner_text() == OLD
            assert errors == []
        finally:
            close(context, page)


def test_the_not_built_page_lists_problems_under_the_policy_and_reloads_when_fixed(browser, tmp_path):
    tiny_project(tmp_path)
    good = (tmp_path / ARRIVAL).read_text("utf-8")
    (tmp_path / ARRIVAL).write_text(good + "colour: red\n", encoding="utf-8")
    with serving(tmp_path) as served:
        errors: list[str] = []
        context, page = open_context(browser, errors)
        try:
            response = page.goto(f"http://127.0.0.1:{served.port}/tiny-story/")
            assert response.status == 503 and page.locator("h1").inner_text() == "Not built yet"
            overlay = page.locator("#storymap-problems")
            overlay.wait_for(timeout=10_000)
            assert "colour" in overlay.inner_text()
            assert overlay.evaluate("e => getComputedStyle(e).position") == "fixed"
            assert page.evaluate("getComputedStyle(document.body).marginTop") == "32px"  # 2em of 16px
            overlay.locator("button").click()  # "Hide": a listener, not an inline handler
            overlay.wait_for(state="detached", timeout=5_000)

            served.write(ARRIVAL, good)
            wait_until(page, "window.storymap !== undefined")
            assert page.locator("#event-arrival .event-title").inner_text() == OLD
            # The 503 itself is said on the console; any other error (a refused inline style
            # or script among them) fails the test.
            assert [e for e in errors if "status of 503" not in e] == []
        finally:
            close(context, page)


def test_warnings_of_a_good_build_show_in_amber_over_the_page(browser, tmp_path):
    """The status's warnings (as geo/'s checks give them) over a page that did build, not as a failure."""
    warning = f"{ARRIVAL}:3:1: warning: this straight sea route crosses 125 km of land near 42.30, 48.10"
    with serving(tiny_project(tmp_path)) as served:
        errors: list[str] = []
        context, page = open_context(browser, errors)
        try:
            def status(request_route) -> None:
                answer = request_route.fetch().json()
                request_route.fulfill(json={**answer, "warnings": [warning + PAYLOAD]})

            page.route("**/__storymap/status", status)
            page.goto(f"http://127.0.0.1:{served.port}/tiny-story/")
            overlay = page.locator("#storymap-problems")
            overlay.wait_for(timeout=10_000)
            text = overlay.inner_text()
            assert "1 warning: the page is built" in text and warning + PAYLOAD in text
            assert "problem" not in text and overlay.locator("img").count() == 0
            assert overlay.get_attribute("class") == "storymap-warnings-only"
            assert overlay.get_attribute("role") == "status"
            assert overlay.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 248, 225)"
            assert page.locator("#event-arrival .event-title").inner_text() == OLD
            assert errors == []
        finally:
            close(context, page)
