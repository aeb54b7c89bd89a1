"""`import <sheet.csv> --story <id>`: spreadsheet rows to event files.

Each row becomes the same nodes a YAML event file would give (every cell is
text, marked with its row and column) and is validated by the same EVENT
record, so a row gets exactly the messages a file would. Problems name the
sheet, the row as the spreadsheet numbers it (the header is row 1) and the
column. Nothing is written unless every row is valid.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from storymap.source import yamlio
from storymap.errors import Mark, Problems, did_you_mean, display_path
from storymap.source.fields import INVALID, Context
from storymap.source.load import find_route_files, read_events, read_places
from storymap.model import Event
from storymap.desk.scaffold import free_path, schema_reference, slug, yaml_text
from storymap.source.validate import EVENT, STORY
from storymap.source.yamlio import Mapping, Node, Scalar, Sequence

COLUMNS = ("id", "title", "date", "start", "end", "approximate", "place", "lat", "lon", "kind", "description",
           "confidence", "tags", "source_publisher", "source_title", "source_url", "source_date", "source_archive")
SOURCE_COLUMNS = {"source_publisher": "publisher", "source_title": "title", "source_url": "url",
                  "source_date": "date", "source_archive": "archive"}
EVENT_KEYS = ("id", "title", "date", "start", "end", "approximate", "place", "kind", "confidence", "description")


@dataclass
class Row:
    number: int  # as the spreadsheet shows it: the header is row 1
    cells: dict[str, tuple[str, int]]  # column -> (text, 1-based column number)
    event: Event | None = None
    stem: str = ""


@dataclass
class ImportResult:
    problems: Problems
    written: list[Path] = field(default_factory=list)


def read_rows(path: Path, problems: Problems) -> list[Row]:
    text = yamlio.read_text(path, problems)
    if text is None:
        return []
    shown = display_path(path)
    records = _records(text, shown, problems)
    if records is None:
        return []
    if not records or not any(cell.strip() for cell in records[0]):
        problems.add(Mark(shown), "csv-no-header")
        return []
    header = [name.strip() for name in records[0]]
    for number, name in enumerate(header, start=1):
        if name not in COLUMNS:
            problems.add(Mark(shown, 1, number), "csv-unknown-column", _column_hint(name), value=name)
        elif header.index(name) != number - 1:
            problems.add(Mark(shown, 1, number), "csv-duplicate-column", value=name)
    rows = [Row(number, {name: (cell.strip(), col) for col, (name, cell) in enumerate(zip(header, record), 1)
                         if cell.strip()})
            for number, record in enumerate(records[1:], start=2) if any(c.strip() for c in record)]
    if not rows and not problems:
        problems.add(Mark(shown, 1, 1), "csv-no-rows")
    return rows


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
    if name in ("route_mode", "route_path", "length_km"):  # a built site's events.csv has them; routes need via or geometry
        return "routes cannot come from a sheet: delete the column and write route: in the event's YAML file"
    return did_you_mean(name, COLUMNS) or f"the columns it reads are: {', '.join(COLUMNS)}"


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
    if "tags" in row.cells:
        text, col = row.cells["tags"]
        tags = tuple(Scalar(t.strip(), Mark(shown, row.number, col), plain=False) for t in text.split(";") if t.strip())
        items.append((key("tags", "tags"), Sequence(tags, Mark(shown, row.number, col))))
    source_columns = [c for c in SOURCE_COLUMNS if c in row.cells]
    if source_columns:
        if "source_publisher" not in row.cells:
            problems.add(Mark(shown, row.number, row.cells[source_columns[0]][1]), "csv-source-without-publisher")
        source = Mapping(tuple((key(SOURCE_COLUMNS[c], c), scalar(c)) for c in source_columns),
                         Mark(shown, row.number, row.cells[source_columns[0]][1]))
        items.append((key("sources", source_columns[0]), Sequence((source,), source.mark)))
    return Mapping(tuple(items), Mark(shown, row.number, 1))


def _stem(row: Row) -> str:
    """File name (and default id): the row's date and title."""
    when = (row.cells.get("date") or row.cells.get("start") or ("", 0))[0]
    title = slug(row.cells.get("title", ("", 0))[0])
    return "-".join(part for part in (slug(when), title) if part) or f"row-{row.number}"


