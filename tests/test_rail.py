"""Rail routes over the extracted OpenStreetMap railway network (storymap/geo/rail.py).

The reference figures were measured with scgraph 2.15.0 on the same data (scgraph_data 2.0.0):
Khasan to Tikhoretsk 8,627 km unrestricted (through China), 9,752 km within Russia and North
Korea (along the BAM), 9,987 km via Chita and Irkutsk (along the Trans-Siberian). Those are
lengths along the track, which rail_route reports as track_km; the drawn line straightens the
track's bends between nodes and is a few per cent shorter.
"""
from __future__ import annotations

import math

import pytest
import shapely
import yaml

from storymap.geo import countries, rail
from storymap.geo.antimeridian import LatLonPair

from .conftest import REPO

PLACES = {entry["id"]: (float(entry["lat"]), float(entry["lon"]))
          for entry in yaml.safe_load((REPO / "data" / "places.yaml").read_text("utf-8"))}


def place(name: str) -> LatLonPair:
    return PLACES[name]


def km_from_line(line: list[LatLonPair], point: LatLonPair) -> float:
    """How close the line passes to the point, in km (nearest spot found in a local projection)."""
    squeeze = math.cos(math.radians(point[0]))
    drawn = shapely.LineString([(lon * squeeze, lat) for lat, lon in line])
    near = shapely.shortest_line(shapely.Point(point[1] * squeeze, point[0]), drawn).coords[1]
    return countries.haversine_km(point[0], point[1], near[1], near[0] / squeeze)


def drawn_km(line: list[LatLonPair]) -> float:
    return sum(countries.haversine_km(*a, *b) for a, b in zip(line, line[1:]))


def km_outside(line: list[LatLonPair], codes: tuple[str, ...]) -> float:
    """The length of the line outside the union of the countries' polygons, roughly in km."""
    inside = shapely.union_all([countries.countries().by_code[code] for code in codes])
    outside = shapely.LineString([(lon, lat) for lat, lon in line]).difference(inside)
    return sum(drawn_km([(lat, lon) for lon, lat in part.coords]) for part in shapely.get_parts(outside)
               if not part.is_empty)


def test_the_network_is_whole():
    # How long it takes to read is a benchmark figure (bench/routing.py), never asserted here.
    net = rail.network()
    rail.usable(())
    assert len(net.lat) > 270_000 and len(net.low) > 320_000
    assert {"RU", "KP", "CN", "KZ", "DE", "US"} <= set(net.codes)
    assert (net.km > 0).all() and net.km.max() < 1_500


def test_unrestricted_khasan_to_tikhoretsk_goes_through_china():
    route = rail.rail_route([place("khasan-station"), place("tikhoretsk")])
    assert route.track_km == pytest.approx(8627, rel=0.02)
    found = countries.countries_at([lat for lat, _ in route.line], [lon for _, lon in route.line])
    assert found.count("CN") > 100
    assert km_outside(route.line, ("RU", "KP")) > 1000


def test_within_russia_and_north_korea_it_takes_the_bam():
    route = rail.rail_route([place("khasan-station"), place("tikhoretsk")], within=["RU", "KP"])
    assert route.track_km == pytest.approx(9752, rel=0.02)
    assert km_outside(route.line, ("RU", "KP")) == pytest.approx(0, abs=1)
    # The BAM runs hundreds of km north of the Trans-Siberian's Chita and Irkutsk.
    assert km_from_line(route.line, place("chita")) > 300
    assert km_from_line(route.line, place("irkutsk")) > 300
    assert km_from_line(route.line, place("novosibirsk")) < 3


