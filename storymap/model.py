"""The story as typed, immutable values: what validation hands to the later stages.

Coordinates are (lat, lon) everywhere in the model, as journalists write them;
GeoJSON's [lon, lat] order appears only in geodata files and exports.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from functools import total_ordering
from pathlib import Path

from storymap.errors import Mark


# The story format's vocabulary. The order is the order of the spec, of the published
# schema and of the page data's "kinds" and "confidences" lists (events number into them).
# Each value has a style in static/styles.json and a label in every language of i18n.py.

class PlaceKind(StrEnum):
    PORT = "port"
    RAILHEAD = "railhead"
    DEPOT = "depot"
    BASE = "base"
    BORDER_CROSSING = "border-crossing"
    CITY = "city"
    SITE = "site"


class EventKind(StrEnum):
    OBSERVATION = "observation"
    SHIPMENT = "shipment"
    MEETING = "meeting"
    STATEMENT = "statement"
    MOVEMENT = "movement"
    OTHER = "other"


class Confidence(StrEnum):
    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"


class RouteMode(StrEnum):
    SEA = "sea"
    RAIL = "rail"
    ROAD = "road"
    RIVER = "river"
    AIR = "air"


class RoutePath(StrEnum):
    """How a route's line is made. A journalist writes auto or straight; file is a route file's line."""

    AUTO = "auto"  # computed: at sea, along the railways, or great circles in the air
    STRAIGHT = "straight"  # straight between the via points, as written
    FILE = "file"  # the line of a file in data/routes/


# The modes whose line the build can compute (path: auto), besides air's great circles.
COMPUTED_MODES = frozenset({RouteMode.SEA, RouteMode.RAIL})


def default_path(mode: RouteMode) -> RoutePath:
    """A via route's path when the event does not say: computed where the build can compute one."""
    return RoutePath.AUTO if mode in COMPUTED_MODES or mode == RouteMode.AIR else RoutePath.STRAIGHT


class TimelineMode(StrEnum):
    CUMULATIVE = "cumulative"  # an event stays on the map once it happened
    WINDOW = "window"  # an event stays window_days, then fades out


DEFAULT_WINDOW_DAYS = 14
OPEN_AT_END, OPEN_AT_START = "end", "start"  # timeline.open's words; a day may be written instead
DEFAULT_BASEMAP = "OpenStreetMap.Mapnik"


