"""The story page and the embed in Chromium: they load offline, draw, and follow the spec's API."""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

import pytest

from storymap import pipeline
from storymap.model import StoryModel

from ..pagedata_reading import read_page_data
from .conftest import SITES, wait_until


def drawn_on(model: StoryModel, day: dt.date) -> list[str]:
    """The located events whose visible interval (the timeline rules' result) holds the day."""
    return [t.event.id for t in model.events if t.geometry is not None and t.visible_from <= day
            and (t.visible_until is None or day <= t.visible_until)]


@pytest.mark.parametrize("page_name", ["index.html", "embed.html"])
def test_page_loads_offline_without_errors(open_page, page_name):
    page, watch = open_page("tiny", f"tiny-story/{page_name}")
    assert page.evaluate("storymap.date()") == "2023-10-02"  # timeline.open: end, the default
    assert page.evaluate("storymap.visibleEvents()") == ["arrival", "rail-leg"]
    assert page.locator(".leaflet-control-attribution").inner_text().find("OpenStreetMap") >= 0
    assert page.locator(".sm-canvas").count() == 1
    assert page.locator(".sm-legend").count() == 1
    assert page.locator(".sm-tiles-failed").count() == 1  # tiles were blocked, and the page says so


def test_site_index_lists_the_story(open_page):
    page, _ = open_page("tiny", "", wait_ready=False)
    page.get_by_role("link", name="A tiny story").click()
    wait_until(page, "window.storymap !== undefined")
    assert page.evaluate("storymap.date()") == "2023-10-02"


@pytest.mark.parametrize("site_name, story_id", [("tiny", "tiny-story"), ("rules", "window-rules")])
def test_visible_events_follow_the_timeline_rules_on_every_day(open_page, site_name, story_id):
    stories, data = SITES[site_name]
    model = next(m for m in pipeline.check(stories, data).models if m.story.id == story_id)
    page, _ = open_page(site_name, f"{story_id}/")
    days = [model.start + dt.timedelta(days=n) for n in range(-2, (model.end - model.start).days + 3)]
    shown = page.evaluate("""(days) => days.map(d => { storymap.setDate(d); return [storymap.date(), storymap.visibleEvents()]; })""",
                          [d.isoformat() for d in days])
    for day, (moved_to, visible) in zip(days, shown):
        expected_day = min(max(day, model.start), model.end)  # the slider keeps within the timeline
        assert moved_to == expected_day.isoformat()
        assert visible == drawn_on(model, expected_day), day


def test_window_mode_specifics(open_page):
    page, _ = open_page("rules", "window-rules/")

    def visible(day: str) -> list[str]:
        return page.evaluate(f"storymap.setDate('{day}') && storymap.visibleEvents()")

    assert visible("2023-01-01") == ["day-one"]
    assert visible("2023-01-03") == ["day-one", "closed-span"]  # window_days 3: days 1, 2 and 3
    assert visible("2023-01-04") == ["closed-span"]  # no-place is current but not drawn
    assert visible("2023-01-10") == ["closed-span"]  # last day of the span, both ends included
    assert visible("2023-01-11") == []
    assert visible("2023-02-01") == ["ongoing-span", "month-date"]  # a month starts on its first day
    assert visible("2023-02-10") == ["ongoing-span", "last-day"]
    assert page.evaluate("storymap.setDate('2023-02')") == "2023-02-01"
    assert page.evaluate("storymap.setDate('2099-01-01')") == "2023-02-10"  # kept within the timeline
    assert "not a date" in page.evaluate("(() => { try { storymap.setDate('soon'); } catch (e) { return e.message; } })()")


