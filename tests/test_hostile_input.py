"""Hostile input: every bad value gets a message at its place, never a traceback (fuzzing: test_fuzz_input.py).

Control characters in any text, nesting without end, numbers Python reads too
kindly (4_2, nan, 1e400), years outside 1000-9999, dates at the calendar's end,
and spreadsheet cells the CSV reader or the YAML writer would choke on.
"""
from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
import yaml
from click.testing import CliRunner

from storymap import timeline
from storymap.source import yamlio
from storymap.cli import main
from storymap.errors import Mark, Problem, Problems, source_excerpt
from storymap.source.fields import Context
from storymap.model import PartialDate, TimelineSettings
from storymap.source.validate import EVENT

from .conftest import EVENT_YAML, PLACES_YAML, REPO, STORY_YAML


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def parse(text: str):
    problems = Problems()
    return yamlio.parse(text, "f.yaml", problems), problems


def codes(problems: Problems) -> list[tuple[str, int, int]]:
    return [(p.code, p.mark.line, p.mark.col) for p in problems]


def read_event(text: str) -> Problems:
    problems = Problems()
    node = yamlio.parse(text, "e.yaml", problems)
    if node is not None:
        EVENT.read(node, Context(problems, default_id="e"))
    return problems


def event_with(extra: str, drop: str = "place: north-port\n") -> str:
    return EVENT_YAML.replace(drop, "") + extra


# --- control characters ------------------------------------------------------------------------------

@pytest.mark.parametrize("escape, shown", [
    ("\\v", "U+000B (vertical tab)"), ("\\0", "U+0000 (null)"), ("\\e[2J", "U+001B (escape)"),
    ("\\x85", "U+0085 (next line)"), ("\\x7f", "U+007F (delete)"), ("\\x9f", "U+009F"),
    ("\\r", "U+000D (carriage return)"), ("\\a", "U+0007 (bell)"), ("\\uFFFE", "U+FFFE (not a character)"),
])
def test_control_characters_written_as_escapes_are_refused_at_the_value(escape, shown):
    node, problems = parse(f'title: Ships\ndescription: "before {escape} after"\n')
    assert node is None
    (problem,) = problems
    assert (problem.code, problem.mark.line, problem.mark.col) == ("control-character", 2, 14)
    assert problem.message == f"text contains the invisible character {shown}"
    assert "escape" in problem.hint and "feed" in problem.hint


def test_control_characters_in_keys_and_list_items_are_refused_too():
    _, problems = parse('"ti\\x01tle": x\ntags: [a, "b\\fc"]\nsources:\n  - {"pub\\x1blisher": P}\n')
    assert codes(problems) == [("control-character", 1, 1), ("control-character", 2, 11),
                               ("control-character", 4, 6)]


@pytest.mark.parametrize("raw", ["\x01", "\x1b", "\x7f", "\x9f", "\ufffe", "\x0b"])
def test_raw_control_characters_are_a_message_at_their_spot(raw):
    """libyaml refuses them itself; the message still names the character and its line and column."""
    node, problems = parse(f"title: Ääkkönen\ndescription: Öl{raw}tanker\n")
    assert node is None
    assert codes(problems) == [("control-character", 2, 16)]
    assert problems.items[0].message.startswith(f"text contains the invisible character U+{ord(raw):04X}")


def test_tab_newline_and_other_unusual_text_stay_allowed():
    node, problems = parse('title: "a\\tb\\nc"\nname: "\\u00a0\\u2028 \\U0001F6A2 \\_"\nx: "\\u200b"\n')
    assert not problems
    assert node.get("title").value == "a\tb\nc"


def test_problems_print_control_characters_as_escapes():
    problem = Problem(Mark("ev\x1b[2Jil.yaml", 2, 3), "unknown key 'x\x1b[31m\u202e' in event", "hint \x07\nnext")
    text = problem.as_text()
    assert text == "ev\\x1b[2Jil.yaml:2:3: unknown key 'x\\x1b[31m\\u202e' in event (hint: hint \\x07\\nnext)"
    github = problem.as_github()
    assert "\x1b" not in github and "\n" not in github and "\x07" not in github
    assert github.startswith("::error file=ev\\x1b[2Jil.yaml,line=2,col=3::unknown key 'x\\x1b[31m")


def test_source_excerpt_escapes_the_line_and_keeps_the_caret_under_the_spot():
    problem = Problem(Mark("f.yaml", 1, 15), "m", code="control-character")
    excerpt = source_excerpt(problem, ["description: a\x1b[31mred"])
    assert excerpt == "    description: a\\x1b[31mred\n                  ^"


