"""The date and number formats the page data carries (i18n.page_formats): the CLDR patterns,
range halves, month names and digit groups Babel writes the event list with. The page fills them
in with a small interpreter (DateLabels in static/js/timelinebar.js) instead of the browser's
Intl; `write` below does what it does, to show the data is all it needs, in every language."""
from __future__ import annotations

import datetime as dt
import re

import babel
import pytest
from babel.dates import format_interval, format_skeleton
from babel.numbers import format_decimal

from storymap import i18n
from storymap.model import PartialDate

# The page's pattern runs: 'quoted' text, or a run of one ASCII letter ('' is a quote).
RUN = re.compile(r"'([^']*)'|([A-Za-z])\2*")
DAYS = (dt.date(2023, 9, 5), dt.date(2023, 9, 22), dt.date(2023, 10, 5), dt.date(2024, 1, 31),
        dt.date(1805, 12, 2), dt.date(2024, 7, 1))
# Day ranges by the greatest field that differs: the day, the month, the year; none (one day).
RANGES = ((dt.date(2023, 10, 7), dt.date(2023, 10, 20)), (dt.date(2023, 9, 22), dt.date(2023, 10, 5)),
          (dt.date(2023, 12, 28), dt.date(2024, 1, 10)), (dt.date(2023, 10, 7), dt.date(2023, 10, 7)))
NUMBERS = (0, 7, 999, 1000, 12345, 1234567)


def write(formats: dict, pattern: str, day: dt.date) -> str:
    """What DateLabels.write does with a pattern and a day."""
    def field(match: re.Match) -> str:
        run, quoted, letter = match.group(0), match.group(1), match.group(2)
        if quoted is not None:
            return quoted
        if letter in "ML" and len(run) > 2:
            return formats["months"][run][day.month - 1]
        value = {"d": day.day, "M": day.month, "L": day.month, "y": day.year, "Y": day.year}.get(letter)
        if value is None:
            return run
        return str(value % 100 if len(run) == 2 else value).zfill(len(run))
    return RUN.sub(field, pattern.replace("''", "\0")).replace("\0", "'")


def write_range(formats: dict, first: dt.date, last: dt.date) -> str:
    """What DateLabels.range does: the halves of the greatest field that differs."""
    field = "y" if first.year != last.year else "M" if first.month != last.month else "d"
    parts = formats["range"].get(field) if first != last else None
    if not parts:
        return write(formats, formats["patterns"]["d"], first)
    return write(formats, parts[0], first) + write(formats, parts[1], last)


def write_number(formats: dict, number: int) -> str:
    """What DateLabels.number does."""
    digits, size, text = str(number), formats["grouping"][0], ""
    while len(digits) > size:
        text = formats["group"] + digits[-size:] + text
        digits, size = digits[:-size], formats["grouping"][1]
    return digits + text


def test_english_carries_the_lists_patterns_and_names():
    formats = i18n.page_formats("en")
    assert formats["patterns"] == {"d": "d MMM y", "m": "MMM y", "y": "y", "t": "LLL"}
    assert formats["range"] == {"y": ["d MMM y\u2009–\u2009", "d MMM y"], "M": ["d MMM\u2009–\u2009", "d MMM y"],
                                      "d": ["d–", "d MMM y"]}
    # Babel's British English: "Sept", as the event list writes it (browsers' ICU may say "Sep")
    assert formats["months"]["MMM"][8] == formats["months"]["LLL"][8] == "Sept"
    assert (formats["group"], formats["grouping"]) == (",", [3, 3])


def test_each_language_carries_its_own_patterns():
    assert i18n.page_formats("de")["patterns"]["d"] == "d. MMM y"
    assert i18n.page_formats("de")["months"]["LLL"][8] == "Sep"  # stand-alone, under the rail
    assert i18n.page_formats("de")["months"]["MMM"][8] == "Sept."
    assert i18n.page_formats("ru")["patterns"]["d"] == "d MMM y\u202f'г'."
    assert i18n.page_formats("ru")["months"]["MMM"][4] == "мая"  # a month in a date: genitive
    assert i18n.page_formats("ru")["months"]["LLL"][4] == "май"
    assert i18n.page_formats("uk")["range"]["y"][1] == "d MMM y\u202fрр."
    assert i18n.page_formats("ko")["patterns"] == {"d": "y년 MMM d일", "m": "y년 MMM", "y": "y년", "t": "LLL"}
    assert i18n.page_formats("fr")["group"] == "\u202f"
    assert i18n.page_formats("hi")["grouping"] == [3, 2]
    assert i18n.page_formats("ja")["months"] == {}  # "y年M月d日": months as numbers, no names sent


@pytest.mark.parametrize("language", [*i18n.languages(), "fr", "hi", "ja", "pl", "es", "ar", "zh", "de-CH"])
def test_the_page_writes_what_the_list_writes(language):
    formats, locale = i18n.page_formats(language), i18n.date_locale(language)
    for day in DAYS:
        for letter, skeleton in (("d", "yMMMd"), ("m", "yMMM"), ("y", "y"), ("t", "MMM")):
            assert write(formats, formats["patterns"][letter], day) == format_skeleton(skeleton, day, locale=locale)
        assert write(formats, formats["patterns"]["m"], day) == i18n.format_partial(PartialDate(day.year, day.month),
                                                                                  language)
    for first, last in RANGES:
        assert write_range(formats, first, last) == format_interval(first, last, "yMMMd", locale=locale)
    for number in NUMBERS:
        assert write_number(formats, number) == format_decimal(number, locale=locale)


def test_every_locale_babel_knows_is_written_the_same():
    """Any language a story may name: the data is enough for every language in Babel's CLDR
    (regional variants only change words and patterns, which the data carries) but Scottish
    Gaelic's week year (Y), which the page writes as the calendar year; it differs only around
    New Year, and none of these days is."""
    for language in (name for name in babel.localedata.locale_identifiers() if "_" not in name):
        formats, identifier = i18n.page_formats(language), i18n.date_locale(language)
        for day in DAYS[:3]:
            assert write(formats, formats["patterns"]["d"], day) == format_skeleton("yMMMd", day, locale=identifier)
            assert write(formats, formats["patterns"]["t"], day) == format_skeleton("MMM", day, locale=identifier)
        for first, last in RANGES:
            assert write_range(formats, first, last) == format_interval(first, last, "yMMMd", locale=identifier), identifier
        assert write_number(formats, 1234567) == format_decimal(1234567, locale=identifier), identifier


def test_page_formats_are_the_same_data_each_time():
    assert i18n.page_formats("uk") is i18n.page_formats("uk")
    assert list(i18n.page_formats("de")) == ["patterns", "range", "months", "group", "grouping"]
