"""The site's files in parts, each with the key of what it is made from, made serially or in
parallel processes.

A part is one file or a few files made together (a story's index.html, embed.html and
map.js; a list page; a download; preview.png; the base map files). With a render memo
(render/memo.py, kept by serve) a part whose key equals the last build's is taken from
the memo. A cold build with enough to do makes the heavy parts (the picture, the pages,
the downloads, the base map files) in worker processes, one per core: forked, so each
starts with the models already in memory, and merged in the parts' order, so the site is
byte-identical to a serial build. A part that reads another's files (the pages read the base
map's names) is started when that one is made, and its worker is handed those files. The
light parts (oembed.json, the feed) are made first in the build's own process.
"""
from __future__ import annotations

import functools
import multiprocessing
import os
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, replace

from markupsafe import Markup

from storymap.model import StoryModel, TimedEvent
from storymap.preview import picture
from storymap.render import basefiles, exports, feeds, pagedata, pages
from storymap.render.memo import Piece, RenderMemo, T

SITE_TITLE = "Story maps"
# A build of fewer events than this is made in one process: forking workers would cost more.
PARALLEL_FROM_EVENTS = 2000


@dataclass
class Part:
    group: str  # its name in the memo
    kind: str  # what the memo's counters call it
    key: Hashable  # what it is made from (None without a memo: nothing to compare with)
    make: Callable[[], dict[str, bytes]]  # its files, by name in the site
    heavy: bool = True  # worth a worker process in a parallel build
    needs: str | None = None  # the group of a part whose files this one reads, made before it
    takes: Callable[[dict[str, bytes]], None] | None = None  # hands those files to the process making this one


def _prefixed(prefix: str, files: dict[str, bytes]) -> dict[str, bytes]:
    return {prefix + name: data for name, data in files.items()}


def _unprefixed(prefix: str, files: dict[str, bytes]) -> dict[str, bytes]:
    return {name[len(prefix):]: data for name, data in files.items()}


def story_parts(model: StoryModel, base_url: str | None, land: object, land_key: Hashable,
                memo: RenderMemo | None) -> list[Part]:
    """One story's parts, the slowest first (so a parallel build starts them first)."""
    story, prefix = model.story, model.story.id + "/"
    pieces = memo.pieces_of(model) if memo is not None else ()
    settings = replace(story, events=()) if memo is not None else None  # what story.yaml says

    def key(*values: Hashable) -> Hashable:
        return values if memo is not None else None

    drawn = tuple(p.drawn for p in pieces if p.drawn is not None)
    parts = [
        Part(prefix + "preview.png", "preview.png",
             key(story.title, story.byline, story.language, story.map, model.start, model.end, model.places,
                 drawn, land_key),
             lambda: {prefix + "preview.png": picture.render(model, land)}),  # type: ignore[arg-type]
        Part(prefix + "data.kml", "data.kml", key(story.title, story.language, model.places, pieces),
             lambda: {prefix + "data.kml": _kml(model, pieces, memo)}),
        Part(prefix + "pages", "story pages",
             key(settings, pieces, model.places, model.start, model.end, model.places_credit, model.map_credits,
                 base_url),
             lambda: _prefixed(prefix, pages.map_page_files(model, base_url,
                                                            _entries(model, pieces[:pages.LIST_PAGE_SIZE], memo),
                                                            _fragments(memo, pieces, "event data", model.start,
                                                                       lambda t: pagedata.event_row(t, model.start)))),
             needs=prefix + "base",
             takes=lambda files: basefiles.take_files(model, _unprefixed(prefix, files))),
        Part(prefix + "data.geojson", "data.geojson", key(model.places, pieces),
             lambda: {prefix + "data.geojson": _geojson(model, pieces, memo)}),
        Part(prefix + "events.csv", "events.csv", key(pieces),
             lambda: {prefix + "events.csv": _csv(model, pieces, memo)}),
    ]
    count = pages.list_page_count(model)
    for number in range(2, count + 1):
        held = pieces[(number - 1) * pages.LIST_PAGE_SIZE:number * pages.LIST_PAGE_SIZE]
        name = prefix + pages.ListPage.href(number)
        parts.append(Part(name, "list page", key(settings, number, count, len(model.events), held, base_url),
                          functools.partial(_list_page, model, number, name, base_url, held, memo)))
    parts += [
        Part(prefix + "oembed.json", "oembed.json", key(settings, base_url),
             lambda: {prefix + "oembed.json": feeds.oembed(model, SITE_TITLE, base_url)}, heavy=False),
        Part(prefix + "base", "base map", key(basefiles.story_box(model)),
             lambda: _prefixed(prefix, basefiles.base_files(model))),
    ]
    return parts


def _list_page(model: StoryModel, number: int, name: str, base_url: str | None, held: tuple[Piece, ...],
               memo: RenderMemo | None) -> dict[str, bytes]:
    return {name: pages.list_page_file(model, number, base_url, _entries(model, held, memo))}


def _entries(model: StoryModel, held: tuple[Piece, ...], memo: RenderMemo | None) -> list[Markup] | None:
    """The list entries of the events held (per language)."""
    return _fragments(memo, held, "event html", model.story.language, lambda t: pages.event_item(model, t))


