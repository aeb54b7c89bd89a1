"""Reading a story: on a phone (no sideways scrolling, 44 px touch targets, the
timeline within reach), without JavaScript (the list tells the whole story), and
on paper (print styles, and a PDF that carries every event)."""
from __future__ import annotations

import re
import textwrap
import unicodedata
import zlib

import pytest

from storymap import i18n, pipeline
from storymap.render import pages

from ..pagedata_reading import read_page_data
from .conftest import OVERLAPPING, SITES, serve, wait_until

PHONES = {"375x667": (375, 667), "320x568": (320, 568)}
EXAMPLE = "nk-russia-munitions-2023/"
LONG = "L" + "o" * 150 + "ng"
LONG_URL = "https://example.org/" + "/".join(["a-very-long-path-segment-without-any-break"] * 4)

# A story whose every text field is one long unbroken word or URL.
LONG_STORY = {
    "story.yaml": f"""\
        title: {LONG}
        summary: "{LONG} <{LONG_URL}>"
        byline: {LONG}
        published: 2023-10-18
        license: {LONG[:90]}
        places:
          - {{id: long-place, name: {LONG}, kind: depot, lat: 45.89, lon: 40.04}}
        corrections:
          - date: 2023-10-19
            text: {LONG}
        """,
    "events/events.yaml": f"""\
        - id: long-one
          title: {LONG}
          date: 2023-10-05
          place: long-place
          description: |
            {LONG} {LONG_URL} [{LONG}]({LONG_URL})

                an indented code block: {LONG}
          sources:
            - publisher: {LONG}
              url: {LONG_URL}
            - publisher: P
              title: {LONG}
              url: {LONG_URL}
              archive: {LONG_URL}
        - id: long-two
          title: {LONG}
          date: 2023-10-07
          kind: statement
          sources: [{{publisher: {LONG}}}]
        """,
}


@pytest.fixture(scope="module")
def long_words(sites, tmp_path_factory):
    """The long-words story built and served as site "long", for open_page."""
    root = tmp_path_factory.mktemp("long")
    for name, text in LONG_STORY.items():
        path = root / "stories" / "long-words" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), "utf-8")
    (root / "data").mkdir()
    result = pipeline.build(root / "stories", root / "data", root / "site")
    assert not result.problems, [p.as_text() for p in result.problems]
    sites["long"] = serve(root / "site")
    yield "long"
    sites.pop("long").httpd.shutdown()


def model_of(site_name: str, story_id: str):
    stories, data = SITES[site_name]
    return next(m for m in pipeline.check(stories, data).models if m.story.id == story_id)


