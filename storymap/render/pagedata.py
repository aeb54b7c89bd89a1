"""The data the page's JavaScript reads: one compact JSON document per story.

It goes into the page once, inside <script type="application/json">, escaped
so that no text in it can close the script element or start markup. Events
are stored column by column (one list per field) to keep 10,000-event pages
small. The text readers see (titles, dates, descriptions, sources) is rendered
on the server into the event list, and only there: the script shows it by
cloning those DOM nodes, and reads a title from the list page that holds the
event (fetching it when need be). A 10,000-event page's data was a third
titles.

    timeline: start/end (ISO), days, mode, windowDays, open (ISO: the day the page opens on)
    formats:  how the story's language writes dates and numbers (i18n.page_formats, from Babel):
              CLDR patterns (d, m, y: a date at that precision; t: a month alone), the
              halves of a range of days' pattern, month names, digit groups. The page writes its labels with
              them rather than with Intl, whose first formatter costs it tens of milliseconds.
    places:   columns name, kind, lat, lon  (the infrastructure layer; the page names a place, and
              needs no id for it); order, the places' numbers in the order their names get room on
              the map (label_order)
    kinds, confidences, modes: the names that the columns events.kind, events.confidence and
              routes.mode number
    events:   columns id (each written as the characters it shares with the previous event's id,
              counted in one base-36 digit, 0-9 then a-z, and then the rest of it: "0sea-leg-1",
              "82"), from (visible day, counted from timeline start), until (null: to
              the end; else the days it stays after from);
              geo, one digit per event in a string: 0 (NOWHERE) not on the map, 1 (PLACE) the
              next place number of events.place, 2 (POINT) the next point of events.points,
              3 (ROUTE) the next route of routes, whose routes are in event order;
              place: the places (n: places[n]) of the events at one, in event order;
              kind, confidence, span (0/1): one digit per event, in a string;
              precision: one letter per event for the slider's honest label, the
              precision of its (start) date: d day, m month, y year; upper case
              when the date is approximate ("dmMy" ...);
              points: columns lat, lon, the points of events.geo in order
    routes:   one per route event, in event order: mode, approximate (1: drawn as a band; one
              digit each, in a string), path (-1 (NEXT): the next path of paths; n >= 0: paths' n-th path
              again, as events drawn along one route file share its line)
    paths:    the distinct lines routes are drawn along: vertices, all paths' vertices one after
              another (n >= 0: places[n]'s coordinates; -1 (NEXT): the next of the columns
              lat, lon); sizes, the number of vertices of each path. (No lengths: the
              event list says each route's length, and the script never needs it.)

The script (static/js/pagedata.js) decodes it once at load into the shapes its components
read: routes[n] = {mode, approximate, path: [[lat, lon], ...]} and events.geo[i] =
null | place index | [lat, lon] | {route: n}. Digits in strings, places named by their index
and routes numbered by their order are what make the 10,000-event page's data small: 149 kB
with gzip as one object per route and [lat, lon] per point, 116 kB so; ids that say only how
they differ from the one before (ids in one file, or of one day, often share a beginning) 112 kB;
where each event is, as a digit, with the place numbers in a column of their own, 111.7 kB.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple
from urllib.parse import urlsplit

from storymap import i18n
from storymap.styles import styles
from storymap.model import (OPEN_AT_START, Confidence, EventKind, Place, PlaceKind, RouteMode, StoryModel,
                            TimedEvent)

FORMAT_VERSION = 3
COORD_DIGITS = 5  # about a metre

# Strings the script needs; the rest of the interface is rendered on the server.
SCRIPT_STRINGS = ("play", "pause", "events_shown", "close", "not_on_map", "tiles_failed", "legend",
                  "confidence_low_legend", "past_legend", "approximate_route", "loading",
                  "approximately", "play_speed", "speed_value", "window_range", "since", "span",
                  "confidence_high", "confidence_moderate", "confidence_low")


def counted_strings(model: StoryModel) -> dict[str, str]:
    """The script's texts with a number, in the form for the page's number: a story's count of
    events on the map and its window's days are fixed, so the page needs only that form."""
    located = sum(timed.geometry is not None for timed in model.events)
    language, days = model.story.language, model.story.timeline.window_days
    return {"events_shown": i18n.counted("events_shown", located, language),
            "window_range": i18n.counted("window_range", days, language)}


# The day a copy was archived, in its address: the Wayback Machine's /web/20231017123456/ (other
# Wayback archives write it the same way, some with a mode such as id_ after it) and archive.today's
# /2023.10.17-123456/. Its short /AbCdE addresses say nothing of the day.
ARCHIVE_STAMPS = (re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})[0-9]{6}(?:[a-z]{2}_)?"),
                  re.compile(r"([0-9]{4})\.([0-9]{2})\.([0-9]{2})-[0-9]{6}"))


def archive_day(address: str) -> dt.date | None:
    """The day an archived copy was made, when its address says (the event list shows it beside the
    link); None when it does not. Only the archive's part of the path is read: the archived page's
    own address follows it and may hold dates of its own."""
    archive_part = urlsplit(address).path.split("/http", 1)[0]
    for segment in archive_part.split("/"):
        for stamp in ARCHIVE_STAMPS:
            found = stamp.fullmatch(segment)
            if found:
                try:
                    return dt.date(*(int(part) for part in found.groups()))
                except ValueError:  # not a calendar day
                    return None
    return None


