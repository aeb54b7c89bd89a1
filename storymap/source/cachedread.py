"""Reading input files through the SourceCache, and many event files in parallel processes.

Every file goes the same way whether it is read here or in a worker: its text
(read only when it is a regular file inside its folder, files.py), its sha256,
then, unless the cache holds a read of the same bytes whose dependencies still
hold, the parse and the checks with their problems collected apart. The reads
are then added to the run's problems in the order of the files, so a cached or
parallel run reports exactly what a serial, uncached one does.
"""
from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from storymap.errors import Problems, display_path
from storymap.source import yamlio
from storymap.source.filecache import Dependencies, FileRead, SourceCache, digest_of, still_holds

# What a file's text becomes: (path, text or None when unreadable, problems so far, recorder) -> result.
Fresh = Callable[[Path, str | None, Problems, Dependencies], Any]
Progress = Callable[[int, int, str], None]


@dataclass
class Lookups:
    """What a file's kept read may have depended on, as it stands in this run."""

    places: dict | None = None
    route_ids: set[str] | None = None
    language: str | None = None

    def hold(self, deps: Dependencies) -> bool:
        return still_holds(deps, self.places, self.route_ids, self.language)


def read_fresh(path: Path, root: Path | None, fresh: Fresh, known: bytes = b"") -> FileRead:
    """The file read and, unless its digest is `known` (then result is left None), parsed and checked."""
    scratch = Problems()
    text = yamlio.read_text(path, scratch, root)
    if text is None:
        deps = Dependencies()
        return FileRead(None, fresh(path, None, scratch, deps), tuple(scratch.items), tuple(scratch.warnings), deps)
    digest = digest_of(text)
    if digest == known:
        return FileRead(text, None, digest=digest)
    deps = Dependencies()
    result = fresh(path, text, scratch, deps)
    return FileRead(text, result, tuple(scratch.items), tuple(scratch.warnings), deps, digest)


def read_through(cache: SourceCache, path: Path, root: Path | None, context: tuple, lookups: Lookups,
                 problems: Problems, fresh: Fresh) -> Any:
    """One file's result, its problems added to `problems`: kept, or read again."""
    read = _kept_read(cache, path, root, context, lookups)
    if read is None:
        read = _settle(cache, path, root, context, lookups, read_fresh(path, root, fresh, _known(cache, path, context)),
                       fresh)
    return read.replay(problems, display_path(path))


def _known(cache: SourceCache, path: Path, context: tuple) -> bytes:
    entry = cache.entries.get(str(path))
    return entry.read.digest if entry is not None and entry.context == context else b""


def _kept_read(cache: SourceCache, path: Path, root: Path | None, context: tuple,
               lookups: Lookups) -> FileRead | None:
    """The kept read of a file whose status has not changed and whose dependencies hold."""
    status = cache.regular_inside(path, root)
    entry = cache.kept(path, status, context) if status is not None else None
    if entry is not None and lookups.hold(entry.read.deps):
        cache.stats.hits += 1
        return entry.read
    return None


def _settle(cache: SourceCache, path: Path, root: Path | None, context: tuple, lookups: Lookups,
            read: FileRead, fresh: Fresh) -> FileRead:
    """Count and keep a fresh read; one that found the kept bytes again uses the kept read
    when its dependencies hold, and is parsed here when they do not."""
    status = cache.regular_inside(path, root)
    if read.digest and read.result is None and not read.problems:
        entry = cache.same_bytes(path, read.digest, context)
        cache.stats.hashed += 1
        if entry is not None and lookups.hold(entry.read.deps):
            cache.stats.hits += 1
            cache.keep(path, status, context, entry.read)
            return entry.read
        read = read_fresh(path, root, fresh)
    if read.digest:
        cache.stats.parsed += 1
    else:
        cache.stats.uncached += 1
    cache.keep(path, status, context, read)
    return read


def read_many(cache: SourceCache, paths: list[Path], root: Path | None, context: Callable[[Path], tuple],
              lookups: Lookups, fresh: Fresh, progress: Callable[[int, int], None] | None = None,
              meanwhile: Callable[[], None] | None = None) -> Iterator[FileRead]:
    """Each file's read in the order of `paths`, for the caller to replay; the files not kept
    are read in parallel processes when they hold cache.parallel_min_bytes or more, and then
    `meanwhile` runs in a thread of this process, which would only wait for them."""
    kept = {path: _kept_read(cache, path, root, context(path), lookups) for path in paths}
    to_read = [path for path in paths if kept[path] is None]
    reads = _fresh_reads(cache, to_read, root, context, fresh, meanwhile)
    for number, path in enumerate(paths, start=1):
        read = kept[path]
        if read is None:
            read = _settle(cache, path, root, context(path), lookups, next(reads), fresh)
        if progress:
            progress(number, len(paths))
        yield read


def _fresh_reads(cache: SourceCache, paths: list[Path], root: Path | None, context: Callable[[Path], tuple],
                 fresh: Fresh, meanwhile: Callable[[], None] | None = None) -> Iterator[FileRead]:
    jobs = [(path, _known(cache, path, context(path))) for path in paths]
    size = sum(_size(path) for path in paths)
    workers = min(cache.workers, len(paths))
    if workers < 2 or size < cache.parallel_min_bytes or "fork" not in multiprocessing.get_all_start_methods():
        return (read_fresh(path, root, fresh, known) for path, known in jobs)
    cache.stats.parallel_workers = workers
    return _in_processes(jobs, root, fresh, workers, meanwhile)


_forked: tuple[Path | None, Fresh] | None = None  # what the workers read with, inherited when they fork


def _in_processes(jobs: list[tuple[Path, bytes]], root: Path | None, fresh: Fresh, workers: int,
                  meanwhile: Callable[[], None] | None = None) -> Iterator[FileRead]:
    # fork: the workers start with this process's modules, and the reader with the story's places,
    # already in memory; nothing but the paths goes to them. Chunks of a few files each, in the
    # files' order: map() gives them back in that order.
    global _forked
    size = _chunk_size(len(jobs), workers)
    chunks = [jobs[i:i + size] for i in range(0, len(jobs), size)]
    _forked = (root, fresh)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            reads = pool.map(_read_chunk, chunks)
            # Every worker is forked by now (a fork pool starts them all at the first job), so the
            # thread cannot hold a lock, an import's say, that a worker would then wait for forever.
            helper = threading.Thread(target=meanwhile, name="meanwhile", daemon=True) if meanwhile else None
            if helper is not None:
                helper.start()
            try:
                yield from chain.from_iterable(reads)
            finally:
                if helper is not None:
                    helper.join()  # no thread is left when the build forks its render workers
    finally:
        _forked = None


def _chunk_size(count: int, workers: int) -> int:
    return max(1, -(-count // (workers * 8)))  # a few chunks a worker, so a slow one does not hold the rest


def _read_chunk(jobs: Iterable[tuple[Path, bytes]]) -> list[FileRead]:
    assert _forked is not None, "a worker forked from _in_processes"
    root, fresh = _forked
    return [read_fresh(path, root, fresh, known) for path, known in jobs]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
