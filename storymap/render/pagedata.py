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
    places:   columns id, name, kind, lat, lon  (the infrastructure layer)
    routes:   [{mode, approximate, lengthKm, path: [[lat, lon], ...]}]  (approximate: drawn as a
              band; lengthKm along the drawn line, whose words the event list shows)
    kinds, confidences: the names that the events' kind and confidence columns number
    events:   columns id, kind, confidence, span (0/1),
              from/until (visible days, counted from timeline start; until null
              = to the end), geo (null: not on the map; n: places[n];
              [lat, lon]: a point; {"route": n}: routes[n]);
              precision: one letter per event for the slider's honest label, the
              precision of its (start) date: d day, m month, y year; upper case
              when the date is approximate ("dmMy" ...)
"""
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from typing import NamedTuple
from urllib.parse import urlsplit

from storymap import i18n
from storymap.model import OPEN_AT_START, Confidence, EventKind, PlaceKind, RouteMode, StoryModel, TimedEvent

FORMAT_VERSION = 1
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


# The page data's event columns, in their order there.
COLUMNS = ("id", "kind", "confidence", "span", "from", "until")


class EventRow(NamedTuple):
    """One event's values for the page data: its COLUMNS, then where it is drawn (its place's id,
    a point or None; a route's number is given when the rows are joined) and its date's precision."""

    id: str
    kind: int
    confidence: int
    span: int
    start: int  # the column "from"
    until: int | None
    where: str | list[float] | None
    route: dict | None
    precision: str


def event_row(timed: TimedEvent, start: dt.date) -> EventRow:
    """An event's row (serve keeps each one)."""
    event, geo = timed.event, timed.geometry
    letter = event.when.start.precision[0]
    route = None
    if geo is None:
        where: str | list[float] | None = None
    elif geo.is_route:
        where = None
        route = {"mode": geo.mode, "approximate": geo.approximate, "lengthKm": geo.length_km,
                 "path": [[round(lat, COORD_DIGITS), round(lon, COORD_DIGITS)] for lat, lon in geo.points]}
    elif timed.place is not None:
        where = timed.place.id
    else:
        lat, lon = geo.points[0]
        where = [round(lat, COORD_DIGITS), round(lon, COORD_DIGITS)]
    return EventRow(event.id, _KIND_NUMBER[event.kind], _CONFIDENCE_NUMBER[event.confidence],
                    int(event.when.is_span), (timed.visible_from - start).days,
                    None if timed.visible_until is None else (timed.visible_until - start).days,
                    where, route, letter.upper() if event.when.approximate else letter)


def page_data(model: StoryModel, rows: Sequence[EventRow] | None = None) -> dict:
    """The page's data; rows: the events' event_row, when made before."""
    story = model.story
    strings = {**i18n.strings(story.language), **counted_strings(model)}
    place_index = {place.id: n for n, place in enumerate(model.places)}
    if rows is None:
        rows = [event_row(timed, model.start) for timed in model.events]
    routes: list[dict] = []
    geo: list = []
    for row in rows:
        if row.route is not None:
            geo.append({"route": len(routes)})
            routes.append(row.route)
        else:
            geo.append(place_index[row.where] if isinstance(row.where, str) else row.where)
    columns = {name: [row[n] for row in rows] for n, name in enumerate(COLUMNS)}
    columns["geo"] = geo
    precision = "".join(row.precision for row in rows)
    return {
        "version": FORMAT_VERSION,
        "id": story.id,
        "title": story.title,
        "language": story.language,
        "dateLocale": i18n.date_locale(story.language).replace("_", "-"),
        "timeline": {"start": model.start.isoformat(), "end": model.end.isoformat(),
                     "days": (model.end - model.start).days, "mode": story.timeline.mode,
                     "windowDays": story.timeline.window_days, "open": opening_day(model).isoformat()},
        "kinds": [kind.value for kind in EventKind],
        "confidences": [level.value for level in Confidence],
        "strings": {key: strings[key] for key in SCRIPT_STRINGS},
        "legendLabels": {
            "places": {kind.value: strings[f"place_{kind}"] for kind in PlaceKind},
            "modes": {mode.value: strings[f"mode_{mode}"] for mode in RouteMode},
            "kinds": {kind.value: strings[f"kind_{kind}"] for kind in EventKind},
        },
        "places": {
            "id": [p.id for p in model.places], "name": [p.name for p in model.places],
            "kind": [p.kind for p in model.places],
            "lat": [round(p.lat, COORD_DIGITS) for p in model.places],
            "lon": [round(p.lon, COORD_DIGITS) for p in model.places],
        },
        "routes": routes,
        "events": {**columns, "precision": precision},
    }


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
