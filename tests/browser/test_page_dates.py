"""The timeline's dates and counts in several languages read exactly as the build's Babel writes
them (the event list's text for the same dates), from the patterns in the page data, and the page
makes no Intl formatter before it is ready: its first one costs tens of milliseconds."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from babel.dates import format_interval, format_skeleton
from babel.numbers import format_decimal

from storymap import i18n
from storymap.model import PartialDate, When

from .conftest import built_and_served, wait_until

LANGUAGES = ("en", "de", "fr", "ru", "uk", "ko", "hi", "ja")
FILLERS = 1000  # enough events for a count with a digit group: "1.003" in German
# Counts Intl formatters (and the toLocale*String calls that make one) made before the page's
# storymap:ready and after it; and keeps the text the timeline's canvas writes (its month names).
WATCH_INTL = """(() => {
  const counts = window.__intl = { before: 0, after: 0 };
  let ready = false;
  document.addEventListener('storymap:ready', () => { ready = true; });
  const count = () => { counts[ready ? 'after' : 'before']++; };
  for (const name of ['DateTimeFormat', 'NumberFormat', 'PluralRules', 'RelativeTimeFormat', 'ListFormat']) {
    if (!Intl[name]) { continue; }
    Intl[name] = new Proxy(Intl[name], {
      construct(target, args) { count(); return Reflect.construct(target, args); },
      apply(target, self, args) { count(); return Reflect.apply(target, self, args); } });
  }
  for (const [owner, name] of [[Date.prototype, 'toLocaleString'], [Date.prototype, 'toLocaleDateString'],
                               [Number.prototype, 'toLocaleString']]) {
    const original = owner[name];
    owner[name] = function () { count(); return original.apply(this, arguments); };
  }
  window.__canvasTexts = [];
  const fillText = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (text) {
    window.__canvasTexts.push(String(text));
    return fillText.apply(this, arguments);
  };
})();"""


def write_story(stories: Path, language: str, name: str, last: str, fillers: int) -> None:
    """A story in the language: a day, a day-to-day period, an approximate month, and `fillers`
    dated points between 15 Aug 2023 and `last`."""
    story = stories / name
    (story / "events").mkdir(parents=True)
    (story / "story.yaml").write_text(
        f"title: Dates\nsummary: Dates in {language}.\nbyline: Test desk\npublished: 2023-12-01\n"
        f"license: CC-BY-4.0\nlanguage: {language}\ntimeline: {{mode: window, window_days: 14}}\n", "utf-8")
    source = "sources: [{publisher: Test desk}]\nat: {lat: 42.4, lon: 130.6}\n"
    events = {"first": "date: 2023-08-15\n", "period": "start: 2023-09-03\nend: 2023-10-20\n",
              "month": "date: 2023-09\napproximate: true\n", "last": f"date: {last}\n"}
    for event_id, when in events.items():
        (story / "events" / f"{event_id}.yaml").write_text(f"title: The {event_id}\n{when}{source}", "utf-8")
    days = (dt.date.fromisoformat(last) - dt.date(2023, 8, 15)).days
    fill = [f"- title: Filler {n}\n  date: {dt.date(2023, 8, 15) + dt.timedelta(days=n % days)}\n"
            f"  at: {{lat: {40 + n % 10}, lon: {120 + n % 13}}}\n  sources: [{{publisher: Test desk}}]\n"
            for n in range(fillers)]
    (story / "events" / "fillers.yaml").write_text("".join(fill) or "[]\n", "utf-8")


@pytest.fixture(scope="module")
def dates_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("page-dates")
    for language in LANGUAGES:
        write_story(root / "stories", language, f"dates-{language}", "2023-11-30", FILLERS)
    for language in ("de", "ko"):  # over two years: a label at each year, not each month
        write_story(root / "stories", language, f"years-{language}", "2026-03-01", 0)
    (root / "data").mkdir()
    yield from built_and_served(root / "stories", root / "data", root / "site")


@pytest.fixture
def open_dates(browser, dates_site):
    contexts = []

    def opener(path: str):
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.add_init_script(WATCH_INTL)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(dates_site.url + path)
        wait_until(page, "document.documentElement.classList.contains('storymap-ready')")
        return page, errors

    yield opener
    for context in contexts:
        context.close()


def babel(language: str):
    """Babel's locale for the language's dates, as the event list uses it."""
    return i18n.date_locale(language)


def spell(text: str) -> str:
    """Text with its characters named where a space is not a plain one, for readable failures."""
    return text.replace("\u202f", "<NNBSP>").replace("\u00a0", "<NBSP>").replace("\u2009", "<THIN>")


@pytest.mark.parametrize("language", LANGUAGES)
def test_timeline_writes_dates_and_counts_as_babel(open_dates, language):
    page, errors = open_dates(f"dates-{language}/")
    locale = babel(language)
    assert page.evaluate("window.__intl.before") == 0
    # the ends of the rail, the label and the window (14 days: 22 Sept to 5 Oct, over a month's end)
    assert page.locator(".timeline-end-0").inner_text() == i18n.format_day(dt.date(2023, 8, 15), language)
    page.evaluate("storymap.setDate('2023-10-05')")
    assert spell(page.locator(".timeline-date").inner_text()) == spell(i18n.format_day(dt.date(2023, 10, 5), language))
    window = format_interval(dt.date(2023, 9, 22), dt.date(2023, 10, 5), "yMMMd", locale=locale)
    assert spell(window) in spell(page.locator(".timeline-window").inner_text())
    page.evaluate("storymap.setDate('2023-10-20')")  # within one month: "7–20 Oct 2023"
    window = format_interval(dt.date(2023, 10, 7), dt.date(2023, 10, 20), "yMMMd", locale=locale)
    assert spell(window) in spell(page.locator(".timeline-window").inner_text())
    # the count, with the language's digit groups
    page.evaluate("storymap.setDate('2023-11-30')")
    total = format_decimal(FILLERS + 4, locale=locale)
    assert spell(total) in spell(page.locator(".timeline-count").inner_text())
    # an approximate month: the label follows the event's precision, as the list writes it
    page.evaluate("storymap.focus('month')")
    month = i18n.format_when(When(PartialDate(2023, 9), approximate=True), language)
    wait_until(page, f"document.querySelector('.timeline-date').textContent === {month!r}", timeout=5_000)
    # a period from day to day in the caption: "3 Sept – 20 Oct 2023", as in the list
    page.evaluate("storymap.focus('period')")
    period = i18n.format_when(When(PartialDate(2023, 9, 3), PartialDate(2023, 10, 20), is_span=True), language)
    wait_until(page, f"document.querySelector('.timeline-caption').textContent.includes({period!r})", timeout=5_000)
    assert period in (page.locator("li.event[data-id='period']").text_content() or "")
    # the month names under the rail: September to November
    months = [format_skeleton("MMM", dt.date(2023, month, 1), locale=locale) for month in (9, 10, 11)]
    drawn = page.evaluate("window.__canvasTexts")
    assert drawn and set(drawn) <= set(months), (drawn, months)
    assert page.evaluate("window.__intl.before") == 0
    page.evaluate("new Intl.DateTimeFormat('en'); (5).toLocaleString()")  # the watch does count
    assert page.evaluate("window.__intl.after") == 2
    assert not errors


@pytest.mark.parametrize("language", ("de", "ko"))
def test_timeline_over_years_names_the_years_as_babel(open_dates, language):
    page, errors = open_dates(f"years-{language}/")
    years = {format_skeleton("y", dt.date(year, 1, 1), locale=babel(language)) for year in (2024, 2025, 2026)}
    drawn = page.evaluate("window.__canvasTexts")
    assert drawn and set(drawn) <= years, (drawn, years)
    assert page.evaluate("window.__intl.before") == 0
    assert not errors
