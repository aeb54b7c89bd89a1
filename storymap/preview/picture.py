"""preview.png: a still picture of a story's map, 1200x630, for social cards,
newsletters and readers without JavaScript.

render() is pure: a story model and the land layers in, PNG bytes out. A build
reads the land once for all its stories with read_land() (previewgeo.py, which
also projects and frames); without data/naturalearth/ the map is drawn on a
plain background with a graticule. It is drawn like the page's map, from the
same styles (static/styles.json): routes styled by mode, places by kind, events
by kind with low confidence hollow, framed like the page's opening view, under
the title and over a credit line.

Two builds give the same bytes: matplotlib's Agg canvas without pyplot (no GUI
backend, no global figures), default rc settings, named font files rather than
whatever fonts the machine has (fonts.py), fixed size and dpi, and no Software
stamp in the PNG. matplotlib is imported only when a preview is drawn.
"""
from __future__ import annotations

import io
import math
from typing import Any

from storymap import i18n
from storymap.model import PartialDate, PlaceKind, StoryModel, When
from storymap.styles import styles
from storymap.preview.fonts import drawable, font as _font
from storymap.preview.geometry import Land, detail_view, features, mercator_y, view
from storymap.preview.geometry import read_land  # noqa: F401  (a build reads the land through this module)

WIDTH, HEIGHT, DPI = 1200, 630, 100  # the spec's size; Open Graph's recommended 1.91:1
HEADER, FOOTER, MARGIN = 100, 34, 30  # px: title band, credit line, text inset
PT = 72 / DPI  # points per pixel: matplotlib sizes lines and markers in points

SEA, LAND, BORDER, COAST, PLAIN, GRID = "#d5e4ee", "#f4f2ec", "#c8b5c8", "#93a9ba", "#eef0f2", "#d6dbe0"
# Colours, widths, dashes (px) and limits are the page's: styles.json. The shapes of place
# symbols are matplotlib markers here, the size in px of the page's canvas symbols; and the
# marks inside some of them (drawn in the symbol's edge colour).
PLACE_MARKERS = {PlaceKind.PORT: ("s", 12), PlaceKind.RAILHEAD: ("s", 12), PlaceKind.DEPOT: ("^", 14),
                 PlaceKind.BASE: ("*", 17), PlaceKind.BORDER_CROSSING: ("D", 11), PlaceKind.CITY: ("o", 8),
                 PlaceKind.SITE: ("o", 11)}
INNER_MARKS = {PlaceKind.PORT: ("+", 8), PlaceKind.SITE: ("o", 3.6)}  # the port's cross, the site's centre dot
LABEL_LIMIT = 60  # place names and crowd counts beyond this many would only blur the picture


# --- text ---------------------------------------------------------------------------

def _wrap(fits, text: str) -> list[str]:
    """Greedy line breaks at spaces; a word wider than a line (a script without spaces) breaks anywhere."""
    lines, line = [], ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if fits(candidate):
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
        while not fits(line) and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and not fits(line[:cut]):
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    return lines + [line]


def _shorten(fits, text: str) -> str:
    while text and not fits(text + "…"):
        text = text[:-1].rstrip()
    return text + "…"


def _draw_text(figure, renderer, model: StoryModel, with_land: bool) -> None:
    """The title over the map (one line, or two smaller ones) and the credit line under it."""
    story = model.story

    def fitter(prop, width):
        return lambda s: renderer.get_text_width_height_descent(s, prop, ismath=False)[0] <= width

    (title, face), width = drawable(story.title), WIDTH - 2 * MARGIN
    for size, most in ((26, 1), (22, 2), (19, 2)):
        lines = _wrap(fitter(_font(size, True, face), width), title)
        if len(lines) <= most:
            break
    if len(lines) > 2:
        lines = [lines[0], _shorten(fitter(_font(size, True, face), width), " ".join(lines[1:]))]
    figure.text(MARGIN / WIDTH, 1 - HEADER / 2 / HEIGHT, "\n".join(lines), fontproperties=_font(size, True, face),
                color="#1a1a1a", ha="left", va="center", linespacing=1.2, parse_math=False)
    right = "Map data: Natural Earth" if with_land else ""
    room = width - renderer.get_text_width_height_descent(right, _font(11), ismath=False)[0] - 24 if right else width
    left, face = drawable(credit_line(model))
    if not fitter(_font(11, face=face), room)(left):
        left = _shorten(fitter(_font(11, face=face), room), left)
    for x, text, small, align in ((MARGIN, left, _font(11, face=face), "left"),
                                  (WIDTH - MARGIN, right, _font(11), "right")):
        figure.text(x / WIDTH, FOOTER / 2 / HEIGHT, text, fontproperties=small, color="#444444",
                    ha=align, va="center", parse_math=False)


