"""Stages 5 and 6, page data and render: escaping, structure, no CDN, determinism."""
from __future__ import annotations

import json
import re

import pytest

from storymap.render import assets, markdown, pagedata, pages
from storymap.render.map import map_skeleton
from storymap import pipeline

from .conftest import FIXTURES
from .pagedata_reading import decoded

TINY = FIXTURES / "tiny"


@pytest.fixture(scope="module")
def tiny_model():
    result = pipeline.check(TINY / "stories", TINY / "data")
    assert not result.problems
    return result.models[0]


def test_script_json_escapes_everything_that_could_end_the_script():
    text = pagedata.script_json({"t": "</script><script>alert(1)</script> & <!-- \u2028\u2029 >"})
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in text
    assert json.loads(text)["t"] == "</script><script>alert(1)</script> & <!-- \u2028\u2029 >"


def test_page_data_columns(tiny_model):
    data = decoded(pagedata.page_data(tiny_model))
    events = data["events"]
    assert events["id"] == ["arrival", "rail-leg", "sea-leg", "statement"]
    assert data["timeline"] == {"start": "2023-09-01", "end": "2023-10-02", "days": 31,
                                "mode": "cumulative", "windowDays": 14, "open": "2023-10-02"}
    assert events["from"] == [0, 0, 2, 31] and events["until"] == [None, None, 19, None]
    assert [data["kinds"][k] for k in events["kind"]] == ["shipment", "movement", "observation", "statement"]
    assert [data["confidences"][c] for c in events["confidence"]] == ["high", "moderate", "low", "moderate"]
    place_ids = [place.id for place in tiny_model.places]  # the page's places are the model's, in order
    assert events["geo"][0] == place_ids.index("north-port")
    assert events["geo"][1] == {"route": 0} and events["geo"][3] is None
    assert data["routes"][0]["mode"] == "rail" and data["routes"][0]["approximate"] is True
    assert set(place_ids) == {"north-port", "south-pier"}  # only places events use
    assert data["places"]["name"] == [place.name for place in tiny_model.places] and "id" not in data["places"]


def test_markdown_has_no_raw_html_and_only_web_links():
    html = markdown.block("<b>x</b> [a](javascript:alert(1)) [b](data:text/html,x) [c](https://ok.org) "
                          "![i](javascript:x)")
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert 'href="javascript' not in html and 'href="data' not in html
    assert '<a href="https://ok.org" rel="noopener noreferrer">c</a>' in html


def test_markdown_inline_and_plain():
    assert markdown.inline("**a** _b_") == "<strong>a</strong> <em>b</em>"
    assert markdown.plain("**a** [b](https://x.org) `c`") == "a b c"


def test_map_skeleton_is_folium_without_cdn_and_with_stable_ids(tiny_model):
    html, script = map_skeleton(tiny_model)
    assert 'id="map_storymap"' in html
    assert "var map_storymap = L.map(" in script
    assert "tile.openstreetmap.org" in script and "OpenStreetMap" in script  # tiles and attribution
    assert "fitBounds" in script
    assert not re.search(r"[0-9a-f]{32}", script), "branca's random ids must not reach the page"
    assert map_skeleton(tiny_model) == (html, script)


def test_pages_load_nothing_from_a_cdn_and_no_jquery_or_bootstrap(tiny_model):
    files = pages.story_files(tiny_model, None)
    for page in (files["index.html"], files["embed.html"], pages.index_page([tiny_model], None)):
        text = page.decode()
        assert not re.search(r'(src|href)="(https?:)?//(?!example\.org)', text.replace("https://www.openstreetmap.org", "")), \
            "assets must come from the site itself"
        for banned in ("jquery", "bootstrap", "font-awesome", "fontawesome", "cdn.jsdelivr", "unpkg.com"):
            assert banned not in text.lower()


def test_story_page_has_everything_the_reader_needs(tiny_model):
    text = pages.story_files(tiny_model, None)["index.html"].decode()
    for needed in ('<h1>A tiny story</h1>', 'class="timeline-slider"', 'class="timeline-play"',
                   'id="event-arrival"', 'href="data.geojson"', 'href="events.csv"', 'href="data.kml"',
                   "Data licence: CC-BY-4.0", "An earlier version gave the wrong day", "High confidence",
                   "Example News", '<script type="application/json" id="storymap-data">',
                   "OpenStreetMap</a> contributors", 'rel="alternate" type="application/json+oembed"'):
        assert needed in text, needed
    assert text.count('<script type="application/json"') == 1


