"""`import <sheet.csv> --story <id>`: spreadsheet rows to event files, again and again.

Each row is read as the nodes an event file would give (sheetrows.py) and is
validated by the same EVENT record, so a row gets exactly the messages a file
would. A row's id (its id cell, or its title and date) is its file's name, so
importing the sheet again finds the file it wrote before: the file is written
anew when the row changed, left alone when it did not. Each file records a
fingerprint of what the import wrote (`# import-sha256: ...`); a file whose
text no longer matches it was edited by hand, and is never overwritten
without --force, nor is a file with that name the import did not write.
Nothing is written unless every row is valid and no file is in the way.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from storymap.desk.scaffold import schema_reference, yaml_text
from storymap.errors import Mark, Problems, display_path
from storymap.source import yamlio
from storymap.source.fields import INVALID, Context
from storymap.source.load import find_route_files, read_events, read_places, story_language
from storymap.source.sheetrows import (EVENT_KEYS, SOURCE_FIELDS, Row, Sheet, read_sheet, route_cells, row_id,
                                       row_node, via_items)
from storymap.source.validate import EVENT, STORY

FINGERPRINT = re.compile(r"^# import-sha256: ([0-9a-f]{16})$", re.MULTILINE)
OUTCOMES = ("new", "updated", "unchanged", "kept")  # kept: edited by hand, and its row did not change


@dataclass
class ImportResult:
    problems: Problems
    written: list[Path] = field(default_factory=list)  # new and updated files (none with dry_run)
    outcomes: dict[str, list[Path]] = field(default_factory=lambda: {name: [] for name in OUTCOMES})

    def count(self, outcome: str) -> int:
        return len(self.outcomes[outcome])


def check_rows(sheet: Path, story_dir: Path, data_dir: Path, problems: Problems) -> list[Row]:
    """Validate every row against the story's places and events; rows keep their Event."""
    read = read_sheet(sheet, problems)
    scratch = Problems()  # the story's own problems are `check`'s business, not the import's
    places = read_places(data_dir / "places.yaml", scratch)
    story_node = yamlio.load(story_dir / "story.yaml", scratch, story_dir.parent)
    values = STORY.read(story_node, Context(scratch, story_dir)) if story_node is not None else INVALID
    if values is not INVALID:
        places.update({p.id: p for p in values.get("places", ())})
    route_ids = set(find_route_files(data_dir, scratch))
    # an event in the file a row would replace is that row's; one elsewhere with its id is in the way
    elsewhere = {e.id: e.mark for e in read_events(story_dir, Context(scratch, story_dir, places, route_ids))
                 if Path(e.mark.path).stem != e.id}
    ctx = Context(problems, story_dir, places, route_ids, language=story_language(story_node))
    shown = display_path(sheet)
    first_row: dict[str, int] = {}
    for row in read.rows:
        row.stem = row_id(row)
        _drop_place_coordinates(row, places)
        ctx.default_id = row.stem
        before = len(problems)
        event = EVENT.read(row_node(row, shown, problems), ctx)
        if event is INVALID or len(problems) > before:  # a half-filled point or source: the row is not whole
            continue
        if event.id in first_row:
            problems.add(event.mark, "csv-duplicate-id", None if "id" in row.cells else
                         "this id is made from the title and date: give one of the two rows an id in an id column",
                         value=event.id, row=first_row[event.id])
        elif event.id in elsewhere:
            other = elsewhere[event.id]
            problems.add(event.mark, "duplicate-event", "give the row another id in the id column",
                         value=event.id, where=f"{other.path}:{other.line}")
        else:
            first_row[event.id] = row.number
            row.event = event
    _in_sheet_terms(problems, shown, read)
    return read.rows


def _drop_place_coordinates(row: Row, places: dict) -> None:
    """events.csv gives a place's event the place's lat and lon too: the place says it already."""
    place = places.get(row.text("place"))
    if place is None or "lat" not in row.cells or "lon" not in row.cells:
        return
    try:
        same = abs(float(row.text("lat")) - place.lat) < 5e-7 and abs(float(row.text("lon")) - place.lon) < 5e-7
    except ValueError:
        return
    if same:  # to the 6 decimals an older download wrote
        del row.cells["lat"], row.cells["lon"]


