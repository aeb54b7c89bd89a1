"""The interface's words in English, the source language of every translation.

Each text has a key: templates read it as t.<key>, and the catalogs use it as the message's
context (msgctxt), so one English word can be translated two ways ("Image" the media label,
"Credit" the photo credit). `python -m storymap.catalogs` extracts the calls of text() and
counted() below into storymap/locale/storymap.pot and brings each language's .po up to date;
translators edit the .po files (docs/development.md, "Translations").

counted() marks a text with a number in it whose words change with that number (one event,
two events; Ukrainian and Russian have three forms, Korean one): the catalog holds every
form the language has, and i18n.counted() picks one for the number.

Comments starting "Translators:" go into the catalogs beside the text they precede.
"""
from __future__ import annotations


def text(key: str, english: str) -> tuple[str, str]:
    return key, english


def counted(key: str, one: str, other: str) -> tuple[str, tuple[str, str]]:
    return key, (one, other)


TEXTS: dict[str, str] = dict([
    # Translators: {date} is a date already formatted for the language, e.g. "Sept 2023".
    text("approximately", "c. {date}"),
    text("since", "since {date}"),
    text("span", "{start} – {end}"),
    text("play", "Play"),
    text("pause", "Pause"),
    text("timeline", "Timeline"),
    text("timeline_date", "Date shown on the map"),
    text("events", "Events"),
    text("event_list_intro", "Every event of the story, in timeline order. Choose one to show it on the map."),
    text("not_on_map", "Not on the map"),
    text("show_on_map", "Show on map"),
    text("sources", "Sources"),
    text("source", "Source"),
    # Translators: a link beside a source to its copy in a web archive, followed by the copy's date.
    text("archived_copy", "archived copy"),
    text("confidence", "Confidence"),
    text("confidence_high", "High confidence"),
    text("confidence_moderate", "Moderate confidence"),
    text("confidence_low", "Low confidence"),
    # Translators: the legend's entry for the symbols of low-confidence events.
    text("confidence_low_legend", "Low confidence (hollow, faded)"),
    text("past_legend", "Earlier (muted)"),
    text("kind_observation", "Observation"),
    text("kind_shipment", "Shipment"),
    text("kind_meeting", "Meeting"),
    text("kind_statement", "Statement"),
    text("kind_movement", "Movement"),
    text("kind_other", "Other"),
    text("place_port", "Port"),
    # Translators: where goods move between railway and road.
    text("place_railhead", "Railhead"),
    text("place_depot", "Depot"),
    text("place_base", "Base"),
    text("place_border-crossing", "Border crossing"),
    text("place_city", "City"),
    text("place_site", "Site"),
    text("mode_sea", "Sea route"),
    text("mode_rail", "Rail route"),
    text("mode_road", "Road route"),
    text("mode_river", "River route"),
    text("mode_air", "Air route"),
    # Translators: {km} is a rounded number, formatted for the language: "9,800".
    text("length_sea", "about {km} km by sea"),
    text("length_rail", "about {km} km by rail"),
    text("length_road", "about {km} km by road"),
    text("length_river", "about {km} km by river"),
    text("length_air", "about {km} km by air"),
    text("approximate_route", "approximate line"),
    text("legend", "Legend"),
    # Translators: before the date of first publication.
    text("published", "Published"),
    text("updated", "Updated"),
    # Translators: before the byline, the names of the authors or the desk.
    text("by", "By"),
    text("stories", "Stories"),
    text("site_title", "Story maps"),
    text("downloads", "Download the data"),
    text("download_geojson", "Map data (GeoJSON)"),
    text("download_csv", "Events (CSV spreadsheet)"),
    text("download_kml", "Google Earth (KML)"),
    text("data_license", "Data licence: {license}"),
    text("places_credit", "Place coordinates: {credit}"),
    text("embed", "Embed this map"),
    text("embed_help", "Copy this code into your article's HTML. Its script fits the frame's height to the map "
                       "and list; without it the frame stays 600 pixels tall."),
    text("copy_code", "Copy the code"),
    text("copied", "Copied"),
    text("open_story", "Open the full story"),
    text("corrections", "Corrections"),
    # Translators: before the name of an image's author or agency.
    text("credit", "Credit"),
    text("close", "Close"),
    text("map_label", "Map of the story's places and events"),
    text("media", "Image"),
    text("skip_to_list", "Skip to the list of events"),
    text("summary_more", "Read more"),
    text("summary_less", "Show less"),
    text("story_address", "This story online:"),
    text("no_events", "This story has no events yet."),
    text("list_range", "Events {first}–{last} of {total}"),
    text("list_pages", "Pages of the event list"),
    text("previous_page", "Previous events"),
    text("next_page", "Next events"),
    text("page_number", "Page {number}"),
    text("back_to_map", "Back to the map"),
    text("loading", "Loading…"),
    text("tiles_failed", "Map tiles did not load; a simpler base map is shown."),
    text("previous_event", "Previous event"),
    text("next_event", "Next event"),
    text("play_speed", "Playback speed"),
    text("speed_value", "{speed}×"),
    text("map_needs_script", "The map and its timeline need JavaScript; the list below tells the whole story, "
                             "every event with its date and sources."),
])

COUNTED: dict[str, tuple[str, str]] = dict([
    # Translators: after the slider's date; {shown} events of the story's {total} on the map. The form
    # is chosen by {total}.
    counted("events_shown", "{shown} of {total} event shown", "{shown} of {total} events shown"),
    # Translators: the events of the last {days} days are on the map, {range} being those days. The
    # form is chosen by {days}.
    counted("window_range", "{days}-day window: {range}", "{days}-day window: {range}"),
])