def _fragments(memo: RenderMemo | None, pieces: tuple[Piece, ...], kind: str, parameter: Hashable,
               make: Callable[[TimedEvent], T]) -> list[T] | None:
    """The pieces' fragments of one kind with a memo, each made once per event and parameter
    (an edit makes one again, not the 500 of its list page); None without one: the file makes them."""
    if memo is None:
        return None
    return [memo.fragment(p, kind, parameter, make) for p in pieces]


def site_parts(models: list[StoryModel], base_url: str | None, memo: RenderMemo | None) -> list[Part]:
    """The site's index.html and feed.xml: every story's settings."""
    settings = tuple(replace(m.story, events=()) for m in models) if memo is not None else None
    return [Part("index.html", "index.html", (settings, base_url),
                 lambda: {"index.html": pages.index_page(models, base_url)}, heavy=False),
            Part("feed.xml", "feed.xml", (settings, base_url),
                 lambda: {"feed.xml": feeds.atom_feed(models, SITE_TITLE, base_url)}, heavy=False)]


def _geojson(model: StoryModel, pieces: tuple[Piece, ...], memo: RenderMemo | None) -> bytes:
    if memo is None:
        return exports.data_geojson(model)
    return exports.data_geojson(model, [memo.fragment(p, "event geojson", None, exports.event_line)
                                        if p.drawn is not None else None for p in pieces])


def _csv(model: StoryModel, pieces: tuple[Piece, ...], memo: RenderMemo | None) -> bytes:
    if memo is None:
        return exports.events_csv(model)
    columns = exports.csv_source_count(model)
    return exports.events_csv(model, [memo.fragment(p, "event csv", columns, lambda t: exports.csv_line(t, columns))
                                      for p in pieces])


def _kml(model: StoryModel, pieces: tuple[Piece, ...], memo: RenderMemo | None) -> bytes:
    if memo is None:
        return exports.data_kml(model)
    language = model.story.language
    return exports.data_kml(model, [memo.fragment(p, "event kml", language,
                                                  lambda t: exports.kml_placemark(t, language))
                                    if p.drawn is not None else None for p in pieces])


# --- making them ------------------------------------------------------------------------

_FORKED_PARTS: list[Part] = []  # what a forked worker makes, by index: set before the pool forks


def _make_forked(index: int, needed: dict[str, bytes] | None = None) -> dict[str, bytes]:
    part = _FORKED_PARTS[index]
    if needed is not None and part.takes is not None:
        part.takes(needed)
    return part.make()


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def make_parts(parts: list[Part], memo: RenderMemo | None, events: int,
               parallel_from: int = PARALLEL_FROM_EVENTS, workers: int | None = None) -> dict[str, bytes]:
    """Every part's files, merged in the parts' order. In parallel when `events` reach
    `parallel_from`, more than one core is there and more than one heavy part must be made;
    never with a memo (the workers' per-event fragments would not reach it, and serve redoes
    little) nor from a process with other threads (serve's): forking those is not safe."""
    workers = cores() if workers is None else workers
    todo = [n for n, part in enumerate(parts) if part.heavy and (memo is None or memo.cached(part.group, part.key)
                                                                  is None)]
    made: dict[int, dict[str, bytes]] = {}
    light = [n for n, part in enumerate(parts) if not part.heavy]
    for n in light:  # first: the workers inherit what they computed
        made[n] = _made(parts[n], memo, None)
    if memo is None and workers > 1 and len(todo) > 1 and events >= parallel_from and threading.active_count() == 1:
        made.update(_in_processes(parts, todo, min(workers, len(todo))))
    files: dict[str, bytes] = {}
    for n, part in enumerate(parts):
        files.update(made[n] if n in light else _made(part, memo, made.get(n)))
    return files


def _made(part: Part, memo: RenderMemo | None, result: dict[str, bytes] | None) -> dict[str, bytes]:
    make = part.make if result is None else (lambda: result)
    return make() if memo is None else memo.group(part.group, part.kind, part.key, make)


def _in_processes(parts: list[Part], todo: list[int], workers: int) -> dict[int, dict[str, bytes]]:
    """The parts made in forked workers, one a worker at a time so that the next is chosen when a
    worker is free: first those that others need, then the rest in the parts' order (the slowest
    first). A part that needs another is ready once that one is made, and is handed its files;
    it then goes before the parts after it (the pages before the list pages, not at the end)."""
    global _FORKED_PARTS
    _FORKED_PARTS = parts
    number = {parts[n].group: n for n in todo}
    waiting = {n: number[need] for n in todo if (need := parts[n].needs) in number}  # part: the part it needs
    needed = set(waiting.values())

    def first(n: int) -> tuple[bool, int]:
        return n not in needed, n

    ready = sorted((n for n in todo if n not in waiting), key=first)
    handed: dict[int, dict[str, bytes]] = {}
    made: dict[int, dict[str, bytes]] = {}
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            running: dict[Future[dict[str, bytes]], int] = {}
            while ready or running:
                while ready and len(running) < workers:
                    n = ready.pop(0)
                    running[pool.submit(_make_forked, n, handed.pop(n, None))] = n
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=running.__getitem__):
                    n = running.pop(future)
                    made[n] = future.result()
                    for later in [m for m, need in waiting.items() if need == n]:
                        del waiting[later]
                        handed[later] = made[n]
                        ready.append(later)
                ready.sort(key=first)
            return made
    finally:
        _FORKED_PARTS = []
