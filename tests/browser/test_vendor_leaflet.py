"""The trimmed Leaflet (storymap/static/vendor, built by `make leaflet`) in Chromium: every L.*
name our scripts and folium's map.js use resolves, whole (L.Renderer.prototype._update too),
and the map has every handler a reader uses, the keyboard's among them."""
from __future__ import annotations

from storymap.render import assets

from ..test_vendor_leaflet import names_used
from .conftest import wait_until

UNRESOLVED = """(names) => names.filter((name) =>
  name.split('.').reduce((value, key) => (value == null ? undefined : value[key]), window.L) === undefined)"""
HANDLERS = ("dragging", "scrollWheelZoom", "doubleClickZoom", "touchZoom", "boxZoom", "keyboard")


def test_every_name_our_scripts_use_resolves(open_page):
    page, _ = open_page("tiny", "tiny-story/")
    folium = page.evaluate("fetch('map.js').then((r) => r.text())")
    names = set(names_used(folium))
    for path in (assets.STATIC / "js").glob("*.js"):
        names |= names_used(path.read_text("utf-8"))
    assert "CRS.EPSG3857" in names and "Renderer.prototype._update.call" in names
    assert page.evaluate(UNRESOLVED, sorted(names)) == []


def test_the_map_has_its_handlers_and_controls(open_page):
    page, _ = open_page("tiny", "tiny-story/")
    enabled = page.evaluate("(names) => names.map((n) => map_storymap[n] && map_storymap[n].enabled())",
                            list(HANDLERS))
    assert enabled == [True] * len(HANDLERS)
    assert page.evaluate("!!map_storymap.tapHold")  # on, by Leaflet's rule, on touch Safari only
    for selector in (".leaflet-control-zoom", ".leaflet-control-attribution", ".leaflet-control-scale"):
        assert page.locator(selector).count() == 1, selector


def test_the_arrow_keys_pan_the_map(open_page):
    page, _ = open_page("tiny", "tiny-story/")
    page.evaluate("window.__before = map_storymap.getCenter().lng")
    page.focus("#map_storymap")
    page.keyboard.press("ArrowRight")
    wait_until(page, "map_storymap.getCenter().lng > window.__before + 0.01", timeout=5_000)
