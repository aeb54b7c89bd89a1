"""Fuzzing (hypothesis): random, mutated and hostile input through the YAML reader, the validator and
import never raises; what passes the checks makes a feed and a KML file that XML readers accept.

The examples are the same on every run (tests/conftest.py's "ci" profile); HYPOTHESIS_PROFILE=explore
searches afresh. The cases these found, and the findings of issue 10, are spelled out one by one in
test_hostile_input.py.
"""
from __future__ import annotations

import csv
import io
import json
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from storymap.render import exports, feeds
from storymap.source import dateguess, sheets, yamlio
from storymap import pipeline
from storymap.errors import Mark, Problems
from storymap.source.fields import Context, DateValue
from storymap.source.yamlio import Scalar

from .conftest import PLACES_YAML, STORY_YAML

# Characters that matter to YAML and CSV, a few that must be refused, and plain text.
TRICKY = list(":-[]{}\"',#&*!|>%@`?\\ \n\t\r.+_0123456789eE") + \
    ["\x00", "\x01", "\x1b", "\x85", "\x7f", "\ufffe", "\u2028", "é", "\U0001F6A2", "nan", ".inf", "0999", "1e400"]
tricky_text = st.lists(st.sampled_from(TRICKY) | st.text(max_size=3), max_size=60).map("".join)
# Lists or mappings around a value, up to far deeper than libyaml's own limit of 1,000.
CLOSING = {"[": "]", "{a: ": "}", "- ": ""}


def nest(levels_opening_inner: tuple[int, str, str]) -> str:
    levels, opening, inner = levels_opening_inner
    return opening * levels + inner + CLOSING[opening] * levels


nested_text = st.tuples(st.integers(0, 1500), st.sampled_from(sorted(CLOSING)),
                        st.sampled_from(["x", "", "[]", "{b: c}"]) | st.text(" abc:-[]{},", max_size=6)).map(nest)


def depth(node: yamlio.Node) -> int:
    """How many lists and mappings lie around each other at the deepest point, without recursing."""
    deepest, todo = 0, [(node, 0)]
    while todo:
        node, around = todo.pop()
        if isinstance(node, yamlio.Sequence):
            todo.extend((item, around + 1) for item in node.items)
        elif isinstance(node, yamlio.Mapping):
            todo.extend((value, around + 1) for _, value in node.items)
        deepest = max(deepest, around + isinstance(node, (yamlio.Sequence, yamlio.Mapping)))
    return deepest


@given(st.text(max_size=300) | tricky_text | nested_text)
def test_fuzz_random_text_through_the_yaml_reader_never_raises(text):
    problems = Problems()
    node = yamlio.parse(text, "f.yaml", problems)
    assert (node is None) == bool(problems)
    assert node is None or depth(node) <= 50  # yamlio.MAX_DEPTH
    for problem in problems:
        assert problem.code and problem.mark.line >= 1 and problem.mark.col >= 1
        assert "\x1b" not in problem.as_text()


# YAML values that once raised, or passed and broke the outputs. A story and an event are written
# from a template of good values, one of which may be replaced by one of these or by random text.
HOSTILE_VALUES = ["9999-12-31", "0001-01-01", "0999", "1e400", "-1e308", ".nan", "-.inf", "Infinity", "'4_2'",
                  "9" * 5000, '"\\v"', '"\\0"', '"\\e[2J"', '"\\x85"', '"a\\uFFFEb"', "'٤٢'", "٢٠٢٣-١٠-٠٥",
                  "[" * 600 + "]" * 600, "", "~", "[]", "{}", "[a, b]", '"id\\n"', "2023-02-30", "+5"]
STORY_TEMPLATE = (
    "title: {title}\nsummary: {summary}\npublished: {published}\nupdated: {updated}\n"
    "map: {{center: {{lat: {center_lat}, lon: {center_lon}}}, zoom: {zoom}}}\n"
    "timeline: {{mode: window, window_days: {window_days}, start: {timeline_start}}}\n"
    "corrections: [{{date: {correction_date}, text: {correction}}}]\n"
    "places: [{{id: dunai-port, name: {place_name}, kind: port, lat: {place_lat}, lon: {place_lon}}}]\n")
EVENT_TEMPLATE = (
    "id: {id}\ntitle: {event_title}\n{when}approximate: {approximate}\ndescription: {description}\n"
    "tags: [{tag}]\nsources: [{{publisher: {publisher}, date: {source_date}}}]\n{where}")
