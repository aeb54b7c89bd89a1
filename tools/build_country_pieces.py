"""Regenerates data/naturalearth/countries-50m-pieces.npz: Natural Earth's 1:50m countries as
the valid pieces within -180..180 that the places-outside-their-country check measures, each
with its ISO code, so that a build reads them instead of decoding, repairing and cutting the
TopoJSON again (a fifth of a second of every build).

    .venv/bin/python tools/build_country_pieces.py    (or: make country-pieces)

Run it after changing data/naturalearth/countries-50m.json or iso-3166-1.csv, or how
storymap/geo/countries.py makes the pieces: tests/test_country_pieces.py fails until then. The
file stores shapely's ragged arrays with the coordinates exact (float64), so the check measures
exactly what it measures from the TopoJSON; and the sha256 of the sources, so a build given
other sources makes the pieces itself rather than reading stale ones. Written as
tools/build_basemap_layers.py writes its file: the same bytes on every run.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tools"))

from build_basemap_layers import write_npz  # noqa: E402
from storymap.geo import countries  # noqa: E402


def piece_arrays() -> dict[str, np.ndarray]:
    """The pieces as the file's arrays, with the digest of the sources."""
    return countries.piece_arrays(*countries.pieces_from_sources())


def main() -> None:
    arrays = piece_arrays()
    write_npz(countries.PIECES_FILE, arrays)
    print(f"{countries.PIECES_FILE.relative_to(REPO)}: {len(arrays['codes'])} pieces, {len(arrays['coords'])} points, "
          f"{countries.PIECES_FILE.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
