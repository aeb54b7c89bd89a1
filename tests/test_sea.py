"""Computed sea routes (storymap/geo/sea.py) measured against Natural Earth's 1:10m land.

Each long route is computed once per session (module-scoped fixtures); the land they are
measured against is land.py's, the same pieces the router avoids, with the passages open.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from storymap.geo import land, sea
from storymap.geo.antimeridian import LatLonPair

RAJIN, DUNAI, VLADIVOSTOK = (42.2497, 130.2892), (42.8803, 132.3375), (43.1165, 131.8824)
AMIRABAD, MAKHACHKALA, NOVOROSSIYSK = (36.857, 53.372), (42.98, 47.51), (44.72, 37.78)
PETROPAVLOVSK, DUTCH_HARBOR = (53.02, 158.65), (53.89, -166.54)


def length_km(line: list[LatLonPair]) -> float:
    lats = np.array([lat for lat, _ in line])
    lons = np.array([lon for _, lon in line])
    return float(land.geod().line_length(lons, lats)) / 1000


def over_land_beyond_connectors(line: list[LatLonPair], given: list[LatLonPair]) -> float:
    """km over land of the route without each port's own connector (port to the water's edge)."""
    body = line[1:-1] if len(line) > 3 else line
    assert line[0] == given[0] and (line[-1][0], line[-1][1] % 360) == (given[-1][0], given[-1][1] % 360)
    return land.km_over_land(body).km


def distance_km(a: LatLonPair, b: LatLonPair) -> float:
    return float(land.geod().inv(a[1], a[0], b[1], b[0])[2]) / 1000


def near_line_km(line: list[LatLonPair], point: LatLonPair) -> float:
    """The distance from a point to the nearest vertex or segment middle of a line (roughly)."""
    dense = [p for a, b in zip(line, line[1:]) for p in
             [(a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t) for t in np.linspace(0, 1, 200)]]
    return min(distance_km(point, (lat, (lon + 180) % 360 - 180)) for lat, lon in dense)


@pytest.fixture(scope="module")
def rajin_dunai() -> list[LatLonPair]:
    return sea.sea_path([RAJIN, DUNAI])


@pytest.fixture(scope="module")
def vladivostok_novorossiysk() -> list[LatLonPair]:
    return sea.sea_path([VLADIVOSTOK, NOVOROSSIYSK])


@pytest.fixture(scope="module")
def petropavlovsk_dutch_harbor() -> list[LatLonPair]:
    return sea.sea_path([PETROPAVLOVSK, DUTCH_HARBOR])


def check_route(line: list[LatLonPair], given: list[LatLonPair]) -> None:
    assert over_land_beyond_connectors(line, given) <= 0.5
    assert all(abs(b[1] - a[1]) <= 180 for a, b in zip(line, line[1:])), "longitudes not unwrapped"
    assert all(round(v, 6) == v for point in line for v in point)
    assert len(line) == len(set(line))


def test_rajin_to_dunai(rajin_dunai: list[LatLonPair]) -> None:
    check_route(rajin_dunai, [RAJIN, DUNAI])
    assert 180 < length_km(rajin_dunai) < 240
    # each port joins the water by its shortest way: a few km at most
    assert distance_km(rajin_dunai[0], rajin_dunai[1]) < 5
    assert distance_km(rajin_dunai[-2], rajin_dunai[-1]) < 5
    assert len(rajin_dunai) < 30


def test_vladivostok_to_novorossiysk_goes_by_suez_and_the_bosporus(vladivostok_novorossiysk: list[LatLonPair]) -> None:
    line = vladivostok_novorossiysk
    check_route(line, [VLADIVOSTOK, NOVOROSSIYSK])
    assert 15_000 < length_km(line) < 19_000
    assert near_line_km(line, (30.57, 32.30)) < 3  # Lake Timsah, on the Suez Canal
    assert near_line_km(line, (41.09, 29.055)) < 3  # the Bosporus
    # both passages were needed: with them closed, the line crosses land
    assert land.km_over_land(line[1:-1], open_passages=False).km > 100
    assert len(line) < 300


def test_petropavlovsk_to_dutch_harbor_crosses_the_meridian(petropavlovsk_dutch_harbor: list[LatLonPair]) -> None:
    line = petropavlovsk_dutch_harbor
    check_route(line, [PETROPAVLOVSK, DUTCH_HARBOR])
    assert line[0] == PETROPAVLOVSK
    assert line[-1] == (DUTCH_HARBOR[0], DUTCH_HARBOR[1] + 360)  # continuous past 180, east of it
    assert any(a[1] < 180 < b[1] for a, b in zip(line, line[1:]))
    assert 2_100 < length_km(line) < 2_800


def test_amirabad_to_makhachkala_stays_in_the_caspian() -> None:
    line = sea.sea_path([AMIRABAD, MAKHACHKALA])
    check_route(line, [AMIRABAD, MAKHACHKALA])
    assert land.km_over_land([AMIRABAD, MAKHACHKALA]).km > 40  # the straight line would cross Absheron
    assert 750 < length_km(line) < 950


def test_via_points_lie_on_the_line_and_the_output_is_deterministic(rajin_dunai: list[LatLonPair]) -> None:
    via = (42.55, 131.2)  # off the Tumen's mouth, in the bay of Posyet's approaches
    line = sea.sea_path([RAJIN, via, DUNAI])
    assert via in line
    check_route(line, [RAJIN, DUNAI])
    assert sea.sea_path([RAJIN, DUNAI]) == rajin_dunai
    assert sea.sea_path([RAJIN, via, DUNAI]) == line


def test_a_via_point_on_land_is_reached_and_left_by_its_connector() -> None:
    line = sea.sea_path([RAJIN, VLADIVOSTOK, DUNAI])
    i = line.index(VLADIVOSTOK)
    assert line[i - 1] == line[i + 1]  # in and out along the same shortest way
    assert distance_km(line[i - 1], VLADIVOSTOK) < 5
    assert land.km_over_land(line[1: i - 1]).km <= 0.5 and land.km_over_land(line[i + 2: -1]).km <= 0.5


def test_the_kerch_strait_is_open() -> None:
    line = sea.sea_path([NOVOROSSIYSK, (47.1, 38.95)])  # to Taganrog bay, in the Sea of Azov
    check_route(line, [NOVOROSSIYSK, (47.1, 38.95)])
    assert near_line_km(line, (45.3, 36.6)) < 25


def test_an_inland_point_has_no_sea_path() -> None:
    with pytest.raises(sea.NoSeaPath, match=r"the point 50, 10 is \d+ km from open water"):
        sea.sea_path([(50.0, 10.0), (54.5, 12.0)])


def test_waters_that_do_not_meet_have_no_sea_path() -> None:
    with pytest.raises(sea.NoSeaPath, match="do not meet"):
        sea.sea_path([AMIRABAD, NOVOROSSIYSK])  # the Caspian has no sea way out at 1:10m


def test_a_straight_leg_over_water_stays_straight() -> None:
    line = sea.sea_path([(43.0, 34.0), (42.5, 36.0)])
    assert line == [(43.0, 34.0), (42.5, 36.0)]
    assert sea.sea_path([(43.0, 34.0)]) == [(43.0, 34.0)]


def test_data_version_follows_the_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert sea.DATA_VERSION.startswith(sea.ALGORITHM + "-")
    assert sea._data_version() == sea.DATA_VERSION
    changed = tmp_path / "passages.yaml"
    changed.write_bytes(land.PASSAGES_FILE.read_bytes() + b"\n# moved\n")
    monkeypatch.setattr(land, "PASSAGES_FILE", changed)
    assert sea._data_version() != sea.DATA_VERSION
