"""Sea routes computed offline: a line through every via point that stays off Natural Earth's land.

How a leg between two points is found (all in land.py's Web Mercator degrees, where a segment is
straight on the page's map):
1. a point on land (a port drawn inland at 1:10m) is joined to the nearest water, straight,
   by the shortest way; that connector is the only land the route crosses;
2. a leg whose straight line crosses no land stays straight;
3. a short leg is searched on a fine grid (about 1 km) over its box; a long one first on the
   coarse world grid (0.25 degrees, seawindows.py), whose path is then repaired, stretch by
   stretch, on fine grids wherever it touches land;
4. the line is pulled straight: each vertex is joined to the farthest one ahead that it sees
   across water only, tested against the exact coastline (land.py's pieces).
Canals and straits of passages.yaml are water throughout. Every step is deterministic.
"""
from __future__ import annotations

import hashlib
import math
from typing import TYPE_CHECKING, Sequence

from storymap.geo import land, seagrid, seawindows
from storymap.geo.antimeridian import LatLonPair, unwrap

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

ALGORITHM = "1"  # raise when the computed lines would change for the same data
MAX_SNAP_KM = 30.0  # a point farther than this from the sea is refused
SHORT_LEG = 6.0  # Mercator degrees: a leg within a box this size is searched on a fine grid first
NUDGE_KM = 0.05  # how far past the coastline a point on land is moved onto the water


class NoSeaPath(Exception):
    """No sea route: a point too far from the sea, or waters that do not meet."""


def _data_version() -> str:
    digest = hashlib.sha256(ALGORITHM.encode())
    for path in (land.LAND_FILE, land.PASSAGES_FILE):
        digest.update(path.read_bytes())
    return f"{ALGORITHM}-{digest.hexdigest()[:12]}"


DATA_VERSION: str = _data_version()


def sea_path(points: Sequence[LatLonPair]) -> list[LatLonPair]:
    """A sea route through every (lat, lon) point in order, as (lat, lon) points: the first and
    last are the given ends (longitudes up to whole turns), the via points lie on it, longitudes
    are unwrapped, coordinates rounded to 6 decimals. Raises NoSeaPath."""
    vias = unwrap(list(points))
    if len(vias) < 2:
        return [(round(lat, 6), round(lon, 6)) for lat, lon in vias]
    out: list[LatLonPair] = [vias[0]]
    offset = 0.0  # whole turns added to the points still ahead, where the route went round
    here = _onto_water(vias[0])
    if here is not None:
        out.extend(_as_lat_lon(here[None, :]))
    for index in range(1, len(vias)):
        lat, lon = vias[index][0], vias[index][1] + offset
        a = here if here is not None else _mercator(vias[index - 1][0], out[-1][1])
        snapped = _onto_water((lat, lon))
        b = snapped if snapped is not None else _mercator(lat, lon)
        leg = _leg(a, b, vias[index - 1], vias[index])
        turns = 360.0 * round((leg[-1, 0] - b[0]) / 360)
        offset += turns
        out.extend(_as_lat_lon(leg[1:]))
        out.append((lat, lon + turns))
        here = snapped + (turns, 0.0) if snapped is not None else None
        if here is not None and index < len(vias) - 1:
            out.extend(_as_lat_lon(here[None, :]))  # back out to the water from a via point on land
    out = [(round(lat, 6), round(lon, 6)) for lat, lon in out]
    deduplicated = [p for i, p in enumerate(out) if i == 0 or p != out[i - 1]]
    assert all(abs(b[1] - a[1]) <= 180 for a, b in zip(deduplicated, deduplicated[1:])), "not unwrapped"
    return deduplicated


def _mercator(lat: float, lon: float) -> NDArray[np.float64]:
    import numpy as np

    return np.array([lon, float(land.mercator_y(np.array([lat]))[0])])


def _as_lat_lon(xy: NDArray[np.float64]) -> list[LatLonPair]:
    lats = land.latitude(xy[:, 1])
    return [(float(lat), float(x)) for lat, x in zip(lats, xy[:, 0])]


def _shown(point: LatLonPair) -> str:
    lat, lon = point
    return f"{lat:.4g}, {(lon + 180) % 360 - 180:.4g}"


