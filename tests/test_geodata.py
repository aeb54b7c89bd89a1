"""Stage 3, geodata: route files through geopandas, EPSG:4326, and the 180th meridian."""
from __future__ import annotations

import json

import geopandas
import numpy as np
import pytest
from shapely.geometry import LineString, Point, Polygon

from storymap.geo import antimeridian, routes
from storymap.errors import Problems


def test_unwrap_keeps_a_line_continuous_across_the_meridian():
    assert antimeridian.unwrap([(60, 170), (62, -175), (64, -160)]) == [(60, 170), (62, 185), (64, 200)]
    assert antimeridian.unwrap([(0, -170), (0, 175)]) == [(0, -170), (0, -185)]


def test_split_at_antimeridian_eastward():
    parts = antimeridian.split_at_antimeridian([(60, 170), (62, 190)])
    assert parts == [[(60, 170), (61.0, 180)], [(61.0, -180), (62, -170)]]


def test_split_at_antimeridian_westward():
    parts = antimeridian.split_at_antimeridian([(0, -170), (10, -190)])
    assert parts == [[(0, -170), (5.0, -180)], [(5.0, 180), (10, 170)]]


def test_a_line_that_does_not_cross_is_one_part():
    assert antimeridian.split_at_antimeridian([(1, 10), (2, 20)]) == [[(1, 10), (2, 20)]]


def test_a_step_of_exactly_half_a_turn_is_kept_as_written():
    assert antimeridian.unwrap_longitudes([170, -175, 5]) == [170, 185, 365]  # 180 from -175, as written
    assert antimeridian.unwrap_longitudes([-90, 90]) == [-90, 90]


# Fiji's shape in world-atlas: a ring whose longitudes jump from 179 to -179 and back.
ACROSS = [(179.0, -16.0), (-179.0, -16.0), (-179.0, -17.0), (179.0, -17.0), (179.0, -16.0)]
# Antarctica's: a ring round the south pole, from -180 to 180 and back to its start.
ROUND_THE_POLE = [(-180.0, -70.0), (-60.0, -75.0), (60.0, -70.0), (180.0, -72.0), (-180.0, -70.0)]


def test_lines_and_rings_unwrap_alike():
    ring = antimeridian.unwrap_ring(np.array(ACROSS))
    line = antimeridian.unwrap([(lat, lon) for lon, lat in ACROSS])
    assert ring[:, 0].tolist() == [lon for _, lon in line] == [179, 181, 181, 179, 179]
    assert ring[:, 1].tolist() == [lat for _, lat in ACROSS]


def test_a_ring_round_a_pole_is_closed_along_the_pole():
    ring = antimeridian.unwrap_ring(np.array(ROUND_THE_POLE))
    assert ring[:5, 0].tolist() == [-180, -60, 60, 180, 180]  # the last step, 180 to -180, is none
    assert ring[5:].tolist() == [[180, -90], [-180, -90], [-180, -70]]


def test_a_polygon_across_the_meridian_is_cut_in_two():
    pieces = antimeridian.split_polygons(np.array([Polygon(ACROSS)], dtype=object))
    assert sorted(piece.bounds for piece in pieces) == [(-180, -17, -179, -16), (179, -17, 180, -16)]
    assert sum(piece.area for piece in pieces) == pytest.approx(2.0)


def test_a_polygon_round_a_pole_reaches_the_pole_within_the_world():
    pieces = antimeridian.split_polygons(np.array([Polygon(ROUND_THE_POLE)], dtype=object))
    assert [piece.bounds[0] for piece in pieces] == [-180] and pieces[0].bounds[1:] == (-90, 180, -70)


def test_narrow_polygons_and_other_shapes():
    square, line = Polygon([(10, 10), (11, 10), (11, 11), (10, 10)]), LineString([(0, 0), (1, 1)])
    pieces = antimeridian.split_polygons(np.array([square, line], dtype=object))
    assert list(pieces) == [square]  # polygons only; one that cannot cross is kept as it is


def test_read_route_geojson(tmp_path):
    path = tmp_path / "line.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"approximate": True},
        "geometry": {"type": "LineString", "coordinates": [[130.6, 42.4], [131.9, 43.8]]}}]}))
    problems = Problems()
    line = routes.read_route_file(path, problems)
    assert not problems
    assert line.points == ((42.4, 130.6), (43.8, 131.9)) and line.approximate


def test_route_file_in_another_crs_is_converted(tmp_path):
    frame = geopandas.GeoDataFrame(geometry=[LineString([(130.6, 42.4), (131.9, 43.8)])], crs="EPSG:4326")
    path = tmp_path / "line.gpkg"
    frame.to_crs("EPSG:3857").to_file(path, driver="GPKG")
    line = routes.read_route_file(path, Problems())
    assert line.points[0] == pytest.approx((42.4, 130.6), abs=1e-6)


def test_route_file_with_points_is_a_problem(tmp_path):
    path = tmp_path / "points.geojson"
    geopandas.GeoDataFrame(geometry=[Point(1, 2)], crs="EPSG:4326").to_file(path, driver="GeoJSON")
    problems = Problems()
    assert routes.read_route_file(path, problems) is None
    assert problems.items[0].message == "route file holds a Point; a route must be a line"


def test_unreadable_route_file(tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text("{not json")
    problems = Problems()
    assert routes.read_route_file(path, problems) is None
    assert problems.items[0].message == ("cannot read route file: it is not valid JSON: "
                                         "Expecting property name enclosed in double quotes at line 1, column 2")


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_route_file_without_crs(tmp_path):
    frame = geopandas.GeoDataFrame(geometry=[LineString([(0, 0), (1, 1)])])
    path = tmp_path / "nocrs.shp"
    frame.to_file(path)
    problems = Problems()
    assert routes.read_route_file(path, problems) is None
    assert "no coordinate reference system" in problems.items[0].message


def test_multilinestring_split_at_the_meridian_is_joined(tmp_path):
    path = tmp_path / "split.geojson"
    path.write_text(json.dumps({"type": "Feature", "properties": {}, "geometry": {
        "type": "MultiLineString", "coordinates": [[[170, 60], [180, 61]], [[-180, 61], [-170, 62]]]}}))
    line = routes.read_route_file(path, Problems())
    assert line.points == ((60, 170), (61, 180), (62, 190))


@pytest.mark.parametrize("values, expected", [
    ([None, False], False), ([None, True], True), (["false"], False), (["no"], False), (["true"], True), ([], False),
])
def test_approximate_is_read_from_any_feature_and_only_when_true(tmp_path, values, expected):
    features = [{"type": "Feature", "properties": ({} if v is None else {"approximate": v}),
                 "geometry": {"type": "LineString", "coordinates": [[0, n], [1, n]]}} for n, v in enumerate(values)]
    if not features:
        features = [{"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}}]
    path = tmp_path / "line.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    assert routes.read_route_file(path, Problems()).approximate is expected


def test_route_file_of_one_point_written_twice_is_too_short(tmp_path):
    path = tmp_path / "dot.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {},
        "geometry": {"type": "LineString", "coordinates": [[130.6, 42.4], [130.6, 42.4]]}}]}))
    problems = Problems()
    assert routes.read_route_file(path, problems) is None
    assert [p.code for p in problems.items] == ["route-too-short"]
