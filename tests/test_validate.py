"""Stage 2, validate: every bad-file case of the spec has its own message, with a position.

Each test writes a small project and checks the problems `check` collects.
"""
from __future__ import annotations

import pytest

from storymap import pipeline
from storymap.model import PartialDate

from .conftest import EVENT_YAML, STORY_YAML


def problems_of(project):
    result = pipeline.check(project.stories, project.data)
    return result.problems.sorted(), result


def only_problem(project):
    problems, _ = problems_of(project)
    assert len(problems) == 1, [p.as_text() for p in problems]
    return problems[0]


def event_project(project, event_text: str, name: str = "e.yaml"):
    project.places()
    project.story(events={name: event_text})
    return project


def test_a_valid_story_has_no_problems(project):
    event_project(project, EVENT_YAML)
    problems, result = problems_of(project)
    assert problems == []
    (model,) = result.models
    (timed,) = model.events
    assert timed.event.id == "e"
    assert timed.event.when.start == PartialDate(2023, 10, 5)
    assert timed.event.confidence == "moderate" and timed.event.kind == "observation"


def test_unknown_key_with_did_you_mean(project):
    event_project(project, EVENT_YAML + "descripton: typo\n")
    problem = only_problem(project)
    assert problem.message == "unknown key 'descripton' in event"
    assert problem.hint == "did you mean 'description'?"
    assert (problem.mark.path, problem.mark.line, problem.mark.col) == ("stories/test-story/events/e.yaml", 6, 1)


def test_missing_required_key(project):
    event_project(project, "date: 2023-10-05\nsources: [{publisher: X}]\n")
    problem = only_problem(project)
    assert problem.message == "missing required key 'title' in event"
    assert (problem.mark.line, problem.mark.col) == (1, 1)


def test_missing_sources(project):
    event_project(project, "title: T\ndate: 2023-10-05\n")
    assert only_problem(project).message == "missing required key 'sources' in event"


def test_empty_sources_list(project):
    event_project(project, "title: T\ndate: 2023-10-05\nsources: []\n")
    assert "at least 1" in only_problem(project).message


def test_unknown_place_with_did_you_mean(project):
    event_project(project, EVENT_YAML.replace("place: north-port", "place: north-prot"))
    problem = only_problem(project)
    assert problem.message == "unknown place id 'north-prot'"
    assert problem.hint == "did you mean 'north-port'?"
    assert (problem.mark.line, problem.mark.col) == (3, 8)


def test_place_written_by_its_alias_suggests_the_id(project):
    event_project(project, EVENT_YAML.replace("place: north-port", "place: najin"))
    assert only_problem(project).hint == "did you mean 'north-port'?"


def test_latitude_out_of_range_with_swap_hint(project):
    event_project(project, EVENT_YAML.replace("place: north-port", "at: {lat: 130.6, lon: 42.42}"))
    problem = only_problem(project)
    assert problem.message == "latitude 130.6 is outside -90 to 90"
    assert problem.hint == "latitude and longitude look swapped: write lat: 42.42, lon: 130.6"
    assert (problem.mark.line, problem.mark.col) == (3, 11)


def test_longitude_out_of_range(project):
    event_project(project, EVENT_YAML.replace("place: north-port", "at: {lat: 42, lon: 190}"))
    problem = only_problem(project)
    assert problem.message == "longitude 190 is outside -180 to 180"  # as written
    assert problem.hint == ""


def test_coordinates_must_be_decimal(project):
    event_project(project, EVENT_YAML.replace("place: north-port", "at: {lat: 42°25'N, lon: 130.6}"))
    problem = only_problem(project)
    assert problem.message == "expected a number, found '42°25'N'"
    assert "decimal degrees" in problem.hint


@pytest.mark.parametrize("written, hint", [
    ("05/10/2023", "write 2023-10-05 for 5 October 2023, or 2023-05-10 for 10 May 2023: "
                   "the day and the month could be either way round"),
    ("mid-August 2023", "write `date: 2023-08` plus `approximate: true`"),
    ("2023-8-5", "write 2023-08-05 for 5 August 2023"),
    ("October 2023", "write 2023-10 for October 2023"),
    ("last autumn", "write dates as YYYY-MM-DD; for a vague date such as 'mid-August 2023' write "
                    "`date: 2023-08` plus `approximate: true`"),  # nothing to guess: the generic hint
])
def test_date_that_is_not_iso(project, written, hint):
    event_project(project, EVENT_YAML.replace("date: 2023-10-05", f"date: {written}"))
    problem = only_problem(project)
    assert problem.message == f"'{written}' is not an ISO date"
    assert problem.hint == hint
    assert (problem.mark.line, problem.mark.col) == (2, 7)


def test_impossible_calendar_date(project):
    event_project(project, EVENT_YAML.replace("2023-10-05", "2023-02-30"))
    assert only_problem(project).message == "'2023-02-30' is not a real calendar date"


