"""`language: de` in the browser: the page's own strings and its slider dates are German."""
from __future__ import annotations


def test_german_page_speaks_german(open_page):
    page, watch = open_page("languages", "hafen-de/")
    assert page.evaluate("document.documentElement.lang") == "de"
    page.evaluate("storymap.setDate('2023-08-20')")
    assert page.locator("#timeline-slider").get_attribute("aria-valuetext") == "20. Aug. 2023"
    assert page.locator(".timeline-date").inner_text() == "20. Aug. 2023"
    assert "von" in page.locator(".timeline-count").inner_text()
    play = page.locator(".timeline-play")
    assert play.inner_text() == "Abspielen"
    play.click()
    assert play.inner_text() == "Anhalten"
    play.click()
    assert page.locator(".sm-legend summary").inner_text() == "Legende"
    assert not watch.problems()
