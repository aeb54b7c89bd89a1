"""Date hints that guess the ISO form meant (source/dateguess.py), and placeholders as problems.

A date written another way ("Oct 2023", "14/10/2023", "mid-August 2023", "2023년 10월") is still
refused, but its hint names the ISO date it most likely means, read in English and in the
story's language; where nothing can be read, the generic hint stays. A placeholder `new event`
writes is reported as a placeholder, never as a bad date.
"""
from __future__ import annotations

import pytest

from storymap import pipeline
from storymap.messages import DATE_HINT
from storymap.model import PartialDate
from storymap.source.dateguess import DateGuess, guess_date

from .conftest import EVENT_YAML, STORY_YAML


def problem_lines(project) -> list[str]:
    return [p.as_text() for p in pipeline.check(project.stories, project.data).problems.sorted()]


def event_with_date(project, written: str, story_yaml: str = STORY_YAML) -> list[str]:
    project.places()
    project.story(story_yaml=story_yaml, events={"e.yaml": EVENT_YAML.replace("2023-10-05", written)})
    return problem_lines(project)


@pytest.mark.parametrize("written, hint", [
    ("Oct 2023", "write 2023-10 for October 2023"),
    ("Jun 2023", "write 2023-06 for June 2023"),
    ("October 2023", "write 2023-10 for October 2023"),
    ("Sept. 2023", "write 2023-09 for September 2023"),
    ("14 Oct 2023", "write 2023-10-14 for 14 October 2023"),
    ("Oct 14, 2023", "write 2023-10-14 for 14 October 2023"),
    ("Saturday, 14th October 2023", "write 2023-10-14 for 14 October 2023"),
    ("14/10/2023", "write 2023-10-14 for 14 October 2023"),
    ("10/14/2023", "write 2023-10-14 for 14 October 2023"),
    ("14.10.2023", "write 2023-10-14 for 14 October 2023"),
    ("05/10/2023", "write 2023-10-05 for 5 October 2023, or 2023-05-10 for 10 May 2023: "
                   "the day and the month could be either way round"),
    ("05/05/2023", "write 2023-05-05 for 5 May 2023"),
    ("2023/10/14", "write 2023-10-14 for 14 October 2023"),
    ("10/2023", "write 2023-10 for October 2023"),
    ("2023-10-14T09:30:00", "write 2023-10-14 for 14 October 2023"),
    ("mid-August 2023", "write `date: 2023-08` plus `approximate: true`"),
    ("early Oct 2023", "write `date: 2023-10` plus `approximate: true`"),
    ("late 2023", "write `date: 2023` plus `approximate: true`"),
    ("2023.", "write 2023 for the year 2023"),
    ("2023년 10월", "write 2023-10 for October 2023"),  # the Korean and Japanese forms are read everywhere
    ("2023年10月14日", "write 2023-10-14 for 14 October 2023"),
])
def test_an_event_date_written_another_way_gets_the_iso_form_as_its_hint(project, written, hint):
    assert event_with_date(project, written) == [
        f"stories/test-story/events/e.yaml:2:7: '{written}' is not an ISO date (hint: {hint})"]


@pytest.mark.parametrize("written", ["last autumn", "Oct 2023 or Nov 2023", "13/13/2023", "14/10/23",
                                     "октябрь 2023", "0023-10-05x", "Oct"])
def test_nothing_to_guess_keeps_the_generic_hint(project, written):
    """Two months, no real reading, a two-digit year, a month name in a language the story is not
    in, a stray letter, no year: no guess, the hint that explains the forms."""
    assert event_with_date(project, written) == [
        f"stories/test-story/events/e.yaml:2:7: '{written}' is not an ISO date (hint: {DATE_HINT})"]


def test_an_impossible_date_with_day_and_month_swapped_gets_them_the_right_way_round(project):
    assert event_with_date(project, "2023-14-10") == [
        "stories/test-story/events/e.yaml:2:7: '2023-14-10' is not a real calendar date "
        "(hint: write 2023-10-14 for 14 October 2023)"]


def test_an_impossible_date_nothing_can_mend_keeps_its_hint(project):
    assert event_with_date(project, "2023-02-30") == [
        f"stories/test-story/events/e.yaml:2:7: '2023-02-30' is not a real calendar date (hint: {DATE_HINT})"]


