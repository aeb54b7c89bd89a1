"""axe-core (installed with the axe-playwright-python package; nothing downloaded
at test time) finds no WCAG 2.2 A/AA violations on the story, embed and index
pages, at desktop and phone sizes, with tiles failing as offline."""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SIZES = {"desktop": (1280, 800), "phone": (375, 667)}
PAGES = [
    ("example", "nk-russia-munitions-2023/"),
    ("example", "nk-russia-munitions-2023/embed.html"),
    ("example", ""),
    ("tiny", "tiny-story/"),
    ("xss", "xss-story/"),
    ("paged", "window-rules/events-2.html"),
    ("languages", "hafen-de/"),
]


def violations(page) -> list[str]:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    found = results.response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} — " +
            "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"]) for n in v["nodes"][:5])
            for v in found]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("site_name, path", PAGES, ids=[f"{s}:{p or 'index'}" for s, p in PAGES])
def test_no_axe_violations(open_page, site_name, path, size):
    width, height = SIZES[size]
    ready = path.endswith(("/", "embed.html"))
    page, _ = open_page(site_name, path, width, height, wait_ready=ready)
    assert violations(page) == []


def test_no_axe_violations_with_details_open_and_list_open(open_page):
    """The states a reader reaches: an event's details on the map, the embed's list unfolded."""
    page, _ = open_page("example", "nk-russia-munitions-2023/#event=tumangang-railcars")
    assert violations(page) == []
    page, _ = open_page("example", "nk-russia-munitions-2023/embed.html", 375, 667)
    page.locator(".embed-events summary").click()
    assert violations(page) == []


@pytest.mark.parametrize("size", SIZES)
def test_no_axe_violations_with_the_walks_caption_showing(open_page, size):
    page, _ = open_page("example", "nk-russia-munitions-2023/", *SIZES[size])
    page.emulate_media(reduced_motion="reduce")
    page.evaluate("storymap.next(); storymap.next(); null")
    caption = page.locator(".timeline-caption")
    assert caption.is_visible() and caption.inner_text().strip()
    assert violations(page) == []
