"""While a big story's event files are parsed in other processes, the build's own process
imports GDAL's reader when --data has route files (source/cachedread.py's `meanwhile`), in a
thread started after the workers were forked and ended before the read returns."""
from __future__ import annotations

import shutil
import threading

import pytest

from storymap.errors import Problems
from storymap.geo import routefiles
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
