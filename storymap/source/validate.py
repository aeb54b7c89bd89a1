"""The story format's records: YAML nodes to model values, collecting every problem.

The declarations below are the single source of truth for what a story,
an event and a place may contain; schema.py publishes them as JSON Schema.
"""
from __future__ import annotations

import re
from pathlib import Path
from enum import StrEnum
from typing import Any, Iterable

from storymap.render import basemaps
from storymap.source import filecache, files
from storymap import i18n
from storymap.errors import Mark, did_you_mean, display_path
from storymap.messages import PLACEHOLDER_PUBLISHER_HINT
from storymap.source.fields import (INVALID, Choice, Context, Custom, DateValue, Field, FieldType, Flag, Identifier,
                                    Integer, ListOf, Markdown, Number, Placeholder, Record, Result, Text, WebAddress,
                                    present)
from storymap.model import (COMPUTED_MODES, DEFAULT_BASEMAP, Confidence, Event, EventKind, LatLon, MapSettings,
                            Media, Place, PlaceKind, RouteMode, RoutePath, RouteSpec, Source, Story, TimelineSettings,
                            When, default_path)
from storymap.source.storyrecords import CORRECTION, TIMELINE
from storymap.source.yamlio import Mapping, Node, Scalar


def _mark_of(node: Mapping, key: str) -> Mark:
    value = node.get(key)
    return value.mark if value is not None else node.mark


def check_coordinates(values: dict[str, Any], node: Mapping, ctx: Context) -> Result[LatLon]:
    """lat/lon ranges, with a hint when swapping the two would make them valid."""
    if not present(values, "lat", "lon"):
        return INVALID
    lat, lon = values["lat"], values["lon"]
    swap_fixes = -90 <= lon <= 90 and -180 <= lat <= 180
    hint = f"latitude and longitude look swapped: write lat: {lon}, lon: {lat}" if swap_fixes else ""
    if not -90 <= lat <= 90:
        ctx.problems.add(_mark_of(node, "lat"), "latitude-range", hint, value=_as_written(node, "lat", lat))
    if not -180 <= lon <= 180:
        ctx.problems.add(_mark_of(node, "lon"), "longitude-range", hint, value=_as_written(node, "lon", lon))
    return LatLon(lat, lon)


def _as_written(node: Mapping, key: str, number: float) -> str:
    """A number as the file has it: 1e400, read as infinity, is shown as 1e400."""
    value = node.get(key)
    return value.value.strip() if isinstance(value, Scalar) else str(number)


COORDINATES = Record("coordinates", (
    Field("lat", Number(), True, "latitude in decimal degrees, -90 to 90 (north is positive)"),
    Field("lon", Number(), True, "longitude in decimal degrees, -180 to 180 (east is positive)"),
), check_coordinates, "A point written as {lat: 42.42, lon: 130.60}.")


def _country(text: str) -> tuple[Any, str | None, None]:
    if re.fullmatch(r"[A-Z]{2}", text) and i18n.is_country_code(text):
        return text, None, None
    return None, "bad-country", None


# Read from the text as written: a bare NO (Norway) stays "NO", never YAML 1.1's false.
COUNTRY = Custom("a country code", _country, {"type": "string", "pattern": "^[A-Z]{2}$"})


def _build_place(values: dict[str, Any], node: Mapping, ctx: Context) -> Result[Place]:
    point = check_coordinates(values, node, ctx)
    if point is INVALID or not present(values, "id", "name", "kind"):
        return INVALID
    return Place(id=values["id"], name=values["name"], kind=values["kind"], lat=point.lat, lon=point.lon,
                 country=values.get("country"), aliases=values.get("aliases", ()), note=values.get("note"),
                 mark=_mark_of(node, "id"))


PLACE = Record("place", (
    Field("id", Identifier(), True, "how events refer to the place, e.g. tumangang-rail"),
    Field("name", Text(200), True, "the name shown on the map"),
    Field("kind", Choice(PlaceKind), True, "the symbol it gets on the map"),
    Field("lat", Number(), True, "latitude in decimal degrees"),
    Field("lon", Number(), True, "longitude in decimal degrees"),
    Field("country", COUNTRY, doc="ISO 3166-1 alpha-2 code, written as a string"),
    Field("aliases", ListOf(Text(200)), doc="other names for the place"),
    Field("note", Text(), doc="source and precision of the coordinates"),
), _build_place, "A named place of the gazetteer.")


