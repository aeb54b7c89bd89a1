"""Values from outside the page are data: a link's hash, the scripting interface's
arguments and a host's messages never stop the page, and prototype names such as
"constructor" find no event. Also the page's date helpers for any year."""
from __future__ import annotations

from urllib.parse import urlparse

import pytest

from storymap.render.assets import STATIC

from .conftest import Watch, serve, wait_until

OPENING = ("2023-10-02", ["arrival", "rail-leg"])  # the tiny story without a hash: its last day (open: end)
PROTOTYPE_NAMES = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"]
HOSTILE_HASHES = ["#event=%E0%A4%A", "#date=%", "#event=%", "#date=%E0%A4%A", "#event=constructor",
                  "#event=__proto__", "#event=toString", "#date=constructor", "#date=junk", "#date=2023-02-30",
                  "#date=99999-01-01", "#event=" + "x" * 100_000]


def state(page) -> tuple[str, list[str]]:
    return page.evaluate("storymap.date()"), page.evaluate("storymap.visibleEvents()")


def still_works(page) -> None:
    """The page answers, moves and focuses a real event after whatever came before."""
    assert page.evaluate("storymap.setDate('2023-09-10')") == "2023-09-10"
    assert page.evaluate("storymap.visibleEvents()") == ["arrival", "rail-leg", "sea-leg"]
    assert page.evaluate("storymap.focus('statement')") is True
    assert page.evaluate("storymap.date()") == "2023-10-02"
    assert page.locator("#event-statement").get_attribute("aria-current") == "true"


@pytest.mark.parametrize("page_name", ["", "embed.html"])
def test_a_hostile_hash_opens_the_page_as_without_one(open_page, sites, page_name):
    page, _ = open_page("tiny", f"tiny-story/{page_name}")
    for hash_value in HOSTILE_HASHES:
        page.goto("about:blank")
        page.goto(f"{sites['tiny'].url}tiny-story/{page_name}{hash_value}")
        wait_until(page, "window.storymap !== undefined", timeout=10_000)
        assert state(page) == (OPENING[0], OPENING[1]), hash_value[:40]
        assert page.locator(".event[aria-current]").count() == 0 and page.locator(".leaflet-popup").count() == 0
        still_works(page)


def test_a_hostile_hash_arriving_later_is_ignored(open_page):
    page, _ = open_page("tiny", "tiny-story/#date=2023-09-10")
    for hash_value in HOSTILE_HASHES[:8]:
        page.evaluate("(h) => { location.hash = h; }", hash_value)
        page.wait_for_timeout(20)  # hashchange is dispatched after the change
        assert page.evaluate("storymap.date()") == "2023-09-10", hash_value
    page.evaluate("location.hash = '#event=statement'")
    wait_until(page, "storymap.date() === '2023-10-02'")
    still_works(page)


def test_focus_on_prototype_names_and_non_strings_does_nothing(open_page):
    page, _ = open_page("tiny", "tiny-story/")
    for name in PROTOTYPE_NAMES:
        assert page.evaluate("(id) => storymap.focus(id)", name) is False, name
    for value in ("42", "null", "undefined", "{}", "[]", "['statement']", "{toString() { return 'statement'; }}"):
        assert page.evaluate(f"storymap.focus({value})") is False, value
    assert page.evaluate("storymap.focus('x'.repeat(1000000))") is False
    assert state(page) == (OPENING[0], OPENING[1])
    assert page.locator(".leaflet-popup").count() == 0
    assert page.evaluate("location.hash") == ""  # nothing was written for them
    still_works(page)


