"""Geodata: route files' lines (read by routefiles.py) and event geometries.

Every geometry leaving it is in EPSG:4326 as (lat, lon) pairs; route longitudes
are unwrapped (antimeridian.py) so that a line across the 180th meridian stays
continuous on the map. Each route carries how its line was made (path) and its
length along that line (length.py).
"""
from __future__ import annotations

import math
from pathlib import Path
from collections.abc import Mapping
from typing import TYPE_CHECKING, Sequence

from storymap.geo import routefiles
from storymap.errors import Mark, Problems, display_path
from storymap.geo.antimeridian import LatLonPair, unwrap
from storymap.geo.computed import ComputedLines, is_computed, line_key
from storymap.geo.length import great_circle, length_km
from storymap.model import Event, Geometry, LatLon, Place, RouteMode, RouteSpec

if TYPE_CHECKING:
    from geopandas import GeoDataFrame

WGS84 = "EPSG:4326"
MAX_ROUTE_POINTS = 100_000  # every point goes to readers' phones, twice (page and data.geojson)


def read_route_file(path: Path, problems: Problems, root: Path | None = None) -> Geometry | None:
    """A route file (routefiles.FORMATS) as one line through its parts, in order.

    With a root, the file (links followed) must lie inside it: the --data folder.
    """
    import shapely  # imported here, as geopandas is (by routefiles): paid only by stories with route files

    shown = Mark(display_path(path))
    frame = routefiles.read_frame(path, problems, root)
    if frame is None:
        return None
    if frame.crs is None:
        problems.add(shown, "route-no-crs")
        return None
    count = int(shapely.get_num_coordinates(frame.geometry.values).sum())
    if count > MAX_ROUTE_POINTS:
        problems.add(shown, "route-too-many-points", count=f"{count:,}", limit=f"{MAX_ROUTE_POINTS:,}")
        return None
    if not frame.crs.equals(WGS84):
        frame = frame.to_crs(WGS84)
    points: list[LatLonPair] = []
    for geom in frame.geometry:
        if geom is None or geom.is_empty:
            continue
        if geom.geom_type not in ("LineString", "MultiLineString"):
            problems.add(shown, "route-not-line", geometry=geom.geom_type)
            return None
        parts = geom.geoms if geom.geom_type == "MultiLineString" else [geom]
        for part in parts:
            points.extend((y, x) for x, y, *_ in part.coords)
    if not _coordinates_valid(points, shown, problems):
        return None
    points = _dedupe(unwrap([(round(lat, 6), round(lon, 6)) for lat, lon in points]))
    if len(points) < 2:  # after dropping repeats: one point written twice draws nothing
        problems.add(shown, "route-too-short")
        return None
    return Geometry(tuple(points), approximate=_marked_approximate(frame))


def _coordinates_valid(points: list[LatLonPair], shown: Mark, problems: Problems) -> bool:
    """Like an event's coordinates: finite, latitude within -90..90, longitude within -180..180.
    The first bad point is reported; unwrap() and the page need sane numbers."""
    for lat, lon in points:
        if not (math.isfinite(lat) and math.isfinite(lon)):
            problems.add(shown, "route-not-finite", value=f"longitude {lon}, latitude {lat}")
            return False
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            problems.add(shown, "route-out-of-range", lon=f"{lon:g}", lat=f"{lat:g}")
            return False
    return True


def _marked_approximate(frame: GeoDataFrame) -> bool:
    """True when any feature says approximate: true (JSON true, or the text 'true'); missing is false."""
    if "approximate" not in frame.columns:
        return False
    # pandas turns a column with missing values into floats (1.0 / NaN), so compare, never bool().
    return any(value.strip().lower() == "true" if isinstance(value, str) else value == 1
               for value in frame["approximate"])


def _dedupe(points: list[LatLonPair]) -> list[LatLonPair]:
    """Drop a point repeated where two parts join (e.g. at a split on the 180th meridian)."""
    out: list[LatLonPair] = []
    for point in points:
        if not out or out[-1] != point:
            out.append(point)
    return out


def event_geometry(event: Event, places: Mapping[str, Place], routes: dict[str, Geometry],
                   computed: ComputedLines | None = None) -> Geometry | None:
    """Where the event is drawn; None for an event without a place (timeline and list only).
    computed holds the sea and rail lines the build found (computed.py)."""
    if event.place:
        place = places[event.place]
        return Geometry(((place.lat, place.lon),))
    if event.at:
        return Geometry(((event.at.lat, event.at.lon),))
    spec = event.route
    if spec is None:
        return None
    if spec.geometry:
        line = routes[spec.geometry]
        return route_geometry(spec, line.points, spec.approximate or line.approximate)
    via = via_points(spec, places)
    return route_geometry(spec, route_points(spec, via, computed or {}), spec.approximate)


def via_points(spec: RouteSpec, places: Mapping[str, Place]) -> list[LatLonPair]:
    """A via route's points in order, places looked up, longitudes unwrapped."""
    return unwrap([(p.lat, p.lon) if isinstance(p, LatLon) else (places[p].lat, places[p].lon) for p in spec.via])


def route_points(spec: RouteSpec, via: list[LatLonPair], computed: ComputedLines) -> list[LatLonPair]:
    """The line a via route is drawn along, through its via points in order: air routes follow
    great circles, sea and rail routes with path auto the line computed for them (computed.py),
    the others run straight between their points."""
    if spec.mode == RouteMode.AIR:
        return great_circle(via)
    if is_computed(spec):
        return list(computed[line_key(spec, via)])
    return via


def route_geometry(spec: RouteSpec, points: Sequence[LatLonPair], approximate: bool) -> Geometry:
    """A route's geometry with how it was made and its length along the drawn line, to 0.1 km."""
    return Geometry(tuple(points), mode=spec.mode, approximate=approximate, path=spec.path,
                    length_km=round(length_km(points), 1))


def read_routes(needed: set[str], route_files: dict[str, Path], problems: Problems,
                root: Path | None = None) -> dict[str, Geometry]:
    """The route files the stories use, each read once; with a root (--data), only inside it."""
    routes: dict[str, Geometry] = {}
    for route_id in sorted(needed):
        geometry = read_route_file(route_files[route_id], problems, root)
        if geometry is not None:
            routes[route_id] = geometry
    return routes


def bounds(points: list[LatLonPair]) -> tuple[LatLonPair, LatLonPair] | None:
    """South-west and north-east corners around the points."""
    if not points:
        return None
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return (min(lats), min(lons)), (max(lats), max(lons))
