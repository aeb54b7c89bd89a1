"""The guided walk (storymap.next/previous/view, the storymap:next/previous
messages, the buttons, N/P and Play), its caption, timeline.open, and the
time axis's labels and tick names, at every screen size and in an iframe."""
from __future__ import annotations

import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe

from storymap import pipeline

from ..conftest import FIXTURES
from ..pagedata_reading import read_page_data
from .conftest import serve, wait_until
from .test_embed import host  # noqa: F401 (the fixture: a host page on another origin)

EXAMPLE = "nk-russia-munitions-2023/"
SIZES = {"1280x800": (1280, 800), "768x1024": (768, 1024), "375x667": (375, 667), "320x568": (320, 568)}
INSIDE = """([lat, lon]) => { const b = storymap.view().bounds;
  return b.south <= lat && lat <= b.north && b.west <= lon && lon <= b.east; }"""


def walk_order(page) -> list[str]:
    return page.evaluate("""() => { storymap.setDate('1000-01-01'); const ids = [];
      for (let id = storymap.next(); id !== null; id = storymap.next()) { ids.push(id); } return ids; }""")


def anchor(page, event_id: str) -> list[float] | None:
    """Where an event is: its place or point, the middle of its route's box, or None (not on the map)."""
    return page.evaluate("""([id, data]) => {
      const geo = data.events.geo[data.events.id.indexOf(id)];
      if (geo === null) { return null; }
      if (typeof geo === 'number') { return [data.places.lat[geo], data.places.lon[geo]]; }
      if (Array.isArray(geo)) { return geo; }
      const path = data.routes[geo.route].path, lats = path.map(p => p[0]), lons = path.map(p => p[1]);
      return [(Math.min(...lats) + Math.max(...lats)) / 2, (Math.min(...lons) + Math.max(...lons)) / 2]; }""",
                         [event_id, read_page_data(page)])


def shows(page, event_id: str) -> bool:
    where = anchor(page, event_id)
    return where is None or page.evaluate(INSIDE, where)


@pytest.mark.parametrize("size", SIZES)
def test_next_and_previous_walk_the_events_in_order_and_the_map_follows(open_page, size):
    page, _ = open_page("example", EXAMPLE, *SIZES[size])
    page.emulate_media(reduced_motion="reduce")  # no flight: the view is final at once
    order = read_page_data(page)["events"]["id"]
    assert walk_order(page) == order and len(order) == 16
    assert page.evaluate("storymap.next()") is None  # the end: nothing changes
    assert page.evaluate("storymap.date()") == "2023-10-17"
    steps = []
    for expected in reversed(order[:-1]):
        steps.append(page.evaluate("storymap.previous()"))
        assert shows(page, expected), expected
        caption = page.locator(".timeline-caption")
        title = page.evaluate("(id) => document.querySelector('li.event[data-id=\"' + CSS.escape(id) + '\"] .event-title')"
                              ".textContent", expected)
        assert caption.inner_text().startswith(title)
        assert "confidence" in caption.inner_text().lower()
    assert steps == list(reversed(order[:-1]))
    assert page.evaluate("storymap.previous()") is None and page.evaluate("storymap.date()") == "2023-08-15"
    assert page.get_attribute(".timeline-caption", "aria-live") == "polite"
    assert page.locator(".leaflet-popup").count() == 0  # named, not opened
    view = page.evaluate("storymap.view()")
    assert set(view) == {"center", "zoom", "bounds"} and set(view["bounds"]) == {"south", "west", "north", "east"}


def test_next_from_the_opening_overview_starts_the_walk_at_the_first_event(open_page):
    page, _ = open_page("example", EXAMPLE)
    page.emulate_media(reduced_motion="reduce")
    order = read_page_data(page)["events"]["id"]
    assert page.evaluate("storymap.date()") == "2023-10-17"  # opens on the last day, nothing selected
    assert page.evaluate("storymap.next()") == order[0]
    assert page.evaluate("storymap.date()") == "2023-08-15"
    page.evaluate("storymap.setDate('2023-10-17')")  # the selected event ends before: let go
    assert page.evaluate("storymap.previous()") == order[-1]


def test_a_point_is_shown_with_its_surroundings_and_the_date_follows(open_page):
    page, _ = open_page("example", EXAMPLE)
    page.emulate_media(reduced_motion="reduce")
    page.evaluate("storymap.setDate('2023-10-04')")
    assert page.evaluate("storymap.next()") == "cbs-transfers-begun"
    assert page.evaluate("storymap.date()") == "2023-10-05"
    assert page.evaluate("storymap.next()") == "tumangang-railcars"
    assert 7 <= page.evaluate("storymap.view().zoom") <= 8
    assert anchor(page, "tumangang-railcars") is not None and shows(page, "tumangang-railcars")
    assert "73 freight cars" in page.locator(".timeline-caption").inner_text()
    assert "5 Oct 2023" in page.locator(".timeline-caption").inner_text()


def test_buttons_and_keys_step_and_play_walks_and_pauses_on_interaction(open_page):
    page, _ = open_page("example", EXAMPLE, 375, 667)
    page.evaluate("storymap.setDate('2023-08-15')")
    page.locator(".timeline-next").click()
    wait_until(page, "location.hash === '#event=ship-shuttle'")
    assert "cargo ships" in page.locator(".timeline-caption").inner_text()
    page.locator(".timeline-next").click()
    wait_until(page, "location.hash === '#event=najin-large-ships'")
    page.locator(".timeline-prev").click()
    wait_until(page, "location.hash === '#event=ship-shuttle'")
    page.focus("#timeline-slider")
    page.keyboard.press("n")
    wait_until(page, "location.hash === '#event=najin-large-ships'")
    page.keyboard.press("p")
    wait_until(page, "location.hash === '#event=ship-shuttle'")
    page.locator(".timeline-play").click()
    wait_until(page, "document.querySelector('.timeline-play').dataset.playing === 'true'")
    wait_until(page, "location.hash === '#event=najin-large-ships'")
    page.locator(".leaflet-container").dispatch_event("pointerdown")
    wait_until(page, "document.querySelector('.timeline-play').dataset.playing === 'false'")
    resting = page.evaluate("location.hash")
    page.wait_for_timeout(400)
    assert page.evaluate("location.hash") == resting


