"""Guessing the ISO date a journalist meant when they wrote one another way, for the hint.

"Oct 2023", "14 октября 2023", "2023년 10월", "14/10/2023" or "mid-August 2023" are not ISO
dates, and the build refuses them; the hint then names the ISO form they most likely mean
(2023-10, 2023-10-14, 2023-08 with approximate: true). Month names are read in English and
in the story's language, from Babel's CLDR data (both grammatical forms, wide and short), so
"октября" (of October) is read as well as "октябрь". Where the day and the month could be
either way round (05/10/2023), both readings are given. A guess is only a hint: anything
the guesser cannot account for word by word gets no guess, and the generic hint instead.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import get_day_names, get_month_names

from storymap import messages
from storymap.model import PartialDate

FIRST_YEAR, LAST_YEAR = 1000, 9999  # as fields.py: the years a date may have
LONGEST = 80  # longer text is a sentence, not a date: no guess, and no time spent on it
# A word or a number (with the letters glued to it: 14th, 2023년, 10月); the rest must be separators.
TOKEN = re.compile(r"[0-9]+[^\W\d_]*|[^\W\d_]+")
SEPARATORS = re.compile(r"[\s.,/\-–—'’()]*")
NUMBER = re.compile(r"([0-9]+)([^\W\d_]*)")
ISO_TIMESTAMP = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[t ][0-9]{1,2}:[0-9]{2}")
# What may follow a day or a year: 14th, 14일, 14日, 2023년, 2023年, 2023г (Russian "year"), 1er...
NUMBER_SUFFIXES = frozenset({"", "st", "nd", "rd", "th", "er", "e", "o", "º", "ª",
                             "일", "日", "년", "年", "г", "р"})
# Words that make the date approximate ("mid-August", "Mitte August", "середина августа",
# "2023년 10월 중순"), in the interface's languages and a few more; one set, as they do not clash.
QUALIFIERS = frozenset({
    "mid", "middle", "early", "late", "around", "about", "approx", "approximately", "circa", "ca", "c",
    "roughly", "sometime", "beginning", "start", "end",
    "mitte", "anfang", "ende", "etwa", "ungefähr", "gegen",
    "середина", "середине", "середины", "начало", "начале", "начала", "конец", "конце", "конца",
    "около", "примерно",
    "середині", "початок", "початку", "кінець", "кінці", "близько", "приблизно",
    "중순", "초", "초순", "말", "하순", "상순", "경", "쯤",
    "mi", "début", "fin", "vers", "mediados", "principios", "finales", "hacia",
})
# Words around a date that change nothing: "14 of October", "14 de octubre de 2023", "2023 г.", "2023 года".
FILLERS = frozenset({"of", "the", "in", "on", "de", "del", "im", "am", "le", "el", "a", "г", "год", "года",
                     "р", "року", "рік", "в", "во", "у"})


@dataclass(frozen=True)
class DateGuess:
    """What the text most likely means: one reading, or two when day and month could swap."""

    readings: tuple[PartialDate, ...]
    approximate: bool = False


def _names(language: str | None) -> list[str]:
    """en, and the story's language with its base language (pt-BR: pt-BR and pt), as Babel knows them."""
    out = ["en"]
    for tag in (language, language.split("-")[0] if language else None):
        if not tag:
            continue
        try:
            out.append(str(Locale.parse(tag.replace("-", "_"))))
        except (ValueError, TypeError, UnknownLocaleError):
            continue
    return list(dict.fromkeys(out))


def _plain(name: str) -> str:
    return name.casefold().rstrip(".")


@lru_cache(maxsize=32)
def month_names(language: str | None) -> dict[str, int]:
    """Every spelling of each month, casefolded, without a final dot -> its number; a spelling
    that two languages give different months is left out rather than guessed."""
    found: dict[str, set[int]] = {}
    spellings = [(f"{month}{suffix}", month) for month in range(1, 13) for suffix in ("월", "月")]
    spellings.append(("sept", 9))
    for locale in _names(language):
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                spellings += [(name, month) for month, name in get_month_names(width, context, locale).items()]
    for name, month in spellings:
        found.setdefault(_plain(name), set()).add(month)
    return {name: months.pop() for name, months in found.items() if len(months) == 1 and name}


@lru_cache(maxsize=32)
def ignored_words(language: str | None) -> frozenset[str]:
    """Fillers and the names of weekdays ("Tuesday, 14 Oct 2023"), which say nothing about the date."""
    days = {_plain(name) for locale in _names(language) for width in ("wide", "abbreviated")
            for context in ("format", "stand-alone") for name in get_day_names(width, context, locale).values()}
    return FILLERS | frozenset(days)


