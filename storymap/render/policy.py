"""The Content-Security-Policy every page declares, in a <meta> so that it travels
with the files to any host.

No page has an inline script: our code, Leaflet, the class switch in the head
(head.js) and folium's map set-up (each story's map.js) are files of the site, so
script-src is 'self' alone, with no hash to keep in step and nothing that a
stricter header on the host would block. <script type="application/json"> holds
data, which browsers never run: it needs no allowance. Styles are files too;
Leaflet positions the map's panes and tiles through element.style, which a policy
does not restrict, so style-src needs no 'unsafe-inline' either. frame-ancestors
cannot be set in a <meta> (browsers ignore it there): docs/publishing.md says how
a host adds it.

A map's base of land, coasts and borders comes from the story's own folder
(basefiles.py), fetched under connect-src 'self'. With `basemap: natural-earth`
that is the whole map: img-src stays 'self' and no request leaves the site.
"""
from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from storymap.render import basemaps

CSP_DIRECTIVES = (
    ("default-src", "'none'"),
    ("script-src", "'self'"),
    ("style-src", "'self'"),
    ("img-src", "'self'"),  # pages with a map add data: (the legend's symbols) and the tile servers
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
    """A page with a map: data: for the legend's symbols (pictures the page draws) and
    Leaflet's blank tile, and the tile servers, which the built-in base has none of."""
    if basemaps.is_built_in(basemap):
        return content_security_policy(("data:",))
    return content_security_policy(("data:", *tile_origins(basemap)))
