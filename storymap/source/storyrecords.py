"""The story's timeline and corrections records (story.yaml), apart from validate.py.

validate.py imports them into STORY; like every record here they declare what
a journalist may write, and schema.py publishes them as JSON Schema.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from storymap.errors import Mark
from storymap.model import OPEN_AT_END, OPEN_AT_START, Correction, TimelineMode, TimelineSettings
from storymap.source.fields import INVALID, Choice, Context, DateValue, Field, FieldType, Integer, Record, Result, Text, present
from storymap.source.yamlio import Mapping, Scalar

OPEN_WORDS = (OPEN_AT_END, OPEN_AT_START)


def _mark_of(node: Mapping, key: str) -> Mark:
    value = node.get(key)
    return value.mark if value is not None else node.mark


class OpenAt(FieldType[str | dt.date]):
    """Where the page opens: the word end or start, or a day (YYYY-MM-DD)."""

    description = "end, start or a date (YYYY-MM-DD)"

    def parse(self, node: Scalar, ctx: Context) -> Result[str | dt.date]:
        text = node.value.strip()
        if text in OPEN_WORDS:
            return text
        if not text[:1].isdigit():  # a word, not a date: say which words there are
            ctx.problems.add(node.mark, "bad-choice", "write end, start or a date such as 2023-10-05",
                             value=text, choices="end, start or a date")
            return INVALID
        day = DateValue(allow_partial=False).parse(node, ctx)
        return day if isinstance(day, dt.date) else INVALID

    def schema(self) -> dict:
        return {"anyOf": [{"enum": list(OPEN_WORDS)}, DateValue(allow_partial=False).schema()]}


def _build_timeline(values: dict[str, Any], node: Mapping, ctx: Context) -> Result[TimelineSettings]:
    mode = values.get("mode", TimelineSettings.mode)
    if node.get("window_days") is not None and mode != TimelineMode.WINDOW:
        ctx.problems.add(_mark_of(node, "window_days"), "window-days-without-window")
    start, end = values.get("start"), values.get("end")
    if start and end and start is not INVALID and end is not INVALID and end < start:
        ctx.problems.add(_mark_of(node, "end"), "timeline-end-before-start", end=end, start=start)
    opening = values.get("open", TimelineSettings.open)
    return TimelineSettings(start, end, mode, values.get("window_days", TimelineSettings.window_days),
                            OPEN_AT_END if opening is INVALID else opening)


TIMELINE = Record("timeline", (
    Field("start", DateValue(allow_partial=False), doc="first day of the slider; default: first event"),
    Field("end", DateValue(allow_partial=False), doc="last day of the slider; default: last event"),
    Field("mode", Choice(TimelineMode), doc="cumulative (events stay) or window (events fade out)"),
    Field("window_days", Integer(1, 3660), doc="with mode: window, how many days an event stays"),
    Field("open", OpenAt(), doc="where the page opens: end (the whole story, the default), start, or a day "
                                "YYYY-MM-DD; a day outside the timeline opens at its nearer end"),
), _build_timeline, "The timeline slider.")


CORRECTION = Record("correction", (
    Field("date", DateValue(allow_partial=False), True, "when the correction was made"),
    Field("text", Text(), True, "what was corrected"),
), lambda v, n, c: Correction(v["date"], v["text"]) if present(v, "date", "text") else INVALID,
    "A correction shown on the page and in the feed.")
