"""The geography of preview.png: Natural Earth's land, the story's features and the frame.

Everything is in Web Mercator (the projection of the page's tiles) in degree
units: x is the longitude and y the Mercator northing at the equator's scale,
so the two share a unit and a route across the 180th meridian, whose
longitudes run past 180, stays continuous. World-atlas's TopoJSON keeps rings
that cross that meridian or go round a pole whole; read_land() cuts them into
pieces within -180..180 (geo/antimeridian.py), and the preview draws the land again
360 degrees over where its view crosses the meridian.
"""
from __future__ import annotations

import math
import os
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from storymap.source import files
from storymap.geo import antimeridian, routefiles
from storymap.errors import UserError, display_path
from storymap.messages import render
from storymap.model import MapSettings, StoryModel
from storymap.styles import styles

WGS84 = "EPSG:4326"
NATURAL_EARTH = Path("naturalearth") / "countries-50m.json"
MAX_LAND_BYTES = 20 * 1024 * 1024  # world-atlas's 1:50m file is 0.75 MB
TOPOJSON_START = re.compile(rb'\A(?:\xef\xbb\xbf)?\s*\{\s*"type"\s*:\s*"Topology"')  # as world-atlas writes it
MAX_LAT = 85.0511  # Web Mercator's edge
PAD = 36  # px kept round the story's features, like the page's fit padding
TILE, DEFAULT_CENTER, DEFAULT_ZOOM = 256, (20.0, 0.0), 2  # as render.map_skeleton
MAX_ZOOM = 7  # the page fits up to zoom 10, but Natural Earth's 1:50m coast turns to zigzags past 7


@dataclass(frozen=True)
class Land:
    """Natural Earth in (longitude, Mercator y): land polygons, coastlines and country outlines."""

    polygons: object  # numpy arrays of shapely geometries
    coast: object
    borders: object


def read_land(data_dir: Path) -> Land | None:
    """The land layers from DATA/naturalearth/, or None when the folder has none (fixtures, new projects).

    Like every file of --data, it is read only as a regular file inside the folder, and only
    when it is TopoJSON: GDAL gets its bytes (routefiles.offline), never a path it could
    follow, so the file cannot be a VRT pulling in another file.
    """
    path = data_dir / NATURAL_EARTH
    if not os.path.lexists(path):
        return None
    try:
        data = files.read_bytes(path, data_dir, MAX_LAND_BYTES)
    except files.Refusal as refusal:
        raise _unreadable(path, render(refusal.code, **refusal.values)[0]) from None
    except OSError as err:
        raise _unreadable(path, err.strerror or str(err)) from None
    if not TOPOJSON_START.match(data) or b"/vsi" in data:
        raise _unreadable(path, "it is not TopoJSON")
    return _read_land(data, display_path(path))


def _unreadable(path: Path | str, reason: str) -> UserError:
    return UserError(f"cannot read {display_path(path)}: {reason}",
                     "restore it from the world-atlas package (see data/README.md), "
                     "or remove it to draw previews without land")


@lru_cache(maxsize=2)  # one read for every story of a build, and again only when the file changes
def _read_land(data: bytes, shown: str) -> Land:
    import numpy as np
    import pyogrio
    import shapely

    try:  # TopoJSON carries no CRS: it is WGS84 longitude/latitude, said here explicitly
        with routefiles.offline(), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # GDAL's notes on the in-memory copy's name
            land = pyogrio.read_dataframe(data, layer="land").set_crs(WGS84, allow_override=True)
            countries = pyogrio.read_dataframe(data, layer="countries").set_crs(WGS84, allow_override=True)
    except Exception as err:  # GDAL's errors have no common base class
        reason = routefiles.gdal_reason(err)
        if reason == "it is not in a format GDAL reads":
            reason = "it is not TopoJSON that GDAL can read"
        raise _unreadable(shown, reason) from err
    land_parts = antimeridian.split_polygons(np.asarray(land.geometry.values, dtype=object))
    country_parts = antimeridian.split_polygons(np.asarray(countries.geometry.values, dtype=object))
    # Outlines leave out the cuts along the 180th meridian and the poles, which are no coast or border.
    cut = shapely.union_all([shapely.box(179.999, -91, 181, 91), shapely.box(-181, -91, -179.999, 91),
                             shapely.box(-181, -91, 181, -89.999), shapely.box(-181, 89.999, 181, 91)])

    def outlines(shapes):
        return _to_mercator(shapely.get_parts(shapely.difference(shapely.boundary(shapes), cut)))

    return Land(_to_mercator(shapely.orient_polygons(land_parts)), outlines(land_parts), outlines(country_parts))


