"""The event list follows the date: items whose time is over are marked (is-ended) at once
where the reader sees them, and a moment later off screen, where the browser skips drawing
them (content-visibility: auto); restyling hundreds of unseen items held up the frame
showing the new date."""
from __future__ import annotations

import pytest

import datetime as dt
from pathlib import Path


from .conftest import built_and_served, wait_until

# Every item's is-ended class against what the date says: at the timeline's end every event
# has started, so an item is over exactly when its event is not active.
MISMATCHES = """() => {
  const active = new Set(window.storymap.visibleEvents());
  return [...document.querySelectorAll('.event-list li.event')]
    .filter(item => item.classList.contains('is-ended') === active.has(item.dataset.id))
    .map(item => item.dataset.id);
}"""
# At the timeline's start nothing is over yet.
NONE_ENDED = "document.querySelectorAll('.event-list li.event.is-ended').length === 0"


def write_long_story(root: Path, count: int) -> None:
    """A story of `count` dated points a day apart, each on the map for three days: a list far
    longer than a screen, most of it over at the end."""
    story = root / "stories" / "long-list"
    (story / "events").mkdir(parents=True)
    (root / "data").mkdir()
    (story / "story.yaml").write_text("title: A long list\nsummary: Many days.\nbyline: Test desk\n"
                                      "published: 2023-12-01\nlicense: CC-BY-4.0\ntimeline: {mode: window, window_days: 3}\n", "utf-8")
    events = [f"- title: Event {n}\n  date: {dt.date(2023, 1, 1) + dt.timedelta(days=n)}\n"
              f"  at: {{lat: {40 + n % 10}, lon: {120 + n % 13}}}\n  sources: [{{publisher: Test desk}}]\n"
              for n in range(count)]
    (story / "events" / "days.yaml").write_text("".join(events), "utf-8")


@pytest.fixture(scope="module")
def long_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("list-dates")
    write_long_story(root, 200)
    yield from built_and_served(root / "stories", root / "data", root / "site")


def test_items_off_screen_are_marked_after_those_in_view(browser, long_site):
    context = browser.new_context(viewport={"width": 1280, "height": 600})
    try:
        page = context.new_page()
        page.goto(long_site.url + "long-list/")
        wait_until(page, "window.storymap !== undefined")
        page.evaluate("window.storymap.setDate('1900-01-01')")  # kept within: the start
        wait_until(page, NONE_ENDED)
        page.wait_for_timeout(300)  # a frame: the browser has noted which items it skips
        at_once = page.evaluate(f"""() => {{
          window.storymap.setDate('2100-01-01');
          const skipped = [...document.querySelectorAll('.event-list li.event')].filter(i => i.storymapSkipped);
          const wrong = new Set(({MISMATCHES})());
          return {{ skipped: skipped.map(i => i.dataset.id), wrongInView: [...document.querySelectorAll(
            '.event-list li.event')].filter(i => !i.storymapSkipped && wrong.has(i.dataset.id)).map(i => i.dataset.id),
            wrongOffScreen: skipped.filter(i => wrong.has(i.dataset.id)).map(i => i.dataset.id) }};
        }}""")
        assert at_once["skipped"], "200 items should run past the bottom of the screen"
        assert at_once["wrongInView"] == []  # what the reader sees is right in the same frame
        assert at_once["wrongOffScreen"]  # the rest waits: over, but not marked yet
        wait_until(page, f"({MISMATCHES})().length === 0", timeout=5_000)
        # and back: an item scrolled into view is right whether or not the idle time came first
        page.evaluate("window.storymap.setDate('1900-01-01')")
        last = page.locator(".event-list li.event").last
        last.scroll_into_view_if_needed()
        wait_until(page, NONE_ENDED, timeout=5_000)
    finally:
        context.close()
