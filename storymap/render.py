"""Pages: the jinja2 environment (autoescape on) and the folium map skeleton.

folium builds the Leaflet map itself: the map, its basemap tiles with their
attribution, the scale and the opening view. Everything drawn from the story
(places, events, routes) is drawn by our own script from the page's JSON,
because folium's Popup and Tooltip would put journalist text into HTML and
JavaScript strings. folium's CDN asset lists are emptied per instance: the
site serves Leaflet itself.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import folium
import jinja2
from markupsafe import Markup

from . import basemaps, feeds, i18n, markdown, pagedata
from .geodata import bounds
from .model import Source, StoryModel, TimedEvent

STATIC = Path(__file__).parent / "static"
# Our page script, as small modules in the order they must run (joined at build time).
SCRIPT_MODULES = ("util.js", "timeline.js", "layers.js", "controls.js", "api.js", "main.js")
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
        "assets/storymap.css": (STATIC / "storymap.css").read_bytes(),
        "assets/favicon.svg": (STATIC / "favicon.svg").read_bytes(),
        "favicon.ico": (STATIC / "favicon.ico").read_bytes(),
    }
    for image in sorted((leaflet_dir / "images").iterdir()):
        files[f"assets/images/{image.name}"] = image.read_bytes()
    return files


def page_script() -> bytes:
    parts = [f"// --- {name}\n" + (STATIC / "js" / name).read_text("utf-8") for name in SCRIPT_MODULES]
    return ("(function () {\n'use strict';\n" + "\n".join(parts) + "\n})();\n").encode("utf-8")


def asset_url(name: str, root: str) -> str:
    """A relative URL with a content hash, so browsers and CDNs fetch a changed file anew."""
    digest = hashlib.sha256(assets()[name]).hexdigest()[:10]
    return f"{root}{name}?v={digest}"


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
    """folium's map element and the script that creates the map, tiles and view."""
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


# --- what the templates show ----------------------------------------------------

@dataclass(frozen=True)
class SourceView:
    publisher: str
    title: str | None
    url: str | None
    date: str | None
    archive: str | None


@dataclass(frozen=True)
class EventView:
    timed: TimedEvent
    label: str
    sources: tuple[SourceView, ...]
    media: tuple[tuple[str, str, str | None], ...]  # (src, alt, credit)

    @property
    def event(self):
        return self.timed.event


def _source_view(source: Source, language: str) -> SourceView:
    date = i18n.format_partial(source.date, language) if source.date else None
    return SourceView(source.publisher, source.title, source.url, date, source.archive)


def event_views(model: StoryModel) -> list[EventView]:
    language = model.story.language
    return [EventView(t, i18n.format_when(t.event.when, language),
                      tuple(_source_view(s, language) for s in t.event.sources),
                      tuple((m.src, m.alt, m.credit) for m in t.event.media))
            for t in model.events]


def _common(model: StoryModel, root: str, base_url: str | None) -> dict:
    story = model.story
    language = story.language
    html, script = map_skeleton(model)
    data = pagedata.page_data(model)
    box = view_bounds(model)
    data["view"] = {"center": [story.map.center.lat, story.map.center.lon] if story.map.center else None,
                    "zoom": story.map.zoom, "bounds": [list(box[0]), list(box[1])] if box else None}
    return {
        "story": story, "model": model, "t": i18n.strings(language), "root": root,
        "asset": lambda name: asset_url(name, root),
        "format_day": lambda day: i18n.format_day(day, language),
        "events": event_views(model), "map_html": html, "map_script": script,
        "page_json": Markup(pagedata.script_json(data)),
        "basemap_attribution": Markup(basemaps.provider(story.map.basemap).html_attribution),
        "embed_code": feeds.embed_iframe(model, base_url),
        "base_url": base_url,
    }


def story_page(model: StoryModel, base_url: str | None) -> bytes:
    template = environment().get_template("story.html")
    return template.render(**_common(model, "../", base_url)).encode("utf-8")


def embed_page(model: StoryModel, base_url: str | None) -> bytes:
    template = environment().get_template("embed.html")
    return template.render(**_common(model, "../", base_url)).encode("utf-8")


def index_page(models: list[StoryModel], base_url: str | None) -> bytes:
    """Every story, newest first."""
    newest_first = sorted(models, key=lambda m: (m.story.published, m.story.id), reverse=True)
    template = environment().get_template("index.html")
    text = i18n.strings("en")
    return template.render(models=newest_first, t=text, root="", asset=lambda n: asset_url(n, ""),
                           format_day=lambda day, lang: i18n.format_day(day, lang),
                           base_url=base_url).encode("utf-8")
