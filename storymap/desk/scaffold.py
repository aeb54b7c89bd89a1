"""`new story` and `new event`: files with every optional field as a comment.

`new story` writes a story that builds at once. `new event` names the file, and so the event's
id and readers' #event= links, after the title alone; what it cannot know (the date, unless
--date gives it, and the source) it writes as visible placeholders, which check and the build
report at their line until they are replaced (fields.py, validate.py).

Each file starts with a yaml-language-server modeline pointing at the JSON
Schema in docs/schema/, so editors with YAML support complete and check the
fields while the journalist types.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from pathlib import Path

import yaml

from storymap.errors import Problems, UserError, did_you_mean, display_path
from storymap.source import yamlio
from storymap.source.dateguess import date_hint
from storymap.source.fields import DATE_PATTERN, FIRST_YEAR, ID_PATTERN, RESERVED_STORY_IDS, Context
from storymap.source.load import read_events, reserved_names, story_dirs, story_language
from storymap.source.validate import PUBLISHER_PLACEHOLDER

MAX_SLUG = 60
PLACEHOLDER_DATE = "YYYY-MM-DD"  # one of fields.PLACEHOLDER_DATES: a problem until replaced
# Cyrillic letters as Latin ones, so that a Russian or Ukrainian title still gives a readable file name.
CYRILLIC = dict(zip("абвгґдеєёжзиіїйклмнопрстуфхцчшщъыьэюя",
                    "a b v g g d e ye yo zh z i i yi y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya".split()))

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
{date_line}
# approximate: true                 # the date is approximate, e.g. "mid-August"
# For a span, replace date with:
# start: YYYY-MM-DD
# end: YYYY-MM-DD                   # leave out while it is still going on
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
  - publisher: {publisher} # replace: who reported it
    # title: The report's title
    # url: https://example.org/report
    # date: YYYY-MM-DD              # when it was published
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


def slug(text: str, limit: int = MAX_SLUG, transliterate: bool = True) -> str:
    """Lowercase letters, digits and -, for file names and ids: at most `limit` characters, cut
    between two words (only a single longer word is cut inside). Accents are dropped (café: cafe);
    with transliterate, ß is ss and Cyrillic is written in Latin letters; other scripts leave nothing."""
    latin = text.lower()
    if transliterate:
        latin = "".join(CYRILLIC.get(letter, letter) for letter in latin).replace("ß", "ss")
    plain = unicodedata.normalize("NFKD", latin).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^a-z0-9]+", "-", plain.replace("-", " ")).strip("-")
    if len(words) <= limit or words[limit] == "-":
        return words[:limit]
    cut = words[:limit].rfind("-")
    return words[:cut] if cut > 0 else words[:limit]


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


def new_event(stories_dir: Path, story_id: str, title: str, date: str | None = None) -> Path:
    """events/<title>.yaml (or -2, -3... when taken), dated `date` or with a placeholder date."""
    directory = stories_dir / story_id
    if not (directory / "story.yaml").is_file():
        known = [d.name for d in story_dirs(stories_dir)]
        raise UserError(f"no story '{story_id}' in {display_path(stories_dir)}",
                        did_you_mean(story_id, known) or f"create it with: python build.py new story {story_id}")
    title = " ".join(title.split())
    if not title or len(title) > 200:
        raise UserError("an event title needs 1 to 200 characters", "write a short headline")
    if date is not None:
        date = event_date(date, directory)
    events = directory / "events"
    events.mkdir(exist_ok=True)
    # ids given with id: in other files are taken too, so the new id is unique in the story
    taken = {event.id for event in read_events(directory, Context(Problems(), directory))}
    path = free_path(events, slug(title) or "event", taken)
    note = "# or YYYY-MM (a month) or YYYY (a year)" if date else \
        "# replace: the day it happened, or YYYY-MM (a month) or YYYY (a year)"
    date_line = f"date: {date or PLACEHOLDER_DATE}".ljust(36) + note  # comments start in one column
    path.write_text(EVENT_TEMPLATE.format(schema=schema_reference(events, stories_dir, "event.schema.json"),
                                          title=yaml_text(title), date_line=date_line,
                                          publisher=PUBLISHER_PLACEHOLDER.text), encoding="utf-8")
    return path


def event_date(text: str, story_dir: Path) -> str:
    """--date as written when it is a date of the format (YYYY-MM-DD, YYYY-MM or YYYY), else a usage
    error whose hint guesses the ISO form meant, reading month names in the story's language too."""
    written = text.strip()
    match = DATE_PATTERN.fullmatch(written)
    if match:
        try:
            if int(match[1]) >= FIRST_YEAR and dt.date(int(match[1]), int(match[2] or 1), int(match[3] or 1)):
                return written
        except ValueError:
            pass
        raise UserError(f"--date {written} is not a real calendar date",
                        "check the day and the month, and write the year with its four digits")
    language = story_language(yamlio.load(story_dir / "story.yaml", Problems(), story_dir.parent))
    # approximate: true is for the file, not the command line: the hint gives the date alone
    guess = date_hint(written, language, allow_partial=True, approximate_key=None)
    raise UserError(f"--date takes a date written YYYY-MM-DD, YYYY-MM or YYYY, not '{written}'",
                    guess.replace("write ", "write --date ", 1) if guess else
                    "e.g. --date 2023-10-05, --date 2023-10 for a month or --date 2023 for a year")


def free_path(directory: Path, stem: str, taken: set[str] | None = None) -> Path:
    """directory/stem.yaml, or stem-2.yaml, stem-3.yaml... when taken (on disk or in `taken`)."""
    taken = taken or set()
    candidate, number = stem, 1
    while (directory / f"{candidate}.yaml").exists() or candidate in taken:
        number += 1
        candidate = f"{stem}-{number}"
    return directory / f"{candidate}.yaml"
