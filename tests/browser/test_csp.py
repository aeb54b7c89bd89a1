"""Content-Security-Policy: every page the build writes declares one whose
script-src allows the site's own files only, and works under it; a host may
send a strict policy as a header and the pages still start."""
from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest

from storymap.render import share
from storymap.render.policy import map_page_policy, tile_origins

from ..pagedata_reading import read_page_data
from storymap import pipeline

from ..conftest import REPO
from .conftest import CSP_LISTENER, HOST_POLICY, SITES, Watch, serve, wait_until

EXAMPLE = "nk-russia-munitions-2023/"
POLICY_META = "content-security-policy"


class Elements(HTMLParser):
    """Every start tag of a page, in order, as (tag, attributes)."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def directives(policy: str) -> dict[str, list[str]]:
    parts = [part.split() for part in policy.split(";") if part.strip()]
    return {words[0]: words[1:] for words in parts}


def page_policy(elements: Elements) -> tuple[int, dict[str, list[str]]]:
    """Where the page's policy <meta> stands among its tags, and its directives."""
    found = [(n, a["content"]) for n, (t, a) in enumerate(elements.tags)
             if t == "meta" and (a.get("http-equiv") or "").lower() == POLICY_META]
    assert len(found) == 1, "one policy per page"
    return found[0][0], directives(found[0][1])


def built_pages(sites) -> list[tuple[str, Path, Path]]:
    """(site name, site root, page) for every HTML file of every fixture site."""
    return [(name, sites[name].root, path) for name in [*SITES, "paged"]
            for path in sorted(sites[name].root.rglob("*.html"))]


def test_every_page_declares_a_policy_that_allows_no_inline_script(sites):
    pages = built_pages(sites)
    assert {p.name for _, _, p in pages} >= {"index.html", "embed.html", "events-2.html"}
    for name, root, path in pages:
        where = f"{name}: {path.relative_to(root)}"
        elements = Elements(path.read_text("utf-8"))
        position, policy = page_policy(elements)
        # Before everything it governs: a policy applies only to what comes after it.
        assert all(t not in ("script", "link", "style", "img") for t, _ in elements.tags[:position]), where
        assert policy["script-src"] == ["'self'"], where
        for directive in ("default-src", "base-uri", "form-action"):
            assert policy[directive] == ["'none'"], where
        assert policy["style-src"] == ["'self'"] and policy["connect-src"] == ["'self'"], where
        assert not any("unsafe" in word for words in policy.values() for word in words), where
        # ... and the page needs nothing it does not allow: no inline script, style or handler.
        for tag, attributes in elements.tags:
            assert tag != "style" and "style" not in attributes, where
            assert not [a for a in attributes if a.startswith("on")], where
            if tag == "script":
                assert attributes.get("src") or attributes.get("type") == "application/json", where
                assert not (attributes.get("src") or "").startswith(("http:", "https:", "//")), where


def test_map_pages_allow_their_basemap_tiles_and_other_pages_no_outside_images(sites):
    models = {m.story.id: m for name in SITES for m in pipeline.check(*SITES[name]).models}
    for _name, root, path in built_pages(sites):
        _, policy = page_policy(Elements(path.read_text("utf-8")))
        if path.name in ("index.html", "embed.html") and path.parent != root:
            basemap = models[path.parent.name].story.map.basemap
            assert policy["img-src"] == ["'self'", "data:", *tile_origins(basemap)], path
        else:
            assert policy["img-src"] == ["'self'"], path


def test_tile_origins_name_every_subdomain():
    assert tile_origins("OpenStreetMap.Mapnik") == ("https://tile.openstreetmap.org",)
    assert tile_origins("OpenTopoMap") == ("https://a.tile.opentopomap.org", "https://b.tile.opentopomap.org",
                                                  "https://c.tile.opentopomap.org")
    assert "img-src 'self' data: https://a.tile.opentopomap.org https://b.tile" in map_page_policy("OpenTopoMap")


def host_script_source() -> str:
    """How an article's own policy allows the embed code's script: by the hash the docs give."""
    script = re.fullmatch(r"<script>(.*)</script>", share.host_script(), re.S).group(1)
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


def test_publishing_docs_give_the_policy_and_the_embed_scripts_hash():
    docs = (REPO / "docs" / "publishing.md").read_text("utf-8")
    assert map_page_policy("OpenStreetMap.Mapnik") in docs
    assert host_script_source() in docs
    assert "frame-ancestors" in docs


# --- in Chromium -----------------------------------------------------------------

def drawn_pixels(page) -> int:
    """Painted pixels on the story's canvas: the map drew its places and events."""
    return page.evaluate("""(() => { const c = document.querySelector('.sm-canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 3; i < d.length; i += 4) { if (d[i]) n++; } return n; })()""")