def test_the_frame_answers_next_and_previous_messages(host):  # noqa: F811
    page, frame = host(width="358px", viewport=(390, 844))
    send = "(type) => document.querySelector('iframe').contentWindow.postMessage({type}, '*')"
    frame.evaluate("storymap.setDate('2023-09-02')")
    page.evaluate(send, "storymap:next")
    wait_until(frame, "storymap.date() === '2023-09-03'")  # sea-leg, the first event after the date
    assert frame.locator(".timeline-caption").inner_text().startswith("Ships shuttle to South Pier")
    page.evaluate(send, "storymap:previous")
    wait_until(frame, "storymap.date() === '2023-09-01' && location.hash === '#event=rail-leg'")
    page.evaluate("document.querySelector('iframe').contentWindow.postMessage({type: 'storymap:nextt'}, '*')")
    page.evaluate("document.querySelector('iframe').contentWindow.postMessage({type: '__proto__'}, '*')")
    page.wait_for_timeout(100)
    assert frame.evaluate("storymap.date()") == "2023-09-01"


@pytest.fixture(scope="module")
def opening_sites(sites, tmp_path_factory):
    """The tiny story opening at its start, and at a day inside it."""
    for name, opening in (("open-start", "start"), ("open-day", "2023-09-10")):
        root = tmp_path_factory.mktemp(name)
        shutil.copytree(FIXTURES / "tiny", root / "tiny")
        story = root / "tiny" / "stories" / "tiny-story" / "story.yaml"
        story.write_text(story.read_text("utf-8") + f"timeline:\n  open: {opening}\n", "utf-8")
        result = pipeline.build(root / "tiny" / "stories", root / "tiny" / "data", root / "site")
        assert not result.problems
        sites[name] = serve(root / "site")
    yield
    for name in ("open-start", "open-day"):
        sites.pop(name).httpd.shutdown()


def test_the_page_opens_where_timeline_open_says_and_a_hash_wins(open_page, opening_sites):
    assert open_page("tiny", "tiny-story/")[0].evaluate("storymap.date()") == "2023-10-02"  # end, the default
    assert open_page("open-start", "tiny-story/")[0].evaluate("storymap.date()") == "2023-09-01"
    assert open_page("open-day", "tiny-story/")[0].evaluate("storymap.date()") == "2023-09-10"
    assert open_page("open-day", "tiny-story/embed.html")[0].evaluate("storymap.date()") == "2023-09-10"
    assert open_page("open-day", "tiny-story/#date=2023-09-20")[0].evaluate("storymap.date()") == "2023-09-20"


@pytest.mark.parametrize("size", SIZES)
def test_the_axis_has_its_ends_and_names_a_tick(open_page, size):
    page, _ = open_page("example", EXAMPLE, *SIZES[size])
    assert page.locator(".timeline-end-0").inner_text() == "15 Aug 2023"
    assert page.locator(".timeline-end-1").inner_text() == "17 Oct 2023"
    assert page.evaluate("""() => { const a = document.querySelector('.timeline-end-0').getBoundingClientRect(),
      b = document.querySelector('.timeline-end-1').getBoundingClientRect(); return a.right < b.left; }""")
    page.evaluate("storymap.setDate('2023-09-13')")
    page.focus("#timeline-slider")
    valuetext = page.get_attribute("#timeline-slider", "aria-valuetext")
    assert valuetext == "13 Sept 2023: Kim Jong Un and Vladimir Putin meet at Vostochny Cosmodrome"
    assert page.locator(".timeline-tip").is_visible() and "Vostochny" in page.locator(".timeline-tip").inner_text()
    page.keyboard.press("ArrowRight")
    assert page.get_attribute("#timeline-slider", "aria-valuetext") == "14 Sept 2023"
    assert not page.locator(".timeline-tip").is_visible()
    # The pointer over the first tick (the first day) names its event.
    box = page.locator(".timeline-track").bounding_box()
    page.mouse.move(box["x"] + 12, box["y"] + 22)
    assert "cargo ships" in page.locator(".timeline-tip").inner_text()


def test_the_axis_draws_month_labels(open_page):
    page, _ = open_page("example", EXAMPLE)
    # Labels are drawn on the canvas: dark pixels in the label row, under the rail.
    dark = page.evaluate("""() => { const c = document.querySelector('.timeline-ticks'), r = devicePixelRatio;
      const row = c.getContext('2d').getImageData(0, 47 * r, c.width, 10 * r).data; let n = 0;
      for (let i = 3; i < row.length; i += 4) { if (row[i] > 128) { n++; } } return n; }""")
    assert dark > 50


@pytest.mark.parametrize("size", ["1280x800", "375x667"])
def test_no_axe_violations_with_a_caption_showing(open_page, size):
    page, _ = open_page("example", EXAMPLE, *SIZES[size])
    page.evaluate("storymap.setDate('2023-08-15')")
    page.evaluate("storymap.next(); storymap.next()")
    page.focus("#timeline-slider")
    assert page.locator(".timeline-caption").inner_text()
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}})
    assert [v["id"] for v in results.response["violations"]] == []
