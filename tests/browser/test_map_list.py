"""The map and the event list together: one selection shown on both, an event's full
details, the legend's words for low confidence and approximate routes, and the
selected route's movement (none when the reader prefers reduced motion).

The fixture story is tests/fixtures/maplist/: an event with a picture and a fully
described source, a low-confidence point, an exact road route, an approximate rail
route (its line file says approximate: true), events without a place, and a list
long enough to run past the bottom of the screen.
"""
from __future__ import annotations

from urllib.parse import urlparse

import pytest

from storymap import pipeline

from ..conftest import FIXTURES
from .conftest import OVERLAPPING, Watch, serve, wait_until

MAPLIST = FIXTURES / "maplist"
STORY = "map-and-list/"
DEPOT = (48.48, 135.08)  # depot-meeting, the last event of the list
HILL = (45.2, 128.6)  # hill-works
LOW = (45.0, 130.2)  # low-sighting, low confidence
HALO = (255, 204, 0)


@pytest.fixture(scope="module")
def sites(sites, tmp_path_factory):
    """The shared fixture sites and "maplist", built once for this module."""
    out = tmp_path_factory.mktemp("maplist") / "site"
    result = pipeline.build(MAPLIST / "stories", MAPLIST / "data", out)
    assert not result.problems, [p.as_text() for p in result.problems]
    server = serve(out)
    yield {**sites, "maplist": server}
    server.httpd.shutdown()


@pytest.fixture
def open_reduced(browser, sites):
    """open_reduced(path) -> page, in a browser context whose reader prefers reduced motion."""
    contexts, watches = [], []

    def opener(path: str, width: int = 1280, height: int = 800):
        server = sites["maplist"]
        context = browser.new_context(viewport={"width": width, "height": height}, reduced_motion="reduce")
        contexts.append(context)
        watch = Watch(server.url)
        watches.append(watch)
        context.route("**/*", lambda r: r.continue_() if urlparse(r.request.url).hostname == "127.0.0.1"
                      else r.abort())
        page = context.new_page()
        page.on("console", watch.on_console)
        page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
        page.goto(server.url + path)
        wait_until(page, "window.storymap !== undefined", timeout=10_000)
        return page

    yield opener
    for context in contexts:
        context.close()
    assert [p for w in watches for p in w.problems()] == [], "the page reported problems"


def screen_point(page, lat_lon) -> list[float]:
    """Where a place is on the screen (CSS pixels), from the Leaflet map itself."""
    return page.evaluate("""([lat, lon]) => { const p = map_storymap.latLngToContainerPoint([lat, lon]);
        const r = map_storymap.getContainer().getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }""",
                         list(lat_lon))


def canvas_pixel(page, lat_lon, dx: float = 0, dy: float = 0) -> tuple[int, int, int]:
    """The story canvas's colour dx, dy CSS pixels away from a place (read in one go, so a scroll cannot interleave)."""
    rgba = page.evaluate("""([lat, lon, dx, dy]) => {
        const p = map_storymap.latLngToContainerPoint([lat, lon]), m = map_storymap.getContainer().getBoundingClientRect();
        const c = document.querySelector('.sm-canvas'), r = c.getBoundingClientRect(), k = c.width / r.width;
        const x = Math.round((m.left + p.x + dx - r.left) * k), y = Math.round((m.top + p.y + dy - r.top) * k);
        return Array.from(c.getContext('2d').getImageData(x, y, 1, 1).data); }""", [*lat_lon, dx, dy])
    return tuple(rgba[:3])


# The map has finished any zoom that focus() started (Leaflet starts it on the next frame).
ZOOMED_IN = "map_storymap.getZoom() >= 6 && !map_storymap._animatingZoom"


def near(colour, expected, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected))


def selected_ids(page) -> list[str]:
    return page.evaluate("Array.from(document.querySelectorAll('.event.is-selected[aria-current=true]'), n => n.dataset.id)")


def in_viewport(page, selector: str) -> bool:
    return page.evaluate("""(s) => { const r = document.querySelector(s).getBoundingClientRect();
        return r.top >= 0 && r.bottom <= innerHeight; }""", selector)


