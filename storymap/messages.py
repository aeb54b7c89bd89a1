"""Every problem message the program can report, in one catalog.

Each message has a code, a text and a default hint, written as str.format
templates, and a severity: a problem stops the build, a warning (where the map
would mislead) is printed and the build goes on unless --strict. Code reports a
problem by its code (Problems.add, Problems.add_warning); docs/errors.md
explains each one, and a test checks that the two lists match. Keeping the
words here also means a newsroom translating them has one file to edit.
"""
from __future__ import annotations

from dataclasses import dataclass

DATE_HINT = ("write dates as YYYY-MM-DD; for a vague date such as 'mid-August 2023' write "
             "`date: 2023-08` plus `approximate: true`")
# The hint of a date written another way when source/dateguess.py can read it ("Oct 2023",
# "14/10/2023", "mid-August 2023"): the ISO form it most likely means, in place of DATE_HINT.
DATE_GUESS_HINTS = {
    "one": "write {date} for {spoken}",
    "either": "write {first} for {first_spoken}, or {second} for {second_spoken}: "
              "the day and the month could be either way round",
    "approximate": "write `{key}: {date}` plus `approximate: true`",
    "needs-day": "this date needs a day: write YYYY-MM-DD, e.g. {date} for {spoken}",
}
# What `new event` writes for the journalist to replace (storymap/desk/scaffold.py), and the hint
# each gets as a problem of check and build until it is replaced.
PLACEHOLDER_DATE_HINT = ("write when it happened as YYYY-MM-DD, e.g. 2023-10-05; or 2023-10 for a month, "
                         "2023 for a year")
PLACEHOLDER_PUBLISHER_HINT = "write who reported it, e.g. publisher: CSIS Beyond Parallel"


@dataclass(frozen=True)
class Message:
    code: str
    text: str
    hint: str = ""
    severity: str = "error"  # or "warning": printed, but the build goes on unless --strict


# Problems about a whole file or folder: they point at 1:1, which is not a spot
# in the text, so no source line is quoted under them.
WHOLE_FILE_CODES = frozenset({
    "file-too-large", "file-unreadable", "file-empty", "duplicate-route-file", "bad-story-folder",
    "no-story-yaml", "route-unreadable", "route-no-crs", "route-not-line", "route-too-short",
    "csv-no-header", "file-outside", "file-not-regular", "reserved-story-id", "route-format", "route-content",
    "route-reference", "route-too-large", "route-too-many-points", "route-not-finite", "route-out-of-range",
    "csv-file-not-imported", "csv-file-edited", "csv-file-edited-kept",
})

