"""Interface strings, date and length formats per language.

The strings are English in wording.py and translated in gettext catalogs (catalogs.py reads
storymap/locale/). Dates and numbers are formatted with Babel (CLDR data, the same data
browsers' Intl uses), so the server-rendered list and the page's slider label agree.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

from babel import Locale, UnknownLocaleError
from babel.dates import format_interval, format_skeleton
from babel.numbers import format_decimal

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
    """The Babel locale used for dates; its '-' form is what the page's Intl uses."""
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
