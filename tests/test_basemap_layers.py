"""data/naturalearth/basemap-layers.npz, the base map's simplified layers kept so a build does
not simplify 1:10m again: it must hold exactly what tools/build_basemap_layers.py makes from
the sources and the code as they are now, and a build must not trust it for other sources."""
from __future__ import annotations

import numpy as np
import pytest
import shapely

from storymap.render import basefiles, naturalearth

from .conftest import load_tool


def _tool():
    return load_tool("build_basemap_layers")


@pytest.fixture
def fresh_caches():
    naturalearth.layers.cache_clear()
    naturalearth._derived.cache_clear()
    yield
    naturalearth.layers.cache_clear()
    naturalearth._derived.cache_clear()


def test_the_kept_layers_are_what_the_tool_makes_now():
    """Fails after a change to the sources, the levels or the simplification: then run
    .venv/bin/python tools/build_basemap_layers.py (make basemap-layers)."""
    made = _tool().layer_arrays()
    with np.load(naturalearth.DERIVED) as kept:
        assert sorted(kept.files) == sorted(made), "levels added or removed: run tools/build_basemap_layers.py"
        for name, array in made.items():
            assert np.array_equal(kept[name], array), f"{name} is stale: run tools/build_basemap_layers.py"


def test_every_level_is_read_from_the_kept_file(fresh_caches):
    kept = naturalearth._derived()
    for level in basefiles.LEVELS:
        name = f"{level.source}-{level.tolerance!r}"
        assert name in kept, name
        assert naturalearth.layers(level.source, level.tolerance) is kept[name]


def test_other_sources_are_simplified_at_run_time(fresh_caches, tmp_path, monkeypatch):
    """A data folder whose sources differ from those the file was made from: the file is not used."""
    for name in naturalearth.SOURCES.values():
        (tmp_path / name).write_bytes((naturalearth.DATA_DIR / name).read_bytes() + b"\n")
    (tmp_path / naturalearth.DERIVED.name).write_bytes(naturalearth.DERIVED.read_bytes())
    monkeypatch.setattr(naturalearth, "DATA_DIR", tmp_path)
    monkeypatch.setattr(naturalearth, "DERIVED", tmp_path / naturalearth.DERIVED.name)
    assert naturalearth._derived() == {}
    level = basefiles.LEVELS[0]
    made = naturalearth.layers(level.source, level.tolerance)
    assert shapely.equals_identical(made.land, naturalearth.simplified(level.source, level.tolerance).land).all()


def test_a_missing_file_means_simplifying(fresh_caches, tmp_path, monkeypatch):
    monkeypatch.setattr(naturalearth, "DERIVED", tmp_path / "none.npz")
    assert naturalearth._derived() == {}
    level = basefiles.LEVELS[0]
    assert len(naturalearth.layers(level.source, level.tolerance).land) > 100


def test_the_tool_writes_the_same_bytes_every_time(tmp_path):
    """Regenerating an unchanged file must not make a new one (no dates of the day in it)."""
    arrays = {"b/land": np.arange(6, dtype=np.float64).reshape(3, 2), "a": np.array("digest")}
    first, second = tmp_path / "1.npz", tmp_path / "2.npz"
    _tool().write_npz(first, arrays)
    _tool().write_npz(second, arrays)
    assert first.read_bytes() == second.read_bytes()
    with np.load(first) as kept:
        assert sorted(kept.files) == ["a", "b/land"] and (kept["b/land"] == arrays["b/land"]).all()