@pytest.mark.parametrize("page_name", ["", "embed.html"])
def test_pages_start_under_a_hosts_strict_header(open_page, page_name):
    page, _ = open_page("csp", EXAMPLE + page_name)  # open_page fails the test on any violation
    header = page.evaluate("fetch(location.href).then((r) => r.headers.get('Content-Security-Policy'))")
    assert header == HOST_POLICY  # really served with the host's header, on top of the page's own
    assert page.evaluate("typeof map_storymap.getZoom()") == "number" and drawn_pixels(page) > 500
    assert page.evaluate("storymap.setDate('2023-10-05')") == "2023-10-05"
    assert page.evaluate("storymap.focus('tumangang-railcars')") is True
    assert page.locator(".leaflet-popup-content .event-title").count() == 1
    assert page.evaluate("window.__cspViolations") == []


def test_site_index_under_a_hosts_strict_header(open_page):
    page, _ = open_page("csp", "", wait_ready=False)
    wait_until(page, "document.documentElement.className === 'js'")  # head.js ran
    assert page.evaluate("window.__cspViolations") == []


def test_the_pages_own_policy_is_in_force(browser, sites):
    """The <meta> policy refuses an inline script and an image from elsewhere."""
    context = browser.new_context()
    try:
        context.route("**/*", lambda r: r.continue_() if urlparse(r.request.url).hostname == "127.0.0.1"
                      else r.abort())
        page = context.new_page()
        page.goto(sites["example"].url + EXAMPLE)
        wait_until(page, "window.storymap !== undefined", timeout=10_000)
        page.evaluate("""window.seen = []; document.addEventListener('securitypolicyviolation',
            (e) => seen.push(e.violatedDirective));
            const s = document.createElement('script'); s.textContent = 'window.__inline = 1'; document.body.append(s);
            const i = new Image(); i.src = 'https://elsewhere.example/pixel.png';""")
        wait_until(page, "seen.length >= 2")
        assert page.evaluate("window.__inline") is None
        assert sorted(page.evaluate("seen")) == ["img-src", "script-src-elem"]
    finally:
        context.close()


def test_nothing_the_reader_does_breaks_the_pages_own_policy(open_page):
    page, _ = open_page("example", EXAMPLE)
    policy = "document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]').content"
    assert "script-src 'self';" in page.evaluate(policy)  # the page is under its own policy
    for event_id in read_page_data(page)["events"]["id"]:
        page.evaluate("(id) => storymap.focus(id)", event_id)  # every popup, route movement and picture
    page.locator(".timeline-play").click()
    page.wait_for_timeout(400)
    page.locator(".timeline-play").click()
    page.locator(".sm-legend summary").click()
    paged, _ = open_page("paged", "window-rules/")
    paged.locator(".event-pager a[data-page='2']").first.click()  # fetched in place (connect-src)
    wait_until(paged, "document.querySelector('.event-list').dataset.page === '2'")
    assert page.evaluate("window.__cspViolations") == [] and paged.evaluate("window.__cspViolations") == []


ARTICLE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src {script}; frame-src {site}">
<title>An article with its own policy</title></head>
<body><h1>Shipments</h1>{embed}<p>The article goes on.</p></body></html>
"""


def test_an_article_with_its_own_policy_runs_the_embed_code_allowed_by_its_hash(browser, sites, tmp_path):
    model = pipeline.check(*SITES["tiny"]).models[0]
    article = ARTICLE.format(script=host_script_source(), site=sites["tiny"].url.rstrip("/"),
                             embed=share.embed_code(model, sites["tiny"].url))
    (tmp_path / "article.html").write_text(article, "utf-8")
    host = serve(tmp_path)
    context = browser.new_context()
    watch = Watch(sites["tiny"].url)
    try:
        context.add_init_script(CSP_LISTENER)
        context.route("**/*", lambda r: r.continue_() if urlparse(r.request.url).hostname == "127.0.0.1"
                      else r.abort())
        page = context.new_page()
        page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
        page.goto(host.url + "article.html")
        page.frame_locator("iframe[data-storymap]").locator("#timeline-slider").wait_for()  # lazy: loads late
        frame = next(f for f in page.frames if f.url.endswith("embed.html"))
        wait_until(frame, "window.storymap !== undefined")
        # The script ran: the frame is exactly as tall as its content (which may still be
        # settling: compared until they agree), without a border.
        for _ in range(200):
            content = frame.evaluate("document.documentElement.scrollHeight")
            if page.evaluate("document.querySelector('iframe').getBoundingClientRect().height") == content:
                break
            page.wait_for_timeout(50)
        else:
            pytest.fail("the article's script never sized the frame")
        assert page.evaluate("getComputedStyle(document.querySelector('iframe')).borderTopWidth") == "0px"
        # The article refuses only the iframe's style attribute, which the script has replaced.
        assert page.evaluate("window.__cspViolations") == ["style-src-attr inline"]
        assert frame.evaluate("window.__cspViolations") == []
    finally:
        context.close()
        host.httpd.shutdown()
    assert watch.page_errors == []
