"""timeline.open: where the page opens (end, start or a day), read from story.yaml and written to the page data."""
from __future__ import annotations

import datetime as dt

import pytest

from storymap import pipeline
from storymap.render import pagedata

from .conftest import EVENT_YAML, STORY_YAML

SPAN_YAML = "title: Later\nstart: 2023-10-10\nend: 2023-10-20\nsources: [{publisher: X}]\n"


def check(project, timeline: str):
    project.places()
    project.story(story_yaml=STORY_YAML + timeline, events={"e.yaml": EVENT_YAML, "f.yaml": SPAN_YAML})
    return pipeline.check(project.stories, project.data)


def problem_texts(result) -> list[str]:
    return [p.as_text() for p in result.problems.sorted()]


@pytest.mark.parametrize("timeline, opens", [
    ("", "2023-10-20"),
    ("timeline: {open: end}\n", "2023-10-20"),
    ("timeline: {open: start}\n", "2023-10-05"),
    ("timeline: {open: 2023-10-12}\n", "2023-10-12"),
    ("timeline: {open: 2023-09-01}\n", "2023-10-05"),  # before the timeline: its nearer end
    ("timeline: {start: 2023-10-01, end: 2023-11-30, open: 2024-01-01}\n", "2023-11-30"),
])
def test_the_page_opens_where_timeline_open_says(project, timeline, opens):
    result = check(project, timeline)
    assert problem_texts(result) == []
    (model,) = result.models
    assert pagedata.page_data(model)["timeline"]["open"] == opens


def test_open_is_read_as_a_day_or_a_word(project):
    (model,) = check(project, "timeline: {open: 2023-10-12}\n").models
    assert model.story.timeline.open == dt.date(2023, 10, 12)
    (model,) = check(project, "timeline: {open: start}\n").models
    assert model.story.timeline.open == "start"


@pytest.mark.parametrize("written, message", [
    ("beginning", "'beginning' is not one of end, start or a date"),
    ("2023-10", "'2023-10' needs a day here"),
    ("2023-02-30", "'2023-02-30' is not a real calendar date"),
])
def test_a_bad_open_is_a_problem_at_its_line(project, written, message):
    result = check(project, f"timeline:\n  open: {written}\n")
    (problem,) = result.problems.sorted()
    assert problem.message == message
    assert (problem.mark.line, problem.mark.col) == (5, 9)
