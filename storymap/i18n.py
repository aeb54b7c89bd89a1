"""Interface strings, date and length formats per language.

The strings are English in wording.py and translated in gettext catalogs (catalogs.py reads
storymap/locale/). Dates and numbers are formatted with Babel (CLDR data); the page formats
its own (the timeline's labels) from the patterns and names page_formats() gives it, so the
server-rendered list and the page's slider label read alike, and the page needs no Intl.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Literal

from babel import Locale, UnknownLocaleError
from babel.dates import format_interval, format_skeleton, get_month_names, match_skeleton, tokenize_pattern
from babel.numbers import format_decimal, get_group_symbol

from storymap import catalogs, wording
from storymap.model import PartialDate, When

# Date formats follow the page language; plain "en" reads "5 Oct 2023", a form
# that is unambiguous worldwide, instead of CLDR's US default "Oct 5, 2023".
DATE_LOCALES = {"en": "en_GB"}


def languages() -> tuple[str, ...]:
    """The languages the interface speaks: English, the source, and each shipped catalog."""
    return ("en", *catalogs.shipped())


@lru_cache(maxsize=64)
def _strings(language: str) -> tuple[tuple[str, str], ...]:
    found = catalogs.for_language(language)
    return tuple((key, found.pgettext(key, english)) for key, english in wording.TEXTS.items())


def strings(language: str) -> dict[str, str]:
    """Every interface text in the language (by key, as templates read them: t.play), English
    where the language has no catalog. Texts with a number in them: counted()."""
    return dict(_strings(language))


@lru_cache(maxsize=64)
def texts(language: str) -> Mapping[str, str]:
    """strings(), read-only and made once a language: for what reads them once an event (each
    list entry, each KML placemark), where a new dict each time was most of the work."""
    return MappingProxyType(strings(language))


def counted(key: str, number: int, language: str) -> str:
    """A text whose words agree with a number ("1 of 3 events shown", in Ukrainian three forms),
    in the form the language's plural rule gives for that number; {placeholders} left to fill."""
    one, other = wording.COUNTED[key]
    return catalogs.for_language(language).npgettext(key, one, other, number)


@lru_cache(maxsize=None)
def is_known_language(tag: str) -> bool:
    try:
        Locale.parse(tag.replace("-", "_"))
    except (ValueError, UnknownLocaleError, TypeError):
        return False
    return True


@lru_cache(maxsize=1)
def _territories() -> frozenset[str]:
    return frozenset(code for code in Locale("en").territories
                     if isinstance(code, str) and code.isalpha() and len(code) == 2)


def is_country_code(code: str) -> bool:
    return code in _territories()


def date_locale(language: str) -> str:
    """The Babel locale used for dates and numbers (the list's, and page_formats')."""
    return DATE_LOCALES.get(language, language.replace("-", "_"))


def format_day(day: dt.date, language: str) -> str:
    return format_skeleton("yMMMd", day, locale=date_locale(language))


def format_length(km: float, mode: str, language: str) -> str | None:
    """A route's length as its details show it: 'about 9,800 km by rail', rounded to two
    significant figures (the line is drawn, not surveyed) with the language's separators.
    None for a route of no length (its points all in one spot)."""
    if km < 0.05:
        return None
    rounded = round(km, 1 - math.floor(math.log10(km)))
    return _length_text(int(rounded) if rounded >= 10 else rounded, mode, language)


@lru_cache(maxsize=4096)
def _length_text(number: float, mode: str, language: str) -> str:
    """Made once per rounded length: two significant figures repeat often (a KML placemark and a
    list entry each ask for every route's), and Babel's formatting was most of their time."""
    return texts(language)[f"length_{mode}"].format(km=format_decimal(number, locale=date_locale(language)))


@lru_cache(maxsize=65536)
def format_partial(value: PartialDate, language: str) -> str:
    """A date honest about its precision: '5 Oct 2023', 'Oct 2023' or '2023'."""
    skeleton = {"day": "yMMMd", "month": "yMMM", "year": "y"}[value.precision]
    return format_skeleton(skeleton, value.first_day(), locale=date_locale(language))