def open_without_script(browser, url: str, width: int = 1280, height: int = 800):
    context = browser.new_context(java_script_enabled=False, viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(url)
    return context, page


# --- phones ----------------------------------------------------------------------

OVERFLOW_PAGES = [("example", EXAMPLE), ("example", EXAMPLE + "embed.html"), ("example", ""),
                  ("xss", "xss-story/"), ("xss", "xss-story/embed.html"), ("xss", ""),
                  ("long", "long-words/"), ("long", "long-words/embed.html"), ("long", ""),
                  ("paged", "window-rules/events-2.html")]


def scroll_width(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


@pytest.mark.parametrize("size", PHONES)
@pytest.mark.parametrize("site_name, path", OVERFLOW_PAGES, ids=[f"{s}:{p or 'index'}" for s, p in OVERFLOW_PAGES])
def test_no_sideways_scrolling_on_a_phone(open_page, long_words, site_name, path, size):
    page, _ = open_page(site_name, path, *PHONES[size], wait_ready=path.endswith(("/", "embed.html")))
    if path.endswith("embed.html"):
        page.locator(".embed-events summary").click()
    if site_name != "example" and path.endswith("/"):
        first = read_page_data(page)["events"]["id"][0]
        page.evaluate(f"storymap.focus('{first}')")  # its details open on the map too
    width, viewport = scroll_width(page)
    assert width <= viewport


@pytest.mark.parametrize("site_name, path", [("long", "long-words/"), ("xss", "xss-story/")])
def test_no_sideways_scrolling_without_javascript(browser, sites, long_words, site_name, path):
    context, page = open_without_script(browser, sites[site_name].url + path, 320, 568)
    width, viewport = scroll_width(page)
    context.close()
    assert width <= viewport


# Links inside running text are exempt (WCAG 2.5.5 and 2.5.8, "inline"): sources,
# descriptions, summaries, corrections, the licence line and the map attribution.
INLINE_TEXT = (".event-description, .event-sources, .story-summary, .corrections, .data-license, "
               ".basemap-credit, .leaflet-control-attribution, .sm-tiles-failed")
SMALL_TARGETS = """(inline) => {
  const found = [];
  for (const el of document.querySelectorAll(
      'a[href], button, input, select, textarea, summary, [role=button], [tabindex]:not([tabindex="-1"])')) {
    if (el.closest(inline) || el.closest('[hidden]')) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || el.getClientRects().length === 0) continue;
    const r = el.getBoundingClientRect();
    if (r.width <= 1 && r.height <= 1) continue;  // a visually hidden label, not a target
    if (r.width < 43.99 || r.height < 43.99) {  // 44 px, give or take sub-pixel rounding
      found.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 30)}" ` +
                 `${r.width.toFixed(2)}x${r.height.toFixed(2)}`);
    }
  }
  return found;
}"""

TARGET_PAGES = [("example", EXAMPLE), ("example", EXAMPLE + "embed.html"), ("example", ""),
                ("paged", "window-rules/"), ("paged", "window-rules/events-2.html"), ("tiny", "tiny-story/")]


@pytest.mark.parametrize("size", PHONES)
@pytest.mark.parametrize("site_name, path", TARGET_PAGES, ids=[f"{s}:{p or 'index'}" for s, p in TARGET_PAGES])
def test_every_control_is_a_44px_touch_target(open_page, site_name, path, size):
    page, _ = open_page(site_name, path, *PHONES[size], wait_ready=path.endswith(("/", "embed.html")))
    assert page.evaluate(SMALL_TARGETS, INLINE_TEXT) == []
    if path.endswith("embed.html"):
        page.locator(".embed-events summary").click()  # the list's links, now showing
        assert page.evaluate(SMALL_TARGETS, INLINE_TEXT) == []
    if path.endswith(("/", "embed.html")) and path:
        page.locator(".sm-legend summary").click()  # the legend opened, and an event's details on the map
        data = read_page_data(page)["events"]
        located = [i for i, geo in zip(data["id"], data["geo"]) if geo is not None]
        page.emulate_media(reduced_motion="reduce")  # no zoom animation scaling the popup while it is measured
        page.evaluate(f"storymap.focus('{located[0]}')")
        wait_until(page, "!document.querySelector('.leaflet-zoom-anim')")
        assert page.locator(".leaflet-popup-close-button").is_visible()
        assert page.evaluate(SMALL_TARGETS, INLINE_TEXT) == []


def test_tiny_story_placeless_panel_close_is_44px(open_page):
    page, _ = open_page("tiny", "tiny-story/", *PHONES["320x568"])
    page.evaluate("storymap.focus('statement')")
    box = page.locator(".sm-placeless-close").bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44


def test_skip_link_is_a_44px_target_when_focused(open_page):
    page, _ = open_page("example", EXAMPLE, *PHONES["375x667"])
    page.keyboard.press("Tab")
    link = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    box = link.bounding_box()
    assert box["y"] >= 0 and box["height"] >= 44 and box["width"] >= 44


def rect(page, selector: str) -> dict:
    return page.evaluate(f"(() => {{ const r = document.querySelector({selector!r}).getBoundingClientRect();"
                         " return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; })()")


@pytest.mark.parametrize("size", PHONES)
def test_timeline_stays_within_reach_while_reading_the_list(open_page, size):
    width, height = PHONES[size]
    page, _ = open_page("example", EXAMPLE, width, height)
    ids = page.locator(".event-list li.event").evaluate_all("nodes => nodes.map(n => n.id)")
    for event_id in ids[::3] + ids[-1:]:
        page.evaluate(f"document.getElementById('{event_id}').scrollIntoView({{block: 'center'}})")
        bar = rect(page, ".timeline")
        assert 0 <= bar["top"] and bar["bottom"] <= height + 0.5, event_id
        slider = rect(page, "#timeline-slider")
        x, y = (slider["left"] + slider["right"]) / 2, (slider["top"] + slider["bottom"]) / 2
        assert page.evaluate(f"document.elementFromPoint({x}, {y}).id") == "timeline-slider", event_id
    # Scrolled to, the last event is not hidden under the map and bar kept at the top.
    last = page.locator(".event-list li.event").last
    last.evaluate("n => n.scrollIntoView({block: 'end'})")
    item = rect(page, f"#{ids[-1]}")
    x, y = (item["left"] + item["right"]) / 2, item["bottom"] - 4
    assert page.evaluate(f"document.getElementById('{ids[-1]}').contains(document.elementFromPoint({x}, {y}))")
    # Focusing the slider may scroll the page: that selects nothing (the reading line waits for
    # the reader's own scroll), and the slider then still moves the map.
    state = "[storymap.date(), (document.querySelector('.event.is-selected') || {}).id || null, window.scrollY]"
    page.wait_for_timeout(300)
    before = page.evaluate(state)
    page.evaluate("document.getElementById('timeline-slider').focus()")
    page.wait_for_timeout(600)
    after = page.evaluate(state)
    assert after[:2] == before[:2], (before, after)
    page.keyboard.press("End")
    assert page.evaluate("storymap.date()") == model_of("example", "nk-russia-munitions-2023").end.isoformat()


@pytest.mark.parametrize("size", [pytest.param((667, 375), id="667x375"), pytest.param((568, 320), id="568x320"),
                                  pytest.param(PHONES["375x667"], id="375x667")])
def test_the_whole_map_fits_above_the_timeline_bar(open_page, size):
    # Landscape phones too: with the map at the top of the screen, its credit
    # line is not hidden under the timeline kept at the screen's foot.
    page, _ = open_page("example", EXAMPLE, *size)
    page.evaluate("document.querySelector('.map-frame').scrollIntoView({behavior: 'instant'})")
    frame, bar = rect(page, ".map-frame"), rect(page, ".timeline")
    assert frame["top"] >= -0.5 and frame["bottom"] <= bar["top"] + 0.5
    assert frame["bottom"] - frame["top"] >= 180  # still a usable map
    credit = rect(page, ".leaflet-control-attribution")
    assert credit["bottom"] <= bar["top"] + 0.5


@pytest.mark.parametrize("size", PHONES)
def test_keyboard_focus_in_the_list_is_never_under_the_timeline(open_page, size):
    page, _ = open_page("example", EXAMPLE, *PHONES[size])
    page.locator(".event-list .event-title a").first.focus()  # scrolled into view by the browser
    steps = 0
    while page.evaluate("!!document.activeElement.closest('.event-list')"):
        focused = page.evaluate("""(() => { const r = document.activeElement.getBoundingClientRect();
            return {top: r.top, bottom: r.bottom, text: document.activeElement.textContent.slice(0, 40)}; })()""")
        bar = rect(page, ".timeline")
        assert focused["bottom"] <= bar["top"] + 0.5 or focused["top"] >= bar["bottom"] - 0.5, focused
        page.keyboard.press("Tab")
        steps += 1
    assert steps > 16  # every event's title and source links were visited


def test_map_region_keeps_its_name_on_a_phone(open_page):
    page, _ = open_page("example", EXAMPLE, *PHONES["375x667"])
    label = i18n.strings("en")["map_label"]
    assert page.get_by_role("region", name=label).count() >= 1


MAP_CONTROLS = [".leaflet-control-zoom", ".leaflet-control-scale", ".leaflet-control-attribution",
                ".sm-tiles-failed", ".sm-legend"]

SCALE_LABELS_CLIPPED = """() => [...document.querySelectorAll('.leaflet-control-scale-line')].filter(line => {
  const text = document.createRange(), style = getComputedStyle(line);
  text.selectNodeContents(line);
  const room = line.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return text.getBoundingClientRect().width > room + 0.5;
}).map(line => line.textContent)"""


@pytest.mark.parametrize("path, size", [
    pytest.param(EXAMPLE + "embed.html", (300, 560), id="embed-300"),
    pytest.param(EXAMPLE, PHONES["320x568"], id="page-320"),
    pytest.param(EXAMPLE, PHONES["375x667"], id="page-375"),
    pytest.param(EXAMPLE, (1280, 800), id="page-desktop"),
])
def test_map_controls_never_cover_each_other(open_page, path, size):
    # Offline the tiles note joins the zoom buttons, scale, credit and legend.
    page, _ = open_page("example", path, *size)
    page.wait_for_selector(".sm-tiles-failed")
    assert page.evaluate(OVERLAPPING, MAP_CONTROLS) == []
    # Nor is a scale label clipped by its own bar ("1000 m" for "1000 mi").
    assert page.evaluate(SCALE_LABELS_CLIPPED) == []


def test_scale_labels_fit_their_bars_at_every_quarter_zoom(open_page):
    # Leaflet's bar is half to all of its maxWidth: the longest labels ("1000 km",
    # "5000 ft") must fit the shortest bar, at any zoom the reader can reach.
    page, _ = open_page("example", EXAMPLE, *PHONES["375x667"])
    clipped = page.evaluate("""() => {
        const map = window.map_storymap, found = [], clippedLabels = %s;
        for (let zoom = 1; zoom <= 12; zoom += 0.25) {
            for (const lat of [0, 42, 65]) {
                map.setView([lat, 130], zoom, {animate: false});
                const labels = clippedLabels();
                if (labels.length) { found.push([zoom, lat, labels]); }
            }
        }
        return found;
    }""" % SCALE_LABELS_CLIPPED)
    assert clipped == []


# --- without JavaScript --------------------------------------------------------------

@pytest.mark.parametrize("size", [(1280, 800), PHONES["375x667"]], ids=["desktop", "phone"])
def test_without_javascript_every_event_is_told_in_order(browser, sites, size):
    model = model_of("rules", "window-rules")
    context, page = open_without_script(browser, sites["rules"].url + "window-rules/", *size)
    try:
        assert page.locator(".nojs-note").is_visible()
        assert "JavaScript" in page.locator(".nojs-note").inner_text()
        assert not page.locator(".map-panel").is_visible() and not page.locator(".timeline").is_visible()
        assert page.locator("h1").is_visible() and page.locator(".story-summary").is_visible()
        items = page.locator(".event-list li.event")
        assert items.evaluate_all("nodes => nodes.map(n => n.dataset.id)") == [t.event.id for t in model.events]
        for view, item in zip(pages.event_views(model), items.all()):
            assert item.is_visible()
            assert item.locator(".event-title").inner_text() == view.event.title
            time = item.locator("time")
            assert time.is_visible() and time.inner_text() == view.label
            assert time.get_attribute("datetime") == view.event.when.start.iso
            assert item.locator(".event-confidence").is_visible()
            sources = item.locator(".event-sources")
            assert sources.is_visible()
            for source in view.sources:
                assert source.publisher in sources.inner_text()
        width, viewport = scroll_width(page)
        assert width <= viewport
    finally:
        context.close()


def test_without_javascript_the_embed_shows_the_picture_and_the_list(browser, sites):
    context, page = open_without_script(browser, sites["example"].url + EXAMPLE + "embed.html", 300, 560)
    try:
        picture = page.locator(".map-preview img")
        assert picture.is_visible() and picture.evaluate("img => img.complete && img.naturalWidth") == 1200
        assert "How North Korean munitions" in picture.get_attribute("alt")  # the title and places, in words
        assert page.locator(".nojs-note").is_visible() and not page.locator(".timeline").is_visible()
        page.locator(".embed-events summary").click()  # the list unfolds without any script
        assert page.locator(".event-list li.event").first.is_visible()
        width, viewport = scroll_width(page)
        assert width <= viewport
    finally:
        context.close()


def test_without_javascript_the_pager_links_reach_every_event(browser, sites):
    model = model_of("rules", "window-rules")
    context, page = open_without_script(browser, sites["paged"].url + "window-rules/", *PHONES["375x667"])
    try:
        seen = []
        while True:
            seen += page.locator(".event-list li.event").evaluate_all("nodes => nodes.map(n => n.dataset.id)")
            pager = page.locator(".event-pager")
            assert pager.is_visible()
            following = page.locator(".event-pager a[rel=next]")
            if not following.count():
                break
            following.click()
            page.wait_for_load_state()
        assert seen == [t.event.id for t in model.events]
        # The numbered links, and the way back to the story page's list.
        page.get_by_role("link", name="Page 2").click()
        page.wait_for_url("**/events-2.html")
        page.get_by_role("link", name="Page 1").click()
        page.wait_for_url("**/window-rules/index.html#events")
        assert page.locator(".event-list li.event").first.get_attribute("data-id") == model.events[0].event.id
    finally:
        context.close()


# --- print ---------------------------------------------------------------------

def computed(page, selector: str, prop: str, pseudo: str | None = None) -> list[str]:
    return page.locator(selector).evaluate_all(
        f"(nodes) => nodes.map(n => getComputedStyle(n, {pseudo!r} || null).getPropertyValue({prop!r}))"
        if pseudo else f"(nodes) => nodes.map(n => getComputedStyle(n).getPropertyValue({prop!r}))")


def test_print_styles_show_the_story_and_hide_the_controls(open_page):
    page, _ = open_page("example", EXAMPLE + "#event=tumangang-railcars")
    page.emulate_media(media="print")
    for chrome in (".skip-link", ".map-panel", ".timeline", ".embed-code", ".event-pager ul"):
        assert set(computed(page, chrome, "display")) <= {"none"}, chrome
    for shown in ("h1", ".story-summary", ".story-meta", ".event-list li.event", ".event-meta", ".event-sources"):
        assert "none" not in computed(page, shown, "display"), shown
    assert set(computed(page, ".event-list li.event", "break-inside")) == {"avoid"}
    assert set(computed(page, ".event-list li.event", "content-visibility")) == {"visible"}
    for text in ("body", "h1", ".story-meta", ".event-meta", ".event-sources", ".event-sources a", ".event.is-selected"):
        assert set(computed(page, text, "color")) == {"rgb(0, 0, 0)"}, text
    assert set(computed(page, ".event-list li.event", "background-color")) == {"rgba(0, 0, 0, 0)"}
    titled = ".event-sources a[href^='http']:not(.source-url)"
    hrefs = page.locator(titled).evaluate_all("nodes => nodes.map(n => n.getAttribute('href'))")
    after = computed(page, titled, "content", "::after")
    assert hrefs and all('" (" attr(href) ")"' == a or href in a for href, a in zip(hrefs, after))
    assert set(computed(page, titled, "overflow-wrap", "::after")) == {"anywhere"}
    # A source with no title shows its address as the link text: printed once, not twice.
    bare = page.locator(".event-sources a.source-url")
    assert bare.count() and all(bare.nth(i).inner_text() == bare.nth(i).get_attribute("href")
                                for i in range(bare.count()))
    assert set(computed(page, ".event-sources a.source-url", "content", "::after")) == {"none"}


def pdf_text(data: bytes) -> str:
    """The text of a PDF that Chromium (Skia) wrote: Flate-compressed content
    streams showing glyphs of Identity-H fonts, mapped back through each font's
    ToUnicode table. Enough for these tests, far from a general PDF reader."""
    objects = {int(m.group(1)): m.group(2) for m in re.finditer(rb"(\d+) 0 obj\s*(.*?)endobj", data, re.S)}

    def stream(number: int) -> bytes:
        body = objects[number]
        raw = re.search(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S).group(1)
        return zlib.decompress(raw) if b"/FlateDecode" in body[:body.find(b"stream")] else raw

    def to_unicode(number: int) -> dict[int, str]:
        table, text = {}, stream(number)
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
            for code, chars in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                table[int(code, 16)] = bytes.fromhex(chars.decode()).decode("utf-16-be")
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
            for low, high, first in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                    table[code] = chr(int(first, 16) + offset)
        return table

    shown = []
    for body in objects.values():
        if not re.match(rb"<<\s*/Type /Page\b(?!s)", body):
            continue
        fonts = {name: to_unicode(int(re.search(rb"/ToUnicode (\d+) 0 R", objects[int(ref)]).group(1)))
                 for name, ref in re.findall(rb"/(F\d+) (\d+) 0 R", body)}
        contents = stream(int(re.search(rb"/Contents (\d+) 0 R", body).group(1)))
        font: dict[int, str] = {}
        for op in re.finditer(rb"/(F\d+) [\d.]+ Tf|\[(.*?)\]\s*TJ|<([0-9A-Fa-f]*)>\s*Tj", contents, re.S):
            if op.group(1):
                font = fonts[op.group(1)]
                continue
            for run in re.findall(rb"<([0-9A-Fa-f]*)>", op.group(2) or b"<" + op.group(3) + b">"):
                shown.append("".join(font.get(int(run[i:i + 4], 16), "\ufffd") for i in range(0, len(run), 4)))
    return "".join(shown)


def squeeze(text: str) -> str:
    """Ligatures undone and white space dropped: line breaks fall anywhere on paper."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def test_printed_pdf_carries_every_event_with_its_date_and_sources(open_page):
    page, _ = open_page("example", EXAMPLE)
    text = squeeze(pdf_text(page.pdf(format="A4")))
    model = model_of("example", "nk-russia-munitions-2023")
    assert squeeze(model.story.title) in text and squeeze(model.story.byline) in text
    for view in pages.event_views(model):
        assert squeeze(view.event.title) in text, view.event.id
        assert squeeze(view.label) in text, view.event.id
        for source in view.sources:
            assert squeeze(source.publisher) in text, (view.event.id, source.publisher)
            if source.url and source.title:  # the address follows the title
                assert squeeze(f"({source.url})") in text, source.url
            elif source.url:  # the address is the link text, printed once
                assert squeeze(source.url) in text and squeeze(f"({source.url})") not in text, source.url
    assert squeeze(i18n.strings("en")["embed"]) not in text  # the embed code stays on screen
