"""geo/length.py: lengths on the WGS84 ellipsoid and great circles, across the 180th meridian too."""
from __future__ import annotations

import math

import pytest

from storymap.geo.length import GREAT_CIRCLE_STEP_KM, great_circle, length_km


def test_a_degree_of_latitude_and_of_longitude_at_the_equator():
    # Textbook values of the WGS84 ellipsoid: a degree of longitude on the equator is 111.32 km,
    # a degree of latitude there 110.57 km (the ellipsoid is flatter towards the poles).
    assert length_km([(0.0, 0.0), (0.0, 1.0)]) == pytest.approx(111.319, abs=0.001)
    assert length_km([(0.0, 0.0), (1.0, 0.0)]) == pytest.approx(110.574, abs=0.001)


def test_a_line_is_the_sum_of_its_segments_and_a_point_has_no_length():
    line = [(42.25, 130.29), (42.5, 131.0), (42.88, 132.35)]
    assert length_km(line) == pytest.approx(length_km(line[:2]) + length_km(line[1:]))
    assert length_km(line[:1]) == 0.0 and length_km([]) == 0.0


def test_unwrapped_longitudes_measure_the_short_way_across_the_meridian():
    crossing = length_km([(52.0, 179.0), (53.0, 181.0)])
    assert crossing == pytest.approx(length_km([(52.0, 179.0), (53.0, -179.0)]))
    assert crossing < 200


def test_great_circle_keeps_its_points_and_adds_one_every_100_km():
    via = [(43.1, 131.9), (61.2, -149.9 + 360)]  # Vladivostok to Anchorage, unwrapped
    line = great_circle(via)
    assert line[0] == via[0] and line[-1] == via[-1]
    distance = length_km(via)
    assert len(line) == math.ceil(distance / GREAT_CIRCLE_STEP_KM) + 1
    steps = [abs(b[1] - a[1]) for a, b in zip(line, line[1:])]
    assert max(steps) < 10  # continuous: no jump of 360 at the meridian
    # The great circle bows north of the straight line on a flat map.
    middle = line[len(line) // 2]
    assert middle[0] > (via[0][0] + via[1][0]) / 2 + 5
    # Its length is the geodesic's, whatever the number of points.
    assert length_km(line) == pytest.approx(distance, rel=1e-6)


def test_great_circle_rounds_added_points_to_six_decimals_and_leaves_short_hops_alone():
    line = great_circle([(50.0, 10.0), (50.5, 10.5), (52.0, 30.0)])
    assert line[:2] == [(50.0, 10.0), (50.5, 10.5)]  # under 100 km: nothing added
    assert all(round(lat, 6) == lat and round(lon, 6) == lon for lat, lon in line)
    assert great_circle([]) == [] and great_circle([(1.0, 2.0)]) == [(1.0, 2.0)]
