"""The 180th meridian, in one place: route lines and land rings that cross it.

Sources write longitudes within -180..180, so a line from Vladivostok to Alaska
jumps from 170 to -170 and a flat map would draw it across the whole world.
Unwrapped, each step between neighbouring points goes the short way round and
longitudes may run past 180: the line is continuous, which is how the page and
the picture draw routes. Where a format wants longitudes within -180..180 again,
lines are cut at the meridian (GeoJSON, RFC 7946 3.1.9) and land polygons are
clipped into pieces (the picture's Natural Earth land).

Lines are (lat, lon) pairs, as the model keeps them; rings are numpy arrays of
(lon, lat) rows, as shapely gives them. numpy and shapely are imported only by
the functions for rings, so routes pay for neither.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Iterable, Sequence

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

LatLonPair = tuple[float, float]


def unwrap_longitudes(lons: Iterable[float]) -> list[float]:
    """Each longitude moved by whole turns so that every step from the one before is at most 180
    degrees: each step as written, rounded to the nearest whole turn (a step of exactly 180 degrees
    is kept as written). Lines and rings both unwrap here."""
    out: list[float] = []
    turns = 0
    previous: float | None = None
    for lon in lons:
        if previous is not None:
            turns += round((previous - lon) / 360)
        out.append(lon + 360 * turns)
        previous = lon
    return out


def unwrap(points: Sequence[LatLonPair]) -> list[LatLonPair]:
    """A line's (lat, lon) points with its longitudes unwrapped: continuous across the meridian."""
    lons = unwrap_longitudes(lon for _, lon in points)
    return [(lat, lon) for (lat, _), lon in zip(points, lons)]


def split_at_antimeridian(points: Sequence[LatLonPair]) -> list[list[LatLonPair]]:
    """An unwrapped line as parts within [-180, 180], cut where it crosses the 180th meridian."""
    parts: list[list[LatLonPair]] = [[]]
    for index, (lat, lon) in enumerate(points):
        if index:
            prev_lat, prev_lon = points[index - 1]
            band_before, band_after = _band(prev_lon), _band(lon)
            if band_after != band_before:
                # The meridian crossed: 180 + 360k between the two bands.
                meridian = 180 + 360 * min(band_before, band_after)
                share = (meridian - prev_lon) / (lon - prev_lon)
                cross_lat = round(prev_lat + share * (lat - prev_lat), 6)
                parts[-1].append((cross_lat, meridian))
                parts.append([(cross_lat, meridian)])
        parts[-1].append((lat, lon))
    return [_normalised(part) for part in parts]


def _band(lon: float) -> int:
    """Which 360-degree band a longitude lies in: 0 for [-180, 180], 1 for (180, 540], ..."""
    return math.ceil((lon - 180) / 360)


def _normalised(part: list[LatLonPair]) -> list[LatLonPair]:
    """Bring a part's longitudes back into [-180, 180], keeping its ends on the meridian's side."""
    interior = [p_lon for _, p_lon in part if (p_lon - 180) % 360 != 0] or [part[0][1]]
    shift = 360 * _band(sum(interior) / len(interior))  # one shift for the whole part
    return [(lat, round(lon - shift, 6)) for lat, lon in part]


def unwrap_ring(ring: NDArray[np.float64]) -> NDArray[np.float64]:
    """A ring's (lon, lat) rows with its longitudes unwrapped. A ring that went round a pole
    (Antarctica's) ends a whole turn from where it started: it is closed along the pole."""
    import numpy as np

    x = np.array(unwrap_longitudes(ring[:, 0].tolist()), dtype=float)
    unwrapped = np.column_stack([x, ring[:, 1]])
    if abs(x[-1] - x[0]) > 180:
        pole = -90.0 if unwrapped[:, 1].mean() < 0 else 90.0
        unwrapped = np.vstack([unwrapped, [(x[-1], pole), (x[0], pole), unwrapped[0]]])
    return unwrapped


def split_polygons(shapes: NDArray[np.object_]) -> NDArray[np.object_]:
    """The polygons of shapely geometries, cut into pieces within -180..180. Natural Earth (as
    world-atlas writes it) keeps rings that cross the 180th meridian (Chukotka, Fiji) or go round
    a pole (Antarctica) whole, which a flat map would draw across the world."""
    import numpy as np
    import shapely

    polygons = shapely.get_parts(shapes)
    polygons = polygons[shapely.get_type_id(polygons) == 3]
    bounds = shapely.bounds(polygons)
    pieces = list(polygons[bounds[:, 2] - bounds[:, 0] <= 180])  # narrower ones cannot jump across
    for polygon in polygons[bounds[:, 2] - bounds[:, 0] > 180]:
        rings = [unwrap_ring(np.asarray(ring.coords)) for ring in (polygon.exterior, *polygon.interiors)]
        whole = shapely.make_valid(shapely.Polygon(rings[0], rings[1:]))
        for shift in (-360, 0, 360):
            piece = shapely.clip_by_rect(whole, -180 - shift, -90, 180 - shift, 90)
            pieces.extend(shapely.get_parts(shapely.transform(piece, lambda xy, s=shift: xy + (s, 0))))
    out: NDArray[np.object_] = np.array(pieces, dtype=object)
    kept: NDArray[np.bool_] = (shapely.get_type_id(out) == 3) & ~shapely.is_empty(out)
    return out[kept]
