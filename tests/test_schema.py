"""JSON Schemas generated from the validator's declarations accept good files and reject unknown keys."""
from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from storymap.render import schema

from .conftest import FIXTURES, REPO, as_editors_read

SCHEMAS = schema.schemas()


def load_yaml(path):
    # Editors read YAML 1.2 (dates stay text); BaseLoader keeps every scalar a string, so coerce numbers.
    return as_editors_read(yaml.load(path.read_text("utf-8"), Loader=yaml.BaseLoader))


def example_files():
    stories = sorted((FIXTURES / "tiny" / "stories").glob("*/")) + sorted((REPO / "stories").glob("*/"))
    for story in stories:
        yield "story.schema.json", story / "story.yaml"
        for event in sorted((story / "events").glob("*.yaml")):
            yield "event.schema.json", event
    for places in (FIXTURES / "tiny" / "data" / "places.yaml", REPO / "data" / "places.yaml"):
        if places.exists():
            yield "places.schema.json", places


@pytest.mark.parametrize("name, path", list(example_files()), ids=lambda v: str(v).rsplit("/", 3)[-1])
def test_schema_accepts_every_example(name, path):
    jsonschema.validate(load_yaml(path), SCHEMAS[name], cls=jsonschema.Draft202012Validator)


def test_schemas_are_valid_json_schema():
    for body in SCHEMAS.values():
        jsonschema.Draft202012Validator.check_schema(body)


@pytest.mark.parametrize("name, document", [
    ("story.schema.json", {"title": "t", "summary": "s", "published": "2023-10-18", "colour": "red"}),
    ("event.schema.json", {"title": "t", "date": "2023-10-05", "sources": [{"publisher": "p"}], "wher": "x"}),
    ("event.schema.json", [{"title": "t", "date": "2023-10-05", "sources": [{"publisher": "p", "urll": "x"}]}]),
    ("places.schema.json", [{"id": "a", "name": "A", "kind": "city", "lat": 1, "lon": 2, "population": 3}]),
])
def test_schema_rejects_unknown_keys(name, document):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, SCHEMAS[name], cls=jsonschema.Draft202012Validator)


def test_schema_rejects_date_and_start_together():
    event = {"title": "t", "date": "2023-10-05", "start": "2023-10-01", "sources": [{"publisher": "p"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(event, SCHEMAS["event.schema.json"], cls=jsonschema.Draft202012Validator)


def test_schema_files_are_json():
    for name, data in schema.schema_files().items():
        assert json.loads(data)["$id"] == name


def test_docs_keep_the_generated_schemas():
    """docs/schema/ is what editors' modelines point at; it must match the code (regenerate: make docs-schema)."""
    from .conftest import REPO

    for name, data in schema.schema_files().items():
        assert (REPO / "docs" / "schema" / name).read_bytes() == data, f"docs/schema/{name} is out of date"


def test_schema_accepts_what_an_editor_reads_as_numbers(tmp_path):
    """`title: 1984`, `date: 2023` and `id: 2023` build fine, so the editor must not flag them either."""
    from storymap.source import validate
    from storymap.errors import Problems
    from storymap.source.fields import Context
    from storymap.source.yamlio import load as load_yaml_file

    path = tmp_path / "e.yaml"
    path.write_text("id: 2023\ntitle: 1984\ndate: 2023\napproximate: true\nsources: [{publisher: 7}]\n")
    problems = Problems()
    node = load_yaml_file(path, problems)
    validate.EVENT.read(node, Context(problems, tmp_path, {}, set(), "x"))
    assert not problems.items
    jsonschema.validate(load_yaml(path), SCHEMAS["event.schema.json"], cls=jsonschema.Draft202012Validator)
    for bad in ({"title": "t", "date": 23, "sources": [{"publisher": "p"}]},
                {"id": -1, "title": "t", "date": "2023", "sources": [{"publisher": "p"}]}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, SCHEMAS["event.schema.json"], cls=jsonschema.Draft202012Validator)
