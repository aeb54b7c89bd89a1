"""Grids of water cells for sea routes, and shortest paths across them (scipy's compiled Dijkstra).

A grid is a window of Web Mercator degrees (land.py's space): columns of equal width, rows
given by their centres' Mercator northing (equal in Mercator for a local window, equal in
latitude for the world's coarse grid). Land is rasterised from land.py's polygons by an
even-odd scan of each row through its cells' centres; a fine grid also closes every cell that
the coastline passes through, so that a path between the centres of neighbouring open cells
stays off the land. Passages (the canals and straits of passages.yaml) are opened afterwards.

Steps go to the 8 neighbours and cost their length in km at the row's latitude, so a shortest
path on the grid is close to the shortest on the sphere; sea.py then straightens it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, Sequence

from storymap.geo.land import KM_PER_DEGREE, latitude

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

KM_PER_DEGREE_OF_LATITUDE = 111.0  # along a meridian, near enough at every latitude for step costs


class Grid(NamedTuple):
    """Cells of a window: column j is [x0 + j * dx, x0 + (j + 1) * dx]; row i's centre is at
    Mercator northing ys[i] (rising); water[i, j] is True for an open cell."""

    x0: float
    dx: float
    ys: NDArray[np.float64]
    water: NDArray[np.bool_]

    def centres(self, cells: NDArray[np.int64]) -> NDArray[np.float64]:
        """The (x, y) centres of (row, column) cells."""
        import numpy as np

        return np.column_stack([self.x0 + (cells[:, 1] + 0.5) * self.dx, self.ys[cells[:, 0]]])

    def cell_of(self, x: float, y: float) -> tuple[int, int]:
        """The (row, column) whose cell holds a point (clamped to the window)."""
        import numpy as np

        column = int(np.clip((x - self.x0) // self.dx, 0, self.water.shape[1] - 1))
        row = int(np.clip(np.searchsorted(_row_edges(self.ys), y, "right") - 1, 0, len(self.ys) - 1))
        return row, column


def _row_edges(ys: NDArray[np.float64]) -> NDArray[np.float64]:
    import numpy as np

    middles = (ys[1:] + ys[:-1]) / 2
    first = ys[0] - (middles[0] - ys[0]) if len(ys) > 1 else ys[0] - 1
    last = ys[-1] + (ys[-1] - middles[-1]) if len(ys) > 1 else ys[-1] + 1
    out: NDArray[np.float64] = np.concatenate([[first], middles, [last]])
    return out


def ring_edges(polygons: NDArray[np.object_]) -> NDArray[np.float64]:
    """Every edge of every ring of the polygons, as rows (x1, y1, x2, y2)."""
    import numpy as np
    import shapely

    rings = shapely.get_rings(polygons)
    coords, ring_index = shapely.get_coordinates(rings, return_index=True)
    same_ring = ring_index[1:] == ring_index[:-1]
    out: NDArray[np.float64] = np.column_stack([coords[:-1], coords[1:]])[same_ring]
    return out


def rasterise_land(edges: NDArray[np.float64], x0: float, dx: float, ncols: int,
                   ys: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Cells whose centre lies inside the rings (even-odd), for rings that tile valid polygons.

    Each edge toggles, in every row whose centre line it crosses, the cells from the crossing
    eastwards; rings to the west of the window toggle its first column, in pairs, so only the
    rings that cross a row inside the window change it.
    """
    import numpy as np

    x1, y1, x2, y2 = edges.T
    low, high = np.minimum(y1, y2), np.maximum(y1, y2)
    first = np.searchsorted(ys, low, "left")  # rows with low <= centre < high
    last = np.searchsorted(ys, high, "left")
    counts = np.maximum(last - first, 0)
    edge = np.repeat(np.arange(len(edges)), counts)
    rows = np.repeat(first, counts) + np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    share = (ys[rows] - y1[edge]) / (y2[edge] - y1[edge])
    cross = x1[edge] + share * (x2[edge] - x1[edge])
    columns = np.ceil((cross - x0) / dx - 0.5).astype(np.int64).clip(0, None)
    keep = columns < ncols
    toggles = np.zeros((len(ys), ncols + 1), dtype=np.uint8)
    np.add.at(toggles, (rows[keep], columns[keep]), 1)
    inside: NDArray[np.bool_] = (np.cumsum(toggles[:, :ncols], axis=1, dtype=np.int32) % 2).astype(bool)
    return inside


