"""The timeline bar under the map: play at three speeds, steps between events,
the slider's keys, the date label honest about precision, ticks and period
bars, the count, and sizes for fingers, at desktop and phone widths.

Play is driven by Playwright's fake clock, so the tests count ticks, not seconds.
"""
from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from storymap import pipeline

from ..conftest import FIXTURES
from ..pagedata_reading import read_page_data
from .conftest import serve, wait_until

SIZES = {"desktop": (1280, 800), "phone": (375, 667)}
PLAY_TICK_MS = 120  # a step of time for the announcement test
RAIL_Y, LANE_Y = 22, 31  # timelineticks.js: the rail's centre and the first row of period bars
PRECISION = (FIXTURES / "precision" / "stories", FIXTURES / "precision" / "data")
# The rules story's event start days, in order (window mode, 1 Jan - 10 Feb 2023).
RULES_STARTS = ["2023-01-01", "2023-01-03", "2023-01-04", "2023-01-05", "2023-01-20", "2023-02-01", "2023-02-10"]


@pytest.fixture(scope="module", autouse=True)
def precision_site(sites, tmp_path_factory):
    """The honest-dates story (days, a month, a year, approximate dates), served beside the other sites."""
    if "precision" not in sites:
        out = tmp_path_factory.mktemp("precision") / "site"
        result = pipeline.build(*PRECISION, out)
        assert not result.problems, [p.as_text() for p in result.problems]
        sites["precision"] = serve(out)  # shut down with the others at the end of the session


@pytest.fixture(params=list(SIZES))
def size(request):
    return SIZES[request.param]


def open_at(open_page, site_name, path, size):
    page, _ = open_page(site_name, path, width=size[0], height=size[1])
    return page


def bar_state(page):
    return page.evaluate("""() => ({
        date: storymap.date(),
        label: document.querySelector('.timeline-date').textContent,
        valuetext: document.getElementById('timeline-slider').getAttribute('aria-valuetext'),
        count: document.querySelector('.timeline-count').textContent,
        visible: storymap.visibleEvents().length,
    })""")


def pause_clock(page):
    page.clock.install(time=dt.datetime(2024, 1, 1))
    page.clock.pause_at(dt.datetime(2024, 1, 2))


def days_between(first: str, last: str) -> int:
    return (dt.date.fromisoformat(last) - dt.date.fromisoformat(first)).days


def test_speed_button_cycles_and_faster_speeds_walk_further(open_page, size):
    """Play walks from event to event, pausing to read each caption: shorter pauses at 2× and 4×."""
    def walked(speed_clicks: int) -> int:
        page = open_at(open_page, "rules", "window-rules/", size)
        pause_clock(page)
        for _ in range(speed_clicks):
            page.locator(".timeline-speed").click()
        page.evaluate("storymap.setDate('2023-01-01')")
        page.locator(".timeline-play").click()
        page.clock.run_for(5000)
        page.locator(".timeline-play").click()
        assert page.locator(".timeline-play").get_attribute("data-playing") == "false"
        return read_page_data(page)["events"]["id"].index(page.evaluate("decodeURIComponent(location.hash.slice(7))"))

    page = open_at(open_page, "rules", "window-rules/", size)
    speed = page.locator(".timeline-speed")
    expect(page.get_by_role("button", name="Playback speed 1×")).to_have_count(1)
    speed.click()
    expect(page.get_by_role("button", name="Playback speed 2×")).to_have_count(1)
    assert page.locator(".timeline-announce").text_content() == "Playback speed 2×"
    speed.click()
    assert speed.get_attribute("data-speed") == "4" and page.locator(".timeline-speed-value").inner_text() == "4×"
    speed.click()
    assert speed.get_attribute("data-speed") == "1"  # and round again
    reached = [walked(clicks) for clicks in (0, 1, 2)]
    assert 0 <= reached[0] < reached[1] < reached[2]


