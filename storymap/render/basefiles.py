"""The base map beneath each story: Natural Earth's land, coasts and borders as
static files beside the story's pages, which the page fetches from its own
site as the reader zooms (static/js/basemap.js). With `basemap: natural-earth`
it is the whole map and no request leaves the site; under a tile provider it
shows wherever tiles fail or are blocked.

Four levels of detail, each clipped to the story and simplified to about a
pixel at its closest whole zoom (naturalearth.py):

    level 0  zoom 0-2   the world once round the story, 1:50m, coarse
    level 1  zoom 3     the world once round the story, 1:50m
    level 2  zoom 4-6   the story's box and 20 degrees round it, 1:50m, in cells of 30 degrees
    level 3  zoom 7 on  the box and 4 degrees round it, 1:10m, in cells of 8 degrees

The world comes twice because a wide story opens below zoom 3, where the
finer world file's detail is below a pixel: it loads the coarse file, a
third the size gzipped, and from zoom 3 the page fetches the finer one in its
place (never both for one view). Levels 2 and 3 are cut into cells so that a
reader fetches only the cells in view; a cell with neither land nor border has
no file.

A file is JSON: {"scale": units per degree, "clip": [x0, y0, x1, y1], "land":
[ring, ...], "borders": [line, ...]}, every ring and line a flat list of
integers x0, y0, dx1, dy1, ... in Web Mercator degrees (x the longitude, y the
northing at the equator's scale) times scale. A ring's edges along the clip
rectangle are cuts, not coast: the page strokes the rest as coastline, so no
coast is sent twice.

The page's data gets the index, a few hundred bytes whatever the number of cells
(it listed every cell's bounds and address, 15 kB for the benchmark's story). Per level:

    {"minZoom": 7, "wrap": false, "area": [16, 32, 144, 120], "cell": 8,
     "files": "1101...", "v": "d138ff15aa"}

minZoom, the level's smallest zoom; wrap, whether the page draws it again a turn
east and west, like tiles (the world levels); area, x0, y0, x1, y1 in Mercator
degrees; cell, the side of its cells. The cells run from x0 and from y0 in steps
of cell, the last column and row cut short by the area's edge, and are counted from
the north-west, row by row: files has a 1 for each cell with a file and a 0 for one
without. Cell n's file is basemap-<level>-<n>.json (n from 1), basemap-<level>.json
when the level is one cell, with ?v= and the level's version, a digest of all its
files' names and bytes: any change to a file changes the addresses of its level's
files, so a host can keep them for good. Same story box, same bytes.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from markupsafe import escape

from storymap.model import StoryModel
from storymap.preview.geometry import mercator_y
from storymap.render import naturalearth
from storymap.render.map import view_bounds

ATTRIBUTION = '<a href="https://www.naturalearthdata.com/">Natural Earth</a>'
DEFAULT_SPOT = (20.0, 0.0)  # where a story with nothing on the map opens (render.map_skeleton)
Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 in Mercator degrees


@dataclass(frozen=True)
class Level:
    min_zoom: int
    source: str  # naturalearth.SOURCES
    tolerance: float  # Mercator degrees: about a pixel at the level's closest zoom
    scale: int  # file units per Mercator degree
    margin: float | None  # degrees kept round the story; None: the whole world round it
    cell: float  # the level's area is cut into square cells this many degrees wide


# A pixel is 360 / 256 / 2**zoom degrees: 0.35 at zoom 2, 0.18 at zoom 3. A level's tolerance is
# about a pixel at its last whole zoom, so at the fractions above it (zoom snaps to quarters) a
# line strays at most about one and a half pixels: 0.15 degrees at zoom 3.75, 0.35 at zoom 2.75.
# The coarse world's scale of 5 puts its points on a grid of 0.2 degrees, half a pixel at zoom 2
# and under one at 2.75 (for the benchmark's wide story, which opens at zoom 2.5, its file is 14
# kB gzipped where the finer world's is 27 kB). Both worlds are cut into 90-degree cells, of which
# the page loads those in view: the benchmark's story, opening on Eurasia at zoom 2.5, loads 9 of
# the coarse world's 16 (10 kB of its 14); a phone's narrower view, fewer.
LEVELS = (
    Level(0, "50m", 0.35, 5, None, 90.0),  # a pixel at zoom 2 is 0.35 degrees
    Level(3, "50m", 0.15, 10, None, 90.0),  # a pixel at zoom 3 is 0.18 degrees
    Level(4, "50m", 0.02, 50, 20.0, 30.0),  # a pixel at zoom 6 is 0.022 degrees
    Level(7, "10m", 0.004, 500, 4.0, 8.0),  # 1:10m is quantised to 0.0036 degrees, a pixel at zoom 8.6
)


def story_box(model: StoryModel) -> Rect:
    """The story's features as a Mercator rectangle (a point when it has none)."""
    box = view_bounds(model)
    if box is None:
        center = model.story.map.center
        spot = (center.lat, center.lon) if center else DEFAULT_SPOT
        box = (spot, spot)
    (south, west), (north, east) = box
    return west, float(mercator_y(south)), east, float(mercator_y(north))


