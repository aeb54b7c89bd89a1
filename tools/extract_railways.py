"""Extracts the world's railway network from scgraph_data into data/railways/railways.npz.

    python3 -m venv /tmp/rail
    /tmp/rail/bin/pip install scgraph==2.15.0 scgraph_data==2.0.0 numpy shapely
    /tmp/rail/bin/python tools/extract_railways.py

scgraph_data 2.0.0 (PyPI) holds a world railway graph built from OpenStreetMap (ODbL) as one
17 MB Python module: `graph`, a list with one dict {neighbour: km} per node (symmetric, with a
zero-length loop on many nodes), and `nodes`, one [lat, lon] per node, rounded to 0.001 degree.
Only version 2.x ships the data in the package (3.x downloads it at run time), and the package
is 306 MB installed, so the project does not depend on it: this script runs once, in a
throwaway venv, and the compact file it writes is what storymap/geo/rail.py reads.

What the file holds (numpy arrays; np.load reads them without pickle):
  lat_delta, lon_delta  int32, each node's coordinate in units of 1e-5 degree, stored as the
                        difference from the node before it (the first as is): nodes are
                        numbered along the lines, so the differences are small and compress well
  edge_from, edge_step  int32, the edges (no loops, each once): edge_from is the lower node
                        index, stored as the difference from the edge before (edges sorted),
                        edge_step the higher index minus the lower (1 along a line)
  edge_extra_m          int32, each edge's length along the track (scgraph's weight) minus the
                        great-circle distance between its two stored nodes, in whole metres
  country               uint8, the index of each node's country in `codes`; 255 for none
  codes                 <U2, ISO 3166-1 alpha-2 codes, sorted
scgraph's weights are lengths along the track before it was simplified into these nodes: 6 %
more than the straight segments in all, up to a third more on a winding line. The shortest
path by those lengths is the one scgraph finds (routes do not cut through a winding mountain
line because its straightened segments look short). rail.py adds the excess back to the
great-circle distance it computes from the nodes; the excess is near zero on most edges, so it
compresses to little.

Each node's country comes from storymap/geo/countries.py (Natural Earth 1:50m); a node outside
every polygon (a coast, a bridge over a border river) gets the nearest country within
NEAREST_KM, and none beyond that. The file is deterministic: the same input gives the same
bytes (fixed order everywhere, and a zip written with a fixed timestamp).
"""
from __future__ import annotations

import hashlib
import io
import sys
import time
import zipfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from storymap.geo import countries  # noqa: E402

TARGET = REPO / "data" / "railways" / "railways.npz"
UNIT = 1e-5  # degrees per stored integer
NEAREST_KM = 5.0  # a node outside every country takes the nearest one within this distance
NO_COUNTRY = 255


def read_network() -> tuple[np.ndarray, np.ndarray, dict[tuple[int, int], float]]:
    """scgraph_data's nodes as (lat, lon) in whole units, its edges as sorted (low, high) pairs,
    and each edge's length in km (the graph is symmetric: both directions have the same)."""
    from scgraph_data.world_railways import graph, nodes  # about 20 s: a 17 MB literal

    coords = np.rint(np.asarray(nodes, dtype=float) / UNIT).astype(np.int64)
    km = {(min(i, j), max(i, j)): float(w) for i, neighbours in enumerate(graph) for j, w in neighbours.items() if i != j}
    edges = np.array(sorted(km), dtype=np.int64)
    return coords, edges, km


def great_circle_km(coords: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """The great-circle length of each edge between its stored nodes, as rail.py computes it."""
    from storymap.geo.rail import EARTH_RADIUS_KM, unit_vectors

    xyz = unit_vectors(coords[:, 0] * UNIT, coords[:, 1] * UNIT)
    chords = np.linalg.norm(xyz[edges[:, 0]] - xyz[edges[:, 1]], axis=1)
    out: np.ndarray = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, chords / 2))
    return out