def test_playing_announces_where_it_stops_not_every_tick(open_page, size):
    page = open_at(open_page, "rules", "window-rules/", size)
    pause_clock(page)
    announcer = page.locator(".timeline-announce")
    page.locator(".timeline-play").click()
    page.clock.run_for(PLAY_TICK_MS * 10)
    assert announcer.text_content() == ""
    page.locator(".timeline-play").click()
    page.clock.run_for(1000)
    state = bar_state(page)
    assert announcer.text_content() == f"{state['label']}: {state['count']}"


def test_next_and_previous_walk_every_event_and_select_it_without_opening_details(open_page, size):
    page = open_at(open_page, "rules", "window-rules/", size)
    prev, nxt = page.locator(".timeline-prev"), page.locator(".timeline-next")
    ids = read_page_data(page)["events"]["id"]
    page.evaluate("storymap.setDate('2023-01-01')")
    reached, dates = [], []
    for _ in ids:
        nxt.click()
        wait_until(page, "document.querySelector('.event.is-selected') !== null")
        reached.append(page.evaluate("document.querySelector('.event.is-selected').dataset.id"))
        dates.append(page.evaluate("storymap.date()"))
    assert reached == ids and sorted(set(dates)) == RULES_STARTS
    assert nxt.get_attribute("aria-disabled") == "true"
    page.keyboard.press("Enter")  # nothing after the last event: stays put, keeps focus
    assert page.evaluate("storymap.date()") == "2023-02-10"
    assert page.evaluate("document.activeElement.classList.contains('timeline-next')")
    for _ in ids[:-1]:
        prev.click()
    assert page.evaluate("document.querySelector('.event.is-selected').dataset.id") == ids[0]
    assert prev.get_attribute("aria-disabled") == "true" and page.evaluate("storymap.date()") == "2023-01-01"
    assert page.locator(".leaflet-popup").count() == 0


def test_slider_keys_move_the_date_and_its_valuetext(open_page, size):
    page = open_at(open_page, "rules", "window-rules/", size)  # 41 days: PageUp/PageDown move a week
    page.locator("#timeline-slider").focus()
    moves = [("End", "2023-02-10", "10 Feb 2023"), ("Home", "2023-01-01", "1 Jan 2023"),
             ("PageUp", "2023-01-08", "8 Jan 2023"), ("PageUp", "2023-01-15", "15 Jan 2023"),
             ("PageDown", "2023-01-08", "8 Jan 2023"), ("ArrowRight", "2023-01-09", "9 Jan 2023"),
             ("ArrowUp", "2023-01-10", "10 Jan 2023"), ("ArrowLeft", "2023-01-09", "9 Jan 2023"),
             ("ArrowDown", "2023-01-08", "8 Jan 2023"), ("Home", "2023-01-01", "1 Jan 2023"),
             ("ArrowLeft", "2023-01-01", "1 Jan 2023"), ("PageDown", "2023-01-01", "1 Jan 2023")]
    for key, date, text in moves:
        page.keyboard.press(key)
        state = bar_state(page)
        # On an event's day the value text names the event too: "10 Feb 2023: The last dated event".
        assert (key, state["date"], state["valuetext"].split(":")[0], state["label"]) == (key, date, text, text)
    expect(page.locator(".timeline-announce")).to_have_text("1 Jan 2023: 1 of 6 events shown")


def test_page_keys_move_a_month_on_a_long_timeline(open_page):
    page, _ = open_page("precision", "honest-dates/")  # 1 Jan - 15 Oct 2023
    page.evaluate("storymap.setDate('2023-01-31')")
    page.locator("#timeline-slider").focus()
    dates = []
    for key in ["PageUp", "PageUp", "PageDown", "End", "PageUp", "PageDown"]:
        page.keyboard.press(key)
        dates.append(page.evaluate("storymap.date()"))
    assert dates == ["2023-02-28", "2023-03-28", "2023-02-28", "2023-10-15", "2023-10-15", "2023-09-15"]


