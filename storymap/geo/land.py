"""Natural Earth's 1:10m land, and how many kilometres of a line lie over it.

The land comes from data/naturalearth/land-10m-pieces.npz, which tools/build_land.py makes from
world-atlas's land-10m.json: valid polygons within -180..180 (rings across the 180th meridian
unwrapped before they were repaired, so Russia north of 65N is kept), cut into small pieces so
that a line is tested against a few hundred vertices instead of a continent. It loads in a
fraction of a second, once per process.

Lines are tested where the page draws them: in Web Mercator, in degree units (x is the
longitude, y the Mercator northing at the equator's scale, as preview/geometry.py draws), where
a segment between two points is straight on the reader's map. The land is held three times,
shifted by -360, 0 and +360 degrees, so an unwrapped line across the 180th meridian (longitudes
past 180) meets the land on both sides. Mercator stops short of the poles: land south of 85S is
left out, and so is anything north of 85N (there is none).

Passages (data/naturalearth/passages.yaml) are the canals and straits that ships use but
Natural Earth draws closed or narrower than a ship needs (the Suez Canal is land at 1:10m):
each is a line with a width, and with open_passages its band is taken out of the land.
"""
from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Sequence

from storymap.geo.antimeridian import LatLonPair, split_at_antimeridian, unwrap

if TYPE_CHECKING:
    import numpy as np
    import shapely
    from numpy.typing import NDArray
    from pyproj import Geod

DATA = Path(__file__).resolve().parents[2] / "data" / "naturalearth"
LAND_FILE = DATA / "land-10m-pieces.npz"
PASSAGES_FILE = DATA / "passages.yaml"
MICRO = 1e-6  # the stored coordinates are whole micro-degrees
MAX_LAT = 85.0  # Mercator's edge, for the land and for lines
KM_PER_DEGREE = 111.32  # along the equator; Mercator's scale at latitude phi is sec(phi) of this
SHIFTS = (-360.0, 0.0, 360.0)


class LandCrossing(NamedTuple):
    """How much of a line lies over land: km in all, and a (lat, lon) inside its longest stretch
    (rounded to 2 decimals, longitude within -180..180); near is None when km is 0."""

    km: float
    near: LatLonPair | None


class Passage(NamedTuple):
    """A canal or strait kept open: its name, its line as (lat, lon) points, its width in km."""

    name: str
    points: tuple[LatLonPair, ...]
    width_km: float


class LandIndex(NamedTuple):
    """Land pieces in Mercator degrees (three copies, shifted by -360, 0, +360) and their tree."""

    pieces: NDArray[np.object_]
    tree: shapely.STRtree


def mercator_y(lat: NDArray[np.float64]) -> NDArray[np.float64]:
    """Web Mercator's northing in degrees at the equator's scale; latitudes clipped to +-85."""
    import numpy as np

    phi = np.radians(np.clip(lat, -MAX_LAT, MAX_LAT))
    out: NDArray[np.float64] = np.degrees(np.log(np.tan(np.pi / 4 + phi / 2)))
    return out


def latitude(y: NDArray[np.float64]) -> NDArray[np.float64]:
    """The latitude of a Mercator northing (the inverse of mercator_y)."""
    import numpy as np

    out: NDArray[np.float64] = np.degrees(2 * np.arctan(np.exp(np.radians(y))) - np.pi / 2)
    return out


@lru_cache(maxsize=1)
def land_polygons() -> NDArray[np.object_]:
    """The land as valid longitude/latitude polygons within -180..180, pieces that tile it."""
    import numpy as np
    import shapely

    with np.load(LAND_FILE) as stored:
        deltas = stored["deltas"].astype(np.int64)
        ring_offsets = stored["ring_offsets"]
        polygon_offsets = stored["polygon_offsets"]
    # Each ring starts with its absolute point, then steps: a cumulative sum that restarts per ring.
    sums = np.cumsum(deltas, axis=0)
    starts = ring_offsets[:-1]
    before = np.zeros_like(sums)
    before[starts[1:]] = sums[starts[1:] - 1]
    ring_of_row = np.repeat(np.arange(len(starts)), np.diff(ring_offsets))
    coords = (sums - before[starts][ring_of_row]) * MICRO
    polygons: NDArray[np.object_] = shapely.from_ragged_array(
        shapely.GeometryType.POLYGON, coords, (ring_offsets, polygon_offsets))
    return polygons


@lru_cache(maxsize=1)
def passages() -> tuple[Passage, ...]:
    """The canals and straits of passages.yaml, in the file's order."""
    import yaml

    entries = yaml.safe_load(PASSAGES_FILE.read_text("utf-8"))
    return tuple(Passage(str(entry["name"]), tuple((float(lat), float(lon)) for lat, lon in entry["line"]),
                         float(entry["width_km"])) for entry in entries)