WHEN = ("date: {date}\n", "start: {start}\nend: {end}\n")
WHERE = ("at: {{lat: {at_lat}, lon: {at_lon}}}\n", "place: dunai-port\n",
         "route: {{mode: sea, path: straight, via: [north-port, {{lat: {via_lat}, lon: {via_lon}}}]}}\n")
GOOD_VALUES = {
    "title": "Rajin", "summary": "'A story: ports.'", "published": "2023-10-18", "updated": "2023-10-20",
    "center_lat": "45.0", "center_lon": "100", "zoom": "4", "window_days": "14", "timeline_start": "2023-08-01",
    "correction_date": "2023-10-19", "correction": "Fixed.", "place_name": "Dunai port", "place_lat": "42.88",
    "place_lon": "132.35", "id": "e", "event_title": '"Ships\\tat the pier"', "approximate": "true",
    "description": "|\n  Two\n  lines", "tag": "rail", "publisher": "Example News", "source_date": "2023-10",
    "date": "2023-10-05", "start": "2023", "end": "2023-11", "at_lat": "42.25", "at_lon": "-130.29",
    "via_lat": "+1e1", "via_lon": "179.99",
}


@st.composite
def hostile_story(draw) -> dict[str, str]:
    values = dict(GOOD_VALUES)
    changed = draw(st.sampled_from([None, *sorted(values)]))
    if changed:  # json.dumps writes YAML double-quoted text, escapes and all
        values[changed] = draw(st.sampled_from(HOSTILE_VALUES) | st.text(max_size=20).map(json.dumps))
    when, where = draw(st.sampled_from(WHEN)), draw(st.sampled_from(WHERE))
    event = EVENT_TEMPLATE.format(when=when.format(**values), where=where.format(**values), **values)
    return {"stories/s/story.yaml": STORY_TEMPLATE.format(**values), "stories/s/events/e.yaml": event,
            "data/places.yaml": PLACES_YAML}


def check_files(files: dict[str, str]) -> pipeline.BuildResult:
    with tempfile.TemporaryDirectory() as root:
        for relative, text in files.items():
            path = Path(root, relative)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="")
        return pipeline.check(Path(root, "stories"), Path(root, "data"))


@given(hostile_story())
def test_fuzz_hostile_values_give_messages_or_well_formed_feed_and_kml(files):
    result = check_files(files)
    for problem in result.problems:
        assert problem.code and not any(c in problem.as_text() for c in "\x00\x1b\x85")
    if not result.problems:  # what passes must make feed.xml and data.kml that XML readers accept
        ET.fromstring(feeds.atom_feed(result.models, "Story maps", None))
        ET.fromstring(exports.data_kml(result.models[0]))


FULL_EVENT = """\
id: full-event
title: Ships at the pier
start: 2023-08-15
end: 2023-10
approximate: true
route:
  mode: sea
  path: straight
  via: [north-port, {lat: 44.5, lon: 135.25}, east-depot]
kind: shipment
description: |
  Imagery shows **ships**.
confidence: high
sources:
  - {publisher: Example News, title: Report, url: "https://example.org/a", date: 2023-10-06}
tags: [rail, satellite]
"""
FULL_STORY = """\
title: Test story
summary: A *test*.
byline: Desk
published: 2023-10-18
updated: 2023-10-20
language: en
map: {center: {lat: 45.0, lon: 100.0}, zoom: 4}
timeline: {start: 2023-08-01, end: 2023-10-31, mode: window, window_days: 14}
places:
  - {id: dunai-port, name: Dunai port, kind: port, lat: 42.88, lon: 132.35, country: RU, aliases: [Dunai]}
license: CC-BY-4.0
corrections:
  - {date: 2023-10-18, text: An earlier version said 37.}
"""
FILES = {"stories/s/story.yaml": FULL_STORY, "stories/s/events/e.yaml": FULL_EVENT, "data/places.yaml": PLACES_YAML}


@st.composite
def mutated(draw, text: str) -> str:
    """The text with a few spots deleted, replaced or inserted into."""
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 8)))
        text = text[:start] + draw(tricky_text.map(lambda t: t[:12])) + text[end:]
    return text


def test_the_files_the_fuzzing_mutates_are_valid():
    assert not check_files(FILES).problems.items


@given(st.sampled_from(sorted(FILES)).flatmap(lambda name: st.tuples(st.just(name), mutated(FILES[name]))))
def test_fuzz_mutated_files_through_the_validator_never_raise(name_and_text):
    name, text = name_and_text
    for problem in check_files({**FILES, name: text}).problems:
        assert problem.code, problem
        assert not any(c in problem.as_text() for c in "\x00\x1b\x85")