def test_slider_count_and_label_follow_the_date(open_page):
    page, _ = open_page("tiny", "tiny-story/")
    page.evaluate("storymap.setDate('2023-09-10')")
    slider = page.locator("#timeline-slider")
    assert slider.get_attribute("aria-valuetext") == "10 Sept 2023"
    assert page.locator(".timeline-date").inner_text() == "10 Sept 2023"
    assert page.locator(".timeline-count").inner_text() == "3 of 3 events shown"
    slider.focus()
    page.keyboard.press("End")
    assert page.evaluate("storymap.date()") == "2023-10-02"
    page.keyboard.press("Home")
    assert page.evaluate("storymap.date()") == "2023-09-01"
    page.keyboard.press("ArrowRight")
    assert page.evaluate("storymap.date()") == "2023-09-02"


def test_play_runs_to_the_end_and_pause_stops(open_page):
    page, _ = open_page("tiny", "tiny-story/")
    button = page.locator(".timeline-play")
    button.click()
    assert button.get_attribute("data-playing") == "true" and button.inner_text() == "Pause"
    # The name alone says the state; aria-pressed too would be read as "Pause, pressed".
    assert button.get_attribute("aria-pressed") is None
    # Play walks event to event, pausing to read each caption (2.5 s and more): a wait, not a timing
    wait_until(page, "storymap.date() === '2023-10-02'", timeout=40_000)
    wait_until(page, "document.querySelector('.timeline-play').getAttribute('data-playing') === 'false'")
    button.click()  # from the end, play starts again at the beginning
    wait_until(page, "storymap.date() !== '2023-10-02'")
    button.click()
    stopped_at = page.evaluate("storymap.date()")
    page.wait_for_timeout(400)
    assert page.evaluate("storymap.date()") == stopped_at


def test_focus_moves_timeline_pans_and_opens_details(open_page):
    page, _ = open_page("tiny", "tiny-story/")
    assert page.evaluate("storymap.focus('sea-leg')") is True
    assert page.evaluate("storymap.date()") == "2023-09-03"
    popup = page.locator(".leaflet-popup-content")
    assert popup.locator(".event-title").inner_text() == "Ships shuttle to South Pier"
    assert "Low confidence" in popup.inner_text()
    item = page.locator("#event-sea-leg")
    assert item.get_attribute("aria-current") == "true"
    page.wait_for_timeout(400)  # pan animation
    center = page.evaluate("(() => { const c = map_storymap.getCenter(); return [c.lat, c.lng]; })()")
    assert 42 < center[0] < 43 and 130 < center[1] < 133
    assert page.evaluate("storymap.focus('no-such-event')") is False


def test_focus_on_a_placeless_event_shows_a_panel(open_page):
    page, _ = open_page("tiny", "tiny-story/")
    page.evaluate("storymap.focus('statement')")
    assert page.evaluate("storymap.date()") == "2023-10-02"
    panel = page.locator(".sm-placeless")
    assert panel.is_visible() and "Officials deny the shipments" in panel.inner_text()
    assert "statement" not in page.evaluate("storymap.visibleEvents()")


def test_clicking_an_event_in_the_list_focuses_it(open_page):
    page, _ = open_page("tiny", "tiny-story/")
    page.locator("#event-rail-leg .event-title a").click()
    assert page.locator(".leaflet-popup-content .event-title").inner_text() == "Trains head west"
    wait_until(page, "location.hash === '#event=rail-leg'")


def test_clicking_an_event_on_the_map_opens_it(open_page):
    page, _ = open_page("tiny", "tiny-story/")
    page.evaluate("storymap.focus('arrival'); map_storymap.closePopup(); null")
    page.wait_for_timeout(400)
    point = page.evaluate("""(() => { const p = map_storymap.latLngToContainerPoint([42.25, 130.29]);
        const r = map_storymap.getContainer().getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; })()""")
    page.mouse.click(point[0], point[1])
    assert page.locator(".leaflet-popup-content .event-title").inner_text() == "Ship arrives at North Port"


