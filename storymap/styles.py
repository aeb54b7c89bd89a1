"""The drawing styles the page's map and preview.png share: static/styles.json.

One file, so that the page script (static/js/layers.js, which gets it bundled as
STYLES by render/assets.py) and the picture (preview/picture.py) cannot drift
apart. It is keyed by the model's vocabulary (model.py's enums); tests/test_styles.py
checks that every value has a style and that both drawings use these colours.

    eventKinds        colour of an event's point, by kind
    placeKinds        fill and edge colour of a place's symbol (the edge also draws its
                      inner marks: the port's cross, the railhead's rails, the site's dot);
                      the shapes themselves are drawn in code, canvas paths on the page
                      and matplotlib markers in the picture
    routeModes        colour, width and dash pattern (px) of a route's line, by mode;
                      rail's ties: light dashes inside the line, inset px narrower
    confidence        by level: a point "filled" or "hollow", a route's opacity
    point             radii and line widths (px) of event points and crowds
    approximateRoute  the page's pale band round an approximate route (width px,
                      opacity), and the opacity the picture gives such a route instead
    muted             the colour of a symbol that stands for no kind (the legend's)
    halo              the ring round the selected event
    basemap           the built-in base's land, water, coast and border colours and line
                      widths (px), those of preview.png's land
    limits            counts past which a crowded map is drawn plainer (routeDetail,
                      pointDetail) and events at one spot become one circle (ring)
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

STYLES_FILE = Path(__file__).parent / "static" / "styles.json"


@lru_cache(maxsize=1)
def styles() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(STYLES_FILE.read_text("utf-8"))
    return loaded


def script_text() -> str:
    """The styles as the page script's STYLES variable: compact, in the file's order (the same bytes
    for every build)."""
    return "var STYLES = " + json.dumps(styles(), separators=(",", ":")) + ";"
