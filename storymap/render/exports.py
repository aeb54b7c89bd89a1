"""Open data downloads of a story: data.geojson, events.csv and data.kml.

All three carry the same features: every place the story uses and every
event, located or not (events.csv), or located (GeoJSON, KML).
"""
from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from xml.sax.saxutils import escape

from storymap import i18n
from storymap.geo.antimeridian import split_at_antimeridian
from storymap.model import Confidence, Geometry, Place, RouteSpec, Source, StoryModel, TimedEvent

GEOJSON_DIGITS = 6
# events.csv: the columns `import` reads back (source/sheetrows.py), so a story's download imports into
# another story as the same events; length_km is for readers, the build computes it again.
CSV_COLUMNS = ("id", "title", "date", "start", "end", "approximate", "place", "lat", "lon", "route_mode",
               "route_via", "route_geometry", "route_path", "route_within", "route_approximate", "length_km", "kind",
               "confidence", "tags", "description")
SOURCE_FIELDS = ("publisher", "title", "url", "date", "archive")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
KML_EVENT_LEVEL = 3  # kml, Document, Folder, then each Placemark
KML_EVENTS_HERE = "storymap-events"  # a placeholder's id: no event's (those start with "event-")
KML_EVENTS_LINE = "\n" + " " * KML_EVENT_LEVEL + f'<Placemark id="{KML_EVENTS_HERE}" />'


def _lonlat(lat: float, lon: float) -> list[float]:
    return [round(lon, GEOJSON_DIGITS), round(lat, GEOJSON_DIGITS)]


def geojson_geometry(geometry: Geometry) -> dict:
    if not geometry.is_route:
        return {"type": "Point", "coordinates": _lonlat(*geometry.points[0])}
    parts = split_at_antimeridian(list(geometry.points))
    lines = [[_lonlat(lat, lon) for lat, lon in part] for part in parts]
    if len(lines) == 1:
        return {"type": "LineString", "coordinates": lines[0]}
    return {"type": "MultiLineString", "coordinates": lines}


def _source_dict(source: Source) -> dict:
    out = {"publisher": source.publisher}
    for key in ("title", "url", "archive"):
        if getattr(source, key):
            out[key] = getattr(source, key)
    if source.date:
        out["date"] = source.date.iso
    return out


def _when_properties(timed: TimedEvent) -> dict:
    when = timed.event.when
    if when.is_span:
        return {"start": when.start.iso, "end": when.end.iso if when.end else None}
    return {"date": when.start.iso}


def place_feature(place: Place) -> dict:
    properties = {"id": place.id, "feature": "place", "name": place.name, "kind": place.kind}
    if place.country:
        properties["country"] = place.country
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": _lonlat(place.lat, place.lon)},
            "properties": properties}


def event_feature(timed: TimedEvent) -> dict:
    event, geometry = timed.event, timed.geometry
    assert geometry is not None, "only events on the map are features"
    properties = {"id": event.id, "feature": "event", "title": event.title, "kind": event.kind,
                  **_when_properties(timed), "approximate": event.when.approximate,
                  "confidence": event.confidence, "sources": [_source_dict(s) for s in event.sources]}
    if timed.place:
        properties["place"] = timed.place.id
    if geometry.is_route:
        properties.update(route_properties(geometry))
    if event.tags:
        properties["tags"] = list(event.tags)
    return {"type": "Feature", "geometry": geojson_geometry(geometry), "properties": properties}


def route_properties(geometry: Geometry) -> dict:
    """A route's mode, how its line was made (auto, straight or file), its length along the line in
    km, and whether it is a sketch. route_mode repeats mode under its version 1 name, for scripts
    written against earlier downloads."""
    return {"mode": geometry.mode, "path": geometry.path, "length_km": geometry.length_km,
            "route_mode": geometry.mode, "route_approximate": geometry.approximate}


def _feature_line(feature: dict) -> str:
    # One feature per line: readable and diff-friendly, and json's fast C encoder
    # only runs without indent.
    return json.dumps(feature, ensure_ascii=False, separators=(",", ":"))


def event_line(timed: TimedEvent) -> str:
    """A located event's line of data.geojson (render/memo.py keeps it while the event stays equal)."""
    return _feature_line(event_feature(timed))