def check_rows(sheet: Path, story_dir: Path, data_dir: Path, problems: Problems) -> list[Row]:
    """Validate every row against the story's places and events; rows keep their Event."""
    rows = read_rows(sheet, problems)
    scratch = Problems()  # the story's own problems are `check`'s business, not the import's
    places = read_places(data_dir / "places.yaml", scratch)
    story_node = yamlio.load(story_dir / "story.yaml", scratch, story_dir.parent)
    values = STORY.read(story_node, Context(scratch, story_dir)) if story_node is not None else INVALID
    if values is not INVALID:
        places.update({p.id: p for p in values.get("places", ())})
    route_ids = set(find_route_files(data_dir, scratch))
    existing = read_events(story_dir, Context(scratch, story_dir, places, route_ids))
    taken = {p.stem for p in (story_dir / "events").glob("*.y*ml")}
    first_use = {e.id: f"{e.mark.path}:{e.mark.line}" for e in existing}
    ctx = Context(problems, story_dir, places, route_ids)
    shown = display_path(sheet)
    for row in rows:
        row.stem = free_path(story_dir / "events", _stem(row), taken).stem
        taken.add(row.stem)
        ctx.default_id = row.stem
        event = EVENT.read(row_node(row, shown, problems), ctx)
        if event is INVALID:
            continue
        if event.id in first_use:
            problems.add(event.mark, "duplicate-event", value=event.id, where=first_use[event.id])
            continue
        first_use[event.id] = f"{shown}:{row.number}"
        row.event = event
    _in_sheet_terms(problems, shown)
    return rows


def _in_sheet_terms(problems: Problems, shown: str) -> None:
    """A missing key of a row is an empty column: say which column to fill in."""
    for n, problem in enumerate(problems.items):
        if problem.mark.path == shown and problem.code == "missing-key":
            key = problem.message.split("'")[1]
            column = "source_publisher" if key == "sources" else key
            problems.items[n] = replace(problem, hint=f"fill in the {column} column of this row")


def event_yaml(row: Row, sheet_name: str, schema: str) -> str:
    """The event file for a valid row: the row's own text, in the order journalists read it."""
    cells = {name: text for name, (text, _) in row.cells.items()}
    lines = [f"# yaml-language-server: $schema={schema}", f"# Imported from {sheet_name}, row {row.number}."]
    for name in EVENT_KEYS:
        if name not in cells or (name == "id" and cells[name] == row.stem):
            continue
        value = cells[name]
        if name == "description" and "\n" in value and _keeps_as_block(value):
            lines.append("description: |")
            lines.extend(("  " + line).rstrip() for line in value.split("\n"))
        else:
            lines.append(f"{name}: {value.lower() if name == 'approximate' else yaml_text(value)}")
    if "lat" in cells:
        lines.append(f"at: {{lat: {cells['lat']}, lon: {cells['lon']}}}")
    if "tags" in cells:
        lines.append(f"tags: {_flow_list([t.strip() for t in cells['tags'].split(';') if t.strip()])}")
    source_lines = [f"{SOURCE_COLUMNS[c]}: {yaml_text(cells[c])}" for c in SOURCE_COLUMNS if c in cells]
    if source_lines:
        lines.append("sources:")
        lines.extend(("  - " if n == 0 else "    ") + line for n, line in enumerate(source_lines))
    return "\n".join(lines) + "\n"


def _keeps_as_block(text: str) -> bool:
    """A literal block (|) reads back as exactly this text: no line ends in a space or a tab (a
    Markdown line break, which the block would drop), and no line break YAML counts but \n."""
    return not re.search(r"[ \t]\n|[\u2028\u2029]", text)


def _flow_list(items: list[str]) -> str:
    """[a, b] with each item quoted as a flow list needs: yaml_text quotes for a line of its own,
    where ':rail' may stay plain, but inside [...] it would not read back as written."""
    return yaml.safe_dump(items, default_flow_style=True, allow_unicode=True, width=10**6).strip()


def import_sheet(sheet: Path, stories_dir: Path, data_dir: Path, story_id: str) -> ImportResult:
    """Validate every row, then write one event file per row; nothing is written if any row fails."""
    problems = Problems()
    story_dir = stories_dir / story_id
    rows = check_rows(sheet, story_dir, data_dir, problems)
    result = ImportResult(problems)
    if problems:
        return result
    events_dir = story_dir / "events"
    events_dir.mkdir(exist_ok=True)
    schema = schema_reference(events_dir, stories_dir, "event.schema.json")
    texts = {events_dir / f"{row.stem}.yaml": event_yaml(row, sheet.name, schema) for row in rows}
    _check_round_trip(texts, rows, Context(Problems(), story_dir))
    for path, text in texts.items():
        path.write_text(text, encoding="utf-8")
        result.written.append(path)
    return result


def _check_round_trip(texts: dict[Path, str], rows: list[Row], ctx: Context) -> None:
    """The files about to be written must read back as the events validated (a bug otherwise)."""
    for (path, text), row in zip(texts.items(), rows):
        ctx.default_id = path.stem
        node = yamlio.parse(text, str(path), ctx.problems)
        event = EVENT.read(node, ctx) if node is not None else INVALID
        if event is INVALID or event != row.event:  # every field, marks aside
            raise AssertionError(f"import would write a file that does not read back: {path}\n{text}")
