"""Hostile files in a contributed story: nothing outside the story is read or written, media are
local images, route files are safe (issue 10, "Files")."""
from __future__ import annotations

import hashlib
import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import geopandas
import pytest
from click.testing import CliRunner
from shapely.geometry import LineString

from storymap.source import files
from storymap.geo import routes, routefiles
from storymap import pipeline
from storymap.cli import main
from storymap.console import report
from storymap.errors import Mark, Problems
from storymap.source.fields import RESERVED_STORY_IDS

from .conftest import EVENT_YAML, FIXTURES, REPO

PNG = (FIXTURES / "xss" / "stories" / "xss-story" / "media" / "pixel.png").read_bytes()
TOKEN = "hunter2-token-4f1e"  # stands for a secret in the build's environment


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def run_build_py(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    """build.py in its own process, with a secret in its environment and a time limit (a pipe must not hang it)."""
    env = {**os.environ, "STORYMAP_TEST_SECRET": TOKEN, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


def media_event(src: str) -> str:
    return EVENT_YAML + f"media:\n  - src: {src}\n    alt: A picture\n"


def problems_of(project) -> list:
    return list(pipeline.check(project.stories, project.data).problems)


def only(project):
    found = problems_of(project)
    assert len(found) == 1, [p.as_text() for p in found]
    return found[0]


# --- files read only from inside --stories and --data, and only regular files -----------------

def test_places_credit_linked_to_the_environment_is_not_read(project):
    project.places()
    project.story()
    (project.data / "places-credit.txt").symlink_to("/proc/self/environ")
    result = run_build_py("--out", "site", cwd=project.root)
    assert result.returncode == 1
    assert ("data/places-credit.txt:1:1: file is a link to a place outside data (hint: only files inside data "
            "are read: copy the file there instead of linking to it)") in result.stderr
    assert TOKEN not in result.stderr + result.stdout
    assert not project.out.exists()


def test_event_file_linked_to_etc_passwd_is_neither_read_nor_echoed(project):
    if not Path("/etc/passwd").is_file():
        pytest.skip("no /etc/passwd here")
    project.places()
    project.story()
    (project.stories / "test-story" / "events" / "passwd.yaml").symlink_to("/etc/passwd")
    result = run("check")
    assert result.exit_code == 1
    assert "stories/test-story/events/passwd.yaml:1:1: file is a link to a place outside stories" in result.output
    assert "root:" not in result.output and "/bin/" not in result.output


def test_report_quotes_only_text_the_checks_read(tmp_path, monkeypatch, capsys):
    """A source excerpt comes from what the loader read, never from opening the file again."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "e.yaml").write_text("secret: line on disk\n")
    problems = Problems()
    problems.add(Mark("e.yaml", 1, 1), "unknown-key", key="secret", record="event")
    report(problems)
    assert "line on disk" not in capsys.readouterr().err
    problems.texts["e.yaml"] = "secret: as read\n"
    report(problems)
    assert "    secret: as read\n    ^" in capsys.readouterr().err


def test_a_link_to_a_file_inside_the_same_tree_is_fine(project):
    project.write("data/shared/places.yaml", "- {id: north-port, name: North Port, kind: port, lat: 42.25, lon: 130.29}\n")
    (project.data / "places.yaml").symlink_to("shared/places.yaml")
    project.story(events={})
    project.write("stories/_drafts/first.yaml", EVENT_YAML)
    (project.stories / "test-story" / "events").mkdir()
    (project.stories / "test-story" / "events" / "first.yaml").symlink_to("../../_drafts/first.yaml")
    assert problems_of(project) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_places_yaml_that_is_a_named_pipe_is_refused_without_hanging(project):
    project.story()
    os.mkfifo(project.data / "places.yaml")
    result = run_build_py("check", cwd=project.root, timeout=30)  # the old build waited forever
    assert result.returncode == 1
    assert ("data/places.yaml:1:1: not an ordinary file but a named pipe "
            "(hint: replace it with an ordinary file)") in result.stderr
    assert "Traceback" not in result.stderr


def test_places_yaml_linked_to_dev_zero_is_refused(project):
    project.story()
    (project.data / "places.yaml").symlink_to("/dev/zero")
    result = run_build_py("check", cwd=project.root, timeout=30)  # the old build ran out of memory
    assert result.returncode == 1
    assert "data/places.yaml:1:1: file is a link to a place outside data" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_folder_or_a_broken_link_where_an_event_file_belongs_is_reported(project):
    project.places()
    story = project.story()
    (story / "events" / "folder.yaml").mkdir()
    (story / "events" / "gone.yaml").symlink_to("nowhere.yaml")
    found = {p.mark.path: p.message for p in problems_of(project)}
    assert found == {"stories/test-story/events/folder.yaml": "not an ordinary file but a folder",
                     "stories/test-story/events/gone.yaml": "cannot read file: No such file or directory"}


def test_read_bytes_never_reads_past_the_limit(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"x" * 101)
    with pytest.raises(files.Refusal) as refused:
        files.read_bytes(path, tmp_path, 100)
    assert refused.value.code == "file-too-large" and refused.value.values["size"] == "101"


# --- media: local images only, copied under a name no src chose ---------------------------------

def test_media_through_a_link_and_dot_dot_is_refused_and_nothing_is_written_outside(project):
    """`a` links to a deeper folder of the story, so a/../../../x.png resolves inside the story,
    but the old build wrote the same path, unresolved, outside --out."""
    project.places()
    story = project.story(events={"e.yaml": media_event("a/../../../x.png")})
    (story / "deep" / "er" / "folder").mkdir(parents=True)
    (story / "a").symlink_to("deep/er/folder")
    project.write("stories/test-story/x.png", PNG)
    problem = only(project)
    assert problem.message == "media file 'a/../../../x.png' lies outside the story folder"
    assert (problem.mark.path, problem.mark.line, problem.mark.col) == ("stories/test-story/events/e.yaml", 7, 10)
    result = run("--out", "site")
    assert result.exit_code == 1
    # The old build wrote site/test-story/a/../../../x.png, that is x.png beside site/.
    assert sorted(p.name for p in project.root.iterdir() if not p.name.startswith(".")) == ["data", "stories"]


def test_media_web_address_gets_the_hint_to_keep_a_copy(project):
    project.places()
    project.story(events={"e.yaml": media_event("https://example.org/photo.jpg")})
    problem = only(project)
    assert problem.message == "'https://example.org/photo.jpg' is a web address; media must be files kept with the story"
    assert problem.hint.startswith("keep a copy with the story and credit it")


@pytest.mark.parametrize("name, content", [
    ("index.html", b"<script>alert(document.domain)</script>"),
    ("media/notes.png", b"just text, renamed .png\n"),
    ("media/drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
])
def test_media_that_is_not_an_image_is_refused(project, name, content):
    project.places()
    project.story(events={"e.yaml": media_event(name)})
    project.write(f"stories/test-story/{name}", content)
    assert only(project).message == f"media file '{name}' is not a PNG, JPEG, GIF or WebP image"


@pytest.mark.parametrize("head, ext", [
    (PNG, "png"), (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpg"), (b"GIF89a\x01\x00", "gif"), (b"GIF87a\x01\x00", "gif"),
    (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "webp"), (b"RIFF\x24\x00\x00\x00WAVEfmt ", None), (b"<html>", None),
])
def test_images_are_recognised_by_their_first_bytes(head, ext):
    assert files.image_type(head) == ext


def test_media_are_copied_under_their_content_digest_and_the_page_points_there(project):
    project.places()
    project.story(events={"e.yaml": media_event("media/photo.PNG"),
                          "f.yaml": media_event("media/same.png").replace("title: Something", "title: Other")})
    project.write("stories/test-story/media/photo.PNG", PNG)
    project.write("stories/test-story/media/same.png", PNG)
    result = run("--out", "site")
    assert result.exit_code == 0, result.output
    name = f"media/{hashlib.sha256(PNG).hexdigest()[:16]}.png"
    assert sorted(p.name for p in (project.out / "test-story" / "media").iterdir()) == [name.split("/")[1]]
    assert (project.out / "test-story" / name).read_bytes() == PNG
    page = (project.out / "test-story" / "index.html").read_text("utf-8")
    assert page.count(f'src="{name}"') == 2 and "photo.PNG" not in page


def test_media_over_the_size_limit(project):
    project.places()
    project.story(events={"e.yaml": media_event("media/huge.png")})
    project.write("stories/test-story/media/huge.png", PNG + b"\0" * (files.MAX_MEDIA_BYTES + 1 - len(PNG)))
    assert only(project).message == ("media file 'media/huge.png' is too large (10,485,761 bytes; "
                                     "the limit is 10,485,760)")


def test_media_that_is_a_folder_or_leads_out_of_the_story(project, tmp_path):
    project.places()
    project.story(events={"e.yaml": media_event("media") + "  - {src: media/out.png, alt: Out}\n"})
    (project.stories / "test-story" / "media").mkdir()
    (tmp_path / "elsewhere.png").write_bytes(PNG)
    (project.stories / "test-story" / "media" / "out.png").symlink_to(tmp_path / "elsewhere.png")
    messages = sorted(p.message for p in problems_of(project))
    assert messages == ["media 'media' is not an image file but a folder",
                        "media file 'media/out.png' lies outside the story folder"]


# --- reserved story ids -------------------------------------------------------------------------

def test_a_story_named_like_the_sites_own_files_is_refused(project):
    project.places()
    project.story("assets")
    problem = only(project)
    assert (problem.mark.path, problem.code) == ("stories/assets", "reserved-story-id")
    assert problem.hint == "rename the folder, e.g. assets-story; these names are taken: assets, favicon, feed, index, schema"


def test_new_story_refuses_a_reserved_id(project):
    result = run("new", "story", "assets")
    assert result.exit_code == 2
    assert "Error: 'assets' is a name the build uses for the site's own files" in result.output
    assert not (project.stories / "assets").exists()


def test_every_name_the_build_writes_at_the_top_of_the_site_is_reserved(tmp_path):
    """The list cannot drift from what the build writes: build the example site and look."""
    out = tmp_path / "site"
    result = pipeline.build(REPO / "stories", REPO / "data", out)
    assert not result.problems
    story_ids = {model.story.id for model in result.models}
    top = {p.name for p in out.iterdir()} - story_ids
    stems = {name.split(".")[0] for name in top if not name.startswith(".")}  # dot names cannot be ids
    assert stems and stems <= RESERVED_STORY_IDS, stems - RESERVED_STORY_IDS
    assert {name.split("/")[0].split(".")[0] for name in result.files} - story_ids <= RESERVED_STORY_IDS


# --- route files --------------------------------------------------------------------------------

ROUTE_EVENT = EVENT_YAML.replace("place: north-port\n", "route: {mode: rail, geometry: line}\n")
LINE = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
        "geometry": {"type": "LineString", "coordinates": [[130.6, 42.4], [131.9, 43.8]]}}]}
SECRET_CSV = 'WKT,name\n"LINESTRING (1 1, 2 2)",TOPSECRET\n'
# A VRT layer over a local CSV: the old build drew the CSV's line (and would draw any file's numbers).
VRT = """<OGRVRTDataSource><OGRVRTLayer name="secret"><SrcDataSource>{source}</SrcDataSource>
<LayerSRS>EPSG:4326</LayerSRS><GeometryField encoding="WKT" field="WKT"/></OGRVRTLayer></OGRVRTDataSource>"""


def route_project(project, name: str, content: str | bytes):
    project.places()
    project.story(events={"e.yaml": ROUTE_EVENT})
    return project.write(f"data/routes/{name}", content)


class CountingServer:
    """A local web server that counts the requests it gets: a route file must make none."""

    def __init__(self):
        self.requests: list[str] = []
        seen = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the standard library's name)
                seen.append(self.path)
                self.send_response(404)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def web():
    server = CountingServer()
    yield server
    server.close()


def test_a_vrt_pulling_a_local_csv_is_refused(project):
    project.write("data/secret.csv", SECRET_CSV)
    route_project(project, "line.vrt", VRT.format(source=project.data / "secret.csv"))
    result = run("check")
    assert result.exit_code == 1
    assert ("data/routes/line.vrt:1:1: 'line.vrt' is not in a format the build reads route lines from (hint: save "
            "the line as GeoJSON (.geojson or .json), GeoPackage (.gpkg), KML (.kml), Shapefile (.shp), GPX (.gpx) "
            "or FlatGeobuf (.fgb))") in result.output


def test_a_vrt_renamed_geojson_is_refused(project):
    project.write("data/secret.csv", SECRET_CSV)
    route_project(project, "line.geojson", VRT.format(source=project.data / "secret.csv"))
    assert only(project).message == "route file does not hold GeoJSON, as its extension says"


def test_a_csv_in_routes_is_refused_even_when_no_event_uses_it(project):
    project.places()
    project.story()
    project.write("data/routes/ports.csv", "a,b\n1,2\n")
    for companion in ("line.dbf", "line.shx", "line.prj", "line.shp.xml", "line.geojson.aux.xml", "README.md"):
        project.write(f"data/routes/{companion}", "")  # parts, metadata and notes are no route files
    assert [(p.mark.path, p.code) for p in problems_of(project)] == [("data/routes/ports.csv", "route-format")]


@pytest.mark.parametrize("crs", [
    lambda url: {"type": "name", "properties": {"name": f"/vsicurl/{url}/crs.wkt"}},
    lambda url: {"type": "link", "properties": {"href": f"{url}/crs.wkt", "type": "ogcwkt"}},
    lambda url: {"type": "name", "properties": {"name": "/etc/passwd"}},
])
def test_a_route_file_naming_an_address_or_file_is_refused_without_a_request(project, web, crs):
    route_project(project, "line.geojson", json.dumps({**LINE, "crs": crs(web.url)}))
    assert only(project).code == "route-reference"
    assert web.requests == []


def test_gdal_runs_with_its_network_off(web):
    """Underneath the content checks: even a file that slipped through could not fetch anything."""
    data = json.dumps({**LINE, "crs": {"type": "link", "properties": {"href": f"{web.url}/crs.wkt"}}}).encode()
    problems = Problems()
    frame = routefiles._read_with_gdal(data, routefiles.FORMATS[".geojson"], Mark("line.geojson"), problems)
    assert frame is not None and len(frame) == 1
    assert web.requests == []


def test_a_kml_network_link_is_not_followed(project, web):
    other = project.write("data/elsewhere.kml", KML.format(coordinates="5,5 6,6", extra=""))
    links = "".join(f"<NetworkLink><Link><href>{href}</href></Link></NetworkLink>"
                    for href in (other, f"{web.url}/more.kml"))
    path = route_project(project, "line.kml", KML.format(coordinates="130.6,42.4 131.9,43.8", extra=links))
    problems = Problems()
    line = routes.read_route_file(path, problems, project.data)
    assert not problems, [p.as_text() for p in problems]
    assert line.points == ((42.4, 130.6), (43.8, 131.9))
    assert web.requests == []


KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>{extra}
<Placemark><name>line</name><LineString><coordinates>{coordinates}</coordinates></LineString></Placemark>
</Document></kml>
"""


def test_an_xml_entity_in_a_route_file_is_refused(project):
    text = KML.format(coordinates="130.6,42.4 131.9,43.8", extra="<name>&x;</name>").replace(
        "<kml ", '<!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/hostname">]>\n<kml ')
    route_project(project, "line.kml", text)
    assert only(project).message.startswith("route file holds an XML DOCTYPE or ENTITY declaration")


def test_a_route_file_linked_out_of_data_is_refused(project, tmp_path):
    outside = tmp_path / "outside.geojson"
    outside.write_text(json.dumps(LINE))
    project.places()
    project.story(events={"e.yaml": ROUTE_EVENT})
    (project.data / "routes").mkdir()
    (project.data / "routes" / "line.geojson").symlink_to(outside)
    problem = only(project)
    assert (problem.mark.path, problem.code) == ("data/routes/line.geojson", "file-outside")


def test_a_shapefile_part_linked_out_of_data_is_refused(tmp_path):
    data = tmp_path / "data"
    (data / "routes").mkdir(parents=True)
    frame = geopandas.GeoDataFrame({"name": ["a"]}, geometry=[LineString([(0, 0), (1, 1)])], crs="EPSG:4326")
    frame.to_file(data / "routes" / "line.shp")
    (data / "routes" / "line.dbf").unlink()
    (data / "routes" / "line.dbf").symlink_to("/etc/passwd")
    problems = Problems()
    assert routes.read_route_file(data / "routes" / "line.shp", problems, data) is None
    assert [(Path(p.mark.path).name, p.code) for p in problems] == [("line.dbf", "file-outside")]


def test_a_geopackage_with_a_virtual_table_is_refused(tmp_path):
    import sqlite3

    path = tmp_path / "line.gpkg"
    geopandas.GeoDataFrame(geometry=[LineString([(0, 0), (1, 1)])], crs="EPSG:4326").to_file(path, driver="GPKG")
    with sqlite3.connect(path) as database:
        database.execute("CREATE TABLE note (sql TEXT DEFAULT 'CREATE VIRTUAL TABLE x USING VirtualOGR(''/etc'')')")
    problems = Problems()
    assert routes.read_route_file(path, problems) is None
    assert problems.items[0].message.startswith("route file holds a VirtualOGR table")


def test_the_natural_earth_file_is_read_only_as_topojson_inside_data(tmp_path):
    """The preview's land is a file of --data too: no VRT in disguise, no link out of the folder."""
    from storymap.preview import picture
    from storymap.errors import UserError

    data = tmp_path / "data"
    (data / "naturalearth").mkdir(parents=True)
    (data / "secret.csv").write_text('WKT\n"POLYGON ((0 0, 1 0, 1 1, 0 0))"\n')
    path = data / "naturalearth" / "countries-50m.json"
    path.write_text("<OGRVRTDataSource>" + "".join(
        f'<OGRVRTLayer name="{name}"><SrcDataSource>{data / "secret.csv"}</SrcDataSource><SrcLayer>secret</SrcLayer>'
        '<GeometryField encoding="WKT" field="WKT"/></OGRVRTLayer>' for name in ("land", "countries"))
        + "</OGRVRTDataSource>")
    with pytest.raises(UserError) as caught:
        picture.read_land(data)
    assert caught.value.message == f"cannot read {path}: it is not TopoJSON"
    path.unlink()
    path.symlink_to(REPO / "data" / "naturalearth" / "countries-50m.json")  # TopoJSON, but outside --data
    with pytest.raises(UserError) as caught:
        picture.read_land(data)
    assert caught.value.message == f"cannot read {path}: file is a link to a place outside {data}"


@pytest.mark.parametrize("suffix, driver, options", [
    (".geojson", "GeoJSON", {}), (".gpkg", "GPKG", {}), (".kml", "KML", {}), (".shp", "ESRI Shapefile", {}),
    (".fgb", "FlatGeobuf", {}), (".gpx", "GPX", {"layer": "tracks"}),
])
def test_each_allowed_format_is_read(tmp_path, suffix, driver, options):
    path = tmp_path / f"line{suffix}"
    geometry = LineString([(130.6, 42.4), (131.9, 43.8)])
    if driver == "GPX":  # GPX keeps tracks as multi-lines, after its (empty) waypoints layer
        from shapely.geometry import MultiLineString
        geometry = MultiLineString([geometry])
    geopandas.GeoDataFrame(geometry=[geometry], crs="EPSG:4326").to_file(path, driver=driver, **options)
    problems = Problems()
    line = routes.read_route_file(path, problems, tmp_path)
    assert not problems, [p.as_text() for p in problems]
    assert line.points == ((42.4, 130.6), (43.8, 131.9))


def test_a_route_file_over_the_size_limit(project):
    route_project(project, "line.geojson", json.dumps(LINE) + " " * routefiles.MAX_ROUTE_BYTES)
    problem = only(project)
    assert problem.message == (f"route file is too large ({routefiles.MAX_ROUTE_BYTES + len(json.dumps(LINE)):,}"
                               " bytes; the limit is 20,971,520)")


def test_a_route_file_over_the_point_limit(tmp_path):
    coordinates = [[100 + n / 2000, 40.0] for n in range(routes.MAX_ROUTE_POINTS + 1)]
    path = tmp_path / "long.geojson"
    path.write_text(json.dumps({"type": "LineString", "coordinates": coordinates}))
    problems = Problems()
    assert routes.read_route_file(path, problems) is None
    assert problems.items[0].message == "route file has 100,001 points; the limit is 100,000"


@pytest.mark.parametrize("point, message", [
    ("[NaN, 42.4]", "route file has a coordinate that is not a finite number (longitude nan, latitude 42.4)"),
    ("[130.6, Infinity]", "route file has a coordinate that is not a finite number (longitude 130.6, latitude inf)"),
    ("[1e308, 42.4]", "route file has a point at longitude 1e+308, latitude 42.4, outside -180 to 180 or -90 to 90"),
    ("[500, 95]", "route file has a point at longitude 500, latitude 95, outside -180 to 180 or -90 to 90"),
])
def test_route_coordinates_are_checked_like_event_coordinates(tmp_path, point, message):
    path = tmp_path / "line.geojson"
    path.write_text('{"type": "LineString", "coordinates": [[131.9, 43.8], %s]}' % point)
    problems = Problems()
    assert routes.read_route_file(path, problems) is None
    assert [(p.mark.path, p.message) for p in problems] == [(str(path), message)]


def test_a_nan_in_a_route_file_is_a_message_not_a_traceback(project):
    route_project(project, "line.geojson", '{"type": "LineString", "coordinates": [[130.6, 42.4], [NaN, 43.8]]}')
    result = run_build_py("check", cwd=project.root)
    assert result.returncode == 1, result.stderr
    assert "data/routes/line.geojson:1:1: route file has a coordinate that is not a finite number" in result.stderr
    assert "Traceback" not in result.stderr
