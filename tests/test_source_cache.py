"""The source cache (storymap/source/filecache.py, cachedread.py): a read through a cache kept
between runs gives exactly what a fresh read gives (the same stories, places, problems and
warnings in the same order, the same texts for excerpts) after every kind of edit, and parses
only the files that changed; the parallel read gives what the serial read gives."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import given, settings, strategies as st

from storymap.errors import Problems
from storymap.source.filecache import SourceCache
from storymap.source.load import read_inputs

from .conftest import EVENT_YAML, FIXTURES, STORY_YAML, Project

EVENTS = {f"e{n}.yaml": EVENT_YAML.replace("Something happened", f"Event {n}") for n in range(5)}
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def read(project: Project, cache: SourceCache | None = None) -> tuple:
    problems = Problems()
    inputs = read_inputs(project.stories, project.data, problems, cache=cache)
    return (inputs.stories, inputs.places, inputs.route_files, inputs.places_credit, inputs.files_read,
            problems.items, problems.warnings, problems.texts)


def same_as_fresh(project: Project, cache: SourceCache) -> None:
    """The cached read equals a read with a new cache, problems in the same order."""
    cached = read(project, cache)
    fresh = read(project)
    assert cached == fresh
    assert [p.as_text() for p in cached[5]] == [p.as_text() for p in fresh[5]]


def edit(path: Path, text: str) -> None:
    """Write and move the modification time on, as a later save would."""
    path.write_text(text, "utf-8")
    later = os.stat(path).st_mtime_ns + 5_000_000_000
    os.utime(path, ns=(later, later))


def age(root: Path) -> None:
    """Files written minutes ago: the cache trusts their status (a fresh one is hashed again)."""
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))


def warm(project: Project) -> SourceCache:
    project.places()
    project.story(events=EVENTS)
    age(project.root)
    cache = SourceCache()
    read(project, cache)
    assert cache.stats.parsed == 7  # places.yaml, story.yaml, five event files
    return cache


def test_no_change_parses_nothing_and_opens_nothing(project):
    cache = warm(project)
    same_as_fresh(project, cache)
    assert (cache.stats.parsed, cache.stats.hashed, cache.stats.hits) == (0, 0, 7)


def test_an_edited_event_file_is_the_only_one_parsed_again(project):
    cache = warm(project)
    events = project.stories / "test-story" / "events"
    edit(events / "e2.yaml", EVENT_YAML.replace("Something happened", "Edited"))
    same_as_fresh(project, cache)
    assert cache.stats.parsed == 1 and cache.stats.hits == 6
    assert any(e.title == "Edited" for e in read(project, cache)[0][0].events)


def test_valid_to_invalid_and_back(project):
    cache = warm(project)
    path = project.stories / "test-story" / "events" / "e3.yaml"
    edit(path, EVENT_YAML.replace("date: 2023-10-05", "date: 5 Oct 2023").replace("north-port", "nowhere"))
    same_as_fresh(project, cache)
    assert len(read(project, cache)[5]) == 2
    edit(path, "title: [unclosed\n")
    same_as_fresh(project, cache)
    edit(path, EVENT_YAML)
    same_as_fresh(project, cache)
    assert read(project, cache)[5] == []


def test_files_added_removed_and_renamed(project):
    cache = warm(project)
    events = project.stories / "test-story" / "events"
    edit(events / "new.yaml", EVENT_YAML)
    same_as_fresh(project, cache)
    (events / "e0.yaml").unlink()
    same_as_fresh(project, cache)
    (events / "e1.yaml").rename(events / "renamed.yaml")  # its default id changes with its name
    same_as_fresh(project, cache)
    assert "e1" not in {e.id for e in read(project, cache)[0][0].events}
    (events / "e2.yaml").rename(events / "e1.yaml")
    edit(events / "dupe.yaml", EVENT_YAML.replace("title:", "id: e3\ntitle:"))  # a duplicate across files
    same_as_fresh(project, cache)
    assert [p.code for p in read(project, cache)[5]] == ["duplicate-event"]
    assert str(events / "e0.yaml") not in cache.entries  # removed files are forgotten


def test_a_moved_and_a_removed_place(project):
    cache = warm(project)
    edit(project.data / "places.yaml", Path(project.data / "places.yaml").read_text().replace("42.25", "42.5"))
    same_as_fresh(project, cache)
    assert cache.stats.parsed == 1  # the gazetteer alone: events name places, they hold no coordinates
    edit(project.data / "places.yaml", "- {id: east-depot, name: East Depot, kind: depot, lat: 45.89, lon: 40.04}\n")
    same_as_fresh(project, cache)
    assert cache.stats.parsed == 6  # the gazetteer, and the five events that name north-port
    assert [p.code for p in read(project, cache)[5]] == ["unknown-place"] * 5
    assert cache.stats.parsed == 0


def test_a_place_in_the_story_satisfies_an_event(project):
    cache = warm(project)
    edit(project.data / "places.yaml", "[]\n")
    same_as_fresh(project, cache)
    story = project.stories / "test-story" / "story.yaml"
    edit(story, story.read_text() + "places:\n  - {id: north-port, name: N, kind: port, lat: 1, lon: 2}\n")
    same_as_fresh(project, cache)
    assert read(project, cache)[5] == []


def test_the_story_language_changes_a_date_hint(project):
    cache = warm(project)
    events = project.stories / "test-story" / "events"
    edit(events / "e4.yaml", EVENT_YAML.replace("date: 2023-10-05", "date: 5 März 2023"))
    same_as_fresh(project, cache)
    story = project.stories / "test-story" / "story.yaml"
    assert "2023-03-05" not in read(project, cache)[5][0].as_text()
    edit(story, story.read_text() + "language: de\n")
    same_as_fresh(project, cache)
    assert cache.stats.parsed == 2  # story.yaml, and e4, the one file whose hint read the language
    assert "2023-03-05" in read(project, cache)[5][0].as_text()


def test_a_touched_file_is_hashed_not_parsed(project):
    cache = warm(project)
    path = project.stories / "test-story" / "events" / "e1.yaml"
    later = os.stat(path).st_mtime_ns + 5_000_000_000
    os.utime(path, ns=(later, later))
    same_as_fresh(project, cache)
    assert (cache.stats.hashed, cache.stats.parsed) == (1, 0)


def test_a_changed_image_is_read_again(project):
    project.places()
    image = project.write("stories/test-story/media/photo.png", PNG)
    with_media = EVENT_YAML + "media:\n  - {src: media/photo.png, alt: A photo}\n"
    project.story(events={**EVENTS, "pic.yaml": with_media})
    age(project.root)
    cache = SourceCache()
    first = read(project, cache)[0][0]
    image.write_bytes(PNG + b"more")
    same_as_fresh(project, cache)
    second = read(project, cache)[0][0]
    names = [{m.output for e in s.events for m in e.media} for s in (first, second)]
    assert names[0] != names[1]
    image.unlink()
    same_as_fresh(project, cache)
    assert [p.code for p in read(project, cache)[5]] == ["media-missing"]


def test_parallel_read_equals_serial_read(project):
    shutil.copytree(FIXTURES / "tiny" / "data", project.data, dirs_exist_ok=True)
    shutil.copytree(FIXTURES / "tiny" / "stories", project.stories, dirs_exist_ok=True)
    events = next(project.stories.iterdir()) / "events"
    for number in range(40):
        edit(events / f"extra-{number:02d}.yaml", EVENT_YAML.replace("north-port", f"place-{number % 3}"))
    edit(events / "broken.yaml", "title: [unclosed\n")
    serial = read(project, SourceCache(parallel_min_bytes=10**12))
    pool = SourceCache(parallel_min_bytes=1, workers=2)
    parallel = read(project, pool)
    assert pool.stats.parallel_workers == 2
    assert parallel == serial
    assert len(serial[5]) > 40  # unknown places, the broken file


def test_resolved_models_follow_a_moved_place(project):
    """The geo stage's memo (routes measured, places checked against their countries) gives the
    models and warnings a fresh check gives, after a place used by a route moved."""
    from storymap import pipeline

    shutil.copytree(FIXTURES / "tiny" / "data", project.data, dirs_exist_ok=True)
    shutil.copytree(FIXTURES / "tiny" / "stories", project.stories, dirs_exist_ok=True)
    events = project.stories / "tiny-story" / "events"
    edit(events / "road.yaml", "title: Trucks\ndate: 2023-09-05\nroute: {mode: road, via: [east-depot, border-bridge]}\n"
                               "sources: [{publisher: Example}]\n")
    cache = SourceCache()
    checks = []
    for lat in ("45.89", "45.89", "12.5"):
        places = (project.data / "places.yaml").read_text()
        edit(project.data / "places.yaml", places.replace("lat: 45.89", f"lat: {lat}").replace("lat: 12.5", f"lat: {lat}"))
        cached, fresh = pipeline.check(project.stories, project.data, source_cache=cache), \
            pipeline.check(project.stories, project.data)
        assert (cached.models, cached.problems.items, cached.problems.warnings) == \
            (fresh.models, fresh.problems.items, fresh.problems.warnings)
        checks.append(cached)
    road = [next(t.geometry for t in c.models[0].events if t.event.id == "road") for c in checks]
    assert road[0] == road[1] != road[2]
    assert [p.code for p in checks[2].problems.warnings] == ["place-outside-country"]


EDITS = {
    "valid": EVENT_YAML.replace("Something happened", "Changed"),
    "unknown place": EVENT_YAML.replace("north-port", "north-prot"),
    "misread date": EVENT_YAML.replace("2023-10-05", "5 März 2023"),
    "syntax": "title: [unclosed\n",
    "duplicate id": EVENT_YAML.replace("title:", "id: e0\ntitle:"),
    "not a mapping": "- just text\n",
}


@given(st.lists(st.tuples(st.sampled_from(["edit", "add", "remove", "touch", "places", "language"]),
                          st.integers(0, 4), st.sampled_from(sorted(EDITS))), min_size=1, max_size=6))
@settings(max_examples=60)
def test_any_sequence_of_edits_reads_as_fresh(steps):
    with tempfile.TemporaryDirectory() as folder:
        project = Project(Path(folder))
        project.places()
        project.story(events=EVENTS)
        age(project.root)
        cache = SourceCache()
        read(project, cache)
        events, story = project.stories / "test-story" / "events", project.stories / "test-story" / "story.yaml"
        for action, number, variant in steps:
            path = events / f"e{number}.yaml"
            if action in ("edit", "add"):
                edit(path if action == "edit" else events / f"n{number}.yaml", EDITS[variant])
            elif action == "remove" and path.exists():
                path.unlink()
            elif action == "touch" and path.exists():
                os.utime(path, ns=(os.stat(path).st_mtime_ns + 10**9,) * 2)
            elif action == "places":
                edit(project.data / "places.yaml", PLACES_VARIANTS[number % len(PLACES_VARIANTS)])
            elif action == "language":
                edit(story, STORY_YAML + ("language: de\n" if number % 2 else ""))
            same_as_fresh(project, cache)


PLACES_VARIANTS = [
    "- {id: north-port, name: North Port, kind: port, lat: 42.25, lon: 130.29, aliases: [Najin]}\n",
    "- {id: north-prt, name: North Port, kind: port, lat: 42.25, lon: 130.29}\n",
    "- {id: north-port, name: North Port, kind: port, lat: 40, lon: 130.29}\n",
    "[]\n",
    "- {id: north-port, name: North Port\n",
]