def _build_source(values: dict[str, Any], node: Mapping, ctx: Context) -> Result[Source]:
    if not present(values, "publisher"):
        return INVALID
    return Source(values["publisher"], values.get("title"), values.get("url"), values.get("date"),
                  values.get("archive"))


# The publisher `new event` writes (desk/scaffold.py), a problem until the journalist replaces it.
PUBLISHER_PLACEHOLDER = Placeholder("Name who reported it", PLACEHOLDER_PUBLISHER_HINT)

SOURCE = Record("source", (
    Field("publisher", Text(300, PUBLISHER_PLACEHOLDER), True, "who reported it, e.g. CSIS Beyond Parallel"),
    Field("title", Text(500), doc="the report's title"),
    Field("url", WebAddress(), doc="link to the report (http or https)"),
    Field("date", DateValue(allow_partial=True), doc="publication date"),
    Field("archive", WebAddress(), doc="link to an archived copy"),
), _build_source, "Who reported the event.")


def _build_media(values: dict[str, Any], node: Mapping, ctx: Context) -> Result[Media]:
    src = values.get("src")
    media = _read_media(src, _mark_of(node, "src"), ctx) if isinstance(src, str) else INVALID
    if media is INVALID or not present(values, "alt"):
        return INVALID
    return Media(values["src"], values["alt"], values.get("credit"), media.output, media.data)


def _read_media(src: str, mark: Mark, ctx: Context) -> Result[Media]:
    """The image src names, checked: a path inside the story, to a PNG, JPEG, GIF or WebP file.

    Web addresses are refused: a published story must not break, or tell another site who
    reads it, when that site changes. `..` is refused as written (a link inside the story
    could otherwise lead it anywhere); the resolved file must still lie inside the story.
    """
    story = display_path(ctx.story_dir) if ctx.story_dir is not None else "the story"
    if re.match(r"^https?://", src, re.IGNORECASE):
        ctx.problems.add(mark, "media-web-address", value=src, story=story)
        return INVALID
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", src):
        ctx.problems.add(mark, "media-bad-src", value=src)
        return INVALID
    if src.startswith(("/", "\\")) or ".." in re.split(r"[/\\]", src):
        ctx.problems.add(mark, "media-outside", value=src, story=story)
        return INVALID
    if ctx.story_dir is None:  # checking a document alone (the docs' examples): no files to look at
        return Media(src, "")
    return _media_file(src, mark, ctx, story, ctx.story_dir)


# A file refused (files.py) is reported at the media's src line, in the media's words.
_MEDIA_CODES = dict((("file-outside", "media-outside"), ("file-not-regular", "media-not-regular"),
                     ("file-too-large", "media-too-large")))


def _media_file(src: str, mark: Mark, ctx: Context, story: str, story_dir: Path) -> Result[Media]:
    """The file's content and the name its copy gets; each file is read once per story."""
    path = story_dir / src
    if ctx.deps is not None:
        ctx.deps.media[str(path)] = filecache.media_status(path)
    try:
        real = files.resolve_inside(path, story_dir)
        if real not in ctx.media_read:
            data = files.read_bytes(real, story_dir, files.MAX_MEDIA_BYTES)
            ext = files.image_type(data)
            if ext is None:
                raise files.Refusal("media-not-image")
            ctx.media_read[real] = Media(src, "", None, files.media_output_name(data, ext), data)
        return ctx.media_read[real]
    except files.Refusal as refusal:
        ctx.problems.add(mark, _MEDIA_CODES.get(refusal.code, refusal.code), value=src, story=story, **refusal.values)
    except FileNotFoundError:
        ctx.problems.add(mark, "media-missing", value=src, story=story)
    except OSError as err:
        ctx.problems.add(mark, "media-unreadable", value=src, reason=err.strerror or err)
    return INVALID


