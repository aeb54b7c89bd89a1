"""The story's map skeleton, built by folium: the Leaflet map, its basemap tiles with
their attribution, the scale and the opening view. With `basemap: natural-earth`
there are no tiles: the page script draws the built-in base (basefiles.py),
which it also draws beneath any provider's tiles.

Everything drawn from the story (places, events, routes) is drawn by our own
script from the page's JSON, because folium's Popup and Tooltip would put
journalist text into HTML and JavaScript strings. folium's CDN asset lists are
emptied per instance: the site serves Leaflet itself (assets.py). The script
folium writes goes into the story's map.js, not inline (policy.py).
"""
from __future__ import annotations

from markupsafe import Markup

from storymap.geo.routes import bounds
from storymap.model import StoryModel
from storymap.render import basemaps

MAP_NAME = "storymap"  # folium names the Leaflet map variable map_<this>


def _stable_ids(element, prefix: str) -> None:
    """branca gives elements random ids; name them by position so builds are identical."""
    for number, child in enumerate(element._children.values()):
        child._id = f"{prefix}_{number}"
        _stable_ids(child, f"{prefix}_{number}")


_LAST_BOUNDS: list = [None, None]  # the last model asked about and its bounds


def view_bounds(model: StoryModel):
    """Corners around every place and event the story draws. The map, the page data and the
    base each ask for a model's, so the last one is kept (by identity: models are not hashed)."""
    if _LAST_BOUNDS[0] is not model:
        _LAST_BOUNDS[:] = [model, bounds([point for t in model.events if t.geometry for point in t.geometry.points]
                                         + [(p.lat, p.lon) for p in model.places])]
    return _LAST_BOUNDS[1]


def map_skeleton(model: StoryModel) -> tuple[Markup, Markup]:
    """folium's map element and the script that creates the map, tiles and view (written
    to the story's map.js: pages have no inline script)."""
    # Imported here, not with the module: folium brings pandas and requests (0.7 s), which only
    # the story pages need; a parallel build imports them in the worker that makes those.
    import folium
    from branca.element import Figure

    settings = model.story.map
    box = view_bounds(model)
    center = [settings.center.lat, settings.center.lon] if settings.center else [20.0, 0.0]
    fmap = folium.Map(location=center, zoom_start=settings.zoom if settings.zoom is not None else 2,
                      tiles=None, prefer_canvas=True, control_scale=False, zoom_control=True,  # scale: main.js
                      world_copy_jump=False, zoom_snap=0.25,  # fits a story closely, not at the next whole zoom out
                      # Tiles appear at once: Leaflet's fade gives each tile a layer of its own (will-change)
                      # and restyles them every frame for a quarter second, in the frames that first show the story.
                      fade_animation=False)
    fmap.default_js, fmap.default_css = [], []
    # The fit first, then the tiles: tiles added at folium's opening view (zoom 2) would be
    # made, requested and thrown away by the fit (at 10,000 events, a tenth of map.js's time).
    if box and (settings.center is None or settings.zoom is None):
        fit = folium.map.FitBounds([list(box[0]), list(box[1])], padding=(24, 24), max_zoom=10)
        fit.options["animate"] = False  # an animated opening zoom would swallow the page script's refit
        fmap.add_child(fit)
    tiles = None
    if not basemaps.is_built_in(settings.basemap):
        # Made here, added by the page script once its view is set (main.js): tiles added at
        # folium's fit were requested, then dropped by the page's fit at another zoom.
        tiles = folium.TileLayer(tiles=basemaps.provider(settings.basemap), control=False, show=False).add_to(fmap)
    fmap._id = MAP_NAME
    _stable_ids(fmap, "layer")
    figure = fmap.get_root()
    assert isinstance(figure, Figure)  # a map's root is always its Figure: its html and script parts
    fmap.render()
    handoff = f"\n{fmap.get_name()}.storymapTiles = [{tiles.get_name()}];" if tiles else ""
    return Markup(figure.html.render().strip()), Markup(CLASS_SWITCH + figure.script.render().strip() + handoff)


# head.js, which switches html.no-js to html.js, is async (base.html): it may come after the
# deferred scripts, and a map made while no-js styles hide its panel has no size. So map.js
# makes the switch too before folium's set-up (nothing, when head.js has run).
CLASS_SWITCH = "document.documentElement.classList.replace('no-js', 'js');\n"

