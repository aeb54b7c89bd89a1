"""`language: de` and `language: uk` in the browser: the page's own strings and its slider dates
are in the story's language."""
from __future__ import annotations

import datetime as dt
import re

from storymap import i18n


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


def test_ukrainian_page_speaks_ukrainian(open_page):
    page, watch = open_page("languages", "port-uk/")
    assert page.evaluate("document.documentElement.lang") == "uk"
    page.evaluate("storymap.setDate('2023-08-20')")
    # The slider writes what the list writes, from Babel's patterns in the page data: with Babel's
    # narrow no-break space before "р." (Chromium 156's own ICU would put a plain one).
    day = i18n.format_day(dt.date(2023, 8, 20), "uk")
    assert day == "20 серп. 2023\u202fр."
    assert page.locator("#timeline-slider").get_attribute("aria-valuetext") == day
    assert page.locator(".timeline-date").text_content() == day
    # 2 events on the map: "з 2 подій" (genitive plural); a 7-day window: "у 7 днів".
    assert re.fullmatch(r"показано \d з 2 подій", page.locator(".timeline-count").inner_text())
    assert page.locator(".timeline-window").inner_text().startswith("період у 7 днів: ")
    play = page.locator(".timeline-play")
    assert play.inner_text() == "Відтворити"
    play.click()
    assert play.inner_text() == "Пауза"
    play.click()
    assert page.locator(".sm-legend summary").inner_text() == "Умовні позначення"
    assert "Немає на мапі" in page.locator("#events").inner_text()
    assert not watch.problems()
