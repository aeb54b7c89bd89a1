"""The page draws in the colours of static/styles.json, as preview.png does
(tests/test_styles.py): the legend's symbols and the map's events and routes."""
from __future__ import annotations

import datetime as dt
import json

from storymap import i18n
from storymap.styles import styles

from ..pagedata_reading import read_page_data
from .conftest import wait_until

STORY = "nk-russia-munitions-2023/"

# The colours of a canvas's (or a picture's) fully opaque pixels, as #rrggbb: each a colour drawn
# as is, not a blend.
OPAQUE_COLOURS = """(canvas) => {
  if (canvas instanceof HTMLImageElement) {
    const picture = canvas;
    canvas = document.createElement('canvas');
    canvas.width = picture.naturalWidth; canvas.height = picture.naturalHeight;
    canvas.getContext('2d').drawImage(picture, 0, 0);
  }
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data, seen = new Set();
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] === 255) { seen.add('#' + [data[i], data[i + 1], data[i + 2]].map(v => v.toString(16).padStart(2, '0')).join('')); }
  }
  return Array.from(seen);
}"""


def legend_colours_expected() -> dict[str, set[str]]:
    """Each legend label (English) with the colours its symbol must show."""
    look, words = styles(), i18n.strings("en")
    expected = {words[f"place_{kind}"]: {parts["fill"], parts["edge"]} for kind, parts in look["placeKinds"].items()}
    for mode, parts in look["routeModes"].items():
        expected[words[f"mode_{mode}"]] = {parts["colour"]}
        expected[f"{words[f'mode_{mode}']} ({words['approximate_route']})"] = {parts["colour"]}
    expected.update({words[f"kind_{kind}"]: {colour} for kind, colour in look["eventKinds"].items()})
    # The example's low-confidence events are all routes: the legend shows only their faded line,
    # as it shows the muted look faded: no fully opaque colour to find.
    expected[words["confidence_low_legend"]] = set()
    expected[words["past_legend"]] = set()
    return expected


def test_legend_and_map_draw_in_the_colours_of_styles_json(open_page):
    page, _ = open_page("example", STORY)
    expected = legend_colours_expected()
    legend = page.evaluate(f"""() => Array.from(document.querySelectorAll('.sm-legend-list li'),
        li => [li.innerText.trim(), ({OPAQUE_COLOURS})(li.querySelector('img.sm-symbol'))])""")
    assert len(legend) >= 10  # the example's places, routes, kinds and low confidence
    for label, colours in legend:
        assert label in expected, f"a legend label without a style: {label}"
        assert expected[label] <= set(colours), f"{label}: {sorted(expected[label] - set(colours))} missing"

    # On each day an event appears, the map's canvas shows every visible event's kind colour
    # (at the opening view) and every unfaded route's mode colour (fitted to that route, which
    # may be a few pixels long at the opening view).
    data = read_page_data(page)
    opening = page.evaluate("[map_storymap.getCenter(), map_storymap.getZoom()]")
    start, seen = dt.date.fromisoformat(data["timeline"]["start"]), set()
    # The calls end in a block that returns nothing: setView and fitBounds return the map, which
    # Playwright would serialise whole (20 s with a 2,000-point rail line and the base map's layers).
    for day in sorted(set(data["events"]["from"])):
        page.evaluate("([center, zoom]) => { map_storymap.setView(center, zoom, {animate: false}); }", opening)
        page.evaluate(f"storymap.setDate('{start + dt.timedelta(days=day)}')")
        points, routes = colours_of(data, page.evaluate("storymap.visibleEvents()"), day)
        for where, colour in points:  # close up: no other marker groups with it
            page.evaluate("(where) => { map_storymap.setView(where, 9, {animate: false}); }", where)
            canvas_shows(page, {colour})
        for path, colour in routes:
            page.evaluate("(path) => { map_storymap.fitBounds(path, {animate: false}); }", path)
            canvas_shows(page, {colour})
        seen |= {colour for _, colour in points + routes}
    assert len(seen) >= 4  # the example's kinds drawn as points, and its sea route (its rail routes are faded)


def canvas_shows(page, colours: set[str]) -> None:
    """Waits (briefly) until the story canvas has fully opaque pixels of each colour."""
    wanted = json.dumps(sorted(colours))
    wait_until(page, f"(({OPAQUE_COLOURS})(document.querySelector('.sm-canvas')))"
                     f".filter(c => {wanted}.includes(c)).length === {len(colours)}", timeout=5_000)


def colours_of(data: dict, visible_ids: list[str], day: int) -> tuple[list, list]:
    """Where each visible point drawn at full strength is, with its kind's colour, and each unfaded
    visible route at full strength with its mode's colour (what has passed is drawn muted)."""
    events, look, fresh = data["events"], styles(), data["timeline"]["windowDays"]
    index = {event_id: n for n, event_id in enumerate(events["id"])}
    points, routes = [], []
    for n in (index[event_id] for event_id in visible_ids):
        geo, level = events["geo"][n], data["confidences"][events["confidence"][n]]
        if not events["span"][n] and day - events["from"][n] >= fresh:
            continue  # muted
        if isinstance(geo, int):
            points.append(([data["places"]["lat"][geo], data["places"]["lon"][geo]], look["eventKinds"][data["kinds"][events["kind"][n]]]))
        elif isinstance(geo, list):
            points.append((geo, look["eventKinds"][data["kinds"][events["kind"][n]]]))
        elif look["confidence"][level]["routeOpacity"] == 1:
            route = data["routes"][geo["route"]]
            routes.append((route["path"], look["routeModes"][route["mode"]]["colour"]))
    return points, routes