def test_check_never_lets_control_characters_reach_the_terminal(project):
    project.places()
    project.story(events={"escaped.yaml": event_with('title2: "\\e[2J\\e]0;owned\\a"\n'),
                          "raw.yaml": event_with("description: a\x1b[31mred\n")})
    project.write("stories/test-story/events/name\x1b[5m.yaml", EVENT_YAML + "colour: red\n")
    for output_format in ("text", "github"):
        result = run("check", "--format", output_format)
        assert result.exit_code == 1
        assert not any(c in result.output for c in "\x1b\x07"), repr(result.output)
    assert "::error file=stories/test-story/events/escaped.yaml,line=5,col=9::text contains the invisible " \
           "character U+001B (escape)" in result.output
    text = run("check").output
    assert "raw.yaml:5:15: text contains the invisible character U+001B (escape)" in text
    assert "    description: a\\x1b[31mred\n                  ^" in text
    assert "name\\x1b[5m.yaml:6:1: unknown key 'colour'" in text


def test_the_strings_that_broke_feed_and_kml_are_refused_and_what_remains_is_well_formed(project):
    """"\\v" and "\\0" in a title once made feed.xml and data.kml malformed; now they are refused."""
    project.places()
    story = STORY_YAML.replace("title: Test story", 'title: "Test\\vstory"')
    project.story(story_yaml=story, events={"e.yaml": EVENT_YAML.replace("Something happened", '"A\\0B"')})
    refused = run("--out", "site")
    assert refused.exit_code == 1 and not project.out.exists()
    assert "story.yaml:1:8: text contains the invisible character U+000B (vertical tab)" in refused.output
    assert "e.yaml:1:8: text contains the invisible character U+0000 (null)" in refused.output
    # Everything still allowed, the oddest text included, gives well-formed XML.
    odd = '"Tab\\there, line\\nbreak, \\u00a0, \\u2028, \\U0001F6A2, <b>&amp; ]]>"'
    project.story(story_yaml=f"title: {odd}\nsummary: {odd}\npublished: 2023-10-18\n",
                  events={"e.yaml": EVENT_YAML.replace("Something happened", odd)})
    built = run("--out", "site")
    assert built.exit_code == 0, built.output
    feed = ET.parse(project.out / "feed.xml").getroot()
    kml = ET.parse(project.out / "test-story" / "data.kml").getroot()
    assert "\u2028" in "".join(feed.itertext()) and "]]>" in "".join(kml.itertext())


# --- nesting ---------------------------------------------------------------------------------------

def test_fifty_levels_of_nesting_are_read_and_one_more_is_refused():
    assert parse("[" * 50 + "]" * 50)[0] is not None
    node, problems = parse("[" * 51 + "]" * 51)
    assert node is None and codes(problems) == [("yaml-too-deep", 1, 51)]
    assert problems.items[0].message == "lists and mappings are nested more than 50 levels deep"


@pytest.mark.parametrize("text", [
    "a: " + "[" * 500 + "]" * 500, "a: " + "{a: " * 500 + "}" * 500,
    "[" * 100_000 + "]" * 100_000, "[" * 100_000, "- " * 2000 + "x",
])
def test_deep_nesting_is_a_message_not_a_recursion_error(text):
    node, problems = parse(text)
    assert node is None
    assert [p.code for p in problems] == ["yaml-too-deep"]


def test_deep_nesting_is_a_message_with_pyyamls_python_composer_too(monkeypatch):
    """Without libyaml, PyYAML composes in Python, recursing per level: RecursionError becomes the message."""
    class PythonLoader(yaml.SafeLoader):
        def resolve(self, kind, value, implicit):
            return yamlio._IMPLICIT_TAGS[kind]

    monkeypatch.setattr(yamlio, "_Loader", PythonLoader)
    node, problems = parse("[" * 5000 + "]" * 5000)
    assert node is None and [p.code for p in problems] == ["yaml-too-deep"]


def test_deep_nesting_on_the_command_line_exits_1_without_a_traceback(tmp_path):
    story = tmp_path / "stories" / "s"
    (story / "events").mkdir(parents=True)
    (story / "story.yaml").write_text(STORY_YAML)
    (story / "events" / "deep.yaml").write_text("title: " + "[" * 500 + "]" * 500 + "\n")
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "check"], capture_output=True, text=True,
                            cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("stories/s/events/deep.yaml:1:57: lists and mappings are nested more than 50")


# --- the calendar's end ------------------------------------------------------------------------------

def test_a_window_that_would_outlast_the_calendar_ends_on_its_last_day():
    event = EVENT.read(yamlio.parse(event_with("date: 9999-12-31\n").replace("date: 2023-10-05\n", ""),
                                    "e.yaml", Problems()), Context(Problems(), default_id="e"))
    assert event.when.start == PartialDate(9999, 12, 31)
    window = TimelineSettings(mode="window", window_days=3660)
    assert timeline.visible_interval(event, window) == (event.when.start.first_day(),) * 2