MEDIA = Record("media", (
    Field("src", Text(), True, "a PNG, JPEG, GIF or WebP file inside the story folder, e.g. media/photo.jpg"),
    Field("alt", Text(500), True, "what the image shows, for readers who cannot see it"),
    Field("credit", Text(300), doc="who made the image"),
), _build_media, "An image shown with the event.")


def _read_via_item(node: Node, ctx: Context) -> Result[str | LatLon]:
    if isinstance(node, Mapping):
        return COORDINATES.read(node, ctx)
    place_id = Identifier().read(node, ctx)
    if place_id is not INVALID:
        check_place_ref(place_id, node.mark, ctx)
    return place_id


class ViaItem(FieldType[str | LatLon]):
    description = "a place id or {lat, lon}"

    def read(self, node: Node, ctx: Context) -> Result[str | LatLon]:
        return _read_via_item(node, ctx)

    def schema(self) -> dict:
        return {"oneOf": [Identifier().schema(), COORDINATES.schema()]}


def _in_words(vocabulary: type[StrEnum]) -> str:
    """The values as a sentence lists them: 'sea, rail, road or air'."""
    *most, last = vocabulary
    return f"{', '.join(most)} or {last}"


def _build_route(values: dict[str, Any], node: Mapping, ctx: Context) -> Result[RouteSpec]:
    has_via, has_geometry = node.get("via") is not None, node.get("geometry") is not None
    if has_via == has_geometry:
        ctx.problems.add(node.mark, "route-both" if has_via else "route-neither")
        return INVALID
    geometry = values.get("geometry")
    if isinstance(geometry, str) and ctx.route_ids is not None and ctx.deps is not None:
        ctx.deps.route(geometry, geometry in ctx.route_ids)
        if geometry not in ctx.route_ids:
            ctx.deps.route_names = filecache.route_names(ctx.route_ids)
    if isinstance(geometry, str) and ctx.route_ids is not None and geometry not in ctx.route_ids:
        ctx.problems.add(_mark_of(node, "geometry"), "unknown-route", did_you_mean(geometry, ctx.route_ids) or None,
                         value=geometry)
    if not present(values, "mode"):
        return INVALID
    path = _route_path(values, node, ctx, has_geometry)
    if path is INVALID:
        return INVALID
    if node.get("within") is not None and not (values["mode"] == RouteMode.RAIL and path == RoutePath.AUTO):
        ctx.problems.add(_mark_of(node, "within"), "within-not-computed-rail")
    return RouteSpec(values["mode"], path, values.get("via", ()), geometry, values.get("within", ()),
                     values.get("approximate", False), node.mark)


def _route_path(values: dict[str, Any], node: Mapping, ctx: Context, has_geometry: bool) -> Result[RoutePath]:
    """The route's path: as written, else the mode's default; a route file's line is its own (file)."""
    mode, written = values["mode"], values.get("path")
    mark = _mark_of(node, "path")
    if written is INVALID:
        return INVALID
    if written is not None and has_geometry:
        ctx.problems.add(mark, "path-with-geometry")
        return INVALID
    if has_geometry:
        return RoutePath.FILE
    if written == RoutePath.STRAIGHT and mode == RouteMode.AIR:
        ctx.problems.add(mark, "air-path-straight")
        return INVALID
    if written == RoutePath.AUTO and mode not in COMPUTED_MODES and mode != RouteMode.AIR:
        ctx.problems.add(mark, "path-not-computed", mode=mode)
        return INVALID
    return written or default_path(mode)


ROUTE = Record("route", (
    Field("mode", Choice(RouteMode), True, f"how things moved: {_in_words(RouteMode)}"),
    Field("via", ListOf(ViaItem(), min_items=2), doc="the points in order: place ids or {lat, lon}"),
    Field("geometry", Identifier(), doc="a line file in data/routes/, named without its extension"),
    Field("path", Choice(RoutePath, only=(RoutePath.AUTO, RoutePath.STRAIGHT)),
          doc="auto: computed at sea or along the railways (the default for sea and rail; air is always drawn "
              "along great circles); straight: straight between the via points (the default for road and river)"),
    Field("within", ListOf(COUNTRY, min_items=1),
          doc="rail with path auto: the countries the line stays in, as ISO 3166-1 alpha-2 codes, e.g. [RU, KP]"),
    Field("approximate", Flag(), doc="true when the line is a sketch: it is drawn as a broad band"),
), _build_route, "A movement along a line.")


