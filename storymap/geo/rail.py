"""Rail routes along a real railway network: the shortest way by rail through given points.

The network is data/railways/railways.npz, extracted once by tools/extract_railways.py from
scgraph_data 2.0.0, a world railway graph built from OpenStreetMap (ODbL: every page that draws
it credits "© OpenStreetMap contributors", CREDIT below). Its nodes lie on the tracks, about
every few hundred metres on a curve and farther apart on straight track; each node carries its
country (Natural Earth 1:50m, decided at extraction), which is how `within` keeps a route
inside a set of countries: only nodes of those countries, and the tracks between them, are used.

Each given point is snapped to the nearest usable node (a k-d tree of 3-D unit vectors, so
distances are right near the 180th meridian and the poles); the line runs from the first
point to its node, along the shortest path by track length through each following point's
node (scipy's Dijkstra), and from the last node to the last point. A point farther than
SNAP_LIMIT_KM from every usable node, or two points no track joins, raise NoRailPath with a
reason a journalist can act on.

The network is read once per process, and each set of countries indexed once;
tests/test_rail.py measures how long that takes.
"""
from __future__ import annotations

import hashlib
import math
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Sequence

from storymap.geo.antimeridian import LatLonPair, unwrap

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
    from scipy.sparse import csr_matrix
    from scipy.spatial import cKDTree

RAIL_FILE = Path(__file__).resolve().parents[2] / "data" / "railways" / "railways.npz"
DRAWN_TOLERANCE_DEG = 0.002  # about 200 m: a pixel or less up to zoom 9; Trans-Siberian 3,568 -> 2,087 points
ALGORITHM = 3  # raise when routing changes, so cached routes are redone (2: snapping onto connected pieces, 3: simplified)
CREDIT = "Railways © OpenStreetMap contributors (ODbL)"
SNAP_LIMIT_KM = 25.0  # farther than this from any usable railway, a point is not on the network
SAMPLE_KM = 5.0  # spacing of the snapping points along a long track
UNIT = 1e-5  # degrees per stored integer (tools/extract_railways.py)
EARTH_RADIUS_KM = 6371.0088
DIGITS = 6


def _data_version() -> str:
    """A short hash of the network file and the algorithm's number, for cache keys."""
    try:
        digest = hashlib.sha256(RAIL_FILE.read_bytes()).hexdigest()[:12]
    except OSError:
        digest = "missing"
    return f"{digest}-{ALGORITHM}"


DATA_VERSION: str = _data_version()


class NoRailPath(Exception):
    """No rail route through the given points: `reason` says why, in a journalist's words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Network(NamedTuple):
    """The railway network: nodes (degrees), their unit vectors and countries, the tracks."""

    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    xyz: NDArray[np.float64]  # each node as a 3-D unit vector
    low: NDArray[np.int64]  # each track edge's two nodes...
    high: NDArray[np.int64]
    km: NDArray[np.float64]  # ...and its length along the track
    country: NDArray[np.uint8]  # index into codes; 255 for none
    codes: tuple[str, ...]


class Usable(NamedTuple):
    """The part of the network a set of countries allows, and an index to snap points onto it."""

    graph: csr_matrix  # symmetric, over all network nodes; only tracks between allowed nodes
    tree: cKDTree  # allowed nodes on a track, and points every SAMPLE_KM along longer tracks
    low: NDArray[np.int64]  # for each tree point: a node (high -1) or the track it lies on
    high: NDArray[np.int64]
    component: NDArray[np.int32]  # for each network node: which connected piece of the graph it is in
    size: NDArray[np.int64]  # for each piece: how many nodes it has


class Snap(NamedTuple):
    """Where a point meets the network: on the track from node a to node b, at `share` of the
    way (0 at a), `km` long in all; `at` is that spot (lat, lon), `off_km` its distance."""

    a: int
    b: int
    share: float
    km: float
    at: LatLonPair
    off_km: float


class RailRoute(NamedTuple):
    """A rail route's line and its length along the track in km (a little longer than the drawn
    line, whose segments straighten the track's bends; the length scgraph reports)."""

    line: list[LatLonPair]
    track_km: float


