"""Interface languages: every translation complete, and `language:` reaching the page and its dates."""
from __future__ import annotations

import datetime as dt
import string

import pytest

from storymap import i18n, pipeline
from storymap.model import PartialDate

from .conftest import FIXTURES

LANGUAGES = FIXTURES / "languages"


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("language", sorted(set(i18n.STRINGS) - {"en"}))
def test_every_translation_is_complete_with_the_same_placeholders(language):
    english, other = i18n.STRINGS["en"], i18n.STRINGS[language]
    assert sorted(set(english) - set(other)) == [], f"{language} lacks these strings"
    assert sorted(set(other) - set(english)) == [], f"{language} has strings English does not"
    for key, text in english.items():
        assert fields(other[key]) == fields(text), f"{language}:{key} must keep the placeholders of {text!r}"
        assert other[key].strip(), f"{language}:{key} is empty"


def test_no_string_key_is_hidden_by_a_dict_method():
    # Templates read strings as t.key; Jinja looks up attributes first, so a key
    # named like a dict method (copy, items, ...) would render the method.
    assert sorted(set(i18n.STRINGS["en"]) & set(dir(dict))) == []


def test_a_second_language_exists():
    assert len(i18n.STRINGS) >= 2


def test_regional_variant_falls_back_to_its_language_then_english():
    assert i18n.strings("de-AT")["play"] == i18n.STRINGS["de"]["play"]
    assert i18n.strings("fr")["play"] == i18n.STRINGS["en"]["play"]


def test_dates_follow_the_language_and_stay_honest_about_precision():
    assert i18n.format_day(dt.date(2023, 8, 15), "de") == "15. Aug. 2023"
    assert i18n.format_day(dt.date(2023, 8, 15), "en") == "15 Aug 2023"
    assert i18n.format_partial(PartialDate(2023, 8), "de") == "Aug. 2023"
    assert i18n.format_partial(PartialDate(2023, 8), "en") == "Aug 2023"
    assert i18n.format_partial(PartialDate(2023), "de") == "2023"


def test_german_story_page_is_german(tmp_path):
    result = pipeline.build(LANGUAGES / "stories", LANGUAGES / "data", tmp_path / "site", None)
    assert not result.problems
    page = (tmp_path / "site" / "hafen-de" / "index.html").read_text("utf-8")
    assert '<html lang="de"' in page
    for text in ("Abspielen", "Ereignisse", "Quelle", "Veröffentlicht", "18. Okt. 2023", "15. Aug. 2023",
                 "ca. Sept. 2023", "Geringe Gewissheit", "Daten herunterladen"):
        assert text in page, text
    for english in (">Play<", ">Events<", "Published", "Low confidence"):
        assert english not in page, english
    embed = (tmp_path / "site" / "hafen-de" / "embed.html").read_text("utf-8")
    assert '<html lang="de"' in embed and "Abspielen" in embed


@pytest.mark.parametrize("km, english, german", [
    (202.4, "about 200 km by sea", "etwa 200 km auf dem Seeweg"),
    (9752.3, "about 9,800 km by sea", "etwa 9.800 km auf dem Seeweg"),
    (17243.0, "about 17,000 km by sea", "etwa 17.000 km auf dem Seeweg"),
    (12.3, "about 12 km by sea", "etwa 12 km auf dem Seeweg"),
    (3.74, "about 3.7 km by sea", "etwa 3,7 km auf dem Seeweg"),
])
def test_route_lengths_have_two_significant_figures_and_the_languages_separators(km, english, german):
    assert i18n.format_length(km, "sea", "en") == english
    assert i18n.format_length(km, "sea", "de") == german


def test_every_mode_has_its_length_words_and_a_route_of_no_length_has_none():
    from storymap.model import RouteMode

    for mode in RouteMode:
        assert i18n.format_length(9752.3, mode, "en") == f"about 9,800 km by {mode}"
    assert i18n.format_length(0.0, "rail", "en") is None
