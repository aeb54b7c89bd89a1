"""The benchmark's synthetic story, in the project's YAML format.

A deterministic (seeded) story of N events: a gazetteer of 200 places, point events
at places and at `{lat, lon}`, spans (some ongoing), routes by sea and rail through
3-6 points and along GeoJSON route files, a few events with no place, in list files
of 100 events, over 365 days, cumulative. The same seed gives the same files.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from storymap.model import Confidence, EventKind, PlaceKind

STORY_ID = "bench-story"
SEED = 20231016
FIRST_DAY = dt.date(2023, 1, 1)
DAYS = 365
EVENTS_PER_FILE = 100
PLACE_COUNT = 200
ROUTE_FILE_VERTICES = (12, 25, 40)  # one route file each

PLACE_KINDS = tuple(kind.value for kind in PlaceKind)
KIND_WORDS = {"port": "Port", "railhead": "Railhead", "depot": "Depot", "base": "Base",
              "border-crossing": "Crossing", "city": "City", "site": "Site"}
EVENT_KINDS = tuple(kind.value for kind in EventKind)
CONFIDENCE_LEVELS = tuple(level.value for level in Confidence)
SYLLABLES = ("ka", "ro", "van", "del", "mi", "tor", "sha", "lun", "bek", "ost", "ya", "zan", "gor", "ril",
             "no", "pe", "tu", "ash", "vel", "kin")
COUNTRIES = ("RU", "KP", "CN", "MN", "KZ", "NO", "UA", "BY", "IR", "TR")  # NO: stays the text "NO"
PUBLISHERS = [
    ("CSIS Beyond Parallel", "https://beyondparallel.csis.org"), ("38 North", "https://www.38north.org"),
    ("Reuters", "https://www.reuters.com"), ("Associated Press", None), ("Open Source Centre", None),
    ("RUSI", "https://rusi.org"), ("NK Pro", "https://www.nknews.org/pro"), ("Maxar", None),
    ("Planet Labs", "https://www.planet.com"), ("Yonhap", None), ("Kyodo", None), ("BBC Monitoring", None),
    ("The Financial Times", "https://www.ft.com"), ("Conflict Armament Research", None),
    ("Ministry of Defence", "https://www.gov.uk/mod"), ("Ukrainian Intelligence", None),
    ("Marine Traffic", "https://www.marinetraffic.com"), ("Bellingcat", "https://www.bellingcat.com"),
    ("Local press", None), ("Data desk", None),
]
NOUNS = ("railcars", "containers", "trucks", "crates", "vessels", "wagons", "pallets", "tankers")
VERBS = ("seen at", "loaded at", "leave", "arrive at", "parked at", "moved to", "spotted near")

dump_yaml = functools.partial(yaml.safe_dump, sort_keys=False, allow_unicode=True, default_flow_style=None,
                              width=120)


@dataclass
class Story:
    stories: Path  # the --stories folder for the builders
    data: Path  # the --data folder for the builders
    events: int
    located: int  # events with a place, a point or a route
    last_day: dt.date  # the last date or span end of any event: where the timeline ends


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def round_coord(value: float) -> float:
    return round(value, 4)


def random_point(rng: random.Random) -> dict:
    """A `{lat, lon}` location (latitude drawn first)."""
    return {"lat": round_coord(rng.uniform(36, 60)), "lon": round_coord(rng.uniform(28, 138))}


def make_places(rng: random.Random) -> list[dict]:
    places = []
    for number in range(PLACE_COUNT):
        kind = PLACE_KINDS[number % len(PLACE_KINDS)]
        name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        name = f"{name} {KIND_WORDS[kind]}"
        place = {"id": f"{slug(name)}-{number}", "name": name, "kind": kind,
                 "lat": round_coord(rng.uniform(35, 62)), "lon": round_coord(rng.uniform(25, 140))}
        if number % 3:
            place["country"] = rng.choice(COUNTRIES)
        places.append(place)
    return places


def make_route_file(rng: random.Random, vertices: int) -> dict:
    lat, lon = rng.uniform(38, 58), rng.uniform(30, 60)
    coords = []
    for _ in range(vertices):
        coords.append([round_coord(lon), round_coord(lat)])
        lat, lon = lat + rng.uniform(-1.0, 1.0), lon + rng.uniform(1.0, 4.0)
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "synthetic line"},
         "geometry": {"type": "LineString", "coordinates": coords}}]}


def make_title(rng: random.Random, place_name: str) -> str:
    title = f"{rng.randint(2, 95)} {rng.choice(NOUNS)} {rng.choice(VERBS)} {place_name}"
    if len(title) < 36:
        title += f" ({rng.choice(('imagery', 'report', 'sighting', 'claim'))})"
    return title[:44].rstrip()


def event_dates(rng: random.Random, start: dt.date, is_span: bool) -> dict:
    """`date`, or a span's `start` and (unless ongoing) `end`."""
    if not is_span:
        return {"date": start}
    dates = {"start": start}
    if rng.random() < 0.7:  # else ongoing
        dates["end"] = min(start + dt.timedelta(days=rng.randint(3, 60)), FIRST_DAY + dt.timedelta(days=DAYS - 1))
    return dates


