"""Basemap names: xyzservices providers, with their attribution and licence, and
natural-earth, the built-in base (basefiles.py) that needs no tile server."""
from __future__ import annotations

from functools import lru_cache

import xyzservices

from storymap.errors import did_you_mean

NATURAL_EARTH = "natural-earth"  # reserved beside the providers' names, which are dotted and capitalised
NATURAL_EARTH_CREDIT = "Natural Earth (public domain)"


@lru_cache(maxsize=1)
def _providers() -> dict:
    return xyzservices.providers.flatten()


def is_built_in(name: str) -> bool:
    """True for the base drawn from the site's own files, with no tiles."""
    return name == NATURAL_EARTH


@lru_cache(maxsize=32)
def provider(name: str) -> xyzservices.TileProvider:
    """The tile provider of that name (looked up once: a lookup scans xyzservices' whole list)."""
    return xyzservices.providers.query_name(name)


def basemap_problem(name: str) -> tuple[str, str | None] | None:
    """(problem code, hint or None) when a basemap cannot be used, None when it can."""
    if is_built_in(name):
        return None
    try:
        tiles = provider(name)
    except ValueError:
        return "unknown-basemap", did_you_mean(name, [*_providers(), NATURAL_EARTH]) or None
    if tiles.requires_token():
        return "private-basemap", None
    return None


def attribution_html(name: str) -> str:
    """The credit under the map: the tiles' attribution and Natural Earth's, whose land is
    drawn beneath the tiles (and alone for natural-earth). HTML from xyzservices or ours."""
    if is_built_in(name):
        return NATURAL_EARTH_CREDIT
    return f"{provider(name).html_attribution}; {NATURAL_EARTH_CREDIT}"
