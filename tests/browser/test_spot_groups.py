"""Markers in groups on a crowded cumulative story (spots.js): the groups of every located
event, worked out once a zoom when the page is idle, give each day's markers with a binary
search per group. What they draw must be what grouping the day's events afresh draws, pixel
for pixel, with the same symbols, names and click targets, on any day, with a selection,
after a zoom and after a pan."""
from __future__ import annotations

import pytest

from storymap.styles import styles

from .conftest import RENDERER, built_and_served, open_crowded, wait_until

# Moves to a day (days after the timeline's start) with an event selected (-1: none), then draws
# the day again grouping its events afresh: {cached, differing bytes, same layout, same targets}.
COMPARE = """([day, select]) => {
  const r = %s, c = r._container, ctx = c.getContext('2d');
  const start = JSON.parse(document.getElementById('storymap-data').textContent).timeline.start;
  const targets = () => JSON.stringify(r._hits.map(h => [h.index, h.place, h.x, h.y, h.r, h.spots ? h.spots() : null]));
  r._selected = select;
  storymap.setDate(new Date(Date.parse(start) + day * 864e5).toISOString().slice(0, 10));
  const cached = r._drawnBefore >= 0 && !!r._projected.groups;
  const a = ctx.getImageData(0, 0, c.width, c.height).data, layoutA = JSON.stringify(c.storymapLayout), hitsA = targets();
  const before = r._drawnBefore;
  r._drawnBefore = -1; r.redraw();
  const b = ctx.getImageData(0, 0, c.width, c.height).data, layoutB = JSON.stringify(c.storymapLayout), hitsB = targets();
  r._drawnBefore = before; r.redraw();
  let differing = 0;
  for (let i = 0; i < a.length; i++) { if (a[i] !== b[i]) { differing++; } }
  return {cached, differing, sameLayout: layoutA === layoutB, sameTargets: hitsA === hitsB,
          markers: c.storymapLayout.groups.length, parted: r._hits.filter(h => h.spots).length};
}""" % RENDERER
GROUPED = RENDERER + "._projected.groups !== undefined"
LAYOUT = "document.querySelector('.sm-canvas').storymapLayout"


def test_groups_worked_out_once_draw_what_grouping_the_day_draws(browser, crowded):
    context, page, errors = open_crowded(browser, crowded)
    try:
        compare = lambda day, select=-1: page.evaluate(COMPARE, [day, select])  # noqa: E731
        wait_until(page, GROUPED, 5_000)
        last = compare(364)
        assert last["cached"] and last["markers"] > 10 and last["parted"] > 0, last
        assert last["differing"] == 0 and last["sameLayout"] and last["sameTargets"], last
        for day, select in ((0, -1), (1, -1), (45, 7), (120, -1), (200, 2500), (364, 2999), (364, 0), (30, -1)):
            result = compare(day, select)
            assert result["cached"] and result["differing"] == 0 and result["sameLayout"] and result["sameTargets"], (day, select, result)
        for move in ("setZoom(map_storymap.getZoom() + 1, {animate: false})", "panBy([170, -95], {animate: false})"):
            page.evaluate("map_storymap." + move)
            # the first drawing after a zoom groups the day itself; the cached groups come when idle
            wait_until(page, GROUPED, 5_000)
            for day, select in ((364, -1), (90, 3), (250, -1)):
                result = compare(day, select)
                assert result["cached"] and result["differing"] == 0 and result["sameLayout"] and result["sameTargets"], (move, day, result)
        assert errors == []
    finally:
        context.close()


def test_a_group_of_cached_spots_zooms_in_to_part_them(browser, crowded):
    context, page, errors = open_crowded(browser, crowded)
    try:
        wait_until(page, GROUPED, 5_000)
        page.evaluate("storymap.setDate('2100-01-01')")
        zoom = page.evaluate("map_storymap.getZoom()")
        # the marker of a group of several spots, clicked where it is drawn
        point = page.evaluate("""() => { const r = %s, hit = r._hits.find(h => h.spots);
            return map_storymap.layerPointToContainerPoint([hit.x + r._bounds.min.x, hit.y + r._bounds.min.y]); }""" % RENDERER)
        box = page.locator("#map_storymap").bounding_box()
        page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
        wait_until(page, f"map_storymap.getZoom() > {zoom}", 5_000)
        assert errors == []
    finally:
        context.close()


# Ten spans at one spot (one marker with their count, more than styles.json's ring holds),
# started a day apart and ended a day apart, and an event far off that frames the map.
CROWD_AT_ONE_SPOT = "".join(f"""\
- id: span-{k}
  title: Span {k}
  start: 2023-01-{1 + k:02d}
  end: 2023-01-{11 + k:02d}
  at: {{lat: 45.0, lon: 40.0}}
  sources: [{{publisher: Example Wire}}]
""" for k in range(10)) + """\
- id: far-off
  title: Far off
  date: 2023-01-01
  at: {lat: 55.0, lon: 60.0}
  sources: [{publisher: Example Wire}]
"""


