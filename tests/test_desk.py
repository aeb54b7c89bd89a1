"""The desk's chores: new story, new event; progress and colour on a terminal (import: test_import.py)."""
from __future__ import annotations

import datetime as dt
import io

import pytest
import yaml
from click.testing import CliRunner

from storymap import console, pipeline
from storymap.cli import main

from .conftest import PLACES_YAML, STORY_YAML

TODAY = dt.date.today().isoformat()


def run(*args, env=None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_new_story_builds_at_once_with_a_schema_modeline(project):
    before = dt.date.today()
    result = run("new", "story", "port-activity")
    days = {before.isoformat(), dt.date.today().isoformat()}  # the run may cross midnight
    assert result.exit_code == 0, result.output
    text = (project.stories / "port-activity" / "story.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../../docs/schema/story.schema.json\n")
    assert any(f"published: {day}" in text for day in days) and "# timeline:" in text and "# corrections:" in text
    assert run("check").exit_code == 0


def test_new_story_refuses_bad_or_existing_ids(project):
    assert run("new", "story", "Port Activity").exit_code == 2
    assert run("new", "story", "ok-id").exit_code == 0
    again = run("new", "story", "ok-id")
    assert again.exit_code == 2 and "already exists" in again.output


def test_new_event_is_named_after_its_title_and_builds_once_filled_in(project):
    run("new", "story", "port-activity")
    result = run("new", "event", "port-activity", "73", "freight", "cars:", "Tumangang")
    assert result.exit_code == 0
    path = project.stories / "port-activity" / "events" / "73-freight-cars-tumangang.yaml"
    assert f"Wrote {path.relative_to(project.root)}" in result.output
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=../../../docs/schema/event.schema.json\n")
    assert "title: '73 freight cars: Tumangang'" in text and TODAY not in text  # no date that looks real
    for field in ("# approximate:", "# place:", "# at:", "# route:", "# kind:", "# confidence:", "# description:",
                  "# media:", "# tags:", "# title:", "# url:", "# archive:"):
        assert field in text, field
    filled = text.replace("date: YYYY-MM-DD", "date: 2023-10-05").replace("Name who reported it", "CSIS")
    path.write_text(filled)
    checked = pipeline.check(project.stories, project.data)
    assert not checked.problems and not checked.problems.warnings
    (timed,) = checked.models[0].events
    assert timed.event.id == "73-freight-cars-tumangang"
    second = run("new", "event", "port-activity", "73", "freight", "cars:", "Tumangang")
    assert second.output.splitlines()[0].endswith("tumangang-2.yaml")
    third = run("new", "event", "port-activity", "73", "freight", "cars:", "Tumangang")
    assert third.output.splitlines()[0].endswith("tumangang-3.yaml")


def test_an_untouched_new_event_fails_check_at_each_placeholder(project):
    run("new", "story", "port-activity")
    run("new", "event", "port-activity", "Ship at the pier")
    result = run("check")
    assert result.exit_code == 1
    shown = "stories/port-activity/events/ship-at-the-pier.yaml"
    assert result.output.splitlines()[:6] == [
        f"{shown}:4:7: 'YYYY-MM-DD' is a placeholder left by new event (hint: write when it happened as "
        "YYYY-MM-DD, e.g. 2023-10-05; or 2023-10 for a month, 2023 for a year)",
        "    date: YYYY-MM-DD                    # replace: the day it happened, or YYYY-MM (a month) or YYYY "
        "(a year)",
        "          ^",
        f"{shown}:23:16: 'Name who reported it' is a placeholder left by new event (hint: write who reported "
        "it, e.g. publisher: CSIS Beyond Parallel)",
        "      - publisher: Name who reported it # replace: who reported it",
        "                   ^"]
    assert "2 problems in 1 file" in result.output
    assert run("--out", "site").exit_code == 1 and not (project.root / "site").exists()


@pytest.mark.parametrize("given", ["2023-10-05", "2023-10", "2023"])
def test_new_event_date_option_writes_the_date(project, given):
    run("new", "story", "port-activity")
    result = run("new", "event", "port-activity", "Ship at the pier", "--date", given)
    assert result.exit_code == 0, result.output
    path = project.stories / "port-activity" / "events" / "ship-at-the-pier.yaml"
    assert yaml.load(path.read_text(), Loader=yaml.BaseLoader)["date"] == given
    problems = pipeline.check(project.stories, project.data).problems.sorted()
    assert [p.message for p in problems] == ["'Name who reported it' is a placeholder left by new event"]


@pytest.mark.parametrize("given, error, hint", [
    ("Oct 2023", "Error: --date takes a date written YYYY-MM-DD, YYYY-MM or YYYY, not 'Oct 2023'",
     "Hint: write --date 2023-10 for October 2023"),
    ("05/10/2023", "Error: --date takes a date written YYYY-MM-DD, YYYY-MM or YYYY, not '05/10/2023'",
     "Hint: write --date 2023-10-05 for 5 October 2023, or 2023-05-10 for 10 May 2023: the day and the month "
     "could be either way round"),
    ("mid-August 2023", "Error: --date takes a date written YYYY-MM-DD, YYYY-MM or YYYY, not 'mid-August 2023'",
     "Hint: write --date 2023-08 for August 2023"),  # approximate: true is for the file
    ("soon", "Error: --date takes a date written YYYY-MM-DD, YYYY-MM or YYYY, not 'soon'",
     "Hint: e.g. --date 2023-10-05, --date 2023-10 for a month or --date 2023 for a year"),
    ("2023-02-30", "Error: --date 2023-02-30 is not a real calendar date",
     "Hint: check the day and the month, and write the year with its four digits"),
    ("0999", "Error: --date 0999 is not a real calendar date",
     "Hint: check the day and the month, and write the year with its four digits"),
])
def test_new_event_refuses_a_date_it_cannot_write(project, given, error, hint):
    run("new", "story", "port-activity")
    result = CliRunner().invoke(main, ["new", "event", "port-activity", "Ship", "--date", given])
    assert result.exit_code == 2 and result.output.splitlines() == [error, hint]
    assert list((project.stories / "port-activity" / "events").iterdir()) == []


def test_new_event_date_hint_reads_the_storys_language(project):
    run("new", "story", "port-activity")
    story = project.stories / "port-activity" / "story.yaml"
    story.write_text(story.read_text() + "language: uk\n")
    result = run("new", "event", "port-activity", "Ship", "--date", "жовтень 2023")
    assert result.exit_code == 2 and "Hint: write --date 2023-10 for October 2023" in result.output


def test_new_event_file_names_are_cut_between_words(project):
    run("new", "story", "port-activity")
    events = project.stories / "port-activity" / "events"
    long_title = "Satellite images show seventy three freight cars at the Tumangang border station"
    run("new", "event", "port-activity", long_title)
    (name,) = [p.stem for p in events.iterdir()]
    assert name == "satellite-images-show-seventy-three-freight-cars-at-the"
    assert len(name) <= 60 and long_title.lower().replace(" ", "-").startswith(name + "-")
    run("new", "event", "port-activity", "x" * 70 + " pier")
    assert (events / f"{'x' * 60}.yaml").is_file()  # one word longer than 60 is cut inside it


def test_new_event_avoids_an_id_another_file_gives(project):
    run("new", "story", "port-activity")
    project.write("stories/port-activity/events/other.yaml",
                  "id: ship-at-the-pier\ntitle: T\ndate: 2023-01-01\nsources: [{publisher: P}]\n")
    result = run("new", "event", "port-activity", "Ship at the pier")
    assert result.output.splitlines()[0].endswith("events/ship-at-the-pier-2.yaml")


@pytest.mark.parametrize("title, stem", [
    ("Café au lait: 3 ships", "cafe-au-lait-3-ships"),
    ("Поставки снарядов по железной дороге", "postavki-snaryadov-po-zheleznoy-doroge"),
    ("Вагони біля кордону", "vagoni-bilya-kordonu"),
    ("북한 화물열차", "event"),  # no Latin letters to name it after
    ("Straße — Hafen", "strasse-hafen"),
])
def test_new_event_file_names_from_other_scripts(project, title, stem):
    run("new", "story", "port-activity")
    result = run("new", "event", "port-activity", title)
    assert result.output.splitlines()[0].endswith(f"events/{stem}.yaml")


def test_slug_cuts_at_a_word_boundary():
    from storymap.desk.scaffold import slug

    assert slug("a" * 59 + " bc") == "a" * 59
    assert slug("a" * 60 + " bc") == "a" * 60
    assert slug("ab " * 30) == "-".join(["ab"] * 20)
    assert slug("one two three", limit=7) == "one-two" and slug("one two three", limit=6) == "one"
    assert slug("--- ---") == ""


def test_new_event_for_a_missing_story(project):
    run("new", "story", "port-activity")
    result = run("new", "event", "port-activty", "x")
    assert result.exit_code == 2 and "did you mean 'port-activity'?" in result.output


def test_the_modeline_points_at_the_schema_in_docs(project):
    """The relative path in the modeline must lead to the schema kept in docs/ of this repository."""
    from .conftest import REPO

    assert (REPO / "docs" / "schema" / "event.schema.json").is_file()
    assert (REPO / "stories" / "x" / "events" / "../../../docs/schema/event.schema.json").resolve() == \
        (REPO / "docs" / "schema" / "event.schema.json").resolve()


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_shows_only_on_a_terminal():
    terminal, pipe = FakeTerminal(), io.StringIO()
    for stream in (terminal, pipe):
        progress = console.TerminalProgress(stream)
        progress(1, 10, "reading stories/x")
        progress(10, 10, "reading stories/x")
        progress.clear()
    assert "reading stories/x: 10/10" in terminal.getvalue() and pipe.getvalue() == ""


def test_colour_on_a_terminal_unless_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert console.use_colour(FakeTerminal()) and not console.use_colour(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not console.use_colour(FakeTerminal())


def test_story_yaml_and_places_fixtures_are_valid(project):
    project.write("data/places.yaml", PLACES_YAML)
    project.write("stories/a/story.yaml", STORY_YAML)
    assert run("check").exit_code == 0
