"""Golden output: the tiny fixture story must build to exactly the files in tests/golden/.

After an intended change in output, run `make golden` and review the diff.
"""
from __future__ import annotations

import difflib

from .golden_regen import GOLDEN, build_tiny


def test_tiny_story_matches_golden_output(tmp_path):
    built = build_tiny(tmp_path / "site")
    expected = {str(p.relative_to(GOLDEN)): p.read_bytes() for p in sorted(GOLDEN.rglob("*")) if p.is_file()}
    assert sorted(built) == sorted(expected), "different files: run `make golden` if intended"
    for name, data in expected.items():
        if built[name] != data:
            diff = difflib.unified_diff(data.decode().splitlines(), built[name].decode().splitlines(),
                                        f"golden/{name}", f"built/{name}", lineterm="", n=1)
            raise AssertionError(f"{name} differs (run `make golden` if intended):\n" + "\n".join(list(diff)[:40]))