def date_range(model: StoryModel) -> str:
    start, end = PartialDate.from_date(model.start), PartialDate.from_date(model.end)
    span = model.end != model.start
    return i18n.format_when(When(start, end if span else None, is_span=span), model.story.language)


def credit_line(model: StoryModel) -> str:
    byline = model.story.byline
    text = i18n.strings(model.story.language)
    return (f"{text['by']} {byline} · " if byline else "") + date_range(model)


def alt_text(model: StoryModel) -> str:
    """What the picture shows, for its alt text: the title and the places on it."""
    text = f"{i18n.strings(model.story.language)['map_label']}: {model.story.title}"
    names = [p.name for p in model.places]
    if names:
        text += " – " + ", ".join(names[:8]) + (", …" if len(names) > 8 else "")
    return text


# --- map ----------------------------------------------------------------------------

def _compound(coords, index, closed: bool):
    """One matplotlib path for many lines or rings: coords with the number of the part each belongs to."""
    import numpy as np
    from matplotlib.path import Path as MplPath

    codes = np.full(len(coords), MplPath.LINETO, dtype=MplPath.code_type)
    starts = np.flatnonzero(np.diff(index, prepend=-1))
    codes[starts] = MplPath.MOVETO
    if closed:
        codes[np.append(starts[1:], len(coords)) - 1] = MplPath.CLOSEPOLY
    return MplPath(coords, codes)


def _draw_land(ax, land: Land, box) -> None:
    """Land, borders and coasts; again 360 degrees over where the view crosses the 180th meridian."""
    import shapely
    from matplotlib.patches import PathPatch

    x0, x1, y0, y1 = box
    margin = (x1 - x0) / 50  # clipped a little beyond the view, so the cut edges stay out of sight
    for shift in (-360, 0, 360):
        lo, hi = max(-180.0, x0 - margin - shift), min(180.0, x1 + margin - shift)
        if lo >= hi:
            continue
        rect = (lo, y0 - margin, hi, y1 + margin)
        polygons = shapely.get_parts(shapely.clip_by_rect(land.polygons, *rect))
        rings = shapely.get_rings(shapely.orient_polygons(polygons[shapely.get_type_id(polygons) == 3]))
        layers = ((rings, True, {"facecolor": LAND, "edgecolor": "none", "zorder": 1}),
                  (land.borders, False, {"edgecolor": BORDER, "linewidth": 1.2 * PT, "zorder": 2}),
                  (land.coast, False, {"edgecolor": COAST, "linewidth": 1.0 * PT, "zorder": 3}))
        for shapes, closed, style in layers:
            if not closed:
                shapes = shapely.get_parts(shapely.clip_by_rect(shapes, *rect))
            coords, index = shapely.get_coordinates(shapes, return_index=True)
            if len(coords):
                coords[:, 0] += shift
                ax.add_artist(PathPatch(_compound(coords, index, closed), fill=closed, **style))


def _draw_graticule(ax, box) -> None:
    """Without land, lines every few degrees give the plain background a scale."""
    import numpy as np
    from matplotlib.collections import LineCollection

    x0, x1, y0, y1 = box
    step = next((s for s in (0.5, 1, 2, 5, 10, 15, 30) if (x1 - x0) / s <= 12), 45)
    lats = np.arange(-80, 80.1, step)
    lines = [[(x, y0), (x, y1)] for x in np.arange(np.ceil(x0 / step) * step, x1, step)]
    lines += [[(x0, y), (x1, y)] for y in mercator_y(lats) if y0 < y < y1]
    ax.add_collection(LineCollection(lines, colors=GRID, linewidths=PT, zorder=1), autolim=False)