@pytest.mark.parametrize("command", ["check", "build"])
def test_window_mode_at_9999_12_31_checks_and_builds(project, command):
    project.places()
    story = STORY_YAML + "timeline: {mode: window, window_days: 30}\n"
    project.story(story_yaml=story, events={"e.yaml": EVENT_YAML.replace("2023-10-05", "9999-12-31")})
    result = run(command)
    assert result.exit_code == 0, result.output


# --- numbers ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [".nan", ".NaN", "nan", ".inf", "-.inf", "+.Inf", "inf", "Infinity", "-infinity"])
@pytest.mark.parametrize("where", ["at", "via"])
def test_nan_and_infinity_coordinates_are_refused(value, where):
    point = f"{{lat: 42.5, lon: {value}}}"
    extra = f"at: {point}\n" if where == "at" else f"route: {{mode: sea, via: [{{lat: 1, lon: 2}}, {point}]}}\n"
    problems = read_event(event_with(extra))
    assert [(p.code, p.message) for p in problems] == [("not-finite", f"expected a finite number, found '{value}'")]


@pytest.mark.parametrize("value, hint", [
    ("'4_2'", "write the number without _ between its digits"),
    ("4_2.5", "write the number without _ between its digits"),
    ("0x2A", None), ("'4 2'", None), ("٤٢", None), ("４２", None), ("'42,5'", None), ("1e", None), ("--4", None),
])
def test_numbers_python_would_read_too_kindly_are_refused(value, hint):
    (problem,) = read_event(event_with(f"at: {{lat: {value}, lon: 130}}\n"))
    assert problem.code == "bad-number"
    if hint:
        assert problem.hint == hint


@pytest.mark.parametrize("lat, lon, code, shown", [
    ("1e308", "130", "latitude-range", "latitude 1e308 is outside -90 to 90"),
    ("1e400", "130", "latitude-range", "latitude 1e400 is outside -90 to 90"),
    ("42", "-1e400", "longitude-range", "longitude -1e400 is outside -180 to 180"),
    ("42", "1" + "0" * 5000, "longitude-range", "longitude 1" + "0" * 5000 + " is outside -180 to 180"),
])
def test_numbers_too_large_get_the_range_message_as_written(lat, lon, code, shown):
    (problem,) = read_event(event_with(f"at: {{lat: {lat}, lon: {lon}}}\n"))
    assert (problem.code, problem.message) == (code, shown)


def test_decimal_forms_people_write_are_still_numbers():
    for lat in ("42", "+42.", "-.5", "4.2e1", "42.4217", "1E1"):
        assert not read_event(event_with(f"at: {{lat: {lat}, lon: 130}}\n")), lat


@pytest.mark.parametrize("setting", [
    "map: {zoom: .inf}", "map: {zoom: 1e1}", "map: {zoom: '٤'}", "timeline: {mode: window, window_days: 1e400}",
    "timeline: {mode: window, window_days: " + "9" * 5000 + "}", "map: {zoom: -" + "9" * 100_000 + "}",
])
def test_whole_numbers_refuse_infinity_exponents_and_huge_values_with_a_message(project, setting):
    project.places()
    project.story(story_yaml=STORY_YAML + setting + "\n")
    result = run("check")
    assert result.exit_code == 1 and "expected a whole number from" in result.output


def test_a_whole_number_with_many_leading_zeros_is_its_value(project):
    project.places()
    project.story(story_yaml=STORY_YAML + "map: {zoom: " + "0" * 40 + "7}\n")
    assert run("check").exit_code == 0


# --- years -----------------------------------------------------------------------------------------

YEAR_PLACES = {
    "event date": ("event", "date: 0999-12-31", "date: 2023-10-05"),
    "a month": ("event", "date: 0023-10", "date: 2023-10-05"),
    "a year": ("event", "date: '0500'", "date: 2023-10-05"),
    "span start": ("event", "start: 0999-01-01\nend: 2023-01-01", "date: 2023-10-05"),
    "span end": ("event", "start: 1999-01-01\nend: 0999-02", "date: 2023-10-05"),
    "source date": ("event", "  - publisher: Example News\n    date: 0099-10-06", "  - publisher: Example News"),
    "published": ("story", "published: 0023-10-18", "published: 2023-10-18"),
    "updated": ("story", "published: 2023-10-18\nupdated: 0999-12-31", "published: 2023-10-18"),
    "correction": ("story", "corrections: [{date: 0001-01-01, text: Fixed.}]", None),
    "timeline start": ("story", "timeline: {start: 0999-01-01}", None),
    "timeline end": ("story", "timeline: {end: 0999-01-01}", None),
}