def count_frames(page) -> None:
    """Counts requestAnimationFrame calls from now on in window.__frames (the page calls the global)."""
    page.evaluate("""(() => { window.__frames = 0; const raf = window.requestAnimationFrame.bind(window);
        window.requestAnimationFrame = (callback) => { window.__frames += 1; return raf(callback); }; })()""")


# Resolves true once no frame has been requested for 300 ms: nothing keeps animating.
FRAMES_SETTLED = """() => new Promise((done) => { const n = window.__frames;
    setTimeout(() => done(window.__frames === n), 300); })"""

# An init script: keeps in window.__pageData the page data object the script parses and hands on.
CAPTURE_PAGE_DATA = """const parse = JSON.parse;
JSON.parse = function (text, reviver) {
  const value = parse.call(this, text, reviver);
  if (value && value.events && value.timeline && !window.__pageData) { window.__pageData = value; }
  return value;
};"""
# The event list's item just after the marker of the map's date (none once every event has begun).
AFTER_NOW = "document.querySelector('.event-list .event-now').nextElementSibling?.dataset.id ?? null"
RED = (0xB2, 0x18, 0x2B)  # an observation's point


def test_components_own_their_state_and_follow_its_owners(open_page):
    """The page data handed to the components is frozen: none writes to it (a write would throw,
    and the page would report the error). The timeline owns the date and the selection the
    selected event; the list and the map follow their events, whoever set them (here the API)."""
    page, _ = open_page("maplist", STORY)
    page.add_init_script(CAPTURE_PAGE_DATA)
    page.reload()
    wait_until(page, "window.storymap !== undefined")
    assert page.evaluate("""(() => { const d = window.__pageData, e = d.events, route = d.routes[0];
        return [d, e, e.id, e.from, e.kind, e.geo, e.geo.find(Array.isArray), d.places, d.places.lat, d.routes,
                route, route.path, route.path[0], d.timeline, d.strings, d.view].every(Object.isFrozen)
            && !('visible' in d) && !('selected' in d); })()""")

    page.evaluate("storymap.setDate('2023-05-02')")  # the first day (the page opens on the last)
    blank = canvas_pixel(page, HILL)
    assert page.evaluate(AFTER_NOW) == "road-convoy" and not near(blank, RED)
    page.evaluate("storymap.setDate('2023-05-25')")  # the date reaches the list and the map
    assert page.evaluate(AFTER_NOW) is None
    # hill-works (8 May) is past by then: drawn, muted
    assert "hill-works" in page.evaluate("storymap.drawnEvents()")
    assert not near(canvas_pixel(page, HILL), blank), "hill-works is drawn"

    page.evaluate("storymap.focus('hill-works')")  # the selection reaches the list and the map
    assert selected_ids(page) == ["hill-works"]
    wait_until(page, ZOOMED_IN)
    assert near(canvas_pixel(page, HILL, dy=-12), HALO)
    page.evaluate("storymap.focus('road-convoy')")
    assert selected_ids(page) == ["road-convoy"]
    assert page.locator(".sm-motion").get_attribute("data-moving") == "true"

    page.evaluate("storymap.setDate('2023-05-02')")  # a date that hides the selected event ends the selection
    assert selected_ids(page) == []
    wait_until(page, "document.querySelector('.leaflet-popup') === null")  # its details close (after a fade)
    assert page.locator(".sm-motion").get_attribute("data-moving") == "false"
    assert page.evaluate("storymap.visibleEvents()") == ["harbour-photo"]
    assert page.evaluate(AFTER_NOW) == "road-convoy"


def test_choosing_in_the_list_selects_on_the_map(open_page):
    page, _ = open_page("maplist", STORY)
    page.evaluate("storymap.setDate('2023-05-25')")
    page.locator("#event-hill-works .event-title a").click()
    assert selected_ids(page) == ["hill-works"]
    assert page.locator("#event-hill-works .event-title a").get_attribute("aria-current") == "true"
    assert page.locator(".leaflet-popup-content .event-title").inner_text() == "Earthworks at the hill site"
    wait_until(page, ZOOMED_IN)
    assert near(canvas_pixel(page, HILL, dy=-12), HALO), "the selected point has its halo"
    assert not near(canvas_pixel(page, LOW, dy=-12), HALO)
    page.locator("#event-depot-meeting .event-title a").click()
    assert selected_ids(page) == ["depot-meeting"]  # one selection at a time
    assert page.locator("#event-hill-works .event-title a").get_attribute("aria-current") is None


