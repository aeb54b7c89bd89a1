"""Natural Earth's land, coasts and country borders, read from the TopoJSON the
project ships (data/naturalearth/) and simplified for one level of detail.

The base map beneath every story (basefiles.py) is drawn from these layers.
Simplification works on TopoJSON's arcs, the lines that rings share, so a
border and the two countries' coasts it meets stay joined at every level, and
it works in Web Mercator units (the page's projection), so a tolerance is the
same number of pixels at any latitude. Everything is in (x, y): x the
longitude, unwrapped along each ring so that one crossing the 180th meridian
(Chukotka, Fiji) is continuous, and y the Mercator northing in degrees at the
equator's scale (preview/geometry.py's mercator_y). A ring that goes round a
pole (Antarctica's) is closed along the Mercator edge.

These are the project's own files, not the journalist's --data folder, which
may have no naturalearth/ at all: every build draws the same base.

Simplifying 1:10m takes a second or more, so the layers of the base's levels are
kept, exactly, in data/naturalearth/basemap-layers.npz (tools/build_basemap_layers.py
makes it; tests/test_basemap_layers.py checks it matches what simplified() makes now).
A layer that file lacks, or a file made from other sources than those here, is
simplified at run time instead: the base is the same either way, only slower.
"""
from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray

from storymap.preview.geometry import mercator_y

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "naturalearth"
# world-atlas 2.0.2's files: 1:50m for the wide views, 1:10m for the close ones.
SOURCES = {"50m": "countries-50m.json", "10m": "countries-10m.json"}
DERIVED = DATA_DIR / "basemap-layers.npz"  # the simplified layers, kept (tools/build_basemap_layers.py)
EDGE = 180.0  # Mercator y of latitude 85.05, the edge of the page's square world


@dataclass(frozen=True)
class Layers:
    """One source at one tolerance, as shapely geometries in (x, y)."""

    land: NDArray[np.object_]  # polygons, holes included (the Caspian Sea is one)
    borders: NDArray[np.object_]  # lines between two countries, never along a coast


@dataclass(frozen=True)
class _Topology:
    arcs: list[NDArray[np.float64]]  # (x, y) rows of each arc, x unwrapped along the arc
    land: list[list[list[int]]]  # polygons: rings: arc references (~n is arc n reversed)
    borders: list[int]  # arcs two countries share and no coast follows


def _polygons(geometries: list[dict[str, Any]]) -> list[list[list[int]]]:
    out: list[list[list[int]]] = []
    for geometry in geometries:
        if geometry["type"] == "Polygon":
            out.append(geometry["arcs"])
        elif geometry["type"] == "MultiPolygon":
            out.extend(geometry["arcs"])
    return out


def _arc_ids(rings: list[list[int]]) -> set[int]:
    return {ref if ref >= 0 else ~ref for ring in rings for ref in ring}


