"""Reading a spreadsheet for `import`: its rows as the nodes an event file would give.

Every cell is text, marked with its row (as the spreadsheet numbers it: the
header is row 1) and its column, so the EVENT record reports a row's problems
exactly as it would a file's. The columns are the ones a site's events.csv
download has, so a story's download imports back: sources as
source_<n>_<field> (source_<field> is source 1), routes as route_<field>, and
length_km, which the build computes, is read and left out.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass

from storymap.desk.scaffold import slug
from storymap.errors import Mark, Problems, did_you_mean, display_path
from storymap.source import yamlio
from storymap.source.yamlio import Mapping, Node, Scalar, Sequence
from storymap.model import Event

EVENT_COLUMNS = ("id", "title", "date", "start", "end", "approximate", "place", "lat", "lon", "kind", "description",
                 "confidence", "tags")
ROUTE_COLUMNS = ("route_mode", "route_via", "route_geometry", "route_path", "route_within", "route_approximate")
COMPUTED_COLUMNS = ("length_km",)  # in the download for readers; a build computes it again
SOURCE_FIELDS = ("publisher", "title", "url", "date", "archive")
# Source 1 may be written source_publisher (the spec's name) or source_1_publisher (the download's).
SOURCE_COLUMN = re.compile(r"source_(?:([1-9][0-9]{0,2})_)?(" + "|".join(SOURCE_FIELDS) + ")")
COLUMNS = (*EVENT_COLUMNS, *ROUTE_COLUMNS, *COMPUTED_COLUMNS, *(f"source_{f}" for f in SOURCE_FIELDS))
EVENT_KEYS = ("id", "title", "date", "start", "end", "approximate", "place", "kind", "confidence", "description")
# What events.csv puts before a cell a spreadsheet would run as a formula (render/exports.py).
FORMULA_GUARD = re.compile(r"'(?=[=+\-@\t\r])")
MAX_TITLE_SLUG = 60  # as new event's file names: ids stay readable in a reader's #event= link


@dataclass
class Row:
    number: int  # as the spreadsheet shows it: the header is row 1
    cells: dict[str, tuple[str, int]]  # column (source 1 as source_1_*) -> (text, 1-based column number)
    event: Event | None = None
    stem: str = ""  # the event's id and file name

    def text(self, column: str) -> str:
        return self.cells.get(column, ("", 0))[0]

    def sources(self) -> list[int]:
        """The numbers of the sources this row fills in, in order."""
        return sorted({int(m[1]) for c in self.cells if (m := SOURCE_COLUMN.fullmatch(c)) and m[1]})


@dataclass
class Sheet:
    rows: list[Row]
    names: dict[str, str]  # column as rows know it -> as the header wrote it, for hints


def column_key(name: str) -> str | None:
    """The column as rows know it (source_publisher is source_1_publisher), or None when unknown."""
    if name in EVENT_COLUMNS or name in ROUTE_COLUMNS or name in COMPUTED_COLUMNS:
        return name
    match = SOURCE_COLUMN.fullmatch(name)
    return f"source_{match[1] or 1}_{match[2]}" if match else None


def read_sheet(path, problems: Problems) -> Sheet:
    text = yamlio.read_text(path, problems)
    shown = display_path(path)
    records = _records(text, shown, problems) if text is not None else None
    if records is None:
        return Sheet([], {})
    if not records or not any(cell.strip() for cell in records[0]):
        problems.add(Mark(shown), "csv-no-header")
        return Sheet([], {})
    header = [name.strip() for name in records[0]]
    keys: list[str | None] = []
    names: dict[str, str] = {}
    for number, name in enumerate(header, start=1):
        key = column_key(name)
        if key is None:
            problems.add(Mark(shown, 1, number), "csv-unknown-column", _column_hint(name), value=name)
        elif key in names:
            same = names[key] != name  # source_publisher beside source_1_publisher
            problems.add(Mark(shown, 1, number), "csv-duplicate-column",
                         f"{name} and {names[key]} are both source 1: keep one of the two" if same else None,
                         value=name)
            key = None
        else:
            names[key] = name
        keys.append(key)
    rows = [Row(number, {key: (_unguarded(cell.strip()), col) for col, (key, cell) in enumerate(zip(keys, record), 1)
                         if key and cell.strip()})
            for number, record in enumerate(records[1:], start=2) if any(c.strip() for c in record)]
    if not rows and not problems:
        problems.add(Mark(shown, 1, 1), "csv-no-rows")
    return Sheet(rows, names)


def _unguarded(cell: str) -> str:
    """A cell as the journalist wrote it: events.csv puts ' before =, +, -, @ so that a spreadsheet
    shows the text instead of running it as a formula; the import takes it off again."""
    return FORMULA_GUARD.sub("", cell, count=1) if cell.startswith("'") else cell


def _records(text: str, shown: str, problems: Problems) -> list[list[str]] | None:
    """The sheet's cells, a line break inside a cell written as one newline; None (with the
    problem recorded) when the csv module gives up, or a cell holds a control character,
    which would break the feed and the KML download as it does in YAML."""
    records: list[list[str]] = []
    try:
        for record in csv.reader(io.StringIO(text, newline="")):
            records.append([cell.replace("\r\n", "\n").replace("\r", "\n") for cell in record])
    except csv.Error as err:  # a cell over the csv module's 131,072 characters
        problems.add(Mark(shown, len(records) + 1, 1), "csv-unreadable", reason=err)
        return None
    before = len(problems)
    for number, record in enumerate(records, start=1):
        for column, cell in enumerate(record, start=1):
            found = yamlio.CONTROL_CHARACTER.search(cell)
            if found:
                problems.add(Mark(shown, number, column), "control-character", "delete it from the cell; control "
                             "characters break the feed and the KML download, and can hide text",
                             character=yamlio.describe_character(found.group()))
    return records if len(problems) == before else None


def _column_hint(name: str) -> str:
    known = (*COLUMNS, *(f"source_2_{f}" for f in SOURCE_FIELDS))
    return did_you_mean(name, known) or (f"the columns it reads are: {', '.join(COLUMNS)}; a second source is "
                                         "source_2_publisher, source_2_title and so on")


def row_id(row: Row) -> str:
    """The row's id and file name: its id cell, or else its title's words and then its date
    (`ships-at-rajin-pier-2023-09-07`), so that the same row gets the same id at every import."""
    if "id" in row.cells:
        return row.text("id")
    title = row.text("title")
    words = title_slug(title) or (f"event-{hashlib.sha256(title.encode()).hexdigest()[:8]}" if title else "")
    when = re.sub(r"[^a-z0-9]+", "-", (row.text("date") or row.text("start")).lower()).strip("-")[:19]
    return "-".join(part for part in (words, when) if part) or f"row-{row.number}"


def title_slug(title: str) -> str:
    """The title's letters and digits in lowercase ASCII (accents dropped), joined by -, cut after
    the last whole word that fits in 60 characters (a single longer word is cut at 60); a title in
    another script gives nothing (row_id then names the row by a hash of it)."""
    return slug(title, MAX_TITLE_SLUG, transliterate=False)


def row_node(row: Row, shown: str, problems: Problems) -> Mapping:
    """The nodes an event file with this row's values would give."""
    def scalar(column: str) -> Scalar:
        text, col = row.cells[column]
        return Scalar(text, Mark(shown, row.number, col), plain=False)

    def key(name: str, column: str) -> Scalar:
        return Scalar(name, Mark(shown, row.number, row.cells[column][1]))

    items: list[tuple[Scalar, Node]] = [(key(name, name), scalar(name)) for name in EVENT_KEYS if name in row.cells]
    has_lat, has_lon = "lat" in row.cells, "lon" in row.cells
    if has_lat != has_lon:
        problems.add(Mark(shown, row.number, row.cells["lat" if has_lat else "lon"][1]), "csv-lat-lon")
    elif has_lat:
        point = Mapping(((key("lat", "lat"), scalar("lat")), (key("lon", "lon"), scalar("lon"))),
                        Mark(shown, row.number, row.cells["lat"][1]))
        items.append((key("at", "lat"), point))
    route = _route_node(row, shown)
    if route is not None:
        items.append((Scalar("route", route.mark), route))
    if "tags" in row.cells:
        items.append((key("tags", "tags"), _list_node(row, "tags", shown)))
    sources = [_source_node(row, number, shown, problems) for number in row.sources()]
    if sources:
        items.append((Scalar("sources", sources[0].mark), Sequence(tuple(sources), sources[0].mark)))
    return Mapping(tuple(items), Mark(shown, row.number, 1))


