"""Computed routes and the geography warnings, end to end: what a journalist writes, what
`check` and the build say, and what the downloads hold.

The engines are tested on their own in test_sea.py and test_rail.py; here they run inside
the pipeline: through the route cache, with problems and warnings at the route's or the
place's own line.
"""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from storymap import pipeline
from storymap.cli import main
from storymap.geo import land, rail, sea

PLACES = """\
- {id: rajin, name: Rajin port, kind: port, lat: 42.2458, lon: 130.2917, country: "KP"}
- {id: dunai, name: Dunai port, kind: port, lat: 42.8811, lon: 132.3464, country: "RU"}
- {id: makhachkala, name: Makhachkala port, kind: port, lat: 42.98, lon: 47.51, country: "RU"}
- {id: khasan, name: Khasan station, kind: railhead, lat: 42.4294, lon: 130.6448, country: "RU"}
- {id: ussuriysk, name: Ussuriysk, kind: city, lat: 43.7971, lon: 131.952, country: "RU"}
"""
SWAPPED = '- {id: amirabad, name: Amirabad port, kind: port, lat: 53.372, lon: 36.857, country: "IR"}\n'


def event(route: str, title: str = "Ships sail") -> str:
    return f"title: {title}\ndate: 2023-10-05\nroute:\n{route}sources:\n  - publisher: Example News\n"


SEA_AUTO = event("  mode: sea\n  via: [rajin, dunai]\n")
SEA_STRAIGHT = event("  mode: sea\n  path: straight\n  via: [{lat: 36.857, lon: 53.372}, makhachkala]\n")
RAIL_WITHIN = event("  mode: rail\n  via: [khasan, ussuriysk]\n  within: [RU]\n", "Trains")
SEA_INLAND = event("  mode: sea\n  via: [rajin, {lat: 50.0, lon: 10.0}]\n")


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def paths(project):
    return ["--stories", str(project.stories), "--data", str(project.data)]


def built_route(project, name: str, text: str) -> dict:
    """Builds a story of one route event and returns its feature in data.geojson."""
    project.places(PLACES)
    project.story(events={name: text})
    result = run(*paths(project), "--out", str(project.out))
    assert result.exit_code == 0, result.output
    features = json.loads((project.out / "test-story" / "data.geojson").read_text())["features"]
    (route,) = [f for f in features if f["properties"].get("mode")]
    return route


def test_a_sea_route_is_computed_at_sea_and_measured(project):
    route = built_route(project, "shuttle.yaml", SEA_AUTO)
    assert route["properties"]["path"] == "auto"
    assert 180 < route["properties"]["length_km"] < 230
    points = [(lat, lon) for lon, lat in route["geometry"]["coordinates"]]
    assert points[0] == (42.2458, 130.2917) and points[-1] == (42.8811, 132.3464)
    assert land.km_over_land(points[1:-1]).km < 0.5
    assert "about 200 km by sea" in (project.out / "test-story" / "index.html").read_text()


def test_a_rail_route_stays_in_its_countries_and_credits_openstreetmap(project):
    route = built_route(project, "train.yaml", RAIL_WITHIN)
    assert route["properties"]["path"] == "auto" and len(route["geometry"]["coordinates"]) > 10
    page = (project.out / "test-story" / "index.html").read_text()
    assert "OpenStreetMap contributors" in page and "ODbL" in page


def test_a_rebuild_with_unchanged_routes_computes_nothing(project, monkeypatch):
    project.places(PLACES)
    project.story(events={"shuttle.yaml": SEA_AUTO, "train.yaml": RAIL_WITHIN})
    first = pipeline.check(project.stories, project.data)
    assert not first.problems

    def must_not_run(*args, **kwargs):
        raise AssertionError("a cached route was computed again")

    monkeypatch.setattr(sea, "sea_path", must_not_run)
    monkeypatch.setattr(rail, "rail_path", must_not_run)
    second = pipeline.check(project.stories, project.data)
    assert not second.problems
    assert [t.geometry for t in second.models[0].events] == [t.geometry for t in first.models[0].events]


def test_a_route_with_no_path_is_a_problem_at_its_line(project):
    project.places(PLACES)
    project.story(events={"lost.yaml": SEA_INLAND})
    result = run("check", *paths(project))
    assert result.exit_code == 1
    assert ("stories/test-story/events/lost.yaml:4:3: no sea path from rajin to 50, 10 "
            "(hint: the point 50, 10 is") in result.output
    assert "from open water" in result.output


def test_a_straight_sea_route_over_land_is_a_warning(project):
    project.places(PLACES)
    project.story(events={"straight.yaml": SEA_STRAIGHT})
    result = run("check", *paths(project))
    assert result.exit_code == 0, result.output
    assert "stories/test-story/events/straight.yaml:4:3: warning: this straight sea route crosses" in result.output
    assert "km of land near 40." in result.output
    strict = run("check", "--strict", *paths(project))
    assert strict.exit_code == 1
    built = run("--strict", *paths(project), "--out", str(project.out))
    assert built.exit_code == 1 and not project.out.exists()


def test_a_computed_sea_route_gives_no_warning(project):
    project.places(PLACES)
    project.story(events={"shuttle.yaml": SEA_AUTO})
    result = run("check", "--strict", *paths(project))
    assert result.exit_code == 0 and "warning" not in result.output


def test_a_place_with_swapped_coordinates_is_a_warning_with_the_swap(project):
    project.places(PLACES + SWAPPED)
    project.story()
    project.write("stories/test-story/events/first.yaml", "title: A\ndate: 2023-10-05\nplace: amirabad\n"
                                                          "sources:\n  - publisher: Example News\n")
    result = run("check", *paths(project))
    assert result.exit_code == 0, result.output
    assert ("data/places.yaml:6:8: warning: amirabad lies 1,622 km outside its country IR "
            "(hint: lat and lon look swapped: lat: 36.857, lon: 53.372 is inside IR)") in result.output
    github = run("check", "--format", "github", *paths(project))
    assert "::warning file=data/places.yaml,line=6,col=8::amirabad lies" in github.output


@pytest.mark.parametrize("route, message", [
    ("  mode: rail\n  via: [khasan, ussuriysk]\n  within: [RU, ZZ]\n", "no borders known for country 'ZZ'"),
    ("  mode: rail\n  via: [khasan, {lat: 40.0, lon: 135.0}]\n",
     "no rail path from khasan to 40, 135 (hint: the point 40.00, 135.00 is 343 km from the nearest railway)"),
])
def test_rail_problems_name_the_route(project, route, message):
    project.places(PLACES)
    project.story(events={"train.yaml": event(route, "Trains")})
    result = run("check", *paths(project))
    assert result.exit_code == 1
    assert f"stories/test-story/events/train.yaml:4:3: {message}" in result.output


def test_the_land_a_port_stands_on_is_not_a_crossing(project):
    """The route of docs/places-and-routes.md's straight example: Rajin station is 3 km
    inland, and nothing else of the line is on land."""
    project.places(PLACES)
    straight = event("  mode: sea\n  path: straight\n  via:\n    - rajin\n    - {lat: 42.18, lon: 130.30}\n"
                     "    - {lat: 42.27, lon: 130.66}\n    - {lat: 42.7, lon: 131.85}\n"
                     "    - {lat: 42.86, lon: 132.375}\n    - dunai\n")
    project.story(events={"straight.yaml": straight})
    result = run("check", "--strict", *paths(project))
    assert result.exit_code == 0, result.output