def level_area(level: Level, box: Rect) -> Rect:
    """What a level covers round the story's box, on whole cells (the world once for a world level)."""
    west, south, east, north = box
    if level.margin is None:
        middle = round((west + east) / 2)
        return middle - 180.0, -naturalearth.EDGE, middle + 180.0, naturalearth.EDGE
    cell = level.cell
    return (math.floor((west - level.margin) / cell) * cell,
            max(-naturalearth.EDGE, math.floor((south - level.margin) / cell) * cell),
            math.ceil((east + level.margin) / cell) * cell,
            min(naturalearth.EDGE, math.ceil((north + level.margin) / cell) * cell))


def _cells(level: Level, area: Rect) -> list[Rect]:
    """The area's cells, from the north-west, row by row."""
    x0, y0, x1, y1 = area
    xs = np.arange(x0, x1, level.cell).tolist() if x1 - x0 > level.cell else [x0]
    ys = np.arange(y0, y1, level.cell).tolist() if y1 - y0 > level.cell else [y0]
    return [(x, y, min(x + level.cell, x1), min(y + level.cell, y1)) for y in reversed(ys) for x in xs]


@lru_cache(maxsize=8)
def _bounds(source: str, tolerance: float, layer: str) -> Any:
    """The boxes of a layer's shapes, found once for every cell."""
    return shapely.bounds(getattr(naturalearth.layers(source, tolerance), layer))


def _clip(level: Level, layer: str, rect: Rect) -> list:
    """The layer's parts inside rect, taking each shape as many whole turns east or west as
    it needs: x runs past 180 where a story crosses the 180th meridian."""
    shapes = getattr(naturalearth.layers(level.source, level.tolerance), layer)
    x0, y0, x1, y1 = rect
    found: list = []
    if not len(shapes):
        return found
    bounds = _bounds(level.source, level.tolerance, layer)
    for shift in range(-720, 721, 360):
        near = (bounds[:, 0] + shift < x1) & (bounds[:, 2] + shift > x0) & (bounds[:, 1] < y1) & (bounds[:, 3] > y0)
        if near.any():  # not moved when it needs no turn: the same coordinates, without a copy
            moved = shapely.transform(shapes[near], lambda xy, s=shift: xy + (s, 0)) if shift else shapes[near]
            found.extend(shapely.get_parts(shapely.clip_by_rect(moved, x0, y0, x1, y1)))
    return [shape for shape in found if not shape.is_empty]


def _encode(coords, scale: int, ring: bool) -> list[int] | None:
    """Integer x, y, then steps to each next point; repeated points dropped, a ring's closing
    point too. None when too little is left to draw."""
    points = np.round(np.asarray(coords) * scale).astype(np.int64)
    if ring:
        points = points[:-1]
    if len(points) == 0:
        return None
    kept = np.concatenate([[True], np.any(np.diff(points, axis=0) != 0, axis=1)])
    points = points[kept]
    if len(points) < (3 if ring else 2):
        return None
    return np.vstack([points[:1], np.diff(points, axis=0)]).ravel().tolist()