def line_order(count: int, edges: np.ndarray) -> np.ndarray:
    """A new number for each node such that the nodes of each line between junctions follow
    one another: walk from every node whose degree is not 2 (in index order) along each unwalked
    edge until the next such node, then round the closed loops of degree-2 nodes."""
    neighbours: list[list[int]] = [[] for _ in range(count)]
    for low, high in edges.tolist():
        neighbours[low].append(high)
        neighbours[high].append(low)
    for row in neighbours:
        row.sort()
    numbered = np.full(count, -1, dtype=np.int64)
    walked: set[tuple[int, int]] = set()
    next_number = 0

    def visit(node: int) -> None:
        nonlocal next_number
        if numbered[node] < 0:
            numbered[node] = next_number
            next_number += 1

    starts = [n for n in range(count) if len(neighbours[n]) != 2] + list(range(count))
    for start in starts:
        if numbered[start] >= 0 and len(neighbours[start]) == 2:
            continue  # a degree-2 node already on a line walked from somewhere else
        visit(start)
        for first in neighbours[start]:
            previous, node = start, first
            while (min(previous, node), max(previous, node)) not in walked:
                walked.add((min(previous, node), max(previous, node)))
                visit(node)
                if len(neighbours[node]) != 2:
                    break
                a, b = neighbours[node]
                previous, node = node, (b if a == previous else a)
    return numbered


def node_countries(coords: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Each node's country as an index into the sorted codes, and the codes."""
    lats = (coords[:, 0] * UNIT).tolist()
    lons = (coords[:, 1] * UNIT).tolist()
    found = countries.countries_at(lats, lons)
    outside = [i for i, code in enumerate(found) if code is None]
    candidates = countries.known_codes()
    for i in outside:
        found[i] = nearest_country(lats[i], lons[i], candidates)
    codes = sorted({code for code in found if code is not None})
    index = {code: n for n, code in enumerate(codes)}
    column = np.array([NO_COUNTRY if code is None else index[code] for code in found], dtype=np.uint8)
    print(f"  {len(outside)} nodes outside every country; "
          f"{int((column == NO_COUNTRY).sum())} of them farther than {NEAREST_KM} km from one", file=sys.stderr)
    return column, codes


def nearest_country(lat: float, lon: float, candidates: frozenset[str]) -> str | None:
    """The country nearest the point within NEAREST_KM (ties: the first code alphabetically)."""
    import shapely

    data = countries.countries()
    box = shapely.box(lon - 0.2, lat - 0.1, lon + 0.2, lat + 0.1)  # wider than 5 km below 75N
    near = sorted({data.codes[i] for i in data.tree.query(box)} & candidates)
    best: tuple[float, str] | None = None
    for code in near:
        km = countries.distance_outside_km(code, lat, lon)
        if km is not None and km <= NEAREST_KM and (best is None or km < best[0]):
            best = (km, code)
    return None if best is None else best[1]


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """np.savez_compressed's format with a fixed timestamp, so the bytes depend on the arrays alone."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, array in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, np.ascontiguousarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, member.getvalue(), compresslevel=9)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def main() -> None:
    started = time.perf_counter()
    coords, edges, track_km = read_network()
    weights = np.array([track_km[(low, high)] for low, high in edges.tolist()])
    print(f"read {len(coords)} nodes, {len(edges)} edges in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    numbers = line_order(len(coords), edges)
    order = np.argsort(numbers)
    coords = coords[order]
    renumbered = np.sort(numbers[edges], axis=1)
    sorting = np.lexsort((renumbered[:, 1], renumbered[:, 0]))
    edges, weights = renumbered[sorting], weights[sorting]
    extra_m = np.rint((weights - great_circle_km(coords, edges)) * 1000)
    country, codes = node_countries(coords)
    arrays = {
        "lat_delta": np.diff(coords[:, 0], prepend=0).astype(np.int32),
        "lon_delta": np.diff(coords[:, 1], prepend=0).astype(np.int32),
        "edge_from": np.diff(edges[:, 0], prepend=0).astype(np.int32),
        "edge_step": (edges[:, 1] - edges[:, 0]).astype(np.int32),
        "edge_extra_m": extra_m.astype(np.int32),
        "country": country,
        "codes": np.array(codes, dtype="<U2"),
    }
    write_npz(TARGET, arrays)
    digest = hashlib.sha256(TARGET.read_bytes()).hexdigest()
    print(f"wrote {TARGET.relative_to(REPO)}: {TARGET.stat().st_size} bytes, {len(coords)} nodes, "
          f"{len(edges)} edges, {len(codes)} countries, sha256 {digest} "
          f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