HOST = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Hostile host</title><link rel="icon" href="data:,"></head>
<body><iframe src="{src}" title="map" width="800" height="600"></iframe></body></html>
"""
HOSTILE_MESSAGES = """(frame) => {
  const w = document.querySelector('iframe').contentWindow, focus = 'storymap:focus', huge = 'x'.repeat(1000000);
  const messages = [
    {type: focus, id: 'constructor'}, {type: focus, id: '__proto__'}, {type: focus, id: 'toString'},
    {type: focus, id: 'hasOwnProperty'}, {type: focus, id: 42}, {type: focus, id: null}, {type: focus, id: {}},
    {type: focus, id: ['statement']}, {type: focus, id: huge}, {type: focus}, {id: 'constructor'},
    {type: 'storymap:setDate', date: '%'}, {type: 'storymap:setDate', date: 'constructor'},
    {type: 'storymap:setDate', date: huge}, {type: 'storymap:setDate', date: {}},
    {type: 'constructor'}, {type: '__proto__', id: 'statement'}, {type: {}}, {type: null},
    'storymap:focus', null, 0, [], huge, JSON.parse('{"__proto__": {"type": "storymap:focus", "id": "statement"}}'),
  ];
  messages.forEach((m) => w.postMessage(m, '*'));
}"""


def test_hostile_messages_from_another_origin_leave_the_frame_working(browser, sites, tmp_path):
    root = tmp_path / "host"
    root.mkdir()
    (root / "article.html").write_text(HOST.replace("{src}", sites["tiny"].url + "tiny-story/embed.html"), "utf-8")
    host = serve(root)
    context = browser.new_context()
    watch = Watch(sites["tiny"].url)
    try:
        context.route("**/*", lambda r: r.continue_() if urlparse(r.request.url).hostname == "127.0.0.1" else r.abort())
        page = context.new_page()
        page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
        page.on("console", watch.on_console)
        page.goto(host.url + "article.html")
        page.frame_locator("iframe").locator("#timeline-slider").wait_for()
        frame = next(f for f in page.frames if f.url.endswith("embed.html"))
        wait_until(frame, "window.storymap !== undefined")
        assert urlparse(page.url).port != urlparse(frame.url).port  # really two origins
        page.evaluate("window.received = []; addEventListener('message', (e) => received.push(e.data));")
        page.evaluate(HOSTILE_MESSAGES)
        frame.evaluate("new Promise((done) => setTimeout(done, 200))")  # every message handled by now
        assert state(frame) == (OPENING[0], OPENING[1])
        moved = "received.filter((m) => m.type === 'storymap:date' && m.date !== '%s')" % OPENING[0]
        assert page.evaluate(moved) == []  # nothing moved
        page.evaluate("document.querySelector('iframe').contentWindow.postMessage("
                      "{type: 'storymap:setDate', date: '2023-09-10'}, '*')")
        wait_until(page, "received.some((m) => m.type === 'storymap:date' && m.date === '2023-09-10')")
        page.evaluate("document.querySelector('iframe').contentWindow.postMessage("
                      "{type: 'storymap:focus', id: 'statement'}, '*')")
        wait_until(page, "received.some((m) => m.type === 'storymap:date' && m.date === '2023-10-02')")
        still_works(frame)
    finally:
        context.close()
        host.httpd.shutdown()
    assert watch.problems() == []


# --- the date helpers (util.js), evaluated on their own ----------------------------

def test_date_helpers_take_every_year_as_written(browser):
    """Date.UTC reads years 0-99 as 1900-1999; the helpers must not."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.add_script_tag(content=(STATIC / "js" / "util.js").read_text("utf-8"))

        def iso(text: str) -> str | None:
            return page.evaluate("(t) => { const ms = parseIsoDay(t); return isNaN(ms) ? null : isoFromMs(ms); }", text)

        def shift(text: str, months: int) -> str:
            return page.evaluate("([t, n]) => isoFromMs(shiftMonths(parseIsoDay(t), n))", [text, months])

        for day in ("0000-01-01", "0050-03-01", "0099-12-31", "0100-02-28", "1000-01-01", "2023-10-05", "9999-12-31"):
            assert iso(day) == day
            assert page.evaluate("(t) => parseIsoDay(t) === Date.parse(t + 'T00:00:00Z')", day), day
        assert iso("0050") == "0050-01-01" and iso("0007-06") == "0007-06-01"
        assert iso("0000-02-29") == "0000-02-29"  # year 0 is a leap year (1900 was not)
        assert iso("0100-02-29") is None and iso("2023-02-30") is None and iso("junk") is None
        assert shift("0099-12-31", 2) == "0100-02-28"
        assert shift("0004-01-31", 1) == "0004-02-29"
        assert shift("0050-01-15", -1) == "0049-12-15"
        assert shift("2023-01-31", 1) == "2023-02-28"
        assert page.evaluate("isoFromMs(Date.parse('+010000-01-01T00:00:00Z'))") == "+010000-01-01"
    finally:
        context.close()