def event_location(rng: random.Random, roll: float, place: dict, places: list[dict],
                   route_ids: list[str]) -> dict:
    """`place`, `at` or `route` by the event's roll; nothing for an event with no place."""
    if roll < 0.40 or (0.62 <= roll < 0.70):
        return {"place": place["id"]}
    if roll < 0.62 or (0.70 <= roll < 0.77):
        return {"at": random_point(rng)}
    if roll < 0.97:
        mode = rng.choice(("sea", "rail"))
        if rng.random() < 0.1:
            return {"route": {"mode": mode, "geometry": rng.choice(route_ids)}}
        via = [rng.choice(places)["id"] if rng.random() < 0.6 else random_point(rng)
               for _ in range(rng.randint(3, 6))]
        # Random points lie anywhere, land included: drawn straight (a sea route would be computed,
        # or warned of as crossing land), so the benchmark measures the pages, not the routing.
        return {"route": {"mode": "road" if mode == "sea" else "rail", "path": "straight", "via": via}}
    return {}  # no place: on the timeline and in the list, not on the map


def event_source(rng: random.Random, number: int, start: dt.date) -> dict:
    publisher, url = rng.choice(PUBLISHERS)
    source: dict = {"publisher": publisher}
    if url:
        source["url"] = f"{url}/story-{number}"
    if rng.random() < 0.2:
        source["date"] = start + dt.timedelta(days=rng.randint(0, 5))
    return source


def make_event(rng: random.Random, number: int, places: list[dict], route_ids: list[str]) -> dict:
    start = FIRST_DAY + dt.timedelta(days=0 if number == 0 else rng.randrange(DAYS))
    place = rng.choice(places)
    roll = 0.0 if number == 0 else rng.random()  # the first event: a point at a place on day 0
    is_span = 0.62 <= roll < 0.77 or (0.77 <= roll < 0.97 and rng.random() < 0.3)
    event: dict = {"id": f"ev-{number:05d}", "title": make_title(rng, place["name"])}
    event.update(event_dates(rng, start, is_span))
    if rng.random() < 0.05:
        event["approximate"] = True
    event.update(event_location(rng, roll, place, places, route_ids))
    if rng.random() < 0.7:
        event["kind"] = rng.choice(EVENT_KINDS)
    if rng.random() < 0.5:
        event["confidence"] = rng.choice(CONFIDENCE_LEVELS)
    if rng.random() < 0.05:
        event["description"] = (f"Imagery shows *{rng.randint(2, 40)}* {rng.choice(NOUNS)} near "
                                f"{place['name']}; compare the [earlier report](https://example.org/r/{number}).")
    event["sources"] = [event_source(rng, number, start)]
    return event


def write_story_file(story_dir: Path, count: int) -> None:
    (story_dir / "story.yaml").write_text(dump_yaml({
        "title": f"Synthetic benchmark story ({count} events)",
        "summary": "Generated by *bench/bench.py*: points, spans and routes over a year.",
        "byline": "Benchmark desk",
        "published": dt.date(2024, 1, 15),
        "timeline": {"mode": "cumulative"},
        "license": "CC-BY-4.0",
    }), "utf-8")


def write_event_files(events_dir: Path, events: list[dict]) -> None:
    for first in range(0, len(events), EVENTS_PER_FILE):
        batch = events[first:first + EVENTS_PER_FILE]
        path = events_dir / f"batch-{first // EVENTS_PER_FILE:04d}.yaml"
        path.write_text(dump_yaml(batch), "utf-8")


def generate_story(root: Path, count: int, seed: int = SEED) -> Story:
    """Write stories/bench-story/ and data/ under root; the same seed gives the same files."""
    rng = random.Random(seed)
    stories, data = root / "stories", root / "data"
    story_dir = stories / STORY_ID
    (story_dir / "events").mkdir(parents=True)
    (data / "routes").mkdir(parents=True)
    places = make_places(rng)
    (data / "places.yaml").write_text("# Synthetic gazetteer for the benchmark.\n" + dump_yaml(places), "utf-8")
    route_ids = []
    for number, vertices in enumerate(ROUTE_FILE_VERTICES):
        route_id = f"bench-line-{number + 1}"
        (data / "routes" / f"{route_id}.geojson").write_text(json.dumps(make_route_file(rng, vertices)), "utf-8")
        route_ids.append(route_id)
    write_story_file(story_dir, count)
    events = [make_event(rng, number, places, route_ids) for number in range(count)]
    write_event_files(story_dir / "events", events)
    located = sum(1 for e in events if {"place", "at", "route"} & e.keys())
    last = max(max(e.get("date") or e["start"], e.get("end") or FIRST_DAY) for e in events)
    return Story(stories, data, count, located, last)