def mercator_y(lat):
    """Web Mercator's northing in degrees at the equator's scale, so x (longitude) and y share a unit."""
    import numpy as np

    lat = np.clip(np.asarray(lat, dtype=float), -MAX_LAT, MAX_LAT)
    return np.degrees(np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)))


def _y(lat: float) -> float:
    """mercator_y of one latitude, without numpy's per-call cost (10,000 events call it)."""
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def _to_mercator(shapes):
    import numpy as np
    import shapely

    return shapely.transform(shapes, lambda xy: np.column_stack([xy[:, 0], mercator_y(xy[:, 1])]))


# --- what the story draws -----------------------------------------------------------

@dataclass
class Features:
    """What the preview draws, in (x, Mercator y)."""

    routes: list  # (xy array, mode, alpha)
    places: list  # (x, y, place)
    points: list  # (x, y, kind, confidence): located events

    def bounds(self):
        """x0, x1, y0, y1 round everything, or None when nothing is located."""
        import numpy as np

        dots = np.array([(x, y) for x, y, *_ in self.places + self.points]).reshape(-1, 2)
        xy = np.concatenate([r[0] for r in self.routes] + [dots])
        return (xy[:, 0].min(), xy[:, 0].max(), xy[:, 1].min(), xy[:, 1].max()) if len(xy) else None


def west_edge(lons) -> float:
    """Where the narrowest band of longitudes holding all of them starts (it may cross 180)."""
    import numpy as np

    ordered = np.unique((np.asarray(lons, dtype=float) + 180) % 360 - 180)
    gaps = np.diff(ordered, prepend=ordered[-1] - 360)  # first the gap across 180, so a tie keeps -180..180
    return float(ordered[int(np.argmax(gaps))])


def into_band(lon: float, west: float) -> float:
    """lon shifted by whole turns into [west, west + 360). west comes out of a modulo and
    may differ from the longitude it stands for in the last bit: that longitude must land
    on west, not a whole turn east of it."""
    shifted = west + (lon - west) % 360
    return shifted - 360 if shifted - west > 360 - 1e-9 else shifted


def features(model: StoryModel) -> Features:
    """Routes, places and located events in (x, Mercator y), shifted into one band of longitudes."""
    import numpy as np

    lons = [p.lon for p in model.places] + [lon for t in model.events if t.geometry for _, lon in t.geometry.points]
    west = west_edge(lons) if lons else -180.0

    def wrap(lon: float) -> float:
        return into_band(lon, west)

    out = Features([], [(wrap(p.lon), _y(p.lat), p) for p in model.places], [])
    for timed in model.events:
        geo, event = timed.geometry, timed.event
        if geo is None:
            continue
        if geo.is_route:  # its longitudes are unwrapped: shift the line as a whole
            lats, lons = np.array(geo.points).T
            # Faded for low confidence or a sketched line (the page's pale band), the fainter of the two.
            alpha = min(styles()["confidence"][event.confidence]["routeOpacity"],
                        styles()["approximateRoute"]["pictureOpacity"] if geo.approximate else 1)
            out.routes.append((np.column_stack([lons + wrap(lons[0]) - lons[0], mercator_y(lats)]), geo.mode, alpha))
        else:
            lat, lon = geo.points[0]
            out.points.append((wrap(lon), _y(lat), event.kind, event.confidence))
    return out


def view(settings: MapSettings, bounds, width: int, height: int) -> tuple[float, float, float, float]:
    """x0, x1, y0, y1 of the map area as the page opens: the story's center and zoom, else fit the features."""
    world = 360 / width  # degrees per pixel that show the world once

    def per_pixel(zoom: float) -> float:
        return min(world, 360 / (TILE * 2 ** zoom))

    center = (settings.center.lon, _y(settings.center.lat)) if settings.center else None
    if bounds is None:
        cx, cy = center or (DEFAULT_CENTER[1], _y(DEFAULT_CENTER[0]))
        scale = per_pixel(DEFAULT_ZOOM if settings.zoom is None else settings.zoom)
    else:
        x0, x1, y0, y1 = bounds
        scale = min(world, max((x1 - x0) / (width - 2 * PAD), (y1 - y0) / (height - 2 * PAD), per_pixel(MAX_ZOOM)))
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        if settings.zoom is not None:
            scale = per_pixel(settings.zoom)
        if center:  # the story's center, in the features' band of longitudes
            cx, cy = center[0] + 360 * round((cx - center[0]) / 360), center[1]
    half_w, half_h = width * scale / 2, height * scale / 2
    cy = min(max(cy, -180 + half_h), 180 - half_h)  # Mercator's square world is 360 units high too
    return cx - half_w, cx + half_w, cy - half_h, cy + half_h


