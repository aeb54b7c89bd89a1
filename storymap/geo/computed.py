"""The lines the build computes: sea routes that stay at sea (sea.py) and rail
routes along the railway network (rail.py), for every via route with `path: auto`.

They are computed once per distinct route before the stories are modelled, so a
route that cannot be found is a problem at the route's line like any other, and
nothing is drawn from a half-checked story. Each line goes through the cache
(routecache.py): a rebuild with unchanged routes computes nothing, and the
engines (and their data) are not even loaded then.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Callable

from storymap.errors import Problems, did_you_mean
from storymap.geo import routecache
from storymap.geo.antimeridian import LatLonPair
from storymap.model import COMPUTED_MODES, LatLon, Place, RouteMode, RoutePath, RouteSpec, Story

# A computed line is found by what it is computed from: the mode, the via points in order
# (unwrapped, as routes.via_points gives them) and the countries a rail route stays in.
LineKey = tuple[RouteMode, tuple[LatLonPair, ...], tuple[str, ...]]
ComputedLines = dict[LineKey, tuple[LatLonPair, ...]]


def is_computed(spec: RouteSpec) -> bool:
    """True for a via route whose line the build computes (air's great circles are drawn, not searched)."""
    return bool(spec.via) and spec.path == RoutePath.AUTO and spec.mode in COMPUTED_MODES


def line_key(spec: RouteSpec, via: Iterable[LatLonPair]) -> LineKey:
    return spec.mode, tuple(via), tuple(spec.within)


def compute_lines(stories: Iterable[Story], shared_places: Mapping[str, Place], problems: Problems,
                  via_points: Callable[[RouteSpec, Mapping[str, Place]], list[LatLonPair]]) -> ComputedLines:
    """Every computed route of the stories, each distinct one once; a route with no path (or
    with a country that has no borders) is a problem at its line and gets no entry."""
    lines: ComputedLines = {}
    failed: set[LineKey] = set()
    for story in stories:
        places = {**shared_places, **{p.id: p for p in story.places}}
        for event in story.events:
            spec = event.route
            if spec is None or not is_computed(spec) or not _countries_known(spec, problems):
                continue
            key = line_key(spec, via_points(spec, places))
            if key in lines or key in failed:
                continue
            try:
                lines[key] = tuple(_compute(key))
            except NoPath as err:
                failed.add(key)
                problems.add(spec.mark, "route-no-path", str(err), mode=spec.mode.value, start=_named(spec.via[0]),
                             end=_named(spec.via[-1]), within=f" within {', '.join(spec.within)}" if spec.within else "")
    return lines


class NoPath(LookupError):
    """An engine found no line; the text is its reason, in a journalist's words."""


def _compute(key: LineKey) -> list[LatLonPair]:
    mode, via, within = key
    if mode == RouteMode.SEA:
        from storymap.geo import sea

        def at_sea() -> list[LatLonPair]:
            try:
                return sea.sea_path(via)
            except sea.NoSeaPath as err:
                raise NoPath(str(err)) from None

        return routecache.cached_route(mode.value, via, within, sea.DATA_VERSION, at_sea)
    from storymap.geo import rail

    def on_rails() -> list[LatLonPair]:
        try:
            return rail.rail_path(via, within)
        except rail.NoRailPath as err:
            raise NoPath(err.reason) from None

    return routecache.cached_route(mode.value, via, within, rail.DATA_VERSION, on_rails)


def _countries_known(spec: RouteSpec, problems: Problems) -> bool:
    """`within` names countries the rail data knows; an unknown code is a problem at the route."""
    if not spec.within:
        return True
    from storymap.geo import countries

    known = countries.known_codes()
    unknown = [code for code in spec.within if code not in known]
    for code in unknown:
        problems.add(spec.mark, "unknown-country", did_you_mean(code, known) or None, value=code)
    return not unknown


def _named(point: str | LatLon) -> str:
    """A via point as the journalist wrote it: a place id, or its coordinates."""
    return point if isinstance(point, str) else f"{point.lat:g}, {point.lon:g}"