def test_choosing_on_the_map_selects_in_the_list_and_brings_it_into_view(open_page):
    page, _ = open_page("maplist", STORY)
    page.evaluate("storymap.setDate('2023-05-25')")
    assert not in_viewport(page, "#event-depot-meeting")  # the last entry starts below the fold
    x, y = screen_point(page, DEPOT)
    page.mouse.click(x, y)
    assert selected_ids(page) == ["depot-meeting"]
    assert page.locator(".leaflet-popup-content .event-title").inner_text() == "Officers meet at the far depot"
    wait_until(page, """(() => { const r = document.querySelector('#event-depot-meeting').getBoundingClientRect();
        return r.top >= 0 && r.bottom <= innerHeight; })""")
    assert page.evaluate("""(() => { const r = document.querySelector('.map-frame').getBoundingClientRect();
        return r.top < innerHeight / 2 && r.bottom > innerHeight / 2; })()"""), "the map stays in view beside the list"
    wait_until(page, "location.hash === '#event=depot-meeting'")


def test_on_a_phone_the_map_stays_put_and_the_list_brings_the_map_back(open_page):
    page, _ = open_page("maplist", STORY, width=375, height=667)
    page.evaluate("storymap.setDate('2023-05-25')")
    page.evaluate("document.querySelector('.map-frame').scrollIntoView()")
    scrolled = page.evaluate("scrollY")
    x, y = screen_point(page, DEPOT)
    page.mouse.click(x, y)
    assert selected_ids(page) == ["depot-meeting"]
    assert page.evaluate("scrollY") == scrolled  # the reader is looking at the map: no jump to the list
    page.locator("#event-hill-works .event-title a").scroll_into_view_if_needed()
    page.locator("#event-hill-works .event-title a").click()
    wait_until(page, "Math.abs(document.querySelector('.map-frame').getBoundingClientRect().top) < 2")
    assert page.locator(".leaflet-popup-content .event-title").inner_text() == "Earthworks at the hill site"


def test_keyboard_choice_keeps_focus_on_the_link(open_page):
    page, _ = open_page("maplist", STORY)
    link = page.locator("#event-hill-works .event-title a")
    link.focus()
    page.keyboard.press("Enter")
    assert selected_ids(page) == ["hill-works"]
    assert page.evaluate("document.activeElement.closest('li.event')?.dataset.id") == "hill-works"
    assert page.evaluate("document.activeElement.getAttribute('aria-current')") == "true"
    assert page.evaluate("storymap.date()") == "2023-05-08"


def test_embedded_list_scrolls_within_its_own_box(open_page):
    page, _ = open_page("maplist", STORY + "embed.html", width=600, height=1200)
    page.locator(".embed-events summary").click()
    page.evaluate("storymap.setDate('2023-05-25')")
    x, y = screen_point(page, DEPOT)
    page.mouse.click(x, y)
    assert selected_ids(page) == ["depot-meeting"]
    assert page.evaluate("document.querySelector('.embed-events .event-list').scrollTop") > 0
    assert page.evaluate("""(() => { const box = document.querySelector('.embed-events .event-list').getBoundingClientRect();
        const r = document.querySelector('#event-depot-meeting').getBoundingClientRect();
        return r.top >= box.top && r.top < box.bottom; })()""")


