"""`import`: a sheet's rows become event files, and importing it again updates them in place.

Each case as the journalist runs it: the first import, the same sheet again,
a changed sheet, a file edited by hand since (kept when its row did not
change, reported when both did), a file the import did not write, --force,
--dry-run, two rows with one id; and the columns a site's events.csv has.
"""
from __future__ import annotations

import yaml
from click.testing import CliRunner

from storymap import pipeline
from storymap.cli import main
from storymap.source import sheetrows, sheets

HEADER = "id,title,date,start,end,approximate,place,lat,lon,kind,description,confidence,tags," \
         "source_publisher,source_title,source_url,source_date,source_archive\n"
SHEET = ("title,date,place,source_publisher\n"
         "Ship at North Port,2023-10-05,north-port,Example News\n"
         "Trucks at East Depot,2023-10-07,east-depot,Example Wire\n"
         "Officials deny it,2023-10-09,,Example Wire\n")
EVENTS = "stories/test-story/events"


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def run_import(*options):
    return run("import", "sheet.csv", "--story", "test-story", *options)


def import_project(project):
    project.places()
    project.story(events={})


def event_files(project) -> dict[str, str]:
    folder = project.root / EVENTS
    return {p.name: p.read_text() for p in sorted(folder.iterdir())} if folder.exists() else {}


# --- the first import ----------------------------------------------------------------

def test_import_writes_one_file_per_row_named_by_title_and_date(project):
    import_project(project)
    project.write("sheet.csv", HEADER +
                  ",73 freight cars at Tumangang,2023-10-05,,,,north-port,,,observation,\"Two lines\n"
                  "of text\",high,rail; satellite,CSIS,Dramatic Increase,https://csis.org/x,2023-10-06,\n"
                  "ship-shuttle,Ships shuttle,,2023-08,2023-10-14,TRUE,,42.5,131.3,shipment,,low,,RUSI,,,,\n")
    result = run_import()
    assert result.exit_code == 0, result.output
    assert result.output == "Imported 2 rows into stories/test-story/events/: 2 new, 0 updated, 0 unchanged\n"
    files = event_files(project)
    assert sorted(files) == ["73-freight-cars-at-tumangang-2023-10-05.yaml", "ship-shuttle.yaml"]
    first = files["73-freight-cars-at-tumangang-2023-10-05.yaml"]
    assert first.splitlines()[1] == "# Imported from sheet.csv. Importing again updates this file from its row,"
    assert first.splitlines()[3] == f"# import-sha256: {sheets.fingerprint(first.split(chr(10), 4)[4])}"
    assert yaml.safe_load(first)["description"] == "Two lines\nof text\n"
    assert "id:" not in files["ship-shuttle.yaml"]  # the file's name says it
    by_id = {t.event.id: t.event for t in pipeline.check(project.stories, project.data).models[0].events}
    shuttle = by_id["ship-shuttle"]
    assert shuttle.when.is_span and shuttle.when.approximate and (shuttle.at.lat, shuttle.at.lon) == (42.5, 131.3)
    railcars = by_id["73-freight-cars-at-tumangang-2023-10-05"]
    assert railcars.tags == ("rail", "satellite") and railcars.sources[0].url == "https://csis.org/x"