def _arrowhead(xy, scale: float):
    """A triangle at the line's end pointing along its last leg (the page's shape), or None."""
    import numpy as np

    end, before = xy[-1], next((p for p in xy[-2::-1] if tuple(p) != tuple(xy[-1])), None)
    if before is None:
        return None
    (dx, dy), length = end - before, float(np.hypot(*(end - before)))
    cos, sin = dx / length, dy / length
    return [(end[0] + (u * cos - v * sin) * scale, end[1] + (u * sin + v * cos) * scale)
            for u, v in ((3, 0), (-9, -6.5), (-9, 6.5))]


def _draw_routes(ax, routes: list, scale: float) -> None:
    """Routes by mode, as on the page: sea dashed blue, rail dark with ties, road orange, air dotted purple."""
    from matplotlib.collections import LineCollection, PolyCollection

    plain = len(routes) > styles()["limits"]["routeDetail"]  # hairlines, as the page draws a crowd of routes
    groups: dict[tuple, list] = {}
    for xy, mode, alpha in routes:
        groups.setdefault((mode, alpha), []).append(xy)
    for (mode, alpha), lines in sorted(groups.items(), key=lambda item: (-item[0][1], item[0][0])):
        look = styles()["routeModes"][mode]
        colour, width, dash, ties = look["colour"], look["width"], look["dash"], look.get("ties")
        style = {"alpha": alpha, "zorder": 4, "capstyle": "round", "joinstyle": "round"}
        if plain:
            ax.add_collection(LineCollection(lines, colors=colour, linewidths=PT, **style), autolim=False)
            continue
        pattern = (0, tuple(d / width for d in dash)) if dash else "solid"  # dashes scale with the width
        ax.add_collection(LineCollection(lines, colors=colour, linewidths=width * PT, linestyles=pattern, **style),
                          autolim=False)
        if ties:  # a railway: light dashes inside the dark line
            inner = width - ties["inset"]
            ax.add_collection(LineCollection(lines, colors=ties["colour"], linewidths=inner * PT,
                                             linestyles=(0, tuple(d / inner for d in ties["dash"])), **style),
                              autolim=False)
        heads = [head for head in (_arrowhead(xy, scale) for xy in lines) if head]
        ax.add_collection(PolyCollection(heads, facecolors=colour, edgecolors="white", linewidths=1.5 * PT,
                                         alpha=alpha, zorder=5), autolim=False)


def _draw_places(ax, places: list, renderer, box, avoid: list, width: int) -> None:
    """Places by kind with their names; a name that would cover another is left out, as on the page."""
    by_kind: dict[PlaceKind, list] = {}
    for x, y, place in places:
        by_kind.setdefault(place.kind, []).append((x, y))
    for kind, xy in sorted(by_kind.items()):
        (marker, size), look = PLACE_MARKERS[kind], styles()["placeKinds"][kind]
        xs, ys = zip(*xy)
        ax.scatter(xs, ys, s=(size * PT) ** 2, marker=marker, c=look["fill"], edgecolors=look["edge"],
                   linewidths=2 * PT, zorder=6)
        if kind in INNER_MARKS:
            mark, mark_size = INNER_MARKS[kind]
            ax.scatter(xs, ys, s=(mark_size * PT) ** 2, marker=mark, c=look["edge"], linewidths=2 * PT, zorder=6)
    _draw_labels(ax, places, renderer, box, avoid, width)