_CATALOG = (
    # Files and YAML
    Message("file-too-large", "file is too large ({size} bytes; the limit is {limit})",
            "split the events into several files"),
    Message("file-unreadable", "cannot read file: {reason}", "check the file's permissions"),
    Message("file-outside", "file is a link to a place outside {folder}",
            "only files inside {folder} are read: copy the file there instead of linking to it"),
    Message("file-not-regular", "not an ordinary file but {kind}", "replace it with an ordinary file"),
    Message("not-utf8", "file is not UTF-8 text (byte {byte})", "save the file as UTF-8 in your editor"),
    Message("yaml-syntax", "YAML syntax error: {problem}"),
    Message("file-empty", "file is empty", "write the fields as 'key: value' lines"),
    Message("yaml-alias", "YAML anchors and aliases (&name, *name) are not supported", "write the value out in full"),
    Message("yaml-tag", "YAML tag '{tag}' is not allowed", "remove the tag; values are read as plain text"),
    Message("yaml-too-deep", "lists and mappings are nested more than {limit} levels deep",
            "a story needs a few levels at most; look for a [ or {{ that is never closed"),
    Message("control-character", "text contains the invisible character {character}",
            "delete it; control characters break the feed and the KML download, and can hide text"),
    Message("key-not-text", "a key must be a plain word", "write keys as 'name: value'"),
    Message("duplicate-key", "duplicate key '{key}' (first written at line {line})",
            "keep one of them; YAML would silently use only the last"),
    # Values
    Message("wrong-shape", "expected {expected}, found {found}"),
    Message("blank-text", "expected text, found only spaces"),
    Message("text-too-long", "text is too long ({length} characters; at most {limit})",
            "move the detail into description"),
    Message("bad-id", "'{value}' is not a valid id: use 1-80 lowercase letters, digits and -"),
    Message("bad-choice", "'{value}' is not one of {choices}", "use one of: {choices}"),
    Message("bad-flag", "expected true or false, found '{value}'", "write true or false"),
    Message("bad-number", "expected a number, found '{value}'",
            "write decimal degrees such as 42.4217, not degrees-minutes-seconds"),
    Message("not-finite", "expected a finite number, found '{value}'"),
    Message("bad-whole-number", "expected a whole number from {low} to {high}, found '{value}'"),
    Message("bad-date", "'{value}' is not an ISO date", DATE_HINT),
    Message("impossible-date", "'{value}' is not a real calendar date", DATE_HINT),
    Message("year-range", "'{value}' is outside the years {first} to {last}",
            "write the year with its four digits, e.g. 2023; pages and feeds show years {first} to {last} only"),
    Message("placeholder", "'{value}' is a placeholder left by new event",
            "replace it with what the field should say"),
    Message("date-needs-day", "'{value}' needs a day here", "write the date as YYYY-MM-DD, e.g. 2023-10-05"),
    Message("bad-url", "'{value}' is not an http(s) address", "links must start with https:// or http://"),
    Message("list-too-short", "the list needs at least {count} item(s)"),
    Message("unknown-key", "unknown key '{key}' in {record}"),
    Message("missing-key", "missing required key '{key}' in {record}"),
    Message("bad-country", "'{value}' is not an ISO 3166-1 alpha-2 country code",
            "write two capital letters, e.g. KP, RU, NO"),
    Message("unknown-country", "no borders known for country '{value}'",
            "the map's country borders come from Natural Earth, which has no '{value}'; "
            "check the code, or leave it out"),
    Message("bad-language", "'{value}' is not a known BCP 47 language tag", "write e.g. en, de, ru or pt-BR"),
    Message("unknown-basemap", "unknown basemap '{value}'", "for example OpenStreetMap.Mapnik"),
    Message("private-basemap", "basemap '{value}' needs a private API key, which a published page would reveal",
            "choose a basemap without a key, e.g. OpenStreetMap.Mapnik"),
    # Places, events and routes
    Message("latitude-range", "latitude {value} is outside -90 to 90"),
    Message("longitude-range", "longitude {value} is outside -180 to 180"),
    Message("media-bad-src", "'{value}' is not a path to a file in the story",
            "write a path such as media/photo.jpg"),
    Message("media-web-address", "'{value}' is a web address; media must be files kept with the story",
            "keep a copy with the story and credit it: save it in {story}/media/ and write src: media/<file name>"),
    Message("media-missing", "media file '{value}' does not exist in the story folder",
            "put the file in {story}/media/ and write src: media/<file name>"),
    Message("media-outside", "media file '{value}' lies outside the story folder",
            "put the file in {story}/media/ and write src: media/<file name>, without '..'"),
    Message("media-not-regular", "media '{value}' is not an image file but {kind}", "name an image file"),
    Message("media-not-image", "media file '{value}' is not a PNG, JPEG, GIF or WebP image",
            "save it as PNG, JPEG, GIF or WebP; other files (HTML, SVG, PDF...) cannot be shown safely"),
    Message("media-too-large", "media file '{value}' is too large ({size} bytes; the limit is {limit})",
            "make the image smaller: 2,000 pixels wide is plenty for a web page"),
    Message("media-unreadable", "cannot read media file '{value}': {reason}", "check the file's permissions"),
    Message("route-both", "a route needs either via (a list of points) or geometry (a route file), not both",
            "keep via: [place-a, place-b] or geometry: <file name in data/routes without extension>"),
    Message("route-neither", "a route needs either via (a list of points) or geometry (a route file)",
            "write via: [place-a, place-b] or geometry: <file name in data/routes without extension>"),
    Message("unknown-route", "no route file '{value}' in data/routes", "add the file data/routes/{value}.geojson"),
    Message("air-path-straight", "an air route is always drawn along great circles; path: straight does not apply",
            "remove path: straight; add via points to make the line bend where the flight did"),
    Message("path-not-computed", "path: auto is not available for {mode} routes: no {mode} network ships with "
            "the project", "remove path: auto; a {mode} route is drawn straight between its via points, so add "
            "points where it turns"),
    Message("path-with-geometry", "path does not apply to a route file: its line is drawn as the file has it",
            "remove path:, or replace geometry: with via: to have the line computed"),
    Message("within-not-computed-rail", "within only applies to rail routes with path: auto",
            "remove within:, or write mode: rail without path: straight"),
    Message("route-no-path", "no {mode} path from {start} to {end}{within}",
            "add via points to steer the route, or write path: straight and place the via points yourself"),
    Message("unknown-place", "unknown place id '{value}'", "add it to data/places.yaml or to the story's places:"),
    Message("date-and-start", "an event has either date or start, not both",
            "use date: for one day, month or year; start: and end: for a span"),
    Message("end-with-date", "end goes with start, not with date", "write start: and end: for a span"),
    Message("end-before-start", "end {end} is before start {start}", "swap start and end, or correct the year"),
    Message("two-wheres", "an event has at most one of place, at and route; this one has {kinds}",
            "keep one; describe the others in description"),
    Message("window-days-without-window", "window_days only applies with mode: window",
            "add mode: window, or remove window_days"),
    Message("timeline-end-before-start", "timeline end {end} is before start {start}"),
    Message("updated-before-published", "updated {updated} is before published {published}"),
    # Warnings: the build goes on (unless --strict), but the map would mislead
    Message("sea-route-over-land", "this straight sea route crosses {km} km of land near {lat}, {lon}",
            "remove `path: straight` to compute a route at sea, or add via points off the coast", "warning"),
    Message("place-outside-country", "{place} lies {km} km outside its country {country}",
            "check the place's lat and lon, and its country code", "warning"),
    # Folders and files of a story
    Message("duplicate-place", "duplicate place id '{value}' (first defined at line {line})",
            "give each place its own id"),
    Message("duplicate-route-file", "two route files are named '{value}'", "rename one; the other is {other}"),
    Message("bad-story-folder", "story folder name '{value}' is not a valid story id",
            "rename the folder with lowercase letters, digits and -"),
    Message("reserved-story-id", "story folder name '{value}' is a name the build uses for the site's own files",
            "rename the folder, e.g. {value}-story; these names are taken: {names}"),
    Message("no-story-yaml", "story folder has no story.yaml",
            "add story.yaml (python build.py new story <id> writes one)"),
    Message("event-file-shape", "an event file must hold a mapping or a list of mappings, found {found}",
            "start with 'title: ...' lines, or '- title: ...' for a list"),
    Message("duplicate-event", "duplicate event id '{value}' (also used at {where})", "give one of them another id: line"),
    # Route files
    Message("route-unreadable", "cannot read route file: {reason}", "save it as GeoJSON with one LineString feature"),
    Message("route-no-crs", "route file has no coordinate reference system",
            "save it in WGS84 (EPSG:4326); GeoJSON always is"),
    Message("route-not-line", "route file holds a {geometry}; a route must be a line", "draw the route as a LineString"),
    Message("route-too-short", "route file has no line with at least two points"),
    Message("route-format", "'{name}' is not in a format the build reads route lines from",
            "save the line as GeoJSON (.geojson or .json), GeoPackage (.gpkg), KML (.kml), Shapefile (.shp), "
            "GPX (.gpx) or FlatGeobuf (.fgb)"),
    Message("route-content", "route file does not hold {format}, as its extension says",
            "export the line again as {format}, or give the file the extension of its real format"),
    Message("route-reference", "route file holds {what}, which could make the build read other files or the network",
            "export the line again as plain GeoJSON"),
    Message("route-too-large", "route file is too large ({size} bytes; the limit is {limit})",
            "simplify the line in your GIS and drop attributes the map does not need"),
    Message("route-too-many-points", "route file has {count} points; the limit is {limit}",
            "simplify the line (in QGIS: Vector > Geometry Tools > Simplify); every point is sent to readers' phones"),
    Message("route-not-finite", "route file has a coordinate that is not a finite number ({value})",
            "fix or remove that point: NaN and Infinity are not positions"),
    Message("route-out-of-range", "route file has a point at longitude {lon}, latitude {lat}, outside -180 to 180 "
            "or -90 to 90", "check that the file is in WGS84 (EPSG:4326) and that its points are not mistyped"),
    # Source links (python build.py links)
    Message("dead-link", "dead link {url} ({reason})",
            "find the page's new address, or a copy of it in a web archive, and give it as archive:"),
    Message("dead-link-archived", "dead link {url} ({reason}); readers get its archived copy",
            severity="warning"),
    Message("link-not-checked", "link not checked {url} ({reason})",
            "links requests only public addresses; use --allow-private to check one on your own network"),
    # Spreadsheets (import)
    Message("csv-unknown-column", "unknown column '{value}'"),
    Message("csv-duplicate-column", "column '{value}' appears twice", "keep one of the two columns"),
    Message("csv-no-header", "the sheet has no header row", "put the column names in the first row"),
    Message("csv-no-rows", "the sheet has no rows below its header"),
    Message("csv-unreadable", "cannot read the sheet: {reason}",
            "export it again from the spreadsheet as CSV UTF-8; no cell may hold more than 131,072 characters"),
    Message("csv-lat-lon", "a row needs both lat and lon, or neither", "fill in both columns, or leave both empty"),
    Message("csv-source-without-publisher", "source {number} has no publisher",
            "fill in a source_{number}_publisher column: who reported it"),
    Message("csv-duplicate-id", "same id '{value}' as row {row}", "give one of the two rows another id"),
    Message("csv-file-not-imported", "not written by an import, but row {row} of {sheet} has its id '{value}'; "
            "not replaced", "give the row another id in an id column, or import with --force to replace this "
            "file by the row"),
    Message("csv-file-edited", "edited by hand since its import, and row {row} of {sheet} changed too; not replaced",
            "make the same change in the file or in the sheet, so that the two agree, and import again; or import "
            "with --force to replace the file by the row, which loses the edit"),
    Message("csv-file-edited-kept", "edited by hand since its import; kept, as row {row} of {sheet} is unchanged",
            "to replace it by the row, import with --force; make the same change in the sheet and this warning "
            "stops", severity="warning"),
)

MESSAGES: dict[str, Message] = {m.code: m for m in _CATALOG}


def render(code: str, hint: str | None = None, **values) -> tuple[str, str]:
    """(message, hint) for a code; an explicit hint replaces the default one."""
    message = MESSAGES[code]
    return message.text.format(**values), (message.hint.format(**values) if hint is None else hint)


def placeholder_text(message: Message) -> str:
    """The message as docs/errors.md shows it: each value as <name>."""
    import string

    names = {name for _, name, _, _ in string.Formatter().parse(message.text) if name}
    return message.text.format(**{name: f"<{name}>" for name in names})
