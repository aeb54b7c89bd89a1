"""Regenerates data/naturalearth/basemap-layers.npz: Natural Earth's land and borders simplified
for each level of the built-in base map, so that a build reads them instead of simplifying
1:10m again (a second or more).

    .venv/bin/python tools/build_basemap_layers.py    (or: make basemap-layers)

Run it after changing data/naturalearth/countries-*.json, the levels' sources or tolerances
(storymap/render/basefiles.LEVELS) or how storymap/render/naturalearth.py simplifies:
tests/test_basemap_layers.py fails until then. The file stores shapely's ragged arrays with the
coordinates exact (float64), so the base map's files are byte for byte those a build that
simplifies at run time makes; and the sha256 of the sources, so a build given other sources
simplifies them itself rather than reading stale layers.
"""
from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from storymap.render import basefiles, naturalearth  # noqa: E402


def layer_arrays() -> dict[str, np.ndarray]:
    """Every level's layers as the file's arrays, with the digest of the sources."""
    arrays: dict[str, np.ndarray] = {"sources": np.array(naturalearth.sources_digest())}
    for source, tolerance in sorted({(level.source, level.tolerance) for level in basefiles.LEVELS}):
        arrays.update(naturalearth.layer_arrays(source, tolerance, naturalearth.simplified(source, tolerance)))
    return arrays


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """What np.savez_compressed writes, byte for byte the same on every run: its members in name
    order, each dated 1980-01-01 (savez dates them now, so every regeneration was a new file)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(arrays):
            member = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(member, "w", force_zip64=True) as out:
                np.lib.format.write_array(out, np.asanyarray(arrays[name]), allow_pickle=False)


def main() -> None:
    arrays = layer_arrays()
    write_npz(naturalearth.DERIVED, arrays)
    points = sum(len(a) for name, a in arrays.items() if name.endswith(("/land", "/borders")))
    print(f"{naturalearth.DERIVED.relative_to(REPO)}: {points} points, "
          f"{naturalearth.DERIVED.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