def _draw_labels(ax, places: list, renderer, box, avoid: list, width_px: int) -> None:
    """Place names right of their symbol, or left of it; left out where they would cover a name or an event."""
    import matplotlib.patheffects as effects
    import numpy as np

    x0, _, y0, _ = box
    scale = (box[1] - box[0]) / width_px
    taken: list[tuple[float, float, float, float]] = []  # the names drawn, as px rectangles
    halo = [effects.withStroke(linewidth=3, foreground=(1, 1, 1, 0.9))]
    dots = (np.array([(x, y) for x, y, *_ in avoid]).reshape(-1, 2) - (x0, y0)) / scale  # px, map's lower left

    def free(rect) -> bool:
        if rect[0] < 2 or rect[2] > width_px - 2 or any(rect[0] < r[2] and r[0] < rect[2] and rect[1] < r[3]
                                                    and r[1] < rect[3] for r in taken):
            return False
        return not np.any((dots[:, 0] > rect[0] - 6) & (dots[:, 0] < rect[2] + 6)
                          & (dots[:, 1] > rect[1] - 6) & (dots[:, 1] < rect[3] + 6))

    for x, y, place in places[:LABEL_LIMIT]:
        name, face = drawable(place.name)
        font = _font(9, True, face)
        width, height, _ = renderer.get_text_width_height_descent(name, font, ismath=False)
        px, base = (x - x0) / scale, (y - y0) / scale - 4
        rect = next((r for r in ((px + 10, base - 3, px + 10 + width, base + height),
                                 (px - 10 - width, base - 3, px - 10, base + height)) if free(r)), None)
        if rect is None:
            continue
        taken.append(rect)
        ax.text(x0 + rect[0] * scale, y - 4 * scale, name, fontproperties=font, color="#222222", ha="left",
                va="baseline", path_effects=halo, clip_on=True, parse_math=False, zorder=7)


def _spread(points: list, scale: float) -> tuple[list, list]:
    """Events at one spot go on a small ring round it, as on the page; more than RING_LIMIT are one crowd."""
    spots: dict[tuple, list] = {}
    for point in points:
        spots.setdefault((round(point[0] / scale), round(point[1] / scale)), []).append(point)
    spread, crowds = [], []
    for members in spots.values():
        if len(members) > styles()["limits"]["ring"]:
            crowds.append(members)
            continue
        ring = (7 + 2 * len(members)) * scale if len(members) > 1 else 0
        for k, (x, y, kind, level) in enumerate(members):  # clockwise from the top
            angle = math.pi / 2 - 2 * math.pi * k / len(members)
            spread.append((x + ring * math.cos(angle), y + ring * math.sin(angle), kind, level))
    return spread, crowds


def _draw_points(ax, points: list, crowds: list) -> None:
    """Every located event in one scatter call: filled by kind, low confidence hollow; crowds counted."""
    import numpy as np
    from matplotlib.colors import to_rgba_array

    look, kind_colours = styles()["point"], styles()["eventKinds"]
    if points:
        xs, ys, kinds, levels = zip(*points)
        palette = to_rgba_array([kind_colours[kind] for kind in sorted(set(kinds))])
        colours = palette[np.searchsorted(sorted(set(kinds)), kinds)]
        low = np.array([styles()["confidence"][level]["point"] == "hollow" for level in levels])
        white = np.ones_like(colours)
        # The page drops outlines in a crowd too.
        outline = 0 if len(points) > styles()["limits"]["pointDetail"] else look["outline"] * PT
        ax.scatter(np.array(xs), np.array(ys), s=np.where(low, (2 * look["hollowRadius"] * PT) ** 2,
                                                          (2 * look["radius"] * PT) ** 2),
                   c=np.where(low[:, None], white, colours), edgecolors=np.where(low[:, None], colours, white),
                   linewidths=np.where(low, look["hollowWidth"] * PT, outline), zorder=8)
        if not outline:
            return  # past the detail limit the page draws plain points, without glyphs
        for (kind, hollow), spots in _by_glyph(kinds, low, xs, ys).items():
            shape, extent = _glyph_marker(styles()["eventGlyphs"][kind])
            if shape is not None:  # white on a filled point, in the kind's colour in a hollow one
                size = (extent * (2.2 if hollow else 3.3) * PT) ** 2
                ax.scatter(*zip(*spots), s=size, marker=shape, c=kind_colours[kind] if hollow else "white",
                           linewidths=0, zorder=8.5)
    if crowds:
        crowd_xs, crowd_ys = [m[0][0] for m in crowds], [m[0][1] for m in crowds]
        ax.scatter(crowd_xs, crowd_ys, s=(2 * look["crowdRadius"] * PT) ** 2,
                   c=[kind_colours[m[-1][2]] for m in crowds], edgecolors="white", linewidths=2 * PT, zorder=9)
        for x, y, members in list(zip(crowd_xs, crowd_ys, crowds))[:LABEL_LIMIT]:  # past that, counts are a blur
            ax.text(x, y, "99+" if len(members) > 99 else str(len(members)), fontproperties=_font(8, bold=True),
                    color="white", ha="center", va="center_baseline", clip_on=True, zorder=10)


