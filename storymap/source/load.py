"""Find and read every input file: the shared gazetteer, then each story and its events.

Everything is read and checked before anything is written; problems from all
files are collected into one list. A story's files are read only from inside
--stories and the shared ones only from inside --data, links followed, and
only when they are regular files (files.py): anything else found where a
file is expected is a problem at that file.
"""
from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from storymap.source import cachedread, files, yamlio
from storymap.geo import routefiles
from storymap.errors import Mark, Problems, UserError, display_path
from storymap.source.fields import INVALID, ID_PATTERN, RESERVED_STORY_IDS, Context, ListOf
from storymap.model import Event, Place, Story
from storymap.source.cachedread import Lookups
from storymap.source.filecache import Dependencies, SourceCache
from storymap.source.validate import EVENT, PLACE, STORY, story_from_values
from storymap.source.yamlio import Mapping, Node, Scalar, Sequence, describe_kind

EVENT_SUFFIXES = (".yaml", ".yml")


Progress = Callable[[int, int, str], None]  # (done, total, what) for long runs on a terminal


PLACES_CREDIT = "places-credit.txt"  # beside places.yaml


@dataclass
class Inputs:
    stories: list[Story] = field(default_factory=list)
    places: dict[str, Place] = field(default_factory=dict)  # the shared gazetteer
    route_files: dict[str, Path] = field(default_factory=dict)  # route id -> file
    data_dir: Path | None = None  # route files are read only from inside it
    places_credit: str | None = None  # who to credit for the gazetteer's coordinates
    files_read: int = 0
    source_cache: SourceCache | None = None  # the cache kept between builds, when the caller keeps one


def require_stories_dir(stories_dir: Path) -> None:
    """A mistyped --stories is a usage mistake: it must not build an empty site over a good one."""
    if not stories_dir.is_dir():
        raise UserError(f"stories folder {display_path(stories_dir)} does not exist",
                        "give the folder of story folders with --stories, or run python build.py new story <id>")


def story_dirs(stories_dir: Path) -> list[Path]:
    """Story folders in name order; names starting with _ or . are drafts and not built."""
    require_stories_dir(stories_dir)
    return sorted(p for p in stories_dir.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))


def read_places(path: Path, problems: Problems, root: Path | None = None,
                cache: SourceCache | None = None) -> dict[str, Place]:
    """A places file: a list of places; duplicate ids are problems. Read only from inside
    root (default: its own folder, --data)."""
    if not os.path.lexists(path):  # a broken link is reported, not taken for no file
        return {}
    root = root or path.parent
    if cache is not None:
        context = ("places", display_path(path), display_path(root))
        return cachedread.read_through(cache, path, root, context, Lookups(), problems, _places_from_text)
    node = yamlio.load(path, problems, root)
    return _places_from_node(node, problems)


def _places_from_text(path: Path, text: str | None, problems: Problems, deps: Dependencies) -> dict[str, Place]:
    node = yamlio.parse(text, display_path(path), problems) if text is not None else None
    return _places_from_node(node, problems)


def _places_from_node(node: Node | None, problems: Problems) -> dict[str, Place]:
    if node is None:
        return {}
    places = ListOf(PLACE).read(node, Context(problems))
    return index_places(places if places is not INVALID else _valid_items(node, problems), problems)


def read_places_credit(path: Path, problems: Problems) -> str | None:
    """The optional one-line credit for the shared gazetteer's coordinates (their
    source and licence), shown beside a story's downloads: coordinates taken from
    share-alike sources keep those terms whatever the story's own licence."""
    if not os.path.lexists(path):
        return None
    text = yamlio.read_text(path, problems, path.parent)
    if text is None:
        return None
    return " ".join(text.split()) or None


def _valid_items(node, problems: Problems) -> list[Place]:
    """Places that are valid even though others in the file are not (to check references further)."""
    if not isinstance(node, Sequence):
        return []
    scratch = Problems()
    items = (PLACE.read(item, Context(scratch)) for item in node.items)
    return [p for p in items if p is not INVALID]


def index_places(places, problems: Problems) -> dict[str, Place]:
    out: dict[str, Place] = {}
    for place in places:
        if place.id in out:
            first = out[place.id].mark
            problems.add(place.mark, "duplicate-place", value=place.id, line=first.line)
            continue
        out[place.id] = place
    return out


