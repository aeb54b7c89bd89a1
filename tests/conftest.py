"""Shared fixtures: small story folders written into tmp_path, and the repository paths."""
from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
import textwrap
from pathlib import Path

import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def load_tool(name: str):
    """A script of tools/ (not a package) imported as a module, for tests of what it makes."""
    spec = importlib.util.spec_from_file_location(name, REPO / "tools" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

# Fuzz tests (hypothesis) try the same examples on every run, so a failure in CI repeats on any
# machine; HYPOTHESIS_PROFILE=explore searches afresh, and longer, when hunting for new ones.
settings.register_profile("ci", derandomize=True, database=None, deadline=None, max_examples=150, print_blob=True)
settings.register_profile("explore", database=None, deadline=None, max_examples=5000, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_configure(config):
    """One computed-routes cache for the run (storymap/geo/routecache.py), shared by every test and
    the commands they start, and nothing from an earlier run or the developer's own cache."""
    os.environ["STORYMAP_CACHE_DIR"] = tempfile.mkdtemp(prefix="storymap-test-cache-")


def pytest_unconfigure(config):
    shutil.rmtree(os.environ.get("STORYMAP_CACHE_DIR", ""), ignore_errors=True)


def as_editors_read(value):
    """What an editor's YAML 1.2 reader makes of yaml.BaseLoader's all-text values: text
    stays text (dates too), except numbers and true/false."""
    if isinstance(value, dict):
        return {k: as_editors_read(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editors_read(v) for v in value]
    if value in ("true", "false"):
        return value == "true"
    try:
        return int(value) if value.lstrip("-").isdigit() else float(value)
    except ValueError:
        return value

STORY_YAML = """\
title: Test story
summary: A test.
published: 2023-10-18
"""

PLACES_YAML = """\
- {id: north-port, name: North Port, kind: port, lat: 42.25, lon: 130.29, aliases: [Najin]}
- {id: east-depot, name: East Depot, kind: depot, lat: 45.89, lon: 40.04}
"""

EVENT_YAML = """\
title: Something happened
date: 2023-10-05
place: north-port
sources:
  - publisher: Example News
"""


class Project:
    """A stories/ and data/ tree in a temporary folder, written file by file."""

    def __init__(self, root: Path):
        self.root = root
        self.stories = root / "stories"
        self.data = root / "data"
        self.out = root / "site"
        self.stories.mkdir()
        self.data.mkdir()

    def write(self, relative: str, text: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def story(self, story_id: str = "test-story", story_yaml: str = STORY_YAML,
              events: dict[str, str] | None = None) -> Path:
        self.write(f"stories/{story_id}/story.yaml", story_yaml)
        for name, text in (events if events is not None else {"first.yaml": EVENT_YAML}).items():
            self.write(f"stories/{story_id}/events/{name}", text)
        return self.stories / story_id

    def places(self, text: str = PLACES_YAML) -> Path:
        return self.write("data/places.yaml", text)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """An empty project; the working folder is its root so paths print short."""
    monkeypatch.chdir(tmp_path)
    return Project(tmp_path)