@lru_cache(maxsize=65536)
def format_when(when: When, language: str) -> str:
    text = texts(language)
    start = format_partial(when.start, language)
    if not when.is_span:
        label = start
    elif when.end is None:
        label = text["since"].format(date=start)
    elif when.start.precision == when.end.precision:
        # CLDR knows how to shorten a range: "3–20 Sept 2023", "Sept – Oct 2023".
        skeleton = {"day": "yMMMd", "month": "yMMM", "year": "y"}[when.start.precision]
        label = format_interval(when.start.first_day(), when.end.first_day(), skeleton,
                                locale=date_locale(language))
    else:
        label = text["span"].format(start=start, end=format_partial(when.end, language))
    return text["approximately"].format(date=label) if when.approximate else label


# The skeletons the page formats dates with, by the letters of its precision column (d, m, y),
# and "t" for the month names under the timeline's rail.
PAGE_SKELETONS = {"d": "yMMMd", "m": "yMMM", "y": "y", "t": "MMM"}
# The fields whose difference picks a range's pattern, the greatest first (as format_interval).
RANGE_FIELDS = "yMd"
_MONTH_WIDTHS: dict[int, Literal["abbreviated", "wide", "narrow"]] = {3: "abbreviated", 4: "wide", 5: "narrow"}
_MONTH_CONTEXTS: dict[str, Literal["format", "stand-alone"]] = {"M": "format", "L": "stand-alone"}


@lru_cache(maxsize=64)
def page_formats(language: str) -> dict:
    """What the page needs to write dates and numbers as format_partial, format_when and
    format_decimal do, with no Intl (its first formatter costs a page tens of milliseconds):
    CLDR patterns by PAGE_SKELETONS key; the two halves of a range of days' pattern by the
    greatest field that differs (the window's range, a period's dates: "3–20 Sept 2023"); the month names those patterns use, by their
    field ("MMM": format, "LLL": stand-alone); the digit group separator and group sizes."""
    locale = Locale.parse(date_locale(language))
    patterns = {key: _skeleton_pattern(locale, skeleton) for key, skeleton in PAGE_SKELETONS.items()}
    day_range = _range_parts(locale, PAGE_SKELETONS["d"], patterns["d"])
    used = [*patterns.values(), *(part for pair in day_range.values() for part in pair)]
    grouping = locale.decimal_formats[None].grouping
    return {"patterns": patterns, "range": day_range, "months": _month_names(locale, used),
            "group": get_group_symbol(locale, numbering_system="latn"), "grouping": list(grouping)}


def _month_names(locale: Locale, patterns: list[str]) -> dict[str, list[str]]:
    """January to December as each month field of the patterns names them ("MMM", "LLL"); months
    written as numbers (M, MM) need none."""
    months = {}
    for pattern in patterns:
        for kind, value in tokenize_pattern(pattern):
            if kind == "field" and isinstance(value, tuple) and value[0] in _MONTH_CONTEXTS and value[1] >= 3:
                names = get_month_names(_MONTH_WIDTHS[value[1]], _MONTH_CONTEXTS[value[0]], locale)
                months[value[0] * value[1]] = [names[month] for month in range(1, 13)]
    return dict(sorted(months.items()))


def _skeleton_pattern(locale: Locale, skeleton: str) -> str:
    """The pattern format_skeleton writes the skeleton with (its nearest, as it, where missing)."""
    found = skeleton if skeleton in locale.datetime_skeletons else match_skeleton(skeleton, locale.datetime_skeletons)
    return str(locale.datetime_skeletons[found].pattern)


def _range_parts(locale: Locale, skeleton: str, pattern: str) -> dict[str, list[str]]:
    """format_interval's pattern halves (first date, last date) by the field that differs; a field
    of the pattern without its own: both dates whole, joined by the locale's fallback."""
    found = locale.interval_formats.get(skeleton, {})
    fallback = str(locale.interval_formats.get(None, "{0} – {1}"))
    between = fallback.split("{0}", 1)[-1].split("{1}", 1)[0].replace("'", "''")
    fields = {value[0] for kind, value in tokenize_pattern(pattern) if kind == "field"}
    return {field: list(found[field]) if field in found else [f"{pattern}'{between}'", pattern]
            for field in RANGE_FIELDS if field in found or field in fields}