def _real(year: int, month: int | None, day: int | None) -> PartialDate | None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        return None
    return PartialDate(year, month, day)


def _with_month_name(month: int, numbers: list[str]) -> list[tuple[int, int | None, int | None]]:
    """Oct 2023, 14 Oct 2023, Oct 14, 2023: one four-digit year and at most one day."""
    years = [int(n) for n in numbers if len(n) == 4]
    days = [int(n) for n in numbers if len(n) <= 2]
    if len(years) != 1 or len(days) > 1 or len(years) + len(days) != len(numbers):
        return []
    return [(years[0], month, days[0] if days else None)]


def _from_numbers(numbers: list[str]) -> list[tuple[int, int | None, int | None]]:
    """14/10/2023, 14.10.2023, 10/2023, 2023/10/14, 20231014, and 2023-14-10 with day and month swapped."""
    if len(numbers) == 1 and len(numbers[0]) == 8:
        text = numbers[0]
        return [(int(text[:4]), int(text[4:6]), int(text[6:]))]
    shape = "".join("y" if len(n) == 4 else "s" if len(n) <= 2 else "?" for n in numbers)
    values = [int(n) for n in numbers]
    if shape == "y":
        return [(values[0], None, None)]
    if shape in ("ys", "sy"):
        year, month = (values[0], values[1]) if shape == "ys" else (values[1], values[0])
        return [(year, month, None)]
    if shape == "yss":
        year, first, second = values
        return [(year, first, second), (year, second, first)] if _real(year, first, second) is None \
            else [(year, first, second)]
    if shape == "ssy":
        first, second, year = values
        return [(year, second, first), (year, first, second)]  # day first, as most of the world writes it
    return []


def guess_date(text: str, language: str | None = None) -> DateGuess | None:
    """The ISO date(s) `text` most likely means, or None when it cannot be read word by word."""
    words = text.strip().casefold()
    if not words or len(words) > LONGEST:
        return None
    stamp = ISO_TIMESTAMP.match(words)
    if stamp:  # 2023-10-14T10:00: the day, without its time
        date = _real(int(stamp[1]), int(stamp[2]), int(stamp[3]))
        return DateGuess((date,)) if date else None
    if not SEPARATORS.fullmatch(TOKEN.sub("", words)):
        return None
    names, ignored = month_names(language), ignored_words(language)
    months: list[int] = []
    numbers: list[str] = []
    approximate = False
    for token in TOKEN.findall(words):
        number = NUMBER.fullmatch(token)
        if token in names:
            months.append(names[token])
        elif token in QUALIFIERS:
            approximate = True
        elif token in ignored:
            continue
        elif number and number[2] in NUMBER_SUFFIXES and len(number[1]) <= 8:
            numbers.append(number[1])
        else:
            return None
    if len(months) > 1:
        return None
    candidates = _with_month_name(months[0], numbers) if months else _from_numbers(numbers)
    readings = tuple(dict.fromkeys(r for r in (_real(*c) for c in candidates) if r is not None))
    return DateGuess(readings, approximate) if readings else None


def spoken(date: PartialDate) -> str:
    """A date in English words, as the hint names what it read: 14 October 2023, October 2023, 2023."""
    if date.month is None:
        return f"the year {date.year}"
    month = get_month_names("wide", "format", "en")[date.month]
    return f"{date.day} {month} {date.year}" if date.day else f"{month} {date.year}"


def date_hint(text: str, language: str | None, allow_partial: bool, approximate_key: str | None) -> str | None:
    """The hint for a date written as `text`: the ISO form(s) it most likely means, or None when the
    guesser reads nothing (the message's generic hint stays). approximate_key: the field's key when
    its record has `approximate` (an event's date, start and end), so a vague date proposes it."""
    guess = guess_date(text, language)
    if guess is None:
        return None
    hints = messages.DATE_GUESS_HINTS
    first = guess.readings[0]
    if not allow_partial and first.day is None:
        day = PartialDate(first.year, first.month or 1, 1)
        return hints["needs-day"].format(date=day.iso, spoken=spoken(day))
    if len(guess.readings) > 1:
        second = guess.readings[1]
        return hints["either"].format(first=first.iso, first_spoken=spoken(first), second=second.iso,
                                      second_spoken=spoken(second))
    if guess.approximate and approximate_key:
        return hints["approximate"].format(key=approximate_key, date=first.iso)
    return hints["one"].format(date=first.iso, spoken=spoken(first))
