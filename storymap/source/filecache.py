"""What reading each input file gave, kept between builds (serve) and keyed by its content.

A build reads thousands of event files, and between two builds of `serve`
usually one changed. Each file's read (its text, its records, the problems and
warnings it gave) is kept under its path: when the file's status (inode, size,
modification and change times) is the one seen last time, the file is not
opened; when the status changed, the file is read and hashed, and the same
bytes (a file saved without change, touched, copied back) are not parsed again.

A file's records can depend on more than its bytes: an event's place must be in
the gazetteer or the story's places, its route file must exist, a misread date's
hint reads month names in the story's language, an image is read from the
story's folder. Reading a file records what it looked at (Dependencies), and the
kept read is used again only while each of those gives the same answer; checks
across files (duplicate ids, the story's own places) are redone by every build.
"""
from __future__ import annotations

import hashlib
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storymap.errors import Problem, Problems

StatusKey = tuple[int, int, int, int]  # inode, size, mtime_ns, ctime_ns


@dataclass
class Dependencies:
    """What reading one file looked at besides its bytes, and the answer each gave."""

    places: dict[str, bool] = field(default_factory=dict)  # place id looked up -> found
    routes: dict[str, bool] = field(default_factory=dict)  # route file id looked up -> found
    place_names: tuple | None = None  # every place's names, when a hint was made from them
    route_names: tuple | None = None  # every route id, when a hint was made from them
    language: tuple[str | None] | None = None  # (the story's language,) when a date hint read it
    media: dict[str, tuple] = field(default_factory=dict)  # image path -> its status, or why it was refused

    def place(self, place_id: str, found: bool) -> None:
        self.places.setdefault(place_id, found)

    def route(self, route_id: str, found: bool) -> None:
        self.routes.setdefault(route_id, found)


def place_names(places: dict) -> tuple:
    """What an unknown place's hint is made from: each place's id, name and aliases, in order."""
    return tuple((p.id, p.name, p.aliases) for p in places.values())


def route_names(route_ids: set[str]) -> tuple:
    return tuple(sorted(route_ids))


def media_status(path: Path) -> tuple:
    """An image's identity for the cache: where its links lead and that file's status."""
    try:
        real = os.path.realpath(path)
        status = os.stat(real)
    except OSError as err:
        return ("error", str(path), err.errno)
    return (real, status.st_mode, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


def still_holds(deps: Dependencies, places: dict | None, route_ids: set[str] | None,
                language: str | None) -> bool:
    """Whether everything a kept read looked at gives the same answer now."""
    if deps.places and (places is None or any((pid in places) != found for pid, found in deps.places.items())):
        return False
    if deps.routes and (route_ids is None or any((rid in route_ids) != found for rid, found in deps.routes.items())):
        return False
    if deps.place_names is not None and (places is None or place_names(places) != deps.place_names):
        return False
    if deps.route_names is not None and (route_ids is None or route_names(route_ids) != deps.route_names):
        return False
    if deps.language is not None and deps.language != (language,):
        return False
    return all(media_status(Path(path)) == status for path, status in deps.media.items())


@dataclass
class FileRead:
    """One file's read: its text (for the excerpts printed under problems), what it gave,
    its problems and warnings in the order found, and what it looked at."""

    text: str | None
    result: Any
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    deps: Dependencies = field(default_factory=Dependencies)
    digest: bytes = b""  # sha256 of the text; empty when the file could not be read (never kept)

    def replay(self, problems: Problems, shown: str) -> Any:
        """Add this read's problems to a run's, as reading the file would have."""
        if self.text is not None:
            problems.texts[shown] = self.text
        problems.items.extend(self.problems)
        problems.warnings.extend(self.warnings)
        return self.result


@dataclass
class Entry:
    status: StatusKey
    context: tuple  # what the read depended on beside bytes and Dependencies: shown paths, the read's kind
    read: FileRead


@dataclass
class CacheStats:
    """What the last run did with each file it looked up."""

    hits: int = 0  # kept reads used (status unchanged, or same bytes)
    hashed: int = 0  # files whose status changed, read and hashed
    parsed: int = 0  # files parsed and checked
    uncached: int = 0  # files read without the cache (a link, a refused or unreadable file)
    parallel_workers: int = 0  # processes that parsed event files (0: all in this one)

    @property
    def missed(self) -> int:
        return self.parsed + self.uncached


PARALLEL_MIN_BYTES = 1_000_000  # below this, starting processes costs more than it saves
RACY_NS = 2_000_000_000  # a file changed this close to a read may change again with the same times


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def status_key(status: os.stat_result) -> StatusKey:
    return (status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


def digest_of(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


class SourceCache:
    """Each input file's last read, by absolute path; `serve` keeps one between rebuilds."""

    def __init__(self, parallel_min_bytes: int = PARALLEL_MIN_BYTES, workers: int | None = None) -> None:
        self.entries: dict[str, Entry] = {}
        self.stats = CacheStats()
        # Event files are parsed in parallel processes when those to parse hold this many bytes.
        self.parallel_min_bytes = parallel_min_bytes
        self.workers = workers or available_cores()
        self.geo: Any = None  # geo/resolve.py's GeoMemo: what resolving these files found last time
        self._seen: set[str] = set()
        self._inside: dict[tuple[str, str], bool] = {}  # (folder, root) -> the folder lies inside root
        self._run_started = 0

    def start_run(self) -> None:
        self.stats = CacheStats()
        self._seen = set()
        self._inside = {}
        self._run_started = time.time_ns()

    def finish_run(self) -> None:
        """Forget files this run did not read (removed, renamed): the cache does not grow without end."""
        for key in set(self.entries) - self._seen:
            del self.entries[key]

    def regular_inside(self, path: Path, root: Path | None) -> os.stat_result | None:
        """The status of a regular file (not a link) whose folder lies inside root; None for
        anything else, which is then read without the cache so that every refusal is reported."""
        try:
            status = os.lstat(path)
        except OSError:
            return None
        if not stat.S_ISREG(status.st_mode):
            return None
        if root is not None:
            folder = (str(path.parent), str(root))
            if folder not in self._inside:
                real_root = os.path.realpath(root)
                real = os.path.realpath(path.parent)
                self._inside[folder] = real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)
            if not self._inside[folder]:
                return None
        return status

    def kept(self, path: Path, status: os.stat_result, context: tuple) -> Entry | None:
        """The kept read of an unchanged file (same status, same context), or None."""
        key = str(path)
        self._seen.add(key)
        entry = self.entries.get(key)
        if entry is None or entry.context != context or entry.status != status_key(status):
            return None
        return entry

    def same_bytes(self, path: Path, digest: bytes, context: tuple) -> Entry | None:
        entry = self.entries.get(str(path))
        return entry if entry is not None and entry.context == context and entry.read.digest == digest else None

    def keep(self, path: Path, status: os.stat_result | None, context: tuple, read: FileRead) -> None:
        key = str(path)
        self._seen.add(key)
        if read.digest:
            self.entries[key] = Entry(self._trusted(status), context, read)
        else:
            self.entries.pop(key, None)

    def _trusted(self, status: os.stat_result | None) -> StatusKey:
        """The status to compare next time; none for a link (its own status says nothing of its
        target) or a file modified just before this run, which an editor may save again within
        the file system's clock tick without changing its times: such files are hashed again."""
        if status is None or status.st_mtime_ns >= self._run_started - RACY_NS:
            return (-1, -1, -1, -1)
        return status_key(status)