def test_month_and_year_dates_are_accepted(project):
    project.places()
    project.story(events={"a.yaml": EVENT_YAML.replace("2023-10-05", "2023-08") + "approximate: true\n",
                          "b.yaml": EVENT_YAML.replace("2023-10-05", "2023")})
    problems, result = problems_of(project)
    assert problems == []
    starts = {t.event.id: t.event.when.start for t in result.models[0].events}
    assert starts == {"a": PartialDate(2023, 8), "b": PartialDate(2023)}


def test_both_date_and_start(project):
    event_project(project, EVENT_YAML + "start: 2023-10-01\n")
    problem = only_problem(project)
    assert problem.message == "an event has either date or start, not both"
    assert problem.mark.line == 6


def test_end_before_start(project):
    event_project(project, EVENT_YAML.replace("date: 2023-10-05", "start: 2023-10-05\nend: 2023-09-30"))
    problem = only_problem(project)
    assert problem.message == "end 2023-09-30 is before start 2023-10-05"
    assert problem.mark.line == 3


def test_end_in_the_month_of_start_is_fine(project):
    event_project(project, EVENT_YAML.replace("date: 2023-10-05", "start: 2023-10-05\nend: 2023-10"))
    assert problems_of(project)[0] == []


def test_two_kinds_of_where(project):
    event_project(project, EVENT_YAML + "at: {lat: 1, lon: 2}\n")
    problem = only_problem(project)
    assert problem.message == "an event has at most one of place, at and route; this one has place and at"
    assert problem.mark.line == 6


def test_duplicate_event_ids_in_a_story(project):
    project.places()
    project.story(events={"a.yaml": EVENT_YAML + "id: same\n", "b.yaml": EVENT_YAML + "id: same\n"})
    problem = only_problem(project)
    assert problem.message == "duplicate event id 'same' (also used at stories/test-story/events/a.yaml:6)"
    assert problem.mark.path.endswith("b.yaml")


def test_list_files_give_numbered_ids(project):
    project.places()
    indented = "\n".join("  " + line for line in EVENT_YAML.splitlines())
    project.story(events={"batch.yaml": f"-{indented[1:]}\n-{indented[1:]}\n"})
    problems, result = problems_of(project)
    assert problems == []
    assert [t.event.id for t in result.models[0].events] == ["batch-1", "batch-2"]


def test_duplicate_keys(project):
    event_project(project, EVENT_YAML + "title: Again\n")
    problem = only_problem(project)
    assert problem.message == "duplicate key 'title' (first written at line 1)"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/x", "www.example.org"])
def test_non_http_url(project, url):
    event_project(project, EVENT_YAML + f"  - publisher: B\n    url: '{url}'\n")
    problem = only_problem(project)
    assert problem.message == f"'{url}' is not an http(s) address"
    assert problem.mark.line == 7


def test_media_file_that_does_not_exist(project):
    event_project(project, EVENT_YAML + "media:\n  - {src: media/missing.jpg, alt: A photo}\n")
    problem = only_problem(project)
    assert problem.message == "media file 'media/missing.jpg' does not exist in the story folder"
    assert problem.hint == "put the file in stories/test-story/media/ and write src: media/<file name>"


def test_media_outside_the_story_is_refused(project):
    project.write("secret.jpg", b"x")
    event_project(project, EVENT_YAML + "media:\n  - {src: ../../secret.jpg, alt: A photo}\n")
    assert only_problem(project).message == "media file '../../secret.jpg' lies outside the story folder"


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"  # a JPEG's first bytes: what the check looks at


def test_media_without_alt(project):
    project.write("stories/test-story/media/photo.jpg", JPEG)
    event_project(project, EVENT_YAML + "media:\n  - {src: media/photo.jpg}\n")
    problem = only_problem(project)
    assert problem.message == "missing required key 'alt' in media"


def test_media_with_alt_is_fine(project):
    project.write("stories/test-story/media/photo.jpg", JPEG)
    event_project(project, EVENT_YAML + "media:\n  - {src: media/photo.jpg, alt: Railcars, credit: Planet}\n")
    assert problems_of(project)[0] == []


def test_unreadable_non_utf8_event_file(project):
    project.places()
    project.story(events={})
    project.write("stories/test-story/events/bad.yaml", "title: Tikhor\xe9tsk\n".encode("latin-1"))
    problem = only_problem(project)
    assert problem.message.startswith("file is not UTF-8 text")


def test_event_file_that_is_not_a_mapping_or_list(project):
    event_project(project, "just a sentence\n")
    problem = only_problem(project)
    assert problem.message.startswith("an event file must hold a mapping or a list of mappings")


def test_story_that_is_a_list(project):
    project.places()
    project.story(story_yaml="- title: x\n", events={})
    assert only_problem(project).message == "expected a mapping (story), found a list"