def unit_vectors(lat: NDArray[np.float64], lon: NDArray[np.float64]) -> NDArray[np.float64]:
    """Points on the unit sphere for latitudes and longitudes in degrees."""
    import numpy as np

    phi, lam = np.radians(lat), np.radians(lon)
    out: NDArray[np.float64] = np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])
    return out


def chord_km(chord: NDArray[np.float64]) -> NDArray[np.float64]:
    """The great-circle distance of chords between points of the unit sphere."""
    import numpy as np

    out: NDArray[np.float64] = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.asarray(chord) / 2))
    return out


@lru_cache(maxsize=1)
def network() -> Network:
    """The network, read once per process."""
    import numpy as np

    with np.load(RAIL_FILE, allow_pickle=False) as stored:
        lat = (np.cumsum(stored["lat_delta"], dtype=np.int64) * UNIT).astype(np.float64)
        lon = (np.cumsum(stored["lon_delta"], dtype=np.int64) * UNIT).astype(np.float64)
        low = np.cumsum(stored["edge_from"], dtype=np.int64)
        high = low + stored["edge_step"]
        extra_km = stored["edge_extra_m"] * 0.001
        country = stored["country"]
        codes = tuple(str(code) for code in stored["codes"])
    xyz = unit_vectors(lat, lon)
    # The length along the track: the straight segment plus what its bends add (at least 1 m, since
    # scipy's sparse graphs drop zero weights).
    km = np.maximum(chord_km(np.linalg.norm(xyz[low] - xyz[high], axis=1)) + extra_km, 0.001)
    return Network(lat, lon, xyz, low, high, km, country, codes)


@lru_cache(maxsize=8)
def usable(within: tuple[str, ...]) -> Usable:
    """The tracks between nodes of the given countries (all of them for an empty tuple)."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    net = network()
    count = len(net.lat)
    allowed = np.ones(count, dtype=bool)
    if within:
        wanted = [index for index, code in enumerate(net.codes) if code in within]
        allowed = np.isin(net.country, np.array(wanted, dtype=np.uint8))
    kept = np.flatnonzero(allowed[net.low] & allowed[net.high])
    low, high, km = net.low[kept], net.high[kept], net.km[kept]
    graph = csr_matrix((np.concatenate([km, km]), (np.concatenate([low, high]), np.concatenate([high, low]))),
                       shape=(count, count))
    on_track = np.zeros(count, dtype=bool)
    on_track[low] = on_track[high] = True
    nodes = np.flatnonzero(on_track)
    # Points inside the longer tracks, so a station beside a long straight track finds it.
    chords = chord_km(np.linalg.norm(net.xyz[low] - net.xyz[high], axis=1))
    inner = np.maximum(np.ceil(chords / SAMPLE_KM).astype(np.int64) - 1, 0)
    track = np.repeat(np.arange(len(kept)), inner)
    step = np.arange(len(track)) - np.repeat(np.cumsum(inner) - inner, inner) + 1
    share = (step / (inner[track] + 1))[:, None]
    samples = net.xyz[low[track]] * (1 - share) + net.xyz[high[track]] * share
    samples /= np.linalg.norm(samples, axis=1)[:, None]
    points = np.concatenate([net.xyz[nodes], samples]) if len(samples) else net.xyz[nodes]
    # OpenStreetMap's railways hold pieces that join nothing (a port's sidings, a gap in the
    # mapping): a point is snapped onto a piece that reaches every other point of its route.
    _, component = connected_components(graph, directed=False)
    return Usable(graph, cKDTree(points, balanced_tree=False), np.concatenate([nodes, low[track]]),
                  np.concatenate([np.full(len(nodes), -1), high[track]]), component.astype(np.int32),
                  np.bincount(component))


def _where(point: LatLonPair) -> str:
    """A point as a journalist reads it: lat, lon to two decimals."""
    return f"{point[0]:.2f}, {point[1]:.2f}"


def _countries(within: tuple[str, ...]) -> str:
    return f" within {', '.join(within)}" if within else ""


def _candidate_tracks(found: Usable, near: list[int]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The tracks (a, b) that the given tree points lie on, or start from when they are nodes."""
    import numpy as np

    index = np.asarray(near, dtype=np.int64)
    sampled = found.high[index] >= 0
    a, b = [found.low[index[sampled]]], [found.high[index[sampled]]]
    indptr, neighbours = found.graph.indptr, found.graph.indices
    for node in found.low[index[~sampled]].tolist():
        ends = neighbours[indptr[node]: indptr[node + 1]]
        a.append(np.full(len(ends), node))
        b.append(ends.astype(np.int64))
    return np.concatenate(a), np.concatenate(b)


