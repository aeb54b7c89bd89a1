"""The command line: exit codes, messages as path:line:col, output left untouched on failure."""
from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from storymap import write
from storymap.cli import main

from .conftest import EVENT_YAML, FIXTURES, REPO

TINY = FIXTURES / "tiny"


def run(*args, env=None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def tiny_args(out):
    return ["--stories", str(TINY / "stories"), "--data", str(TINY / "data"), "--out", str(out)]


def test_build_succeeds_and_says_what_it_built(tmp_path):
    result = run(*tiny_args(tmp_path / "site"))
    assert result.exit_code == 0, result.output
    assert "Built 1 story (4 events) into" in result.output
    assert (tmp_path / "site" / "tiny-story" / "index.html").is_file()
    assert (tmp_path / "site" / write.MARKER).is_file()


def test_explicit_build_command(tmp_path):
    result = run("build", *tiny_args(tmp_path / "site"))
    assert result.exit_code == 0 and (tmp_path / "site" / "index.html").is_file()


def test_two_builds_are_byte_identical(tmp_path):
    for name in ("one", "two"):
        assert run(*tiny_args(tmp_path / name)).exit_code == 0
    one = {p.relative_to(tmp_path / "one"): p.read_bytes() for p in (tmp_path / "one").rglob("*") if p.is_file()}
    two = {p.relative_to(tmp_path / "two"): p.read_bytes() for p in (tmp_path / "two").rglob("*") if p.is_file()}
    assert one.keys() == two.keys() and len(one) > 15
    assert [str(k) for k in one if one[k] != two[k]] == []


def test_problems_exit_1_and_leave_the_site_untouched(project):
    project.places()
    project.story()
    assert run("--stories", "stories", "--data", "data", "--out", "site").exit_code == 0
    before = {p: p.read_bytes() for p in project.out.rglob("*") if p.is_file()}
    project.write("stories/test-story/events/first.yaml", EVENT_YAML.replace("north-port", "north-prot"))
    project.write("stories/test-story/events/second.yaml", "title: x\ndate: 2023-13-01\nsources: [{publisher: P}]\n")
    result = run("--stories", "stories", "--data", "data", "--out", "site")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert ("stories/test-story/events/first.yaml:3:8: unknown place id 'north-prot' "
            "(hint: did you mean 'north-port'?)") in lines
    assert any(line.startswith("stories/test-story/events/second.yaml:2:7: '2023-13-01' is not a real") for line in lines)
    assert "2 problems in 2 files" in lines
    assert "Nothing was written; site is unchanged." in lines
    assert {p: p.read_bytes() for p in project.out.rglob("*") if p.is_file()} == before
    assert not [p for p in project.root.iterdir() if p.name.startswith(".site.") and p.name != ".site.lock"]


def test_problem_shows_the_line_with_a_caret(project):
    project.places()
    project.story(events={"e.yaml": EVENT_YAML.replace("north-port", "north-prot")})
    result = run("check")
    assert "    place: north-prot\n           ^\n" in result.output


def test_whole_file_problem_quotes_no_line(project):
    project.places()
    project.story(events={"e.yaml": EVENT_YAML, "empty.yaml": "   \n"})
    result = run("check")
    assert "stories/test-story/events/empty.yaml:1:1: file is empty" in result.output
    assert "^" not in result.output


def test_check_writes_nothing(project):
    project.places()
    project.story()
    result = run("check")
    assert result.exit_code == 0 and "No problems in 3 files (1 story, 1 event)." in result.output
    assert not project.out.exists()


def test_check_github_annotations(project):
    project.places()
    project.story(events={"e.yaml": EVENT_YAML + "colour: red\n"})
    result = run("check", "--format", "github")
    assert result.exit_code == 1
    assert ("::error file=stories/test-story/events/e.yaml,line=6,col=1::unknown key 'colour' in event "
            "(hint: the keys of event are:") in result.output


def test_no_colour_unless_a_terminal(project):
    project.places()
    project.story(events={"e.yaml": EVENT_YAML + "colour: red\n"})
    assert "\x1b[" not in run("check").output
    assert "\x1b[" not in run("check", env={"NO_COLOR": "1"}).output


def test_usage_errors_exit_2(project):
    assert run("--nonsense").exit_code == 2
    assert run("check", "--format", "xml").exit_code == 2
    project.write("notes.txt", "mine")
    result = run("--out", ".")
    assert result.exit_code == 2
    assert "refusing to replace" in result.output and "Hint: choose an empty or new folder" in result.output
    assert (project.root / "notes.txt").read_text() == "mine"


def test_missing_stories_folder_is_a_usage_error_and_keeps_the_site(project):
    """A mistyped --stories must not publish an empty site over a good one."""
    project.places()
    project.story()
    assert run().exit_code == 0
    for command in ([], ["check"]):
        result = run(*command, "--stories", "nowhere")
        assert result.exit_code == 2, result.output
        assert "Error: stories folder nowhere does not exist" in result.output
    assert (project.out / "test-story" / "index.html").is_file()


def test_empty_stories_folder_builds_an_empty_site(project):
    (project.root / "stories").mkdir(exist_ok=True)
    result = run()
    assert result.exit_code == 0 and "Built 0 stories" in result.output


def test_real_process_exit_codes_and_no_traceback(tmp_path):
    ok = subprocess.run([sys.executable, str(REPO / "build.py"), *tiny_args(tmp_path / "site")],
                        capture_output=True, text=True, cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    bad_story = tmp_path / "stories" / "bad"
    (bad_story / "events").mkdir(parents=True)
    (bad_story / "story.yaml").write_text("title: [\n")
    bad = subprocess.run([sys.executable, str(REPO / "build.py"), "--stories", "stories", "--out", "site2"],
                         capture_output=True, text=True, cwd=tmp_path)
    assert bad.returncode == 1
    assert bad.stderr.startswith("stories/bad/story.yaml:2:1: YAML syntax error")
    assert "Traceback" not in bad.stderr
    usage = subprocess.run([sys.executable, str(REPO / "build.py"), "--bogus"], capture_output=True, text=True)
    assert usage.returncode == 2 and "No such option" in usage.stderr


class Ended(Exception):
    """os._exit, caught: the test goes on where the process would have ended."""


def test_run_ends_without_teardown_after_flushing(tmp_path, monkeypatch, capsys):
    from storymap import cli

    ended = []

    def end(code):
        ended.append(code)
        raise Ended

    monkeypatch.setattr(cli.os, "_exit", end)
    # threads other tests left running (servers) are not this command's: as in build.py's own process
    monkeypatch.setattr(cli.threading, "active_count", lambda: 1)
    monkeypatch.setattr(sys, "argv", ["build.py", *tiny_args(tmp_path / "site")])
    try:
        cli.run()
    except Ended:
        pass
    assert ended == [0]
    assert "Built 1 story (4 events)" in capsys.readouterr().out
    monkeypatch.setattr(sys, "argv", ["build.py", "--bogus"])
    try:
        cli.run()
    except Ended:
        pass
    assert ended == [0, 2]


def test_run_exits_as_python_does_while_another_thread_runs(tmp_path, monkeypatch):
    import threading

    from storymap import cli

    monkeypatch.setattr(cli.os, "_exit", lambda code: pytest.fail("os._exit with another thread running"))
    monkeypatch.setattr(sys, "argv", ["build.py", *tiny_args(tmp_path / "site")])
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with pytest.raises(SystemExit) as done:
            cli.run()
    finally:
        stop.set()
        other.join()
    assert done.value.code == 0