def test_label_is_honest_about_an_events_precision(open_page, size):
    page = open_at(open_page, "precision", "honest-dates/", size)
    label = page.locator(".timeline-date")
    slider = page.locator("#timeline-slider")
    page.evaluate("storymap.setDate('2023-01-01')")
    expect(label).to_have_text("1 Jan 2023")  # a plain day
    steps = [("2023-01-01", "2023"), ("2023-07-03", "3 Jul 2023"), ("2023-08-01", "Aug 2023"), ("2023-08-15", "c. 15 Aug 2023"),
             ("2023-09-01", "1 Sept 2023")]
    for date, text in steps:
        page.locator(".timeline-next").click()
        assert page.evaluate("storymap.date()") == date
        expect(label).to_have_text(text)
        expect(slider).to_have_attribute("aria-valuetext", re.compile("^" + re.escape(text) + "(: |$)"))
    page.locator(".timeline-prev").click()
    expect(label).to_have_text("c. 15 Aug 2023")
    slider.focus()
    page.keyboard.press("ArrowRight")  # the reader's own moves are plain days
    expect(label).to_have_text("16 Aug 2023")
    # Focusing an event (the API, the list, a link) labels its date the same way.
    for event_id, text in [("august", "Aug 2023"), ("some-year", "2023"), ("mid-august", "c. 15 Aug 2023"),
                           ("first-day", "3 Jul 2023")]:
        assert page.evaluate(f"storymap.focus('{event_id}')") is True
        expect(label).to_have_text(text)
        expect(slider).to_have_attribute("aria-valuetext", re.compile("^" + re.escape(text) + "(: |$)"))
    page.locator("#event-august .event-title a").click()
    expect(label).to_have_text("Aug 2023")
    page.evaluate("storymap.setDate('2023-08-02')")
    expect(label).to_have_text("2 Aug 2023")


def test_dragging_the_slider_shows_plain_days(open_page, size):
    page = open_at(open_page, "precision", "honest-dates/", size)
    page.evaluate("storymap.focus('august')")
    expect(page.locator(".timeline-date")).to_have_text("Aug 2023")
    page.evaluate("map_storymap.closePopup(); null")
    page.locator("#timeline-slider").scroll_into_view_if_needed()
    box = page.locator("#timeline-slider").bounding_box()
    y = box["y"] + RAIL_Y
    thumb_x = box["x"] + 12 + (box["width"] - 24) * days_between("2023-01-01", "2023-08-01") / 287
    page.mouse.move(thumb_x, y)
    page.mouse.down()
    page.mouse.move(thumb_x - 40, y, steps=4)
    page.mouse.up()
    state = bar_state(page)
    assert state["date"] < "2023-08-01"
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2,3} 2023", state["label"]), state
    assert state["valuetext"] == state["label"]


def test_window_mode_count_and_window(open_page, size):
    page = open_at(open_page, "rules", "window-rules/", size)
    window = page.locator(".timeline-window")
    for date in ["2023-01-01", "2023-01-03", "2023-01-08", "2023-01-25", "2023-02-10"]:
        page.evaluate(f"storymap.setDate('{date}')")
        state = bar_state(page)
        assert state["count"] == f"{state['visible']} of 6 events shown"  # no-place is not on the map
        assert window.inner_text().startswith("3-day window: ") and window.is_visible()
    page.evaluate("storymap.setDate('2023-01-08')")
    assert re.fullmatch(r"3-day window: 6\s?–\s?8 Jan 2023", window.inner_text())


def test_cumulative_mode_count_and_no_window(open_page, size):
    page = open_at(open_page, "precision", "honest-dates/", size)
    for date, shown in [("2023-01-01", 1), ("2023-08-01", 3), ("2023-09-21", 4), ("2023-10-15", 5)]:
        page.evaluate(f"storymap.setDate('{date}')")
        state = bar_state(page)
        assert state["visible"] == shown and state["count"] == f"{shown} of 6 events shown"
    assert page.locator(".timeline-window").is_hidden()


