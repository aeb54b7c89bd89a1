"""Which country a point lies in, and how far outside a given country it is.

The countries are Natural Earth's 1:50m Admin 0 polygons as world-atlas packs them
(data/naturalearth/countries-50m.json, TopoJSON, layer "countries"), named by ISO 3166-1
alpha-2 codes through data/naturalearth/iso-3166-1.csv: by the ISO numeric id where Natural
Earth gives one, else by Natural Earth's name (Kosovo is XK; Somaliland and Northern Cyprus
count as SO and CY, as ISO 3166 draws them; the Siachen Glacier and the "Indian Ocean
Territories" have no code and belong to no country here).

The TopoJSON is decoded here with numpy (arcs delta-decoded, then joined into rings), which is
faster than reading it through GDAL. Rings that cross the 180th meridian (Russia's Chukotka, Fiji)
are unwrapped before they are repaired and then cut into pieces within -180..180
(antimeridian.split_polygons), so no part of Russia is lost. Everything is read once per
process; tests/test_countries.py measures how long that takes.

Decoding, repairing and cutting took a fifth of a second of every build that checks a place's
country, so the pieces are kept, exactly, in data/naturalearth/countries-50m-pieces.npz
(tools/build_country_pieces.py makes it, `make country-pieces`; tests/test_country_pieces.py
checks it matches what pieces_from_sources() makes now). A file made from other sources than
those here is not used: the pieces are made at run time instead, the same, only slower.

1:50m coasts and borders are generalised by a few kilometres: a port or a border station may
lie a little outside its country. distance_outside_km says by how much, so a caller can tell a
slip of the pen (hundreds of km, or a swapped lat and lon) from the map's generalisation.
"""
from __future__ import annotations

import csv
import hashlib
import json
import math
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Sequence

from storymap.geo.antimeridian import split_polygons

if TYPE_CHECKING:
    import numpy as np
    import shapely
    from numpy.typing import NDArray

DATA = Path(__file__).resolve().parents[2] / "data" / "naturalearth"
COUNTRIES_FILE = DATA / "countries-50m.json"
CODES_FILE = DATA / "iso-3166-1.csv"
PIECES_FILE = DATA / "countries-50m-pieces.npz"  # the pieces, kept (tools/build_country_pieces.py)
EARTH_RADIUS_KM = 6371.0088  # the mean radius: distances here are for warnings, not survey


class Countries(NamedTuple):
    """Country polygons within -180..180, each piece with its alpha-2 code, and their tree."""

    codes: tuple[str, ...]  # the code of each piece
    pieces: NDArray[np.object_]  # shapely Polygons, valid
    tree: shapely.STRtree
    by_code: dict[str, shapely.Geometry]  # each country's pieces as one MultiPolygon


def read_codes(path: Path = CODES_FILE) -> tuple[dict[str, str], dict[str, str]]:
    """The alpha-2 code of each ISO numeric id, and of each Natural Earth name without one."""
    by_numeric: dict[str, str] = {}
    by_name: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["numeric"]:
                by_numeric[row["numeric"]] = row["alpha2"]
            else:
                by_name[row["name"]] = row["alpha2"]
    return by_numeric, by_name


def decode_arcs(topology: dict[str, Any]) -> list[NDArray[np.float64]]:
    """The topology's arcs as (lon, lat) arrays: quantised positions delta-decoded, then scaled."""
    import numpy as np

    scale = np.asarray(topology["transform"]["scale"], dtype=float)
    translate = np.asarray(topology["transform"]["translate"], dtype=float)
    return [np.cumsum(np.asarray(arc, dtype=np.int64), axis=0) * scale + translate for arc in topology["arcs"]]


def _ring(arcs: list[NDArray[np.float64]], indices: Sequence[int]) -> NDArray[np.float64]:
    """One ring from its arcs (a negative index ~i is arc i reversed); shared ends kept once."""
    import numpy as np

    parts = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in indices]
    return np.concatenate([parts[0]] + [part[1:] for part in parts[1:]])


