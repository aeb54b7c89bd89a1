"""The page data's compact encoding (storymap/render/pagedata.py): places named by their index in
route lines, one line for the routes that share it, points and routes in event order; and what it
decodes to (tests/pagedata_reading.py, as the page script does in static/js/pagedata.js)."""
from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from storymap import pipeline
from storymap.render import pagedata
from storymap.source.fields import ID_PATTERN

from .conftest import EVENT_YAML
from .pagedata_reading import decoded

ROUTE_FILE = {"type": "Feature", "properties": {},
              "geometry": {"type": "LineString", "coordinates": [[130.29, 42.25], [104.123456, 52.2], [40.04, 45.89]]}}


def event(day: int, where: str) -> str:
    return EVENT_YAML.replace("2023-10-05", f"2023-10-{day:02}").replace("place: north-port", where)


def mixed_model(project):
    """In event order: a place, a road through a place and a point, a point, two events along one
    route file (a line that starts and ends at places), an event not on the map, the road again."""
    project.places()
    project.write("data/routes/north-east.geojson", json.dumps(ROUTE_FILE))
    road = "route: {mode: road, path: straight, via: [north-port, {lat: 44.123456, lon: 100.0}, east-depot]}"
    project.story(events={
        "a.yaml": event(1, "place: east-depot"),
        "b.yaml": event(2, road),
        "c.yaml": event(3, "at: {lat: 50.5, lon: 60.25}"),
        "d.yaml": event(4, "route: {mode: rail, geometry: north-east}"),
        "e.yaml": event(5, "route: {mode: rail, geometry: north-east, approximate: true}")
                  .replace("date: 2023-10-05", "start: 2023-10-05\nend: 2023-10-09"),
        "f.yaml": event(6, "place: north-port").replace("place: north-port\n", ""),
        "g.yaml": event(7, road),
    })
    result = pipeline.check(project.stories, project.data)
    assert not result.problems, [p.as_text() for p in result.problems]
    return result.models[0]


def test_routes_name_their_places_and_share_a_line(project):
    model = mixed_model(project)
    data = pagedata.page_data(model)
    place_ids = [place.id for place in model.places]  # the page's places are the model's, in order
    north, east = place_ids.index("north-port"), place_ids.index("east-depot")
    assert data["events"]["geo"] == "1323303"  # a place, routes, a point, an event not on the map
    assert data["events"]["place"] == [east]
    assert data["events"]["points"] == {"lat": [50.5], "lon": [60.25]}
    # Two lines: the road's and the route file's, each written once; their ends are places.
    assert data["paths"]["vertices"] == [north, pagedata.NEXT, east, north, pagedata.NEXT, east]
    assert data["paths"]["sizes"] == [3, 3]
    assert data["paths"]["lat"] == [44.12346, 52.2] and data["paths"]["lon"] == [100.0, 104.12346]
    road, rail = str(data["modes"].index("road")), str(data["modes"].index("rail"))
    assert data["routes"] == {"mode": road + rail + rail + road, "approximate": "0010",
                              "path": [pagedata.NEXT, pagedata.NEXT, 1, 0]}
    assert data["events"]["kind"] == "0" * 7 and data["events"]["span"] == "0000100"


def test_the_page_data_decodes_to_every_events_place_point_and_line(project):
    model = mixed_model(project)
    data = decoded(json.loads(pagedata.script_json(pagedata.page_data(model))))
    places, events = data["places"], data["events"]
    assert events["id"] == [timed.event.id for timed in model.events]
    for n, timed in enumerate(model.events):
        geo, where = events["geo"][n], timed.geometry
        if where is None:
            assert geo is None
        elif where.is_route:
            route = data["routes"][geo["route"]]
            assert route["path"] == [[round(lat, 5), round(lon, 5)] for lat, lon in where.points]
            assert (route["mode"], route["approximate"]) == (where.mode, bool(where.approximate))
        elif timed.place is not None:
            assert model.places[geo] == timed.place and places["name"][geo] == timed.place.name
        else:
            assert geo == [round(where.points[0][0], 5), round(where.points[0][1], 5)]
    assert [route["path"][0] for route in data["routes"]] == [[42.25, 130.29]] * 4  # north-port's, by reference
    assert events["until"][4] == events["from"][4] + 4  # to the span's end, counted from the start
    assert events["until"][:4] == [None] * 4 and events["span"] == [0, 0, 0, 0, 1, 0, 0]