def test_ids_from_title_and_date_are_cut_between_words():
    def made(title, date="2023-10-05", start=""):
        cells = {"title": (title, 1), "date": (date, 2), "start": (start, 3)}
        return sheetrows.row_id(sheetrows.Row(7, {k: v for k, v in cells.items() if v[0]}))

    assert made("Ship at Rajin pier") == "ship-at-rajin-pier-2023-10-05"
    assert made("Ship at Rajin", date="", start="2023-09") == "ship-at-rajin-2023-09"
    assert made("Ship at Rajin", date="") == "ship-at-rajin"
    assert made("Über São Paulo: 3 ships!") == "uber-sao-paulo-3-ships-2023-10-05"
    long = "Satellite imagery shows dozens of freight cars under tarpaulins at the Tumangang railhead"
    assert made(long) == "satellite-imagery-shows-dozens-of-freight-cars-under-2023-10-05"
    assert made("x" * 70) == "x" * 60 + "-2023-10-05"
    cyrillic = made("Кораблі в порту Раджин")  # no letters to spell it with: a fingerprint of the title
    assert cyrillic.startswith("event-") and cyrillic.endswith("-2023-10-05") and len(cyrillic) == 25
    assert cyrillic == made("Кораблі в порту Раджин") != made("Кораблі в порту Находка")
    assert sheetrows.row_id(sheetrows.Row(3, {"id": ("my-id", 1), "title": ("T", 2)})) == "my-id"


# --- importing again -----------------------------------------------------------------

def test_importing_the_same_sheet_again_changes_nothing(project):
    import_project(project)
    project.write("sheet.csv", SHEET)
    assert run_import().exit_code == 0
    before = event_files(project)
    again = run_import()
    assert again.exit_code == 0, again.output
    assert again.output == "Imported 3 rows into stories/test-story/events/: 0 new, 0 updated, 3 unchanged\n"
    assert event_files(project) == before and len(before) == 3  # no -2 copies
    assert len(pipeline.check(project.stories, project.data).models[0].events) == 3


def test_a_changed_sheet_updates_its_events_in_place(project):
    import_project(project)
    project.write("sheet.csv", SHEET)
    run_import()
    project.write("sheet.csv", SHEET.replace("north-port,Example News", "north-port,Example Times")
                  + "New row,2023-10-11,,Example Wire\n")
    result = run_import()
    assert result.exit_code == 0, result.output
    assert result.output == "Imported 4 rows into stories/test-story/events/: 1 new, 1 updated, 2 unchanged\n"
    files = event_files(project)
    assert "publisher: Example Times" in files["ship-at-north-port-2023-10-05.yaml"]
    assert sorted(files) == ["new-row-2023-10-11.yaml", "officials-deny-it-2023-10-09.yaml",
                             "ship-at-north-port-2023-10-05.yaml", "trucks-at-east-depot-2023-10-07.yaml"]


def imported_then_edited(project, old: str, new: str):
    """The sheet imported, then one of its files edited by hand: (its path, its new text)."""
    import_project(project)
    project.write("sheet.csv", SHEET)
    run_import()
    path = project.root / EVENTS / "officials-deny-it-2023-10-09.yaml"
    edited = path.read_text().replace(old, new)
    path.write_text(edited)
    return path, edited


def test_an_edit_by_hand_is_kept_when_its_row_did_not_change(project):
    path, edited = imported_then_edited(project, "sources:", "confidence: high\nsources:")
    result = run_import()
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "stories/test-story/events/officials-deny-it-2023-10-09.yaml:1:1: warning: edited by hand since its "
        "import; kept, as row 4 of sheet.csv is unchanged (hint: to replace it by the row, import with --force; "
        "make the same change in the sheet and this warning stops)",
        "Imported 3 rows into stories/test-story/events/: 0 new, 0 updated, 2 unchanged, 1 kept as edited by hand"]
    assert path.read_text() == edited
    project.write("sheet.csv", SHEET.replace("Officials deny it,2023-10-09,,Example Wire",
                                             "Officials deny it,2023-10-09,,Example Wire,high").replace(
        "source_publisher", "source_publisher,confidence"))
    assert "3 unchanged" in run_import().output  # the sheet says what the file says: nothing to report


