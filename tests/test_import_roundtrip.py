"""A story's events.csv download imports back as the same events.

The round-trip story (tests/fixtures/roundtrip) has every field a sheet can
hold: a place, a point with seven decimals, spans, a month, several sources
with every field, each kind of route (computed at sea, straight by road, air,
a route file), tags, Markdown that opens with a list, and text a spreadsheet
would run as a formula. Its download is imported into a fresh story with the
same story.yaml; read and checked as a build does, the story has the same events, and writes the same
events.csv byte for byte. Media cannot travel in a sheet; the fixture has none.
"""
from __future__ import annotations

import csv
import io
import shutil

from click.testing import CliRunner

from storymap import pipeline
from storymap.cli import main
from storymap.render.exports import events_csv
from storymap.source.sheetrows import column_key

from .conftest import FIXTURES


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def events_by_id(models, story_id):
    (model,) = [m for m in models if m.story.id == story_id]
    return {timed.event.id: timed.event for timed in model.events}


def test_events_csv_imports_back_into_a_fresh_story_as_the_same_events(tmp_path, monkeypatch):
    shutil.copytree(FIXTURES / "roundtrip", tmp_path, dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)
    download = events_csv(pipeline.check(tmp_path / "stories", tmp_path / "data").models[0])
    header = next(csv.reader(io.StringIO(download.decode("utf-8-sig"))))
    assert header[-5:] == [f"source_3_{f}" for f in ("publisher", "title", "url", "date", "archive")]
    assert all(column_key(name) for name in header), "every column the download writes is one import reads"

    (tmp_path / "stories" / "copy" / "events").mkdir(parents=True)
    shutil.copy(tmp_path / "stories" / "roundtrip" / "story.yaml", tmp_path / "stories" / "copy")
    (tmp_path / "events.csv").write_bytes(download)
    imported = run("import", "events.csv", "--story", "copy")
    assert imported.output == "Imported 7 rows into stories/copy/events/: 7 new, 0 updated, 0 unchanged\n"

    checked = pipeline.check(tmp_path / "stories", tmp_path / "data")  # a build's reading and checking
    assert not checked.problems and not checked.problems.warnings
    models = checked.models
    original, copy = events_by_id(models, "roundtrip"), events_by_id(models, "copy")
    assert sorted(copy) == sorted(original) and len(copy) == 7
    for event_id, event in original.items():
        assert copy[event_id] == event, event_id  # every field; where in which file aside
    assert events_csv([m for m in models if m.story.id == "copy"][0]) == download

    again = run("import", "events.csv", "--story", "copy")
    assert again.output == "Imported 7 rows into stories/copy/events/: 0 new, 0 updated, 7 unchanged\n"