def find_route_files(data_dir: Path, problems: Problems) -> dict[str, Path]:
    """Route id -> file in data/routes. A file in a format not read as a route (a .vrt, a .csv)
    or that is not a regular file inside --data is a problem even when no story uses it."""
    routes_dir = data_dir / "routes"
    found: dict[str, Path] = {}
    if not routes_dir.is_dir():
        return found
    for path in sorted(routes_dir.iterdir()):
        suffix = path.suffix.lower()
        if path.name.startswith(".") or suffix in (".md", ".txt") or routefiles.is_companion(path):
            continue  # notes, and the parts of a shapefile (read through its .shp) or its metadata
        if path.is_dir():
            continue
        if path.stem in found:
            problems.add(Mark(display_path(path)), "duplicate-route-file", value=path.stem,
                         other=found[path.stem].name)
            continue
        found[path.stem] = path  # known even when refused: events naming it need no second problem
        _check_route_file(path, data_dir, problems)
    return found


def _check_route_file(path: Path, data_dir: Path, problems: Problems) -> None:
    shown = Mark(display_path(path))
    if routefiles.route_format(path) is None:
        problems.add(shown, "route-format", name=path.name)
        return
    try:
        files.resolve_inside(path, data_dir)
    except files.Refusal as refusal:
        problems.add(shown, refusal.code, **refusal.values)
    except OSError as err:
        problems.add(shown, "route-unreadable", reason=err.strerror or err)


def read_inputs(stories_dir: Path, data_dir: Path, problems: Problems, progress: Progress | None = None,
                cache: SourceCache | None = None) -> Inputs:
    """Every input, read and checked. With a cache (serve keeps one between builds) a file
    unchanged since it was last read is not parsed again; without one, a fresh cache is used
    for this run alone (its parallel reading of many event files included)."""
    with collection_paused():
        return _read_inputs(stories_dir, data_dir, problems, progress, cache)


@contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cycle collector paused while reading: a large story makes millions of small
    objects and no cycles, and each collection would walk everything read so far (a 10,000-event
    read took twice as long, and unpickling the parallel workers' reads ten times)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read_inputs(stories_dir: Path, data_dir: Path, problems: Problems, progress: Progress | None,
                 cache: SourceCache | None) -> Inputs:
    inputs = Inputs(data_dir=data_dir, source_cache=cache)
    cache = cache if cache is not None else SourceCache()
    cache.start_run()
    inputs.places = read_places(data_dir / "places.yaml", problems, cache=cache)
    inputs.route_files = find_route_files(data_dir, problems)
    inputs.places_credit = read_places_credit(data_dir / PLACES_CREDIT, problems)
    inputs.files_read = (int((data_dir / "places.yaml").exists()) + int((data_dir / PLACES_CREDIT).exists())
                         + len(inputs.route_files))
    for directory in story_dirs(stories_dir):
        story = read_story(directory, inputs, problems, progress, cache)
        if story is not None:
            inputs.stories.append(story)
    cache.finish_run()
    return inputs


def read_story(directory: Path, inputs: Inputs, problems: Problems, progress: Progress | None = None,
               cache: SourceCache | None = None) -> Story | None:
    story_file = directory / "story.yaml"
    shown = display_path(directory)
    before = len(problems)
    if not ID_PATTERN.fullmatch(directory.name):
        problems.add(Mark(shown), "bad-story-folder", value=directory.name)
    elif directory.name in RESERVED_STORY_IDS:
        problems.add(Mark(shown), "reserved-story-id", value=directory.name, names=reserved_names())
    if not os.path.lexists(story_file):
        problems.add(Mark(shown), "no-story-yaml")
        return None
    cache = cache if cache is not None else SourceCache()
    context = ("story", display_path(story_file), display_path(directory))
    node, values = cachedread.read_through(cache, story_file, directory.parent, context, Lookups(), problems,
                                           _story_from_text)
    inputs.files_read += 1
    language = story_language(node)
    places = dict(inputs.places)
    if values is not INVALID:
        places.update(index_places(values.get("places", ()), problems))
    events = read_events(directory, Context(problems, directory, places, set(inputs.route_files),
                                            language=language), progress, cache)
    inputs.files_read += len(event_files(directory))
    if values is INVALID or node is None or len(problems) > before:
        return None
    return story_from_values(directory.name, values, node, directory, events)


def _story_from_text(path: Path, text: str | None, problems: Problems, deps: Dependencies) -> tuple:
    """story.yaml's nodes and checked values; they depend on its text and folder alone."""
    node = yamlio.parse(text, display_path(path), problems) if text is not None else None
    if node is None:
        return None, INVALID
    return node, STORY.read(node, Context(problems, story_dir=path.parent, language=story_language(node)))