def passage_bands() -> list[shapely.Geometry]:
    """Each passage as a band in Mercator degrees, as wide in km as its width_km."""
    import numpy as np
    import shapely

    bands = []
    for passage in passages():
        lats = np.array([lat for lat, _ in passage.points])
        lons = np.array([lon for _, lon in passage.points])
        line = shapely.linestrings(lons, mercator_y(lats))
        scale = KM_PER_DEGREE * math.cos(math.radians(float(lats.mean())))  # km per Mercator degree
        bands.append(shapely.buffer(line, passage.width_km / 2 / scale, quad_segs=4))
    return bands


@lru_cache(maxsize=2)
def land_index(open_passages: bool = True) -> LandIndex:
    """The land in Mercator degrees, with the passages' bands taken out when open_passages."""
    import numpy as np
    import shapely

    polygons = land_polygons()
    bounds = shapely.bounds(polygons)
    polar = (bounds[:, 1] < -MAX_LAT) | (bounds[:, 3] > MAX_LAT)
    polygons = polygons.copy()
    polygons[polar] = shapely.clip_by_rect(polygons[polar], -180, -MAX_LAT, 180, MAX_LAT)
    pieces = shapely.transform(polygons, lambda xy: np.column_stack([xy[:, 0], mercator_y(xy[:, 1])]))
    if open_passages:
        tree = shapely.STRtree(pieces)
        for band in passage_bands():
            hit = tree.query(band, predicate="intersects")
            pieces[hit] = shapely.difference(pieces[hit], band)
    pieces = shapely.get_parts(pieces)  # a band may cut a piece in two: polygons only from here on
    pieces = pieces[(shapely.get_type_id(pieces) == 3) & ~shapely.is_empty(pieces)]
    copies = [shapely.transform(pieces, lambda xy, s=shift: xy + (s, 0.0)) for shift in SHIFTS]
    everything: NDArray[np.object_] = np.concatenate(copies)
    return LandIndex(everything, shapely.STRtree(everything))


@lru_cache(maxsize=1)
def geod() -> Geod:
    from pyproj import Geod

    return Geod(ellps="WGS84")


def mercator_line_km(xy: NDArray[np.float64]) -> float:
    """The length in km on the WGS84 ellipsoid of a line given in Mercator degrees."""
    lats = latitude(xy[:, 1])
    return float(geod().line_length(xy[:, 0], lats)) / 1000


def km_over_land(points: Sequence[LatLonPair], *, open_passages: bool = True,
                 beyond_ports: bool = False) -> LandCrossing:
    """Kilometres of a (lat, lon) line (longitudes possibly unwrapped) that lie over land, each
    segment straight in Web Mercator, measured on the ellipsoid; and a point inside the longest
    stretch over land. With open_passages, the canals and straits of passages.yaml are water.
    With beyond_ports, a stretch of land that the line starts or ends in (a port a little
    inland at this scale, on its way to the water) is not counted."""
    import numpy as np
    import shapely

    if len(points) < 2:
        return LandCrossing(0.0, None)
    index = land_index(open_passages)
    lines = []
    for part in _within_copies(unwrap(points)):
        lats = np.array([lat for lat, _ in part])
        lons = np.array([lon for _, lon in part])
        lines.append(shapely.linestrings(lons, mercator_y(lats)))
    overland = []
    for line in lines:
        hit = index.tree.query(line, predicate="intersects")
        overland.extend(shapely.get_parts(shapely.intersection(line, index.pieces[hit])))
    stretches = [g for g in shapely.get_parts(shapely.line_merge(shapely.union_all(overland)))
                 if shapely.get_type_id(g) == 1] if overland else []
    if beyond_ports:
        ends = shapely.points([shapely.get_coordinates(lines[0])[0], shapely.get_coordinates(lines[-1])[-1]])
        stretches = [s for s in stretches if shapely.distance(s, ends).min() > 1e-9]
    lengths = [mercator_line_km(shapely.get_coordinates(s)) for s in stretches]
    total = sum(lengths)
    if not stretches or total <= 0:
        return LandCrossing(0.0, None)
    longest = stretches[int(np.argmax(lengths))]
    middle = shapely.line_interpolate_point(longest, 0.5, normalized=True)
    x, y = shapely.get_coordinates(middle)[0]
    lat = float(latitude(np.array([y]))[0])
    lon = (float(x) + 180) % 360 - 180
    return LandCrossing(total, (round(lat, 2), round(lon, 2)))


def _within_copies(points: list[LatLonPair]) -> list[list[LatLonPair]]:
    """The line moved by whole turns so that it starts within -180..180; a line that then runs
    past the copies of the land (beyond +-540) is cut at the meridian into parts within +-180."""
    shift = 360 * math.floor((points[0][1] + 180) / 360)
    moved = [(lat, lon - shift) for lat, lon in points]
    if all(-540 <= lon <= 540 for _, lon in moved):
        return [moved]
    return [part for part in split_at_antimeridian(moved) if len(part) >= 2]