def test_an_edit_by_hand_and_a_changed_row_stop_the_import_until_forced(project):
    path, edited = imported_then_edited(project, "Example Wire", "Example Wire, corrected by hand")
    project.write("sheet.csv", SHEET.replace("deny it,2023-10-09,,Example Wire", "deny it,2023-10-09,,Reuters")
                  + "New row,2023-10-11,,Example Wire\n")
    before = event_files(project)
    result = run_import()
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "stories/test-story/events/officials-deny-it-2023-10-09.yaml:1:1: edited by hand since its import, and "
        "row 4 of sheet.csv changed too; not replaced (hint: make the same change in the file or in the sheet, so "
        "that the two agree, and import again; or import with --force to replace the file by the row, which loses "
        "the edit)",
        "1 problem in 1 file",
        "Nothing was written."]
    assert event_files(project) == before  # not the new row either
    forced = run_import("--force")
    assert forced.exit_code == 0, forced.output
    assert forced.output == "Imported 4 rows into stories/test-story/events/: 1 new, 1 updated, 2 unchanged\n"
    assert "publisher: Reuters" in path.read_text() and "by hand" not in path.read_text()
    assert "0 updated, 4 unchanged" in run_import().output  # imported again: the sheet's once more


def test_a_file_the_import_did_not_write_is_replaced_only_when_forced(project):
    import_project(project)
    hand = "title: Written by hand\ndate: 2023-01-01\nsources: [{publisher: P}]\n"
    project.write(f"{EVENTS}/taken.yaml", hand)
    project.write("sheet.csv", "id,title,date,source_publisher\ntaken,From the sheet,2023-10-05,Q\n")
    result = run_import()
    assert result.exit_code == 1
    assert ("stories/test-story/events/taken.yaml:1:1: not written by an import, but row 2 of sheet.csv has its id "
            "'taken'; not replaced (hint: give the row another id in an id column, or import with --force to "
            "replace this file by the row)") in result.output.splitlines()
    assert (project.root / EVENTS / "taken.yaml").read_text() == hand
    assert run_import("--force").exit_code == 0
    assert "title: From the sheet" in (project.root / EVENTS / "taken.yaml").read_text()


def test_windows_line_ends_are_not_an_edit(project):
    import_project(project)
    project.write("sheet.csv", SHEET)
    run_import()
    path = project.root / EVENTS / "officials-deny-it-2023-10-09.yaml"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert "3 unchanged" in run_import().output


def test_dry_run_writes_nothing_and_says_what_it_would_do(project):
    import_project(project)
    project.write("sheet.csv", SHEET)
    first = run_import("--dry-run")
    assert first.exit_code == 0, first.output
    assert first.output == ("Would import 3 rows into stories/test-story/events/: 3 new, 0 updated, 0 unchanged. "
                            "Nothing was written (--dry-run).\n")
    assert event_files(project) == {}
    run_import()
    before = event_files(project)
    project.write("sheet.csv", SHEET.replace("Example News", "Example Times") + "New row,2023-10-11,,Example Wire\n")
    again = run_import("--dry-run")
    assert again.output == ("Would import 4 rows into stories/test-story/events/: 1 new, 1 updated, 2 unchanged. "
                            "Nothing was written (--dry-run).\n")
    assert event_files(project) == before
    path = project.root / EVENTS / "ship-at-north-port-2023-10-05.yaml"
    path.write_text(path.read_text() + "tags: [x]\n")
    refused = run_import("--dry-run")  # the same problems an import would have
    assert refused.exit_code == 1 and "edited by hand since its import" in refused.output
    assert "Nothing was written." in refused.output


def test_two_rows_with_one_id_are_reported_by_row_number(project):
    import_project(project)
    project.write("sheet.csv", "id,title,date,source_publisher\n"
                               ",Convoy,2023-10-05,P\nconvoy,Other,2023-10-06,P\n,Convoy,2023-10-05,Q\n"
                               "convoy,Third,2023-10-07,P\n")
    result = run_import()
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert ("sheet.csv:4:1: same id 'convoy-2023-10-05' as row 2 (hint: this id is made from the title and date: "
            "give one of the two rows an id in an id column)") in lines
    assert "sheet.csv:5:1: same id 'convoy' as row 3 (hint: give one of the two rows another id)" in lines
    assert event_files(project) == {}


