"""Incremental builds (serve's): after each kind of edit, a build with the render memo and the
source cache kept from the last one writes the same bytes as a clean build of the edited input,
and its counters show that exactly what depends on the edit was made again."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from storymap import pipeline
from storymap.render import pages, parts
from storymap.render.memo import RenderMemo
from storymap.source.filecache import SourceCache

from .conftest import FIXTURES, Project

ALPHA_YAML = """\
title: Alpha story
summary: Five events.
byline: Desk
published: 2023-10-18
"""


def alpha_event(number: int, place: str = "north-port", title: str | None = None) -> str:
    return (f"title: {title or f'Event number {number}'}\ndate: 2023-09-{number:02d}\nplace: {place}\n"
            "sources:\n  - publisher: Example News\n")


@pytest.fixture
def site(project: Project, monkeypatch: pytest.MonkeyPatch):
    """Two stories: alpha (five point events, a list page of two each, an image) and the tiny
    fixture (a sea route, a route file); built once with a memo and a source cache."""
    monkeypatch.setattr(pages, "LIST_PAGE_SIZE", 2)
    shutil.copytree(FIXTURES / "tiny" / "stories" / "tiny-story", project.stories / "tiny-story")
    shutil.copytree(FIXTURES / "tiny" / "data", project.data, dirs_exist_ok=True)
    events = {f"e{n}.yaml": alpha_event(n, "east-depot" if n == 4 else "north-port") for n in range(1, 6)}
    events["e5.yaml"] += "media:\n  - {src: media/pixel.png, alt: A pixel}\n"
    project.story("alpha", ALPHA_YAML, events)
    project.write("stories/alpha/media/pixel.png", (FIXTURES / "xss/stories/xss-story/media/pixel.png").read_bytes())
    return Incremental(project)


class Incremental:
    def __init__(self, project: Project):
        self.project = project
        self.memo, self.cache = RenderMemo(), SourceCache()
        self.build()

    def build(self) -> dict[str, int]:
        result = pipeline.build(self.project.stories, self.project.data, self.project.out,
                                source_cache=self.cache, memo=self.memo)
        assert not result.problems, result.problems.sorted()
        self.timed = {timed.event.id: timed for model in result.models for timed in model.events}
        return self.memo.counts()

    def edit(self, relative: str, old: str, new: str) -> None:
        path = self.project.root / relative
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")

    def rebuild_matches_clean(self) -> dict[str, int]:
        """The incremental build's counters, after checking its site against a clean build's."""
        counts = self.build()
        clean = self.project.root / "clean"
        result = pipeline.build(self.project.stories, self.project.data, clean)
        assert not result.problems
        assert tree(self.project.out) == tree(clean)
        return counts


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def story_counts(counts: dict[str, int]) -> dict[str, int]:
    return {kind: n for kind, n in counts.items() if not kind.startswith("event")}


def test_nothing_changed_redoes_nothing_and_links_every_file(site):
    before = os.stat(site.project.out / "alpha" / "events.csv").st_ino
    assert site.rebuild_matches_clean() == {}
    assert site.memo.reuse.written == 0 and site.memo.reuse.linked > 50
    assert os.stat(site.project.out / "alpha" / "events.csv").st_ino == before  # the same file, linked


def test_an_event_title_redoes_its_list_page_the_story_pages_and_downloads_not_the_picture(site):
    site.edit("stories/alpha/events/e3.yaml", "Event number 3", "Event number three")
    assert site.rebuild_matches_clean() == {
        "event": 1, "event csv": 1, "event geojson": 1, "event kml": 1,  # that event's lines, no other
        "event html": 1, "event data": 1,  # its list entry and page-data row: the others are the last build's
        "story pages": 1, "list page": 1, "data.geojson": 1, "events.csv": 1, "data.kml": 1}
    # events-2.html and the three downloads: the story's pages hold no title of a later list page's
    # event (the page data has no titles), so they come out the same and are linked
    assert site.memo.reuse.written == 4


def test_an_event_on_the_first_list_page_redoes_no_other_list_page(site):
    site.edit("stories/alpha/events/e1.yaml", "Event number 1", "Event number one")
    assert "list page" not in site.rebuild_matches_clean()  # the first page is inside index.html


def test_an_added_event_file(site):
    site.project.write("stories/alpha/events/e6.yaml", alpha_event(6, "east-depot"))
    counts = site.rebuild_matches_clean()
    assert counts["event"] == 1 and counts["list page"] == 2  # events-3.html changed, events-4.html is new
    assert counts["preview.png"] == 1 and "index.html" not in counts


def test_an_event_before_the_first_moves_every_events_days_in_the_page_data(site):
    site.project.write("stories/alpha/events/e0.yaml", alpha_event(1).replace("2023-09-01", "2023-08-20"))
    counts = site.rebuild_matches_clean()  # the timeline starts earlier: each row's from and until change
    assert counts["event"] == 1 and counts["event data"] == 6 and counts["event html"] == 1


def test_a_removed_event_file(site):
    (site.project.stories / "alpha" / "events" / "e2.yaml").unlink()
    counts = site.rebuild_matches_clean()
    assert "event" not in counts and counts["list page"] == 1 and counts["preview.png"] == 1


def test_a_moved_place_redoes_every_event_at_it_and_the_picture(site):
    site.edit("data/places.yaml", "lat: 45.89, lon: 40.04", "lat: 45.5, lon: 41.0")
    counts = site.rebuild_matches_clean()
    assert counts["event"] == 1 and counts["event geojson"] == 1  # alpha's e4 is the only event at east-depot
    assert counts["preview.png"] == 1 and counts["story pages"] == 1
    assert story_counts(counts).get("list page") == 1  # e4's page; the tiny story does not use the place


def test_events_off_routes_keep_their_placing_until_their_place_or_timeline_changes(site):
    """The geo stage's memo: an unchanged event keeps its TimedEvent (same object); a moved place
    places its events again, an edited event is placed again; a route event is timed again and
    keeps its line from the routes' own memo."""
    def placed_again(before: dict) -> set[str]:
        return {n for n, timed in before.items() if site.timed[n] is not timed and timed.event.route is None}

    first = site.timed
    site.edit("stories/alpha/events/e2.yaml", "Event number 2", "Event number two")
    site.rebuild_matches_clean()
    assert placed_again(first) == {"e2"}
    assert site.timed["sea-leg"].geometry is first["sea-leg"].geometry
    site.edit("data/places.yaml", "lat: 45.89, lon: 40.04", "lat: 45.5, lon: 41.0")
    second = site.timed
    site.rebuild_matches_clean()
    assert placed_again(second) == {"e4"}  # the only event at east-depot
    assert site.timed["e4"].geometry != second["e4"].geometry
    site.edit("stories/alpha/story.yaml", "published: 2023-10-18", "published: 2023-10-18\ntimeline: {mode: window}")
    third = site.timed
    site.rebuild_matches_clean()
    assert placed_again(third) == {f"e{n}" for n in range(1, 6)}


