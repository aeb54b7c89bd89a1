"""JSON Schemas of the story format, generated from the declarations in validate.py.

Editors that understand `# yaml-language-server: $schema=...` use them to
complete and check fields while a journalist types. The schemas describe the
shape of each file; checks that need other files (does a place id exist?) are
made only by `build.py check`.
"""
from __future__ import annotations

import json

from storymap.source.fields import ListOf
from storymap.source.validate import EVENT, PLACE, STORY

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _document(name: str, title: str, body: dict) -> dict:
    return {"$schema": DRAFT, "$id": f"{name}.schema.json", "title": title, **body}


def schemas() -> dict[str, dict]:
    """File name -> schema, for site/schema/ and docs/schema/."""
    event = EVENT.schema()
    return {
        "story.schema.json": _document("story", "story.yaml", STORY.schema()),
        "event.schema.json": _document("event", "An event file: one event or a list of events", {
            "$defs": {"event": event},
            "oneOf": [{"$ref": "#/$defs/event"}, {"type": "array", "items": {"$ref": "#/$defs/event"}}],
        }),
        "places.schema.json": _document("places", "places.yaml", ListOf(PLACE).schema()),
    }


def schema_files() -> dict[str, bytes]:
    return {name: (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
            for name, body in schemas().items()}


if __name__ == "__main__":  # make docs-schema: python -m storymap.render.schema docs/schema
    import sys
    from pathlib import Path

    target = Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    for file_name, body in schema_files().items():
        (target / file_name).write_bytes(body)
    print(f"wrote {len(schema_files())} schemas to {target}")
