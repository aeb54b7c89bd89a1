"""Warnings: where the map would mislead. They are printed like problems, with `warning:`, and
do not stop a build or a check unless --strict is given.

The checks that find them live in geo/; here a warning is added to a real run (after the
stories resolved, where geo/ adds its own), so what is tested is how every command shows them
and what they do to the exit status and the output folder.
"""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from storymap import console, pipeline
from storymap.cli import main
from storymap.desk.serve import Builder
from storymap.desk.servehttp import BuildState
from storymap.errors import Mark, Problems

from .conftest import EVENT_YAML

EVENT_FILE = "stories/test-story/events/e.yaml"
LAND = dict(km="125", lat="42.30", lon="48.10")
SHOWN = (f"{EVENT_FILE}:3:1: warning: this straight sea route crosses 125 km of land near 42.30, 48.10 "
         "(hint: remove `path: straight` to compute a route at sea, or add via points off the coast)")


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def warned(project, monkeypatch):
    """A valid project whose run finds one warning, at line 3 of its event file."""
    project.places()
    project.story(events={"e.yaml": EVENT_YAML})
    real_resolve = pipeline.resolve

    def resolve_and_warn(inputs, problems):
        models = real_resolve(inputs, problems)
        problems.add_warning(Mark(EVENT_FILE, 3, 1), "sea-route-over-land", **LAND)
        return models

    monkeypatch.setattr(pipeline, "resolve", resolve_and_warn)
    return project


def test_warnings_do_not_count_as_problems():
    problems = Problems()
    problems.add_warning(Mark("b.yaml", 2, 1), "sea-route-over-land", **LAND)
    assert not problems and len(problems) == 0 and list(problems) == []
    problems.add(Mark("a.yaml", 5, 1), "file-empty")
    problems.add_warning(Mark("a.yaml", 1, 1), "place-outside-country", place="p", km="12", country="IR")
    assert bool(problems) and len(problems) == 1 and len(problems.warnings) == 2
    assert [(p.mark.path, p.mark.line, p.is_warning) for p in problems.everything()] == [
        ("a.yaml", 1, True), ("a.yaml", 5, False), ("b.yaml", 2, True)]
    assert [p.code for p in problems.sorted()] == ["file-empty"]


def test_the_catalog_says_which_codes_are_warnings():
    problems = Problems()
    with pytest.raises(ValueError):
        problems.add(Mark("a.yaml"), "sea-route-over-land", **LAND)
    with pytest.raises(ValueError):
        problems.add_warning(Mark("a.yaml"), "file-empty")


def test_a_warning_as_text_and_as_a_github_annotation():
    problems = Problems()
    problems.add_warning(Mark(EVENT_FILE, 3, 1), "sea-route-over-land", **LAND)
    problems.add_warning(Mark("x.yaml", 4, 7), "place-outside-country",
                         "lat and lon look swapped: lat: 36.857, lon: 53.372 is inside IR",
                         place="amirabad", km="1,240", country="IR")
    sea, place = problems.warnings
    assert sea.as_text() == SHOWN
    assert place.as_github() == ("::warning file=x.yaml,line=4,col=7::amirabad lies 1,240 km outside its country IR "
                                 "(hint: lat and lon look swapped: lat: 36.857, lon: 53.372 is inside IR)")


def test_check_prints_warnings_and_succeeds(warned):
    result = run("check")
    assert result.exit_code == 0, result.output
    assert SHOWN in result.stderr
    assert "    title: Something happened" not in result.stderr  # the quoted line is line 3's
    assert "    place: north-port\n    ^" in result.stderr
    assert "No problems in 3 files (1 story, 1 event); 1 warning above." in result.stdout


def test_check_strict_fails_on_warnings_after_printing_them(warned):
    result = run("check", "--strict")
    assert result.exit_code == 1
    assert SHOWN in result.stderr
    assert "1 warning in 1 file" in result.stderr and "--strict: warnings count as problems." in result.stderr
    assert "No problems" not in result.output


def test_check_github_format_annotates_warnings(warned):
    result = run("check", "--format", "github")
    assert result.exit_code == 0
    assert (f"::warning file={EVENT_FILE},line=3,col=1::this straight sea route crosses 125 km of land near "
            "42.30, 48.10 (hint: ") in result.stderr
    assert "::error" not in result.output


def test_build_with_warnings_writes_the_site(warned):
    result = run("--stories", "stories", "--data", "data", "--out", "site")
    assert result.exit_code == 0, result.output
    assert SHOWN in result.stderr
    assert "Built 1 story (1 event) into site/ in" in result.stdout and "; 1 warning above" in result.stdout
    assert (warned.out / "test-story" / "index.html").is_file()


def test_build_strict_writes_nothing_and_leaves_the_site(warned):
    warned.out.mkdir()
    for args in (["--strict"], ["build", "--strict"]):
        result = run(*args, "--stories", "stories", "--data", "data", "--out", "site")
        assert result.exit_code == 1, result.output
        assert SHOWN in result.stderr and "Nothing was written; site is unchanged." in result.stderr
        assert list(warned.out.iterdir()) == []


def test_report_counts_problems_and_warnings(capsys):
    problems = Problems()
    problems.add(Mark("b.yaml", 6, 1), "file-empty")
    problems.add_warning(Mark("a.yaml", 3, 1), "sea-route-over-land", **LAND)
    problems.add_warning(Mark("b.yaml", 1, 1), "sea-route-over-land", **LAND)
    console.report(problems)
    err = [line for line in capsys.readouterr().err.splitlines() if not line.startswith(" ")]
    assert [line.split(":")[0:2] for line in err[:3]] == [["a.yaml", "3"], ["b.yaml", "1"], ["b.yaml", "6"]]
    assert err[-1] == "1 problem and 2 warnings in 2 files"
    assert console.counted(Problems()) == "0 problems"


def test_serve_shows_warnings_of_a_good_build(warned, capsys):
    state = BuildState(site_ready=False)
    builder = Builder(warned.stories, warned.data, warned.out, None, state)
    builder._build(first=True)
    status = state.snapshot()
    assert status["build"] == 1 and status["problems"] == []
    assert status["warnings"] == [SHOWN]
    captured = capsys.readouterr()
    assert SHOWN in captured.err and "1 warning above" in captured.out
