"""build.py serve in Chromium: an open page reloads by itself after a save and shows problems as text."""
from __future__ import annotations

from urllib.parse import urlparse

from ..test_serve import ARRIVAL, serving, tiny_project

OLD, NEW = "Ship arrives at North Port", "Ship docks at North Port"
PAYLOAD = "<img src=x onerror=window.__xss=1>"


def test_page_reloads_on_save_and_shows_problems_as_text(browser, tmp_path):
    with serving(tiny_project(tmp_path)) as served:
        context = browser.new_context()
        try:
            context.route("**/*", lambda route: route.continue_()
                          if urlparse(route.request.url).hostname == "127.0.0.1" else route.abort())
            page = context.new_page()
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"http://127.0.0.1:{served.port}/tiny-story/#date=2023-09-10")
            page.wait_for_function("window.storymap !== undefined", timeout=10_000)
            page.evaluate("window.__notReloaded = true")
            good = (tmp_path / ARRIVAL).read_text("utf-8")

            served.write(ARRIVAL, good.replace(OLD, NEW))
            page.wait_for_function("window.__notReloaded === undefined && window.storymap !== undefined",
                                   timeout=10_000)
            assert page.locator("#event-arrival .event-title").inner_text() == NEW
            assert page.evaluate("storymap.date()") == "2023-09-10"  # the reload keeps the address

            served.write(ARRIVAL, good.replace(OLD, PAYLOAD) + f"'{PAYLOAD}': red\n")
            overlay = page.locator("#storymap-problems")
            overlay.wait_for(timeout=10_000)
            assert f"{ARRIVAL}:12:1: unknown key '{PAYLOAD}'" in overlay.inner_text()
            assert overlay.locator("img").count() == 0 and page.evaluate("window.__xss") is None
            assert page.locator("#event-arrival .event-title").inner_text() == NEW  # the last good build

            served.write(ARRIVAL, good)
            overlay.wait_for(state="detached", timeout=10_000)
            page.wait_for_function("window.storymap !== undefined", timeout=10_000)
            assert page.locator("#event-arrival .event-title").inner_text() == OLD
            assert errors == []
        finally:
            context.close()
