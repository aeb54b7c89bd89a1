"""The story page's layout at every size: map and timeline in the first screen on a
laptop; on an upright phone the map kept at the top while the list scrolls, the
event at the reading line shown on it; panels, legend and popups apart from
300 to 1440 px; Escape; print. Screenshots of each size go to SHOTS when set."""
from __future__ import annotations

import os

import pytest

from .conftest import OVERLAPPING, wait_until
from .test_a11y import violations

EXAMPLE = "nk-russia-munitions-2023/"
PLACELESS = "peskov-dismissal"   # an event without a place: its details go in the panel
LOCATED = "tumangang-railcars"   # an event at a place: its details are a popup
SIZES = {"1280x800": (1280, 800), "1440x900": (1440, 900), "768x1024": (768, 1024),
         "375x667": (375, 667), "320x568": (320, 568)}
PHONES = ["375x667", "320x568"]
SHOTS = os.environ.get("SHOTS")  # a folder for screenshots, to look at what a reader sees

BOX = "(s) => { const b = document.querySelector(s).getBoundingClientRect(); return {top: b.top, bottom: b.bottom, left: b.left, right: b.right}; }"
SELECTED = "(document.querySelector('.event.is-selected') || {}).dataset?.id || null"


def box(page, selector: str) -> dict:
    return page.evaluate(BOX, selector)


def scroll_item_to(page, event_id: str, y: float) -> None:
    """Scroll the page until the event's entry starts y px from the screen's top. Entries
    off screen have an estimated height (content-visibility), so it takes a few goes."""
    top = f"document.querySelector('li.event[data-id=\"{event_id}\"]').getBoundingClientRect().top"
    for _ in range(8):
        delta = page.evaluate(top) - y
        if abs(delta) < 2:
            return
        page.evaluate(f"window.scrollBy(0, {delta})")
        page.wait_for_timeout(100)
    raise AssertionError(f"{event_id} does not stay at {y}")


def uncovered(page, rect: dict) -> bool:
    """What the reader taps at the middle of rect is the popup's close button itself."""
    x, y = (rect["left"] + rect["right"]) / 2, (rect["top"] + rect["bottom"]) / 2
    return page.evaluate(f"!!document.elementFromPoint({x}, {y}).closest('.leaflet-popup-close-button')")


def legend_clear_of(page, details: str) -> bool:
    """The legend covers nothing of the details: apart, or stepped aside (hidden) while they show."""
    if page.evaluate("getComputedStyle(document.querySelector('.sm-legend')).visibility") == "hidden":
        return True
    return page.evaluate(OVERLAPPING, [".sm-legend", details]) == []


def shoot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name + ".png"))


@pytest.mark.parametrize("size", ["1280x800", "1440x900"])
def test_laptop_first_screen_holds_the_map_and_the_timeline(open_page, size):
    width, height = SIZES[size]
    page, _ = open_page("example", EXAMPLE, width, height)
    shoot(page, f"layout-{size}")
    frame, bar = box(page, ".map-frame"), box(page, "#timeline")
    assert frame["top"] >= 0 and bar["bottom"] <= height
    assert frame["bottom"] - frame["top"] >= 0.6 * height  # most of the screen is map
    assert page.locator("h1").is_visible() and page.locator(".story-summary").is_visible()
    assert violations(page) == []


@pytest.mark.parametrize("size", PHONES)
def test_phone_map_in_first_screen_and_kept_in_view_while_the_list_scrolls(open_page, size):
    width, height = SIZES[size]
    page, _ = open_page("example", EXAMPLE, width, height)
    shoot(page, f"layout-{size}")
    frame = box(page, ".map-frame")
    assert 0 <= frame["top"] and frame["bottom"] <= height and frame["bottom"] - frame["top"] >= 180
    # The summary is folded behind "Read more", which unfolds it (shown once the page is laid out).
    toggle = page.locator(".summary-toggle")
    wait_until(page, "!document.querySelector('.summary-toggle').hidden")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    folded = box(page, ".story-summary")
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true" and box(page, ".story-summary")["bottom"] > folded["bottom"] + 20
    toggle.click()
    page.evaluate("window.scrollTo(0, 1500)")
    page.wait_for_timeout(200)
    frame, bar = box(page, ".map-frame"), box(page, "#timeline")
    assert frame["top"] == pytest.approx(0, abs=1) and bar["bottom"] <= 0.75 * height
    # The room under the map, on the root alone (story.css's @property): were it inherited,
    # writing it would restyle every element of the page.
    room = "(node => getComputedStyle(node).getPropertyValue('--sticky-room'))"
    assert page.evaluate(f"{room}(document.documentElement)") == f"{round(bar['bottom'] - frame['top']) + 16}px"
    assert page.evaluate(f"{room}(document.body)") == ""
    shoot(page, f"layout-{size}-scrolled")
    assert violations(page) == []


@pytest.mark.parametrize("size", PHONES)
def test_phone_event_at_the_reading_line_is_shown_and_the_list_stays(open_page, size):
    page, _ = open_page("example", EXAMPLE, *SIZES[size])
    line = box(page, ".map-panel")["bottom"] - box(page, ".map-panel")["top"] + 24
    ids = page.locator(".event-list li.event").evaluate_all("nodes => nodes.map(n => n.dataset.id)")
    for target in (ids[4], ids[2]):  # down the list, then back up
        scroll_item_to(page, target, line - 10)
        wait_until(page, f"{SELECTED} === '{target}'", timeout=5000)
        scrolled = page.evaluate("scrollY")
        page.wait_for_timeout(1500)  # the map flies to it; the page does not move
        assert page.evaluate("scrollY") == scrolled
        assert page.evaluate(SELECTED) == target
        item = page.locator(f"li.event[data-id='{target}']")
        assert item.get_attribute("aria-current") == "true"
        assert page.locator(".leaflet-popup").count() == 0  # shown, not opened
    shoot(page, f"reading-{size}")


