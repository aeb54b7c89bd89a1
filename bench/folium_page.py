#!/usr/bin/env python3
"""The page a folium user would write for a story: the benchmark's point of comparison.

    python bench/folium_page.py --stories DIR --data DIR --out DIR

Reads the same YAML files as build.py (stories/<id>/events/*.yaml, data/places.yaml,
data/routes/*.geojson) and writes DIR/index.html: a folium.Map with one
folium.plugins.TimestampedGeoJson layer holding one Feature per located event
(a Point for a place or `at:`, a LineString for a route), with

- `times`: the event's day; for a span its start and end (ongoing: start only).
  A LineString needs one time per vertex (TimeDimension slices its coordinates by
  them): a dated route repeats its day, a span route runs from start to end;
- `popup`: the title, the date and the source publisher(s), escaped — the same
  facts our page shows for an event;
- a circle icon style (points) or a line style (routes), coloured by kind.

It is deliberately the straightforward version a competent folium user writes, and
where a choice exists it takes the faster one, so the comparison does not flatter
build.py: YAML is read with libyaml's CSafeLoader when available, route files
with json (no geopandas import), and nothing is validated.  `auto_play` is off
(folium's default is on) so the page sits still at its first date as ours does,
instead of stepping through the timeline while it is being measured.
"""
from __future__ import annotations

import argparse
import datetime as dt
import html
import json
from pathlib import Path

import folium
import yaml
from folium.plugins import TimestampedGeoJson

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# The colours of our page and picture (storymap/static/styles.json), so the two pages look alike.
STYLES = json.loads((Path(__file__).resolve().parent.parent / "storymap" / "static" / "styles.json").read_text("utf-8"))
KIND_COLOURS = STYLES["eventKinds"]
MODE_COLOURS = {mode: style["colour"] for mode, style in STYLES["routeModes"].items()}


def load(path: Path):
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=LOADER)


def iso(value) -> str:
    """A YAML date (a date object, or text for YYYY-MM / YYYY) as text."""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def day(value) -> str:
    """The first day of a date, month or year: what TimeDimension can parse."""
    text = iso(value)
    return text if len(text) == 10 else (text + "-01-01")[:10]


def point(ref, places):
    """[lon, lat] of a place id or an {lat, lon} mapping."""
    if isinstance(ref, str):
        place = places[ref]
        return [place["lon"], place["lat"]]
    return [ref["lon"], ref["lat"]]


def route_coordinates(route, places, routes_dir: Path, cache: dict):
    if "geometry" in route:
        name = route["geometry"]
        if name not in cache:
            with open(routes_dir / f"{name}.geojson", encoding="utf-8") as handle:
                collection = json.load(handle)
            cache[name] = [list(c) for f in collection["features"] for c in f["geometry"]["coordinates"]]
        return cache[name]
    return [point(ref, places) for ref in route["via"]]


def spread(start: str, end: str | None, count: int) -> list[str]:
    """One time per vertex: all the start day, or evenly from start to end."""
    if not end or count < 2:
        return [start] * count
    first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    step = (last - first) / (count - 1)
    return [(first + step * i).isoformat() for i in range(count)]


def popup(event) -> str:
    when = iso(event["date"]) if "date" in event else \
        iso(event["start"]) + " – " + (iso(event["end"]) if event.get("end") else "ongoing")
    publishers = ", ".join(html.escape(s["publisher"]) for s in event["sources"])
    return f"<b>{html.escape(event['title'])}</b><br>{when}<br>Source: {publishers}"


def features(events, places, routes_dir: Path) -> list[dict]:
    out, cache = [], {}
    for event in events:
        kind = event.get("kind", "observation")
        start = day(event["date"] if "date" in event else event["start"])
        end = day(event["end"]) if event.get("end") else None
        properties = {"popup": popup(event)}
        if "route" in event:
            coords = route_coordinates(event["route"], places, routes_dir, cache)
            geometry = {"type": "LineString", "coordinates": coords}
            properties["times"] = spread(start, end, len(coords))
            properties["style"] = {"color": MODE_COLOURS.get(event["route"].get("mode"), "#c05000"), "weight": 3}
        elif "place" in event or "at" in event:
            geometry = {"type": "Point", "coordinates": point(event.get("place") or event["at"], places)}
            properties["times"] = [start, end] if end else [start]
            properties["icon"] = "circle"
            properties["iconstyle"] = {"radius": 6, "fillColor": KIND_COLOURS.get(kind, "#4d4d4d"),
                                       "fillOpacity": 0.9, "color": "#ffffff", "weight": 2, "stroke": "true"}
        else:
            continue  # not located: not on the map
        out.append({"type": "Feature", "geometry": geometry, "properties": properties})
    return out


def read_story(stories: Path, data: Path) -> tuple[list[dict], dict]:
    """The one story's events (in file order) and the places by id, shared and the story's own."""
    places = {p["id"]: p for p in load(data / "places.yaml")}
    (story_dir,) = [d for d in sorted(stories.iterdir()) if d.is_dir() and d.name[0] not in "._"]
    story = load(story_dir / "story.yaml")
    places.update({p["id"]: p for p in story.get("places", [])})
    events = []
    for path in sorted((story_dir / "events").glob("*.yaml")):
        content = load(path)
        events.extend(content if isinstance(content, list) else [content])
    return events, places


def vertices(feature: dict) -> list:
    """The [lon, lat] pairs of a Point or LineString feature."""
    geometry = feature["geometry"]
    return [geometry["coordinates"]] if geometry["type"] == "Point" else geometry["coordinates"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    events, places = read_story(args.stories, args.data)
    feats = features(events, places, args.data / "routes")
    coordinates = [c for f in feats for c in vertices(f)]
    lons, lats = [c[0] for c in coordinates], [c[1] for c in coordinates]
    fmap = folium.Map(location=[sum(lats) / len(lats), sum(lons) / len(lons)], zoom_start=3)
    fmap.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]])
    TimestampedGeoJson({"type": "FeatureCollection", "features": feats}, period="P1D",
                       add_last_point=False, auto_play=False).add_to(fmap)
    args.out.mkdir(parents=True, exist_ok=True)
    fmap.save(str(args.out / "index.html"))
    print(f"folium page with {len(feats)} features written to {args.out / 'index.html'}")


if __name__ == "__main__":
    main()
