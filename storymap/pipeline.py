"""The pipeline: read and check every input, resolve geodata, model, render, write.

Nothing is written unless every stage found no problem, so a failed build
leaves the previous site untouched.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from storymap.render import exports, feeds, pages, assets, schema
from storymap.geo import routes
from storymap.preview import picture
from storymap import timeline
from storymap.errors import Problems
from storymap.source.load import Inputs, Progress, read_inputs
from storymap.model import Place, Story, StoryModel, TimedEvent
from storymap.write import check_output_dir, write_site

SITE_TITLE = "Story maps"


@dataclass
class BuildResult:
    problems: Problems
    models: list[StoryModel] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    files_read: int = 0


def story_model(story: Story, shared_places: dict[str, Place], route_lines: dict,
                places_credit: str | None = None) -> StoryModel:
    places = {**shared_places, **{p.id: p for p in story.places}}
    ordered = timeline.in_order(story.events, story.timeline)
    timed: list[TimedEvent] = []
    used: set[str] = set()
    for event in ordered:
        first, last = timeline.visible_interval(event, story.timeline)
        if event.place:
            used.add(event.place)
        if event.route:
            used.update(p for p in event.route.via if isinstance(p, str))
        timed.append(TimedEvent(event, routes.event_geometry(event, places, route_lines), first, last,
                                places.get(event.place) if event.place else None))
    start, end = timeline.timeline_range(story.events, story.timeline, story.published)
    from_gazetteer = bool(used - {p.id for p in story.places})
    return StoryModel(story, tuple(timed), tuple(places[p] for p in sorted(used)), start, end,
                      places_credit if from_gazetteer else None)


def resolve(inputs: Inputs, problems: Problems) -> list[StoryModel]:
    needed = {e.route.geometry for s in inputs.stories for e in s.events if e.route and e.route.geometry}
    route_lines = routes.read_routes(needed & set(inputs.route_files), inputs.route_files, problems, inputs.data_dir)
    if problems:
        return []
    return [story_model(story, inputs.places, route_lines, inputs.places_credit) for story in inputs.stories]


def check(stories_dir: Path, data_dir: Path, progress: Progress | None = None) -> BuildResult:
    """Read and check everything; write nothing."""
    problems = Problems()
    inputs = read_inputs(stories_dir, data_dir, problems, progress)
    models = resolve(inputs, problems) if not problems else []
    return BuildResult(problems, models, files_read=inputs.files_read)


def render_site(models: list[StoryModel], base_url: str | None,
                progress: Progress | None = None, data_dir: Path | None = None) -> dict[str, bytes]:
    files = dict(assets.assets())
    land = picture.read_land(data_dir) if data_dir and models else None  # read once for every story
    files["index.html"] = pages.index_page(models, base_url)
    files["feed.xml"] = feeds.atom_feed(models, SITE_TITLE, base_url)
    for name, data in schema.schema_files().items():
        files[f"schema/{name}"] = data
    for number, model in enumerate(models, start=1):
        if progress:
            progress(number, len(models), "writing pages")
        prefix = model.story.id + "/"
        for name, data in pages.story_files(model, base_url).items():
            files[prefix + name] = data
        files[prefix + "data.geojson"] = exports.data_geojson(model)
        files[prefix + "events.csv"] = exports.events_csv(model)
        files[prefix + "data.kml"] = exports.data_kml(model)
        files[prefix + "oembed.json"] = feeds.oembed(model, SITE_TITLE, base_url)
        files[prefix + "preview.png"] = picture.render(model, land)
        for media in (m for t in model.events for m in t.event.media):
            files[prefix + media.output] = media.data  # the bytes checked, under a name no src chose
    return files


def build(stories_dir: Path, data_dir: Path, out_dir: Path, base_url: str | None = None,
          progress: Progress | None = None) -> BuildResult:
    check_output_dir(out_dir)  # a wrong --out is reported before any work
    result = check(stories_dir, data_dir, progress)
    if result.problems:
        return result
    result.files = render_site(result.models, base_url, progress, data_dir)
    write_site(result.files, out_dir)
    return result