def test_details_show_media_sources_and_confidence_in_words(open_page):
    page, _ = open_page("maplist", STORY)
    page.evaluate("storymap.focus('harbour-photo')")
    details = page.locator(".leaflet-popup-content .sm-details")
    assert details.locator(".event-title").inner_text() == "Cranes load a ship at the harbour"
    assert details.locator("time").inner_text() == "2 May 2023"
    assert details.locator("time").get_attribute("datetime") == "2023-05-02"
    assert "loading a container ship" in details.locator(".event-description").inner_text()
    image = details.locator("figure.event-media img")
    assert image.get_attribute("alt") == "Two cranes over a container ship at the quay"
    wait_until(page, """(() => { const i = document.querySelector('.leaflet-popup-content figure img');
        return i.complete && i.naturalWidth === 240; })""")
    assert details.locator("figure.event-media figcaption").inner_text() == "Credit: Example Imagery Ltd"
    sources = details.locator(".event-sources")
    assert sources.locator("cite").inner_text() == "Example Observatory"
    assert sources.get_by_role("link", name="Cranes busy at the harbour").get_attribute("href") == \
        "https://example.org/harbour"
    assert "3 May 2023" in sources.inner_text()
    assert sources.get_by_role("link", name="archived copy").get_attribute("href") == \
        "https://web.archive.org/web/20230503000000/https://example.org/harbour"
    assert details.locator(".event-confidence").inner_text() == "High confidence"
    assert details.locator("[aria-current], [id]").count() == 0  # a copy, not a second list entry

    page.evaluate("storymap.focus('low-sighting')")
    assert page.locator(".leaflet-popup-content .event-confidence").inner_text() == "Low confidence"
    page.evaluate("storymap.focus('denial')")
    panel = page.locator(".sm-placeless")
    assert panel.is_visible() and "Officials deny any shipment" in panel.inner_text()
    assert "Moderate confidence" in panel.inner_text() and "Example Wire" in panel.inner_text()


def test_details_of_a_route_say_how_long_it_is(open_page):
    page, _ = open_page("maplist", STORY)
    page.evaluate("storymap.focus('road-convoy')")
    details = page.locator(".leaflet-popup-content .sm-details")
    assert details.locator(".event-length").inner_text() == "about 310 km by road"
    page.evaluate("storymap.focus('sketch-rail')")  # a route file's line is measured too
    wait_until(page, "document.querySelector('.leaflet-popup-content .event-length')"
                     ".textContent === 'about 570 km by rail'")
    page.evaluate("storymap.focus('harbour-photo')")  # a point has no length
    assert page.locator(".leaflet-popup-content .event-length").count() == 0


def test_legend_says_how_low_confidence_and_approximate_routes_look(open_page):
    page, _ = open_page("maplist", STORY)
    items = page.locator(".sm-legend-list li").all_inner_texts()
    assert "Low confidence (hollow, faded)" in items
    assert "Rail route (approximate line)" in items
    assert "Road route" in items  # an exact route keeps the plain label
    # each row's symbol is a picture (drawn by the map's code on one canvas), hidden from screen readers
    symbols = page.locator(".sm-legend-list li img.sm-symbol")
    assert symbols.count() == len(items)
    assert all(symbols.nth(i).get_attribute("alt") == "" for i in range(len(items)))
    assert page.evaluate("Array.from(document.querySelectorAll('.sm-legend-list img'), i => i.complete && i.naturalWidth > 0)"
                         ".every(Boolean)")
    page.evaluate("storymap.setDate('2023-05-08')")  # both events at full strength (not yet past)
    # close up, where neither is grouped with its neighbours into a counted marker
    page.evaluate("map_storymap.setView([45.1, 129.4], 9, {animate: false}); null")
    page.wait_for_timeout(100)
    # between its glyph (the middle) and its ring: white
    assert near(canvas_pixel(page, LOW, dx=3), (255, 255, 255), 20), "a low-confidence point is hollow"
    assert near(canvas_pixel(page, HILL, dx=-4), (0xb2, 0x18, 0x2b)), "others are filled"  # beside the glyph


def test_selected_route_moves_and_stops_when_deselected(open_page):
    page, _ = open_page("maplist", STORY)
    motion = page.locator(".sm-motion")
    size = "(c => [c.width, c.height])(document.querySelector('.sm-motion'))"
    assert motion.count() == 1 and motion.get_attribute("data-moving") == "false"
    assert page.evaluate(size) == [0, 0]  # idle: no canvas the story's size held for nothing
    count_frames(page)
    page.evaluate("storymap.focus('sketch-rail')")
    assert motion.get_attribute("data-moving") == "true"
    assert page.evaluate(size) == page.evaluate("(c => [c.width, c.height])(document.querySelector('.sm-canvas'))")
    wait_until(page, "window.__frames > 20")  # frames keep coming while the route moves
    page.evaluate("storymap.focus('hill-works')")  # a point: nothing moves
    assert motion.get_attribute("data-moving") == "false"
    wait_until(page, FRAMES_SETTLED)
    page.evaluate("storymap.focus('road-convoy')")
    assert motion.get_attribute("data-moving") == "true"
    page.evaluate("map_storymap.closePopup(); null")  # closing the details ends the selection
    assert selected_ids(page) == []
    assert motion.get_attribute("data-moving") == "false"
    assert page.evaluate(size) == [0, 0]
    wait_until(page, FRAMES_SETTLED)