def _hint_in_columns(hint: str) -> str:
    """A date hint in YAML terms ("write `date: 2023-08` plus `approximate: true`") in a sheet's."""
    return re.sub(r"write `(\w+): ([^`]+)` plus `approximate: true`",
                  r"write \2 in the \1 column and true in the approximate column", hint)


def _in_sheet_terms(problems: Problems, shown: str, read: Sheet) -> None:
    """A missing key of a row is an empty column: say which column to fill in. A source without
    its publisher is told once, by csv-source-without-publisher, which names the source."""
    kept = []
    for problem in problems.items:
        if problem.mark.path == shown and problem.code == "missing-key":
            key = problem.message.split("'")[1]
            if problem.message.endswith(" in source"):
                continue
            if key == "sources":
                column = read.names.get("source_1_publisher", "source_publisher")
            else:
                column = f"route_{key}" if problem.message.endswith(" in route") else key
            problem = replace(problem, hint=f"fill in the {column} column of this row")
        elif problem.mark.path == shown and problem.hint:
            problem = replace(problem, hint=_hint_in_columns(problem.hint))
        kept.append(problem)
    problems.items[:] = kept


def event_body(row: Row) -> str:
    """The event as YAML: the row's own text, in the order journalists read it."""
    cells = {name: text for name, (text, _) in row.cells.items()}
    lines = []
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
    lines.extend(_route_lines(row))
    if "tags" in cells:
        lines.append(f"tags: {_flow_list(_listed(cells['tags']))}")
    if row.sources():
        lines.append("sources:")
    for number in row.sources():
        source = [f"{f}: {yaml_text(cells[c])}" for f in SOURCE_FIELDS if (c := f"source_{number}_{f}") in cells]
        lines.extend(("  - " if n == 0 else "    ") + line for n, line in enumerate(source))
    return "\n".join(lines) + "\n"


def _route_lines(row: Row) -> list[str]:
    cells = route_cells(row)
    if not cells:
        return []
    lines = ["route:"]
    for name, text in cells.items():
        if name == "via":
            stops = [f"{{lat: {s[0]}, lon: {s[1]}}}" if isinstance(s, tuple) else _flow_list([s])[1:-1]
                     for s in via_items(text)]
            value = f"[{', '.join(stops)}]"
        elif name == "within":
            value = _flow_list(_listed(text))
        else:
            value = text.lower() if name == "approximate" else yaml_text(text)
        lines.append(f"  {name}: {value}")
    return lines


def _listed(text: str) -> list[str]:
    return [item.strip() for item in text.split(";") if item.strip()]


def _keeps_as_block(text: str) -> bool:
    """A literal block (|) reads back as exactly this text: no line ends in a space or a tab (a
    Markdown line break, which the block would drop), and no line break YAML counts but \n."""
    return not re.search(r"[ \t]\n|[\u2028\u2029]", text)


def _flow_list(items: list[str]) -> str:
    """[a, b] with each item quoted as a flow list needs: yaml_text quotes for a line of its own,
    where ':rail' may stay plain, but inside [...] it would not read back as written."""
    return yaml.safe_dump(items, default_flow_style=True, allow_unicode=True, width=10**6).strip()


