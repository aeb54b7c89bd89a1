"""Basemap names: xyzservices providers, with their attribution and licence."""
from __future__ import annotations

from functools import lru_cache

import xyzservices

from .errors import did_you_mean


@lru_cache(maxsize=1)
def _providers() -> dict:
    return xyzservices.providers.flatten()


def provider(name: str) -> xyzservices.TileProvider:
    return xyzservices.providers.query_name(name)


def basemap_problem(name: str) -> tuple[str, str] | None:
    """(message, hint) when a basemap cannot be used, None when it can."""
    providers = _providers()
    try:
        tiles = provider(name)
    except ValueError:
        hint = did_you_mean(name, providers) or "for example OpenStreetMap.Mapnik"
        return f"unknown basemap '{name}'", hint
    if tiles.requires_token():
        return (f"basemap '{name}' needs a private API key, which a published page would reveal",
                "choose a basemap without a key, e.g. OpenStreetMap.Mapnik")
    return None