@pytest.mark.parametrize("language, written, hint", [
    ("de", "Oktober 2023", "write 2023-10 for October 2023"),
    ("de", "3. Okt. 2023", "write 2023-10-03 for 3 October 2023"),
    ("de", "Mitte August 2023", "write `date: 2023-08` plus `approximate: true`"),
    ("ru", "октябрь 2023", "write 2023-10 for October 2023"),
    ("ru", "14 октября 2023 г.", "write 2023-10-14 for 14 October 2023"),
    ("ru", "середина августа 2023", "write `date: 2023-08` plus `approximate: true`"),
    ("uk", "жовтень 2023", "write 2023-10 for October 2023"),
    ("uk", "14 жовтня 2023", "write 2023-10-14 for 14 October 2023"),
    ("ko", "2023년 10월 14일", "write 2023-10-14 for 14 October 2023"),
    ("ko", "2023년 10월 중순", "write `date: 2023-10` plus `approximate: true`"),
    ("pt-BR", "14 de outubro de 2023", "write 2023-10-14 for 14 October 2023"),
    ("ru", "Oct 2023", "write 2023-10 for October 2023"),  # English is read whatever the story's language
])
def test_month_names_are_read_in_the_storys_language(project, language, written, hint):
    story = STORY_YAML + f"language: {language}\n"
    assert event_with_date(project, written, story) == [
        f"stories/test-story/events/e.yaml:2:7: '{written}' is not an ISO date (hint: {hint})"]


def test_the_storys_language_is_read_even_when_story_yaml_has_problems(project):
    story = STORY_YAML.replace("published: 2023-10-18", "published: 18 октября 2023") + "language: ru\n"
    assert event_with_date(project, "октябрь 2023", story) == [
        "stories/test-story/events/e.yaml:2:7: 'октябрь 2023' is not an ISO date "
        "(hint: write 2023-10 for October 2023)",
        "stories/test-story/story.yaml:3:12: '18 октября 2023' is not an ISO date "
        "(hint: write 2023-10-18 for 18 October 2023)"]


def test_a_date_that_needs_a_day_is_guessed_as_a_day(project):
    """published, updated, corrections and the timeline need a day: a month is proposed as its first day."""
    story = STORY_YAML.replace("published: 2023-10-18", "published: Oct 2023")
    assert event_with_date(project, "2023-10-05", story) == [
        "stories/test-story/story.yaml:3:12: 'Oct 2023' is not an ISO date "
        "(hint: this date needs a day: write YYYY-MM-DD, e.g. 2023-10-01 for 1 October 2023)"]


def test_a_vague_start_is_told_to_be_approximate_under_its_own_key(project):
    project.places()
    project.story(events={"e.yaml": EVENT_YAML.replace("date: 2023-10-05", "start: mid-August 2023")})
    assert problem_lines(project) == [
        "stories/test-story/events/e.yaml:2:8: 'mid-August 2023' is not an ISO date "
        "(hint: write `start: 2023-08` plus `approximate: true`)"]


def test_a_sources_vague_date_is_not_told_to_be_approximate(project):
    """A source has no approximate: its vague date is given as the month alone."""
    project.places()
    project.story(events={"e.yaml": EVENT_YAML + "    date: mid-August 2023\n"})
    assert problem_lines(project) == [
        "stories/test-story/events/e.yaml:6:11: 'mid-August 2023' is not an ISO date "
        "(hint: write 2023-08 for August 2023)"]


def test_an_event_checks_clean_once_the_hint_is_followed(project):
    event_with_date(project, "2023-08\napproximate: true")
    assert problem_lines(project) == []


def test_the_guess_itself():
    assert guess_date("05/10/2023") == DateGuess((PartialDate(2023, 10, 5), PartialDate(2023, 5, 10)))
    assert guess_date("mid-August 2023") == DateGuess((PartialDate(2023, 8),), approximate=True)
    assert guess_date("Oktober 2023", "de-AT") == DateGuess((PartialDate(2023, 10),))  # the base language too
    assert guess_date("Oktober 2023", "xx-not-a-language") is None
    assert guess_date("Oct " * 40 + "2023") is None  # a sentence, not a date: not read at all
    assert guess_date("١٤ Oct 2023") is None  # digits of another script are not read as if absent


# --- placeholders left by `new event` ----------------------------------------------------

PLACEHOLDER_EVENT = """\
title: Something happened
date: YYYY-MM-DD
sources:
  - publisher: Name who reported it
    date: YYYY-MM
"""


def test_placeholders_are_problems_at_their_own_line(project):
    project.places()
    project.story(events={"e.yaml": PLACEHOLDER_EVENT})
    assert problem_lines(project) == [
        "stories/test-story/events/e.yaml:2:7: 'YYYY-MM-DD' is a placeholder left by new event "
        "(hint: write when it happened as YYYY-MM-DD, e.g. 2023-10-05; or 2023-10 for a month, 2023 for a year)",
        "stories/test-story/events/e.yaml:4:16: 'Name who reported it' is a placeholder left by new event "
        "(hint: write who reported it, e.g. publisher: CSIS Beyond Parallel)",
        "stories/test-story/events/e.yaml:5:11: 'YYYY-MM' is a placeholder left by new event "
        "(hint: write when it happened as YYYY-MM-DD, e.g. 2023-10-05; or 2023-10 for a month, 2023 for a year)"]


def test_a_placeholder_counts_only_as_written_whole(project):
    """A publisher that merely contains the words, or a title equal to them, is the journalist's own text."""
    project.places()
    project.story(events={"e.yaml": "title: Name who reported it\ndate: 2023-10-05\n"
                                    "sources: [{publisher: Name who reported it first}]\n"})
    assert problem_lines(project) == []
