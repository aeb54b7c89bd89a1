"""A parallel build's order (render/parts.py): a part that reads another's files is made after
it, in a worker handed those files; the story pages read the base map's file names so, from
files made in the other worker (render/basefiles.take_files), and the site is the serial one."""
from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from storymap import pipeline
from storymap.render import basefiles, parts

from .conftest import REPO

_TAKEN: dict[str, bytes] = {}


def _needing_part() -> dict[str, bytes]:
    return {"b": ("saw " + ",".join(sorted(_TAKEN))).encode()}


def _synthetic(slow_first: bool) -> list[parts.Part]:
    return [parts.Part("b", "b", None, _needing_part, needs="a", takes=_TAKEN.update),
            parts.Part("a", "a", None, lambda: {"a1": b"1", "a2": b"2"}),
            parts.Part("c", "c", None, lambda: {"c": b"3"})][::1 if slow_first else -1]


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch):
    # Earlier tests leave threads behind (servers), which keep a real build serial.
    monkeypatch.setattr(parts.threading, "active_count", lambda: 1)


def test_a_part_needing_another_gets_its_files_in_the_worker(forking):
    for order in (True, False):
        _TAKEN.clear()
        files = parts.make_parts(_synthetic(order), None, events=10, parallel_from=0, workers=2)
        assert files["b"] == b"saw a1,a2"
        assert _TAKEN == {}  # handed to the worker, not to this process
        _TAKEN.update({"a1": b"1", "a2": b"2"})
        assert list(files) == [name for part in _synthetic(order) for name in part.make()]  # in the parts' order


def test_serially_a_part_needing_another_is_made_without_being_handed_it():
    _TAKEN.clear()
    files = parts.make_parts(_synthetic(True), None, events=10, parallel_from=10**9)
    assert files["b"] == b"saw "


@pytest.fixture(scope="module")
def example():
    result = pipeline.check(REPO / "stories", REPO / "data")
    assert not result.problems
    return result.models[0]


def test_the_index_from_handed_files_is_the_index_made_here(example, monkeypatch: pytest.MonkeyPatch):
    files, index = basefiles.base_files(example), basefiles.page_index(example)
    basefiles._story_base.cache_clear()
    basefiles.take_files(example, files)
    monkeypatch.setattr(basefiles, "_cell_file", lambda *a: pytest.fail("clipped again"))
    assert basefiles.page_index(example) == index
    assert basefiles.base_files(example) == files
    basefiles._story_base.cache_clear()


def test_parallel_with_the_base_made_in_a_worker_is_the_serial_site(example, forking):
    serial = pipeline.render_site([example], None, data_dir=REPO / "data", parallel_from=10**9)
    basefiles._story_base.cache_clear()  # the workers start without the base: one makes it, the pages' is handed it
    parallel = pipeline.render_site([example], None, data_dir=REPO / "data", parallel_from=0, workers=2)
    assert parallel == serial and list(parallel) == list(serial)


def _started(name: str, pause: float = 0.0) -> Callable[[], dict[str, bytes]]:
    def make() -> dict[str, bytes]:
        began = time.monotonic()  # one clock for every process of the machine
        time.sleep(pause)
        return {name: repr(began).encode()}
    return make


def test_a_part_ready_late_goes_before_the_parts_after_it(forking):
    """The pages wait for the base; once it is made they go next, not behind every list page."""
    todo = [parts.Part("pages", "pages", None, _started("pages"), needs="base", takes=lambda files: None),
            parts.Part("base", "base", None, _started("base")),
            parts.Part("slow", "slow", None, _started("slow", 1.0)),
            *(parts.Part(f"list-{n}", "list", None, _started(f"list-{n}")) for n in range(3))]
    files = parts.make_parts(todo, None, events=10, parallel_from=0, workers=2)
    began = {name: float(value) for name, value in files.items()}
    assert began["pages"] < min(began[f"list-{n}"] for n in range(3))
