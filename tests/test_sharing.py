"""Sharing a story: Open Graph and Twitter cards, oEmbed, the Atom feed, corrections, licence, downloads.

Builds the tiny fixture and the example story into temporary folders and reads
the pages with html.parser, as a crawler or a CMS would.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from storymap import pipeline
from storymap.render import assets

from .conftest import EVENT_YAML, FIXTURES, REPO, STORY_YAML

TINY = FIXTURES / "tiny"
BASE = "https://maps.example.org/news/"
ATOM = "{http://www.w3.org/2005/Atom}"
KML = "{http://www.opengis.net/kml/2.2}"
VOID = {"meta", "link", "img", "br", "input", "hr", "source", "wbr"}


class Page(HTMLParser):
    """Every element as (tag, attributes, classes of its ancestors), and text by ancestor class."""

    def __init__(self, text: str):
        super().__init__()
        self.elements: list[tuple[str, dict, list[str]]] = []
        self.stack: list[tuple[str, str]] = []
        self.texts: dict[str, list[str]] = {}
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes, [c for _, c in self.stack] + [tag]))
        if tag not in VOID:
            self.stack.append((tag, attributes.get("class") or tag))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        for _, name in self.stack:
            self.texts.setdefault(name, []).append(data)

    def meta(self) -> dict[str, str]:
        return {a.get("property") or a.get("name"): a["content"] for t, a, _ in self.elements
                if t == "meta" and "content" in a}

    def find(self, tag: str, inside: str | None = None, **wanted) -> list[dict]:
        return [a for t, a, path in self.elements if t == tag and (inside is None or inside in path)
                and all(a.get(k.replace("_", "-")) == v for k, v in wanted.items())]

    def text(self, name: str) -> str:
        return " ".join("".join(self.texts.get(name, [])).split())


def build(stories: Path, data: Path, out: Path, base_url: str | None = None) -> Path:
    result = pipeline.build(stories, data, out, base_url=base_url)
    assert not result.problems, [p.as_text() for p in result.problems]
    return out


@pytest.fixture(scope="module")
def tiny_site(tmp_path_factory) -> Path:
    return build(TINY / "stories", TINY / "data", tmp_path_factory.mktemp("tiny") / "site", BASE)


@pytest.fixture(scope="module")
def example_site(tmp_path_factory) -> Path:
    return build(REPO / "stories", REPO / "data", tmp_path_factory.mktemp("example") / "site")


def local(root: Path, href: str) -> Path:
    """The built file an address in the site points to (absolute under BASE, or relative to the root)."""
    return root / href.removeprefix(BASE)


def page(root: Path, story_id: str) -> Page:
    return Page((root / story_id / "index.html").read_text("utf-8"))


# --- Open Graph, Twitter card, the no-JS picture ----------------------------------------

def test_cards_with_absolute_addresses_when_the_base_url_is_given(tiny_site):
    meta = page(tiny_site, "tiny-story").meta()
    assert meta["og:type"] == "article"
    assert meta["og:title"] == meta["twitter:title"] == "A tiny story"
    assert meta["og:description"] == "Three events, a route and a statement."  # Markdown marks gone
    assert meta["og:url"] == BASE + "tiny-story/"
    assert meta["og:image"] == meta["twitter:image"] == BASE + "tiny-story/preview.png"
    assert (meta["og:image:width"], meta["og:image:height"], meta["og:image:type"]) == ("1200", "630", "image/png")
    assert meta["og:image:alt"] == meta["twitter:image:alt"]
    assert meta["og:image:alt"].startswith("Map of the story's places and events: A tiny story")
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["article:published_time"] == "2023-10-18"
    assert meta["article:modified_time"] == "2023-10-20"  # the update and the correction


def test_cards_fall_back_to_relative_addresses_without_a_base_url(example_site):
    story = page(example_site, "nk-russia-munitions-2023")
    meta = story.meta()
    assert "og:url" not in meta and "article:modified_time" not in meta
    assert meta["og:image"] == "preview.png"
    assert (example_site / "nk-russia-munitions-2023" / meta["og:image"]).is_file()
    summary = (REPO / "stories" / "nk-russia-munitions-2023" / "story.yaml").read_text("utf-8")
    assert "**" in summary and "**" not in meta["og:description"]
    (oembed,) = story.find("link", rel="alternate", type="application/json+oembed")
    assert oembed["href"] == "oembed.json"


def test_noscript_picture_sits_before_the_map_panel(example_site):
    html = (example_site / "nk-russia-munitions-2023" / "index.html").read_text("utf-8")
    figure = html.index('<figure class="map-preview">')
    assert html.rindex("<noscript>", 0, figure) < figure < html.index('<section class="map-panel"')
    (img,) = page(example_site, "nk-russia-munitions-2023").find("img", inside="map-preview")
    assert img["src"] == "preview.png" and (img["width"], img["height"]) == ("1200", "630")
    assert "Tikhoretsk ammunition depot" in img["alt"]
    css = assets.page_styles_source().decode("utf-8")  # the modules in order (sites ship them minified)
    assert css.index("/* --- preview.css */") < css.index("/* --- nojs.css */")


def test_journalist_text_in_cards_is_escaped(tmp_path):
    out = build(FIXTURES / "xss" / "stories", FIXTURES / "xss" / "data", tmp_path / "site", BASE)
    html = (out / "xss-story" / "index.html").read_text("utf-8")
    head = html[:html.index("</head>")]
    assert "<script>window" not in head and "<img src=x" not in head
    meta = Page(html).meta()
    assert meta["og:title"].startswith("</script><script>window.__xss='title'</script>")  # shown as text


# --- oEmbed -------------------------------------------------------------------------------

def test_oembed_follows_the_spec_and_is_discoverable(tiny_site):
    (link,) = page(tiny_site, "tiny-story").find("link", rel="alternate", type="application/json+oembed")
    assert link["href"] == BASE + "tiny-story/oembed.json" and link["title"] == "A tiny story"
    document = json.loads(local(tiny_site, link["href"]).read_text("utf-8"))
    assert document["version"] == "1.0" and document["type"] == "rich"
    assert isinstance(document["width"], int) and isinstance(document["height"], int)
    assert document["html"].startswith(f'<iframe src="{BASE}tiny-story/embed.html"')
    assert document["title"] == "A tiny story" and document["provider_name"] == "Story maps"
    assert document["provider_url"] == BASE and document["author_name"] == "Test desk"
    assert document["thumbnail_url"] == BASE + "tiny-story/preview.png"
    assert (document["thumbnail_width"], document["thumbnail_height"]) == (1200, 630)


def test_oembed_thumbnail_is_relative_to_the_document_without_a_base_url(example_site):
    folder = example_site / "nk-russia-munitions-2023"
    document = json.loads((folder / "oembed.json").read_text("utf-8"))
    assert (folder / document["thumbnail_url"]).is_file()


# --- the Atom feed ------------------------------------------------------------------------

def entries(root: Path) -> tuple[ET.Element, list[ET.Element]]:
    feed = ET.fromstring((root / "feed.xml").read_bytes())  # well-formed, or this raises
    assert feed.tag == f"{ATOM}feed"
    return feed, feed.findall(f"{ATOM}entry")


def test_feed_has_every_required_atom_element(tiny_site, example_site):
    for root in (tiny_site, example_site):
        feed, items = entries(root)
        for element in ("id", "title", "updated"):
            assert feed.find(f"{ATOM}{element}").text
        assert feed.find(f"{ATOM}author/{ATOM}name").text  # every entry inherits it
        assert feed.find(f"{ATOM}link[@rel='self']") is not None
        assert len(items) == len(list(root.glob("*/index.html")))
        for entry in items:
            for element in ("id", "title", "updated", "summary"):
                assert entry.find(f"{ATOM}{element}").text
            assert entry.find(f"{ATOM}id").text.startswith("urn:uuid:")
            link = entry.find(f"{ATOM}link[@rel='alternate']").get("href")
            assert (local(root, link) / "index.html").is_file()


def test_feed_entry_lists_corrections_and_moves_its_updated_time(tiny_site):
    _, (entry,) = entries(tiny_site)
    assert entry.find(f"{ATOM}updated").text == "2023-10-20T00:00:00Z"
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "text"
    assert "Three events, a route and a statement." in content.text
    assert "2023-10-20: An earlier version gave the wrong day for the shipment." in content.text


@pytest.mark.parametrize(("extra", "updated"), [
    ("", "2023-10-18"),
    ("updated: 2023-10-21\n", "2023-10-21"),
    ("updated: 2023-10-21\ncorrections:\n  - {date: 2023-11-02, text: Fixed a date.}\n"
     "  - {date: 2023-10-25, text: Fixed a name.}\n", "2023-11-02"),
])
def test_entry_updated_is_the_latest_of_published_updated_and_corrections(project, extra, updated):
    project.places()
    project.story(story_yaml=STORY_YAML + extra)
    _, (entry,) = entries(build(project.stories, project.data, project.out))
    assert entry.find(f"{ATOM}updated").text == f"{updated}T00:00:00Z"
    content = entry.find(f"{ATOM}content")
    if "corrections" in extra:
        assert content.text.index("2023-10-25: Fixed a name.") < content.text.index("2023-11-02: Fixed a date.")
    else:
        assert content is None


# --- corrections, licence and downloads on the page --------------------------------------

def test_index_cards_show_each_storys_picture(example_site):
    index = Page((example_site / "index.html").read_text("utf-8"))
    pictures = index.find("img", inside="story-card")
    assert len(pictures) == 1
    picture = pictures[0]
    assert (example_site / picture["src"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # Decorative beside the linked title; fetched only when scrolled near, no layout shift.
    assert picture["alt"] == "" and picture["loading"] == "lazy"
    assert (picture["width"], picture["height"]) == ("1200", "630")


def test_corrections_are_listed_on_the_page(tiny_site):
    story = page(tiny_site, "tiny-story")
    assert "An earlier version gave the wrong day for the shipment." in story.text("corrections")
    assert story.find("time", inside="corrections", datetime="2023-10-20")


def test_licence_is_shown_beside_the_downloads(tiny_site, example_site, project):
    assert "Data licence: CC-BY-4.0" in page(tiny_site, "tiny-story").text("downloads")
    assert "Data licence: CC-BY-4.0" in page(example_site, "nk-russia-munitions-2023").text("downloads")
    project.places()
    project.story()  # no licence given: none claimed
    assert "licence" not in page(build(project.stories, project.data, project.out), "test-story").text("downloads")


def test_gazetteer_credit_is_shown_beside_the_downloads_of_stories_using_it(example_site, project):
    # The example's coordinates come from share-alike sources: the page says so
    # whatever licence the story gives its own data.
    credit = (REPO / "data" / "places-credit.txt").read_text("utf-8").strip()
    assert f"Place coordinates: {credit}" in page(example_site, "nk-russia-munitions-2023").text("downloads")
    project.places()
    project.write("data/places-credit.txt", "  Example <Atlas>,\n  CC BY-SA 4.0\n")
    project.story()
    project.story("own-places", STORY_YAML + "places:\n- {id: own, name: Own, kind: site, lat: 1, lon: 2}\n",
                  {"a.yaml": EVENT_YAML.replace("north-port", "own")})
    out = build(project.stories, project.data, project.out)
    assert "Place coordinates: Example <Atlas>, CC BY-SA 4.0" in page(out, "test-story").text("downloads")
    assert "Example &lt;Atlas&gt;" in (out / "test-story" / "index.html").read_text("utf-8")  # escaped
    assert "Place coordinates" not in page(out, "own-places").text("downloads")  # no gazetteer place used


@pytest.mark.parametrize("which", ["tiny", "example"])
def test_download_links_resolve_and_kml_has_one_placemark_per_feature(which, tiny_site, example_site):
    root, story_id = (tiny_site, "tiny-story") if which == "tiny" else (example_site, "nk-russia-munitions-2023")
    links = [a["href"] for a in page(root, story_id).find("a", inside="downloads")]
    assert links == ["data.geojson", "events.csv", "data.kml"]
    for href in links:
        assert (root / story_id / href).is_file()
    geojson = json.loads((root / story_id / "data.geojson").read_text("utf-8"))
    kml = ET.fromstring((root / story_id / "data.kml").read_bytes())
    marks = kml.findall(f".//{KML}Placemark")
    assert len(marks) == len(geojson["features"])  # every place used and every located event
    places = [f for f in geojson["features"] if f["properties"]["feature"] == "place"]
    assert {m.get("id") for m in marks} == {f"{f['properties']['feature']}-{f['properties']['id']}"
                                            for f in geojson["features"]}
    assert len(kml.findall(f".//{KML}Folder")) == 2 and len(places) >= 1
    for mark in marks:  # KML 2.2 orders a Placemark's children: time, then style, then geometry
        names = [child.tag.removeprefix(KML) for child in mark]
        if "styleUrl" in names:
            assert names.index("styleUrl") > max(names.index(t) for t in ("TimeStamp", "TimeSpan") if t in names)


def test_kml_counts_only_located_events(project):
    project.places()
    project.story(events={"a.yaml": EVENT_YAML,
                          "b.yaml": "title: Placeless\ndate: 2023-10\napproximate: true\nsources: [{publisher: P}]\n"})
    out = build(project.stories, project.data, project.out)
    kml = ET.fromstring((out / "test-story" / "data.kml").read_bytes())
    assert [m.get("id") for m in kml.iter(f"{KML}Placemark")] == ["place-north-port", "event-a"]
