"""Natural Earth's 1:10m land as storymap/geo/land.py holds it, and km_over_land.

The land file is made by tools/build_land.py; these tests check what the router relies on:
valid pieces, the world's shapes kept (Russia north of 65N, the Caspian Sea as water, both sides
of the 180th meridian), a quick load, and lines measured where they cross land.
"""
from __future__ import annotations

import time

import numpy as np
import pytest
import shapely

from storymap.geo import land

AMIRABAD, MAKHACHKALA = (36.857, 53.372), (42.98, 47.51)


def on_land(lat: float, lon: float) -> bool:
    polygons = land.land_polygons()
    return bool(shapely.STRtree(polygons).query(shapely.Point(lon, lat), predicate="intersects").size)


def test_the_land_loads_quickly_and_is_valid() -> None:
    land.land_polygons.cache_clear()
    land.land_index.cache_clear()
    started = time.perf_counter()
    land.land_index(True)
    assert time.perf_counter() - started < 1.5  # about 0.4 s here, passages included
    polygons = land.land_polygons()
    assert shapely.is_valid(polygons).all()
    bounds = shapely.bounds(polygons)
    assert bounds[:, 0].min() >= -180 and bounds[:, 2].max() <= 180
    # the pieces tile the land: none overlaps another (a sample of the big ones, all pairs)
    tree = shapely.STRtree(polygons)
    left, right = tree.query(polygons, predicate="overlaps")
    assert left.size == 0, f"{left.size} overlapping pieces"


@pytest.mark.parametrize(("name", "lat", "lon"), [
    ("Norilsk (Russia north of 65N, lost by a naive repair)", 69.35, 88.2),
    ("Taimyr", 74.0, 100.0),
    ("Chukotka west of the meridian", 66.0, 175.0),
    ("Chukotka east of the meridian", 66.0, -175.0),
    ("Moscow", 55.75, 37.62),
    ("Sahara", 23.0, 10.0),
])
def test_land_is_kept(name: str, lat: float, lon: float) -> None:
    assert on_land(lat, lon), name


@pytest.mark.parametrize(("name", "lat", "lon"), [
    ("the Caspian Sea", 41.0, 51.0),
    ("the Sea of Japan", 40.0, 135.0),
    ("the Bering Sea", 58.0, 179.5),
    ("the Pacific at the meridian", 0.0, 180.0),
    ("the Black Sea", 43.0, 34.0),
])
def test_water_is_not_land(name: str, lat: float, lon: float) -> None:
    assert not on_land(lat, lon), name


def test_a_straight_line_across_the_caspian_crosses_absheron() -> None:
    crossing = land.km_over_land([AMIRABAD, MAKHACHKALA])
    # Straight on the page's (Mercator) map, the line crosses the Absheron peninsula and Amirabad's
    # shore: about 59 km. (In flat longitude/latitude, as a GIS does by default, it would bend
    # west over the Derbent coast too, about 130 km: not what a reader sees.)
    assert 45 < crossing.km < 80
    assert crossing.near is not None
    lat, lon = crossing.near
    assert 39.5 < lat < 41.5 and 48.5 < lon < 50.5  # Absheron and the coast of Azerbaijan
    assert crossing.near == (round(lat, 2), round(lon, 2))


def test_open_water_and_short_lines_cross_no_land() -> None:
    assert land.km_over_land([(43.0, 34.0), (42.5, 36.0)]) == land.LandCrossing(0.0, None)
    assert land.km_over_land([(43.0, 34.0)]) == land.LandCrossing(0.0, None)


def test_a_line_across_the_meridian_meets_the_land_on_both_sides() -> None:
    # Anadyr bay to the Chukotka coast east of 180, unwrapped (longitudes past 180)
    unwrapped = land.km_over_land([(64.5, 178.0), (66.5, 186.0)])
    wrapped = land.km_over_land([(64.5, 178.0), (66.5, -174.0)])
    assert unwrapped == wrapped
    assert unwrapped.km > 100
    assert unwrapped.near is not None and -180 <= unwrapped.near[1] <= 180
    # far west, as far east: the same line moved a whole turn measures the same
    assert land.km_over_land([(64.5, 178.0 - 360), (66.5, 186.0 - 360)]).km == pytest.approx(unwrapped.km)


def test_km_over_land_is_geodesic_and_quick() -> None:
    # Across Italy at 42N, from the Tyrrhenian to the Adriatic: about 150 km of land
    line = [(42.0, 11.6), (42.0, 14.5)]
    land.km_over_land(line)
    started = time.perf_counter()
    crossing = land.km_over_land(line)
    assert time.perf_counter() - started < 0.05
    assert 140 < crossing.km < 240
    whole = land.geod().line_length(np.array([11.6, 14.5]), np.array([42.0, 42.0])) / 1000
    assert crossing.km < whole


def test_passages_are_land_when_closed_and_water_when_open() -> None:
    # Natural Earth draws the Suez Canal as land; passages.yaml opens it
    canal = [(30.85, 32.32), (30.77, 32.32), (30.57, 32.30)]  # along its line in passages.yaml
    assert land.km_over_land(canal, open_passages=False).km > 20
    assert land.km_over_land(canal).km == 0