# Pieces of dates as people write them, to reach every branch of the date guesser.
DATE_PIECES = ["Oct", "october", "Sept.", "мая", "жовтня", "Oktober", "10월", "2023년", "14일", "年", "月", "日",
               "14", "05", "31", "2023", "0999", "20231014", "123", "mid", "late", "c.", "de", "Tuesday", "th",
               "T09:30", "2023-10-14T09:30", "-", "/", ".", ",", " ", "١٤", "\x00", "\u2028"]
date_like = st.lists(st.sampled_from(DATE_PIECES) | st.text(max_size=2), max_size=14).map("".join)
LANGUAGES = st.sampled_from([None, "en", "de", "ru", "uk", "ko", "ja", "pt-BR", "xx", "", "-", "en-"]) | \
    st.text(max_size=8)


@given(date_like | st.text(max_size=120) | tricky_text, LANGUAGES)
def test_fuzz_the_date_guesser_gives_a_hint_or_none_never_raises(text, language):
    """Any text in a story of any language: a guess of real dates the checks accept, or none."""
    guess = dateguess.guess_date(text, language)
    if guess is not None:
        assert 1 <= len(guess.readings) <= 2
        for reading in guess.readings:
            problems = Problems()
            read = DateValue(allow_partial=True).parse(Scalar(reading.iso, Mark("f.yaml")), Context(problems))
            assert read == reading and not problems
    for allow_partial in (True, False):
        for approximate_key in ("start", None):
            hint = dateguess.date_hint(text, language, allow_partial, approximate_key)
            assert (hint is None) == (guess is None)
            assert hint is None or hint.startswith(("write 1", "write 2", "write 3", "write 4", "write 5",
                                                    "write 6", "write 7", "write 8", "write 9", "write `start: ",
                                                    "this date"))


# Good rows of a sheet (each imports as it is); the fuzzing changes one cell of each.
SHEET_COLUMNS = ("title", "date", "place", "lat", "lon", "tags", "description", "source_publisher", "source_date",
                 "approximate")
GOOD_ROWS = [("Ships", "2023-10-05", "north-port", "", "", "rail; sea", "Two\nlines", "Example News", "2023-10-06",
              "true"),
             ("Rajin: 3 ships", "2023", "", "42.25", "130.29", "", "**bold**\n\ntext", "CSIS", "", "FALSE"),
             ("- a list? #1", "2023-10", "", "", "", "rail", "", "'quoted'", "2023", "")]
TEXT_COLUMNS = [SHEET_COLUMNS.index(name) for name in ("title", "description", "source_publisher")]
HOSTILE_CELLS = ["\x01", "a\x1bb", "\x00", "a\x85b", "\u2028", "0999", "9999-12-31", "4_2", "nan", "1e400",
                 "x" * 201, " ", "\ufffe", "a\rb", '"', "---", "...", "\n- x", ": ", "|", "\t"]


@st.composite
def sheet_row(draw) -> list[str]:
    """A good row with one cell (often a text one) holding inserted, or replaced by, hostile or random text."""
    row = list(draw(st.sampled_from(GOOD_ROWS)))
    changed = draw(st.sampled_from(TEXT_COLUMNS) | st.integers(0, len(row) - 1))
    cell = draw(st.sampled_from(HOSTILE_CELLS) | st.text(max_size=12) | tricky_text)
    at = draw(st.integers(0, len(row[changed])))
    row[changed] = draw(st.sampled_from([row[changed][:at] + cell + row[changed][at:], cell]))
    return row


@given(st.lists(sheet_row(), min_size=1, max_size=2))
def test_fuzz_sheet_rows_through_import_never_raise(rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([SHEET_COLUMNS, *rows])
    import_text(buffer.getvalue())


@given(st.text(max_size=200) | tricky_text)
def test_fuzz_random_csv_text_through_import_never_raises(text):
    import_text(text)
    import_text("title,date,source_publisher\n" + text)


def import_text(text: str) -> None:
    """Import the sheet into a fresh story: problems, or files that read back as the rows were checked."""
    with tempfile.TemporaryDirectory() as root:
        story = Path(root, "stories", "s")
        (story / "events").mkdir(parents=True)
        (story / "story.yaml").write_text(STORY_YAML)
        Path(root, "data").mkdir()
        Path(root, "data", "places.yaml").write_text(PLACES_YAML)
        sheet = Path(root, "sheet.csv")
        sheet.write_text(text, encoding="utf-8", newline="")
        result = sheets.import_sheet(sheet, Path(root, "stories"), Path(root, "data"), "s")
        assert bool(result.problems) != bool(result.written)
