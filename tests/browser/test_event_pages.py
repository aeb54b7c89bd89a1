"""A long event list comes in pages: swapped in place with the script, plain links without it."""
from __future__ import annotations

from .conftest import wait_until


def list_ids(page):
    return page.locator(".event-list li.event").evaluate_all("nodes => nodes.map(n => n.dataset.id)")


def test_pager_swaps_the_list_in_place(open_page):
    page, _ = open_page("paged", "window-rules/")
    assert list_ids(page) == ["day-one", "closed-span", "no-place"]
    page.get_by_role("link", name="Next events").first.click()
    wait_until(page, "document.querySelector('.event-list').dataset.page === '2'")
    assert list_ids(page) == ["point-event", "ongoing-span", "month-date"]
    assert page.evaluate("location.pathname").endswith("/window-rules/")  # no navigation
    assert page.locator(".event-pager-range").inner_text() == "Events 4–6 of 7"
    page.get_by_role("link", name="Page 1").click()
    wait_until(page, "document.querySelector('.event-list').dataset.page === '1'")


def test_focusing_an_event_on_another_page_loads_it(open_page):
    page, _ = open_page("paged", "window-rules/")
    assert page.evaluate("storymap.focus('last-day')") is True
    assert page.evaluate("storymap.date()") == "2023-02-10"
    wait_until(page, "document.querySelector('.event-list').dataset.page === '3'")
    wait_until(page, "document.querySelector('.leaflet-popup-content .event-sources') !== null")
    assert page.locator(".leaflet-popup-content .event-title").inner_text() == "The last dated event"
    assert page.locator("#event-last-day").get_attribute("aria-current") == "true"


def test_deep_link_to_an_event_on_another_page(open_page):
    page, _ = open_page("paged", "window-rules/#event=month-date")
    wait_until(page, "document.querySelector('.event-list').dataset.page === '2'")
    assert page.locator("#event-month-date").get_attribute("aria-current") == "true"


def test_without_javascript_the_pages_are_linked(browser, sites):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(sites["paged"].url + "window-rules/")
    page.get_by_role("link", name="Next events").first.click()
    page.wait_for_url("**/events-2.html")
    assert list_ids(page) == ["point-event", "ongoing-span", "month-date"]
    page.get_by_role("link", name="Next events").first.click()
    assert list_ids(page) == ["last-day"]
    context.close()


def test_titles_of_events_on_pages_not_shown_come_with_their_page(open_page):
    """The page data holds no titles: the walk's caption, the slider's name for a day and the
    axis's tip read them from the list page that holds the event, fetched when need be."""
    page, _ = open_page("paged", "window-rules/")
    assert page.evaluate("JSON.parse(document.getElementById('storymap-data').textContent).events.title") is None
    assert page.evaluate("document.querySelector('.event-list').dataset.page") == "1"
    # The last event is on page 3: the caption names it once that page has come.
    page.evaluate("storymap.setDate('2023-02-09'); storymap.next()")
    wait_until(page, "document.querySelector('.timeline-caption-title').textContent === 'The last dated event'")
    # Something in February (page 2) starts on 2023-02-01: the slider, focused there, names it.
    page.evaluate("storymap.setDate('2023-02-01')")
    page.focus("#timeline-slider")
    wait_until(page, "document.querySelector('#timeline-slider').getAttribute('aria-valuetext')"
                     ".endsWith(': Something in February')")
    assert page.locator(".timeline-tip").inner_text().endswith(": Something in February")
