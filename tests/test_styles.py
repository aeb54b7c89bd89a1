"""One vocabulary, one style source: every value of the model's enums has a style in
static/styles.json and a label in every language; the page script gets that file as
its STYLES; preview.png is drawn in its colours (and follows the file when it changes).
The page's side is tests/browser/test_styles_page.py."""
from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image

from storymap import i18n, pipeline, styles
from storymap.model import COMPUTED_MODES, Confidence, EventKind, PlaceKind, RouteMode, TimelineMode
from storymap.preview import geometry, picture
from storymap.render import assets, pagedata

# One event of each kind in a row, a low-confidence point, one route per mode, one place of
# each kind: all far enough apart that nothing crowds (no inset, no ring, no shared spot).
# A story draws the places its events use: an air route runs along the row of places.
PLACES_LATITUDE = 10.0
PLACES = "\n".join(f"- {{id: {kind}-place, name: P{n}, kind: {kind}, lat: {PLACES_LATITUDE}, lon: {n * 8}}}"
                    for n, kind in enumerate(PlaceKind))
POINT_EVENTS = {kind: (55.0, n * 10.0) for n, kind in enumerate(EventKind)}
LOW_POINT = (45.0, 25.0)
STRAIGHT = "  path: straight\n"  # the lines cross Africa: drawn as written, not computed
ROUTE_LATITUDES = {mode: 20.0 + 6 * n for n, mode in enumerate(RouteMode)}


def event_yaml(title: str, where: str, kind: str = "observation", confidence: str = "high") -> str:
    return (f"title: {title}\ndate: 2023-10-05\n{where}\nkind: {kind}\nconfidence: {confidence}\n"
            "sources:\n  - publisher: Example News\n")


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    root = tmp_path_factory.mktemp("styles")
    events = {f"{kind}.yaml": event_yaml(kind, f"at: {{lat: {lat}, lon: {lon}}}", kind)
              for kind, (lat, lon) in POINT_EVENTS.items()}
    events["low.yaml"] = event_yaml("low", f"at: {{lat: {LOW_POINT[0]}, lon: {LOW_POINT[1]}}}", "meeting", "low")
    for mode, lat in ROUTE_LATITUDES.items():
        events[f"{mode}.yaml"] = event_yaml(
            mode, f"route:\n  mode: {mode}\n{STRAIGHT if mode in COMPUTED_MODES else ''}"
                  f"  via: [{{lat: {lat}, lon: 2}}, {{lat: {lat}, lon: 48}}]", "movement")
    events["places.yaml"] = event_yaml("places", f"route:\n  mode: air\n  via: [{', '.join(f'{k}-place' for k in PlaceKind)}]")
    (root / "data").mkdir()
    (root / "data" / "places.yaml").write_text(PLACES, encoding="utf-8")
    story = root / "stories" / "styles"
    (story / "events").mkdir(parents=True)
    (story / "story.yaml").write_text("title: Styles\nsummary: All of them.\npublished: 2023-10-18\n", encoding="utf-8")
    for name, text in events.items():
        (story / "events" / name).write_text(text, encoding="utf-8")
    result = pipeline.check(root / "stories", root / "data")
    assert not result.problems, [p.as_text() for p in result.problems]
    return result.models[0]


def rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])


def inverted(colour: str) -> str:
    return "#" + "".join(f"{255 - c:02x}" for c in rgb(colour))


class Picture:
    """A rendered preview and where map coordinates fall in it (pixel column, row)."""

    def __init__(self, model):
        self.found = geometry.features(model)
        self.height = picture.HEIGHT - picture.HEADER - picture.FOOTER
        self.box = geometry.view(model.story.map, self.found.bounds(), picture.WIDTH, self.height)
        assert geometry.detail_view(self.found, self.box, picture.WIDTH, self.height) is None
        png = picture.render(model, None)
        self.pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)

    def pixel_of(self, x: float, y: float) -> tuple[int, int]:
        x0, x1, y0, y1 = self.box
        return (round((x - x0) / (x1 - x0) * picture.WIDTH - 0.5),
                round(picture.HEADER + (y1 - y) / (y1 - y0) * self.height - 0.5))

    def has(self, colour: str, column: int, row: int, reach: int) -> bool:
        """Whether a pixel within reach of (column, row) has this colour, give or take antialiasing."""
        patch = self.pixels[row - reach:row + reach + 1, column - reach:column + reach + 1]
        return bool((np.abs(patch - rgb(colour)).max(axis=2) <= 3).any())


def check_picture_colours(model, look: dict) -> None:
    drawn = Picture(model)
    for x, y, kind, level in drawn.found.points:
        column, row = drawn.pixel_of(x, y)
        hollow = look["confidence"][level]["point"] == "hollow"
        # A filled point's centre holds its kind's white glyph: the colour is in the ring around it.
        assert drawn.has(look["eventKinds"][kind], column, row, 6 if hollow else 4), (kind, level)
        if hollow:  # a ring round a white centre
            assert drawn.has("#ffffff", column, row, 1), "a hollow point"
    for xy, mode, _ in drawn.found.routes:
        if np.isclose(xy[0][1], geometry.mercator_y(PLACES_LATITUDE)):
            continue  # the line along the places
        middle = drawn.pixel_of(*xy.mean(axis=0))
        assert drawn.has(look["routeModes"][mode]["colour"], *middle, 12), mode
    for x, y, place in drawn.found.places:
        column, row = drawn.pixel_of(x, y)
        for part in ("fill", "edge"):
            assert drawn.has(look["placeKinds"][place.kind][part], column, row, 6), (place.kind, part)