def _snap_limit_chord() -> float:
    """SNAP_LIMIT_KM, plus half a sample spacing, as a chord of the unit sphere."""
    return 2 * math.sin((SNAP_LIMIT_KM + SAMPLE_KM) / (2 * EARTH_RADIUS_KM))


def shared_piece(points: Sequence[LatLonPair], within: tuple[str, ...] = ()) -> int | None:
    """The largest connected piece of the network that passes within SNAP_LIMIT_KM of every
    point; None when there is none."""
    import numpy as np

    found = usable(within)
    shared: set[int] | None = None
    for point in points:
        p = unit_vectors(np.array([point[0]]), np.array([point[1]]))[0]
        near = found.tree.query_ball_point(p, _snap_limit_chord())
        pieces = set(found.component[found.low[np.asarray(near, dtype=np.int64)]].tolist()) if near else set()
        shared = pieces if shared is None else shared & pieces
        if not shared:
            return None
    return max(shared or (), key=lambda piece: (int(found.size[piece]), -piece), default=None)


def snap(point: LatLonPair, within: tuple[str, ...] = (), piece: int | None = None) -> Snap:
    """The nearest spot on a usable track (of the given connected piece, if one is given);
    NoRailPath when it is farther than SNAP_LIMIT_KM."""
    import numpy as np

    found = usable(within)
    if not found.tree.n:
        raise NoRailPath(f"the network has no railway{_countries(within)}")
    p = unit_vectors(np.array([point[0]]), np.array([point[1]]))[0]
    chord, _ = found.tree.query(p)
    # The nearest track passes within half a sample spacing of some tree point near this one.
    radius = float(chord) + SAMPLE_KM / EARTH_RADIUS_KM if piece is None else _snap_limit_chord()
    a, b = _candidate_tracks(found, found.tree.query_ball_point(p, radius))
    if piece is not None:
        mine = found.component[a] == piece
        a, b = a[mine], b[mine]
    if not len(a):
        raise NoRailPath(f"the point {_where(point)} is more than {SNAP_LIMIT_KM:.0f} km from a railway that "
                         f"reaches the route's other points{_countries(within)}")
    xyz = network().xyz
    start, span = xyz[a], xyz[b] - xyz[a]
    share = np.clip(np.einsum("ij,ij->i", p - start, span) / np.maximum(np.einsum("ij,ij->i", span, span), 1e-30), 0, 1)
    spot = start + share[:, None] * span
    spot /= np.linalg.norm(spot, axis=1)[:, None]
    off = chord_km(np.linalg.norm(spot - p, axis=1))
    best = int(np.lexsort((b, a, np.round(off, 9)))[0])  # nearest; ties by node numbers
    off_km = float(off[best])
    if off_km > SNAP_LIMIT_KM:
        raise NoRailPath(f"the point {_where(point)} is {off_km:.0f} km from the nearest railway{_countries(within)}")
    lat = math.degrees(math.asin(max(-1.0, min(1.0, float(spot[best, 2])))))
    lon = math.degrees(math.atan2(float(spot[best, 1]), float(spot[best, 0])))
    track_km = float(found.graph[int(a[best]), int(b[best])])
    return Snap(int(a[best]), int(b[best]), float(share[best]), track_km, (lat, lon), off_km)


