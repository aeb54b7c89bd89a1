"""The built-in base map's files (render/naturalearth.py, render/basefiles.py):
simplified within their tolerance, clipped to the story, whole across the 180th
meridian, the same bytes every build, and small enough for a phone. The page
side is tests/browser/test_basemap.py."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
import shapely

from storymap import pipeline
from storymap.preview import picture
from storymap.render import basefiles, basemaps, naturalearth, pages, policy
from storymap.render.map import map_skeleton
from storymap.styles import styles

from .conftest import FIXTURES, REPO


def story(tmp_path, where: str, basemap: str | None = None):
    """A one-event story at `where` (an event's at: or route: YAML), checked into its model."""
    folder = tmp_path / "stories" / "base"
    (folder / "events").mkdir(parents=True)
    (tmp_path / "data").mkdir()
    settings = f"map:\n  basemap: {basemap}\n" if basemap else ""
    (folder / "story.yaml").write_text(f"title: Base\nsummary: One event.\npublished: 2023-10-18\n{settings}",
                                       encoding="utf-8")
    (folder / "events" / "one.yaml").write_text(
        f"title: One\ndate: 2023-10-05\n{where}\nsources:\n  - publisher: Example News\n", encoding="utf-8")
    result = pipeline.check(tmp_path / "stories", tmp_path / "data")
    assert not result.problems, [p.as_text() for p in result.problems]
    return result.models[0]


@pytest.fixture(scope="module")
def example():
    result = pipeline.check(REPO / "stories", REPO / "data")
    assert not result.problems
    return result.models[0]


def _lat(y: float) -> float:
    return round(math.degrees(2 * math.atan(math.exp(math.radians(y))) - math.pi / 2), 6)


def grid_cells(level: dict, number: int) -> list[tuple[str | None, tuple[float, float, float, float]]]:
    """A level of the page's index read as the page reads it (basefiles' docstring says the form):
    each cell's file address (None: no file) and Mercator rectangle, from the north-west row by row."""
    x0, y0, x1, y1 = level["area"]
    size = level["cell"]
    columns, rows = math.ceil((x1 - x0) / size), math.ceil((y1 - y0) / size)
    assert len(level["files"]) == columns * rows and set(level["files"]) <= {"0", "1"}
    cells: list[tuple[str | None, tuple[float, float, float, float]]] = []
    for row in reversed(range(rows)):
        for column in range(columns):
            n = len(cells) + 1
            name = f"basemap-{number}.json" if columns * rows == 1 else f"basemap-{number}-{n}.json"
            x, y = x0 + column * size, y0 + row * size
            cells.append((f"{name}?v={level['v']}" if level["files"][n - 1] == "1" else None,
                          (x, y, min(x + size, x1), min(y + size, y1))))
    return cells


def latlng_bounds(rect) -> list[list[float]]:
    """A Mercator rectangle as [[south, west], [north, east]]."""
    x0, y0, x1, y1 = rect
    return [[_lat(y0), x0], [_lat(y1), x1]]


def decode(document: dict, part: str) -> list[np.ndarray]:
    """A file's rings or lines as (longitude, latitude) rows, read as the page reads them."""
    out = []
    for flat in document[part]:
        xy = np.cumsum(np.array(flat, dtype=float).reshape(-1, 2), axis=0) / document["scale"]
        out.append(np.column_stack([xy[:, 0], np.degrees(2 * np.arctan(np.exp(np.radians(xy[:, 1]))) - np.pi / 2)]))
    return out


def on_land(files: dict[str, bytes], level: int, lon: float, lat: float) -> bool:
    """Whether a level's land covers the point, its rings filled even-odd like the page's
    (a ring inside another is a hole)."""
    rings = [shapely.Polygon(ring) for name, data in files.items() if name.startswith(f"basemap-{level}")
             for ring in decode(json.loads(data), "land")]
    return int(np.count_nonzero(shapely.contains_xy(np.array(rings, dtype=object), lon, lat))) % 2 == 1


def test_simplified_lines_stay_within_the_tolerance_of_natural_earth():
    """Every point of Natural Earth's lines lies within the tolerance of the simplified line
    (1:10m's arcs of up to 2,000 points, to keep the test quick)."""
    for source, tolerance in (("50m", 0.35), ("50m", 0.15), ("50m", 0.02), ("10m", 0.004)):
        arcs = [arc for arc in naturalearth._topology(source).arcs if len(arc) <= 2000]
        simple = shapely.simplify(np.array([shapely.LineString(a) for a in arcs], dtype=object), tolerance,
                                  preserve_topology=False)
        farthest = max(shapely.distance(shapely.points(arc), line).max() for arc, line in zip(arcs, simple))
        assert farthest <= tolerance * 1.001, (source, farthest)
        assert shapely.get_num_coordinates(simple).sum() < 0.8 * sum(len(arc) for arc in arcs), source


def test_coarser_levels_hold_fewer_points():
    counts = [shapely.get_num_coordinates(naturalearth.layers(level.source, level.tolerance).land).sum()
              for level in basefiles.LEVELS]
    assert counts[0] < counts[1] < counts[2] < counts[3], counts


def test_every_point_of_a_file_lies_in_its_cell(example):
    files, index = basefiles.base_files(example), basefiles.page_index(example)
    cells = {url.split("?")[0]: latlng_bounds(rect) for number, level in enumerate(index["levels"])
             for url, rect in grid_cells(level, number) if url}
    assert set(cells) == set(files)
    for name, data in files.items():
        document = json.loads(data)
        (south, west), (north, east) = cells[name]
        for part in ("land", "borders"):
            for xy in decode(document, part):
                assert xy[:, 0].min() >= west - 1e-6 and xy[:, 0].max() <= east + 1e-6, name
                assert xy[:, 1].min() >= south - 1e-4 and xy[:, 1].max() <= north + 1e-4, name


def test_levels_cover_the_story_and_grow_finer_with_the_zoom(example):
    index = basefiles.page_index(example)
    (south, west), (north, east) = [list(p) for p in pages.view_bounds(example)]
    zooms = [level["minZoom"] for level in index["levels"]]
    assert zooms == sorted(zooms) and zooms[0] == 0
    for level in index["levels"]:
        (s, w), (n, e) = latlng_bounds(level["area"])
        assert s <= south and w <= west and n >= north and e >= east
    assert [level["wrap"] for level in index["levels"]] == [True, True, False, False]
    # the world in 90-degree cells
    assert [len(grid_cells(level, n)) for n, level in enumerate(index["levels"][:2])] == [16, 16]
    assert index["attribution"].startswith('<a href="https://www.naturalearthdata.com/">Natural Earth</a>')
    assert index["attribution"].endswith("; Railways © OpenStreetMap contributors (ODbL)")  # the example's rail


def test_land_and_sea_where_they_are(example):
    """Points of the example's map on land and at sea, at every level of detail that covers them."""
    files, levels = basefiles.base_files(example), basefiles.page_index(example)["levels"]
    land = [(45.85, 40.13), (73.0, 100.0), (60.0, 100.0), (44.0, 133.0), (40.0, 127.0)]  # Tikhoretsk, Taymyr,
    # Siberia, Primorye, North Korea; the Caspian Sea (a hole in the land), Sea of Japan, Black Sea:
    sea = [(42.0, 50.5), (40.0, 134.0), (43.0, 34.0)]
    checked = 0
    for level, area in enumerate(latlng_bounds(level["area"]) for level in levels):
        for (lat, lon), expected in [*((p, True) for p in land), *((p, False) for p in sea)]:
            if area[0][0] < lat < area[1][0] and area[0][1] < lon < area[1][1]:
                assert on_land(files, level, lon, lat) == expected, (level, lat, lon)
                checked += 1
    assert checked >= 18


def test_borders_meet_where_countries_do(example):
    """The Tumen river border at the Friendship Bridge: within a kilometre or two at the close level."""
    files = basefiles.base_files(example)
    lines = [shapely.LineString(xy) for name, data in files.items() if name.startswith("basemap-3")
             for xy in decode(json.loads(data), "borders")]
    assert shapely.MultiLineString(lines).distance(shapely.Point(130.641, 42.415)) < 0.02


def test_land_across_the_180th_meridian_is_whole(tmp_path):
    """Chukotka on both sides of the meridian, in the route's band of longitudes (past 180)."""
    model = story(tmp_path, "route:\n  mode: air\n  via: [{lat: 64.73, lon: 177.5}, {lat: 64.42, lon: -173.2}]")
    files = basefiles.base_files(model)
    for level in range(4):
        for lon in (175.5, 186.0):  # Chukotka west of 180 and east of it (-174)
            assert on_land(files, level, lon, 66.0), (level, lon)
        assert not on_land(files, level, 181.0, 62.0), level  # the Bering Sea


@pytest.mark.parametrize("where", ["example", "at: {lat: 20.8, lon: -156.3}"])  # Maui: cells of open sea
def test_the_index_names_every_file_and_only_them(tmp_path, example, where):
    """Read as the page reads it, the index gives each file its address with its level's version,
    and a cell the rectangle the file was clipped to; a cell without a file is all sea."""
    model = example if where == "example" else story(tmp_path, where, "natural-earth")
    files, index = basefiles.base_files(model), basefiles.page_index(model)
    named: set[str] = set()
    empty: list[str] = []
    for number, (level, made) in enumerate(zip(index["levels"], basefiles.LEVELS)):
        for count, (url, rect) in enumerate(grid_cells(level, number), 1):
            if url is None:
                empty.append(f"{number}-{count}")
                continue
            name, version = url.split("?v=")
            assert version == level["v"] and len(version) == 10 and name not in named
            named.add(name)
            assert json.loads(files[name])["clip"] == [round(v * made.scale) for v in rect], name
    assert named == set(files)
    # Maui's: the Pacific west and south-east of the islands at level 2, north-east of them at 3
    assert empty == ([] if where == "example" else ["2-1", "2-4", "3-2"])


def test_a_changed_file_changes_its_levels_version_only(example):
    box, files = basefiles.story_box(example), basefiles.base_files(example)
    versions = [level["v"] for level in json.loads(basefiles._index(box, files))["levels"]]
    assert len(set(versions)) == 4

    def versions_with(changed: dict[str, bytes]) -> list[str]:
        return [level["v"] for level in json.loads(basefiles._index(box, changed))["levels"]]

    assert versions_with(dict(files)) == versions  # the same bytes, the same addresses
    one = {**files, "basemap-3-2.json": files["basemap-3-2.json"].replace(b"]]", b",0]]", 1)}
    assert versions_with(one) == [*versions[:3], versions_with(one)[3]] and versions_with(one)[3] != versions[3]
    gone = {name: data for name, data in files.items() if name != "basemap-1-1.json"}
    index = json.loads(basefiles._index(box, gone))["levels"]
    assert index[1]["v"] != versions[1] and index[1]["files"][0] == "0"
    assert [index[k]["v"] for k in (0, 2, 3)] == [versions[k] for k in (0, 2, 3)]


def test_same_box_same_bytes(tmp_path, example):
    first = basefiles.base_files(example)
    basefiles._story_base.cache_clear()
    naturalearth.layers.cache_clear()
    naturalearth._topology.cache_clear()
    assert basefiles.base_files(example) == first
    files = pipeline.render_site([example], None)
    assert {n for n in files if "/basemap-" in n} == {f"{example.story.id}/{n}" for n in first}


def test_sizes_for_a_phone(example):
    """Page weight: cells of a few KB each, of which the page loads those in view. The coarse
    world, which wide stories open on, is half the finer one or less."""
    files = basefiles.base_files(example)
    sizes = basefiles.gzipped_sizes(files)
    for level in range(4):
        names = [n for n in files if n.startswith(f"basemap-{level}")]
        print(f"level {level}: {len(names)} files, {sum(len(files[n]) for n in names)} bytes, "
              f"{sum(sizes[n] for n in names)} gzipped, largest {max(sizes[n] for n in names)}")
    world = [sum(size for name, size in sizes.items() if name.startswith(f"basemap-{level}-")) for level in (0, 1)]
    # In cells the whole world gzips to a sixth more than as one file (16.5 KB against 14 for the
    # coarse one), but a view loads only its cells.
    assert world[0] < 18_000 and world[1] < 40_000 and world[0] < 0.6 * world[1]
    assert len([name for name in sizes if name.startswith("basemap-0-")]) == 16  # 90-degree cells
    assert max(sizes.values()) < 12_000


def test_natural_earth_is_a_basemap_name_with_no_tiles(tmp_path):
    assert basemaps.basemap_problem("natural-earth") is None
    assert basemaps.basemap_problem("natural-eart") == ("unknown-basemap", "did you mean 'natural-earth'?")
    model = story(tmp_path, "at: {lat: 42.9, lon: 132.3}", "natural-earth")
    assert "tileLayer" not in map_skeleton(model)[1]
    csp = policy.map_page_policy("natural-earth")
    assert "http" not in csp and "img-src 'self' data:;" in csp  # data: for the legend's symbols
    page = pages.story_files(model, None)["index.html"].decode()
    assert "Natural Earth (public domain)" in page and "openstreetmap" not in page.lower()


def test_tiles_keep_their_credit_and_add_natural_earths():
    credit = basemaps.attribution_html("OpenStreetMap.Mapnik")
    assert "OpenStreetMap</a> contributors" in credit and credit.endswith("Natural Earth (public domain)")


def test_the_base_has_the_colours_of_the_picture():
    base = styles()["basemap"]
    assert (base["land"], base["water"], base["coast"], base["border"]) == (
        picture.LAND, picture.SEA, picture.COAST, picture.BORDER)


def test_the_base_reads_the_projects_data_not_the_data_folder(tmp_path):
    """A --data folder without naturalearth/ (the fixtures') still gets the base."""
    assert not (FIXTURES / "tiny" / "data" / "naturalearth").exists()
    assert naturalearth.DATA_DIR == REPO / "data" / "naturalearth"
    model = story(tmp_path, "at: {lat: 0.5, lon: 9.0}")  # Gabon's coast
    assert on_land(basefiles.base_files(model), 3, 10.0, 0.5)
