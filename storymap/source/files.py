"""Input files: only regular files inside the folder they belong to are read.

Git carries symbolic links, so a contributed story can hold a link to
/etc/passwd, /proc/self/environ or /dev/zero, or a named pipe that blocks
whoever opens it. Every file the build reads from --stories and --data is
resolved (links followed) and must stay inside its folder and be a regular
file. The check is made on the resolved path before anything is opened, and
again on what was opened, so nothing else is ever read: a link inside the
same folder tree is fine.

Media are images recognised by their first bytes, whatever their name says,
and are copied under a name made from their content, so no name written in a
story decides where the build writes.
"""
from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from storymap.errors import display_path

MAX_MEDIA_BYTES = 10 * 1024 * 1024  # a photo for a web page needs far less; see docs/writing-a-story.md

# First bytes of each image format the page may show, and the extension its copy gets.
IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


class Refusal(Exception):
    """Why a file is not read: a message code of messages.py and the values it needs."""

    def __init__(self, code: str, **values):
        super().__init__(code)
        self.code = code
        self.values = values


def is_inside(path: Path, folder: Path) -> bool:
    """Whether path (resolved) is folder (resolved) or lies under it."""
    return path == folder or folder in path.parents


def resolve_inside(path: Path, root: Path | None) -> Path:
    """The regular file path leads to, links followed; Refusal when it leads out of root
    (when one is given) or to anything but a regular file. Nothing is opened."""
    real = Path(os.path.realpath(path))
    if root is not None and not is_inside(real, Path(os.path.realpath(root))):
        raise Refusal("file-outside", folder=display_path(root))
    mode = os.stat(real).st_mode  # OSError (missing, permission) goes to the caller
    if not stat.S_ISREG(mode):
        raise Refusal("file-not-regular", kind=kind_of(mode))
    return real


def kind_of(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "a special file")


def read_bytes(path: Path, root: Path | None, limit: int) -> bytes:
    """The content of a regular file inside root, at most `limit` bytes.

    Refusal("file-outside" | "file-not-regular" | "file-too-large"); OSError when it cannot
    be read. The file is opened without blocking and without following a link, and what
    was opened is checked again: a file swapped after the check is not read either.
    """
    real = resolve_inside(path, root)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(real, flags)
    with os.fdopen(descriptor, "rb") as file:
        status = os.fstat(file.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise Refusal("file-not-regular", kind=kind_of(status.st_mode))
        if status.st_size > limit:
            raise Refusal("file-too-large", size=f"{status.st_size:,}", limit=f"{limit:,}")
        data = file.read(limit + 1)
    if len(data) > limit:  # it grew since fstat
        raise Refusal("file-too-large", size=f"more than {limit:,}", limit=f"{limit:,}")
    return data


def image_type(data: bytes) -> str | None:
    """The extension of the image format data starts with (png, jpg, gif, webp), or None."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return next((ext for signature, ext in IMAGE_SIGNATURES if data.startswith(signature)), None)


def media_output_name(data: bytes, ext: str) -> str:
    """Where a story's image is copied, inside the story's output folder: named by its
    content, so the same image is written once and no src can choose the path."""
    return f"media/{hashlib.sha256(data).hexdigest()[:16]}.{ext}"
