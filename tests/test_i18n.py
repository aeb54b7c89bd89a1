"""Interface languages: every catalog complete, plurals by the language's rule, and `language:`
reaching the page and its dates."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import string

import pytest
from babel.messages.catalog import Catalog
from babel.messages.plurals import get_plural

from storymap import catalogs, i18n, pipeline, wording
from storymap.model import PartialDate

from .conftest import FIXTURES, REPO

LANGUAGES = FIXTURES / "languages"


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def forms(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def english_forms(message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def catalog_problems(catalog: Catalog, template: Catalog) -> list[str]:
    """Everything that keeps a catalog from being complete, one line each."""
    problems = []
    expected = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in template if m.id}
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id, message.context)
        name = message.context
        if found is None:
            problems.append(f"{name}: missing")
            continue
        if found.fuzzy:
            problems.append(f"{name}: fuzzy (a guess to check, then drop the fuzzy flag)")
        translated, count = forms(found), catalog.num_plurals if message.pluralizable else 1
        if len(translated) != count or not all(translated):
            problems.append(f"{name}: not translated (every form: {count})")
        for form in filter(None, translated):
            if fields(form) != fields(english_forms(message)[-1]):
                problems.append(f"{name}: {form!r} must keep the placeholders of {english_forms(message)[-1]!r}")
    extra = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in catalog if m.id} - expected
    problems += [f"{context}: not in the template (remove it)" for _, context in sorted(extra)]
    problems += [f"{context}: obsolete (remove it)" for (_, context) in catalog.obsolete]
    return problems


@pytest.mark.parametrize("language", catalogs.shipped())
def test_every_shipped_catalog_is_complete_with_the_same_placeholders(language):
    catalog = catalogs.read(catalogs.po_path(language), language)
    assert catalog_problems(catalog, catalogs.read(catalogs.TEMPLATE)) == [], f"{language}.po"
    assert str(catalog.locale) == language
    # The plural rule is CLDR's for the language, as Babel writes it.
    assert (catalog.num_plurals, catalog.plural_expr) == get_plural(language)[:2]


def test_the_shipped_languages_are_english_german_ukrainian_korean_russian():
    assert i18n.languages() == ("en", "de", "ko", "ru", "uk")
    plural_rules = {language: catalogs.read(catalogs.po_path(language), language).num_plurals
                    for language in catalogs.shipped()}
    assert plural_rules == {"de": 2, "ko": 1, "ru": 3, "uk": 3}


def test_the_completeness_check_finds_what_is_missing_fuzzy_or_broken():
    template = catalogs.read(catalogs.TEMPLATE)
    catalog = catalogs.read(catalogs.po_path("uk"), "uk")
    catalog.delete("Play", "play")
    catalog.get("Pause", "pause").flags.add("fuzzy")
    catalog.get("since {date}", "since").string = "з {дата}"
    catalog.get(("{shown} of {total} event shown", "{shown} of {total} events shown"),
                "events_shown").string = ("{shown} з {total} події", "", "")
    assert catalog_problems(catalog, template) == [
        "since: 'з {дата}' must keep the placeholders of 'since {date}'", "play: missing",
        "pause: fuzzy (a guess to check, then drop the fuzzy flag)", "events_shown: not translated (every form: 3)"]


def test_the_template_is_what_the_code_says_and_updating_changes_nothing(tmp_path):
    # The committed .pot and .po files are exactly what `python -m storymap.catalogs` writes.
    extracted, committed = catalogs.extract(), catalogs.read(catalogs.TEMPLATE)
    assert [(m.context, m.id, m.auto_comments) for m in extracted] == \
        [(m.context, m.id, m.auto_comments) for m in committed]
    assert {m.context for m in extracted if m.id} == set(wording.TEXTS) | set(wording.COUNTED)
    copy = tmp_path / "locale"
    shutil.copytree(catalogs.LOCALE, copy)
    assert catalogs.update(copy) == []


def test_a_new_language_starts_empty_with_its_plural_rule(tmp_path):
    shutil.copytree(catalogs.LOCALE, tmp_path / "locale")
    path = catalogs.new("pl", tmp_path / "locale")
    assert path == tmp_path / "locale" / "pl" / "LC_MESSAGES" / "storymap.po"
    catalog = catalogs.read(path, "pl")
    assert catalog.num_plurals == 3
    problems = catalog_problems(catalog, catalogs.read(catalogs.TEMPLATE))
    assert len(problems) == len(wording.TEXTS) + len(wording.COUNTED)
    assert all(problem.endswith("not translated (every form: 1)") or problem.endswith("(every form: 3)")
               for problem in problems)


def test_a_fuzzy_translation_never_reaches_a_page():
    catalog = catalogs.read(catalogs.po_path("de"), "de")
    catalog.get("Pause", "pause").flags.add("fuzzy")
    compiled = catalogs.compile_catalog(catalog)
    assert compiled.pgettext("pause", "Pause") == "Pause"
    assert compiled.pgettext("play", "Play") == "Abspielen"


def test_no_string_key_is_hidden_by_a_dict_method():
    # Templates read strings as t.key; Jinja looks up attributes first, so a key
    # named like a dict method (copy, items, ...) would render the method.
    assert sorted(set(i18n.strings("en")) & set(dir(dict))) == []


def test_regional_variant_falls_back_to_its_language_then_english():
    assert i18n.strings("de-AT")["play"] == i18n.strings("de")["play"] == "Abspielen"
    assert i18n.strings("uk-UA")["play"] == "Відтворити"
    assert i18n.strings("fr")["play"] == i18n.strings("en")["play"] == "Play"
    assert i18n.strings("en")["play"] == wording.TEXTS["play"]


@pytest.mark.parametrize("language, counts", [
    ("en", {1: "{shown} of {total} event shown", 2: "{shown} of {total} events shown",
            21: "{shown} of {total} events shown"}),
    ("uk", {1: "показано {shown} з {total} події", 2: "показано {shown} з {total} подій",
            5: "показано {shown} з {total} подій", 11: "показано {shown} з {total} подій",
            21: "показано {shown} з {total} події", 22: "показано {shown} з {total} подій"}),
    ("ru", {1: "показано {shown} из {total} события", 3: "показано {shown} из {total} событий",
            12: "показано {shown} из {total} событий", 101: "показано {shown} из {total} события"}),
    ("ko", {1: "전체 {total}건 중 {shown}건 표시", 5: "전체 {total}건 중 {shown}건 표시"}),
])
def test_counted_texts_take_the_form_of_the_languages_plural_rule(language, counts):
    assert {n: i18n.counted("events_shown", n, language) for n in counts} == counts


def test_window_days_agree_with_their_number():
    assert [i18n.counted("window_range", n, "uk") for n in (1, 3, 7)] == [
        "період у {days} день: {range}", "період у {days} дні: {range}", "період у {days} днів: {range}"]
    assert i18n.counted("window_range", 7, "en") == "{days}-day window: {range}"


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


def test_ukrainian_story_page_is_ukrainian(tmp_path):
    result = pipeline.build(LANGUAGES / "stories", LANGUAGES / "data", tmp_path / "site", None)
    assert not result.problems
    page = (tmp_path / "site" / "port-uk" / "index.html").read_text("utf-8")
    assert '<html lang="uk"' in page
    # Dates from CLDR in Ukrainian; the interface from uk.po; the counted texts in the form for
    # the page's numbers: 2 events on the map (з 2 подій), a 7-day window (у 7 днів).
    for text in ("Відтворити", "Події", "Джерело", "Опубліковано", "18 жовт. 2023\u202fр.", "15 серп. 2023\u202fр.",
                 "прибл. вер. 2023\u202fр.", "Низька достовірність", "Немає на мапі", "Завантажити дані",
                 '"events_shown":"показано {shown} з {total} подій"',
                 '"window_range":"період у {days} днів: {range}"', '"LLL":["січ."'):
        assert text in page, text
    for english in (">Play<", ">Events<", "Published", "Low confidence", "events shown", "-day window"):
        assert english not in page, english
    embed = (tmp_path / "site" / "port-uk" / "embed.html").read_text("utf-8")
    assert '<html lang="uk"' in embed and "Відтворити" in embed


def test_korean_dates_and_lengths_come_from_cldr_in_korean():
    assert i18n.format_day(dt.date(2023, 8, 15), "ko") == "2023년 8월 15일"
    assert i18n.format_partial(PartialDate(2023, 8), "uk") == "серп. 2023\u202fр."
    assert i18n.format_length(9752.3, "rail", "ko") == "철도로 약 9,800km"
    assert i18n.format_length(9752.3, "rail", "uk") == "близько 9\xa0800 км залізницею"


def test_writing_a_story_lists_the_languages_the_interface_speaks():
    text = (REPO / "docs" / "writing-a-story.md").read_text("utf-8")
    table = text[text.index("| `language` | the page's own words in |"):]
    table = table[:table.index("\n\n")]
    assert sorted(re.findall(r"^\| `([\w-]+)` \|", table, re.M)[1:]) == sorted(i18n.languages())  # [0]: the heading
