"""The page script reads the compact page data (storymap/render/pagedata.py) into the columns its
components draw from: the same events, places, points and route lines as the test's own reading
(tests/pagedata_reading.py, itself checked against the model in tests/test_pagedata.py)."""
from __future__ import annotations

import pytest

from ..pagedata_reading import read_page_data
from .conftest import wait_until
from .test_map_list import CAPTURE_PAGE_DATA

# Whether every route, its line and each of its vertices, and every event's point and route
# reference is frozen (the components must not write to them).
ALL_FROZEN = """(() => { const d = window.__pageData, parts = [d.routes, d.events.geo];
  d.routes.forEach(route => parts.push(route, route.path, ...route.path));
  d.events.geo.forEach(geo => { if (geo !== null && typeof geo === 'object') { parts.push(geo); } });
  return parts.every(Object.isFrozen); })()"""


@pytest.mark.parametrize("site_name,path", [("example", "nk-russia-munitions-2023/"), ("tiny", "tiny-story/"),
                                            ("rules", "window-rules/"), ("languages", "hafen-de/")])
def test_the_script_reads_every_event_place_and_route_line_as_written(open_page, site_name, path):
    page, _ = open_page(site_name, path)
    page.add_init_script(CAPTURE_PAGE_DATA)
    page.reload()
    wait_until(page, "window.storymap !== undefined")
    read, written = page.evaluate("window.__pageData"), read_page_data(page)
    events, expected = read["events"], written["events"]
    assert read["routes"] == written["routes"], "mode, approximate, length and every vertex"
    assert read["routes"] or site_name == "languages", "routes to read (the languages' stories have none)"
    assert events["geo"] == expected["geo"]
    assert any(isinstance(geo, list) for geo in events["geo"]) or site_name != "languages", "a point"
    assert read["places"] == written["places"]
    for column in ("id", "from", "until", "span", "precision"):
        assert events[column] == expected[column], column
    assert events["kind"] == [written["kinds"][n] for n in expected["kind"]]
    assert events["confidence"] == [written["confidences"][n] for n in expected["confidence"]]
    assert page.evaluate(ALL_FROZEN)
    if written["timeline"]["mode"] != "cumulative":
        return
    # What the page shows follows: every located event is drawn on the last day.
    page.evaluate("storymap.setDate('2100-01-01')")
    located = [event_id for event_id, geo in zip(expected["id"], expected["geo"]) if geo is not None]
    assert page.evaluate("storymap.drawnEvents()") == located
