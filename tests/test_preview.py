"""preview.png: size, identical bytes, a real picture, no land, the 180th meridian, odd titles, Korean."""
from __future__ import annotations

import dataclasses
import io
import os
import warnings

import numpy as np
import pytest
import shapely
from click.testing import CliRunner
from matplotlib.ft2font import FT2Font
from PIL import Image

from storymap.preview import fonts, picture, geometry
from storymap import pipeline
from storymap.cli import main
from storymap.errors import UserError

from .conftest import EVENT_YAML, FIXTURES, REPO, STORY_YAML

TINY = FIXTURES / "tiny"
DATA = REPO / "data"  # has naturalearth/
EXAMPLE = REPO / "stories"


def image(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def colours(pixels: np.ndarray) -> int:
    return len(np.unique(pixels.reshape(-1, 3), axis=0))


def share(pixels: np.ndarray, colour: str) -> float:
    """How much of the picture is (nearly) this colour."""
    rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
    return (np.abs(pixels.astype(int) - rgb).sum(axis=2) < 4).mean()


@pytest.fixture(scope="module")
def land():
    return picture.read_land(DATA)


@pytest.fixture(scope="module")
def example_model():
    result = pipeline.check(EXAMPLE, DATA)
    assert not result.problems
    return next(m for m in result.models if m.story.id == "nk-russia-munitions-2023")


def test_example_preview_is_1200_by_630_identical_and_not_blank(example_model, land):
    first = picture.render(example_model, land)
    assert Image.open(io.BytesIO(first)).size == (picture.WIDTH, picture.HEIGHT) == (1200, 630)
    assert picture.render(example_model, land) == first  # byte for byte
    assert b"Software" not in first and b"matplotlib" not in first  # no version stamp to differ between machines
    pixels = image(first)
    assert colours(pixels) > 200  # land, sea, borders, routes, symbols, text with antialiasing
    assert share(pixels, picture.SEA) > 0.02 and share(pixels, picture.LAND) > 0.3


MAP_HEIGHT = picture.HEIGHT - picture.HEADER - picture.FOOTER


def main_view(model):
    found = geometry.features(model)
    return found, geometry.view(model.story.map, found.bounds(), picture.WIDTH, MAP_HEIGHT)


def test_example_gets_a_closer_look_at_its_crowded_corner(example_model, land):
    # Rajin, Tumangang and Dunai are a few pixels apart on a map of Eurasia.
    found, box = main_view(example_model)
    detail = geometry.detail_view(found, box, picture.WIDTH, MAP_HEIGHT)
    assert detail is not None
    (x0, x1, y0, y1), (left, bottom, width, height) = detail
    scale = (box[1] - box[0]) / picture.WIDTH
    assert (x1 - x0) / width <= scale / geometry.DETAIL_GAIN  # at least three times closer
    for lat, lon in ((42.2497, 130.2892), (42.43, 130.6), (42.9, 132.3)):  # Rajin, Tumangang, Dunai: inside
        assert x0 < lon < x1 and y0 < geometry.mercator_y(lat) < y1
    # The inset lies within the map and does not cover the area it enlarges.
    assert 0 <= left and left + width <= picture.WIDTH and 0 <= bottom and bottom + height <= MAP_HEIGHT
    area = ((x0 - box[0]) / scale, (x1 - box[0]) / scale, (y0 - box[2]) / scale, (y1 - box[2]) / scale)
    assert area[1] < left or left + width < area[0] or area[3] < bottom or bottom + height < area[2]
    # Drawn: a dark frame round the inset, where the plain map has none.
    pixels = image(picture.render(example_model, land))
    top = round(picture.HEIGHT - picture.FOOTER - bottom - height)
    rows = pixels[top - 2: top + 3, int(left) + 20: int(left + width) - 20].astype(int)
    assert max((row.sum(axis=1) < 400).mean() for row in rows) > 0.9  # land sums to 722


@pytest.mark.parametrize("where", ["tiny", "languages", "spread"])
def test_no_inset_where_nothing_crowds(where, project):
    if where == "spread":  # events far apart over the world: nothing to enlarge
        project.places()
        events = {f"e{i}.yaml": EVENT_YAML.replace("place: north-port", f"at: {{lat: {lat}, lon: {lon}}}")
                  for i, (lat, lon) in enumerate([(50, -120), (-30, 20), (10, 100), (60, 30), (-20, -60)])}
        project.story(events=events)
        stories, data = project.stories, project.data
    else:
        stories, data = FIXTURES / where / "stories", FIXTURES / where / "data"
    result = pipeline.check(stories, data)
    assert not result.problems, [p.as_text() for p in result.problems]
    found, box = main_view(result.models[0])
    assert geometry.detail_view(found, box, picture.WIDTH, MAP_HEIGHT) is None


def test_tiny_fixture_has_no_natural_earth_and_draws_on_a_plain_background(tmp_path):
    assert picture.read_land(TINY / "data") is None
    result = pipeline.build(TINY / "stories", TINY / "data", tmp_path / "site")
    assert not result.problems
    data = (tmp_path / "site" / "tiny-story" / "preview.png").read_bytes()
    pixels = image(data)
    assert pixels.shape == (630, 1200, 3)
    assert share(pixels, picture.PLAIN) > 0.3 and share(pixels, picture.LAND) == 0
    assert colours(pixels) > 50  # routes, symbols, title and credit


def test_land_is_read_once_per_build_and_file_version(land):
    assert picture.read_land(DATA) is land


def test_land_has_no_line_jumping_across_the_map(land):
    """world-atlas keeps Chukotka, Fiji and Antarctica whole across the 180th meridian; drawn flat,
    their rings would be lines across the whole world."""
    pole = float(geometry.mercator_y(90))
    rings = shapely.get_rings(land.polygons)
    for shapes in (rings, land.coast, land.borders):
        coords, index = shapely.get_coordinates(shapes, return_index=True)
        same_part = index[1:] == index[:-1]
        if shapes is rings:  # Antarctica's fill is closed along the pole, at the edge of the map
            at_pole = np.isclose(np.abs(coords[:, 1]), pole)
            same_part &= ~(at_pole[1:] & at_pole[:-1])
        assert np.abs(np.diff(coords[:, 0]))[same_part].max() < 180
        assert coords[:, 0].min() >= -180 and coords[:, 0].max() <= 180


def test_west_edge_keeps_features_across_the_180th_meridian_together():
    assert geometry.west_edge([130.0, 40.0]) == 40.0
    assert geometry.west_edge([177.5, -165.4, 170.0]) == 170.0  # 170 .. 194.6, not -165.4 .. 177.5
    assert geometry.west_edge([-10.0, 10.0]) == -10.0


ANTIMERIDIAN_PLACES = """\
- {id: anadyr, name: Anadyr, kind: port, lat: 64.73, lon: 177.5}
- {id: nome, name: Nome, kind: port, lat: 64.5, lon: -165.4}
"""


@pytest.mark.parametrize("lons", [[130.6, 130.7], [0.1, 0.2, 0.3], [-179.9, 179.9], [10.3, 10.3], [170.1, -170.7, 175.3]])
def test_every_longitude_lands_in_the_band_that_starts_at_the_west_edge(lons):
    # The west edge comes out of a modulo, a last bit away from the longitude it
    # stands for; that longitude once landed a whole turn east (490.6 for 130.6).
    west = geometry.west_edge(lons)
    shifted = [geometry.into_band(lon, west) for lon in lons]
    assert all(west - 1e-6 <= x < west + 360 for x in shifted)
    assert max(shifted) - min(shifted) < 180


def test_nearby_points_are_drawn_together():
    model = pipeline.check(FIXTURES / "languages" / "stories", FIXTURES / "languages" / "data").models[0]
    found = geometry.features(model)
    xs = [x for x, *_ in found.places + found.points]
    assert max(xs) - min(xs) < 1  # 130.6 and 130.7 degrees east, not a whole turn apart


def test_route_across_the_180th_meridian_is_framed_as_one_region(project, land):
    project.places(ANTIMERIDIAN_PLACES)
    project.story(events={"e.yaml": EVENT_YAML.replace("place: north-port", "route: {mode: sea, via: [anadyr, nome]}"),
                          "f.yaml": EVENT_YAML.replace("place: north-port", "place: nome")})
    model = pipeline.check(project.stories, project.data).models[0]
    found = geometry.features(model)
    x0, x1, _, _ = geometry.view(model.story.map, found.bounds(), picture.WIDTH, 496)
    assert 150 < x0 < 180 < x1 < 215  # the Bering Strait region, not the whole world
    assert [p[0] for p in found.points] == [pytest.approx(194.6)]  # Nome drawn east of the meridian
    pixels = image(picture.render(model, land))[120:590]  # the map
    assert share(pixels[:, :600], picture.LAND) > 0.05 and share(pixels[:, 600:], picture.LAND) > 0.05  # both shores
    assert share(pixels, picture.SEA) > 0.3  # the Bering Sea: no land drawn across it


def test_story_without_located_events_shows_the_world(project, land):
    project.story(events={"a.yaml": "title: A statement\ndate: 2023-10-01\nsources: [{publisher: P}]\n"})
    model = pipeline.check(project.stories, project.data).models[0]
    assert geometry.features(model).bounds() is None
    x0, x1, y0, y1 = geometry.view(model.story.map, None, picture.WIDTH, 496)
    assert x1 - x0 == pytest.approx(360)
    assert colours(image(picture.render(model, land))) > 50


def test_story_center_and_zoom_frame_the_picture(project):
    project.places()
    project.story(story_yaml=STORY_YAML + "map: {center: {lat: 42.9, lon: 132.4}, zoom: 6}\n")
    model = pipeline.check(project.stories, project.data).models[0]
    x0, x1, _, _ = geometry.view(model.story.map, geometry.features(model).bounds(), 1200, 496)
    assert (x0 + x1) / 2 == pytest.approx(132.4)
    assert x1 - x0 == pytest.approx(1200 * 360 / (256 * 2 ** 6))


@pytest.mark.parametrize("title", ["北朝鮮の弾薬 🚂 \u200b zero width",
                                   "$5 million in $hells$ and \\frac{1}{2}",
                                   "A " + "very long title " * 12])
def test_odd_titles_draw_without_warnings(project, title):
    project.places()
    project.story(story_yaml=STORY_YAML.replace("Test story", title.replace("\\", "\\\\").join('""')))
    model = pipeline.check(project.stories, project.data).models[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns once per missing glyph; mathtext would raise
        data = picture.render(model, None)
    assert Image.open(io.BytesIO(data)).size == (1200, 630)


def test_drawable_replaces_missing_glyphs_and_drops_invisible_characters():
    dejavu = fonts.faces()[0]
    assert fonts.drawable("Дунай  port\u200b\n") == ("Дунай port", dejavu)
    assert fonts.drawable("Порт Раджин: ґ, є, ї") == ("Порт Раджин: ґ, є, ї", dejavu)  # Ukrainian too
    assert fonts.drawable("ሰላም 1") == ("\u25a1\u25a1\u25a1 1", dejavu)  # Ethiopic: no face has it


# --- Korean: NanumGothic -----------------------------------------------------------

KOREAN_TITLE = "북한 탄약, 나진항에서 러시아로"
KOREAN_PLACE = "나진항"


def nanum_face():
    face = next((f for f in fonts.faces() if f.regular.startswith(str(fonts.NANUM))), None)
    if face is None:
        message = f"{fonts.NANUM}/NanumGothic.ttf is missing: make fonts (apt-get install fonts-nanum)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; CI must draw Korean text")
        pytest.skip(message)
    return face


def test_ci_has_the_korean_font():
    face = nanum_face()
    assert FT2Font(face.regular).family_name == "NanumGothic"
    assert FT2Font(face.bold).family_name == "NanumGothic"


def test_korean_text_is_drawn_in_nanum_gothic_which_has_every_glyph():
    face = nanum_face()
    for text in (KOREAN_TITLE, KOREAN_PLACE, "작성: 데이터팀 · 2023년 8월 15일~9월 20일"):
        drawn, chosen = fonts.drawable(text)
        assert chosen == face and drawn == text and "\u25a1" not in drawn
        for weight in (face.regular, face.bold):  # the file itself has the glyphs, not a fallback's
            charmap = FT2Font(weight).get_charmap()
            assert [c for c in text if ord(c) not in charmap] == []
    assert fonts.drawable("Rajin port")[1] == fonts.faces()[0], "Latin text stays in DejaVu Sans"


def test_korean_story_picture_has_no_white_squares_and_is_the_same_twice(project):
    face = nanum_face()
    project.write("data/places.yaml", f"- {{id: najin, name: {KOREAN_PLACE}, kind: port, lat: 42.25, lon: 130.29}}\n")
    project.story(story_yaml=STORY_YAML.replace("Test story", KOREAN_TITLE) + "language: ko\nbyline: 데이터팀\n",
                  events={"e.yaml": EVENT_YAML.replace("north-port", "najin")})
    model = pipeline.check(project.stories, project.data).models[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns once for each glyph its font lacks
        first = picture.render(model, None)
    assert picture.render(model, None) == first
    assert fonts.drawable(picture.credit_line(model)) == ("작성: 데이터팀 · 2023년 10월 5일", face)
    # The title band: dark strokes of real glyphs, and different from the same title as squares.
    squares = dataclasses.replace(model.story, title="\u25a1" * len(KOREAN_TITLE))
    boxed = picture.render(dataclasses.replace(model, story=squares), None)
    band = slice(0, picture.HEADER)
    assert (image(first)[band].sum(axis=2) < 200).sum() > 500
    assert not np.array_equal(image(first)[band], image(boxed)[band])


def test_a_broken_natural_earth_file_is_a_message_not_a_traceback(tmp_path):
    (tmp_path / "naturalearth").mkdir()
    (tmp_path / "naturalearth" / "countries-50m.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        picture.read_land(tmp_path)
    assert "countries-50m.json" in caught.value.message and "world-atlas" in caught.value.hint


def test_build_with_a_broken_natural_earth_file_says_so_and_exits_2(project):
    project.places()
    project.story()
    project.write("data/naturalearth/countries-50m.json", "{not json")
    result = CliRunner().invoke(main, ["--stories", "stories", "--data", "data", "--out", "site"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "cannot read data/naturalearth/countries-50m.json" in result.output
    assert not project.out.exists()


def test_alt_text_names_the_title_and_places(example_model):
    alt = picture.alt_text(example_model)
    assert alt.startswith("Map of the story's places and events: How North Korean munitions")
    assert "Tikhoretsk ammunition depot" in alt


def test_event_kinds_are_told_apart_by_their_glyphs_as_on_the_page(project):
    # The page draws a white glyph in each filled point (layers.js GLYPHS); so does the picture:
    # a shipment's square adds white where a kind without a glyph ("other") has its colour.
    whites = {}
    for kind in ("shipment", "other"):
        project.story(events={"a.yaml": f"title: A\ndate: 2023-10-01\nkind: {kind}\nconfidence: high\n"
                                         "at: {lat: 42.4, lon: 130.6}\nsources: [{publisher: P}]\n"})
        model = pipeline.check(project.stories, project.data).models[0]
        whites[kind] = share(image(picture.render(model, None)), "#ffffff")
    assert whites["shipment"] > whites["other"]
    glyphs = {name for name in picture.styles()["eventGlyphs"].values()}
    assert {name for name in glyphs if picture._glyph_marker(name)[0] is None} == {"none"}