@pytest.mark.parametrize("name", YEAR_PLACES)
def test_years_before_1000_are_refused_everywhere_with_a_hint(project, name):
    kind, written, replaces = YEAR_PLACES[name]
    story, event = STORY_YAML, EVENT_YAML
    if kind == "story":
        story = story.replace(replaces, written) if replaces else story + written + "\n"
    else:
        event = event.replace(replaces, written)
    project.places()
    project.story(story_yaml=story, events={"e.yaml": event})
    result = run("check")
    assert result.exit_code == 1
    problem_lines = [line for line in result.output.splitlines() if ": " in line and "^" not in line]
    assert "is outside the years 1000 to 9999 (hint: write the year with its four digits" in problem_lines[0]
    assert result.output.count("is outside the years") == 1


def test_years_1000_and_9999_are_read():
    for date in ("1000-01-01", "9999-12-31", "1000", "9999-12"):
        assert not read_event(EVENT_YAML.replace("2023-10-05", date)), date


@pytest.mark.parametrize("date", ["٢٠٢٣-١٠-٠٥", "２０２３-10-05", "2023-10-05\n9"])
def test_dates_take_ascii_digits_only(date):
    (problem,) = read_event(EVENT_YAML.replace("2023-10-05", repr(date).replace("'", '"')))
    assert problem.code == "bad-date"


def test_an_id_with_a_trailing_line_break_is_refused():
    (problem,) = read_event('id: "north-port\\n"\n' + EVENT_YAML)
    assert problem.code == "bad-id"


# --- spreadsheets ----------------------------------------------------------------------------------

SHEET_HEADER = "title,date,place,source_publisher\n"


def import_sheet(project, text: str):
    project.places(PLACES_YAML)
    project.story(events={})
    project.write("sheet.csv", text)
    return run("import", "sheet.csv", "--story", "test-story")


@pytest.mark.parametrize("cell, shown", [("A\x01B", "U+0001"), ("A\x1b[2JB", "U+001B (escape)"),
                                         ("A\x00B", "U+0000 (null)"), ("A\x85B", "U+0085 (next line)")])
def test_a_cell_with_a_control_character_is_a_problem_at_its_row_and_column(project, cell, shown):
    result = import_sheet(project, SHEET_HEADER + f"Fine,2023-10-05,north-port,P\nShips,2023-10-06,north-port,{cell}\n")
    assert result.exit_code == 1
    assert f"sheet.csv:3:4: text contains the invisible character {shown}" in result.output
    assert "\x1b" not in result.output and "Traceback" not in result.output
    assert not list((project.stories / "test-story" / "events").glob("*.yaml"))


def test_a_cell_line_break_from_windows_is_a_line_break(project):
    result = import_sheet(project, SHEET_HEADER.replace("source_publisher", "source_publisher,description") +
                          'Ships,2023-10-06,north-port,P,"one\r\ntwo\rthree"\r\n')
    assert result.exit_code == 0, result.output
    (written,) = (project.stories / "test-story" / "events").glob("*.yaml")
    assert "description: |\n  one\n  two\n  three\n" in written.read_text()


def test_imported_tags_and_markdown_line_breaks_read_back_as_written(project):
    """Found by the fuzzing: `[:rail]` is no list of ':rail', and a block (|) drops the spaces ending a line."""
    header = SHEET_HEADER.replace("source_publisher", "source_publisher,tags,description")
    result = import_sheet(project, header + 'Ships,2023-10-06,north-port,P,":rail; a: b","one  \ntwo\u2028three"\n')
    assert result.exit_code == 0, result.output
    (written,) = (project.stories / "test-story" / "events").glob("*.yaml")
    problems = Problems()
    event = EVENT.read(yamlio.parse(written.read_text(), "e.yaml", problems), Context(problems, default_id="e"))
    assert not problems and event.tags == (":rail", "a: b") and event.description == "one  \ntwo\u2028three"


def test_a_cell_too_large_for_the_csv_reader_is_a_message(project):
    result = import_sheet(project, SHEET_HEADER + 'Fine,2023-10-05,north-port,P\n"' + "x" * 200_000 + '",,,\n')
    assert result.exit_code == 1
    assert "sheet.csv:3:1: cannot read the sheet: field larger than field limit (131072)" in result.output


def test_import_of_a_control_character_exits_1_in_a_real_process(tmp_path):
    story = tmp_path / "stories" / "s"
    (story / "events").mkdir(parents=True)
    (story / "story.yaml").write_text(STORY_YAML)
    (tmp_path / "sheet.csv").write_text(SHEET_HEADER + "Ships\x01,2023-10-06,,P\n")
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "import", "sheet.csv", "--story", "s"],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("sheet.csv:2:1: text contains the invisible character U+0001")
