"""Computed routes, kept between builds.

Computing a sea or rail route takes from a fraction of a second to a minute, and
a story is rebuilt on every save while a journalist writes it, so each computed
line is stored under a key made of everything it depends on: the mode, the
points in order, `within`, and the engine's DATA_VERSION (its data files and
algorithm). A rebuild with unchanged routes then computes nothing, and a new
release of the data or the algorithm never reuses an old line.

The cache lives outside the project and the output folder, in
$STORYMAP_CACHE_DIR, else $XDG_CACHE_HOME/storymap, else ~/.cache/storymap. It is
only ever a shortcut: an entry that is missing, unreadable or damaged is
computed again, and a cache folder that cannot be written is passed by in
silence (the build is just slower), so the cache can never change what is built.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from storymap.geo.antimeridian import LatLonPair

CACHE_FORMAT = 1  # raise when the stored layout changes
MAX_ENTRY_BYTES = 50_000_000  # a damaged or planted file is never read whole


def cache_dir() -> Path:
    """The routes' cache folder (it may not exist yet)."""
    if os.environ.get("STORYMAP_CACHE_DIR"):
        return Path(os.environ["STORYMAP_CACHE_DIR"]) / "routes"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "storymap" / "routes"


def route_key(mode: str, points: Sequence[LatLonPair], within: Sequence[str], data_version: str) -> str:
    """The entry's name: a digest of every input of the computation."""
    inputs = json.dumps({"format": CACHE_FORMAT, "mode": mode, "points": [list(p) for p in points],
                         "within": sorted(within), "data": data_version}, separators=(",", ":"))
    return hashlib.sha256(inputs.encode("utf-8")).hexdigest()


def _read_entry(path: Path) -> list[LatLonPair] | None:
    """The stored line, or None when the entry is missing or not what this module writes."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_ENTRY_BYTES + 1)
        if len(raw) > MAX_ENTRY_BYTES:
            return None
        stored = json.loads(raw)
        points = [(float(lat), float(lon)) for lat, lon in stored["points"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if len(points) < 2 or not all(math.isfinite(lat) and math.isfinite(lon) for lat, lon in points):
        return None
    return points


def _write_entry(path: Path, points: Sequence[LatLonPair]) -> None:
    """Store the line whole or not at all: written to a temporary file, then renamed into place."""
    data = json.dumps({"points": [list(p) for p in points]}, separators=(",", ":")).encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        pass  # a read-only or full cache only costs time on the next build


def cached_route(mode: str, points: Sequence[LatLonPair], within: Sequence[str], data_version: str,
                 compute: Callable[[], list[LatLonPair]]) -> list[LatLonPair]:
    """The stored line for these inputs, or compute() stored for next time. compute's
    exceptions (no path found) pass through and are not stored."""
    path = cache_dir() / f"{route_key(mode, points, within, data_version)}.json"
    stored = _read_entry(path)
    if stored is not None:
        return stored
    line = compute()
    _write_entry(path, line)
    return line
