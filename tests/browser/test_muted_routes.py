"""The muted routes of a crowded cumulative story (layers.js, mutedroutes.js): whole chunks
of them are kept on a canvas of their own and copied, and a later day draws only the routes
muted since. What the reader sees must be what drawing every muted route afresh draws, pixel
for pixel, after jumps forward and back, a selected muted route, a pan and a zoom."""
from __future__ import annotations

from .conftest import RENDERER, open_crowded

# Moves to a day (a number of days after the timeline's start) and compares the canvas as
# drawn then with the canvas drawn again with nothing kept: {kept, differing bytes}.
JUMP_AND_COMPARE = """([day, select]) => {
  const r = %s, canvas = r._container, ctx = canvas.getContext('2d');
  const start = JSON.parse(document.getElementById('storymap-data').textContent).timeline.start;
  if (select !== null) { r._selected = select; }
  storymap.setDate(new Date(Date.parse(start) + day * 864e5).toISOString().slice(0, 10));
  const kept = r._muted.kept ? r._muted.kept.to : 0, shown = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  r._muted.kept = null; r.redraw();
  const fresh = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let differing = 0;
  for (let i = 0; i < shown.length; i++) { if (shown[i] !== fresh[i]) { differing++; } }
  return {kept, differing, painted: shown.some(v => v)};
}""" % RENDERER

# A muted route on the kept canvas, of low confidence (drawn faded when selected: what is beneath shows) whose
# line no other muted event travels, the longest of them on the canvas.
PICK_MUTED = """() => {
  const r = %s, lines = r._lines, ev = r._story.events, uses = new Map(), shift = r._shift(), c = r._container;
  const inside = p => p[0] >= shift[0] && p[1] >= shift[1] && p[0] - shift[0] <= c.width && p[1] - shift[1] <= c.height;
  const length = line => line.slice(1).reduce((sum, p, k) => sum + (inside(p) && inside(line[k]) ? Math.hypot(p[0] - line[k][0], p[1] - line[k][1]) : 0), 0);
  r._muted.order.forEach(i => uses.set(lines[ev.geo[i].route], (uses.get(lines[ev.geo[i].route]) || 0) + 1));
  const unique = r._muted.order.slice(0, r._muted.kept.to).filter(i => ev.confidence[i] === 'low' && uses.get(lines[ev.geo[i].route]) === 1);
  return unique.reduce((best, i) => length(lines[ev.geo[i].route]) > length(lines[ev.geo[best].route]) ? i : best);
}""" % RENDERER
# How many canvas bytes selecting that route changes (drawn afresh both times).
SELECTING_CHANGES = """(index) => {
  const r = %s, c = r._container, ctx = c.getContext('2d'), draw = (selected) => {
    r._selected = selected; r._muted.kept = null; r.redraw(); return ctx.getImageData(0, 0, c.width, c.height).data;
  };
  const a = draw(-1), b = draw(index);
  let n = 0;
  for (let i = 0; i < a.length; i++) { if (a[i] !== b[i]) { n++; } }
  r._selected = -1;
  return n;
}""" % RENDERER


def test_kept_muted_routes_equal_a_fresh_drawing(browser, crowded):
    context, page, errors = open_crowded(browser, crowded)
    try:
        compare = lambda day, select=None: page.evaluate(JUMP_AND_COMPARE, [day, select])  # noqa: E731
        # closer in than the opening view, where markers hide most routes
        page.evaluate("map_storymap.setZoom(map_storymap.getZoom() + 2, {animate: false})")
        last = compare(364)
        assert last["kept"] > 0 and last["differing"] == 0 and last["painted"], last
        # back to the start (drawn directly, the kept canvas left for later), then forward in steps
        for day in (0, 120, 121, 200, 364, 30, 364, 250):
            result = compare(day)
            assert result["differing"] == 0, (day, result)
        assert compare(364)["kept"] == last["kept"]
        # a selected muted route is left out of the kept canvas, drawn on top with its halo
        muted = page.evaluate(PICK_MUTED)
        assert page.evaluate(SELECTING_CHANGES, muted) > 1000, "the selected route shows: a test with teeth"
        # kept without it, then selected, back, forward, and no longer selected
        assert compare(364)["differing"] == 0
        for day, select in ((364, muted), (100, muted), (364, muted), (364, -1)):
            assert compare(day, select)["differing"] == 0, (day, select)
        # the view moves: kept chunks from the old view would be in the wrong place
        page.evaluate("map_storymap.panBy([180, -90], {animate: false})")
        for day in (364, 0, 300, 364):
            assert compare(day)["differing"] == 0, ("panned", day)
        page.evaluate("map_storymap.setZoom(map_storymap.getZoom() + 1, {animate: false})")
        for day in (364, 50, 364):
            assert compare(day)["differing"] == 0, ("zoomed", day)
        assert errors == []
    finally:
        context.close()


def test_muted_routes_still_answer_a_click(browser, crowded):
    context, page, errors = open_crowded(browser, crowded)
    try:
        page.evaluate("storymap.setDate('2100-01-01')")
        # the middle of a muted route's first segment, in container px, clear of any marker
        hit = page.evaluate("""() => {
          const r = %s, shift = r._shift();
          for (const index of r._muted.order) {
            const line = r._lines[r._story.events.geo[index].route], a = line[0], b = line[1];
            const x = (a[0] + b[0]) / 2 - shift[0] + r._bounds.min.x, y = (a[1] + b[1]) / 2 - shift[1] + r._bounds.min.y;
            const found = r.hitTest(map_storymap.layerPointToContainerPoint([x, y]));
            if (found && found.line) { return r._story.events.geo[found.index].route !== undefined; }
          }
          return null;
        }""" % RENDERER)
        assert hit is True
        assert errors == []
    finally:
        context.close()


def test_a_crowded_map_starts_while_hidden(browser, crowded):
    """An embed in a host's hidden panel (display: none) has a map of no size: the page still
    starts, with nothing to draw (copying an empty kept canvas threw and it never got ready),
    and draws its muted routes once shown."""
    (crowded.root / "host.html").write_text(
        '<!DOCTYPE html><title>host</title><iframe id="story" src="bench-story/embed.html" '
        'style="display: none" width="800" height="500"></iframe>', "utf-8")
    context = browser.new_context(viewport={"width": 1024, "height": 700})
    context.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url else route.abort())
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(crowded.url + "host.html")
        frame = page.frame_locator("#story")
        frame.locator("html.storymap-ready").wait_for(state="attached", timeout=20_000)
        story = page.frames[1]
        assert story.evaluate("map_storymap.getSize().x") == 0
        page.wait_for_timeout(1500)  # the kept canvas is made when the page is idle (1 s at most)
        story.evaluate("storymap.setDate('2023-06-01'); storymap.setDate('2100-01-01')")
        page.evaluate("document.getElementById('story').style.display = 'block'")
        story.evaluate("map_storymap.invalidateSize({animate: false})")
        story.evaluate("storymap.setDate('2100-01-01')")
        painted = story.evaluate("""() => { const c = %s._container;
            return c.width > 0 && c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some(v => v); }""" % RENDERER)
        assert painted and errors == []
    finally:
        context.close()
