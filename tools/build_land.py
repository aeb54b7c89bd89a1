"""Regenerates data/naturalearth/land-10m-pieces.npz from data/naturalearth/land-10m.json.

    .venv/bin/python tools/build_land.py

land-10m.json is world-atlas 2.0.2's Natural Earth 1:10m land, TopoJSON, as published. It is
made for spherical drawing: a few rings cross the 180th meridian (Chukotka, Fiji) or go round
the South Pole (Antarctica), and some rings touch or cross themselves. Repairing such a ring
as it is (shapely.make_valid in flat longitude/latitude) turns the part beyond the meridian
inside out; for Russia that silently drops everything north of about 65N. So each ring that
spans more than 180 degrees of longitude is unwrapped first (continuous longitudes), repaired,
then cut into pieces within -180..180 (storymap/geo/antimeridian.split_polygons does both).

The result is stored as what the router needs: valid polygons, snapped to a 1e-6 degree grid,
cut into pieces of at most MAX_VERTICES vertices (a line is tested against a few small pieces
instead of a continent), as integer micro-degrees in a compressed numpy file that loads in a
fraction of a second. The pieces tile the land without overlapping: their union is the land.
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np
import pyogrio
import shapely

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from storymap.geo import antimeridian  # noqa: E402

SOURCE = REPO / "data" / "naturalearth" / "land-10m.json"
TARGET = REPO / "data" / "naturalearth" / "land-10m-pieces.npz"
GRID = 1e-6  # degrees: the stored coordinates are whole micro-degrees
MAX_VERTICES = 400  # a piece with more is halved across its longer side


def read_polygons() -> list[shapely.Polygon]:
    """The land's polygons, valid, within -180..180."""
    frame = pyogrio.read_dataframe(SOURCE, layer="land")
    parts = shapely.get_parts(np.asarray(frame.geometry.values))
    pieces = []
    for polygon in parts:
        rings = same_frame([antimeridian.unwrap_ring(np.asarray(ring.coords))
                            for ring in (polygon.exterior, *polygon.interiors)])
        # "structure" keeps a hole a hole (the default, "linework", turned the Caspian Sea into land)
        whole = shapely.make_valid(shapely.Polygon(rings[0], rings[1:]), method="structure")
        for shift in (-360, 0, 360):  # the unwrapped parts brought back within -180..180
            piece = shapely.intersection(whole, shapely.box(-180 - shift, -90, 180 - shift, 90))
            pieces.extend(shapely.get_parts(shapely.transform(piece, lambda xy, s=shift: xy + (s, 0))))
    land = shapely.union_all(pieces)  # one valid cover: no piece overlaps another
    land = shapely.set_precision(land, GRID)  # valid again on the micro-degree grid
    return [p for p in shapely.get_parts(land) if shapely.get_type_id(p) == 3 and not p.is_empty]


def same_frame(rings: list[np.ndarray]) -> list[np.ndarray]:
    """Holes moved by whole turns to where their shell lies: each ring is unwrapped on its own, so
    Eurasia's shell runs from -377 to -180 while its Caspian Sea hole stays at 46..55."""
    shell = rings[0]
    middle = (shell[:, 0].min() + shell[:, 0].max()) / 2
    out = [shell]
    for hole in rings[1:]:
        turns = round((middle - (hole[:, 0].min() + hole[:, 0].max()) / 2) / 360)
        out.append(hole + (360 * turns, 0))
    return out


def halve(polygon: shapely.Polygon) -> list[shapely.Polygon]:
    """A polygon cut into pieces of at most MAX_VERTICES vertices, by halving its box."""
    if shapely.get_num_coordinates(polygon) <= MAX_VERTICES:
        return [polygon]
    west, south, east, north = polygon.bounds
    if east - west >= north - south:
        middle = round((west + east) / 2, 4)
        boxes = [(west, south, middle, north), (middle, south, east, north)]
    else:
        middle = round((south + north) / 2, 4)
        boxes = [(west, south, east, middle), (west, middle, east, north)]
    out: list[shapely.Polygon] = []
    for box in boxes:
        # intersection, not clip_by_rect: GEOS's fast rectangle clip returns the whole box when the
        # box lies inside a hole (it did so for the middle of the Caspian Sea)
        clipped = shapely.intersection(polygon, shapely.box(*box), grid_size=GRID)
        for part in shapely.get_parts(clipped):
            if shapely.get_type_id(part) == 3 and not part.is_empty:
                out.extend(halve(part))
    return out


def main() -> None:
    pieces = [piece for polygon in read_polygons() for piece in halve(polygon)]
    pieces = [shapely.orient_polygons(p) for p in pieces]
    assert all(shapely.is_valid(pieces)), "a piece is not valid"
    kind, coords, (ring_offsets, polygon_offsets) = shapely.to_ragged_array(pieces)
    micro = np.round(coords / GRID).astype(np.int64)
    starts = ring_offsets[:-1]
    deltas = micro.copy()
    deltas[1:] -= micro[:-1]
    deltas[starts] = micro[starts]  # each ring starts absolute, then steps
    np.savez_compressed(TARGET, deltas=deltas.astype(np.int32), ring_offsets=ring_offsets.astype(np.int64),
                        polygon_offsets=polygon_offsets.astype(np.int64))
    digest = hashlib.sha256(TARGET.read_bytes()).hexdigest()
    print(f"{TARGET.relative_to(REPO)}: {len(pieces)} pieces, {len(coords)} vertices, "
          f"{TARGET.stat().st_size / 1e6:.2f} MB, sha256 {digest}")


if __name__ == "__main__":
    main()
