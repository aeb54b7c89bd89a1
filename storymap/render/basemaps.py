"""Basemap names: xyzservices providers, with their attribution and licence."""
from __future__ import annotations

from functools import lru_cache

import xyzservices

from storymap.errors import did_you_mean


@lru_cache(maxsize=1)
def _providers() -> dict:
    return xyzservices.providers.flatten()


def provider(name: str) -> xyzservices.TileProvider:
    return xyzservices.providers.query_name(name)


def basemap_problem(name: str) -> tuple[str, str | None] | None:
    """(problem code, hint or None) when a basemap cannot be used, None when it can."""
    try:
        tiles = provider(name)
    except ValueError:
        return "unknown-basemap", did_you_mean(name, _providers()) or None
    if tiles.requires_token():
        return "private-basemap", None
    return None