def test_embed_page_has_map_timeline_and_no_page_chrome(tiny_model):
    text = pages.story_files(tiny_model, None)["embed.html"].decode()
    assert 'id="map_storymap"' in text and 'class="timeline-slider"' in text
    assert "story-header" not in text and "downloads" not in text


def test_index_lists_stories_newest_first(tiny_model):
    import dataclasses

    older = dataclasses.replace(tiny_model, story=dataclasses.replace(
        tiny_model.story, id="older", title="Older story", published=tiny_model.story.published.replace(year=2020)))
    text = pages.index_page([older, tiny_model], None).decode()
    assert text.index("A tiny story") < text.index("Older story")
    assert 'href="older/"' in text


def test_assets_are_served_from_the_site(tiny_model):
    files = assets.assets()
    assert {"assets/leaflet.js", "assets/leaflet.css", "assets/storymap.js", "assets/storymap.css",
            "favicon.ico"} <= set(files)
    script = files["assets/storymap.js"].decode()
    assert ".innerHTML" not in script and "insertAdjacentHTML" not in script and "`" not in script
    # The page's own script, unminified, cached once for every story: 60 KB until basemap.js (about
    # 4 KB) drew the built-in base; 84 KB for the guided walk, muted past events, grouped markers,
    # the axis labels and the scroll-driven reading of version 2; 85.5 KB with the names' placement
    # that looks one name ahead (a name with one free side keeps it); 88.5 KB with the base drawn on
    # a canvas per level from Path2D objects (a pan or zoom redraws it in a few native calls where
    # Leaflet's SVG projected 26,000 points again); 91 KB with titles read from the list pages
    # (a 10,000-event page's data was a third titles); 95 KB with the reading of the page data's compact
    # form (pagedata.js) and the list's held-back restyling of items out of view; 98 KB with the
    # crowded map's muted routes kept on a canvas of their own (mutedroutes.js: a 100,000-event
    # jump paints 20,000 lines no more, and copies them); 98.05 KB with the page data's ids and
    # locations written more compactly (pagedata.js); 101.5 KB with the story canvas's cheaper
    # first frame and jumps (layers.js: its own projection, typed-array scans, the kept canvas
    # made when idle); 102.6 KB with the built-in base's index read from its grid (basemap.js
    # derives each cell's bounds and address, where the page data listed them: 15 kB of it, 3 kB
    # gzipped, for the benchmark's story; the script's share, 0.2 KB gzipped, is fetched once for
    # every story); 106 KB with markers grouped once a zoom (spots.js: a day's groups from binary
    # searches, not from grouping its thousands of events again); 107.4 KB with names measured only
    # when a side may be free and the canvas placed round the view during a long drag; 108 KB with
    # a start that forces no layout it can wait for (ticks and summary measured by a ResizeObserver,
    # base cells drawn once a frame, the legend's symbols as pictures, the ids' Map made when first
    # asked for); 109.4 KB with place symbols and crowds' discs painted once and copied (stamp);
    # 108 KB with the place names' order in the page data (pagedata.label_order); 108.5 KB with
    # the stamps all painted at once, on one canvas.
    # Leaflet, trimmed to what the pages use (static/vendor), is 101 KB raw (147 KB whole). The styles: 24 KB as written, 18 KB bundled
    # without their comments and indentation (compact_css), so 20 KB leaves room for a few more
    # rules. Sites ship both minified (tests/test_bundle.py); the guard is on what developers write.
    assert len(assets.page_script_source()) < 109_000 and len(assets.page_styles_source()) < 20_000
    assert len(files["assets/storymap.js"]) < 72_500  # as shipped, minified: 72.0 KB


def test_compact_css_drops_comments_and_indentation_and_nothing_else():
    source = ("/* head */\n.a {\n    color: red; /* why */\n\n\tcontent: \"/* kept */\";\n}\n"
              ".b/**/.c, d/**/e { font: 'x*/y' \"q\\\"/*\"; }\n  /* unclosed")
    expected = ('.a {\ncolor: red;\ncontent: "/* kept */";\n}\n'
                ".b.c, d e { font: 'x*/y' \"q\\\"/*\"; }\n")
    assert assets.compact_css(source) == expected
    assert assets.compact_css(expected) == expected


def _squashed(css: str) -> str:
    """The CSS without comments (found without regard to strings) and without any whitespace."""
    return re.sub(r"\s+", "", re.sub(r"/\*.*?\*/", "", css, flags=re.S))