_KIND_NUMBER = {kind: n for n, kind in enumerate(EventKind)}
_CONFIDENCE_NUMBER = {level: n for n, level in enumerate(Confidence)}
_MODE_NUMBER = {mode: n for n, mode in enumerate(RouteMode)}
NEXT = -1  # routes.path and paths.vertices: the next entry of the table they refer to
NOWHERE, PLACE, POINT, ROUTE = range(4)  # events.geo's digits: not on the map, the next place, point, route

LatLon = tuple[float, float]


class RouteRow(NamedTuple):
    """A route event's route: its mode, whether it is drawn as a band and its line, rounded to
    COORD_DIGITS."""

    mode: RouteMode
    approximate: bool
    path: tuple[LatLon, ...]


class EventRow(NamedTuple):
    """One event's values for the page data: where it is drawn (its place's id, a point, its
    route or none of them; places and routes are numbered when the rows are joined) and the rest."""

    id: str
    kind: int
    confidence: int
    span: int
    start: int  # the column "from"
    until: int | None
    where: str | LatLon | None
    route: RouteRow | None
    precision: str


def _rounded(lat: float, lon: float) -> LatLon:
    return round(lat, COORD_DIGITS), round(lon, COORD_DIGITS)


def event_row(timed: TimedEvent, start: dt.date) -> EventRow:
    """An event's row (serve keeps each one)."""
    event, geo = timed.event, timed.geometry
    letter = event.when.start.precision[0]
    route = None
    if geo is None:
        where: str | LatLon | None = None
    elif geo.mode is not None:  # a route (geo.is_route)
        where = None
        route = RouteRow(geo.mode, bool(geo.approximate),
                         tuple(_rounded(lat, lon) for lat, lon in geo.points))
    elif timed.place is not None:
        where = timed.place.id
    else:
        where = _rounded(*geo.points[0])
    return EventRow(event.id, _KIND_NUMBER[event.kind], _CONFIDENCE_NUMBER[event.confidence],
                    int(event.when.is_span), (timed.visible_from - start).days,
                    None if timed.visible_until is None else (timed.visible_until - timed.visible_from).days,
                    where, route, letter.upper() if event.when.approximate else letter)


_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def shared_start_ids(ids: Iterable[str]) -> list[str]:
    """Each id as the count of characters it shares with the one before (one base-36 digit,
    at most 35) followed by the rest of it. Ids are ASCII (fields.ID_PATTERN), so Python's and
    JavaScript's string lengths agree."""
    written, before = [], ""
    for event_id in ids:
        shared, most = 0, min(len(before), len(event_id), len(_BASE36) - 1)
        while shared < most and before[shared] == event_id[shared]:
            shared += 1
        written.append(_BASE36[shared] + event_id[shared:])
        before = event_id
    return written


def _digits(numbers: Iterable[int]) -> str:
    """One digit a number: every column written so has fewer than ten values."""
    return "".join(map(str, numbers))


class _Geo:
    """The columns events.geo and events.points, and the tables routes and paths, as the rows are
    joined in event order."""

    def __init__(self, places: Sequence[Place]) -> None:
        self.place_number = {place.id: n for n, place in enumerate(places)}
        self.place_at: dict[LatLon, int] = {}
        for n, place in enumerate(places):
            self.place_at.setdefault(_rounded(place.lat, place.lon), n)
        self.geo: list[int] = []
        self.place: list[int] = []
        self.points: dict[str, list[float]] = {"lat": [], "lon": []}
        self.routes: dict[str, list] = {"mode": [], "approximate": [], "path": []}
        self.paths: dict[str, list] = {"vertices": [], "sizes": [], "lat": [], "lon": []}
        self.path_number: dict[tuple, int] = {}

    def add(self, row: EventRow) -> None:
        if row.route is not None:
            self.geo.append(ROUTE)
            self.add_route(row.route)
        elif isinstance(row.where, str):
            self.geo.append(PLACE)
            self.place.append(self.place_number[row.where])
        elif row.where is None:
            self.geo.append(NOWHERE)
        else:
            self.geo.append(POINT)
            self.points["lat"].append(row.where[0])
            self.points["lon"].append(row.where[1])

    def add_route(self, route: RouteRow) -> None:
        self.routes["mode"].append(_MODE_NUMBER[route.mode])
        self.routes["approximate"].append(int(route.approximate))
        known = self.path_number.get(route.path)
        self.routes["path"].append(NEXT if known is None else known)
        if known is not None:
            return
        self.path_number[route.path] = len(self.path_number)
        paths = self.paths
        for vertex in route.path:
            place = self.place_at.get(vertex)
            paths["vertices"].append(NEXT if place is None else place)
            if place is None:
                paths["lat"].append(vertex[0])
                paths["lon"].append(vertex[1])
        paths["sizes"].append(len(route.path))


