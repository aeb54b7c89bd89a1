"""The embed reports its content's own height, so a host's iframe (sized by host.js)
shrinks as well as grows: a 358 px phone column drops the initial 600 px to the
content, and closing the event list leaves no blank."""
from __future__ import annotations

import pytest

from .conftest import wait_until
from .test_embed import host  # noqa: F401  (the host page fixture)

FRAME_HEIGHT = "document.querySelector('iframe').getBoundingClientRect().height"


def content_height(frame) -> float:
    return frame.evaluate("document.body.getBoundingClientRect().height")


def test_frame_follows_its_content_both_ways(host):  # noqa: F811
    page, frame = host("358px", (390, 844))
    wait_until(page, f"{FRAME_HEIGHT} < 600")
    closed = page.evaluate(FRAME_HEIGHT)
    assert closed == pytest.approx(content_height(frame), abs=1)
    frame.locator(".embed-events summary").click()
    wait_until(page, f"{FRAME_HEIGHT} > {closed + 100}")
    assert page.evaluate(FRAME_HEIGHT) == pytest.approx(content_height(frame), abs=1)
    frame.locator(".embed-events summary").click()
    wait_until(page, f"Math.abs({FRAME_HEIGHT} - {closed}) < 1")
    heights = [m["height"] for m in page.evaluate("received") if m.get("type") == "storymap:height"]
    assert heights[-1] == pytest.approx(closed, abs=1) and max(heights) > closed + 100