def column_runs(page, y):
    """Runs of drawn pixels along one row of the ticks canvas: [[first x, last x], ...]."""
    return page.evaluate("""(y) => {
        const canvas = document.querySelector('.timeline-ticks'), ratio = canvas.width / canvas.clientWidth;
        const row = canvas.getContext('2d').getImageData(0, Math.round(y * ratio), canvas.width, 1).data;
        const runs = [];
        for (let x = 0; x < canvas.width; x++) {
            if (row[4 * x + 3] < 128) { continue; }
            const last = runs[runs.length - 1];
            if (last && last[1] === x - 1) { last[1] = x; } else { runs.push([x, x]); }
        }
        return runs.map(r => r.map(x => x / ratio));
    }""", y)


def test_ticks_and_period_bars_are_drawn(open_page, size):
    page = open_at(open_page, "rules", "window-rules/", size)
    canvas = page.locator(".timeline-ticks")
    assert canvas.get_attribute("aria-hidden") == "true"
    ticks = column_runs(page, RAIL_Y - 3)  # above the rail: ticks only
    assert len(ticks) == len(RULES_STARTS)
    width = canvas.bounding_box()["width"]
    expected_x = [12 + (width - 24) * days_between("2023-01-01", d) / 40 for d in RULES_STARTS]
    assert all(abs((first + last) / 2 - x) <= 1.5 for (first, last), x in zip(ticks, expected_x))
    bars = column_runs(page, LANE_Y + 1)  # the closed span, then the ongoing span to the very end
    assert len(bars) == 2
    assert abs(bars[0][0] - expected_x[1]) <= 1.5 and abs(bars[0][1] - (12 + (width - 24) * 9 / 40)) <= 1.5
    assert abs(bars[1][0] - expected_x[4]) <= 1.5 and abs(bars[1][1] - expected_x[-1]) <= 1.5
    before = page.evaluate("document.querySelector('.timeline-ticks').width")
    page.set_viewport_size({"width": size[0] // 2 + 300, "height": size[1]})  # redrawn for the new width
    wait_until(page, f"document.querySelector('.timeline-ticks').width !== {before}")
    assert len(column_runs(page, RAIL_Y - 3)) == len(RULES_STARTS)


@pytest.mark.parametrize("path", ["window-rules/", "window-rules/embed.html"])
def test_targets_are_big_enough_and_the_bar_fits(open_page, size, path):
    page = open_at(open_page, "rules", path, size)
    for control in page.locator(".timeline button, .timeline-slider").all():
        box = control.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, (control.get_attribute("class"), box)
    bar = page.locator("#timeline").bounding_box()
    assert bar["x"] >= 0 and bar["x"] + bar["width"] <= size[0]
    assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
    for part in page.locator(".timeline-buttons, .timeline-date, .timeline-count, .timeline-window, .timeline-track").all():
        box = part.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= size[0], part.get_attribute("class")


def test_every_control_is_reachable_by_keyboard_with_visible_focus(open_page, size):
    page = open_at(open_page, "rules", "window-rules/", size)
    page.locator(".timeline-prev").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # keyboard focus, so :focus-visible applies
    reached = []
    for _ in range(5):
        reached.append(page.evaluate("""() => {
            const el = document.activeElement, style = getComputedStyle(el);
            return [el.className, el.matches(':focus-visible') && style.outlineStyle !== 'none'
                    && parseFloat(style.outlineWidth) >= 2];
        }"""))
        page.keyboard.press("Tab")
    assert reached == [["timeline-step timeline-prev", True], ["timeline-play", True],
                       ["timeline-step timeline-next", True], ["timeline-speed", True],
                       ["timeline-slider", True]]
    page.evaluate("storymap.setDate('2023-01-02')")
    page.locator(".timeline-next").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("storymap.date()") == "2023-01-03"
    page.locator(".timeline-speed").focus()
    page.keyboard.press("Space")
    assert page.locator(".timeline-speed").get_attribute("data-speed") == "2"
