"""A list entry (pages.event_item): every value the journalist wrote reaches the page escaped,
read back by an HTML parser as exactly what was written, in the elements it belongs to."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest

from storymap import pipeline
from storymap.render import pages

from .conftest import FIXTURES

XSS = FIXTURES / "xss"


class Entry(HTMLParser):
    """The entry's elements in order, each (tag, attributes, text directly inside it)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None], list[str]]] = []
        self.open: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        text: list[str] = []
        self.elements.append((tag, dict(attrs), text))
        if tag != "img":
            self.open.append(text)

    def handle_endtag(self, tag):
        self.open.pop()

    def handle_data(self, data):
        if self.open:
            self.open[-1].append(data)

    def first(self, tag: str, **attrs: str) -> tuple[dict[str, str | None], str]:
        for name, attributes, text in self.elements:
            if name == tag and all(attributes.get(k) == v for k, v in attrs.items()):
                return attributes, "".join(text)
        raise AssertionError(f"no <{tag} {attrs}>")


@pytest.fixture(scope="module")
def hostile():
    result = pipeline.check(XSS / "stories", XSS / "data")
    assert not result.problems
    model = result.models[0]
    return model, {t.event.id: t for t in model.events}


def parsed(model, timed) -> Entry:
    entry = Entry()
    entry.feed(str(pages.event_item(model, timed)))
    entry.close()
    assert not entry.open, "every element is closed"
    return entry


def test_titles_publishers_and_links_are_read_back_as_written(hostile):
    model, events = hostile
    timed = events["payload-one"]
    event, source = timed.event, timed.event.sources[0]
    entry = parsed(model, timed)
    item, _ = entry.first("li")
    assert item["id"] == f"event-{event.id}" and item["data-id"] == event.id
    assert entry.first("a", href=f"#event={event.id}")[1] == event.title
    assert entry.first("cite")[1] == source.publisher
    assert entry.first("a", href=source.url)[1] == source.title
    assert entry.first("a", href=source.archive)[0]["class"] == "source-archive"
    image, _ = entry.first("img")
    media = event.media[0]
    assert image["alt"] == media.alt and image["src"] == media.output
    assert entry.first("figcaption")[1].endswith(": " + media.credit)
    assert [name for name, _, _ in entry.elements].count("script") == 0


def test_a_placeless_event_and_a_route_say_so(hostile):
    model, events = hostile
    placeless = parsed(model, events["payload-three"])
    assert placeless.first("span", **{"class": "event-placeless"})[1]
    assert placeless.first("h3")[0]["class"] == "event-title"
    assert placeless.first("a", href="#event=payload-three")[1] == events["payload-three"].event.title
    assert placeless.first("cite")[1] == events["payload-three"].event.sources[0].publisher
    route = parsed(model, events["payload-two"])
    assert route.first("span", **{"class": "event-length"})[1]
    assert route.first("a", href="#event=payload-two")[1] == events["payload-two"].event.title