def check_place_ref(place_id: str, mark: Mark, ctx: Context) -> None:
    if ctx.places is None:
        return
    found = place_id in ctx.places
    if ctx.deps is not None:
        ctx.deps.place(place_id, found)
        if not found:
            ctx.deps.place_names = filecache.place_names(ctx.places)
    if found:
        return
    by_alias = {alias.lower(): p.id for p in ctx.places.values() for alias in (p.name, *p.aliases)}
    hint = (f"did you mean '{by_alias[place_id.lower()]}'?" if place_id.lower() in by_alias
            else did_you_mean(place_id, ctx.places) or None)
    ctx.problems.add(mark, "unknown-place", hint, value=place_id)


def _build_when(values: dict[str, Any], node: Mapping, ctx: Context) -> Result[When]:
    has = {key: node.get(key) is not None for key in ("date", "start", "end")}
    if has["date"] and has["start"]:
        ctx.problems.add(_mark_of(node, "start"), "date-and-start")
        return INVALID
    if has["date"] and has["end"]:
        ctx.problems.add(_mark_of(node, "end"), "end-with-date")
        return INVALID
    if not (has["date"] or has["start"]):
        ctx.problems.add(node.mark, "missing-key", "add date: YYYY-MM-DD, or start: (and end:) for a span",
                         key="date", record="event")
        return INVALID
    approximate = values.get("approximate", False)
    if has["date"]:
        return When(values["date"], approximate=approximate) if present(values, "date") else INVALID
    if not present(values, "start") or values.get("end") is INVALID:
        return INVALID
    start, end = values["start"], values.get("end")
    if end is not None and end.last_day() < start.first_day():
        ctx.problems.add(_mark_of(node, "end"), "end-before-start", end=end.iso, start=start.iso)
        return INVALID
    return When(start, end, is_span=True, approximate=approximate)


def _build_event(values: dict[str, Any], node: Mapping, ctx: Context) -> Result[Event]:
    when = _build_when(values, node, ctx)
    wheres = [k for k in ("place", "at", "route") if node.get(k) is not None]
    if len(wheres) > 1:
        ctx.problems.add(_mark_of(node, wheres[1]), "two-wheres", kinds=" and ".join(wheres))
    if isinstance(values.get("place"), str):
        check_place_ref(values["place"], _mark_of(node, "place"), ctx)
    event_id = values.get("id", ctx.default_id)
    if event_id is None:
        ctx.problems.add(node.mark, "missing-key",
                         "rename the file to a valid id (e.g. tumangang-railcars.yaml) or add id:", key="id", record="event")
    if when is INVALID or event_id in (None, INVALID) or not present(values, "title", "sources"):
        return INVALID
    return Event(id=event_id, title=values["title"], when=when, sources=values["sources"],
                 **{key: values[key] for key in ("kind", "confidence") if key in values},  # else the model's default
                 description=values.get("description"), place=values.get("place"), at=values.get("at"),
                 route=values.get("route"), media=values.get("media", ()), tags=values.get("tags", ()),
                 mark=_mark_of(node, "id") if "id" in values else node.mark)


