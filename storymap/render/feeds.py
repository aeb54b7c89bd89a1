"""The Atom feed of all stories and each story's oEmbed document.

Both need absolute addresses to be fully useful outside the site; when the
build is given --base-url they get them, otherwise links stay relative to
the site (valid Atom, resolved against the feed's own address).
"""
from __future__ import annotations

import json
import uuid
import xml.etree.ElementTree as ET

from storymap.model import StoryModel
from storymap.preview import picture
from storymap.render import markdown
from storymap.render.share import EMBED_HEIGHT, EMBED_WIDTH, embed_iframe, site_url, story_url

ATOM = "http://www.w3.org/2005/Atom"


def _stable_id(name: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"storymap:{name}").urn


def _timestamp(day) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _entry(feed: ET.Element, model: StoryModel, base_url: str | None) -> None:
    story = model.story
    entry = ET.SubElement(feed, "entry")
    ET.SubElement(entry, "id").text = _stable_id(f"story/{story.id}")
    ET.SubElement(entry, "title").text = story.title
    ET.SubElement(entry, "link", rel="alternate", type="text/html", href=site_url(base_url, f"{story.id}/"))
    ET.SubElement(entry, "published").text = _timestamp(story.published)
    ET.SubElement(entry, "updated").text = _timestamp(model.last_changed)
    if story.byline:
        ET.SubElement(ET.SubElement(entry, "author"), "name").text = story.byline
    summary = markdown.plain(story.summary)
    ET.SubElement(entry, "summary", type="text").text = summary
    if story.corrections:  # readers show the content instead of the summary: it carries both
        lines = [f"{c.date.isoformat()}: {c.text}" for c in sorted(story.corrections, key=lambda c: c.date)]
        ET.SubElement(entry, "content", type="text").text = summary + "\n\nCorrections:\n" + "\n".join(lines)


def atom_feed(models: list[StoryModel], site_title: str, base_url: str | None) -> bytes:
    """One entry per story; an entry's updated time moves with updates and corrections."""
    ET.register_namespace("", ATOM)
    feed = ET.Element("feed", xmlns=ATOM)
    ET.SubElement(feed, "id").text = _stable_id("feed")
    ET.SubElement(feed, "title").text = site_title
    ET.SubElement(feed, "link", rel="self", type="application/atom+xml", href=site_url(base_url, "feed.xml"))
    ET.SubElement(feed, "link", rel="alternate", type="text/html", href=site_url(base_url, ""))
    newest = max((m.last_changed for m in models), default=None)
    ET.SubElement(feed, "updated").text = _timestamp(newest) if newest else "1970-01-01T00:00:00Z"
    ET.SubElement(ET.SubElement(feed, "author"), "name").text = site_title
    for model in models:
        _entry(feed, model, base_url)
    ET.indent(feed, space=" ")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode").encode() + b"\n"


def oembed(model: StoryModel, site_title: str, base_url: str | None) -> bytes:
    """The oEmbed document: the iframe alone (CMSs strip scripts from oEmbed) and the picture."""
    document = {
        "version": "1.0",
        "type": "rich",
        "title": model.story.title,
        "provider_name": site_title,
        "html": embed_iframe(model, base_url),
        "width": EMBED_WIDTH,
        "height": EMBED_HEIGHT,
        # Relative without --base-url: resolved against this document's own address.
        "thumbnail_url": story_url(model, base_url, "preview.png"),
        "thumbnail_width": picture.WIDTH,
        "thumbnail_height": picture.HEIGHT,
    }
    if model.story.byline:
        document["author_name"] = model.story.byline
    if base_url:
        document["provider_url"] = site_url(base_url, "")
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