def _polygon_rings(geometry: dict[str, Any], arcs: list[NDArray[np.float64]]) -> list[list[NDArray[np.float64]]]:
    """A TopoJSON Polygon or MultiPolygon as lists of rings (shell first), as written."""
    if geometry["type"] == "Polygon":
        polygons = [geometry["arcs"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["arcs"]
    else:
        return []
    return [[_ring(arcs, ring) for ring in rings] for rings in polygons]


def _valid_pieces(shapes: NDArray[np.object_]) -> tuple[NDArray[np.object_], NDArray[np.int64]]:
    """Valid polygons within -180..180 and the index of the shape each came from: wide rings
    unwrapped, repaired and cut at the meridian; the others repaired where they need it."""
    import numpy as np
    import shapely

    bounds = shapely.bounds(shapes)
    wide = (bounds[:, 2] - bounds[:, 0]) > 180
    fixed = shapes.copy()
    invalid = ~wide & ~shapely.is_valid(shapes)
    fixed[invalid] = shapely.make_valid(shapes[invalid])
    pieces, origin = shapely.get_parts(fixed[~wide], return_index=True)
    origin = np.flatnonzero(~wide)[origin]
    for index in np.flatnonzero(wide):
        cut = split_polygons(shapes[index : index + 1])
        pieces = np.concatenate([pieces, cut])
        origin = np.concatenate([origin, np.full(len(cut), index)])
    keep = (shapely.get_type_id(pieces) == 3) & ~shapely.is_empty(pieces)
    return pieces[keep], origin[keep]


def pieces_from_sources() -> tuple[list[str], NDArray[np.object_]]:
    """Each valid piece of a country within -180..180, with its code, made from the TopoJSON."""
    import numpy as np
    import shapely

    topology = json.loads(COUNTRIES_FILE.read_bytes())
    arcs = decode_arcs(topology)
    by_numeric, by_name = read_codes()
    rings: list[NDArray[np.float64]] = []
    ring_ends: list[int] = []  # where each polygon's rings end in `rings`
    polygon_codes: list[str] = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = by_numeric.get(str(geometry.get("id"))) or by_name.get(geometry.get("properties", {}).get("name"))
        if code is None:
            continue
        for polygon in _polygon_rings(geometry, arcs):
            rings.extend(polygon)
            ring_ends.append(len(rings))
            polygon_codes.append(code)
    coords_ends = np.cumsum([len(ring) for ring in rings])
    shapes = shapely.from_ragged_array(
        shapely.GeometryType.POLYGON, np.concatenate(rings), (np.concatenate([[0], coords_ends]),
                                                              np.concatenate([[0], ring_ends])))
    pieces, origin = _valid_pieces(shapes)
    return [polygon_codes[i] for i in origin.tolist()], pieces


def sources_digest() -> str:
    """What the kept pieces were made from: the sources' bytes, by name."""
    digest = hashlib.sha256()
    for path in (COUNTRIES_FILE, CODES_FILE):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def piece_arrays(codes: Sequence[str], pieces: NDArray[np.object_]) -> dict[str, NDArray[Any]]:
    """The pieces as the kept file stores them: shapely's ragged arrays (coordinates exact), the codes."""
    import numpy as np
    import shapely

    _, coords, (rings, polygons) = shapely.to_ragged_array(pieces)
    return {"sources": np.array(sources_digest()), "codes": np.array(codes, dtype="U2"), "coords": coords,
            "rings": rings, "polygons": polygons}


def kept_pieces() -> tuple[list[str], NDArray[np.object_]] | None:
    """The pieces from the kept file; None when it is missing or was made from other sources."""
    import numpy as np
    import shapely

    try:
        stored = np.load(PIECES_FILE)
    except OSError:
        return None
    with stored:
        if str(stored["sources"]) != sources_digest():
            return None
        pieces = shapely.from_ragged_array(shapely.GeometryType.POLYGON, stored["coords"],
                                           (stored["rings"], stored["polygons"]))
        return stored["codes"].tolist(), pieces


@lru_cache(maxsize=1)
def countries() -> Countries:
    """The countries, read and indexed once per process."""
    import numpy as np
    import shapely

    codes, pieces = kept_pieces() or pieces_from_sources()
    order = np.argsort(np.array(codes), kind="stable")
    grouped: dict[str, list[shapely.Geometry]] = {}
    for index in order.tolist():
        grouped.setdefault(codes[index], []).append(pieces[index])
    by_code = {code: shapely.multipolygons(parts) for code, parts in grouped.items()}
    return Countries(tuple(codes), pieces, shapely.STRtree(pieces), by_code)


def known_codes() -> frozenset[str]:
    """The alpha-2 codes that have a polygon."""
    return frozenset(countries().by_code)


def _wrapped(lon: float) -> float:
    """A longitude brought within -180..180 (180 stays 180)."""
    return lon if -180 <= lon <= 180 else (lon + 180) % 360 - 180


def country_at(lat: float, lon: float) -> str | None:
    """The alpha-2 code of the country the point lies in (on a border: the first code in
    alphabetical order), or None at sea, in Antarctica's open areas and other places without one."""
    found = countries_at([lat], [lon])
    return found[0]


def countries_at(lats: Sequence[float], lons: Sequence[float]) -> list[str | None]:
    """country_at for many points at once (one tree query for all of them)."""
    import shapely

    data = countries()
    points = shapely.points([_wrapped(lon) for lon in lons], list(lats))
    point_index, piece_index = data.tree.query(points, predicate="intersects")
    found: list[str | None] = [None] * len(points)
    for point, piece in zip(point_index.tolist(), piece_index.tolist()):
        code = data.codes[piece]
        current = found[point]
        if current is None or code < current:
            found[point] = code
    return found


def distance_outside_km(code: str, lat: float, lon: float) -> float | None:
    """How far the point lies outside the country: 0.0 inside (or on its border), else the
    distance in km to its nearest edge, rounded to 0.1 km; None when the code has no polygon.
    The nearest edge is found in a local projection (longitudes scaled by the cosine of the
    point's latitude), good for the few to few hundred km a warning is about; farther away the
    figure is the great-circle distance to a near, not always the nearest, point of the country."""
    import shapely

    country = countries().by_code.get(code)
    if country is None:
        return None
    lon = _wrapped(lon)
    if country.intersects(shapely.Point(lon, lat)):
        return 0.0
    squeeze = max(math.cos(math.radians(lat)), 0.01)
    local = shapely.transform(country, lambda xy: xy * (squeeze, 1.0))
    best = math.inf
    for shift in (-360.0, 0.0, 360.0):  # a point near the 180th meridian has neighbours on both sides
        at = shapely.Point((lon + shift) * squeeze, lat)
        near = shapely.shortest_line(at, local).coords[1]
        best = min(best, haversine_km(lat, lon + shift, near[1], near[0] / squeeze))
    return round(best, 1)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two points on a sphere of the Earth's mean radius."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half = math.sin((phi2 - phi1) / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(half)))
