"""The example story and the shared data in stories/ and data/ stay valid and honest.

Checks the story builds without problems, covers what it should, cites a
source for every event, that its computed sea routes stay at sea on Natural
Earth's 1:10m land and its rail routes inside the countries they name.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from storymap import pipeline

ROOT = Path(__file__).resolve().parent.parent
STORIES = ROOT / "stories"
DATA = ROOT / "data"
STORY_ID = "nk-russia-munitions-2023"


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


def test_rail_routes_are_computed_inside_their_countries(model):
    from storymap.geo import countries

    rail = [t for t in model.events if t.event.route and t.event.route.mode == "rail"]
    assert {t.event.id for t in rail} >= {"rail-to-tikhoretsk", "border-rail-crossing"}
    for timed in rail:
        route = timed.event.route
        assert route.path == "auto" and route.within and timed.geometry is not None
        assert timed.geometry.length_km
        found = countries.countries_at([lat for lat, _ in timed.geometry.points],
                                       [lon for _, lon in timed.geometry.points])
        outside = [code for code in found if code is not None and code not in route.within]
        assert not outside, f"{timed.event.id} leaves {set(route.within)}: {set(outside)}"
    long_haul = next(t for t in rail if t.event.id == "rail-to-tikhoretsk")
    assert 9_000 < long_haul.geometry.length_km < 10_000 and long_haul.geometry.approximate
    assert model.map_credits and "OpenStreetMap" in model.map_credits[0]


def test_every_event_has_a_source(events):
    for event in events:
        assert event.sources, event.id
        assert all(s.publisher for s in event.sources), event.id


def test_sea_routes_stay_at_sea(model):
    """Measured as drawn against Natural Earth's 1:10m land: nothing over land but the short
    ways from each port (on land at this scale) to the water."""
    from storymap.geo import land
    from storymap.geo.length import length_km

    sea = [t for t in model.events if t.event.route and t.event.route.mode == "sea"]
    assert sea
    for timed in sea:
        points = timed.geometry.points
        assert timed.event.route.path == "auto"
        between_connectors = points[1:-1]
        assert land.km_over_land(between_connectors).km < 0.5, timed.event.id
        assert land.km_over_land(points).km <= length_km(points[:2]) + length_km(points[-2:])
    shuttle = next(t for t in sea if t.event.id == "ship-shuttle")
    assert 180 < shuttle.geometry.length_km < 230


def test_every_place_has_a_comment_above_it():
    lines = (DATA / "places.yaml").read_text(encoding="utf-8").splitlines()
    entries = [i for i, line in enumerate(lines) if re.match(r"^- ", line)]
    assert entries, "no places found in data/places.yaml"
    for index in entries:
        above = lines[index - 1].strip() if index else ""
        assert above.startswith("#"), f"data/places.yaml:{index + 1}: no comment line above '{lines[index]}'"