def test_field_of_the_wrong_shape(project):
    event_project(project, EVENT_YAML.replace("sources:\n  - publisher: Example News", "sources: Example News"))
    problem = only_problem(project)
    assert problem.message == "expected a list, found the text 'Example News'"
    assert problem.hint == "write each item on its own line as '- publisher: Example News' with its other keys below"


def test_country_no_stays_norway(project):
    project.places("- {id: oslo, name: Oslo, kind: city, lat: 59.91, lon: 10.75, country: NO}\n")
    project.story(events={"e.yaml": EVENT_YAML.replace("north-port", "oslo")})
    problems, result = problems_of(project)
    assert problems == []
    assert result.models[0].places[0].country == "NO"


def test_unknown_country_code(project):
    project.places("- {id: x, name: X, kind: city, lat: 1, lon: 2, country: XX}\n")
    project.story(events={})
    assert only_problem(project).message == "'XX' is not an ISO 3166-1 alpha-2 country code"


def test_unknown_choice_with_did_you_mean(project):
    event_project(project, EVENT_YAML + "confidence: hgih\n")
    problem = only_problem(project)
    assert problem.message == "'hgih' is not one of high, moderate, low"
    assert problem.hint == "did you mean 'high'?"


def test_booleans_are_true_or_false_only(project):
    event_project(project, EVENT_YAML + "approximate: yes\n")
    assert only_problem(project).message == "expected true or false, found 'yes'"


def test_duplicate_place_ids(project):
    project.places(PLACES_DUP := "- {id: a, name: A, kind: city, lat: 1, lon: 2}\n"
                                 "- {id: a, name: B, kind: city, lat: 1, lon: 2}\n")
    project.story(events={})
    problem = only_problem(project)
    assert problem.message == "duplicate place id 'a' (first defined at line 1)"
    assert problem.mark.line == 2 and PLACES_DUP


def test_story_places_override_shared_ones(project):
    project.places()
    story = STORY_YAML + "places:\n  - {id: north-port, name: Local Port, kind: port, lat: 1, lon: 2}\n"
    project.story(story_yaml=story)
    problems, result = problems_of(project)
    assert problems == []
    assert result.models[0].places[0].name == "Local Port"


def test_window_days_without_window_mode(project):
    project.places()
    project.story(story_yaml=STORY_YAML + "timeline: {window_days: 7}\n")
    assert only_problem(project).message == "window_days only applies with mode: window"


def test_unknown_basemap_and_private_basemap(project):
    project.places()
    project.story(story_yaml=STORY_YAML + "map: {basemap: OpenStreetMap.Mapnick}\n")
    problem = only_problem(project)
    assert problem.message == "unknown basemap 'OpenStreetMap.Mapnick'"
    assert problem.hint == "did you mean 'OpenStreetMap.Mapnik'?"


def test_basemap_that_needs_a_key(project):
    project.places()
    project.story(story_yaml=STORY_YAML + "map: {basemap: Thunderforest.OpenCycleMap}\n")
    assert "needs a private API key" in only_problem(project).message


def test_route_needs_via_or_geometry(project):
    event_project(project, EVENT_YAML.replace("place: north-port", "route: {mode: sea}"))
    assert only_problem(project).message.startswith("a route needs either via")


def test_unknown_route_file(project):
    project.write("data/routes/east-line.geojson", "{}")
    event_project(project, EVENT_YAML.replace("place: north-port", "route: {mode: rail, geometry: east-lines}"))
    problem = only_problem(project)
    assert problem.message == "no route file 'east-lines' in data/routes"
    assert problem.hint == "did you mean 'east-line'?"


def test_route_via_unknown_place(project):
    event_project(project, EVENT_YAML.replace("place: north-port", "route: {mode: sea, via: [north-port, nowhere]}"))
    assert only_problem(project).message == "unknown place id 'nowhere'"


def test_every_problem_in_every_file_is_reported(project):
    project.places()
    project.story(events={
        "a.yaml": EVENT_YAML.replace("2023-10-05", "yesterday"),
        "b.yaml": EVENT_YAML.replace("north-port", "nowhere") + "colour: red\n",
        "c.yaml": "title: [unclosed\n",
    })
    project.story("other-story", story_yaml="title: Other\nsummary: S\npublished: 2023-13-01\n", events={})
    problems, _ = problems_of(project)
    assert [(p.mark.path.rsplit("/", 1)[-1], p.mark.line) for p in problems] == [
        ("story.yaml", 3), ("a.yaml", 2), ("b.yaml", 3), ("b.yaml", 6), ("c.yaml", 2)]


def test_title_too_long(project):
    event_project(project, EVENT_YAML.replace("Something happened", "x" * 201))
    assert only_problem(project).message == "text is too long (201 characters; at most 200)"