def test_bundled_styles_are_their_sources_less_comments_and_spacing():
    """No string in our styles or Leaflet's holds a comment's opening, so the bundles, squashed,
    are the sources squashed: compacting removed comments and spacing, nothing else. (Ours ship
    minified too, from this bundle: tests/test_bundle.py.)"""
    files = assets.assets()
    ours = "".join((assets.STATIC / "css" / name).read_text("utf-8") for name in assets.STYLE_MODULES)
    leaflets = (assets.VENDOR / "leaflet.css").read_text("utf-8")
    for source, bundle in ((ours, assets.page_styles_source()), (leaflets, files["assets/leaflet.css"])):
        text = bundle.decode("utf-8")
        assert not re.search(r"\"[^\"\n]*/\*|'[^'\n]*/\*", source)
        assert _squashed(text) == _squashed(source)
        assert all(line and line == line.strip() for line in text.splitlines())
        assert len(text) < 0.9 * len(source)
    comments = re.findall(r"/\*.*?\*/", assets.page_styles_source().decode("utf-8"))
    assert comments == [f"/* --- {name} */" for name in assets.STYLE_MODULES]


def test_canvases_write_in_the_pages_fonts():
    """The names on the map, the counts on its markers and the months under the timeline are
    written in the faces of the page's text: util.js's FONT_FAMILY is base.css's --font."""
    css = (assets.STATIC / "css" / "base.css").read_text("utf-8")
    script = (assets.STATIC / "js" / "util.js").read_text("utf-8")
    family = re.search(r"^var FONT_FAMILY = '([^']+)';$", script, re.M).group(1)
    assert re.search(r"^\s*--font: (.+);$", css, re.M).group(1) == family
    assert "system-ui" not in family and family.endswith("sans-serif")
    canvas_fonts = re.findall(r"ctx\.font = ([^;]+);", "".join(
        (assets.STATIC / "js" / name).read_text("utf-8") for name in ("layers.js", "timelineticks.js")))
    assert len(canvas_fonts) == 3 and all(font.endswith("' + FONT_FAMILY") for font in canvas_fonts)


def test_long_lists_are_split_into_pages(tiny_model, monkeypatch):
    monkeypatch.setattr(pages, "LIST_PAGE_SIZE", 3)
    files = pages.story_files(tiny_model, None)
    assert sorted(files) == ["embed.html", "events-2.html", "index.html", "map.js"]
    first, second = files["index.html"].decode(), files["events-2.html"].decode()
    assert first.count('<li class="event ') == 3 and second.count('<li class="event ') == 1
    assert "Events 1–3 of 4" in first and "Events 4–4 of 4" in second
    assert 'href="events-2.html" rel="next" data-page="2"' in first
    assert 'href="index.html#events" rel="prev" data-page="1"' in second
    assert '<ol class="event-list" start="4" data-page="2">' in second
    assert '"listPageSize":3' in first and "storymap.js" not in second and "storymap-data" not in second


def test_a_long_lists_pager_links_its_ends_and_the_pages_near_it(tiny_model, monkeypatch):
    assert pages.ListPage(6, 100, [], 501, 10_000).pager == [1, None, 4, 5, 6, 7, 8, None, 100]
    assert pages.ListPage(1, 10, [], 1, 1000).pager == [1, 2, 3, None, 10]
    assert pages.ListPage(4, 10, [], 301, 1000).pager == [1, 2, 3, 4, 5, 6, None, 10]  # 2: not a gap of one
    assert pages.ListPage(3, 7, [], 201, 700).pager == list(range(1, 8))
    monkeypatch.setattr(pages, "LIST_PAGE_SIZE", 1)  # the tiny story's four events, a page each
    monkeypatch.setattr(pages, "PAGER_REACH", 0)
    files = pages.story_files(tiny_model, None)
    last, third = (files[name].decode() for name in ("events-4.html", "events-3.html"))
    pager = last[last.index('<nav class="event-pager"'):last.index("</nav>")]  # ‹ 1 … 4
    assert pager.count('<span class="event-pager-gap" aria-hidden="true">…</span>') == 1
    assert 'rel="prev" data-page="3"' in pager and '<span aria-current="page">4</span>' in pager
    assert 'data-page="2"' not in pager
    assert "event-pager-gap" not in third and 'aria-label="Page 2"' in third  # 1 2 3 4: a gap of one is shown


def test_a_short_list_is_one_page_without_a_pager(tiny_model):
    text = pages.story_files(tiny_model, None)["index.html"].decode()
    assert "event-pager" not in text and '"listPageSize":100' in text
