"""Find and read every input file: the shared gazetteer, then each story and its events.

Everything is read and checked before anything is written; problems from all
files are collected into one list.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import yamlio
from .errors import Mark, Problems, UserError, display_path
from .fields import INVALID, ID_PATTERN, Context, ListOf
from .model import Event, Place, Story
from .validate import EVENT, PLACE, STORY, story_from_values
from .yamlio import Mapping, Sequence, describe_kind

EVENT_SUFFIXES = (".yaml", ".yml")


Progress = Callable[[int, int, str], None]  # (done, total, what) for long runs on a terminal


PLACES_CREDIT = "places-credit.txt"  # beside places.yaml


@dataclass
class Inputs:
    stories: list[Story] = field(default_factory=list)
    places: dict[str, Place] = field(default_factory=dict)  # the shared gazetteer
    route_files: dict[str, Path] = field(default_factory=dict)  # route id -> file
    places_credit: str | None = None  # who to credit for the gazetteer's coordinates
    files_read: int = 0


def story_dirs(stories_dir: Path) -> list[Path]:
    """Story folders in name order; names starting with _ or . are drafts and not built."""
    if not stories_dir.is_dir():  # a mistyped --stories must not build an empty site over a good one
        raise UserError(f"stories folder {display_path(stories_dir)} does not exist",
                        "give the folder of story folders with --stories, or run python build.py new story <id>")
    return sorted(p for p in stories_dir.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))


def read_places(path: Path, problems: Problems) -> dict[str, Place]:
    """A places file: a list of places; duplicate ids are problems."""
    if not path.exists():
        return {}
    node = yamlio.load(path, problems)
    if node is None:
        return {}
    places = ListOf(PLACE).read(node, Context(problems))
    return index_places(places if places is not INVALID else _valid_items(node, problems), problems)


def read_places_credit(path: Path, problems: Problems) -> str | None:
    """The optional one-line credit for the shared gazetteer's coordinates (their
    source and licence), shown beside a story's downloads: coordinates taken from
    share-alike sources keep those terms whatever the story's own licence."""
    if not path.exists():
        return None
    text = yamlio.read_text(path, problems)
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
    routes_dir = data_dir / "routes"
    found: dict[str, Path] = {}
    if not routes_dir.is_dir():
        return found
    for path in sorted(routes_dir.iterdir()):
        if path.name.startswith(".") or path.is_dir() or path.suffix.lower() in (".md", ".txt"):
            continue
        if path.suffix.lower() in (".dbf", ".shx", ".prj", ".cpg", ".qix", ".sbn", ".sbx"):
            continue  # parts of a shapefile, read through its .shp
        if path.stem in found:
            problems.add(Mark(display_path(path)), "duplicate-route-file", value=path.stem,
                         other=found[path.stem].name)
            continue
        found[path.stem] = path
    return found


def read_inputs(stories_dir: Path, data_dir: Path, problems: Problems, progress: Progress | None = None) -> Inputs:
    inputs = Inputs()
    inputs.places = read_places(data_dir / "places.yaml", problems)
    inputs.route_files = find_route_files(data_dir, problems)
    inputs.places_credit = read_places_credit(data_dir / PLACES_CREDIT, problems)
    inputs.files_read = (int((data_dir / "places.yaml").exists()) + int((data_dir / PLACES_CREDIT).exists())
                         + len(inputs.route_files))
    for directory in story_dirs(stories_dir):
        story = read_story(directory, inputs, problems, progress)
        if story is not None:
            inputs.stories.append(story)
    return inputs


def read_story(directory: Path, inputs: Inputs, problems: Problems, progress: Progress | None = None) -> Story | None:
    story_file = directory / "story.yaml"
    shown = display_path(directory)
    before = len(problems)
    if not ID_PATTERN.match(directory.name):
        problems.add(Mark(shown), "bad-story-folder", value=directory.name)
    if not story_file.is_file():
        problems.add(Mark(shown), "no-story-yaml")
        return None
    node = yamlio.load(story_file, problems)
    inputs.files_read += 1
    values = STORY.read(node, Context(problems, story_dir=directory)) if node is not None else INVALID
    places = dict(inputs.places)
    if values is not INVALID:
        places.update(index_places(values.get("places", ()), problems))
    events = read_events(directory, Context(problems, directory, places, set(inputs.route_files)), progress)
    inputs.files_read += len(event_files(directory))
    if values is INVALID or len(problems) > before:
        return None
    return story_from_values(directory.name, values, node, directory, events)


def event_files(directory: Path) -> list[Path]:
    events_dir = directory / "events"
    if not events_dir.is_dir():
        return []
    return sorted(p for p in events_dir.iterdir()
                  if p.suffix.lower() in EVENT_SUFFIXES and not p.name.startswith(".") and p.is_file())


def read_events(directory: Path, ctx: Context, progress: Progress | None = None) -> list[Event]:
    events: list[Event] = []
    files = event_files(directory)
    for number, path in enumerate(files, start=1):
        events.extend(read_event_file(path, ctx))
        if progress:
            progress(number, len(files), f"reading {display_path(directory)}")
    check_duplicate_ids(events, ctx.problems)
    return events


def read_event_file(path: Path, ctx: Context) -> list[Event]:
    """One file holds one event (a mapping) or several (a list of mappings)."""
    node = yamlio.load(path, ctx.problems)
    if node is None:
        return []
    stem_id = path.stem if ID_PATTERN.match(path.stem) else None
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
