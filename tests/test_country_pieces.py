"""data/naturalearth/countries-50m-pieces.npz, the countries' valid pieces kept so a build does
not decode and repair the TopoJSON again: it must hold exactly what
tools/build_country_pieces.py makes from the sources and the code as they are now, and a build
must not trust it for other sources."""
from __future__ import annotations

import numpy as np
import pytest
import shapely

from storymap.geo import countries

from .conftest import load_tool


def _tool():
    return load_tool("build_country_pieces")


@pytest.fixture
def fresh_cache():
    countries.countries.cache_clear()
    yield
    countries.countries.cache_clear()


def test_the_kept_pieces_are_what_the_tool_makes_now():
    """Fails after a change to the sources or to how the pieces are made: then run
    .venv/bin/python tools/build_country_pieces.py (make country-pieces)."""
    made = _tool().piece_arrays()
    with np.load(countries.PIECES_FILE) as kept:
        assert sorted(kept.files) == sorted(made)
        for name, array in made.items():
            assert np.array_equal(kept[name], array), f"{name} is stale: run tools/build_country_pieces.py"


def test_the_kept_pieces_are_the_pieces_made_from_the_sources():
    kept = countries.kept_pieces()
    assert kept is not None
    codes, pieces = countries.pieces_from_sources()
    assert kept[0] == codes and all(isinstance(code, str) for code in kept[0])
    assert shapely.equals_identical(kept[1], pieces).all()


def test_a_build_reads_the_kept_pieces(fresh_cache, monkeypatch):
    monkeypatch.setattr(countries, "pieces_from_sources", lambda: pytest.fail("the TopoJSON was decoded"))
    assert countries.country_at(48.85, 2.35) == "FR"
    assert countries.distance_outside_km("IR", 53.372, 36.857) > 1500


def test_other_sources_are_read_at_run_time(fresh_cache, tmp_path, monkeypatch):
    """Sources that differ from those the file was made from: the file is not used."""
    for name in ("COUNTRIES_FILE", "CODES_FILE", "PIECES_FILE"):
        source = getattr(countries, name)
        (tmp_path / source.name).write_bytes(source.read_bytes())
        monkeypatch.setattr(countries, name, tmp_path / source.name)
    assert countries.kept_pieces() is not None
    with (tmp_path / countries.CODES_FILE.name).open("a", encoding="utf-8") as codes:
        codes.write("999,ZZ,Nowhere\n")
    assert countries.kept_pieces() is None
    assert countries.country_at(59.91, 10.75) == "NO"


def test_a_missing_file_means_making_the_pieces(fresh_cache, tmp_path, monkeypatch):
    monkeypatch.setattr(countries, "PIECES_FILE", tmp_path / "none.npz")
    assert countries.kept_pieces() is None
    assert countries.country_at(42.66, 21.16) == "XK"