def test_a_story_without_places_or_routes(project):
    project.places()
    project.story(events={"a.yaml": event(1, "at: {lat: -33.9, lon: 18.4}"),
                          "b.yaml": event(2, "place: north-port").replace("place: north-port\n", "")})
    data = pagedata.page_data(pipeline.check(project.stories, project.data).models[0])
    assert data["places"]["name"] == [] and data["events"]["geo"] == f"{pagedata.POINT}{pagedata.NOWHERE}"
    assert data["routes"] == {"mode": "", "approximate": "", "path": []}
    assert data["paths"] == {"vertices": [], "sizes": [], "lat": [], "lon": []}
    assert decoded(data)["events"]["geo"] == [[-33.9, 18.4], None]


def ids_read_back(written: list[str]) -> list[str]:
    return decoded({"events": {"id": written, "geo": "", "place": [], "points": {"lat": [], "lon": []}, "kind": "",
                               "confidence": "", "span": "", "from": [], "until": []},
                    "places": {"id": [], "lat": [], "lon": []}, "paths": {"sizes": [], "vertices": [], "lat": [], "lon": []},
                    "routes": {"mode": [], "approximate": [], "path": []}, "modes": []})["events"]["id"]


def test_ids_are_written_as_what_they_add_to_the_one_before():
    ids = ["sea-leg-1", "sea-leg-2", "sea-leg-20", "rail", "rail", "r", "rail-2", "a" * 80, "a" * 79 + "b", "0"]
    written = pagedata.shared_start_ids(ids)
    assert written[:6] == ["0sea-leg-1", "82", "90", "0rail", "4", "1"]
    assert written[8] == "z" + "a" * 44 + "b"  # at most 35 shared characters: one base-36 digit
    assert ids_read_back(written) == ids


@given(st.lists(st.from_regex(ID_PATTERN, fullmatch=True), max_size=30))
def test_any_ids_read_back_as_they_were(ids):
    assert ids_read_back(pagedata.shared_start_ids(ids)) == ids


def test_place_names_get_room_the_most_used_first(project):
    # mixed_model: east-depot has an event and is the end of the road (twice) and of the route
    # file's two events; north-port starts all four routes.
    model = mixed_model(project)
    data = pagedata.page_data(model)
    order = [model.places[n].id for n in data["places"]["order"]]
    assert order[:2] == ["east-depot", "north-port"]
    assert sorted(data["places"]["order"]) == list(range(len(model.places)))


def label_order(kinds, lat, lon, event_places=(), lines=()):
    """label_order on page data of places and route lines written as coordinates (one route each)."""
    paths = {"vertices": [pagedata.NEXT] * sum(map(len, lines)), "sizes": [len(line) for line in lines],
             "lat": [p[0] for line in lines for p in line], "lon": [p[1] for line in lines for p in line]}
    places = {"kind": list(kinds), "lat": list(lat), "lon": list(lon)}
    return pagedata.label_order(places, list(event_places), {"path": [pagedata.NEXT] * len(lines)}, paths)


def test_place_names_by_use_then_kind_then_as_written():
    kinds = ["city", "port", "city", "depot", "railhead"]
    lat, lon = [1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 2.0, 3.0, 4.0, 5.0]
    # unused: ports, railheads and depots (styles.json's order) before cities, ties as written
    assert label_order(kinds, lat, lon) == [1, 4, 3, 0, 2]
    # a route's end counts for the place within 0.001 degrees of it, not for one 0.0011 away
    assert label_order(kinds, lat, lon, lines=[[(2.9995, 3.0004), (4.0011, 4.0)]]) == [2, 1, 4, 3, 0]
    # events at a place count once each; the most used first
    assert label_order(kinds, lat, lon, event_places=[0, 0, 3], lines=[[(3.0, 3.0), (3.0, 3.0)]]) == [0, 2, 3, 1, 4]


def test_a_route_end_between_two_places_counts_for_the_first_written():
    # two places 0.0015 degrees apart, an end 0.0008 from each (cells of 0.001 degrees either side)
    assert label_order(["city", "city"], [10.0, 10.0015], [20.0, 20.0], lines=[[(10.0008, 20.0), (0.0, 0.0)]]) == [0, 1]
    assert label_order(["city", "city"], [10.0015, 10.0], [20.0, 20.0], lines=[[(10.0008, 20.0), (0.0, 0.0)]]) == [0, 1]
