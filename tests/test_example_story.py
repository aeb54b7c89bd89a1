"""The example story and the shared data in stories/ and data/ stay valid and honest.

Checks the story builds without problems, covers what it should, cites a
source for every event, and that drawn sea routes stay at sea on Natural
Earth's 1:50m land (data/naturalearth/countries-50m.json).
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from storymap import pipeline
from storymap.model import LatLon

ROOT = Path(__file__).resolve().parent.parent
STORIES = ROOT / "stories"
DATA = ROOT / "data"
STORY_ID = "nk-russia-munitions-2023"
LAND_FILE = DATA / "naturalearth" / "countries-50m.json"


@pytest.fixture(scope="module")
def result():
    return pipeline.check(STORIES, DATA)


@pytest.fixture(scope="module")
def model(result):
    models = {m.story.id: m for m in result.models}
    assert STORY_ID in models, f"story {STORY_ID} was not read: {list(result.problems)}"
    return models[STORY_ID]


@pytest.fixture(scope="module")
def events(model):
    return [timed.event for timed in model.events]


@pytest.fixture(scope="module")
def land():
    """Natural Earth land around the Sea of Japan, as one valid geometry.

    The global land polygon is not valid (self-intersections far from here), so it
    is clipped to the region first, which also keeps the spatial tests fast.
    """
    geopandas = pytest.importorskip("geopandas")
    frame = geopandas.read_file(LAND_FILE, layer="land").set_crs("EPSG:4326")
    return frame.clip((125.0, 35.0, 145.0, 50.0)).geometry.union_all()


def test_check_reports_no_problems(result):
    assert not result.problems, "\n".join(str(p) for p in result.problems)


def test_has_at_least_twelve_events(events):
    assert len(events) >= 12


def test_uses_every_confidence_level(events):
    assert {e.confidence for e in events} == {"high", "moderate", "low"}


def test_summit_at_vostochny_on_13_september(events):
    summits = [e for e in events if e.kind == "meeting" and e.place == "vostochny-cosmodrome"]
    assert summits, "no meeting event at vostochny-cosmodrome"
    assert any(e.when.start.first_day() == dt.date(2023, 9, 13) and e.when.start.precision == "day"
               and not e.when.is_span for e in summits)


def test_has_placeless_event(model):
    placeless = [t for t in model.events if t.geometry is None]
    assert placeless
    assert all(t.event.place is None and t.event.at is None and t.event.route is None for t in placeless)


def test_has_sea_span_route(events):
    assert any(e.route and e.route.mode == "sea" and e.when.is_span for e in events)


def test_rail_route_from_geometry_file_is_approximate(model):
    rail = [t for t in model.events if t.event.route and t.event.route.mode == "rail" and t.event.route.geometry]
    assert rail, "no rail route drawn from a file in data/routes"
    for timed in rail:
        assert (DATA / "routes" / f"{timed.event.route.geometry}.geojson").is_file()
        assert timed.geometry is not None and timed.geometry.approximate
        assert len(timed.geometry.points) >= 2


def test_every_event_has_a_source(events):
    for event in events:
        assert event.sources, event.id
        assert all(s.publisher for s in event.sources), event.id


def test_sea_routes_stay_at_sea(events, land):
    from shapely.geometry import LineString, Point

    sea_routes = [e for e in events if e.route and e.route.mode == "sea" and e.route.via]
    assert sea_routes
    for event in sea_routes:
        # The ends are ports (on land at this scale); everything between must be water.
        interior = [p for p in event.route.via[1:-1] if isinstance(p, LatLon)]
        assert interior, f"{event.id}: a sea route needs waypoints at sea between its ports"
        for point in interior:
            assert not Point(point.lon, point.lat).intersects(land), \
                f"{event.id}: waypoint lat {point.lat}, lon {point.lon} is on land"
        for a, b in zip(interior, interior[1:]):
            segment = LineString([(a.lon, a.lat), (b.lon, b.lat)])
            assert not segment.intersects(land), \
                f"{event.id}: the leg from {a.lat},{a.lon} to {b.lat},{b.lon} crosses land"


def test_every_place_has_a_comment_above_it():
    lines = (DATA / "places.yaml").read_text(encoding="utf-8").splitlines()
    entries = [i for i, line in enumerate(lines) if re.match(r"^- ", line)]
    assert entries, "no places found in data/places.yaml"
    for index in entries:
        above = lines[index - 1].strip() if index else ""
        assert above.startswith("#"), f"data/places.yaml:{index + 1}: no comment line above '{lines[index]}'"
