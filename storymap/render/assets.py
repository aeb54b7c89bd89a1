"""Rendering tools: the jinja2 environment (autoescape on), assets and the folium map skeleton.

folium builds the Leaflet map itself: the map, its basemap tiles with their
attribution, the scale and the opening view. Everything drawn from the story
(places, events, routes) is drawn by our own script from the page's JSON,
because folium's Popup and Tooltip would put journalist text into HTML and
JavaScript strings. folium's CDN asset lists are emptied per instance: the
site serves Leaflet itself.

Every page declares a Content-Security-Policy (content_security_policy): no
page has an inline script, so scripts come from the site's own files only.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import folium
import jinja2
from markupsafe import Markup

from storymap.render import basemaps, markdown
from storymap.geo.routes import bounds
from storymap.model import StoryModel

STATIC = Path(__file__).parent.parent / "static"
# Our page script, as small modules in the order they must run (joined at build time).
SCRIPT_MODULES = ("util.js", "timeline.js", "layers.js", "motion.js", "controls.js", "timelineticks.js", "timelinebar.js", "api.js",
                  "main.js")
# Concatenated in this order into one file (one request); later files may refine earlier ones.
STYLE_MODULES = ("base.css", "story.css", "map.css", "timeline.css", "events.css", "wide.css", "embed.css",
                 "index.css", "preview.css", "nojs.css", "print.css")
MAP_NAME = "storymap"  # folium names the Leaflet map variable map_<this>


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("storymap", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md_block"] = markdown.block
    env.filters["md_inline"] = markdown.inline
    env.filters["plain"] = markdown.plain
    return env


# --- assets ---------------------------------------------------------------------

@lru_cache(maxsize=1)
def assets() -> dict[str, bytes]:
    """Files under site/assets/ (and the favicon at the site root), by path."""
    import xstatic.pkg.leaflet as leaflet

    leaflet_dir = Path(leaflet.BASE_DIR)
    files = {
        "assets/leaflet.js": (leaflet_dir / "leaflet.js").read_bytes(),
        "assets/leaflet.css": (leaflet_dir / "leaflet.css").read_bytes(),
        "assets/storymap.js": page_script(),
        "assets/head.js": (STATIC / "js" / "head.js").read_bytes(),
        "assets/storymap.css": page_styles(),
        "assets/favicon.svg": (STATIC / "favicon.svg").read_bytes(),
        "favicon.ico": (STATIC / "favicon.ico").read_bytes(),
    }
    for image in sorted((leaflet_dir / "images").iterdir()):
        files[f"assets/images/{image.name}"] = image.read_bytes()
    return files


def _compact_script(source: str) -> str:
    """Drop indentation, blank and whole-line // comment lines: a quarter fewer bytes for
    phones, with line breaks kept so automatic semicolons and error line numbers still work."""
    lines = (line.strip() for line in source.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//"))


def page_script() -> bytes:
    parts = [f"// --- {name}\n" + _compact_script((STATIC / "js" / name).read_text("utf-8"))
             for name in SCRIPT_MODULES]
    return ("(function () {\n'use strict';\n" + "\n".join(parts) + "\n})();\n").encode("utf-8")


def page_styles() -> bytes:
    parts = [f"/* --- {name} */\n" + (STATIC / "css" / name).read_text("utf-8") for name in STYLE_MODULES]
    return "\n".join(parts).encode("utf-8")


def asset_url(name: str, root: str) -> str:
    """A relative URL with a content hash, so browsers and CDNs fetch a changed file anew."""
    return versioned_url(f"{root}{name}", assets()[name])


def versioned_url(url: str, content: bytes) -> str:
    return f"{url}?v={hashlib.sha256(content).hexdigest()[:10]}"


# --- the Content-Security-Policy ------------------------------------------------

# What every page may load, declared in a <meta> so that it travels with the
# files to any host. No page has an inline script: our code, Leaflet, the class
# switch in the head (head.js) and folium's map set-up (each story's map.js) are
# files of the site, so script-src is 'self' alone, with no hash to keep in step
# and nothing that a stricter header on the host would block. <script
# type="application/json"> holds data, which browsers never run: it needs no
# allowance. Styles are files too; Leaflet positions the map's panes and tiles
# through element.style, which a policy does not restrict, so style-src needs
# no 'unsafe-inline' either. frame-ancestors cannot be set in a <meta>
# (browsers ignore it there): docs/publishing.md says how a host adds it.
CSP_DIRECTIVES = (
    ("default-src", "'none'"),
    ("script-src", "'self'"),
    ("style-src", "'self'"),
    ("img-src", "'self'"),  # pages with a map add data: (Leaflet's blank tile) and the tile servers
    ("connect-src", "'self'"),  # the event list's other pages, fetched in place
    ("font-src", "'self'"),
    ("base-uri", "'none'"),
    ("form-action", "'none'"),
)


def content_security_policy(image_sources: Iterable[str] = ()) -> str:
    """The policy of a page; image_sources are added to img-src (a map page's tiles)."""
    extra = " ".join(image_sources)
    return "; ".join(f"{name} {value} {extra}" if name == "img-src" and extra else f"{name} {value}"
                     for name, value in CSP_DIRECTIVES)


def tile_origins(basemap: str) -> tuple[str, ...]:
    """The origins the basemap's tiles come from, one per subdomain ({s} in the address)."""
    tiles = basemaps.provider(basemap)
    address = urlsplit(tiles.build_url(fill_subdomain=False, scale_factor="{r}"))  # as folium builds it
    hosts = ([address.netloc.replace("{s}", sub) for sub in tiles.get("subdomains", "abc")]
             if "{s}" in address.netloc else [address.netloc])
    return tuple(dict.fromkeys(f"{address.scheme}://{host}" for host in hosts))


def map_page_policy(basemap: str) -> str:
    return content_security_policy(("data:", *tile_origins(basemap)))


# --- the folium map -------------------------------------------------------------

def _stable_ids(element, prefix: str) -> None:
    """branca gives elements random ids; name them by position so builds are identical."""
    for number, child in enumerate(element._children.values()):
        child._id = f"{prefix}_{number}"
        _stable_ids(child, f"{prefix}_{number}")


def view_bounds(model: StoryModel):
    """Corners around every place and event the story draws."""
    return bounds([point for t in model.events if t.geometry for point in t.geometry.points]
                  + [(p.lat, p.lon) for p in model.places])


def map_skeleton(model: StoryModel) -> tuple[Markup, Markup]:
    """folium's map element and the script that creates the map, tiles and view (written
    to the story's map.js: pages have no inline script)."""
    settings = model.story.map
    box = view_bounds(model)
    center = [settings.center.lat, settings.center.lon] if settings.center else [20.0, 0.0]
    fmap = folium.Map(location=center, zoom_start=settings.zoom if settings.zoom is not None else 2,
                      tiles=None, prefer_canvas=True, control_scale=True, zoom_control=True,
                      world_copy_jump=False)
    fmap.default_js, fmap.default_css = [], []
    tiles = basemaps.provider(settings.basemap)
    folium.TileLayer(tiles=tiles, control=False).add_to(fmap)
    if box and (settings.center is None or settings.zoom is None):
        fit = folium.map.FitBounds([list(box[0]), list(box[1])], padding=(24, 24), max_zoom=10)
        fit.options["animate"] = False  # an animated opening zoom would swallow the page script's refit
        fmap.add_child(fit)
    fmap._id = MAP_NAME
    _stable_ids(fmap, "layer")
    figure = fmap.get_root()
    fmap.render()
    return Markup(figure.html.render().strip()), Markup(figure.script.render().strip())