# --- a closer look where the story crowds together ------------------------------------

DETAIL_SIZE = (380, 250)  # px: the inset's width and height
DETAIL_CELL = 80  # px on the main map: features in neighbouring cells of this size form one crowd
DETAIL_GAIN = 3  # the inset must show its crowd at least this many times larger, or it is left out


def detail_view(found: Features, box, width: int, height: int):
    """Where most of a story crowds into a corner of a wide map (the Rajin-Dunai ports of a
    rail route across Eurasia): (the inset's view x0, x1, y0, y1; the inset's place as
    left, bottom, width, height in px from the map's lower left), or None."""
    import numpy as np

    x0, x1, y0, y1 = box
    scale = (x1 - x0) / width
    px = (np.array([(x, y) for x, y, *_ in found.places + found.points]).reshape(-1, 2) - (x0, y0)) / scale
    if len(px) < 4:
        return None
    cells = np.floor(px / DETAIL_CELL).astype(int)
    keys, counts = np.unique(cells, axis=0, return_counts=True)
    crowd = px[np.all(np.abs(cells - keys[int(np.argmax(counts))]) <= 1, axis=1)]
    if len(crowd) < 4 or len(crowd) < 0.3 * len(px):
        return None
    low, high = crowd.min(axis=0), crowd.max(axis=0)
    w, h = DETAIL_SIZE
    pad = 40  # px inside the inset round its crowd, room for names
    detail_scale = max((high[0] - low[0]) * scale / (w - 2 * pad), (high[1] - low[1]) * scale / (h - 2 * pad),
                       360 / (TILE * 2 ** MAX_ZOOM))
    if scale / detail_scale < DETAIL_GAIN:
        return None
    place = _inset_place(found, box, scale, (width, height), (low, high))
    if place is None:
        return None
    cx, cy = x0 + (low[0] + high[0]) / 2 * scale, y0 + (low[1] + high[1]) / 2 * scale
    half_w, half_h = w * detail_scale / 2, h * detail_scale / 2
    return (cx - half_w, cx + half_w, cy - half_h, cy + half_h), place


def _inset_place(found: Features, box, scale: float, size, crowd):
    """The corner or edge of the map where the inset hides the least: not the crowd it
    enlarges, and as few other points, names and route lines as can be."""
    import numpy as np

    (width, height), (w, h), margin = size, DETAIL_SIZE, 14
    dots = [np.array([(x, y) for x, y, *_ in found.places + found.points]).reshape(-1, 2)]
    for xy, _, _ in found.routes:  # lines sampled every few px, so a long straight leg counts too
        steps = np.maximum(1, (np.hypot(*np.diff(xy, axis=0).T) / scale / 8).astype(int))
        dots += [np.linspace(a, b, n, endpoint=False) for a, b, n in zip(xy[:-1], xy[1:], steps)]
    seen = (np.concatenate(dots) - (box[0], box[2])) / scale
    seen = np.concatenate([seen, seen + (60, 0)])  # names run to the right of their symbols
    low, high = crowd[0] - 30, crowd[1] + 30
    best = None
    for left, bottom in ((margin, margin), (margin, height - h - margin), (width - w - margin, margin),
                         (width - w - margin, height - h - margin), ((width - w) / 2, margin),
                         ((width - w) / 2, height - h - margin)):
        if left < high[0] and low[0] < left + w and bottom < high[1] and low[1] < bottom + h:
            continue  # it would cover the very crowd it shows
        inside = int(np.count_nonzero((seen[:, 0] > left) & (seen[:, 0] < left + w)
                                      & (seen[:, 1] > bottom) & (seen[:, 1] < bottom + h)))
        if best is None or inside < best[0]:
            best = (inside, (left, bottom, w, h))
    return best[1] if best else None
