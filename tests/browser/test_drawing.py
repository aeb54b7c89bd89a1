"""What the map draws (docs/timeline.md): past events stay drawn, muted, in cumulative
mode and leave the map in window mode; the opening view holds every located event;
place names never overlap one another nor a symbol; overlapping markers become one
with a count that parts on click; the legend lists only what is drawn."""
from __future__ import annotations

import pytest

from ..pagedata_reading import read_page_data
from .conftest import wait_until

STORY = "nk-russia-munitions-2023/"
SIZES = [(1280, 800), (768, 1024), (375, 667), (320, 568)]
LAYOUT = "document.querySelector('.sm-canvas').storymapLayout"


def overlapping(boxes: list) -> list:
    return [(a, b) for n, a in enumerate(boxes) for b in boxes[n + 1:]
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]]


@pytest.mark.parametrize("width,height", SIZES)
def test_the_last_day_draws_the_whole_story_and_names_do_not_collide(open_page, width, height):
    page, _ = open_page("example", STORY, width, height)
    page.evaluate("storymap.setDate('2100-01-01')")
    data = read_page_data(page)
    events = data["events"]
    drawn, visible = page.evaluate("[storymap.drawnEvents(), storymap.visibleEvents()]")
    located = [i for i, geo in enumerate(events["geo"]) if geo is not None]
    assert drawn == [events["id"][i] for i in located], "every located event, in timeline order"
    assert set(visible) <= set(drawn)
    routes = [events["id"][i] for i in located if isinstance(events["geo"][i], dict)]
    assert set(routes) <= set(drawn) and set(routes) - set(visible), "ended spans stay drawn, muted"
    layout = page.evaluate(LAYOUT)
    labels = [label["box"] for label in layout["labels"]]
    assert labels and overlapping(labels) == []
    assert [(a, b) for a in labels for b in layout["symbols"] if overlapping([a, b])] == []
    names = [label["text"] for label in layout["labels"]]
    if width > 375:
        assert "Tikhoretsk ammunition depot" in names, names


def test_tikhoretsk_keeps_its_name_on_a_phone(open_page):
    page, _ = open_page("example", STORY, 375, 667)
    page.evaluate("storymap.setDate('2100-01-01')")
    assert "Tikhoretsk ammunition depot" in [label["text"] for label in page.evaluate(LAYOUT)["labels"]]


@pytest.mark.parametrize("width,height", SIZES)
def test_the_opening_view_holds_every_located_event(open_page, width, height):
    page, _ = open_page("example", STORY, width, height)
    outside = page.evaluate("""(data) => {
      const view = map_storymap.getBounds();
      const points = [];
      data.events.geo.forEach(geo => {
        if (geo === null) { return; }
        if (typeof geo === 'number') { points.push([data.places.lat[geo], data.places.lon[geo]]); }
        else if (Array.isArray(geo)) { points.push(geo); }
        else { data.routes[geo.route].path.forEach(p => points.push(p)); }
      });
      return points.filter(p => !view.contains(p));
    }""", read_page_data(page))
    assert outside == []


def test_window_mode_removes_what_has_passed(open_page):
    page, _ = open_page("rules", "window-rules/")
    page.evaluate("storymap.setDate('2100-01-01')")
    assert page.evaluate("storymap.drawnEvents()") == page.evaluate("storymap.visibleEvents()")
    for day in page.evaluate("JSON.parse(document.getElementById('storymap-data').textContent).events.from"):
        page.evaluate(f"storymap.setDate(new Date(Date.parse(JSON.parse(document.getElementById('storymap-data')"
                      f".textContent).timeline.start) + {day} * 864e5).toISOString().slice(0, 10))")
        assert page.evaluate("storymap.drawnEvents()") == page.evaluate("storymap.visibleEvents()")


def test_grouped_markers_show_a_count_and_part_on_click(open_page):
    page, _ = open_page("example", STORY, 768, 1024)
    page.evaluate("storymap.setDate('2100-01-01')")
    page.evaluate("() => { map_storymap.setZoom(2, {animate: false}); }")
    wait_until(page, f"{LAYOUT}.groups.length > 0", timeout=5_000)
    group = page.evaluate(f"{LAYOUT}.groups[0]")
    assert group["count"] > 1
    zoom = page.evaluate("map_storymap.getZoom()")
    box = page.locator("#map, .folium-map").first.bounding_box()
    page.mouse.click(box["x"] + group["x"], box["y"] + group["y"])
    wait_until(page, f"map_storymap.getZoom() > {zoom}", timeout=5_000)
    wait_until(page, f"!{LAYOUT}.groups.some(g => g.count >= {group['count']})", timeout=5_000)


def test_the_legend_lists_only_what_is_drawn(open_page):
    page, _ = open_page("example", STORY)
    labels = page.evaluate("Array.from(document.querySelectorAll('.sm-legend-list li'), li => li.innerText.trim())")
    assert "Movement" not in labels and "movement" not in " ".join(labels).lower().split()
    assert "Earlier (muted)" in labels
    page, _ = open_page("rules", "window-rules/")
    labels = page.evaluate("Array.from(document.querySelectorAll('.sm-legend-list li'), li => li.innerText.trim())")
    assert "Earlier (muted)" not in labels


@pytest.mark.parametrize("canvas", ["story", "motion"])
def test_a_long_drag_keeps_the_story_drawn_round_the_view(open_page, canvas):
    """The canvas reaches a little past the map (layers.js: its padding); a drag that goes
    further places it round the view and draws it again while the drag goes on, instead of
    showing its edge until the mouse is let go. So does the selected route's movement."""
    page, _ = open_page("example", STORY)
    if canvas == "motion":  # a route's event selected, its movement running
        events = read_page_data(page)["events"]
        route_event = next(i for i, geo in zip(events["id"], events["geo"]) if isinstance(geo, dict))
        assert page.evaluate(f"storymap.focus('{route_event}')")
        wait_until(page, "document.querySelector('.sm-motion').dataset.moving === 'true' && !map_storymap._panAnim?._inProgress")
        page.wait_for_timeout(400)  # the map at rest after the focus's move
    renderer = ("Object.values(map_storymap._layers).find(l => l._muted)" if canvas == "story"
                else "Object.values(map_storymap._layers).find(l => l.setRoute)")
    covers = f"""(() => {{ const r = {renderer}, m = map_storymap;
      return r._bounds.contains(L.bounds(m.containerPointToLayerPoint([0, 0]), m.containerPointToLayerPoint(m.getSize()))); }})()"""
    assert page.evaluate(covers)
    box = page.locator("#map, .folium-map").first.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    # well past the padding (a share of the map's size at each side), the mouse still down
    for step in range(1, 21):
        page.mouse.move(x - step * box["width"] / 40, y - step * box["height"] / 40)
        page.wait_for_timeout(20)
    try:
        wait_until(page, covers, timeout=2_000)
        assert page.evaluate(f"{renderer}._moveFrame === 0"), "redrawn while the drag goes on"
    finally:
        page.mouse.up()
