"""The pipeline, run in order: source/ reads and checks every input, geo/ resolves
places and routes into the story models, render/ and preview/ draw the site's
files, write.py writes them.

Nothing is written unless every stage found no problem, so a failed build
leaves the previous site untouched.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from storymap.errors import Problems
from storymap.geo.resolve import resolve
from storymap.model import StoryModel
from storymap.preview import picture
from storymap.render import assets, basefiles, exports, feeds, pages, schema
from storymap.source.filecache import SourceCache
from storymap.source.load import Progress, read_inputs
from storymap.write import check_output_dir, write_site

SITE_TITLE = "Story maps"


@dataclass
class BuildResult:
    problems: Problems
    models: list[StoryModel] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    files_read: int = 0


def check(stories_dir: Path, data_dir: Path, progress: Progress | None = None,
          source_cache: SourceCache | None = None) -> BuildResult:
    """Read and check everything; write nothing. With a source cache (kept by serve between
    builds), files unchanged since its last run are not parsed again."""
    problems = Problems()
    inputs = read_inputs(stories_dir, data_dir, problems, progress, source_cache)
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
        for name, data in basefiles.base_files(model).items():
            files[prefix + name] = data  # the land, coasts and borders beneath the map (or its whole base)
        for media in (m for t in model.events for m in t.event.media):
            files[prefix + media.output] = media.data  # the bytes checked, under a name no src chose
    return files


def build(stories_dir: Path, data_dir: Path, out_dir: Path, base_url: str | None = None,
          progress: Progress | None = None, strict: bool = False) -> BuildResult:
    """With strict, warnings stop the build as problems do: nothing is written."""
    check_output_dir(out_dir)  # a wrong --out is reported before any work
    result = check(stories_dir, data_dir, progress)
    if result.problems or (strict and result.problems.warnings):
        return result
    result.files = render_site(result.models, base_url, progress, data_dir)
    write_site(result.files, out_dir)
    return result