def _list_node(row: Row, column: str, shown: str) -> Sequence:
    """A cell of several values separated by ;, such as tags."""
    text, col = row.cells[column]
    mark = Mark(shown, row.number, col)
    return Sequence(tuple(Scalar(t.strip(), mark, plain=False) for t in text.split(";") if t.strip()), mark)


def _source_node(row: Row, number: int, shown: str, problems: Problems) -> Mapping:
    columns = [(f, f"source_{number}_{f}") for f in SOURCE_FIELDS if f"source_{number}_{f}" in row.cells]
    first = Mark(shown, row.number, row.cells[columns[0][1]][1])
    if f"source_{number}_publisher" not in row.cells:
        problems.add(first, "csv-source-without-publisher", "fill in a source_publisher (or source_1_publisher) "
                     "column: who reported it" if number == 1 else None, number=number)
    return Mapping(tuple((Scalar(f, Mark(shown, row.number, row.cells[c][1])),
                          Scalar(row.cells[c][0], Mark(shown, row.number, row.cells[c][1]), plain=False))
                         for f, c in columns), first)


def route_cells(row: Row) -> dict[str, str]:
    """The route's fields the row fills in: a route file's path ("file" in the download) is left out,
    as the file gives the line."""
    cells = {c.removeprefix("route_"): row.text(c) for c in ROUTE_COLUMNS if c in row.cells}
    if cells.get("path") == "file" and "geometry" in cells:
        del cells["path"]
    return cells


def via_items(text: str) -> list[str | tuple[str, str]]:
    """A route_via cell: stops separated by ;, each a place id or `lat, lon`."""
    items: list[str | tuple[str, str]] = []
    for stop in (s.strip() for s in text.split(";")):
        if "," in stop:
            lat, _, lon = stop.partition(",")
            items.append((lat.strip(), lon.strip()))
        elif stop:
            items.append(stop)
    return items


def _route_node(row: Row, shown: str) -> Mapping | None:
    cells = route_cells(row)
    if not cells:
        return None
    marks = {c: Mark(shown, row.number, row.cells[c][1]) for c in ROUTE_COLUMNS if c in row.cells}
    items: list[tuple[Scalar, Node]] = []
    for name, text in cells.items():
        mark = marks[f"route_{name}"]
        value: Node
        if name == "via":
            value = Sequence(tuple(Mapping(((Scalar("lat", mark), Scalar(item[0], mark, plain=False)),
                                            (Scalar("lon", mark), Scalar(item[1], mark, plain=False))), mark)
                                   if isinstance(item, tuple) else Scalar(item, mark, plain=False)
                                   for item in via_items(text)), mark)
        elif name == "within":
            value = _list_node(row, "route_within", shown)
        else:
            value = Scalar(text, mark, plain=False)
        items.append((Scalar(name, mark), value))
    return Mapping(tuple(items), min(marks.values(), key=lambda m: m.col))
