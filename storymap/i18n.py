"""Interface strings, date and length formats, in one place so a newsroom can translate them.

Dates and numbers are formatted with Babel (CLDR data, the same data browsers' Intl uses),
so the server-rendered list and the page's slider label agree.
"""
from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_interval, format_skeleton
from babel.numbers import format_decimal

from storymap.model import PartialDate, When

# English is the fallback for any string a translation lacks.
STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "approximately": "c. {date}",
        "since": "since {date}",
        "span": "{start} – {end}",
        "play": "Play",
        "pause": "Pause",
        "timeline": "Timeline",
        "timeline_date": "Date shown on the map",
        "events_shown": "{shown} of {total} events shown",
        "events": "Events",
        "event_list_intro": "Every event of the story, in timeline order. Choose one to show it on the map.",
        "not_on_map": "Not on the map",
        "show_on_map": "Show on map",
        "sources": "Sources",
        "source": "Source",
        "archived_copy": "archived copy",
        "confidence": "Confidence",
        "confidence_high": "High confidence",
        "confidence_moderate": "Moderate confidence",
        "confidence_low": "Low confidence",
        "confidence_low_legend": "Low confidence (hollow, faded)",
        "past_legend": "Earlier (muted)",
        "kind_observation": "Observation",
        "kind_shipment": "Shipment",
        "kind_meeting": "Meeting",
        "kind_statement": "Statement",
        "kind_movement": "Movement",
        "kind_other": "Other",
        "place_port": "Port",
        "place_railhead": "Railhead",
        "place_depot": "Depot",
        "place_base": "Base",
        "place_border-crossing": "Border crossing",
        "place_city": "City",
        "place_site": "Site",
        "mode_sea": "Sea route",
        "mode_rail": "Rail route",
        "mode_road": "Road route",
        "mode_river": "River route",
        "mode_air": "Air route",
        "length_sea": "about {km} km by sea",
        "length_rail": "about {km} km by rail",
        "length_road": "about {km} km by road",
        "length_river": "about {km} km by river",
        "length_air": "about {km} km by air",
        "approximate_route": "approximate line",
        "legend": "Legend",
        "published": "Published",
        "updated": "Updated",
        "by": "By",
        "stories": "Stories",
        "site_title": "Story maps",
        "downloads": "Download the data",
        "download_geojson": "Map data (GeoJSON)",
        "download_csv": "Events (CSV spreadsheet)",
        "download_kml": "Google Earth (KML)",
        "data_license": "Data licence: {license}",
        "places_credit": "Place coordinates: {credit}",
        "embed": "Embed this map",
        "embed_help": "Copy this code into your article's HTML. Its script fits the frame's height to the map "
                      "and list; without it the frame stays 600 pixels tall.",
        "copy_code": "Copy the code",
        "copied": "Copied",
        "open_story": "Open the full story",
        "corrections": "Corrections",
        "credit": "Credit",
        "close": "Close",
        "map_label": "Map of the story's places and events",
        "media": "Image",
        "skip_to_list": "Skip to the list of events",
        "summary_more": "Read more",
        "summary_less": "Show less",
        "story_address": "This story online:",
        "no_events": "This story has no events yet.",
        "list_range": "Events {first}–{last} of {total}",
        "list_pages": "Pages of the event list",
        "previous_page": "Previous events",
        "next_page": "Next events",
        "page_number": "Page {number}",
        "back_to_map": "Back to the map",
        "loading": "Loading…",
        "tiles_failed": "Map tiles did not load; a simpler base map is shown.",
        "previous_event": "Previous event",
        "next_event": "Next event",
        "play_speed": "Playback speed",
        "speed_value": "{speed}×",
        "window_range": "{days}-day window: {range}",
        "map_needs_script": "The map and its timeline need JavaScript; the list below tells the whole story, every event with its date and sources.",
    },
    # German: complete; a test checks that every English key has a translation.
    "de": {
        "approximately": "ca. {date}",
        "since": "seit {date}",
        "span": "{start} – {end}",
        "play": "Abspielen",
        "pause": "Anhalten",
        "timeline": "Zeitleiste",
        "timeline_date": "Auf der Karte gezeigtes Datum",
        "events_shown": "{shown} von {total} Ereignissen sichtbar",
        "events": "Ereignisse",
        "event_list_intro": "Alle Ereignisse der Geschichte in zeitlicher Reihenfolge. "
                            "Wählen Sie eines, um es auf der Karte zu zeigen.",
        "not_on_map": "Nicht auf der Karte",
        "show_on_map": "Auf der Karte zeigen",
        "sources": "Quellen",
        "source": "Quelle",
        "archived_copy": "archivierte Kopie",
        "confidence": "Gewissheit",
        "confidence_high": "Hohe Gewissheit",
        "confidence_moderate": "Mittlere Gewissheit",
        "confidence_low": "Geringe Gewissheit",
        "confidence_low_legend": "Geringe Gewissheit (hohl, blass)",
        "past_legend": "Früher (gedämpft)",
        "kind_observation": "Beobachtung",
        "kind_shipment": "Lieferung",
        "kind_meeting": "Treffen",
        "kind_statement": "Erklärung",
        "kind_movement": "Bewegung",
        "kind_other": "Sonstiges",
        "place_port": "Hafen",
        "place_railhead": "Bahnumschlagplatz",
        "place_depot": "Depot",
        "place_base": "Stützpunkt",
        "place_border-crossing": "Grenzübergang",
        "place_city": "Stadt",
        "place_site": "Ort",
        "mode_sea": "Seeweg",
        "mode_rail": "Bahnstrecke",
        "mode_road": "Straße",
        "mode_river": "Flussweg",
        "mode_air": "Luftweg",
        "length_sea": "etwa {km} km auf dem Seeweg",
        "length_rail": "etwa {km} km per Bahn",
        "length_road": "etwa {km} km auf der Straße",
        "length_river": "etwa {km} km auf dem Fluss",
        "length_air": "etwa {km} km auf dem Luftweg",
        "approximate_route": "ungefährer Verlauf",
        "legend": "Legende",
        "published": "Veröffentlicht",
        "updated": "Aktualisiert",
        "by": "Von",
        "stories": "Geschichten",
        "site_title": "Kartengeschichten",
        "downloads": "Daten herunterladen",
        "download_geojson": "Kartendaten (GeoJSON)",
        "download_csv": "Ereignisse (CSV-Tabelle)",
        "download_kml": "Google Earth (KML)",
        "data_license": "Datenlizenz: {license}",
        "places_credit": "Ortskoordinaten: {credit}",
        "embed": "Diese Karte einbetten",
        "embed_help": "Kopieren Sie diesen Code in das HTML Ihres Artikels. Sein Skript passt die Höhe des "
                      "Rahmens an Karte und Liste an; ohne es bleibt der Rahmen 600 Pixel hoch.",
        "copy_code": "Code kopieren",
        "copied": "Kopiert",
        "open_story": "Ganze Geschichte öffnen",
        "corrections": "Korrekturen",
        "credit": "Bild",
        "close": "Schließen",
        "map_label": "Karte der Orte und Ereignisse der Geschichte",
        "media": "Bild",
        "skip_to_list": "Zur Liste der Ereignisse springen",
        "summary_more": "Weiterlesen",
        "summary_less": "Weniger anzeigen",
        "story_address": "Diese Geschichte im Netz:",
        "no_events": "Diese Geschichte hat noch keine Ereignisse.",
        "list_range": "Ereignisse {first}–{last} von {total}",
        "list_pages": "Seiten der Ereignisliste",
        "previous_page": "Frühere Ereignisse",
        "next_page": "Spätere Ereignisse",
        "page_number": "Seite {number}",
        "back_to_map": "Zurück zur Karte",
        "loading": "Wird geladen …",
        "tiles_failed": "Kartenkacheln nicht geladen; eine einfachere Grundkarte wird gezeigt.",
        "previous_event": "Vorheriges Ereignis",
        "next_event": "Nächstes Ereignis",
        "play_speed": "Abspielgeschwindigkeit",
        "speed_value": "{speed}×",
        "window_range": "{days}-Tage-Fenster: {range}",
        "map_needs_script": "Die Karte und ihre Zeitleiste brauchen JavaScript; die Liste unten erzählt die ganze Geschichte, jedes Ereignis mit Datum und Quellen.",
    },
}

# Date formats follow the page language; plain "en" reads "5 Oct 2023", a form
# that is unambiguous worldwide, instead of CLDR's US default "Oct 5, 2023".
DATE_LOCALES = {"en": "en_GB"}


def strings(language: str) -> dict[str, str]:
    base = language.split("-")[0].lower()
    merged = dict(STRINGS["en"])
    merged.update(STRINGS.get(base, {}))
    merged.update(STRINGS.get(language, {}))
    return merged


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
    number = format_decimal(int(rounded) if rounded >= 10 else rounded, locale=date_locale(language))
    return strings(language)[f"length_{mode}"].format(km=number)


@lru_cache(maxsize=65536)
def format_partial(value: PartialDate, language: str) -> str:
    """A date honest about its precision: '5 Oct 2023', 'Oct 2023' or '2023'."""
    skeleton = {"day": "yMMMd", "month": "yMMM", "year": "y"}[value.precision]
    return format_skeleton(skeleton, value.first_day(), locale=date_locale(language))


@lru_cache(maxsize=65536)
def format_when(when: When, language: str) -> str:
    text = strings(language)
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