def test_an_edited_story_title_rebuilds_its_story_and_the_index(site):
    site.edit("stories/alpha/story.yaml", "Alpha story", "Alpha story, revised")
    counts = site.rebuild_matches_clean()
    assert counts == {"story pages": 1, "list page": 2, "data.kml": 1, "oembed.json": 1, "preview.png": 1,
                      "index.html": 1, "feed.xml": 1}


def test_an_edited_story_language_remakes_every_list_entry_of_the_story(site):
    site.edit("stories/alpha/story.yaml", "byline: Desk", "byline: Desk\nlanguage: de")
    counts = site.rebuild_matches_clean()  # dates, confidence and "Source:" in German on every page
    assert counts["event html"] == 5 and counts["list page"] == 2 and "event" not in counts


def test_edited_timeline_settings_replace_every_event_of_the_story(site):
    site.edit("stories/alpha/story.yaml", "published: 2023-10-18", "published: 2023-10-18\ntimeline: {mode: window}")
    counts = site.rebuild_matches_clean()
    assert counts["event"] == 5 and counts["list page"] == 2


def test_a_changed_route_file_redoes_the_route_and_the_picture(site):
    path = site.project.data / "routes" / "east-line.geojson"
    path.write_text(path.read_text().replace("40.", "41.", 1))
    counts = site.rebuild_matches_clean()
    assert counts["event"] == 1 and counts["preview.png"] == 1  # the rail leg of the tiny story, no alpha event
    assert site.memo.groups["alpha/pages"][1] is not None and "oembed.json" not in counts


def test_a_replaced_image_writes_the_new_copy(site):
    media = site.project.stories / "alpha" / "media" / "pixel.png"
    media.write_bytes(media.read_bytes() + b"\0")  # still a PNG: bytes after its end
    counts = site.rebuild_matches_clean()
    assert counts["event"] == 1 and "preview.png" not in counts


def test_a_second_story_edited_leaves_the_first_alone(site):
    site.edit("stories/tiny-story/events/statement.yaml", "Officials deny", "Officials denied")
    counts = site.rebuild_matches_clean()
    assert counts["story pages"] == 1 and "oembed.json" not in counts and "index.html" not in counts
    assert all(not name.startswith("alpha/") for name in site.memo.reuse.unchanged ^ set(site.memo.outputs)
               if name not in site.memo.reuse.unchanged)


def test_a_failed_build_changes_nothing_and_the_next_one_catches_up(site):
    site.edit("stories/alpha/events/e3.yaml", "date: 2023-09-03", "date: 2023-13-03")
    result = pipeline.build(site.project.stories, site.project.data, site.project.out,
                            source_cache=site.cache, memo=site.memo)
    assert result.problems
    site.edit("stories/alpha/events/e3.yaml", "date: 2023-13-03", "date: 2023-09-07")
    site.rebuild_matches_clean()


def test_a_site_replaced_by_another_build_is_written_not_linked(site):
    pipeline.build(site.project.stories, site.project.data, site.project.out)  # e.g. build.py in a terminal
    site.edit("stories/alpha/events/e3.yaml", "Event number 3", "Event number three")
    site.rebuild_matches_clean()
    assert site.memo.reuse.linked == 0


def test_a_parallel_render_gives_the_serial_bytes(site, monkeypatch: pytest.MonkeyPatch):
    forked = []
    in_processes = parts._in_processes
    monkeypatch.setattr(parts, "_in_processes", lambda *a: forked.append(a) or in_processes(*a))
    # Earlier tests of the suite leave threads behind (servers, the browser's connection), which
    # keep a real build serial; here the render is made to fork all the same.
    monkeypatch.setattr(parts.threading, "active_count", lambda: 1)
    result = pipeline.check(site.project.stories, site.project.data)
    serial = pipeline.render_site(result.models, None, data_dir=site.project.data, parallel_from=10**9)
    parallel = pipeline.render_site(result.models, None, data_dir=site.project.data, parallel_from=0, workers=2)
    assert len(forked) == 1  # the parallel one did fork
    assert parallel == serial and list(parallel) == list(serial)
