"""The render memo: what the last build made, so the next one redoes only what changed.

`serve` keeps one RenderMemo across its rebuilds (a one-off build has none). Every
file of the site, or group of files made together, is made under a key: the values
it is made from and nothing else. When the key equals the one of the last build,
the file's bytes are taken from the memo instead of being made again.

Keys are the model's own values (frozen dataclasses), compared by equality, so a
key can only match when what the file is made from is equal: no digest that could
collide. To keep that cheap at 10,000 events, each event is looked up once per
build in `pieces`: an event equal to one of the last build gets that build's Piece
object back, so keys hold tuples of pieces that compare by identity, and a piece
keeps the event's own fragments of the files (its GeoJSON line, CSV row and KML
placemark, its list entry and its row of the page data), which the next build reuses
when only other events changed: a file that holds the edited event is joined again
from its events' fragments, one of them made anew.

What depends on what (render/parts.py builds the keys):
- the story's pages (index.html, embed.html, map.js: the page data): the whole model;
- each list page (events-<n>.html): the story's settings and the events it holds;
- data.geojson, events.csv, data.kml: the places and the events; oembed.json: the story's settings;
- preview.png: what it draws (each located event's line or point, kind and confidence,
  the places, the title, byline and dates, the map settings) and the land's file;
- the base map files: the story's box; the site's index.html and feed.xml: every story's settings.

A moved place changes the geometry of every event at it, so those events, and whatever
holds them, are redone; an edited story.yaml changes the story's settings, so its every
file is. The counters say what the last build made and what it reused, by kind.
"""
from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from storymap.model import StoryModel, TimedEvent
from storymap.write import Reuse

T = TypeVar("T")


@dataclass(eq=False)
class Piece:
    """One event as a build saw it: the same object for as long as the event stays equal."""

    timed: TimedEvent
    drawn: tuple | None  # what preview.png draws of it: (geometry, kind, confidence), None when not on the map
    fragments: dict[Hashable, Any] = field(default_factory=dict)  # (kind of fragment, parameter) -> text or row


def _same(last: TimedEvent, timed: TimedEvent) -> bool:
    """Equal events, placed alike; cheap when the event is the very object of the last build."""
    if last.event is not timed.event:
        return last == timed
    return (last.geometry == timed.geometry and last.visible_from == timed.visible_from
            and last.visible_until == timed.visible_until and last.place == timed.place)


class RenderMemo:
    """The last build's files by key, its events' pieces, and counters of the build under way."""

    def __init__(self) -> None:
        self.outputs: dict[str, bytes] = {}  # the files of the site the last build wrote, by name
        self.groups: dict[str, tuple[Hashable, dict[str, bytes]]] = {}  # files made together, by group name
        self.pieces: dict[tuple[str, str], Piece] = {}  # (story id, event id) -> the last build's piece
        self.reuse = Reuse()  # what write.py may link from the site the last build swapped in
        self.redone: Counter[str] = Counter()  # the build under way: made again, by kind
        self.reused: Counter[str] = Counter()  # ...and taken from the memo
        self._land: tuple[Hashable, object] | None = None
        self._next_groups: dict[str, tuple[Hashable, dict[str, bytes]]] = {}
        self._next_pieces: dict[tuple[str, str], Piece] = {}

    def start(self) -> None:
        """Called at the start of each render: counters from zero."""
        self.redone.clear()
        self.reused.clear()
        self._next_groups = {}
        self._next_pieces = {}

    def pieces_of(self, model: StoryModel) -> tuple[Piece, ...]:
        """The story's events as pieces, in timeline order; an event equal to the last build's
        keeps its piece. Looked up by id, then compared: by identity first (the source cache hands
        back the very Event of a file that did not change), field by field only when that fails."""
        story_id, found = model.story.id, []
        for timed in model.events:
            name = (story_id, timed.event.id)
            piece = self.pieces.get(name)
            if piece is None or not _same(piece.timed, timed):
                geometry, event = timed.geometry, timed.event
                piece = Piece(timed, (geometry, event.kind, event.confidence) if geometry is not None else None)
                self.redone["event"] += 1
            self._next_pieces[name] = piece
            found.append(piece)
        return tuple(found)

    def group(self, name: str, kind: str, key: Hashable, make: Callable[[], dict[str, bytes]]) -> dict[str, bytes]:
        """The files `make` returns for this key: the last build's when the key is the same."""
        last = self.groups.get(name)
        if last is not None and last[0] == key:
            self.reused[kind] += 1
            files = last[1]
        else:
            self.redone[kind] += 1
            files = make()
        self._next_groups[name] = (key, files)
        return files

    def cached(self, name: str, key: Hashable) -> dict[str, bytes] | None:
        """The files of a group whose key is unchanged, or None (for the parallel render)."""
        last = self.groups.get(name)
        return last[1] if last is not None and last[0] == key else None

    def fragment(self, piece: Piece, kind: str, parameter: Hashable, make: Callable[[TimedEvent], T]) -> T:
        """One event's part of a file (a download's line, its list entry, its page-data row): made
        once per event and parameter (the story's language...)."""
        text = piece.fragments.get((kind, parameter))
        if text is None:
            text = piece.fragments[(kind, parameter)] = make(piece.timed)
            self.redone[kind] += 1
        return text

    def land(self, data_dir: Path, read: Callable[[Path], object], relative: str) -> tuple[Hashable, object]:
        """The land layers and a key for them (the file's identity and time): read again only when the file changed."""
        path = data_dir / relative
        try:
            stat = os.stat(path)
            version: Hashable = (os.path.abspath(path), stat.st_ino, stat.st_size, stat.st_mtime_ns)
        except OSError:
            version = None
        if self._land is None or self._land[0] != version:
            self._land = (version, read(data_dir))
            self.redone["land"] += 1
        return self._land

    def finish(self, files: dict[str, bytes]) -> None:
        """After a render: keep its groups and pieces, and tell write.py which files equal those
        of the site the last build wrote (it links those instead of writing them again)."""
        old = self.outputs
        self.reuse.unchanged = frozenset(name for name, data in files.items()
                                         if name in old and (old[name] is data or old[name] == data))
        self.groups, self.pieces = self._next_groups, self._next_pieces
        self._next_groups, self._next_pieces = {}, {}

    def written(self, files: dict[str, bytes] | None) -> None:
        """After the write: the site now holds `files`; None when the write failed (link nothing next time)."""
        self.outputs = files or {}
        if files is None:
            self.reuse.site = None

    def counts(self) -> dict[str, int]:
        """What the last build made again, by kind, without the per-event bookkeeping."""
        return {kind: n for kind, n in sorted(self.redone.items()) if n}
