"""Downloads: data.geojson (RFC 7946), events.csv, data.kml; feed.xml and oembed.json."""
from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest

from storymap.render import exports, feeds
from storymap import pipeline

from .conftest import EVENT_YAML, FIXTURES, STORY_YAML

TINY = FIXTURES / "tiny"


@pytest.fixture(scope="module")
def tiny_model():
    return pipeline.check(TINY / "stories", TINY / "data").models[0]


def test_geojson_has_places_and_located_events(tiny_model):
    collection = json.loads(exports.data_geojson(tiny_model))
    props = [f["properties"] for f in collection["features"]]
    assert [(p["feature"], p["id"]) for p in props] == [
        ("place", "north-port"), ("place", "south-pier"),
        ("event", "arrival"), ("event", "rail-leg"), ("event", "sea-leg")]
    arrival = props[2]
    assert arrival == {"id": "arrival", "feature": "event", "title": "Ship arrives at North Port",
                       "kind": "shipment", "date": "2023-09-01", "approximate": False, "confidence": "high",
                       "sources": [{"publisher": "Example News", "title": "Ship arrives",
                                    "url": "https://example.org/report", "date": "2023-09-02"}],
                       "place": "north-port"}
    assert props[4]["start"] == "2023-09-03" and props[4]["end"] == "2023-09-20" and props[4]["approximate"]
    assert collection["features"][2]["geometry"] == {"type": "Point", "coordinates": [130.29, 42.25]}


def test_route_across_the_180th_meridian_is_split_in_geojson_and_kml(project):
    project.places("- {id: anadyr, name: Anadyr, kind: port, lat: 64.73, lon: 177.5}\n"
                   "- {id: nome, name: Nome, kind: port, lat: 64.5, lon: -165.4}\n")
    project.story(events={"e.yaml": EVENT_YAML.replace("place: north-port", "route: {mode: sea, path: straight, via: [anadyr, nome]}")})
    model = pipeline.check(project.stories, project.data).models[0]
    (timed,) = model.events
    assert timed.geometry.points == ((64.73, 177.5), (64.5, 194.6))  # continuous on the map
    geometry = json.loads(exports.data_geojson(model))["features"][-1]["geometry"]
    assert geometry["type"] == "MultiLineString"
    (west, east) = geometry["coordinates"]
    assert west[0] == [177.5, 64.73] and west[-1][0] == 180 and east[0][0] == -180 and east[-1] == [-165.4, 64.5]
    assert west[-1][1] == east[0][1]
    kml = ET.fromstring(exports.data_kml(model))
    assert len(kml.findall(".//{http://www.opengis.net/kml/2.2}LineString")) == 2


def test_csv_one_row_per_event_with_formula_guard(project):
    project.places()
    project.story(events={"a.yaml": EVENT_YAML.replace("Something happened", "=HYPERLINK(\"x\")")
                          + "  - publisher: Second Source\n    url: https://b.org\ntags: [rail, sat]\n",
                          "b.yaml": "title: Placeless\ndate: 2023-10\napproximate: true\nsources: [{publisher: P}]\n"})
    model = pipeline.check(project.stories, project.data).models[0]
    data = exports.events_csv(model)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["id"] for r in rows] == ["b", "a"]  # timeline order: October, then 5 October
    assert rows[0]["date"] == "2023-10" and rows[0]["approximate"] == "true" and rows[0]["lat"] == ""
    a = rows[1]
    assert a["title"] == "'=HYPERLINK(\"x\")"
    assert a["lat"] == "42.25" and a["lon"] == "130.29" and a["place"] == "north-port"
    # each source its own columns, up to the most sources an event has; none stacked in one cell
    assert (a["source_1_publisher"], a["source_1_url"]) == ("Example News", "")
    assert (a["source_2_publisher"], a["source_2_url"]) == ("Second Source", "https://b.org")
    assert (rows[0]["source_1_publisher"], rows[0]["source_2_publisher"]) == ("P", "")
    assert not any("\n" in cell for row in rows for name, cell in row.items() if name.startswith("source_"))
    assert a["tags"] == "rail;sat"
    assert list(rows[0]) == [*exports.CSV_COLUMNS, "source_1_publisher", "source_1_title", "source_1_url",
                             "source_1_date", "source_1_archive", "source_2_publisher", "source_2_title",
                             "source_2_url", "source_2_date", "source_2_archive"]


def test_kml_is_well_formed_with_times(tiny_model):
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    kml = ET.fromstring(exports.data_kml(tiny_model))
    marks = kml.findall(".//k:Placemark", ns)
    assert [m.get("id") for m in marks] == ["place-north-port", "place-south-pier", "event-arrival",
                                            "event-rail-leg", "event-sea-leg"]
    assert kml.find(".//k:Placemark[@id='event-arrival']/k:TimeStamp/k:when", ns).text == "2023-09-01"
    assert kml.find(".//k:Placemark[@id='event-sea-leg']/k:TimeSpan/k:end", ns).text == "2023-09-20"