def _cell_file(level: Level, rect: Rect) -> bytes | None:
    """One cell's JSON, or None when it holds no land and no border."""
    land = [code for polygon in _clip(level, "land", rect) if shapely.get_type_id(polygon) == 3
            for ring in (polygon.exterior, *polygon.interiors)
            if (code := _encode(ring.coords, level.scale, True))]
    borders = [code for line in _clip(level, "borders", rect) if shapely.get_type_id(line) == 1
               if (code := _encode(line.coords, level.scale, False))]
    if not land and not borders:
        return None
    clip = [round(v * level.scale) for v in rect]
    document = {"scale": level.scale, "clip": clip, "land": land, "borders": borders}
    return json.dumps(document, separators=(",", ":")).encode("ascii")


def _named_cells(box: Rect) -> list[tuple[int, Level, Rect, list[tuple[str, Rect]]]]:
    """Each level's number, area and cells, each cell with the name its file has when it has one."""
    out = []
    for number, level in enumerate(LEVELS):
        area = level_area(level, box)
        cells = _cells(level, area)
        names = [f"basemap-{number}.json" if len(cells) == 1 else f"basemap-{number}-{count}.json"
                 for count in range(1, len(cells) + 1)]
        out.append((number, level, area, list(zip(names, cells))))
    return out


def _whole(value: float) -> float:
    """A number as JSON writes it shortest: 90, not 90.0."""
    return int(value) if float(value).is_integer() else value


def _level_version(names: list[str], files: dict[str, bytes]) -> str:
    """One version for all of a level's files, which their addresses carry: a change to any of
    them, or a cell gaining or losing its file, gives another."""
    digest = hashlib.sha256()
    for name in names:
        data = files.get(name, b"")
        digest.update(f"{name} {len(data)}\n".encode("ascii") + data)
    return digest.hexdigest()[:10]


def _index(box: Rect, files: dict[str, bytes]) -> str:
    """The page's index of the base made of these files (JSON text): each level's grid, which
    of its cells have a file, and its version (the module's docstring says the form)."""
    levels = []
    for _, level, area, cells in _named_cells(box):
        names = [name for name, _ in cells]
        levels.append({"minZoom": level.min_zoom, "wrap": level.margin is None,
                       "area": [_whole(v) for v in area], "cell": _whole(level.cell),
                       "files": "".join("1" if name in files else "0" for name in names),
                       "v": _level_version(names, files)})
    return json.dumps({"attribution": ATTRIBUTION, "levels": levels}, separators=(",", ":"))


# Base files made in another process (a parallel build's worker) for the box they were made for.
_GIVEN: dict[Rect, tuple[tuple[str, bytes], ...]] = {}


def take_files(model: StoryModel, files: dict[str, bytes]) -> None:
    """The story's base files, made by another process: the index is made from them here
    rather than clipping the cells again."""
    _GIVEN[story_box(model)] = tuple(files.items())


@lru_cache(maxsize=64)
def _story_base(box: Rect) -> tuple[tuple[tuple[str, bytes], ...], str]:
    """The files of a story's base and its index (as JSON text, so the cache hands out no shared dict)."""
    files = _GIVEN.pop(box, None)
    if files is None:
        files = tuple((name, data) for _, level, _, cells in _named_cells(box) for name, rect in cells
                      if (data := _cell_file(level, rect)) is not None)
    return files, _index(box, dict(files))


def base_files(model: StoryModel) -> dict[str, bytes]:
    """The story's base map files, by name in the story's folder."""
    return dict(_story_base(story_box(model))[0])


def page_index(model: StoryModel) -> dict[str, Any]:
    """What the page needs to fetch the base: levels, areas and file addresses, and the credit
    for the map's attribution control: Natural Earth's, and that of any data the story's lines
    are drawn from (computed rail lines: OpenStreetMap, whose licence asks for it on the map)."""
    index: dict[str, Any] = json.loads(_story_base(story_box(model))[1])
    index["attribution"] = "; ".join([index["attribution"], *(str(escape(c)) for c in model.map_credits)])
    return index


def gzipped_sizes(files: dict[str, bytes]) -> dict[str, int]:
    """Each file's size gzipped, as a host would send it (for tests and the docs' figures)."""
    return {name: len(gzip.compress(data, 9, mtime=0)) for name, data in files.items()}