def story_language(node: Node | None) -> str | None:
    """story.yaml's language as written, read even when the story has problems: date hints read
    month names in it."""
    written = node.get("language") if isinstance(node, Mapping) else None
    return written.value.strip() if isinstance(written, Scalar) and not written.is_null else None


def reserved_names() -> str:
    return ", ".join(sorted(name for name in RESERVED_STORY_IDS if ID_PATTERN.fullmatch(name)))


def event_files(directory: Path) -> list[Path]:
    """The events/*.yaml entries; one that is not a regular file (a pipe, a folder, a link
    out of the story) is listed too, so that reading it reports it instead of skipping it unseen."""
    events_dir = directory / "events"
    if not events_dir.is_dir():
        return []
    return sorted(p for p in events_dir.iterdir() if p.suffix.lower() in EVENT_SUFFIXES and not p.name.startswith("."))


def read_events(directory: Path, ctx: Context, progress: Progress | None = None,
                cache: SourceCache | None = None) -> list[Event]:
    """A story's events, file by file in name order; with a cache, kept reads are used and many
    files are read in parallel processes (cachedread.py)."""
    files = event_files(directory)
    if cache is not None:
        events = _read_events_cached(directory, files, ctx, progress, cache)
    else:
        events = []
        for number, path in enumerate(files, start=1):
            events.extend(read_event_file(path, ctx))
            if progress:
                progress(number, len(files), f"reading {display_path(directory)}")
    check_duplicate_ids(events, ctx.problems)
    return events


def _read_events_cached(directory: Path, files: list[Path], ctx: Context, progress: Progress | None,
                        cache: SourceCache) -> list[Event]:
    shown = display_path(directory)
    lookups = Lookups(ctx.places, ctx.route_ids, ctx.language)
    reader = EventFileReader(directory, ctx.places, ctx.route_ids, ctx.language)
    counted = (lambda done, total: progress(done, total, f"reading {shown}")) if progress else None
    events: list[Event] = []
    # With route files in --data, GDAL's reader will be needed: imported while the events are parsed.
    meanwhile = routefiles.import_reader if ctx.route_ids else None
    for path, read in zip(files, cachedread.read_many(cache, files, directory.parent,
                                                       lambda path: ("event", display_path(path), shown),
                                                       lookups, reader, counted, meanwhile)):
        events.extend(read.replay(ctx.problems, display_path(path)))
    return events


@dataclass
class EventFileReader:
    """Reads one event file's text as read_event_file does, recording what it looked at."""

    story_dir: Path
    places: dict | None
    route_ids: set[str] | None
    language: str | None
    media_read: dict = field(default_factory=dict)

    def __call__(self, path: Path, text: str | None, problems: Problems, deps: Dependencies) -> tuple[Event, ...]:
        node = yamlio.parse(text, display_path(path), problems) if text is not None else None
        ctx = Context(problems, self.story_dir, self.places, self.route_ids, language=self.language,
                      media_read=self.media_read, deps=deps)
        return tuple(events_from_node(node, path, ctx))


def read_event_file(path: Path, ctx: Context) -> list[Event]:
    """One file holds one event (a mapping) or several (a list of mappings), read only from
    inside --stories (the story folder's parent)."""
    node = yamlio.load(path, ctx.problems, ctx.story_dir.parent if ctx.story_dir is not None else None)
    return events_from_node(node, path, ctx)


def events_from_node(node: Node | None, path: Path, ctx: Context) -> list[Event]:
    if node is None:
        return []
    stem_id = path.stem if ID_PATTERN.fullmatch(path.stem) else None
    if isinstance(node, Mapping):
        ctx.default_id = stem_id
        items = [EVENT.read(node, ctx)]
    elif isinstance(node, Sequence):
        items = []
        for number, item in enumerate(node.items, start=1):
            ctx.default_id = f"{stem_id}-{number}" if stem_id else None
            items.append(EVENT.read(item, ctx))
    else:
        ctx.problems.add(node.mark, "event-file-shape", found=describe_kind(node))
        return []
    ctx.default_id = None
    return [e for e in items if e is not INVALID]


def check_duplicate_ids(events: list[Event], problems: Problems) -> None:
    first: dict[str, Event] = {}
    for event in events:
        if event.id in first:
            other = first[event.id].mark
            problems.add(event.mark, "duplicate-event", value=event.id, where=f"{other.path}:{other.line}")
        else:
            first[event.id] = event