def _decode_arcs(topology: dict[str, Any]) -> list[NDArray[np.float64]]:
    """The arcs' quantised deltas as (x, y) rows, in one pass over all of them."""
    raw = topology["arcs"]
    lengths = np.array([len(arc) for arc in raw])
    steps = np.array(list(itertools.chain.from_iterable(raw)), dtype=np.float64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    total = np.cumsum(steps, axis=0)
    before = np.vstack([[0.0, 0.0], total])[starts]  # the running sum where each arc starts
    quantised = total - np.repeat(before, lengths, axis=0)
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    lon, lat = quantised[:, 0] * sx + tx, quantised[:, 1] * sy + ty
    # Unwrapped along each arc, as antimeridian.unwrap_longitudes does for one line.
    turns = np.round((lon[:-1] - lon[1:]) / 360)
    turns[starts[1:] - 1] = 0  # no step from one arc to the next
    run = np.concatenate([[0.0], np.cumsum(turns)])
    x = lon + 360 * (run - np.repeat(run[starts], lengths))
    xy = np.column_stack([x, mercator_y(lat)])
    return np.split(xy, starts[1:])


@lru_cache(maxsize=2)
def _topology(source: str) -> _Topology:
    data = json.loads((DATA_DIR / SOURCES[source]).read_bytes())
    land = _polygons(data["objects"]["land"]["geometries"])
    users: dict[int, set[int]] = {}
    for number, country in enumerate(data["objects"]["countries"]["geometries"]):
        for arc in _arc_ids([ring for polygon in _polygons([country]) for ring in polygon]):
            users.setdefault(arc, set()).add(number)
    coast = _arc_ids([ring for polygon in land for ring in polygon])
    borders = sorted(arc for arc, countries in users.items() if len(countries) > 1 and arc not in coast)
    return _Topology(_decode_arcs(data), land, borders)


def _ring(arcs: list[NDArray[np.float64]], refs: list[int]) -> NDArray[np.float64]:
    """A ring joined from its arcs, unwrapped as a whole; closed along the Mercator edge when it
    ends a whole turn from where it started (it went round a pole)."""
    parts = [arcs[ref] if ref >= 0 else arcs[~ref][::-1] for ref in refs]
    xy = np.concatenate([parts[0], *(part[1:] for part in parts[1:])])
    jumps = np.round((xy[:-1, 0] - xy[1:, 0]) / 360)  # arcs unwrapped apart may meet a turn off
    xy[:, 0] += 360 * np.concatenate([[0.0], np.cumsum(jumps)])
    if abs(xy[-1, 0] - xy[0, 0]) > 180:
        edge = -EDGE if xy[:, 1].mean() < 0 else EDGE
        xy = np.vstack([xy, [(xy[-1, 0], edge), (xy[0, 0], edge), xy[0]]])
    return xy


@lru_cache(maxsize=4)
def layers(source: str, tolerance: float) -> Layers:
    """Land and borders of a source, simplified (simplified()): read from the kept file when it
    holds them, made from these sources, else simplified now."""
    kept = _derived().get(_layer_name(source, tolerance))
    return kept if kept is not None else simplified(source, tolerance)


def simplified(source: str, tolerance: float) -> Layers:
    """Land and borders of a source, simplified: no point strays more than tolerance (Mercator
    degrees) from the line it stands for; land smaller than a tolerance square is left out."""
    topology = _topology(source)
    lines = shapely.simplify(np.array([shapely.LineString(arc) for arc in topology.arcs], dtype=object),
                             tolerance, preserve_topology=False)  # each arc alone: the arcs keep the topology
    arcs = [shapely.get_coordinates(line) for line in lines]
    polygons = []
    for rings in topology.land:
        shell, *holes = [_ring(arcs, refs) for refs in rings]
        if len(shell) >= 4:
            polygons.append(shapely.Polygon(shell, [hole for hole in holes if len(hole) >= 4]))
    land = np.array(polygons, dtype=object)
    invalid = ~shapely.is_valid(land)  # a simplified ring may cross itself
    land[invalid] = shapely.make_valid(land[invalid], method="structure", keep_collapsed=False)
    land = shapely.get_parts(land)
    land = land[(shapely.get_type_id(land) == 3) & (shapely.area(land) >= tolerance ** 2)]
    borders = np.array([lines[arc] for arc in topology.borders if len(arcs[arc]) >= 2], dtype=object)
    return Layers(land, borders)


# --- the kept layers ------------------------------------------------------------------------

def sources_digest() -> str:
    """What the kept layers were made from: the sources' bytes, by name."""
    digest = hashlib.sha256()
    for name in sorted(SOURCES.values()):
        digest.update(name.encode() + b"\0" + (DATA_DIR / name).read_bytes())
    return digest.hexdigest()


def _layer_name(source: str, tolerance: float) -> str:
    return f"{source}-{tolerance!r}"


def layer_arrays(source: str, tolerance: float, layer: Layers) -> dict[str, NDArray[Any]]:
    """A layer as the arrays the kept file stores: shapely's ragged arrays, coordinates exact."""
    name = _layer_name(source, tolerance)
    _, land, (rings, polygons) = shapely.to_ragged_array(layer.land)
    _, borders, (lines,) = shapely.to_ragged_array(layer.borders)
    return {f"{name}/land": land, f"{name}/rings": rings, f"{name}/polygons": polygons,
            f"{name}/borders": borders, f"{name}/lines": lines}


@lru_cache(maxsize=1)
def _derived() -> dict[str, Layers]:
    """The kept layers by name; none when the file is missing or was made from other sources."""
    try:
        stored = np.load(DERIVED)
    except OSError:
        return {}
    with stored:
        if str(stored["sources"]) != sources_digest():
            return {}
        kept = {}
        for name in {key.rsplit("/", 1)[0] for key in stored.files if "/" in key}:
            land = shapely.from_ragged_array(shapely.GeometryType.POLYGON, stored[f"{name}/land"],
                                             (stored[f"{name}/rings"], stored[f"{name}/polygons"]))
            borders = shapely.from_ragged_array(shapely.GeometryType.LINESTRING, stored[f"{name}/borders"],
                                                (stored[f"{name}/lines"],))
            kept[name] = Layers(land, borders)
    return kept