def _leg(start: Snap, end: Snap, graph: csr_matrix) -> tuple[float, list[int]] | None:
    """The shortest way by track from one snapped spot to another: its length and the nodes it
    passes; None when no track joins them."""
    import numpy as np
    from scipy.sparse.csgraph import dijkstra

    options: list[tuple[float, int, int]] = []  # (km, source row, target node)
    if {start.a, start.b} == {end.a, end.b}:  # on the same track: along it, no node between
        share = end.share if end.a == start.a else 1 - end.share
        options.append((abs(share - start.share) * start.km, -1, -1))
    sources = [start.a, start.b]
    away = [start.share * start.km, (1 - start.share) * start.km]
    distances, predecessors = dijkstra(graph, directed=True, indices=sources, return_predecessors=True)
    for row in (0, 1):
        for node, rest in ((end.a, end.share * end.km), (end.b, (1 - end.share) * end.km)):
            if np.isfinite(distances[row, node]):
                options.append((away[row] + float(distances[row, node]) + rest, row, node))
    if not options:
        return None
    km, row, node = min(options)
    if row < 0:
        return km, []
    path = [node]
    while path[-1] != sources[row]:
        path.append(int(predecessors[row, path[-1]]))
    return km, path[::-1]


def rail_route(points: Sequence[LatLonPair], within: Sequence[str] = ()) -> RailRoute:
    """The line by rail through every point in order, along the shortest tracks between them,
    using only tracks between nodes of the `within` countries (alpha-2 codes; empty: anywhere).
    It starts and ends exactly at the first and last points, joined to the nearest track by a
    straight connector; a point between them is passed at its nearest spot on the track.
    Longitudes unwrapped, coordinates rounded to 6 decimals. NoRailPath when a point is farther
    than SNAP_LIMIT_KM from a usable track or no track joins two of them."""
    if len(points) < 2:
        raise ValueError("a rail route needs at least two points")
    countries = tuple(sorted(set(within)))
    for point in points:
        snap(point, countries)  # a point far from every railway is named first
    piece = shared_piece(points, countries)
    if piece is None:
        raise NoRailPath(f"no railway connects {_where(points[0])} and {_where(points[-1])}{_countries(countries)}")
    snaps = [snap(point, countries, piece) for point in points]
    graph = usable(countries).graph
    net = network()
    line: list[LatLonPair] = [tuple(points[0]), snaps[0].at]  # type: ignore[list-item]
    total = snaps[0].off_km + snaps[-1].off_km
    for index in range(1, len(snaps)):
        leg = _leg(snaps[index - 1], snaps[index], graph)
        if leg is None:
            raise NoRailPath(
                f"no railway connects {_where(points[index - 1])} and {_where(points[index])}{_countries(countries)}")
        total += leg[0]
        line.extend((float(net.lat[node]), float(net.lon[node])) for node in leg[1])
        line.append(snaps[index].at)
    line.append((float(points[-1][0]), float(points[-1][1])))
    rounded = [(round(lat, DIGITS), round(lon, DIGITS)) for lat, lon in unwrap(line)]
    kept = [p for i, p in enumerate(rounded) if i == 0 or p != rounded[i - 1]]
    return RailRoute(kept, round(total, 3))


def rail_path(points: Sequence[LatLonPair], within: Sequence[str] = ()) -> list[LatLonPair]:
    """rail_route's line as the map draws it: simplified to within DRAWN_TOLERANCE_DEG of the
    track (every point goes to each reader's phone, twice), its two ends kept exactly."""
    import shapely

    line = rail_route(points, within).line
    if len(line) < 3:
        return line
    drawn = shapely.LineString(line).simplify(DRAWN_TOLERANCE_DEG, preserve_topology=False)
    kept = [(round(lat, DIGITS), round(lon, DIGITS)) for lat, lon in drawn.coords]
    return [line[0], *kept[1:-1], line[-1]]