def fingerprint(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


def event_file(body: str, sheet_name: str, schema: str) -> str:
    """The file: the schema's modeline, where it came from, the fingerprint of the body, the body."""
    return (f"# yaml-language-server: $schema={schema}\n"
            f"# Imported from {sheet_name}. Importing again updates this file from its row,\n"
            "# or, once it was edited here, reports the edit instead of overwriting it.\n"
            f"# import-sha256: {fingerprint(body)}\n" + body)


def recorded(text: str) -> tuple[str | None, str]:
    """(the fingerprint the import wrote, or None: not an imported file; the body below it). The
    fingerprint is looked for in the comments that open the file only, never in the event."""
    at = 0
    while text.startswith("#", at):
        end = text.find("\n", at)
        line = text[at:] if end < 0 else text[at:end]
        found = FINGERPRINT.fullmatch(line)
        if found:
            return found[1], "" if end < 0 else text[end + 1:]
        if end < 0:
            break
        at = end + 1
    return None, text


def import_sheet(sheet: Path, stories_dir: Path, data_dir: Path, story_id: str, dry_run: bool = False,
                 force: bool = False) -> ImportResult:
    """Validate every row, sort each into new, updated, unchanged or kept, then (unless dry_run)
    write the new and updated files; nothing is written if any row fails or a file is in the way."""
    problems = Problems()
    story_dir = stories_dir / story_id
    rows = check_rows(sheet, story_dir, data_dir, problems)
    result = ImportResult(problems)
    events_dir = story_dir / "events"
    schema = schema_reference(events_dir, stories_dir, "event.schema.json")
    texts: dict[Path, str] = {}
    for row in rows:
        if row.event is None:
            continue
        path = _file_of(events_dir, row.stem)
        body = event_body(row)
        outcome = _outcome(path, body, row, display_path(sheet), stories_dir, problems, force)
        if outcome is not None:
            result.outcomes[outcome].append(path)
        if outcome in ("new", "updated"):
            texts[path] = event_file(body, _printable_name(sheet.name), schema)
    if problems or dry_run:
        return result
    _check_round_trip(texts, [r for r in rows if r.event is not None and _file_of(events_dir, r.stem) in texts],
                      story_dir)
    events_dir.mkdir(exist_ok=True)
    for path, text in texts.items():
        _replace(path, text)
        result.written.append(path)
    return result


def _file_of(events_dir: Path, stem: str) -> Path:
    """The event file of an id: <id>.yaml, or <id>.yml where only that exists."""
    path = events_dir / f"{stem}.yaml"
    other = path.with_suffix(".yml")
    return other if not path.exists() and not path.is_symlink() and other.exists() else path


def _outcome(path: Path, body: str, row: Row, sheet_shown: str, stories_dir: Path, problems: Problems,
             force: bool) -> str | None:
    """new, updated, unchanged or kept; None, with the problem recorded, when the file is in the way."""
    if not path.exists() and not path.is_symlink():
        return "new"
    scratch = Problems()
    text = yamlio.read_text(path, scratch, stories_dir)  # a link out of stories/ is never read nor replaced
    if text is None:
        problems.extend(scratch)
        return None
    written, now = recorded(text.replace("\r\n", "\n"))  # as a checkout with Windows line ends has it
    if now == body:
        return "unchanged"
    shown = display_path(path)
    if force:
        return "updated"
    if written is None:
        problems.add(Mark(shown), "csv-file-not-imported", row=row.number, sheet=sheet_shown, value=row.stem)
        return None
    if written == fingerprint(now):
        return "updated"
    if written == fingerprint(body):  # edited here since, and the row is as it was then: keep the edit
        problems.add_warning(Mark(shown), "csv-file-edited-kept", row=row.number, sheet=sheet_shown, value=row.stem)
        return "kept"
    problems.add(Mark(shown), "csv-file-edited", row=row.number, sheet=sheet_shown, value=row.stem)
    return None


def _printable_name(name: str) -> str:
    """The sheet's file name for a comment line: a line break in it would end the comment."""
    return re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", "?", name)


def _replace(path: Path, text: str) -> None:
    """Write beside the file, then swap: an interrupted import never leaves half an event."""
    temporary = path.with_name(f".{path.name}.import")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _check_round_trip(texts: dict[Path, str], rows: list[Row], story_dir: Path) -> None:
    """The files about to be written must read back as the events validated (a bug otherwise)."""
    ctx = Context(Problems(), story_dir)
    for (path, text), row in zip(texts.items(), rows):
        ctx.default_id = path.stem
        node = yamlio.parse(text, str(path), ctx.problems)
        event = EVENT.read(node, ctx) if node is not None else INVALID
        if event is INVALID or event != row.event:  # every field, marks aside
            raise AssertionError(f"import would write a file that does not read back: {path}\n{text}")
