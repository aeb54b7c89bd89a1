"""The stage between checking and drawing: the checked stories and their geodata
resolved into one StoryModel per story.

It sits in geo/ because that is what it does: every event's place and route is
looked up (the story's own places first, then the shared gazetteer) and turned
into coordinates, with the route lines read from data/routes/. The events are put
in timeline order on the way, so render/ and preview/ read a finished model and
never a source file. In the folder list it reads: source/ checks, geo/ resolves,
render/ and preview/ draw.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Hashable

from storymap import timeline
from storymap.errors import Problem, Problems
from storymap.geo import geochecks, routes
from storymap.geo.computed import ComputedLines, compute_lines, is_computed, line_key
from storymap.model import (Event, Geometry, LatLon, Place, RouteMode, RoutePath, Story, StoryModel, TimedEvent,
                            TimelineSettings)
from storymap.source.load import Inputs


@dataclass
class GeoMemo:
    """What resolving found in the last build (serve keeps it in its SourceCache): each route's
    geometry by everything it is made from, and the places-outside-their-country warnings by
    the places. A route is measured again only when its spec, its points or its line changed.
    An event off a route keeps its TimedEvent while it, its place and its story's timeline
    settings are what they were: placing and timing 10,000 events took 0.2 s of every rebuild."""

    lines: dict[Hashable, Geometry] = field(default_factory=dict)
    country_warnings: tuple[tuple[Place, ...], tuple[Problem, ...]] | None = None
    timed: dict[int, tuple[TimelineSettings, TimedEvent]] = field(default_factory=dict)  # by id(event)
    _used: dict[Hashable, Geometry] = field(default_factory=dict)
    _timed_used: dict[int, tuple[TimelineSettings, TimedEvent]] = field(default_factory=dict)

    def finish(self) -> None:
        self.lines, self._used = self._used, {}  # routes no longer drawn are forgotten
        self.timed, self._timed_used = self._timed_used, {}


def _geometry(event: Event, places: dict[str, Place], route_lines: dict[str, Geometry],
              computed: ComputedLines | None, memo: GeoMemo | None) -> Geometry | None:
    spec = event.route
    if memo is None or spec is None:
        return routes.event_geometry(event, places, route_lines, computed)
    points = tuple((p.lat, p.lon) if isinstance(p, LatLon) else (places[p].lat, places[p].lon) for p in spec.via)
    line = route_lines.get(spec.geometry) if spec.geometry else None
    drawn = computed.get(line_key(spec, routes.via_points(spec, places))) \
        if computed is not None and not spec.geometry and is_computed(spec) else None
    key = (spec, points, line, tuple(drawn) if drawn is not None else None)
    found = memo.lines.get(key) or memo._used.get(key)
    if found is None:
        found = routes.event_geometry(event, places, route_lines, computed)
    if found is not None:
        memo._used[key] = found
    return found


def _timed(event: Event, places: dict[str, Place], settings: TimelineSettings, route_lines: dict[str, Geometry],
           computed: ComputedLines | None, memo: GeoMemo | None) -> TimedEvent:
    """The event placed and timed; the memo's TimedEvent when nothing it is made from changed."""
    place = places.get(event.place) if event.place else None
    keep = memo is not None and event.route is None  # a route's geometry has _geometry's own memo
    if keep:
        kept = memo.timed.get(id(event))  # type: ignore[union-attr]
        # `is event`: an id may be reused by a new event once the old one is gone
        if kept is not None and kept[1].event is event and kept[1].place == place and kept[0] == settings:
            memo._timed_used[id(event)] = kept  # type: ignore[union-attr]
            return kept[1]
    first, last = timeline.visible_interval(event, settings)
    made = TimedEvent(event, _geometry(event, places, route_lines, computed, memo), first, last, place)
    if keep:
        memo._timed_used[id(event)] = (settings, made)  # type: ignore[union-attr]
    return made


def story_model(story: Story, shared_places: dict[str, Place], route_lines: dict[str, Geometry],
                places_credit: str | None = None, computed: ComputedLines | None = None,
                memo: GeoMemo | None = None) -> StoryModel:
    """One story with every event placed and in timeline order, and the places it uses."""
    places = {**shared_places, **{p.id: p for p in story.places}}
    written = [_timed(event, places, story.timeline, route_lines, computed, memo) for event in story.events]
    timed = [written[n] for n in timeline.timeline_order([t.visible_from for t in written])]
    used: set[str] = set()
    for event in story.events:
        if event.place:
            used.add(event.place)
        if event.route:
            used.update(p for p in event.route.via if isinstance(p, str))
    start, end = timeline.timeline_range(story.events, story.timeline, story.published)
    from_gazetteer = bool(used - {p.id for p in story.places})
    return StoryModel(story, tuple(timed), tuple(places[p] for p in sorted(used)), start, end,
                      places_credit if from_gazetteer else None, _map_credits(story))


def _map_credits(story: Story) -> tuple[str, ...]:
    """The credit the railway network's licence (ODbL) asks for wherever its lines are drawn."""
    if any(e.route and is_computed(e.route) and e.route.mode == RouteMode.RAIL for e in story.events):
        from storymap.geo.rail import CREDIT

        return (CREDIT,)
    return ()


def resolve(inputs: Inputs, problems: Problems) -> list[StoryModel]:
    """Every story's model. A route file that cannot be read, or a route with no path, is a
    problem, and then there are none; warnings (geochecks.py) do not stop it. When the inputs
    were read through a kept SourceCache, its GeoMemo spares measuring unchanged routes again."""
    memo = None
    if inputs.source_cache is not None:
        memo = inputs.source_cache.geo = inputs.source_cache.geo or GeoMemo()
    needed = {e.route.geometry for s in inputs.stories for e in s.events if e.route and e.route.geometry}
    route_lines = routes.read_routes(needed & set(inputs.route_files), inputs.route_files, problems, inputs.data_dir)
    computed = compute_lines(inputs.stories, inputs.places, problems, routes.via_points)
    if problems:
        return []
    models = [story_model(story, inputs.places, route_lines, inputs.places_credit, computed, memo)
              for story in inputs.stories]
    _warn(inputs, models, problems, memo)
    if memo is not None:
        memo.finish()
    return models


def _warn(inputs: Inputs, models: list[StoryModel], problems: Problems, memo: GeoMemo | None = None) -> None:
    """Where the map would mislead: straight sea routes over land, places outside their country."""
    for model in models:
        for timed in model.events:
            spec = timed.event.route
            if spec and spec.mode == RouteMode.SEA and spec.path == RoutePath.STRAIGHT and timed.geometry:
                geochecks.straight_sea_route(spec, timed.geometry.points, problems)
    places = {(p.mark.path, p.mark.line, p.id): p
              for p in [*inputs.places.values(), *(p for s in inputs.stories for p in s.places)]}
    if any(p.country for p in places.values()):
        _countries(tuple(places[k] for k in sorted(places)), problems, memo)


def _countries(places: tuple[Place, ...], problems: Problems, memo: GeoMemo | None) -> None:
    """The places-outside-their-country warnings, found again only when a place changed."""
    if memo is not None and memo.country_warnings is not None and memo.country_warnings[0] == places:
        problems.warnings.extend(memo.country_warnings[1])
        return
    found = Problems()
    geochecks.places_in_their_countries(places, found)
    problems.warnings.extend(found.warnings)
    if memo is not None:
        memo.country_warnings = (places, tuple(found.warnings))