def test_an_id_another_file_gives_is_a_duplicate(project):
    import_project(project)
    project.write(f"{EVENTS}/other.yaml", "id: taken\ntitle: T\ndate: 2023-01-01\nsources: [{publisher: P}]\n")
    project.write("sheet.csv", "id,title,date,source_publisher\ntaken,T,2023-10-05,P\n")
    result = run_import()
    assert result.exit_code == 1
    assert ("sheet.csv:2:1: duplicate event id 'taken' (also used at stories/test-story/events/other.yaml:1) "
            "(hint: give the row another id in the id column)") in result.output.splitlines()


# --- what a row holds ----------------------------------------------------------------

def test_import_reports_by_row_and_column_and_writes_nothing(project):
    import_project(project)
    project.write("sheet.csv", HEADER +
                  ",Good row,2023-10-05,,,,north-port,,,,,,,P,,,,\n"
                  ",Bad place,2023-10-05,,,,north-prot,,,,,,,P,,,,\n"
                  ",Bad date,5 Oct 2023,,,,,,,,,,,P,,,,\n"
                  ",No source,2023-10-05,,,,,,,,,,,,,,,\n"
                  ",Half a point,2023-10-05,,,,,42.5,,,,,,P,,,,\n")
    result = run_import()
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "sheet.csv:3:7: unknown place id 'north-prot' (hint: did you mean 'north-port'?)" in lines
    assert any(line.startswith("sheet.csv:4:3: '5 Oct 2023' is not an ISO date") for line in lines)
    assert ("sheet.csv:5:1: missing required key 'sources' in event "
            "(hint: fill in the source_publisher column of this row)") in lines
    assert any(line.startswith("sheet.csv:6:8: a row needs both lat and lon, or neither") for line in lines)
    assert "Nothing was written." in lines
    assert not [line for line in lines if line.strip() == "^"]  # a cell number is not a character column
    assert event_files(project) == {}


def test_import_unknown_and_doubled_columns(project):
    import_project(project)
    project.write("sheet.csv", "title,date,source_publisher,colour,source_1_publisher,source_0_url\nT,2023,P,red,Q,\n")
    result = run_import()
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "sheet.csv:1:4: unknown column 'colour'" in " ".join(lines)
    assert ("sheet.csv:1:5: column 'source_1_publisher' appears twice (hint: source_1_publisher and "
            "source_publisher are both source 1: keep one of the two)") in lines
    assert any(line.startswith("sheet.csv:1:6: unknown column 'source_0_url'") for line in lines)


def test_several_sources_each_in_their_own_columns(project):
    import_project(project)
    project.write("sheet.csv", "title,date,source_1_publisher,source_1_url,source_2_publisher,source_2_date,"
                               "source_3_url\n"
                               "Two sources,2023-10-05,CSIS,https://csis.org/x,RUSI,2023-10-07,\n"
                               "No publisher,2023-10-06,P,,,,https://example.org/y\n")
    result = run_import()
    assert result.exit_code == 1
    assert ("sheet.csv:3:7: source 3 has no publisher (hint: fill in a source_3_publisher column: who reported it)"
            in result.output.splitlines())
    assert "missing required key" not in result.output  # said once, by the line above
    project.write("sheet.csv", project.root.joinpath("sheet.csv").read_text().splitlines()[0] + "\n"
                  "Two sources,2023-10-05,CSIS,https://csis.org/x,RUSI,2023-10-07,\n")
    assert run_import().exit_code == 0
    (event,) = [t.event for t in pipeline.check(project.stories, project.data).models[0].events]
    assert [(s.publisher, s.url, s.date and s.date.iso) for s in event.sources] == [
        ("CSIS", "https://csis.org/x", None), ("RUSI", None, "2023-10-07")]


