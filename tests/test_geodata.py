"""Stage 3, geodata: route files through geopandas, EPSG:4326, and the 180th meridian."""
from __future__ import annotations

import json

import geopandas
import pytest
from shapely.geometry import LineString, Point

from storymap.geo import routes
from storymap.errors import Problems


def test_unwrap_keeps_a_line_continuous_across_the_meridian():
    assert routes.unwrap([(60, 170), (62, -175), (64, -160)]) == [(60, 170), (62, 185), (64, 200)]
    assert routes.unwrap([(0, -170), (0, 175)]) == [(0, -170), (0, -185)]


def test_split_at_antimeridian_eastward():
    parts = routes.split_at_antimeridian([(60, 170), (62, 190)])
    assert parts == [[(60, 170), (61.0, 180)], [(61.0, -180), (62, -170)]]


def test_split_at_antimeridian_westward():
    parts = routes.split_at_antimeridian([(0, -170), (10, -190)])
    assert parts == [[(0, -170), (5.0, -180)], [(5.0, 180), (10, 170)]]


def test_a_line_that_does_not_cross_is_one_part():
    assert routes.split_at_antimeridian([(1, 10), (2, 20)]) == [[(1, 10), (2, 20)]]


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
