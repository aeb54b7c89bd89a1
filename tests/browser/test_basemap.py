"""The built-in base map in the browser: with `basemap: natural-earth` the page
draws Natural Earth's land from its own folder and makes no request to any
other origin; with the default tiles, every tile blocked, the same base still
shows beneath the tile pane."""
from __future__ import annotations

import re

import pytest

from storymap import pipeline
from storymap.render import basefiles
from storymap.styles import styles

from ..conftest import FIXTURES
from ..test_naturalearth_base import grid_cells, story
from .conftest import CSP_LISTENER, built_and_served, serve, wait_until

SITE = FIXTURES / "basemap"
# The base's panes, a canvas each: how many of a pane's pixels are in the land colour (exactly:
# land is filled opaque, and coasts are drawn in another colour).
LAND = tuple(int(styles()["basemap"]["land"].lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
LAND_PIXELS = """(selector) => [...document.querySelectorAll(selector + ' canvas')].reduce((sum, canvas) => {
  if (!canvas.width || !canvas.height) { return sum; }
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i] === %d && data[i + 1] === %d && data[i + 2] === %d && data[i + 3] === 255) { sum++; }
  }
  return sum;
}, 0)""" % LAND
BASE_DRAWN = f"({LAND_PIXELS})('[class*=\"leaflet-smBase\"]') > 1000"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("basemap") / "site"
    result = pipeline.build(SITE / "stories", SITE / "data", out)
    assert not result.problems, [p.as_text() for p in result.problems]
    server = serve(out)
    yield server
    server.httpd.shutdown()


@pytest.fixture
def opened(browser, site):
    """opened(path, block_outside) -> (page, every request's URL, errors): each request recorded
    as the page makes it; outside ones aborted when block_outside, as a strict CSP or no network would."""
    contexts = []

    def opener(path: str, block_outside: bool, viewport: tuple[int, int] = (1000, 700)):
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        contexts.append(context)
        context.add_init_script(CSP_LISTENER)
        if block_outside:
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(site.url)
                          else route.abort())
        page = context.new_page()
        requests: list[str] = []
        errors: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("response", lambda r: r.status >= 400 and errors.append(f"{r.status} {r.url}"))
        page.goto(site.url + path)
        wait_until(page, "window.storymap !== undefined", timeout=10_000)
        return page, requests, errors

    yield opener
    for context in contexts:
        context.close()


def test_natural_earth_draws_land_and_nothing_leaves_the_site(opened, site):
    page, requests, errors = opened("built-in-base/", block_outside=False)  # nothing blocked: nothing to block
    wait_until(page, BASE_DRAWN)
    assert world_files(requests) == []  # a close story opens on its own cells, fetching no world file
    assert page.evaluate("document.querySelectorAll('.leaflet-tile-pane img').length") == 0
    assert "Natural Earth" in page.inner_text(".leaflet-control-attribution")
    page.evaluate("window.map_storymap.setView([42.9, 132.3], 9, {animate: false}); null")  # the 1:10m cells
    wait_until(page, f"({LAND_PIXELS})('.leaflet-smBase3-pane') > 1000")
    page.evaluate("window.map_storymap.setView([40, 120], 2, {animate: false}); null")  # the coarse world, a turn each way
    wait_until(page, f"({LAND_PIXELS})('.leaflet-smBase0-pane') > 1000")
    # Alaska and Chukotka: the finer world level's turn is centred on the story (Asia), so this
    # view lies past its east end and only the copy a turn west draws it.
    page.evaluate("window.map_storymap.setView([62, -168], 4, {animate: false}); null")
    wait_until(page, f"({LAND_PIXELS})('.leaflet-smBase1-pane') > 1000")
    page.wait_for_timeout(300)  # time for any late request to show
    outside = [url for url in requests if not url.startswith(site.url)]
    base_files = [url for url in requests if "/basemap-" in url]
    print(f"natural-earth: {len(requests)} requests, {len(base_files)} of them base files, {len(outside)} outside")
    assert outside == []
    assert world_files(requests) == [0, 1]
    assert any("/basemap-3-" in url for url in base_files)
    assert errors == [] and page.evaluate("window.__cspViolations") == []


def world_files(requests: list[str]) -> list[int]:
    """The world levels (0: the coarse, 1: the finer) whose cells were asked for, in the order first asked."""
    levels: list[int] = []
    for url in requests:
        found = re.fullmatch(r"basemap-([01])(?:-[0-9]+)?\.json", url.rsplit("/", 1)[-1].split("?")[0])
        if found and int(found.group(1)) not in levels:
            levels.append(int(found.group(1)))
    return levels


def test_a_wide_story_fetches_the_world_file_of_its_zoom_only(opened):
    """Below zoom 3 the coarse world alone; opened at zoom 3 or closer, the finer world alone;
    zoomed in from the coarse, the finer one in its place."""
    page, requests, errors = opened("wide-base/", block_outside=True)
    wait_until(page, f"({LAND_PIXELS})('.leaflet-smBase0-pane') > 1000")
    assert page.evaluate("window.map_storymap.getZoom()") < 3
    page.wait_for_timeout(300)  # time for any late request to show
    assert world_files(requests) == [0]
    page.evaluate("window.map_storymap.setZoom(3, {animate: false}); null")
    wait_until(page, f"({LAND_PIXELS})('.leaflet-smBase1-pane') > 1000")
    wait_until(page, f"({LAND_PIXELS})('.leaflet-smBase0-pane') === 0")  # not drawn once the finer one is
    assert world_files(requests) == [0, 1]
    assert errors == []

    page, requests, errors = opened("wide-base/", block_outside=True, viewport=(2000, 1400))
    wait_until(page, f"({LAND_PIXELS})('.leaflet-smBase1-pane') > 1000")
    assert 3 <= page.evaluate("window.map_storymap.getZoom()") < 4
    page.wait_for_timeout(300)
    assert world_files(requests) == [1]
    assert errors == []


def test_the_coarse_world_stays_while_the_finer_one_loads(opened):
    """Zoomed in to 3 with the finer world's file not (yet) come, the land drawn stays."""
    page, requests, errors = opened("wide-base/", block_outside=True)
    wait_until(page, f"({LAND_PIXELS})('.leaflet-smBase0-pane') > 1000")
    page.route("**/basemap-1-*.json*", lambda route: route.abort())
    page.evaluate("window.map_storymap.setZoom(3, {animate: false}); null")
    wait_until(page, "performance.getEntriesByType('resource').some((e) => e.name.includes('basemap-1-'))")
    page.wait_for_timeout(300)
    assert page.evaluate(f"({LAND_PIXELS})('.leaflet-smBase0-pane')") > 1000
    assert page.evaluate(f"({LAND_PIXELS})('.leaflet-smBase1-pane')") == 0


def test_with_every_tile_blocked_the_base_shows_beneath_the_tiles(opened, site):
    page, requests, errors = opened("tiles-base/", block_outside=True)
    wait_until(page, BASE_DRAWN)
    tiles = [url for url in requests if not url.startswith(site.url)]
    print(f"tiles blocked: {len(requests)} requests, {len(tiles)} tile requests aborted")
    assert tiles and all("tile.openstreetmap.org" in url for url in tiles)
    below = page.evaluate("""() => {
      const z = (selector) => Number(getComputedStyle(document.querySelector(selector)).zIndex);
      return [z('.leaflet-smBase0-pane'), z('.leaflet-tile-pane')];
    }""")
    assert below[0] < below[1], below
    # Where no tile came, the reader sees the base's land, not Leaflet's grey.
    assert page.evaluate("getComputedStyle(window.map_storymap.getContainer()).backgroundColor") != "rgb(221, 221, 221)"
    assert [e for e in errors if "tile.openstreetmap.org" not in e] == []
    assert page.evaluate("window.__cspViolations") == []


@pytest.fixture
def maui(tmp_path):
    """A story on Maui with the built-in base, built and served: (its model, the server)."""
    model = story(tmp_path, "at: {lat: 20.8, lon: -156.3}", "natural-earth")
    yield from ((model, server) for server in built_and_served(tmp_path / "stories", tmp_path / "data",
                                                                tmp_path / "site"))


def test_the_page_fetches_the_cells_the_index_names_and_no_cell_of_open_sea(browser, maui):
    """Maui's base, whose grids have cells of open sea (no file): in views over every cell of
    levels 2 and 3 the page asks for each file by the address the index gives it, with its
    level's version, and for no cell without a file."""
    model, server = maui
    levels = basefiles.page_index(model)["levels"]
    named = {url for number, level in enumerate(levels) for url, _ in grid_cells(level, number) if url}
    assert [level["files"] for level in levels[2:]] == ["0110", "1011"]
    context = browser.new_context(viewport={"width": 1000, "height": 700})
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server.url)
                  else route.abort())
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: "/basemap-" in request.url and requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda r: r.status >= 400 and errors.append(f"{r.status} {r.url}"))
    try:
        page.goto(server.url + "base/")
        wait_until(page, "window.storymap !== undefined", timeout=10_000)
        # the middle of each level's area: its four cells in view (the view is 11 by 8 degrees at
        # zoom 7, 44 by 31 at zoom 5)
        for lat, lon, zoom, pane in ((23.3, -160, 7, 3), (27.5, -150, 5, 2)):
            page.evaluate(f"window.map_storymap.setView([{lat}, {lon}], {zoom}, {{animate: false}}); null")
            wait_until(page, f"({LAND_PIXELS})('.leaflet-smBase{pane}-pane') > 100")
        page.wait_for_timeout(300)  # time for any late request to show
    finally:
        context.close()
    asked = [url.split("/base/", 1)[1] for url in requests]
    assert set(asked) <= named, set(asked) - named
    assert {name.split("?")[0] for name in asked if name.startswith(("basemap-2", "basemap-3"))} == {
        "basemap-2-2.json", "basemap-2-3.json", "basemap-3-1.json", "basemap-3-3.json", "basemap-3-4.json"}
    assert errors == []