def test_routes_come_from_the_route_columns(project):
    import_project(project)
    project.write("sheet.csv", "title,date,route_mode,route_via,route_path,route_within,route_approximate,"
                               "length_km,source_publisher\n"
                               "Train,2023-10-05,rail,\"north-port; 44.1, 135.5; east-depot\",auto,RU; KP,TRUE,"
                               "1234.5,P\n"
                               "No mode,2023-10-06,,north-port; east-depot,,,,,P\n")
    result = run_import()
    assert result.exit_code == 1
    assert ("sheet.csv:3:4: missing required key 'mode' in route (hint: fill in the route_mode column of this row)"
            in result.output.splitlines())
    project.write("sheet.csv", "\n".join(project.root.joinpath("sheet.csv").read_text().splitlines()[:2]) + "\n")
    assert run_import().exit_code == 0, run_import().output
    text = event_files(project)["train-2023-10-05.yaml"]
    assert "route:\n  mode: rail\n  via: [north-port, {lat: 44.1, lon: 135.5}, east-depot]\n" in text
    assert "  within: [RU, KP]\n  approximate: true\n" in text and "1234.5" not in text  # the build measures it


def test_import_needs_an_existing_story_and_file(project):
    import_project(project)
    assert run("import", "missing.csv", "--story", "test-story").exit_code == 2
    project.write("sheet.csv", HEADER)
    assert run("import", "sheet.csv", "--story", "nope").exit_code == 2
    empty = run_import()
    assert empty.exit_code == 1 and "the sheet has no rows below its header" in empty.output


def test_imported_text_with_yaml_traps_reads_back_as_written(project):
    import_project(project)
    project.write("sheet.csv", 'title,date,source_publisher,tags\n"NO: yes, #1 ""quoted"" & {x}",2023,- dash,a;NO\n'
                               "'=1+1 is a formula,2023,'@desk,\n")
    assert run_import().exit_code == 0
    events = {t.event.id: t.event for t in pipeline.check(project.stories, project.data).models[0].events}
    event = events["no-yes-1-quoted-x-2023"]
    assert event.title == 'NO: yes, #1 "quoted" & {x}' and event.sources[0].publisher == "- dash"
    assert event.tags == ("a", "NO")
    guarded = events["1-1-is-a-formula-2023"]  # the ' events.csv writes before = and @ is taken off
    assert guarded.title == "=1+1 is a formula" and guarded.sources[0].publisher == "@desk"


def test_a_bad_row_and_a_file_in_the_way_are_reported_together(project):
    import_project(project)
    project.write(f"{EVENTS}/taken.yaml", "title: By hand\ndate: 2023-01-01\nsources: [{publisher: P}]\n")
    project.write("sheet.csv", "id,title,date,lat,source_publisher\ntaken,T,2023-10-05,,P\n,Half,2023-10-06,42,P\n")
    result = run_import("--dry-run")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(line.startswith("stories/test-story/events/taken.yaml:1:1: not written by an import") for line in lines)
    assert any(line.startswith("sheet.csv:3:4: a row needs both lat and lon, or neither") for line in lines)
    assert "2 problems in 2 files" in lines


# --- date hints in a sheet's terms ------------------------------------------------------

def test_a_vague_date_hint_names_the_sheets_columns(project):
    import_project(project)
    project.write("sheet.csv", "title,date,source_publisher\nRailcars seen,mid-October 2023,CSIS\n")
    result = run_import()
    assert result.exit_code == 1
    assert ("sheet.csv:2:2: 'mid-October 2023' is not an ISO date (hint: write 2023-10 in the date column "
            "and true in the approximate column)") in result.output
    assert event_files(project) == {}


def test_month_names_in_the_storys_language_are_read_in_a_sheet(project):
    from .conftest import STORY_YAML
    project.places()
    project.story(story_yaml=STORY_YAML + "language: de\n", events={})
    project.write("sheet.csv", "title,date,source_publisher\nWaggons gesehen,Oktober 2023,CSIS\n")
    result = run_import()
    assert result.exit_code == 1
    assert "'Oktober 2023' is not an ISO date (hint: write 2023-10 for October 2023)" in result.output