def test_every_value_of_the_vocabulary_has_a_style():
    look = styles.styles()
    assert list(look["eventKinds"]) == list(EventKind)
    assert list(look["placeKinds"]) == list(PlaceKind)
    assert list(look["routeModes"]) == list(RouteMode)
    assert list(look["confidence"]) == list(Confidence)
    assert {level["point"] for level in look["confidence"].values()} <= {"filled", "hollow"}


@pytest.mark.parametrize("language", i18n.languages())
def test_every_value_of_the_vocabulary_has_a_label_in_every_language(language):
    words = i18n.strings(language)  # complete catalogs: tests/test_i18n.py
    keys = ([f"kind_{kind}" for kind in EventKind] + [f"place_{kind}" for kind in PlaceKind]
            + [f"mode_{mode}" for mode in RouteMode] + [f"confidence_{level}" for level in Confidence])
    assert [key for key in keys if not words.get(key, "").strip()] == []


def test_the_legend_words_for_low_confidence_name_the_levels_drawn_hollow():
    # The legend labels its hollow, faded symbol with confidence_low_legend.
    hollow = [level for level, look in styles.styles()["confidence"].items() if look["point"] == "hollow"]
    assert hollow == [Confidence.LOW]
    assert "confidence_low_legend" in pagedata.SCRIPT_STRINGS


def test_page_script_gets_styles_json_as_its_styles():
    script = assets.page_script_source().decode("utf-8")
    start = script.index("var STYLES = ") + len("var STYLES = ")
    bundled, _ = json.JSONDecoder().raw_decode(script[start:])
    assert bundled == json.loads(styles.STYLES_FILE.read_text("utf-8"))
    assert start < script.index("// --- layers.js"), "defined before the code that draws with it"


def test_picture_draws_in_the_colours_of_styles_json(model):
    check_picture_colours(model, styles.styles())


def test_picture_follows_styles_json_when_it_changes(model, tmp_path, monkeypatch):
    # Every colour inverted: a colour still copied into the picture's code would no longer match.
    look = json.loads(styles.STYLES_FILE.read_text("utf-8"))
    look["eventKinds"] = {kind: inverted(colour) for kind, colour in look["eventKinds"].items()}
    look["placeKinds"] = {kind: {part: inverted(c) for part, c in parts.items()}
                          for kind, parts in look["placeKinds"].items()}
    for mode in look["routeModes"].values():
        mode["colour"] = inverted(mode["colour"])
    changed = tmp_path / "styles.json"
    changed.write_text(json.dumps(look), encoding="utf-8")
    monkeypatch.setattr(styles, "STYLES_FILE", changed)
    styles.styles.cache_clear()
    try:
        check_picture_colours(model, look)
    finally:
        monkeypatch.undo()
        styles.styles.cache_clear()


def test_validation_and_the_schema_take_their_choices_from_the_model():
    from storymap.source.validate import EVENT, PLACE, ROUTE, TIMELINE

    for record, key, vocabulary in ((EVENT, "kind", EventKind), (EVENT, "confidence", Confidence),
                                    (PLACE, "kind", PlaceKind), (ROUTE, "mode", RouteMode),
                                    (TIMELINE, "mode", TimelineMode)):
        assert record.schema()["properties"][key]["enum"] == [value.value for value in vocabulary]


# Colour-blind readers: Machado, Oliveira and Fernandes (2009), severity 1.0, applied to
# linear RGB. Every pair of event-kind colours must stay ΔE ≥ 20 (CIE76, in CIELAB) apart
# for normal vision and as deuteranopes and protanopes see them: about twice the difference
# of two clearly distinct map colours (the old blue and purple were ΔE ≈ 7 apart as
# deuteranopes see them).
DEUTERANOPIA = np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                         [-0.011820, 0.042940, 0.968881]])
PROTANOPIA = np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                       [-0.003882, -0.048116, 1.051998]])
SRGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
D65_WHITE = np.array([0.95047, 1.0, 1.08883])
LEAST_DELTA_E = 20


def linear_rgb(colour: str) -> np.ndarray:
    c = rgb(colour) / 255
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def lab(linear: np.ndarray) -> np.ndarray:
    xyz = SRGB_TO_XYZ @ np.clip(linear, 0, 1) / D65_WHITE
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(a: str, b: str, vision: np.ndarray) -> float:
    return float(np.linalg.norm(lab(vision @ linear_rgb(a)) - lab(vision @ linear_rgb(b))))


def test_the_colour_difference_measure():
    assert delta_e("#ffffff", "#000000", np.eye(3)) == pytest.approx(100, abs=0.1)
    # Red and green, far apart for normal vision, nearly merge for a deuteranope.
    assert delta_e("#ff0000", "#00aa00", np.eye(3)) > 80
    assert delta_e("#d00000", "#6f8a00", DEUTERANOPIA) < 12


@pytest.mark.parametrize("vision", ["normal", "deuteranopia", "protanopia"])
def test_event_kind_colours_differ_for_colour_blind_readers(vision):
    matrix = {"normal": np.eye(3), "deuteranopia": DEUTERANOPIA, "protanopia": PROTANOPIA}[vision]
    colours = styles.styles()["eventKinds"]
    close = [(a, b, round(delta_e(colours[a], colours[b], matrix), 1))
             for n, a in enumerate(colours) for b in list(colours)[n + 1:]
             if delta_e(colours[a], colours[b], matrix) < LEAST_DELTA_E]
    assert close == []


def test_every_kind_has_its_own_glyph():
    glyphs = styles.styles()["eventGlyphs"]
    assert list(glyphs) == list(EventKind)
    assert len(set(glyphs.values())) == len(glyphs)
    script = (styles.STYLES_FILE.parent / "js" / "layers.js").read_text("utf-8")
    for glyph in set(glyphs.values()):
        assert f"  {glyph}: function" in script, f"layers.js draws no {glyph}"
