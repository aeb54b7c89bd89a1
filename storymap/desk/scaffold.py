"""`new story` and `new event`: files that build at once, with every optional field as a comment.

Each file starts with a yaml-language-server modeline pointing at the JSON
Schema in docs/schema/, so editors with YAML support complete and check the
fields while the journalist types.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import yaml

from storymap.errors import UserError, did_you_mean, display_path
from storymap.source.fields import ID_PATTERN, RESERVED_STORY_IDS
from storymap.source.load import reserved_names, story_dirs

MAX_SLUG = 60

STORY_TEMPLATE = """\
# yaml-language-server: $schema={schema}
# A story: its headline, summary and settings. Every field is explained in docs/writing-a-story.md.
title: {title}
summary: One or two sentences on what the map shows. *Markdown* is allowed.
published: {today}
# byline: Data desk
# updated: {today}
# language: en                        # BCP 47 tag of the page: en, de, ru, pt-BR...
# license: CC-BY-4.0                  # licence of the data downloads, shown beside them
# map:
#   center: {{lat: 45.0, lon: 100.0}}   # where the map opens; default: fit every place and event
#   zoom: 4
#   basemap: OpenStreetMap.Mapnik     # a basemap name from xyzservices
# timeline:
#   start: {today}                 # first day of the slider; default: the first event's date
#   end: {today}                   # last day; default: the last event's date
#   mode: cumulative                  # cumulative: events stay; window: each shows for window_days
#   window_days: 14
# places:                             # places only this story uses (they override data/places.yaml)
#   - {{id: example-port, name: Example port, kind: port, lat: 42.88, lon: 132.35, country: "RU"}}
# corrections:
#   - date: {today}
#     text: An earlier version of this story said ...
"""

EVENT_TEMPLATE = """\
# yaml-language-server: $schema={schema}
# One event. Every field is explained in docs/writing-a-story.md.
title: {title}
date: {today}                    # or {year}-{month:02d} (a month) or {year} (a year)
# approximate: true                 # the date is approximate, e.g. "mid-August"
# For a span, replace date with:
# start: {today}
# end: {today}                   # leave out while it is still going on
#
# Where: at most one of place, at and route; with none, the event is listed but not drawn.
# place: example-port               # an id from data/places.yaml or the story's places
# at: {{lat: 42.42, lon: 130.60}}     # latitude first, as map apps show it
# route:
#   mode: rail                      # sea | rail | road | air
#   via: [place-a, {{lat: 48.48, lon: 135.08}}, place-b]
#   # or instead of via: geometry: <file name in data/routes, without its extension>
#
# kind: observation                 # observation | shipment | meeting | statement | movement | other
# confidence: moderate              # high | moderate | low
# description: |
#   What happened, in Markdown. Links must start with https://; raw HTML is not allowed.
sources:
  - publisher: Name who reported it
    # title: The report's title
    # url: https://example.org/report
    # date: {today}
    # archive: https://web.archive.org/...
# media:
#   - src: media/photo.jpg            # a PNG, JPEG, GIF or WebP file in this story's media/ folder
#     alt: What the image shows       # required: read aloud to readers who cannot see it
#     credit: Who made it
# tags: [rail, satellite]
"""


def yaml_text(value: str) -> str:
    """A string as one YAML scalar, quoted only where YAML needs it."""
    return yaml.safe_dump(value, allow_unicode=True, width=10**6).removesuffix("\n...\n").strip()


def slug(text: str) -> str:
    """Lowercase letters, digits and -, for file names and ids."""
    words = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return words[:MAX_SLUG].rstrip("-")


def schema_reference(file_dir: Path, stories_dir: Path, name: str) -> str:
    """Path from a new file to docs/schema/<name>, relative, as editors resolve it."""
    target = Path(os.path.abspath(stories_dir)).parent / "docs" / "schema" / name
    return Path(os.path.relpath(target, os.path.abspath(file_dir))).as_posix()


def new_story(stories_dir: Path, story_id: str, today: dt.date) -> Path:
    if not ID_PATTERN.fullmatch(story_id):
        raise UserError(f"'{story_id}' is not a valid story id",
                        f"use lowercase letters, digits and -, e.g. '{slug(story_id) or 'port-activity'}'")
    if story_id in RESERVED_STORY_IDS:
        raise UserError(f"'{story_id}' is a name the build uses for the site's own files",
                        f"choose another id, e.g. '{story_id}-story'; these names are taken: {reserved_names()}")
    directory = stories_dir / story_id
    if directory.exists():
        raise UserError(f"{display_path(directory)} already exists", "choose another id, or edit that story")
    (directory / "events").mkdir(parents=True)
    path = directory / "story.yaml"
    title = story_id.replace("-", " ").capitalize()
    path.write_text(STORY_TEMPLATE.format(schema=schema_reference(directory, stories_dir, "story.schema.json"),
                                          title=yaml_text(title), today=today.isoformat()), encoding="utf-8")
    return path


def new_event(stories_dir: Path, story_id: str, title: str, today: dt.date) -> Path:
    directory = stories_dir / story_id
    if not (directory / "story.yaml").is_file():
        known = [d.name for d in story_dirs(stories_dir)]
        raise UserError(f"no story '{story_id}' in {display_path(stories_dir)}",
                        did_you_mean(story_id, known) or f"create it with: python build.py new story {story_id}")
    title = " ".join(title.split())
    if not title or len(title) > 200:
        raise UserError("an event title needs 1 to 200 characters", "write a short headline")
    events = directory / "events"
    events.mkdir(exist_ok=True)
    path = free_path(events, f"{today.isoformat()}-{slug(title) or 'event'}")
    path.write_text(EVENT_TEMPLATE.format(schema=schema_reference(events, stories_dir, "event.schema.json"),
                                          title=yaml_text(title), today=today.isoformat(), year=today.year,
                                          month=today.month), encoding="utf-8")
    return path


def free_path(directory: Path, stem: str, taken: set[str] | None = None) -> Path:
    """directory/stem.yaml, or stem-2.yaml, stem-3.yaml... when taken (on disk or in `taken`)."""
    taken = taken or set()
    candidate, number = stem, 1
    while (directory / f"{candidate}.yaml").exists() or candidate in taken:
        number += 1
        candidate = f"{stem}-{number}"
    return directory / f"{candidate}.yaml"