def _onto_water(point: LatLonPair) -> NDArray[np.float64] | None:
    """Where a point on land meets the nearest water (Mercator degrees), just past the coast;
    None when the point is on water already."""
    import numpy as np
    import shapely

    p = _mercator(*point)
    index = land.land_index(True)
    here = shapely.Point(p)
    if not index.tree.query(here, predicate="intersects").size:
        return None
    scale = land.KM_PER_DEGREE * math.cos(math.radians(point[0]))  # km per Mercator degree here
    for reach_km in (MAX_SNAP_KM, 1000.0):
        box = shapely.box(*(p - reach_km / scale), *(p + reach_km / scale))
        water = shapely.difference(box, shapely.union_all(index.pieces[index.tree.query(box)]))
        if not water.is_empty:
            break
    else:
        raise NoSeaPath(f"the point {_shown(point)} is more than 1000 km from the sea")
    coast: NDArray[np.float64] = shapely.get_coordinates(shapely.shortest_line(here, water))[1]
    km = land.mercator_line_km(np.array([p, coast]))
    if km > MAX_SNAP_KM:
        raise NoSeaPath(f"the point {_shown(point)} is {km:.0f} km from open water; a sea route's points "
                        f"must lie within {MAX_SNAP_KM:.0f} km of the sea (Natural Earth 1:10m)")
    direction = (coast - p) / max(float(np.hypot(*(coast - p))), 1e-12)
    for nudge in (NUDGE_KM, 0.2, 0.5, 1.0):
        candidate: NDArray[np.float64] = coast + direction * nudge / scale
        if not index.tree.query(shapely.Point(candidate), predicate="intersects").size:
            return candidate
    return coast


