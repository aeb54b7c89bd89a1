"""Regenerate tests/golden/ from the tiny fixture story: `make golden` (review the diff before committing)."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from storymap import pipeline

HERE = Path(__file__).resolve().parent
TINY = HERE / "fixtures" / "tiny"
GOLDEN = HERE / "golden"
BASE_URL = "https://maps.example.org/"


def golden_files(out: Path) -> dict[str, bytes]:
    """The built files the golden test compares: everything but the copied assets."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.relative_to(out).parts[0] not in ("assets", "favicon.ico", ".storymap-site")}


def build_tiny(out: Path) -> dict[str, bytes]:
    result = pipeline.build(TINY / "stories", TINY / "data", out, base_url=BASE_URL)
    assert not result.problems, [p.as_text() for p in result.problems]
    return golden_files(out)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        files = build_tiny(Path(tmp) / "site")
    shutil.rmtree(GOLDEN, ignore_errors=True)
    for name, data in files.items():
        path = GOLDEN / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    print(f"wrote {len(files)} files to {GOLDEN}")


if __name__ == "__main__":
    main()
