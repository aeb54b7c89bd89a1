"""embed.html inside a host page of another origin (two 127.0.0.1 ports): the
iframe sized from storymap:height, driven by storymap:setDate and storymap:focus,
reporting storymap:date; and the embed usable 300 px wide."""
from __future__ import annotations

from urllib.parse import urlparse

import pytest

from .conftest import Watch, serve, wait_until

HOST_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Host article</title>
<link rel="icon" href="data:,">
<script>
window.received = [];
window.addEventListener("message", function (e) { window.received.push(e.data); });
</script></head>
<body style="margin:0">
<h1>An article about shipments</h1>
<div style="width:{width}">{embed}</div>
<p>The article goes on after the map.</p>
</body></html>
"""


@pytest.fixture
def host(browser, sites, open_page, tmp_path):
    """host(width) -> (page, frame): the story page's own embed code pasted into a page on another port."""
    story, _ = open_page("tiny", "tiny-story/")
    code = story.locator("#embed-code").text_content()
    servers, contexts, watches = [], [], []

    def opener(width: str = "100%", viewport: tuple[int, int] = (1280, 800)):
        root = tmp_path / f"host-{len(servers)}"
        root.mkdir()
        (root / "article.html").write_text(HOST_PAGE.replace("{width}", width).replace("{embed}", code), "utf-8")
        server = serve(root)
        servers.append(server)
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        contexts.append(context)
        context.route("**/*", lambda r: r.continue_() if urlparse(r.request.url).hostname == "127.0.0.1"
                      else r.abort())
        watch = Watch(sites["tiny"].url)
        watches.append(watch)
        page = context.new_page()
        page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
        page.on("console", watch.on_console)
        page.goto(server.url + "article.html")
        frame = page.frame_locator("iframe[data-storymap]")
        frame.locator("#timeline-slider").wait_for()
        inner = next(f for f in page.frames if f.url.endswith("embed.html"))
        wait_until(inner, "window.storymap !== undefined")
        return page, inner

    yield opener
    for context in contexts:
        context.close()
    for server in servers:
        server.httpd.shutdown()
    assert [p for w in watches for p in w.problems()] == []


def test_embed_code_points_at_the_absolute_embed_address(open_page, sites):
    page, _ = open_page("tiny", "tiny-story/")
    code = page.locator("#embed-code").text_content()
    assert f'src="{sites["tiny"].url}tiny-story/embed.html"' in code
    assert "storymap:height" in code and "data-storymap" in code


def test_host_on_another_origin_sizes_the_iframe_from_its_messages(host, sites):
    page, frame = host()
    assert urlparse(page.url).port != urlparse(frame.url).port  # really two origins
    wait_until(page, "document.querySelector('iframe').style.height !== ''")
    content = frame.evaluate("document.documentElement.scrollHeight")
    assert page.evaluate("document.querySelector('iframe').getBoundingClientRect().height") == pytest.approx(content, abs=1)
    assert frame.evaluate("document.documentElement.scrollHeight <= innerHeight")  # no inner scrollbar
    heights = [m["height"] for m in page.evaluate("received") if m.get("type") == "storymap:height"]
    assert heights and heights[-1] == content
    # Opening the event list makes the frame taller, and the host follows.
    frame.locator(".embed-events summary").click()
    wait_until(page, f"document.querySelector('iframe').getBoundingClientRect().height > {content + 50}")


def test_host_drives_the_frame_and_hears_its_date(host):
    page, frame = host()
    wait_until(page, "received.some(m => m.type === 'storymap:date')")  # the opening date
    page.evaluate("""document.querySelector('iframe').contentWindow.postMessage(
        {type: 'storymap:setDate', date: '2023-09-10'}, '*')""")
    wait_until(frame, "storymap.date() === '2023-09-10'")
    wait_until(page, "received.some(m => m.type === 'storymap:date' && m.date === '2023-09-10')")
    assert frame.evaluate("storymap.visibleEvents()") == ["arrival", "rail-leg", "sea-leg"]
    page.evaluate("""document.querySelector('iframe').contentWindow.postMessage(
        {type: 'storymap:focus', id: 'statement'}, '*')""")
    wait_until(frame, "storymap.date() === '2023-10-02'")
    wait_until(page, "received.some(m => m.type === 'storymap:date' && m.date === '2023-10-02')")
    # Messages of the wrong shape are ignored, not errors.
    page.evaluate("""const w = document.querySelector('iframe').contentWindow;
        w.postMessage('storymap:setDate', '*'); w.postMessage({type: 'storymap:setDate', date: 7}, '*');
        w.postMessage({type: 'storymap:focus', id: 'no-such-event'}, '*');""")
    page.wait_for_timeout(100)
    assert frame.evaluate("storymap.date()") == "2023-10-02"


def test_embed_is_usable_300_px_wide_with_attribution_visible(host):
    page, frame = host(width="300px", viewport=(360, 740))
    wait_until(page, "document.querySelector('iframe').style.height !== ''")
    assert frame.evaluate("innerWidth") == 300
    assert frame.evaluate("document.documentElement.scrollWidth") <= 300  # no sideways scrolling
    for selector in (".timeline-play", "#timeline-slider", ".embed-events summary"):
        box = frame.locator(selector).bounding_box()
        assert box and box["width"] > 0 and box["x"] >= 0 and box["x"] + box["width"] <= 300, selector
    # The basemap credit is on screen, inside the map and not covered by another control.
    covered = frame.evaluate("""(() => {
        const a = document.querySelector('.leaflet-control-attribution');
        const r = a.getBoundingClientRect(), m = document.querySelector('.folium-map').getBoundingClientRect();
        if (r.width === 0 || r.left < m.left || r.right > m.right || r.bottom > m.bottom) return 'outside';
        for (const [x, y] of [[r.left + 2, r.top + 2], [r.right - 2, r.bottom - 2], [(r.left + r.right) / 2, (r.top + r.bottom) / 2]]) {
            if (!a.contains(document.elementFromPoint(x, y))) return 'covered at ' + x + ',' + y;
        }
        return '';
    })()""")
    assert covered == ""
    assert "OpenStreetMap" in frame.locator(".leaflet-control-attribution").inner_text()


def test_copy_button_puts_the_embed_code_on_the_clipboard(open_page):
    page, _ = open_page("tiny", "tiny-story/")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    button = page.locator(".embed-copy")
    assert button.is_visible() and button.bounding_box()["height"] >= 44
    button.click()
    wait_until(page, "document.querySelector('.embed-copy').textContent === 'Copied'")
    assert page.evaluate("navigator.clipboard.readText()") == page.locator("#embed-code").text_content()


def test_a_click_on_the_embed_code_selects_all_of_it(open_page):
    page, _ = open_page("tiny", "tiny-story/")
    code = page.locator("#embed-code")
    code.scroll_into_view_if_needed()
    code.click()
    assert page.evaluate("getSelection().toString()") == code.text_content()


def test_the_story_page_has_no_text_field_for_autofill_to_read(open_page):
    # Chrome's autofill reads every form field once the page is parsed, with a forced
    # layout: about 60 ms of a 10,000-event page's start for the embed code's old <textarea>.
    page, _ = open_page("tiny", "tiny-story/")
    assert page.locator("textarea, select, input:not([type=range])").count() == 0