EVENT = Record("event", (
    Field("id", Identifier(), doc="unique in the story; default: the file name without .yaml"),
    Field("title", Text(200), True, "a short headline, plain text, at most 200 characters"),
    Field("date", DateValue(allow_partial=True, approximate_key="date"),
          doc="when it happened: YYYY-MM-DD, YYYY-MM or YYYY"),
    Field("start", DateValue(allow_partial=True, approximate_key="start"), doc="the first day of a span"),
    Field("end", DateValue(allow_partial=True, approximate_key="end"),
          doc="the last day of a span; leave out while ongoing"),
    Field("approximate", Flag(), doc="true when the date is approximate, e.g. 'mid-August'"),
    Field("place", Identifier(), doc="a place id from data/places.yaml or the story's places"),
    Field("at", COORDINATES, doc="a point written as {lat: .., lon: ..}"),
    Field("route", ROUTE, doc="a movement along a line"),
    Field("kind", Choice(EventKind), doc=f"default: {Event.kind}"),
    Field("description", Markdown(), doc="Markdown; raw HTML is not allowed"),
    Field("confidence", Choice(Confidence), doc=f"how sure we are; default: {Event.confidence}"),
    Field("sources", ListOf(SOURCE, min_items=1), True, "who reported it; at least one"),
    Field("media", ListOf(MEDIA), doc="images with alt text"),
    Field("tags", ListOf(Text(100)), doc="words to group events"),
), _build_event, "One event of a story.", extra_schema={
    "oneOf": [{"required": ["date"], "not": {"anyOf": [{"required": ["start"]}, {"required": ["end"]}]}},
              {"required": ["start"], "not": {"required": ["date"]}}],
})


def _basemap(name: str) -> tuple[Any, str | None, str | None]:
    problem = basemaps.basemap_problem(name)
    return (name, None, None) if problem is None else (None, *problem)


def _language(tag: str) -> tuple[Any, str | None, None]:
    return (tag, None, None) if i18n.is_known_language(tag) else (None, "bad-language", None)


def _build_map(values: dict[str, Any], node: Mapping, ctx: Context) -> Result[MapSettings]:
    return MapSettings(values.get("center"), values.get("zoom"), values.get("basemap", DEFAULT_BASEMAP))


MAP = Record("map", (
    Field("center", COORDINATES, doc="where the map opens; default: fit all features"),
    Field("zoom", Integer(0, 20), doc="the opening zoom level; default: fit all features"),
    Field("basemap", Custom("a basemap name", _basemap, {"type": "string"}),
          doc=f"an xyzservices provider name, or natural-earth (the built-in base: no tiles); "
              f"default {DEFAULT_BASEMAP}"),
), _build_map, "How the map opens.")


def _build_story(values: dict[str, Any], node: Mapping, ctx: Context) -> Result[dict[str, Any]]:
    published, updated = values.get("published"), values.get("updated")
    if published not in (None, INVALID) and updated not in (None, INVALID) and updated < published:
        ctx.problems.add(_mark_of(node, "updated"), "updated-before-published", updated=updated, published=published)
    return values  # read_story() adds the events and builds the Story


STORY = Record("story", (
    Field("title", Text(200), True, "the story's headline, plain text"),
    Field("summary", Markdown(), True, "one or two sentences, Markdown"),
    Field("byline", Text(300), doc="who wrote it"),
    Field("published", DateValue(allow_partial=False), True, "first publication, YYYY-MM-DD"),
    Field("updated", DateValue(allow_partial=False), doc="last update, YYYY-MM-DD"),
    Field("language", Custom("a language tag", _language, {"type": "string"}), doc="BCP 47; default en"),
    Field("map", MAP),
    Field("timeline", TIMELINE),
    Field("places", ListOf(PLACE), doc="places only this story uses; they override shared ones"),
    Field("license", Text(100), doc="licence of the data downloads, e.g. CC-BY-4.0"),
    Field("corrections", ListOf(CORRECTION)),
), _build_story, "A story: its metadata, map and timeline.")


def story_from_values(story_id: str, values: dict[str, Any], node: Node, directory: Path,
                      events: Iterable[Event]) -> Story:
    return Story(id=story_id, title=values["title"], summary=values["summary"], published=values["published"],
                 directory=directory, events=tuple(events), byline=values.get("byline"),
                 updated=values.get("updated"), language=values.get("language", "en"),
                 map=values.get("map", MapSettings()), timeline=values.get("timeline", TimelineSettings()),
                 places=values.get("places", ()), license=values.get("license"),
                 corrections=values.get("corrections", ()), mark=node.mark)
