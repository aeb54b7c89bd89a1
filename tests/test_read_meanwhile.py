"""While a big story's event files are parsed in other processes, the build's own process
imports GDAL's reader when --data has route files (source/cachedread.py's `meanwhile`), then
gets ready to resolve and render (pipeline._get_ready), in a thread started after the workers
were forked and ended before the read returns."""
from __future__ import annotations

import shutil
import threading

import pytest

from storymap import pipeline
from storymap.errors import Problems, UserError
from storymap.geo import countries, routefiles
from storymap.preview import fonts, picture
from storymap.render import basefiles, pages
from storymap.source.filecache import SourceCache
from storymap.source.load import read_inputs

from .conftest import EVENT_YAML, FIXTURES


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    found: list[str] = []
    monkeypatch.setattr(routefiles, "import_reader", lambda: found.append(threading.current_thread().name))
    return found


def _big_story(project, with_routes: bool) -> None:
    shutil.copytree(FIXTURES / "tiny" / "data", project.data, dirs_exist_ok=True)
    shutil.copytree(FIXTURES / "tiny" / "stories", project.stories, dirs_exist_ok=True)
    if not with_routes:
        shutil.rmtree(project.data / "routes")
        for path in project.stories.rglob("*.yaml"):  # the fixture's route events would be problems now
            if "geometry:" in path.read_text("utf-8"):
                path.unlink()
    events = next(project.stories.iterdir()) / "events"
    for number in range(20):
        (events / f"extra-{number:02d}.yaml").write_text(EVENT_YAML, "utf-8")


def test_the_reader_is_imported_in_a_thread_while_workers_parse(project, calls):
    _big_story(project, with_routes=True)
    threads = threading.active_count()
    cache = SourceCache(parallel_min_bytes=1, workers=2)
    read_inputs(project.stories, project.data, Problems(), cache=cache)
    assert cache.stats.parallel_workers == 2
    assert calls == ["meanwhile"]
    assert threading.active_count() == threads  # joined: the render may fork


def test_not_without_route_files_nor_when_read_here(project, calls):
    _big_story(project, with_routes=False)
    read_inputs(project.stories, project.data, Problems(), cache=SourceCache(parallel_min_bytes=1, workers=2))
    assert calls == []
    _big_story(project, with_routes=True)
    read_inputs(project.stories, project.data, Problems(), cache=SourceCache(parallel_min_bytes=10**12))
    assert calls == []


def test_what_the_caller_gives_runs_in_the_same_thread_after_the_reader(project, calls):
    _big_story(project, with_routes=True)
    cache = SourceCache(parallel_min_bytes=1, workers=2)
    read_inputs(project.stories, project.data, Problems(), cache=cache,
                meanwhile=lambda: calls.append("caller's, in " + threading.current_thread().name))
    assert calls == ["meanwhile", "caller's, in meanwhile"]


def test_a_build_gets_ready_to_render_and_a_failing_step_is_left_for_later(monkeypatch, tmp_path):
    done: list[str] = []

    def refuse(data_dir):
        done.append("land")
        raise UserError("cannot read the land", "a hint")

    monkeypatch.setattr(countries, "countries", lambda: done.append("countries"))
    monkeypatch.setattr(picture, "read_land", refuse)
    monkeypatch.setattr(picture, "import_drawing", lambda: done.append("matplotlib"))
    monkeypatch.setattr(fonts, "faces", lambda: done.append("fonts"))
    monkeypatch.setattr(basefiles, "read_layers", lambda: done.append("layers"))
    monkeypatch.setattr(pages, "compile_templates", lambda: done.append("templates"))
    pipeline._get_ready(tmp_path, rendering=False)  # `check`: only what resolving needs
    assert done == ["countries"]
    done.clear()
    pipeline._get_ready(tmp_path, rendering=True)  # the land's error is raised again where it is read
    assert done == ["countries", "land", "matplotlib", "fonts", "layers", "templates"]


def test_the_ready_steps_give_the_same_site(project, tmp_path):
    """Built with every step done ahead (as a big build does) and without: the same bytes."""
    shutil.copytree(FIXTURES / "tiny" / "data", project.data, dirs_exist_ok=True)
    shutil.copytree(FIXTURES / "tiny" / "stories", project.stories, dirs_exist_ok=True)
    plain = pipeline.build(project.stories, project.data, tmp_path / "plain").files
    pipeline._get_ready(project.data, rendering=True)
    ready = pipeline.build(project.stories, project.data, tmp_path / "ready").files
    assert plain == ready
