"""The built-in base map in the browser: with `basemap: natural-earth` the page
draws Natural Earth's land from its own folder and makes no request to any
other origin; with the default tiles, every tile blocked, the same base still
shows beneath the tile pane."""
from __future__ import annotations

import pytest

from storymap import pipeline
from storymap.styles import styles

from ..conftest import FIXTURES
from .conftest import CSP_LISTENER, serve, wait_until

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

    def opener(path: str, block_outside: bool):
        context = browser.new_context(viewport={"width": 1000, "height": 700})
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
    assert page.evaluate("document.querySelectorAll('.leaflet-tile-pane img').length") == 0
    assert "Natural Earth" in page.inner_text(".leaflet-control-attribution")
    page.evaluate("window.map_storymap.setView([42.9, 132.3], 9, {animate: false}); null")  # the 1:10m cells
    wait_until(page, f"({LAND_PIXELS})('.leaflet-smBase2-pane') > 1000")
    page.evaluate("window.map_storymap.setView([40, 120], 2, {animate: false}); null")  # the world, a turn each way
    wait_until(page, BASE_DRAWN)
    # Alaska and Chukotka: the world level's turn is centred on the story (Asia), so this view
    # lies past its east end and only the copy a turn west draws it.
    page.evaluate("window.map_storymap.setView([62, -168], 4, {animate: false}); null")
    wait_until(page, BASE_DRAWN)
    page.wait_for_timeout(300)  # time for any late request to show
    outside = [url for url in requests if not url.startswith(site.url)]
    base_files = [url for url in requests if "/basemap-" in url]
    print(f"natural-earth: {len(requests)} requests, {len(base_files)} of them base files, {len(outside)} outside")
    assert outside == []
    assert any("/basemap-0.json" in url for url in base_files) and any("/basemap-2-" in url for url in base_files)
    assert errors == [] and page.evaluate("window.__cspViolations") == []


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