@pytest.mark.parametrize("hash_part, date, selected", [
    ("#date=2023-09-10", "2023-09-10", None),
    ("#event=sea-leg", "2023-09-03", "sea-leg"),
    ("#date=2023-09", "2023-09-01", None),
])
def test_deep_links_open_at_that_state(open_page, hash_part, date, selected):
    page, _ = open_page("tiny", "tiny-story/" + hash_part)
    assert page.evaluate("storymap.date()") == date
    if selected:
        assert page.locator(f"#event-{selected}").get_attribute("aria-current") == "true"
        assert page.locator(".leaflet-popup-content").count() == 1


def test_hash_follows_the_readers_moves_and_hashchange_moves_the_map(open_page):
    page, _ = open_page("tiny", "tiny-story/")
    assert page.evaluate("location.hash") == ""  # opening the page does not rewrite the address
    page.evaluate("storymap.setDate('2023-09-20')")
    wait_until(page, "location.hash === '#date=2023-09-20'")
    page.evaluate("location.hash = '#event=statement'")
    wait_until(page, "storymap.date() === '2023-10-02'")
    page.evaluate("location.hash = '#date=2023-09-05'")
    wait_until(page, "storymap.date() === '2023-09-05'")


def test_unknown_deep_link_falls_back_to_the_opening(open_page):
    page, _ = open_page("tiny", "tiny-story/#event=missing")
    assert page.evaluate("storymap.date()") == "2023-10-02"  # as without a hash: the last day


def test_ready_event_is_dispatched(open_page):
    page, _ = open_page("tiny", "tiny-story/", wait_ready=False)
    wait_until(page, "document.documentElement.classList.contains('storymap-ready')")


def test_without_javascript_the_list_tells_the_story(browser, sites):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(sites["tiny"].url + "tiny-story/")
    titles = page.locator(".event-title").all_inner_texts()
    assert titles == ["Ship arrives at North Port", "Trains head west", "Ships shuttle to South Pier",
                      "Officials deny the shipments"]
    assert "Example News" in page.locator("#event-arrival").inner_text()
    context.close()


def test_example_story_every_event_can_be_focused(open_page):
    page, _ = open_page("example", "nk-russia-munitions-2023/")
    ids = read_page_data(page)["events"]["id"]
    assert len(ids) >= 12
    for event_id in ids:
        assert page.evaluate(f"storymap.focus('{event_id}')") is True
        assert page.locator(f"#event-{event_id}").get_attribute("aria-current") == "true"


def test_tiles_are_asked_for_once_at_the_opening_view(browser, sites):
    """The page adds the tile layer once its own fit (which leaves room for the legend) is
    made: added at folium's fit, the page's fit at another zoom dropped every tile made and
    made them again."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    asked: list[str] = []

    def route(request_route):
        if urlparse(request_route.request.url).hostname == "127.0.0.1":
            request_route.continue_()
        else:
            asked.append(request_route.request.url)
            request_route.abort()

    context.route("**/*", route)
    # every tile image the page ever makes
    context.add_init_script("""window.tilesMade = 0; new MutationObserver(function (changes) {
      changes.forEach(function (c) { c.addedNodes.forEach(function (n) { if (n.classList && n.classList.contains('leaflet-tile')) { window.tilesMade++; } }); });
    }).observe(document, { childList: true, subtree: true });""")
    try:
        page = context.new_page()
        page.goto(sites["example"].url + "nk-russia-munitions-2023/")
        wait_until(page, "window.storymap !== undefined")
        wait_until(page, "document.querySelector('.sm-tiles-failed') !== null")
        made, kept = page.evaluate("[window.tilesMade, document.querySelectorAll('img.leaflet-tile').length]")
        assert made == kept > 0, "no tile made and dropped"
        zoom = page.evaluate("Math.round(map_storymap.getZoom())")
        assert {int(urlparse(url).path.split("/")[-3]) for url in asked} == {zoom}
        assert len(asked) == len(set(asked)) == kept, "each tile asked for once"
    finally:
        context.close()