def data_geojson(model: StoryModel, event_lines: Sequence[str | None] | None = None) -> bytes:
    """event_lines: each event's line made before (None for one not on the map), in model.events' order."""
    if event_lines is None:
        event_lines = [event_line(t) if t.geometry is not None else None for t in model.events]
    lines = [_feature_line(place_feature(p)) for p in model.places] + [line for line in event_lines if line]
    return ('{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n").encode("utf-8")


def _cell(value: str) -> str:
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _number(value: float) -> str:
    """A coordinate as it reads back exactly: Python's shortest form, without an exponent."""
    text = repr(value)
    return f"{value:.12f}".rstrip("0").rstrip(".") if "e" in text else text.removesuffix(".0")


def _via(route: RouteSpec) -> str:
    """The route's stops separated by ;, each a place id or `lat, lon`, as import reads them."""
    return "; ".join(stop if isinstance(stop, str) else f"{_number(stop.lat)}, {_number(stop.lon)}"
                     for stop in route.via)


def _csv_row(timed: TimedEvent, source_count: int) -> dict:
    event, when = timed.event, timed.event.when
    point = timed.geometry.points[0] if timed.geometry and not timed.geometry.is_route else None
    route = timed.geometry if timed.geometry and timed.geometry.is_route else None
    spec = event.route
    row = {
        "id": event.id, "title": _cell(event.title),
        "date": "" if when.is_span else when.start.iso,
        "start": when.start.iso if when.is_span else "",
        "end": when.end.iso if when.is_span and when.end else "",
        "approximate": "true" if when.approximate else "false",
        "place": event.place or "",
        "lat": _number(point[0]) if point else "",
        "lon": _number(point[1]) if point else "",
        "route_mode": spec.mode if spec else "",
        "route_via": _cell(_via(spec)) if spec else "",
        "route_geometry": (spec.geometry or "") if spec else "",
        "route_path": route.path if route else (spec.path if spec else ""),
        "route_within": ";".join(spec.within) if spec else "",
        "route_approximate": ("true" if spec.approximate else "false") if spec else "",
        "length_km": f"{route.length_km:.1f}" if route and route.length_km is not None else "",
        "kind": event.kind, "confidence": event.confidence,
        "tags": _cell(";".join(event.tags)), "description": _cell(event.description or ""),
    }
    for number in range(1, source_count + 1):  # each source its own columns, empty where an event has fewer
        source = event.sources[number - 1] if number <= len(event.sources) else None
        row.update({f"source_{number}_{key}": _cell(_source_field(source, key)) if source else ""
                    for key in SOURCE_FIELDS})
    return row


def _source_field(source: Source, key: str) -> str:
    value = getattr(source, key)
    return value.iso if key == "date" and value else (value or "")


def csv_columns(source_count: int) -> list[str]:
    """The event columns, then source_1_publisher ... source_1_archive, source_2_publisher ...
    up to the most sources an event of the story has."""
    return [*CSV_COLUMNS, *(f"source_{n}_{key}" for n in range(1, source_count + 1) for key in SOURCE_FIELDS)]


def csv_source_count(model: StoryModel) -> int:
    """How many sources' columns events.csv has: the most any event has."""
    return max((len(t.event.sources) for t in model.events), default=1)


def csv_line(timed: TimedEvent, source_count: int) -> str:
    """One event's row of events.csv, with its line end."""
    out = io.StringIO()
    csv.DictWriter(out, fieldnames=csv_columns(source_count), lineterminator="\r\n").writerow(
        _csv_row(timed, source_count))
    return out.getvalue()


def events_csv(model: StoryModel, rows: Sequence[str] | None = None) -> bytes:
    """One row per event, UTF-8 with a byte-order mark so spreadsheet programs detect the encoding.
    rows: each event's row made before (csv_line), in model.events' order."""
    source_count = csv_source_count(model)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=csv_columns(source_count), lineterminator="\r\n")
    writer.writeheader()
    if rows is None:
        for timed in model.events:
            writer.writerow(_csv_row(timed, source_count))
    else:
        out.write("".join(rows))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _kml_coordinates(points) -> str:
    return " ".join(f"{lon:.6f},{lat:.6f}" for lat, lon in points)


def _kml_geometry(parent: ET.Element, geometry: Geometry) -> None:
    if not geometry.is_route:
        ET.SubElement(ET.SubElement(parent, "Point"), "coordinates").text = _kml_coordinates(geometry.points)
        return
    parts = split_at_antimeridian(list(geometry.points))
    holder = parent if len(parts) == 1 else ET.SubElement(parent, "MultiGeometry")
    for part in parts:
        line = ET.SubElement(holder, "LineString")
        ET.SubElement(line, "tessellate").text = "1"
        ET.SubElement(line, "coordinates").text = _kml_coordinates(part)


def kml_placemark(timed: TimedEvent, language: str) -> str:
    """A located event's Placemark in data.kml, indented as it stands there (in the events' Folder)."""
    out: list[str] = []
    _xml(_kml_event(timed, language), "\n" + " " * KML_EVENT_LEVEL, out)
    return "".join(out)