def test_via_chita_and_irkutsk_it_follows_the_trans_siberian_inside_russia():
    points = [place("khasan-station"), place("chita"), place("irkutsk"), place("tikhoretsk")]
    route = rail.rail_route(points, within=["RU"])
    assert route.track_km == pytest.approx(9987, rel=0.02)
    # The drawn line straightens bends between nodes: a few per cent shorter than the track.
    assert 0.93 * route.track_km < drawn_km(route.line) < route.track_km
    assert km_outside(route.line, ("RU",)) == pytest.approx(0, abs=1)
    for city in ("ussuriysk", "chita", "irkutsk", "novosibirsk"):
        assert km_from_line(route.line, place(city)) < 3, city
    # Khabarovsk's point is the city centre (data/places.yaml); the nearest track is 3.7 km away.
    assert km_from_line(route.line, place("khabarovsk")) < 4
    assert route.line[0] == place("khasan-station") and route.line[-1] == place("tikhoretsk")


def test_tumangang_to_khasan_crosses_the_friendship_bridge():
    line = rail.rail_path([place("tumangang-rail"), place("khasan-station")], within=["KP", "RU"])
    assert line[0] == place("tumangang-rail") and line[-1] == place("khasan-station")
    assert countries.country_at(*line[1]) == "KP"
    assert countries.country_at(*line[-2]) == "RU"
    assert km_from_line(line, place("friendship-bridge")) < 1
    assert drawn_km(line) < 8


def test_rajin_reaches_khasan_inside_north_korea_and_russia():
    route = rail.rail_route([place("rajin-port"), place("khasan-station")], within=["KP", "RU"])
    assert 40 < route.track_km < 70
    assert km_outside(route.line, ("KP", "RU")) == pytest.approx(0, abs=1)


def test_a_point_far_from_any_railway_is_refused_with_its_distance():
    with pytest.raises(rail.NoRailPath) as refused:
        rail.rail_path([(40.0, 135.0), place("khasan-station")])  # the Sea of Japan
    assert refused.value.reason == "the point 40.00, 135.00 is 343 km from the nearest railway"
    with pytest.raises(rail.NoRailPath, match=r"^the point 52.03, 113.50 is \d+ km from the nearest railway within KP$"):
        rail.rail_path([place("chita"), place("rajin-port")], within=["KP"])


def test_points_no_track_joins_are_refused():
    kaliningrad = (54.71, 20.51)  # Russian, but reached by rail only through Lithuania or Belarus
    rail.snap(kaliningrad, ("RU",))
    with pytest.raises(rail.NoRailPath) as refused:
        rail.rail_path([place("khasan-station"), kaliningrad], within=["RU"])
    assert refused.value.reason == "no railway connects 42.43, 130.64 and 54.71, 20.51 within RU"


def test_a_station_beside_a_long_straight_track_snaps_onto_the_track():
    # Tumangang lies beside a 7.9 km edge of the network; its nearest node is 3.4 km away.
    found = rail.snap(place("tumangang-rail"), ("KP", "RU"))
    assert found.off_km < 0.5 and 0 < found.share < 1


def test_routes_are_deterministic_and_rounded():
    points = [place("rajin-port"), place("tumangang-rail"), place("khasan-station")]
    first = rail.rail_path(points, within=["RU", "KP"])
    rail.usable.cache_clear()
    again = rail.rail_path(points, within=["KP", "RU"])
    assert first == again
    assert all(round(lat, 6) == lat and round(lon, 6) == lon for lat, lon in first)
    assert all(a != b for a, b in zip(first, first[1:]))
    assert all(abs(a[1] - b[1]) <= 180 for a, b in zip(first, first[1:]))


def test_the_data_version_names_the_file_and_the_algorithm():
    digest, _, algorithm = rail.DATA_VERSION.partition("-")
    assert len(digest) == 12 and algorithm == str(rail.ALGORITHM)
    assert "OpenStreetMap" in rail.CREDIT


def test_a_point_beside_a_piece_that_joins_nothing_snaps_onto_the_network():
    # Makhachkala's port: the nearest track is a stretch of sidings that joins nothing else.
    port = (42.98, 47.51)
    line = rail.rail_path([port, place("tikhoretsk")], ["RU"])
    assert line[0] == port and line[-1] == place("tikhoretsk")
    assert 500 < drawn_km(line) < 900
    assert rail.shared_piece([port, place("tikhoretsk")], ("RU",)) is not None
