"""Distances on the WGS84 ellipsoid: a route's length, and air routes' great circles.

Both take the model's (lat, lon) points with unwrapped longitudes (antimeridian.py):
a step from 179 to 181 degrees is two degrees east, as the geodesic formulas
see it too, so lines across the 180th meridian measure and bend correctly.
pyproj is imported on first use, so a story without routes never pays for it.
"""
from __future__ import annotations

import math
from functools import lru_cache
from typing import TYPE_CHECKING, Sequence

from storymap.geo.antimeridian import LatLonPair

if TYPE_CHECKING:
    from pyproj import Geod

GREAT_CIRCLE_STEP_KM = 100.0  # a point every 100 km: smooth at any zoom a story map uses
DIGITS = 6  # as the rest of the model: about 0.1 m


@lru_cache(maxsize=1)
def _wgs84() -> Geod:
    from pyproj import Geod

    return Geod(ellps="WGS84")


def length_km(points: Sequence[LatLonPair]) -> float:
    """The length of the line through the points, segment by segment along geodesics, in km."""
    if len(points) < 2:
        return 0.0
    lats = [lat for lat, _ in points]
    lons = [lon for _, lon in points]
    return float(_wgs84().line_length(lons, lats)) / 1000.0


def great_circle(points: Sequence[LatLonPair]) -> list[LatLonPair]:
    """The line through the points along great circles (geodesics): each segment gets a point
    every GREAT_CIRCLE_STEP_KM or closer. The given points stay exactly as they are; the
    points added between them are rounded to 6 decimals and unwrapped to follow on."""
    if not points:
        return []
    geod = _wgs84()
    out: list[LatLonPair] = [(points[0][0], points[0][1])]
    for (lat1, lon1), (lat2, lon2) in zip(points, points[1:]):
        distance_km = geod.inv(lon1, lat1, lon2, lat2)[2] / 1000.0
        between = max(0, math.ceil(distance_km / GREAT_CIRCLE_STEP_KM) - 1)
        previous_lon = lon1
        for lon, lat in geod.npts(lon1, lat1, lon2, lat2, between) if between else ():
            lon = lon + 360 * round((previous_lon - lon) / 360)  # the same turn as the point before
            out.append((round(lat, DIGITS), round(lon, DIGITS)))
            previous_lon = lon
        out.append((lat2, lon2))
    return out