# ElementTree's escaping: &, < and > in text; in attributes also quotes and the white space it keeps.
_ATTRIBUTE_ENTITIES = {'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}


def _xml(element: ET.Element, indent: str, out: list[str]) -> None:
    """The element as ET.indent(space=" ") and ET.tostring write it, a third of their time
    for the simple trees here (no namespaces, comments, tails, nor text beside children)."""
    attributes = "".join(f' {key}="{escape(value, _ATTRIBUTE_ENTITIES)}"' for key, value in element.attrib.items())
    out.append("<" + element.tag + attributes)
    if len(element):
        out.append(">")
        inner = indent + " "
        for child in element:
            out.append(inner)
            _xml(child, inner, out)
        out.append(indent + "</" + element.tag + ">")
    elif element.text:
        out.append(">" + escape(element.text) + "</" + element.tag + ">")
    else:
        out.append(" />")



def _kml_event(timed: TimedEvent, language: str) -> ET.Element:
    event = timed.event
    text = i18n.texts(language)
    mark = ET.Element("Placemark", id=f"event-{event.id}")
    ET.SubElement(mark, "name").text = event.title
    lines = [i18n.format_when(event.when, language), text[f"confidence_{event.confidence}"]]
    geometry = timed.geometry
    assert geometry is not None, "only events on the map are placemarks"
    if geometry.mode is not None and geometry.length_km is not None:
        lines += filter(None, [i18n.format_length(geometry.length_km, geometry.mode, language)])
    lines += [f"{text['source']}: " + ", ".join(filter(None, (s.publisher, s.title, s.url))) for s in event.sources]
    ET.SubElement(mark, "description").text = "\n".join(lines)
    # KML 2.2's schema orders a Placemark's children: time before styleUrl, geometry last.
    if event.when.is_span:
        span = ET.SubElement(mark, "TimeSpan")
        ET.SubElement(span, "begin").text = event.when.start.iso
        if event.when.end:
            ET.SubElement(span, "end").text = event.when.end.iso
    else:
        ET.SubElement(ET.SubElement(mark, "TimeStamp"), "when").text = event.when.start.iso
    ET.SubElement(mark, "styleUrl").text = f"#confidence-{event.confidence}"
    if geometry.is_route:  # the same route properties as data.geojson, for GIS programs reading KML
        extended = ET.SubElement(mark, "ExtendedData")
        for name in ("mode", "path", "length_km"):
            value = route_properties(geometry)[name]
            ET.SubElement(ET.SubElement(extended, "Data", name=name), "value").text = \
                "" if value is None else str(value)
    _kml_geometry(mark, geometry)
    return mark


def data_kml(model: StoryModel, placemarks: Sequence[str | None] | None = None) -> bytes:
    """The same features for Google Earth, with KML times so its time slider works.
    placemarks: each event's Placemark made before (kml_placemark; None for one not on the map)."""
    kml = ET.Element("kml", xmlns="http://www.opengis.net/kml/2.2")
    document = ET.SubElement(kml, "Document")
    ET.SubElement(document, "name").text = model.story.title
    for level in Confidence:
        colour = "802b39c0" if level == Confidence.LOW else "ff2b39c0"  # low confidence half transparent
        style = ET.SubElement(document, "Style", id=f"confidence-{level}")
        ET.SubElement(ET.SubElement(style, "IconStyle"), "color").text = colour  # IconStyle first, as the schema says
        ET.SubElement(ET.SubElement(style, "LineStyle"), "color").text = colour
    places = ET.SubElement(document, "Folder")
    ET.SubElement(places, "name").text = "Places"
    for place in model.places:
        mark = ET.SubElement(places, "Placemark", id=f"place-{place.id}")
        ET.SubElement(mark, "name").text = place.name
        ET.SubElement(mark, "description").text = i18n.strings(model.story.language)[f"place_{place.kind}"]
        _kml_geometry(mark, Geometry(((place.lat, place.lon),)))
    events = ET.SubElement(document, "Folder")
    ET.SubElement(events, "name").text = "Events"
    ET.SubElement(events, "Placemark", id=KML_EVENTS_HERE)  # the events' placemarks go here, each indented alone
    ET.indent(kml, space=" ")
    if placemarks is None:
        placemarks = [kml_placemark(t, model.story.language) if t.geometry is not None else None
                      for t in model.events]
    before, after = ET.tostring(kml, encoding="unicode").split(KML_EVENTS_LINE)
    indent = "\n" + " " * KML_EVENT_LEVEL
    text = before + "".join(indent + mark for mark in placemarks if mark) + after
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + text.encode("utf-8") + b"\n"
