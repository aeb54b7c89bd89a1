"""The two kinds of grid sea.py searches: the whole world, coarse, and fine windows.

The world grid (0.25 degrees of longitude and latitude, 85S to 85N) is only a guide: it says
which way round the continents a route goes. It is made from a 0.05-degree raster of the land:
a coarse cell is open when any of its 25 small cells is water, and a step between two coarse
cells only where small water cells meet across their shared side, so that a strait a few km
wide stays open and an isthmus a few km wide stays closed. The 180th meridian is no edge: the
last column neighbours the first.

A fine window (0.01 degrees of Mercator, about 1 km, coarser when the window is large) is
where the route is actually found near land: every cell that the coastline touches is closed,
and the passages of passages.yaml are opened along their lines and bands.
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from storymap.geo import land, seagrid

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

BASE = 0.05  # degrees: the raster the world grid is made from
PER_CELL = 5  # base cells per world cell, each way: world cells of 0.25 degrees
FINE = 0.01  # Mercator degrees: about 1.1 km at the equator, 0.5 km at 60N
MAX_FINE_CELLS = 3_000_000  # a larger window gets coarser cells


class World(NamedTuple):
    """The coarse world grid and which of its steps are open (east, north, north-east, north-west)."""

    grid: seagrid.Grid
    links: tuple[NDArray[np.bool_], ...]


def middle_copy() -> NDArray[np.object_]:
    """The land pieces within -180..180 (land.py keeps three copies, shifted by whole turns)."""
    pieces = land.land_index(True).pieces
    third = len(pieces) // 3
    out: NDArray[np.object_] = pieces[third: 2 * third]
    return out


def passage_lines() -> list[NDArray[np.float64]]:
    """Each passage's line in Mercator degrees, (x, y) rows."""
    import numpy as np

    out = []
    for passage in land.passages():
        lats = np.array([lat for lat, _ in passage.points])
        lons = np.array([lon for _, lon in passage.points])
        out.append(np.column_stack([lons, land.mercator_y(lats)]))
    return out


def _line_edges(lines: list[NDArray[np.float64]], shift: float = 0.0) -> NDArray[np.float64]:
    import numpy as np

    rows = [np.column_stack([line[:-1], line[1:]]) + (shift, 0, shift, 0) for line in lines]
    return np.concatenate(rows) if rows else np.zeros((0, 4))


@lru_cache(maxsize=1)
def world() -> World:
    """The coarse world grid (built once per process, in about a second)."""
    import numpy as np

    rows = round(2 * land.MAX_LAT / BASE)
    cols = round(360 / BASE)
    base_lats = np.asarray(-land.MAX_LAT + (np.arange(rows) + 0.5) * BASE, dtype=np.float64)
    base_ys = land.mercator_y(base_lats)
    water = ~seagrid.rasterise_land(seagrid.ring_edges(middle_copy()), -180.0, BASE, cols, base_ys)
    water |= seagrid.mark_lines(_line_edges(passage_lines()), -180.0, BASE, base_ys, water.shape)
    n_rows, n_cols = rows // PER_CELL, cols // PER_CELL
    coarse: NDArray[np.bool_] = np.asarray(water.reshape(n_rows, PER_CELL, n_cols, PER_CELL).any(axis=(1, 3)))
    k = PER_CELL

    def near(block: NDArray[np.bool_], axis: int) -> NDArray[np.bool_]:
        """A small cell or either neighbour along the shared side (8-neighbour contact)."""
        return block | np.roll(block, 1, axis=axis) | np.roll(block, -1, axis=axis)

    right_side = np.roll(water, -1, axis=1)[:, k - 1:: k]  # the small cells just east of each coarse cell
    east: NDArray[np.bool_] = np.asarray((water[:, k - 1:: k] & near(right_side, 0)).reshape(n_rows, k, n_cols).any(axis=1))
    top, above = water[k - 1:: k][:-1], water[k:: k]
    north = np.zeros_like(coarse)
    north[:-1] = (top & near(above, 1)).reshape(n_rows - 1, n_cols, k).any(axis=2)
    corner_ne = np.zeros_like(coarse)
    corner_ne[:-1] = top[:, k - 1:: k] & np.roll(above, -1, axis=1)[:, k - 1:: k]
    corner_nw = np.zeros_like(coarse)
    corner_nw[:-1] = top[:, ::k] & np.roll(above, 1, axis=1)[:, ::k]
    lats = np.asarray(-land.MAX_LAT + (np.arange(n_rows) + 0.5) * BASE * PER_CELL, dtype=np.float64)
    grid = seagrid.Grid(-180.0, BASE * PER_CELL, land.mercator_y(lats), coarse)
    return World(grid, (east, north, corner_ne, corner_nw))


def fine_grid(west: float, south: float, east: float, north: float) -> seagrid.Grid:
    """A fine grid over a window of Mercator degrees (longitudes may run past 180)."""
    import numpy as np
    import shapely

    size = max(FINE, float(np.sqrt((east - west) * (north - south) / MAX_FINE_CELLS)))
    cols = max(1, int(np.ceil((east - west) / size)))
    rows = max(1, int(np.ceil((north - south) / size)))
    ys = np.asarray(south + (np.arange(rows) + 0.5) * size, dtype=np.float64)
    index = land.land_index(True)
    hit = index.tree.query(shapely.box(west, south, east, north))
    edges = seagrid.ring_edges(index.pieces[hit])
    land_cells = seagrid.rasterise_land(edges, west, size, cols, ys)
    land_cells |= seagrid.mark_lines(edges, west, size, ys, land_cells.shape)
    water = ~land_cells
    for shift in land.SHIFTS:
        water |= seagrid.mark_lines(_line_edges(passage_lines(), shift), west, size, ys, water.shape)
    bands = np.array(land.passage_bands(), dtype=object)
    if len(bands):
        centres_x = west + (np.arange(cols) + 0.5) * size
        grid_x, grid_y = np.meshgrid(centres_x, ys)
        for shift in land.SHIFTS:
            moved = shapely.transform(bands, lambda xy, s=shift: xy + (s, 0.0))
            near = moved[shapely.intersects(moved, shapely.box(west, south, east, north))]
            for band in near:
                water |= shapely.contains_xy(band, grid_x, grid_y)
    return seagrid.Grid(west, size, ys, water)
