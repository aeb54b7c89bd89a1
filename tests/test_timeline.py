"""Stage 4, model: the timeline rules (the page receives their result, so these are the rules)."""
from __future__ import annotations

import datetime as dt

import pytest

from storymap import timeline
from storymap.model import Event, PartialDate, Source, TimelineSettings, When

D = dt.date
CUMULATIVE = TimelineSettings()
WINDOW = TimelineSettings(mode="window", window_days=3)


def event(when: When, event_id: str = "e") -> Event:
    return Event(event_id, "t", when, (Source("p"),))


def dated(y, m=None, d=None):
    return event(When(PartialDate(y, m, d)))


def span(start: PartialDate, end: PartialDate | None):
    return event(When(start, end, is_span=True))


@pytest.mark.parametrize("item, settings, expected", [
    (dated(2023, 10, 5), CUMULATIVE, (D(2023, 10, 5), None)),
    (dated(2023, 10, 5), WINDOW, (D(2023, 10, 5), D(2023, 10, 7))),
    (dated(2023, 8), CUMULATIVE, (D(2023, 8, 1), None)),  # a month starts on its first day
    (dated(2023), CUMULATIVE, (D(2023, 1, 1), None)),
    (span(PartialDate(2023, 8, 15), PartialDate(2023, 10, 14)), CUMULATIVE, (D(2023, 8, 15), D(2023, 10, 14))),
    (span(PartialDate(2023, 8, 15), PartialDate(2023, 10, 14)), WINDOW, (D(2023, 8, 15), D(2023, 10, 14))),
    (span(PartialDate(2023, 9), PartialDate(2023, 10)), WINDOW, (D(2023, 9, 1), D(2023, 10, 31))),
    (span(PartialDate(2023, 9, 1), None), WINDOW, (D(2023, 9, 1), None)),  # ongoing stays visible
])
def test_visible_interval(item, settings, expected):
    assert timeline.visible_interval(item, settings) == expected


def test_window_of_one_day_shows_the_event_on_its_day_only():
    settings = TimelineSettings(mode="window", window_days=1)
    assert timeline.visible_interval(dated(2023, 10, 5), settings) == (D(2023, 10, 5), D(2023, 10, 5))


def test_range_defaults_to_first_and_last_event_dates():
    events = [dated(2023, 9, 13), span(PartialDate(2023, 8, 15), PartialDate(2023, 10, 14)), dated(2023, 10, 17)]
    assert timeline.timeline_range(events, CUMULATIVE, D(2023, 10, 18)) == (D(2023, 8, 15), D(2023, 10, 17))
    assert timeline.timeline_range(events, WINDOW, D(2023, 10, 18)) == (D(2023, 8, 15), D(2023, 10, 17))


def test_range_includes_span_ends_to_the_end_of_their_period():
    events = [span(PartialDate(2023, 9, 1), PartialDate(2023, 12))]
    assert timeline.timeline_range(events, CUMULATIVE, D(2024, 1, 1)) == (D(2023, 9, 1), D(2023, 12, 31))


def test_story_settings_win():
    settings = TimelineSettings(start=D(2023, 8, 1), end=D(2023, 10, 31))
    assert timeline.timeline_range([dated(2023, 9, 1)], settings, D(2023, 1, 1)) == (D(2023, 8, 1), D(2023, 10, 31))


def test_no_events_uses_the_publication_date():
    assert timeline.timeline_range([], CUMULATIVE, D(2023, 10, 18)) == (D(2023, 10, 18), D(2023, 10, 18))


def test_order_is_by_first_visible_day_then_as_written():
    items = [dated(2023, 10, 5), span(PartialDate(2023, 8), None), dated(2023, 8, 1), dated(2023, 9)]
    items = [e.__class__(**{**e.__dict__, "id": str(n)}) for n, e in enumerate(items)]
    assert [e.id for e in timeline.in_order(items, CUMULATIVE)] == ["1", "2", "3", "0"]


def test_partial_dates_sort_as_periods_by_first_then_last_day():
    year, month, day = PartialDate(2023), PartialDate(2023, 1), PartialDate(2023, 1, 1)
    assert sorted([year, PartialDate(2022, 12, 31), month, day, PartialDate(2023, 2)]) == \
        [PartialDate(2022, 12, 31), day, month, year, PartialDate(2023, 2)]
    assert day < month < year and year > month > day and month <= month
    assert PartialDate(2023, 6) > PartialDate(2023) > PartialDate(2022, 12)  # June starts after 1 January
    with pytest.raises(TypeError):
        _ = PartialDate(2023) < D(2023, 1, 1)  # a period is not a day
