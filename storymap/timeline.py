"""The timeline rules, in one place: when each event is visible.

The page's JavaScript does not re-implement these rules: it receives each
event's visible interval from here and only compares the current day with it.

- A dated event is visible from its date on (cumulative) or on `window_days`
  days starting with its date (window): window_days 1 shows it on that day only.
- A span is visible from its start to its end, both days included, in both
  modes; an ongoing span (no end) stays visible.
- A month or year date starts at the first day of its period; the end of a
  span written as a month or year lasts to the period's last day.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable, Sequence

from storymap.model import Event, TimelineMode, TimelineSettings


def visible_interval(event: Event, settings: TimelineSettings) -> tuple[dt.date, dt.date | None]:
    """First and last day the event is visible; None as the last day means 'to the end'."""
    when = event.when
    first = when.start.first_day()
    if when.is_span:
        return first, when.end.last_day() if when.end else None
    if settings.mode == TimelineMode.WINDOW:
        # The calendar ends on 9999-12-31: a window that would outlast it ends there.
        return first, first + dt.timedelta(days=min(settings.window_days - 1, (dt.date.max - first).days))
    return first, None


def timeline_range(events: Iterable[Event], settings: TimelineSettings,
                   fallback: dt.date) -> tuple[dt.date, dt.date]:
    """The slider's first and last day: the story's settings, else the first and last event dates.

    An event's dates are its date, or a span's start and end; a window does not
    stretch the timeline.
    """
    firsts, lasts = [], []
    for event in events:
        firsts.append(event.when.start.first_day())
        lasts.append(event.when.end.last_day() if event.when.is_span and event.when.end else firsts[-1])
    start = settings.start or (min(firsts) if firsts else fallback)
    end = settings.end or (max(lasts) if lasts else start)
    return start, max(start, end)


def in_order(events: Iterable[Event], settings: TimelineSettings) -> list[Event]:
    """Timeline order: by first visible day, then as written (files by name, then position)."""
    written = list(events)
    return [written[n] for n in timeline_order([visible_interval(event, settings)[0] for event in written])]


def timeline_order(first_days: Sequence[dt.date]) -> list[int]:
    """in_order as positions, given each event's first visible day in the order written."""
    return sorted(range(len(first_days)), key=lambda n: (first_days[n], n))