def test_atom_feed_has_one_entry_per_story_updated_by_corrections(tiny_model):
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.fromstring(feeds.atom_feed([tiny_model], "Story maps", "https://maps.example.org"))
    (entry,) = feed.findall(f"{atom}entry")
    assert entry.find(f"{atom}title").text == "A tiny story"
    assert entry.find(f"{atom}updated").text == "2023-10-20T00:00:00Z"
    assert entry.find(f"{atom}link").get("href") == "https://maps.example.org/tiny-story/"
    assert "An earlier version gave the wrong day" in entry.find(f"{atom}content").text
    assert feed.find(f"{atom}id").text.startswith("urn:uuid:")


def test_oembed_is_rich_with_an_iframe(tiny_model):
    document = json.loads(feeds.oembed(tiny_model, "Story maps", "https://maps.example.org"))
    assert document["type"] == "rich" and document["version"] == "1.0"
    assert '<iframe src="https://maps.example.org/tiny-story/embed.html"' in document["html"]
    relative = json.loads(feeds.oembed(tiny_model, "Story maps", None))
    assert 'src="embed.html"' in relative["html"]


def test_story_with_no_events_still_builds(project):
    project.story(story_yaml=STORY_YAML, events={})
    result = pipeline.build(project.stories, project.data, project.out)
    assert not result.problems
    assert (project.out / "test-story" / "index.html").exists()


def routes_model(project):
    """A road sketched through a point (straight, approximate), a flight (great circles) and no route."""
    project.places()
    project.story(events={
        "road.yaml": EVENT_YAML.replace("place: north-port", "route: {mode: road, via: [north-port, {lat: 44.0, "
                                        "lon: 100.0}, east-depot], approximate: true}"),
        "flight.yaml": EVENT_YAML.replace("place: north-port", "route: {mode: air, via: [north-port, east-depot]}")
                                 .replace("2023-10-05", "2023-10-06"),
    })
    return pipeline.check(project.stories, project.data).models[0]


def test_routes_carry_mode_path_and_length_in_geojson(project, tiny_model):
    from storymap.geo.length import length_km

    model = routes_model(project)
    road, flight = (t.geometry for t in model.events)
    assert (road.path, road.approximate, len(road.points)) == ("straight", True, 3)
    assert (flight.path, flight.approximate) == ("auto", False) and len(flight.points) > 40  # great circles
    assert flight.length_km == round(length_km(flight.points), 1) and 5000 < flight.length_km < road.length_km
    props = {f["properties"]["id"]: f["properties"] for f in json.loads(exports.data_geojson(model))["features"]}
    assert {k: props["road"][k] for k in ("mode", "path", "length_km", "route_approximate")} == {
        "mode": "road", "path": "straight", "length_km": road.length_km, "route_approximate": True}
    assert (props["flight"]["mode"], props["flight"]["path"]) == ("air", "auto")
    assert "mode" not in props["north-port"] and "length_km" not in props["north-port"]
    tiny = {f["properties"]["id"]: f["properties"] for f in json.loads(exports.data_geojson(tiny_model))["features"]}
    assert (tiny["rail-leg"]["path"], tiny["rail-leg"]["route_approximate"]) == ("file", True)  # marked in the file
    assert tiny["rail-leg"]["length_km"] > 6000


def test_routes_carry_path_and_length_in_csv_and_kml(project):
    model = routes_model(project)
    road = model.events[0].geometry
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(exports.events_csv(model).decode("utf-8-sig")))}
    assert (rows["road"]["route_mode"], rows["road"]["route_path"], rows["road"]["length_km"]) == (
        "road", "straight", f"{road.length_km:.1f}")
    assert rows["flight"]["route_path"] == "auto"
    assert (rows["road"]["route_via"], rows["road"]["route_approximate"]) == ("north-port; 44, 100; east-depot", "true")
    assert (rows["flight"]["route_via"], rows["flight"]["route_geometry"], rows["road"]["lat"]) == (
        "north-port; east-depot", "", "")
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    kml = ET.fromstring(exports.data_kml(model))
    data = {d.get("name"): d.find("k:value", ns).text
            for d in kml.findall(".//k:Placemark[@id='event-road']/k:ExtendedData/k:Data", ns)}
    assert data == {"mode": "road", "path": "straight", "length_km": str(road.length_km)}
    description = kml.find(".//k:Placemark[@id='event-road']/k:description", ns).text
    assert description.splitlines()[2].startswith("about ") and description.splitlines()[2].endswith(" km by road")
    # KML 2.2 orders a Placemark's children: ExtendedData after styleUrl, before the geometry.
    children = [c.tag.split("}")[1] for c in kml.find(".//k:Placemark[@id='event-road']", ns)]
    assert children.index("styleUrl") < children.index("ExtendedData") < children.index("LineString")


def test_page_data_draws_an_approximate_via_route_as_a_band(project):
    from storymap.render import pagedata

    from .pagedata_reading import decoded

    model = routes_model(project)
    road, flight = decoded(pagedata.page_data(model))["routes"]
    assert (road["mode"], road["approximate"]) == ("road", True)
    assert "lengthKm" not in road  # the list says it; the script never needs it
    assert (flight["approximate"], len(flight["path"])) == (False, len(model.events[1].geometry.points))