def clear(starts: NDArray[np.float64], ends: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Which segments (Mercator degrees, rows of starts to rows of ends) cross no land."""
    import numpy as np
    import shapely

    lines = shapely.linestrings(np.stack([starts, ends], axis=1))
    hit, _ = land.land_index(True).tree.query(lines, predicate="intersects")
    ok = np.ones(len(lines), dtype=bool)
    ok[hit] = False
    return ok


def _leg(a: NDArray[np.float64], b: NDArray[np.float64], start: LatLonPair, end: LatLonPair) -> NDArray[np.float64]:
    """A line over water from a to b (Mercator degrees), straightened."""
    import numpy as np

    if clear(a[None, :], b[None, :])[0]:
        return np.array([a, b])
    line = None
    if abs(b[0] - a[0]) < SHORT_LEG and abs(b[1] - a[1]) < SHORT_LEG:
        line = _fine_path(a, b, np.array([a, b]))
    if line is None:
        line = _repaired(_coarse_path(a, b, start, end), start, end)
    return straighten(line)


def _fine_path(a: NDArray[np.float64], b: NDArray[np.float64], around: NDArray[np.float64],
               margin: float | None = None) -> NDArray[np.float64] | None:
    """A grid line over water from a to b on a fine grid round the points `around`, or None."""
    import numpy as np

    low, high = around.min(axis=0), around.max(axis=0)
    pad = margin if margin is not None else max(0.3, 0.25 * float((high - low).max()))
    grid = seawindows.fine_grid(low[0] - pad, low[1] - pad, high[0] + pad, high[1] + pad)
    start, goal = _entry_cell(grid, a), _entry_cell(grid, b)
    if start is None or goal is None:
        return None
    cells = seagrid.shortest_path(grid, start, goal)
    if cells is None:
        return None
    return np.vstack([a, _corners(grid.centres(cells)), b])


def _entry_cell(grid: seagrid.Grid, point: NDArray[np.float64]) -> tuple[int, int] | None:
    """The open cell nearest a point that it sees across water (or the nearest open cell)."""
    import numpy as np

    row, col = grid.cell_of(float(point[0]), float(point[1]))
    for reach in (3, 12, 40):
        rows = slice(max(row - reach, 0), row + reach + 1)
        cols = slice(max(col - reach, 0), col + reach + 1)
        found = np.argwhere(grid.water[rows, cols]) + (rows.start, cols.start)
        if not len(found):
            continue
        centres = grid.centres(found)
        order = np.lexsort((found[:, 1], found[:, 0], np.hypot(*(centres - point).T)))[:64]
        ok = clear(np.repeat(point[None, :], len(order), axis=0), centres[order])
        pick = order[int(np.argmax(ok))] if ok.any() else order[0]
        return int(found[pick, 0]), int(found[pick, 1])
    return None


def _corners(xy: NDArray[np.float64]) -> NDArray[np.float64]:
    """A grid line without the vertices where it runs on in the same direction."""
    import numpy as np

    if len(xy) < 3:
        return xy
    steps = np.round(np.diff(xy, axis=0), 9)
    turns = np.any(steps[1:] != steps[:-1], axis=1)
    keep = np.concatenate([[True], turns, [True]])
    out: NDArray[np.float64] = xy[keep]
    return out


def _coarse_path(a: NDArray[np.float64], b: NDArray[np.float64], start: LatLonPair,
                 end: LatLonPair) -> NDArray[np.float64]:
    """The world grid's line from a to b, longitudes continuous from a's."""
    import numpy as np

    world = seawindows.world()
    grid = world.grid
    cells = [_world_cell(grid, p) for p in (a, b)]
    path = None
    if cells[0] is not None and cells[1] is not None:
        path = seagrid.shortest_path(grid, cells[0], cells[1], wrap=True, links=world.links)
    if path is None:
        raise NoSeaPath(f"no sea route from {_shown(start)} to {_shown(end)}: "
                        "the waters they lie on do not meet (Natural Earth 1:10m)")
    centres = grid.centres(path)[1:-1]
    xs = [float(a[0])]
    for x in centres[:, 0]:
        xs.append(x + 360.0 * round((xs[-1] - x) / 360))
    inner = np.column_stack([xs[1:], centres[:, 1]]) if len(centres) else np.zeros((0, 2))
    b_x = float(b[0]) + 360.0 * round(((xs[-1]) - float(b[0])) / 360)
    return np.vstack([a, inner, [b_x, b[1]]])


def _world_cell(grid: seagrid.Grid, point: NDArray[np.float64]) -> tuple[int, int] | None:
    """The open world cell holding a point, or the nearest within two cells."""
    import numpy as np

    x = (float(point[0]) + 180) % 360 - 180
    row, col = grid.cell_of(x, float(point[1]))
    best: tuple[float, int, int] | None = None
    for d_row in range(-2, 3):
        for d_col in range(-2, 3):
            r, c = row + d_row, (col + d_col) % grid.water.shape[1]
            if 0 <= r < grid.water.shape[0] and grid.water[r, c]:
                candidate = (float(np.hypot(d_row, d_col)), r, c)
                best = candidate if best is None or candidate < best else best
    return None if best is None else (best[1], best[2])


def _repaired(line: NDArray[np.float64], start: LatLonPair, end: LatLonPair) -> NDArray[np.float64]:
    """The line with every stretch that touches land replaced by a fine-grid line over water."""
    import numpy as np

    ok = clear(line[:-1], line[1:])
    pieces: list[NDArray[np.float64]] = [line[:1]]
    i = 0
    while i < len(line) - 1:
        if ok[i]:
            pieces.append(line[i + 1: i + 2])
            i += 1
            continue
        j = i
        while j < len(ok) and (not ok[j] or not ok[j + 1: j + 3].all()):  # merge stretches close together
            j += 1
        j = min(j, len(line) - 1)
        stretch = line[i: j + 1]
        fixed = None
        for margin in (0.3, 1.5, 5.0):
            fixed = _fine_path(line[i], line[j], stretch, margin)
            if fixed is not None:
                break
        if fixed is None:
            lat, lon = _as_lat_lon(line[i][None, :])[0]
            raise NoSeaPath(f"no sea route from {_shown(start)} to {_shown(end)} found near {_shown((lat, lon))}")
        pieces.append(fixed[1:])
        i = j
    return np.vstack(pieces)


def straighten(line: NDArray[np.float64]) -> NDArray[np.float64]:
    """The line with each vertex joined to the farthest vertex ahead that it sees over water."""
    for reach in (8, 32, 128, 512):
        line = _pulled(line, reach)
    return line


def _pulled(line: NDArray[np.float64], reach: int) -> NDArray[np.float64]:
    import numpy as np

    kept = [0]
    i = 0
    while i < len(line) - 1:
        ahead = np.arange(i + 1, min(len(line), i + reach + 1))
        ok = clear(np.repeat(line[i][None, :], len(ahead), axis=0), line[ahead])
        ok[0] = True  # the next vertex is kept even where the grid clips a corner of the coast
        i = int(ahead[np.nonzero(ok)[0].max()])
        kept.append(i)
    out: NDArray[np.float64] = line[kept]
    return out