def test_drafts_are_not_built(project):
    project.places()
    project.story()
    project.story("_draft", events={"e.yaml": "broken: [\n"})
    problems, result = problems_of(project)
    assert problems == [] and [m.story.id for m in result.models] == ["test-story"]


def test_story_folder_without_story_yaml(project):
    project.write("stories/lost/events/e.yaml", EVENT_YAML)
    problem = only_problem(project)
    assert problem.message == "story folder has no story.yaml"


def test_invalid_story_folder_name(project):
    project.places()
    project.story("Bad Name")
    assert "is not a valid story id" in only_problem(project).message


# --- routes, version 2: path, within, approximate, river ---------------------------------

def route_event(route: str):
    """The event with this route, read alone (no places or route files to look up), and its problems."""
    from storymap.errors import Problems
    from storymap.source import validate, yamlio
    from storymap.source.fields import Context

    problems = Problems()
    text = EVENT_YAML.replace("place: north-port", route)
    node = yamlio.parse(text, "e.yaml", problems)
    event = validate.EVENT.read(node, Context(problems, default_id="e"))
    return event, problems.sorted()


@pytest.mark.parametrize("mode, path", [("sea", "auto"), ("rail", "auto"), ("air", "auto"),
                                        ("road", "straight"), ("river", "straight")])
def test_a_via_route_gets_the_path_of_its_mode(mode, path):
    event, problems = route_event(f"route: {{mode: {mode}, via: [a, b]}}")
    assert problems == []
    assert (event.route.mode, event.route.path, event.route.approximate, event.route.within) == (mode, path, False, ())


def test_route_keys_as_written_and_the_route_mark():
    event, problems = route_event("route:\n  mode: rail\n  via: [khasan, tikhoretsk]\n  within: [RU, NO, KP]\n"
                                  "  approximate: true")
    assert problems == []
    route = event.route
    assert route.within == ("RU", "NO", "KP")  # a bare NO is Norway, never false
    assert route.path == "auto" and route.approximate is True
    assert (route.mark.path, route.mark.line, route.mark.col) == ("e.yaml", 4, 3)
    event, problems = route_event("route: {mode: sea, via: [a, b], path: straight}")
    assert problems == [] and event.route.path == "straight"


def test_a_route_file_has_path_file_and_may_be_approximate():
    event, problems = route_event("route: {mode: rail, geometry: east-line, approximate: true}")
    assert problems == []
    assert (event.route.path, event.route.approximate, event.route.geometry) == ("file", True, "east-line")


@pytest.mark.parametrize("route, message, hint", [
    ("route: {mode: air, via: [a, b], path: straight}",
     "an air route is always drawn along great circles; path: straight does not apply",
     "remove path: straight; add via points to make the line bend where the flight did"),
    ("route: {mode: road, via: [a, b], path: auto}",
     "path: auto is not available for road routes: no road network ships with the project",
     "remove path: auto; a road route is drawn straight between its via points, so add points where it turns"),
    ("route: {mode: sea, geometry: line, path: auto}",
     "path does not apply to a route file: its line is drawn as the file has it",
     "remove path:, or replace geometry: with via: to have the line computed"),
    ("route: {mode: sea, via: [a, b], within: [RU]}",
     "within only applies to rail routes with path: auto",
     "remove within:, or write mode: rail without path: straight"),
    ("route: {mode: rail, via: [a, b], path: straight, within: [RU]}",
     "within only applies to rail routes with path: auto", None),
    ("route: {mode: rail, via: [a, b], within: [RU, XX]}",
     "'XX' is not an ISO 3166-1 alpha-2 country code", "write two capital letters, e.g. KP, RU, NO"),
    ("route: {mode: rail, via: [a, b], within: [ru]}",
     "'ru' is not an ISO 3166-1 alpha-2 country code", None),
    ("route: {mode: rail, via: [a, b], within: []}", "the list needs at least 1 item(s)", None),
    ("route: {mode: sea, via: [a, b], path: curved}", "'curved' is not one of auto, straight", None),
    ("route: {mode: sea, via: [a, b], approximate: maybe}", "expected true or false, found 'maybe'", None),
])
def test_route_keys_that_do_not_fit(route, message, hint):
    event, problems = route_event(route)
    assert [p.message for p in problems] == [message]
    if hint is not None:
        assert problems[0].hint == hint
    assert (problems[0].mark.line, problems[0].mark.col > len("route: {")) == (3, True)  # at the key's value


def test_river_routes_build(project):
    event_project(project, EVENT_YAML.replace("place: north-port", "route: {mode: river, via: [north-port, east-depot]}"))
    problems, result = problems_of(project)
    assert problems == []
    geometry = result.models[0].events[0].geometry
    assert (geometry.mode, geometry.path) == ("river", "straight") and geometry.length_km > 5000