def test_no_movement_when_the_reader_prefers_reduced_motion(open_reduced):
    page = open_reduced(STORY)
    count_frames(page)
    page.evaluate("storymap.focus('sketch-rail')")
    assert page.locator(".sm-motion").get_attribute("data-moving") == "false"
    wait_until(page, FRAMES_SETTLED)
    assert selected_ids(page) == ["sketch-rail"]


def test_movement_follows_a_change_of_preference(open_page):
    page, _ = open_page("maplist", STORY)
    motion = page.locator(".sm-motion")
    page.evaluate("storymap.focus('sketch-rail')")
    assert motion.get_attribute("data-moving") == "true"
    page.emulate_media(reduced_motion="reduce")
    wait_until(page, "document.querySelector('.sm-motion').dataset.moving === 'false'")
    count_frames(page)
    wait_until(page, FRAMES_SETTLED)
    page.emulate_media(reduced_motion="no-preference")
    wait_until(page, "document.querySelector('.sm-motion').dataset.moving === 'true'")
    wait_until(page, "window.__frames > 5")


def test_movement_stops_while_the_page_is_hidden(open_page):
    page, _ = open_page("maplist", STORY)
    page.evaluate("storymap.focus('sketch-rail')")
    motion = page.locator(".sm-motion")
    assert motion.get_attribute("data-moving") == "true"
    hide = """(state) => { Object.defineProperty(document, 'visibilityState', {value: state, configurable: true});
        document.dispatchEvent(new Event('visibilitychange')); }"""
    page.evaluate(hide, "hidden")  # a background tab: no frames spent on it
    assert motion.get_attribute("data-moving") == "false"
    count_frames(page)
    wait_until(page, FRAMES_SETTLED)
    page.evaluate(hide, "visible")
    assert motion.get_attribute("data-moving") == "true"


def test_details_on_the_map_are_never_hidden_by_the_legend(open_page):
    # The example's sea route ends near the legend's corner at desktop size: the
    # route is fitted beside the legend and the legend folds while details are open.
    page, _ = open_page("example", "nk-russia-munitions-2023/")
    legend = ".sm-legend"
    assert page.eval_on_selector(legend, "e => e.open")
    page.evaluate("storymap.focus('ship-shuttle')")
    page.wait_for_selector(".sm-popup")
    page.wait_for_timeout(400)  # any pan to fit the details
    assert not page.evaluate(OVERLAPPING, [legend, ".sm-popup"])
    assert not page.eval_on_selector(legend, "e => e.open")
    page.click(".sm-popup .leaflet-popup-close-button")
    assert page.eval_on_selector(legend, "e => e.open"), "the legend comes back when the details close"


def test_opening_view_keeps_place_names_clear_of_the_legend(open_page):
    # At the opening view of a wide map the fit keeps every place clear of the open legend,
    # and each name goes on a side of its symbol the legend leaves free (the names' boxes as
    # drawn, storymapLayout, in the map's px as the legend's is).
    page, _ = open_page("example", "nk-russia-munitions-2023/")
    drawn = page.evaluate("""() => {
        const frame = map_storymap.getContainer().getBoundingClientRect();
        const box = document.querySelector('.sm-legend').getBoundingClientRect();
        const data = JSON.parse(document.getElementById('storymap-data').textContent);
        return {legend: [box.left - frame.left, box.top - frame.top, box.right - frame.left, box.bottom - frame.top],
                places: data.places.lat.map((lat, i) => {
                    const p = map_storymap.latLngToContainerPoint([lat, data.places.lon[i]]); return [p.x, p.y]; }),
                names: document.querySelector('.sm-canvas').storymapLayout.labels.map(label => label.box)};
    }""")
    left, top, right, bottom = drawn["legend"]
    assert not [(x, y) for x, y in drawn["places"] if left <= x <= right and top <= y <= bottom]
    assert len(drawn["names"]) >= 5
    assert not [b for b in drawn["names"] if b[0] < right and left < b[2] and b[1] < bottom and top < b[3]]