@pytest.fixture(scope="module")
def one_spot(tmp_path_factory):
    root = tmp_path_factory.mktemp("one-spot")
    folder = root / "stories" / "one-spot"
    (folder / "events").mkdir(parents=True)
    (folder / "story.yaml").write_text("title: One spot\nsummary: Spans at one spot.\npublished: 2023-02-01\n"
                                       "timeline: {mode: cumulative, end: 2023-01-31}\n", "utf-8")
    (folder / "events" / "events.yaml").write_text(CROWD_AT_ONE_SPOT, "utf-8")
    (root / "data").mkdir()
    yield from built_and_served(root / "stories", root / "data", root / "site")


@pytest.mark.parametrize("cached", [False, True])
def test_a_marker_is_muted_once_all_its_events_have_passed(browser, one_spot, cached):
    context = browser.new_context(viewport={"width": 1024, "height": 700})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(one_spot.url + "one-spot/")
        wait_until(page, "window.storymap !== undefined", 10_000)
        if cached:
            wait_until(page, GROUPED, 5_000)
        else:  # grouped afresh each day, as a window-mode story always is
            page.evaluate(f"(() => {{ const r = {RENDERER}; r._inStartOrder = false; }})()")
        marker = lambda day: page.evaluate(  # noqa: E731
            f"storymap.setDate('{day}'), {LAYOUT}.groups.filter(g => g.count > 1).map(g => [g.count, g.muted])")
        assert marker("2023-01-05") == [], "five at one spot: a ring of markers, no count"
        assert marker("2023-01-09") == [[9, False]]
        # all ten started, the first nine ended: one is still on
        assert marker("2023-01-20") == [[10, False]]
        assert marker("2023-01-21") == [[10, True]]
        assert page.evaluate(f"{RENDERER}._drawnBefore >= 0 && !!{RENDERER}._projected.groups") == cached
        assert errors == []
    finally:
        context.close()


# For unmuted crowds with no other crowd nor place name drawn where they are looked at: the canvas's device pixels 8 px
# (CSS) above the centre, inside the disc (12 px radius; the count, as wide as "99+", is
# written across the centre), and 17 px above it, outside the disc and its ring: [r, g, b, a].
CROWD_PIXELS = """() => {
  const c = document.querySelector('.sm-canvas'), ctx = c.getContext('2d'), ratio = c.width / c.clientWidth;
  const box = c.getBoundingClientRect(), frame = map_storymap.getContainer().getBoundingClientRect();
  const named = (x, y) => c.storymapLayout.labels.some(l => l.box[0] - 4 <= x && x <= l.box[2] + 4 && l.box[1] - 24 <= y && y <= l.box[3] + 4);
  const groups = c.storymapLayout.groups, clear = (g, d) => groups.every(o => o === g || Math.hypot(o.x - g.x, o.y - g.y + d) > 16);
  const pixel = (x, y) => Array.from(ctx.getImageData(Math.round((x + frame.left - box.left) * ratio), Math.round((y + frame.top - box.top) * ratio), 1, 1).data);
  return groups.filter(g => !g.muted && clear(g, 8) && clear(g, 17) && !named(g.x, g.y - 8)).slice(0, 12).map(g => [pixel(g.x, g.y - 8), pixel(g.x, g.y - 17)]);
}"""


@pytest.mark.parametrize("ratio", [1, 2])
def test_crowds_are_stamped_in_their_kinds_colour_at_any_pixel_ratio(browser, crowded, ratio):
    # Crowds' discs are painted once and copied (layers.js, stamp): a copy placed or scaled
    # wrongly (a phone's two device pixels per CSS pixel) leaves its fill off the crowd's centre.
    kinds = {tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in styles()["eventKinds"].values()}
    context = browser.new_context(viewport={"width": 1024, "height": 700}, device_scale_factor=ratio)
    try:
        context.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url else route.abort())
        page = context.new_page()
        page.goto(crowded.url + "bench-story/")
        page.wait_for_function("window.storymap !== undefined", timeout=10_000)
        pixels = page.evaluate(CROWD_PIXELS)
        assert len(pixels) >= 3, pixels
        assert [p for p in pixels if tuple(p[0][:3]) not in kinds or p[0][3] != 255] == [], pixels
        assert [p for p in pixels if p[1] == p[0]] == [], pixels  # nor painted larger than it is
    finally:
        context.close()


def test_the_groups_wait_for_a_long_idle_period(browser, crowded):
    # Working out every group takes tens of milliseconds (a hundred at 100,000 events): in the
    # short idle periods between a scroll's frames it made one frame that long (util.js,
    # whenLongIdle). While frames keep coming it waits, and comes once they stop.
    context, page, errors = open_crowded(browser, crowded)
    try:
        wait_until(page, GROUPED, 5_000)
        page.evaluate("""window.__frames = true;
            (function spin() { if (window.__frames) { requestAnimationFrame(spin); } })();""")
        page.evaluate("map_storymap.setZoom(map_storymap.getZoom() + 1, {animate: false})")
        page.wait_for_timeout(1500)  # past the second an idle callback would wait for
        assert page.evaluate(GROUPED) is False
        page.evaluate("window.__frames = false")
        wait_until(page, GROUPED, 5_000)
        assert errors == []
    finally:
        context.close()