def _by_glyph(kinds, hollow, xs, ys) -> dict:
    """Points by (kind, hollow), in a fixed order, for one scatter call each."""
    groups: dict = {}
    for kind, low, x, y in zip(kinds, hollow, xs, ys):
        groups.setdefault((kind, bool(low)), []).append((x, y))
    return dict(sorted(groups.items()))


def _glyph_marker(name: str):
    """A matplotlib marker for the page's glyph (layers.js GLYPHS) and its size in glyph units."""
    from matplotlib.path import Path

    if name == "bar":
        return Path([(-1, -0.35), (1, -0.35), (1, 0.35), (-1, 0.35), (-1, -0.35)], closed=True), 2.0
    if name == "arrow":
        return Path([(1, 0), (-0.7, 1), (-0.7, -1), (1, 0)], closed=True), 2.0
    return {"dot": ("o", 1.6), "square": ("s", 1.5), "plus": ("P", 2.0)}.get(name, (None, 0.0))


def _draw_map(ax, found, land: Land | None, box, width: int, renderer) -> None:
    """The story's routes, places and events over land (or a graticule), in one axes of width px."""
    from matplotlib.patches import Rectangle

    ax.set_axis_off()
    ax.set_xlim(box[0], box[1])
    ax.set_ylim(box[2], box[3])
    ax.add_artist(Rectangle((0, 0), 1, 1, transform=ax.transAxes, facecolor=SEA if land else PLAIN,
                           edgecolor="none", zorder=0))
    if land is not None:
        _draw_land(ax, land, box)
    else:
        _draw_graticule(ax, box)
    scale = (box[1] - box[0]) / width  # degrees (and Mercator units) per pixel
    points, crowds = _spread(found.points, scale)
    _draw_routes(ax, found.routes, scale)
    _draw_places(ax, found.places, renderer, box, points + [c[0] for c in crowds], width)
    _draw_points(ax, points, crowds)


def _draw_detail(figure, ax, found, land: Land | None, detail, renderer) -> None:
    """The inset with a closer look at where the story crowds, and a frame on the map round that area."""
    from matplotlib.patches import Rectangle

    box, (left, bottom, width, height) = detail
    frame: dict[str, Any] = {"fill": False, "edgecolor": "#333333", "linewidth": 1.5 * PT}
    ax.add_patch(Rectangle((box[0], box[2]), box[1] - box[0], box[3] - box[2], zorder=11, **frame))
    inset = figure.add_axes((left / WIDTH, (FOOTER + bottom) / HEIGHT, width / WIDTH, height / HEIGHT))
    inset.set_zorder(20)
    _draw_map(inset, found, land, box, width, renderer)
    inset.add_artist(Rectangle((0, 0), 1, 1, transform=inset.transAxes, zorder=30, clip_on=False, **frame))


def render(model: StoryModel, land: Land | None) -> bytes:
    """The story's preview.png: its map under its title, with a credit line; where most of the
    story crowds into a small part of a wide map, an inset shows that part closer."""
    import matplotlib.style
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    map_height = HEIGHT - HEADER - FOOTER
    found = features(model)
    box = view(model.story.map, found.bounds(), WIDTH, map_height)
    with matplotlib.style.context("default"):  # a matplotlibrc on the machine must not change the picture
        figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, facecolor="white")
        renderer = FigureCanvasAgg(figure).get_renderer()
        ax = figure.add_axes((0, FOOTER / HEIGHT, 1, map_height / HEIGHT))
        _draw_map(ax, found, land, box, WIDTH, renderer)
        detail = detail_view(found, box, WIDTH, map_height)
        if detail is not None:
            _draw_detail(figure, ax, found, land, detail, renderer)
        _draw_text(figure, renderer, model, land is not None)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
