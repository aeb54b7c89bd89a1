"""The pipeline, run in order: source/ reads and checks every input, geo/ resolves
places and routes into the story models, render/ and preview/ draw the site's
files, write.py writes them.

Nothing is written unless every stage found no problem, so a failed build
leaves the previous site untouched.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from storymap.errors import Problems
from storymap.geo.resolve import resolve
from storymap.model import StoryModel
from storymap.preview import picture
from storymap.preview.geometry import NATURAL_EARTH
from storymap.render import assets, parts, schema
from storymap.render.memo import RenderMemo
from storymap.source.filecache import SourceCache
from storymap.source.load import Progress, read_inputs
from storymap.write import check_output_dir, write_site

SITE_TITLE = parts.SITE_TITLE


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
    with collection_frozen(source_cache is None):
        models = resolve(inputs, problems) if not problems else []
    return BuildResult(problems, models, files_read=inputs.files_read)


@contextmanager
def collection_frozen(cold: bool) -> Iterator[None]:
    """In a cold build, what was read so far (millions of small objects, no cycles) is left out of
    the cycle collector's walks while the block runs: each walk took it all again (0.3 s of
    resolving 10,000 events), and in a forked worker touched every page it shares with the build.
    serve's builds (not cold) keep the collector as it is: they run one after another in one process."""
    if not cold:
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def render_site(models: list[StoryModel], base_url: str | None, progress: Progress | None = None,
                data_dir: Path | None = None, memo: RenderMemo | None = None,
                parallel_from: int = parts.PARALLEL_FROM_EVENTS, workers: int | None = None) -> dict[str, bytes]:
    """Every file of the site by name. With a memo (serve's), only the parts whose key changed
    are made again (render/memo.py); a big cold build makes its parts in parallel (render/parts.py)."""
    if memo is not None:
        memo.start()
    land, land_key = _land(data_dir, memo) if data_dir and models else (None, None)  # read once for every story
    todo = []
    for number, model in enumerate(models, start=1):
        if progress:
            progress(number, len(models), "writing pages")
        todo += parts.story_parts(model, base_url, land, land_key, memo)
    todo += parts.site_parts(models, base_url, memo)
    files = dict(assets.assets())
    for name, data in schema.schema_files().items():
        files[f"schema/{name}"] = data
    files.update(parts.make_parts(todo, memo, sum(len(m.events) for m in models), parallel_from, workers))
    for model in models:
        for media in (m for t in model.events for m in t.event.media):
            files[model.story.id + "/" + media.output] = media.data  # the bytes checked, under a name no src chose
    if memo is not None:
        memo.finish(files)
    return files


def _land(data_dir: Path, memo: RenderMemo | None) -> tuple[object, object]:
    """The land preview.png draws on, and a key for it: serve reads it again only when its file changed."""
    if memo is None:
        return picture.read_land(data_dir), None
    return memo.land(data_dir, picture.read_land, str(NATURAL_EARTH))


def build(stories_dir: Path, data_dir: Path, out_dir: Path, base_url: str | None = None,
          progress: Progress | None = None, strict: bool = False,
          source_cache: SourceCache | None = None, memo: RenderMemo | None = None) -> BuildResult:
    """With strict, warnings stop the build as problems do: nothing is written. serve passes the
    caches it keeps between builds: its source cache (files read before) and render memo."""
    check_output_dir(out_dir)  # a wrong --out is reported before any work
    result = check(stories_dir, data_dir, progress, source_cache)
    if result.problems or (strict and result.problems.warnings):
        return result
    with collection_frozen(memo is None):
        result.files = render_site(result.models, base_url, progress, data_dir, memo)
    if memo is None:
        write_site(result.files, out_dir)
        return result
    try:
        write_site(result.files, out_dir, memo.reuse)
    except BaseException:
        memo.written(None)  # the site on disk is not the one the memo knows: link nothing from it
        raise
    memo.written(result.files)
    return result
