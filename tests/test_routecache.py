"""The computed routes' cache: a hit computes nothing, every input is in the key, and a
damaged or unwritable cache only costs time."""
from __future__ import annotations

import json

import pytest

from storymap.geo import routecache

LINE = [(42.25, 130.29), (42.5, 131.0), (42.88, 132.35)]
POINTS = [(42.25, 130.29), (42.88, 132.35)]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("STORYMAP_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "routes"


class Counter:
    def __init__(self, line=LINE):
        self.calls, self.line = 0, line

    def __call__(self):
        self.calls += 1
        return list(self.line)


def test_a_second_build_computes_nothing(cache):
    compute = Counter()
    first = routecache.cached_route("sea", POINTS, (), "v1", compute)
    second = routecache.cached_route("sea", POINTS, (), "v1", compute)
    assert first == second == LINE
    assert compute.calls == 1
    assert len(list(cache.glob("*.json"))) == 1


@pytest.mark.parametrize("change", [
    {"mode": "rail"},
    {"points": [(42.25, 130.29), (42.5, 131.0), (42.88, 132.35)]},
    {"points": list(reversed(POINTS))},
    {"within": ("RU",)},
    {"data_version": "v2"},
])
def test_every_input_is_in_the_key(cache, change):
    compute = Counter()
    base = {"mode": "sea", "points": POINTS, "within": (), "data_version": "v1"}
    routecache.cached_route(compute=compute, **base)
    routecache.cached_route(compute=compute, **{**base, **change})
    assert compute.calls == 2


def test_within_order_does_not_matter(cache):
    compute = Counter()
    routecache.cached_route("rail", POINTS, ("RU", "KP"), "v1", compute)
    routecache.cached_route("rail", POINTS, ("KP", "RU"), "v1", compute)
    assert compute.calls == 1


@pytest.mark.parametrize("content", [b"", b"{", b"[]", b'{"points": [[1, 2]]}', b'{"points": [["x", 2], [3, 4]]}',
                                     b'{"points": [[NaN, 2], [3, 4]]}', b"\xff\xfe"])
def test_a_damaged_entry_is_computed_again(cache, content):
    compute = Counter()
    routecache.cached_route("sea", POINTS, (), "v1", compute)
    (entry,) = cache.glob("*.json")
    entry.write_bytes(content)
    assert routecache.cached_route("sea", POINTS, (), "v1", compute) == LINE
    assert compute.calls == 2
    assert json.loads(entry.read_bytes())["points"] == [list(p) for p in LINE]  # and repaired


def test_an_unwritable_cache_still_gives_the_line(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("STORYMAP_CACHE_DIR", str(blocker))
    compute = Counter()
    assert routecache.cached_route("sea", POINTS, (), "v1", compute) == LINE
    assert routecache.cached_route("sea", POINTS, (), "v1", compute) == LINE
    assert compute.calls == 2


def test_a_failed_computation_is_not_stored(cache):
    def fails():
        raise LookupError("no path")

    with pytest.raises(LookupError):
        routecache.cached_route("sea", POINTS, (), "v1", fails)
    assert not cache.exists() or not list(cache.glob("*.json"))


def test_the_default_folder_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("STORYMAP_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert routecache.cache_dir() == tmp_path / "storymap" / "routes"