def page_data(model: StoryModel, rows: Sequence[EventRow] | None = None) -> dict:
    """The page's data; rows: the events' event_row, when made before."""
    story = model.story
    strings = {**i18n.strings(story.language), **counted_strings(model)}
    if rows is None:
        rows = [event_row(timed, model.start) for timed in model.events]
    geo = _Geo(model.places)
    for row in rows:
        geo.add(row)
    routes = {**geo.routes, "mode": _digits(geo.routes["mode"]), "approximate": _digits(geo.routes["approximate"])}
    places = {
        "name": [p.name for p in model.places],
        "kind": [str(p.kind) for p in model.places],
        "lat": [round(p.lat, COORD_DIGITS) for p in model.places],
        "lon": [round(p.lon, COORD_DIGITS) for p in model.places],
    }
    places["order"] = label_order(places, geo.place, geo.routes, geo.paths)
    return {
        "version": FORMAT_VERSION,
        "id": story.id,
        "title": story.title,
        "language": story.language,
        "formats": i18n.page_formats(story.language),
        "timeline": {"start": model.start.isoformat(), "end": model.end.isoformat(),
                     "days": (model.end - model.start).days, "mode": story.timeline.mode,
                     "windowDays": story.timeline.window_days, "open": opening_day(model).isoformat()},
        "kinds": [kind.value for kind in EventKind],
        "confidences": [level.value for level in Confidence],
        "modes": [mode.value for mode in RouteMode],
        "strings": {key: strings[key] for key in SCRIPT_STRINGS},
        "legendLabels": {
            "places": {kind.value: strings[f"place_{kind}"] for kind in PlaceKind},
            "modes": {mode.value: strings[f"mode_{mode}"] for mode in RouteMode},
            "kinds": {kind.value: strings[f"kind_{kind}"] for kind in EventKind},
        },
        "places": places,
        "routes": routes,
        "paths": geo.paths,
        "events": {"id": shared_start_ids(row.id for row in rows), "from": [row.start for row in rows],
                   "until": [row.until for row in rows], "geo": _digits(geo.geo), "place": geo.place,
                   "points": geo.points,
                   "kind": _digits(row.kind for row in rows), "confidence": _digits(row.confidence for row in rows),
                   "span": _digits(row.span for row in rows), "precision": "".join(row.precision for row in rows)},
    }


def label_order(places: dict, place_of_events: Sequence[int], routes: dict, paths: dict) -> list[int]:
    """The places' numbers in the order the map gives their names room: the most used first
    (events at them, route events starting or ending there), then by kind as styles.json lists
    them (ports, railheads and depots before cities), then as written. A route's end is at the
    first place within 0.001 degrees of it. Worked out from the page data's own (rounded) numbers,
    as the script did at every page's start (some 10 ms of a 10,000-event page's)."""
    lat, lon = places["lat"], places["lon"]
    use = [0] * len(lat)
    for place in place_of_events:
        use[place] += 1
    by_cell: dict[tuple[int, int], list[int]] = {}
    for n in range(len(lat)):
        by_cell.setdefault((math.floor(lat[n] * 1000), math.floor(lon[n] * 1000)), []).append(n)

    def place_at(point: LatLon) -> int:
        cell_lat, cell_lon = math.floor(point[0] * 1000), math.floor(point[1] * 1000)
        near = (n for d_lat in (-1, 0, 1) for d_lon in (-1, 0, 1) for n in by_cell.get((cell_lat + d_lat, cell_lon + d_lon), ()))
        return min((n for n in near if abs(lat[n] - point[0]) < 1e-3 and abs(lon[n] - point[1]) < 1e-3), default=-1)

    ends: list[tuple[int, int]] = []  # each path's, in paths' order
    vertex = coordinate = 0
    for size in paths["sizes"]:
        line = []
        for n in paths["vertices"][vertex:vertex + size]:
            if n == NEXT:
                line.append((paths["lat"][coordinate], paths["lon"][coordinate]))
                coordinate += 1
            else:
                line.append((lat[n], lon[n]))
        vertex += size
        ends.append((place_at(line[0]), place_at(line[-1])))
    made = 0
    for path in routes["path"]:
        if path == NEXT:
            path, made = made, made + 1
        for end in ends[path]:
            if end >= 0:
                use[end] += 1
    rank = {kind: n for n, kind in enumerate(styles()["placeKinds"])}
    return sorted(range(len(lat)), key=lambda n: (-use[n], rank.get(places["kind"][n], -1), n))


def opening_day(model: StoryModel) -> dt.date:
    """timeline.open as a day of the timeline: its end, its start, or the day written, kept within."""
    opening = model.story.timeline.open
    if opening == OPEN_AT_START:
        return model.start
    if isinstance(opening, dt.date):
        return min(max(opening, model.start), model.end)
    return model.end


_SCRIPT_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def script_json(data: dict) -> str:
    """JSON safe inside <script type="application/json">: no '<', '>', '&', U+2028 or U+2029."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for character, escape in _SCRIPT_ESCAPES:  # str.replace runs in C: a 10,000-event page's
        text = text.replace(character, escape)  # megabyte in milliseconds, where translate took 0.1 s
    return text