@total_ordering
@dataclass(frozen=True)
class PartialDate:
    """A day, a month or a year, as an ISO date written with 1, 2 or 3 parts.

    Dates sort as the periods they are: by first day, then by last day. Of 2023, 2023-01
    and 2023-01-01, which all start on 1 January, the day comes first and the year last.
    """

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    @property
    def iso(self) -> str:
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def first_day(self) -> dt.date:
        """A month or year starts at the first day of that period (spec, timeline rules)."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        """The last day the period covers: used for the end of a span."""
        if self.day:
            return self.first_day()
        month = self.month or 12
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    @classmethod
    def from_date(cls, day: dt.date) -> "PartialDate":
        return cls(day.year, day.month, day.day)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return (self.first_day(), self.last_day()) < (other.first_day(), other.last_day())


@dataclass(frozen=True)
class When:
    """A dated event (end is None, is_span False) or a span (end None while ongoing)."""

    start: PartialDate
    end: PartialDate | None = None
    is_span: bool = False
    approximate: bool = False


@dataclass(frozen=True)
class LatLon:
    lat: float
    lon: float


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    kind: PlaceKind
    lat: float
    lon: float
    country: str | None = None
    aliases: tuple[str, ...] = ()
    note: str | None = None
    mark: Mark = field(default=Mark(""), compare=False)


@dataclass(frozen=True)
class Source:
    publisher: str
    title: str | None = None
    url: str | None = None
    date: PartialDate | None = None
    archive: str | None = None


@dataclass(frozen=True)
class Media:
    src: str  # as written: a path inside the story folder
    alt: str
    credit: str | None = None
    output: str = ""  # where the copy goes in the story's output folder: media/<digest>.<ext>
    data: bytes = field(default=b"", compare=False, repr=False)  # the image as checked, written as is


@dataclass(frozen=True)
class RouteSpec:
    mode: RouteMode
    path: RoutePath  # auto, straight, or file for a route file (validation fills in the mode's default)
    via: tuple[str | LatLon, ...] = ()  # place ids or coordinates
    geometry: str | None = None  # a route id: a file in data/routes/
    within: tuple[str, ...] = ()  # rail with path auto: ISO country codes the line stays in
    approximate: bool = False  # the line is a sketch, drawn as a band
    mark: Mark = field(default=Mark(""), compare=False)  # the route's own entry: problems and warnings point here


@dataclass(frozen=True)
class Event:
    id: str
    title: str
    when: When
    sources: tuple[Source, ...]
    kind: EventKind = EventKind.OBSERVATION
    confidence: Confidence = Confidence.MODERATE
    description: str | None = None
    place: str | None = None
    at: LatLon | None = None
    route: RouteSpec | None = None
    media: tuple[Media, ...] = ()
    tags: tuple[str, ...] = ()
    mark: Mark = field(default=Mark(""), compare=False)


@dataclass(frozen=True)
class MapSettings:
    center: LatLon | None = None
    zoom: int | None = None
    basemap: str = DEFAULT_BASEMAP


@dataclass(frozen=True)
class TimelineSettings:
    start: dt.date | None = None
    end: dt.date | None = None
    mode: TimelineMode = TimelineMode.CUMULATIVE
    window_days: int = DEFAULT_WINDOW_DAYS
    open: str | dt.date = OPEN_AT_END  # OPEN_AT_END, OPEN_AT_START or a day: where the page opens


@dataclass(frozen=True)
class Correction:
    date: dt.date
    text: str


@dataclass(frozen=True)
class Story:
    id: str
    title: str
    summary: str
    published: dt.date
    directory: Path
    events: tuple[Event, ...] = ()
    byline: str | None = None
    updated: dt.date | None = None
    language: str = "en"
    map: MapSettings = MapSettings()
    timeline: TimelineSettings = TimelineSettings()
    places: tuple[Place, ...] = ()
    license: str | None = None
    corrections: tuple[Correction, ...] = ()
    mark: Mark = field(default=Mark(""), compare=False)


# --- after geodata resolution -------------------------------------------------

@dataclass(frozen=True)
class Geometry:
    """Where an event is drawn: one point, or a route's line.

    Route longitudes are unwrapped (consecutive points never jump by more than
    180 degrees) so a line across the 180th meridian draws continuously.
    """

    points: tuple[tuple[float, float], ...]  # (lat, lon)
    mode: RouteMode | None = None  # set for routes
    approximate: bool = False  # the line is a sketch, not a surveyed path
    path: RoutePath | None = None  # routes: how the line was made (auto, straight or file)
    length_km: float | None = None  # routes: along the drawn line, on the WGS84 ellipsoid, to 0.1 km

    @property
    def is_route(self) -> bool:
        return self.mode is not None


@dataclass(frozen=True)
class TimedEvent:
    """An event with its place in the timeline and on the map."""

    event: Event
    geometry: Geometry | None  # None: on the timeline, not on the map
    visible_from: dt.date
    visible_until: dt.date | None  # None: stays visible to the end
    place: Place | None = None  # the named place it happens at, if any


@dataclass(frozen=True)
class StoryModel:
    """Everything the render stage needs for one story, in timeline order."""

    story: Story
    events: tuple[TimedEvent, ...]
    places: tuple[Place, ...]  # places the events use: the infrastructure layer
    start: dt.date
    end: dt.date
    places_credit: str | None = None  # set when the story uses places of the shared gazetteer
    map_credits: tuple[str, ...] = ()  # data the map draws that must be credited (computed rail lines: OSM, ODbL)

    @property
    def last_changed(self) -> dt.date:
        dates = [self.story.published, self.story.updated] + [c.date for c in self.story.corrections]
        return max(d for d in dates if d)