def mark_lines(edges: NDArray[np.float64], x0: float, dx: float, ys: NDArray[np.float64],
               shape: tuple[int, int]) -> NDArray[np.bool_]:
    """Cells that the edges pass through (sampled at a fifth of a cell)."""
    import numpy as np

    x1, y1, x2, y2 = edges.T
    step = min(dx, float(np.min(np.diff(ys))) if len(ys) > 1 else dx) / 5
    counts = np.ceil(np.hypot(x2 - x1, y2 - y1) / step).astype(np.int64) + 1
    edge = np.repeat(np.arange(len(edges)), counts)
    along = (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)) / np.repeat(counts - 1, counts).clip(1)
    xs = x1[edge] + along * (x2[edge] - x1[edge])
    yv = y1[edge] + along * (y2[edge] - y1[edge])
    columns = np.floor((xs - x0) / dx).astype(np.int64)
    rows = np.searchsorted(_row_edges(ys), yv, "right") - 1
    keep = (columns >= 0) & (columns < shape[1]) & (rows >= 0) & (rows < shape[0])
    marked = np.zeros(shape, dtype=bool)
    marked[rows[keep], columns[keep]] = True
    return marked


def step_costs(ys: NDArray[np.float64], dx: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per row, the km of a step east; per pair of rows, the km of a step north."""
    import numpy as np

    lats = latitude(ys)
    east: NDArray[np.float64] = dx * KM_PER_DEGREE * np.cos(np.radians(lats))
    north: NDArray[np.float64] = np.abs(np.diff(lats)) * KM_PER_DEGREE_OF_LATITUDE
    return east, north


def shortest_path(grid: Grid, start: tuple[int, int], goal: tuple[int, int], *, wrap: bool = False,
                  links: Sequence[NDArray[np.bool_]] | None = None) -> NDArray[np.int64] | None:
    """The (row, column) cells of a shortest 8-neighbour path from start to goal over water, or
    None. wrap joins the last column to the first (the whole world round). links, when given,
    says which steps are allowed (east, north, north-east, north-west, as grid-shaped masks)."""
    import numpy as np
    from scipy.sparse import coo_array
    from scipy.sparse.csgraph import dijkstra

    water = grid.water
    nrows, ncols = water.shape
    ids = np.full(water.shape, -1, dtype=np.int64)
    ids[water] = np.arange(int(water.sum()))
    east, north = step_costs(grid.ys, grid.dx)
    sources, targets, costs = [], [], []
    for direction, (d_row, d_col) in enumerate(((0, 1), (1, 0), (1, 1), (1, -1))):
        rows, cols = np.nonzero(water[: nrows - d_row])
        to_cols = cols + d_col
        if wrap:
            to_cols %= ncols
        inside = (to_cols >= 0) & (to_cols < ncols)
        rows, cols, to_cols = rows[inside], cols[inside], to_cols[inside]
        open_step = water[rows + d_row, to_cols]
        if links is not None:
            open_step &= links[direction][rows, cols]
        rows, cols, to_cols = rows[open_step], cols[open_step], to_cols[open_step]
        if d_row == 0:
            cost = east[rows]
        else:
            middle = (east[rows] + east[rows + 1]) / 2 * abs(d_col)
            cost = np.hypot(middle, north[rows])
        sources.append(ids[rows, cols])
        targets.append(ids[rows + d_row, to_cols])
        costs.append(cost)
    count = int(water.sum())
    graph = coo_array((np.concatenate(costs), (np.concatenate(sources), np.concatenate(targets))),
                      shape=(count, count)).tocsr()
    source, target = ids[start], ids[goal]
    if source < 0 or target < 0:
        return None
    distances, predecessors = dijkstra(graph, directed=False, indices=int(source), return_predecessors=True)
    if not np.isfinite(distances[target]):
        return None
    chain = [int(target)]
    while chain[-1] != source:
        chain.append(int(predecessors[chain[-1]]))
    cells_by_id = np.argwhere(water)  # row-major, the order of ids
    out: NDArray[np.int64] = cells_by_id[np.array(chain[::-1])]
    return out