@pytest.mark.parametrize("size", PHONES)
def test_phone_tap_on_an_event_selects_it_without_moving_the_page(open_page, size):
    page, _ = open_page("example", EXAMPLE, *SIZES[size])
    item = page.locator(f"li.event[data-id='{LOCATED}']")
    panel = box(page, ".map-panel")
    scroll_item_to(page, LOCATED, panel["bottom"] - panel["top"] + 60)  # below the reading line
    page.wait_for_timeout(500)
    before = box(page, f"li.event[data-id='{LOCATED}']")["top"]
    item.locator(".event-title a").click()
    wait_until(page, f"{SELECTED} === '{LOCATED}'", timeout=5000)
    page.wait_for_timeout(1000)
    # The entry stays where the reader tapped it (the browser's scroll anchoring may
    # move the page by the few pixels the caption and the date's marker add above it).
    assert box(page, f"li.event[data-id='{LOCATED}']")["top"] == pytest.approx(before, abs=4)
    assert page.locator(".leaflet-popup").count() == 1  # a tap opens the details on the map in view
    close = box(page, ".leaflet-popup-close-button")
    frame = box(page, ".map-frame")
    assert frame["left"] <= close["left"] and close["right"] <= frame["right"] and close["top"] >= frame["top"]
    assert uncovered(page, close)  # nor under the legend or the note that the tiles did not load
    shoot(page, f"tap-{size}")


def test_tablet_bar_covers_neither_the_scale_nor_the_legend(open_page):
    page, _ = open_page("example", EXAMPLE, 768, 1024)
    shoot(page, "layout-768x1024")
    page.evaluate("document.querySelector('.sm-legend').open = true")
    for y in (0, 600, 2000):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(100)
        assert page.evaluate(OVERLAPPING, ["#timeline", ".leaflet-control-scale"]) == []
        assert page.evaluate(OVERLAPPING, ["#timeline", ".sm-legend"]) == []
        assert box(page, ".leaflet-control-scale")["bottom"] <= 1024
    assert violations(page) == []


@pytest.mark.parametrize("width", [300, 375, 768, 1280, 1440])
def test_legend_panel_and_popup_keep_apart(open_page, width):
    height = {300: 568, 375: 667, 768: 1024}.get(width, 800)
    page, _ = open_page("example", EXAMPLE, width, height)
    page.evaluate("document.querySelector('.sm-legend').open = true")
    page.evaluate(f"storymap.focus('{PLACELESS}'); null")
    page.wait_for_selector(".sm-placeless:not([hidden])")
    assert legend_clear_of(page, ".sm-placeless")
    shoot(page, f"placeless-{width}")
    page.evaluate(f"storymap.focus('{LOCATED}'); null")
    page.wait_for_selector(".leaflet-popup")
    page.wait_for_timeout(800)  # the map's move, then the popup's own
    assert legend_clear_of(page, ".leaflet-popup-content-wrapper")
    close, frame = box(page, ".leaflet-popup-close-button"), box(page, ".map-frame")
    assert frame["left"] <= close["left"] and close["right"] <= min(frame["right"], width)
    assert frame["top"] <= close["top"] and close["bottom"] <= frame["bottom"]
    assert uncovered(page, close)
    shoot(page, f"popup-{width}")


def test_escape_from_the_list_closes_the_details(open_page):
    page, _ = open_page("example", EXAMPLE, 1280, 800)
    link = page.locator(f"li.event[data-id='{LOCATED}'] .event-title a")
    link.click()
    page.wait_for_selector(".leaflet-popup")
    assert page.evaluate("document.activeElement.closest('.event-list') !== null")
    page.keyboard.press("Escape")
    wait_until(page, "document.querySelector('.leaflet-popup') === null", timeout=3000)
    assert page.evaluate(SELECTED) is None
    assert page.evaluate("document.activeElement.closest('.event-list') !== null")  # focus stays put
    # The panel of an event without a place closes too, and focus inside it goes back to the list.
    page.evaluate(f"storymap.focus('{PLACELESS}'); null")
    page.locator(".sm-placeless-close").focus()
    page.keyboard.press("Escape")
    assert page.locator(".sm-placeless").is_hidden()
    assert page.evaluate("document.activeElement.closest('li.event')?.dataset.id") == PLACELESS


def test_print_shows_the_picture_credits_and_address(open_page, sites):
    page, _ = open_page("example", EXAMPLE, 1280, 800)
    page.emulate_media(media="print")
    picture = page.locator(".map-print img")
    assert picture.is_visible()
    wait_until(page, "document.querySelector('.map-print img').naturalWidth === 1200", timeout=5000)
    for shown in (".data-license:not(.places-credit)", ".places-credit", ".basemap-credit", ".print-address"):
        assert page.locator(shown).is_visible(), shown
    assert page.locator(".basemap-credit").inner_text().startswith("Map:")
    address = page.evaluate("getComputedStyle(document.querySelector('.print-address'), '::after').content")
    assert address == f'"{sites["example"].url}{EXAMPLE}"'
    for hidden in (".downloads ul", ".downloads h2", ".map-panel", ".summary-toggle"):
        assert page.locator(hidden).is_hidden(), hidden
    if SHOTS:
        page.pdf(path=os.path.join(SHOTS, "print.pdf"))
    page.emulate_media(media="screen")
    assert page.locator(".map-print").is_hidden() and page.locator(".print-address").is_hidden()
