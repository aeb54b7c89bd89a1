"""The only code that touches the output directory.

The whole site is written into a temporary folder beside the output, then
swapped in with renames, so readers and `serve` never see a half-written
site and a failed build leaves the previous one untouched.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .errors import UserError, display_path

MARKER = ".storymap-site"
MARKER_TEXT = b"This folder is written by build.py and replaced whole on every build; do not edit it.\n"


def check_output_dir(out_dir: Path) -> None:
    """Refuse to replace a folder that a build did not make (e.g. --out pointing at the project)."""
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise UserError(f"output {display_path(out_dir)} is a file, not a folder", "choose another --out")
    if any(out_dir.iterdir()) and not (out_dir / MARKER).is_file():
        raise UserError(f"refusing to replace {display_path(out_dir)}: it has files a build did not write",
                        "choose an empty or new folder with --out")


def write_site(files: dict[str, bytes], out_dir: Path) -> None:
    out_dir = Path(os.path.abspath(out_dir))
    check_output_dir(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.building-", dir=out_dir.parent))
    try:
        for relative, data in sorted(files.items()):
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        (staging / MARKER).write_bytes(MARKER_TEXT)
        staging.chmod(0o755)  # mkdtemp makes it private; a web server must read it
        _swap(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
    retired.rmdir()
    os.rename(out_dir, retired)
    try:
        os.rename(staging, out_dir)
    except OSError:
        os.rename(retired, out_dir)
        raise
    shutil.rmtree(retired, ignore_errors=True)
