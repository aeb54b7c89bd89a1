"""python build.py links: does every source a story cites still answer, and is there an archived copy?

Every source `url` and `archive` in the stories' event files is requested once,
however often it is cited, several at a time (linksnet.py does the requests
and refuses private addresses). A dead `url` without an `archive` is looked up
in the archive's availability API, whose snapshot is proposed as a hint, or
written under the `url` with --write (linkswrite.py). The findings are
problems and warnings at the address's file:line:col, printed like `check`'s.
"""
from __future__ import annotations

import json
import re
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

from storymap.desk import linksnet, linkswrite
from storymap.errors import Problems
from storymap.source import load, yamlio
from storymap.source.yamlio import Mapping, Scalar, Sequence

DEFAULT_ARCHIVE_API = "https://archive.org/wayback/available"
WORKERS = 16
PER_HOST = 4  # requests at a time to one site: a story often cites one site many times
MAX_SNAPSHOT_LENGTH = 2000
NOT_ANSWERING = "name lookup failed"  # every address failing so means the machine is offline
NOT_FOUND = "name not found"


@dataclass(frozen=True)
class CitedSource:
    """One source of one event, with the nodes of its addresses (for their marks)."""

    path: Path
    url: Scalar | None
    archive: Scalar | None


@dataclass(frozen=True)
class Outcome:
    """What became of one address: dead (a reason) or refused (a reason), or neither: it answers."""

    dead: str | None = None
    refused: str | None = None

    @property
    def live(self) -> bool:
        return self.dead is None and self.refused is None


@dataclass
class Report:
    problems: Problems = field(default_factory=Problems)
    addresses: int = 0  # distinct addresses requested
    citations: int = 0
    dead: int = 0
    refused: int = 0
    proposed: int = 0  # archived copies the archive knows for dead urls without one
    written: list[linkswrite.Insertion] = field(default_factory=list)
    offline: bool = False  # not one address could be looked up: the machine has no network


def collect(stories_dir: Path, problems: Problems) -> list[CitedSource]:
    """Every source of every event file, in story, file and source order; unreadable files are problems."""
    cited: list[CitedSource] = []
    for directory in load.story_dirs(stories_dir):
        for path in load.event_files(directory):
            node = yamlio.load(path, problems, stories_dir)
            if node is not None:
                cited.extend(_sources_in(node, path))
    return cited


def _sources_in(node, path: Path) -> list[CitedSource]:
    events = node.items if isinstance(node, Sequence) else (node,)
    found = []
    for event in events:
        sources = event.get("sources") if isinstance(event, Mapping) else None
        for source in sources.items if isinstance(sources, Sequence) else ():
            if not isinstance(source, Mapping):
                continue
            url, archive = (_address(source.get(key)) for key in ("url", "archive"))
            if url or archive:
                found.append(CitedSource(path, url, archive))
    return found


def _address(node) -> Scalar | None:
    """A written address (check reports the ones that are not http(s); they are refused here too)."""
    if isinstance(node, Scalar) and not node.is_null and node.value.strip():
        return Scalar(node.value.strip(), node.mark, node.plain)
    return None


class Checker:
    """Requests addresses through a pool of threads, at most PER_HOST at a time to one host."""

    def __init__(self, settings: linksnet.Settings):
        self.settings = settings
        self.host_limits: dict[str, threading.Semaphore] = defaultdict(lambda: threading.Semaphore(PER_HOST))
        self.lock = threading.Lock()

    def _limit(self, url: str) -> threading.Semaphore:
        with self.lock:
            return self.host_limits[(urlsplit(url).hostname or "").lower()]

    def outcome(self, url: str) -> Outcome:
        with self._limit(url):
            try:
                dead = linksnet.check(url, self.settings)
            except linksnet.Refused as refused:
                return Outcome(refused=f"refused: {refused}")
            except linksnet.Dead as dead_reason:
                return Outcome(dead=str(dead_reason))
            return Outcome(dead=dead)

    def outcomes(self, urls: list[str]) -> dict[str, Outcome]:
        with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="links") as pool:
            return dict(zip(urls, pool.map(self.outcome, urls)))

    def snapshot(self, api: str, url: str) -> tuple[str | None, str | None]:
        """(the archive's closest copy of url, or None; why the archive could not be asked, or None)."""
        query = f"{api}{'&' if '?' in api else '?'}url={quote(url, safe='')}"
        with self._limit(query):
            try:
                body = linksnet.read_json(query, self.settings)
            except linksnet.Refused as refused:
                return None, f"refused: {refused}"
            except linksnet.Dead as dead:
                return None, str(dead)
        try:
            return snapshot_in(json.loads(body)), None
        except ValueError:  # JSON or UTF-8 that does not read
            return None, "its answer is not JSON"

    def snapshots(self, api: str, urls: list[str]) -> dict[str, tuple[str | None, str | None]]:
        with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="archive") as pool:
            return dict(zip(urls, pool.map(lambda url: self.snapshot(api, url), urls)))


SAFE_ADDRESS = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)


def snapshot_in(answer) -> str | None:
    """The closest snapshot's address in an availability API answer, when there is a usable one.

    The answer is not trusted: the address must be http(s), of one line without spaces or
    control characters (it is written into a YAML file), and of a snapshot that was not an
    error page. The Internet Archive answers http:// addresses; its https:// ones are given."""
    snapshots = answer.get("archived_snapshots") if isinstance(answer, dict) else None
    closest = snapshots.get("closest") if isinstance(snapshots, dict) else None
    if not isinstance(closest, dict) or closest.get("available") is not True:
        return None
    url, status = closest.get("url"), str(closest.get("status", "200"))
    if not isinstance(url, str) or len(url) > MAX_SNAPSHOT_LENGTH or not status.startswith(("2", "3")):
        return None
    if not SAFE_ADDRESS.match(url) or yamlio.CONTROL_CHARACTER.search(url) or not url.isprintable():
        return None
    if re.match(r"^http://web\.archive\.org/", url, re.IGNORECASE):
        url = "https://" + url[len("http://"):]
    return url


def run(stories_dir: Path, api: str, settings: linksnet.Settings, write: bool) -> Report:
    """Check every address the stories cite; with write, add the archive: lines the archive knows."""
    report = Report()
    cited = collect(stories_dir, report.problems)
    addresses = [node.value for source in cited for node in (source.url, source.archive) if node]
    report.citations = len(addresses)
    unique = list(dict.fromkeys(addresses))
    report.addresses = len(unique)
    checker = Checker(settings)
    outcomes = checker.outcomes(unique)
    unarchived = [s.url.value for s in cited if s.url and not s.archive and outcomes[s.url.value].dead]
    snapshots = checker.snapshots(api, list(dict.fromkeys(unarchived)))
    proposals: list[linkswrite.Insertion] = []
    for source in cited:
        snapshot = snapshots.get(source.url.value, (None, None))[0] if source.url and not source.archive else None
        if source.url and snapshot:
            proposals.append(linkswrite.Insertion(source.path, source.url.mark, snapshot))
    report.proposed = len(proposals)
    if write and proposals:
        report.written = linkswrite.insert_archives(proposals, stories_dir, report.problems.texts)
    written = {(i.path, i.url_mark): i for i in report.written}
    for source in cited:
        _judge(source, outcomes, snapshots, written, report)
    report.dead = sum(1 for o in outcomes.values() if o.dead)
    report.refused = sum(1 for o in outcomes.values() if o.refused)
    report.offline = _offline(outcomes)
    return report


def _offline(outcomes: dict[str, Outcome]) -> bool:
    """Not one address could be looked up: the machine has no network. A lookup that failed
    for a while says so at once; names "not found" on two or more sites, every one of them,
    are a resolver that answers nothing (a sandbox, a captive network), not sites all gone."""
    failures = [o.dead for o in outcomes.values()]
    if not failures or any(f not in (NOT_ANSWERING, NOT_FOUND) for f in failures):
        return False
    hosts = {urlsplit(url).hostname for url in outcomes}
    return NOT_ANSWERING in failures or len(hosts) >= 2


def _judge(source: CitedSource, outcomes: dict[str, Outcome], snapshots: dict, written: dict,
           report: Report) -> None:
    """The problems and warnings of one source's url and archive."""
    problems = report.problems
    url, archive = source.url, source.archive
    archive_live = archive is not None and outcomes[archive.value].live
    if archive is not None:
        _report_address(archive, outcomes[archive.value], problems,
                        "the page itself answers: archive it again and give the new copy's address"
                        if url and outcomes[url.value].live else
                        "the archive may be down for a while: open it in a browser, or find another copy")
    if url is None:
        return
    outcome = outcomes[url.value]
    if outcome.refused:
        _not_checked(url, outcome.refused, problems)
    elif not outcome.dead:
        return
    elif archive_live:
        problems.add_warning(url.mark, "dead-link-archived", url=url.value, reason=outcome.dead)
    elif archive is not None:
        problems.add(url.mark, "dead-link", "its archived copy does not answer either (below)",
                     url=url.value, reason=outcome.dead)
    elif (source.path, url.mark) in written:
        insertion = written[(source.path, url.mark)]
        problems.add_warning(url.mark, "dead-link-archived",
                             f"added archive: {insertion.snapshot} at line {insertion.line}",
                             url=url.value, reason=outcome.dead)
    else:
        snapshot, failure = snapshots.get(url.value, (None, None))
        problems.add(url.mark, "dead-link", _dead_hint(snapshot, failure, outcome.dead), url=url.value, reason=outcome.dead)


def _report_address(node: Scalar, outcome: Outcome, problems: Problems, hint: str) -> None:
    if outcome.refused:
        _not_checked(node, outcome.refused, problems)
    elif outcome.dead:
        problems.add(node.mark, "dead-link", hint, url=node.value, reason=outcome.dead)


def _not_checked(node: Scalar, reason: str, problems: Problems) -> None:
    hint = "links must start with https:// or http://" if reason.endswith(linksnet.NOT_WEB) else None
    problems.add(node.mark, "link-not-checked", hint, url=node.value, reason=reason)


def _dead_hint(snapshot: str | None, failure: str | None, reason: str) -> str:
    """archive: <snapshot> when the archive knows a copy; else what to do about the dead link."""
    if snapshot:
        return f"archive: {snapshot}"
    if failure:
        return (f"the archive could not be asked ({failure}): look the page up in a web archive, or keep "
                "a copy of it with the story")
    if reason.startswith("timed out"):
        return ("the site may only be slow or down for a while: try again later or with a longer --timeout; "
                "the archive has no copy of it")
    return "the archive has no copy of it: find the page's new address, or another copy, and give it as archive:"


def summary(report: Report, write: bool) -> str:
    """The last line: 'Checked 14 addresses (cited 15 times): 2 dead, 1 not checked; ...'."""
    def count(number: int, word: str, many: str) -> str:
        return f"{number:,} {word if number == 1 else many}"

    line = f"Checked {count(report.addresses, 'address', 'addresses')}"
    if report.citations != report.addresses:
        line += f" (cited {count(report.citations, 'time', 'times')})"
    found = [f"{report.addresses - report.dead - report.refused:,} live"]
    found += [f"{report.dead:,} dead"] if report.dead else []
    found += [f"{report.refused:,} not checked"] if report.refused else []
    line += ": " + ", ".join(found)
    if report.written:
        line += f"; added {count(len(report.written), 'archive: line', 'archive: lines')}"
    left = report.proposed - len(report.written)
    if left and write:
        line += f"; {left:,} archived {'copy' if left == 1 else 'copies'} could not be added to a file edited " \
                "since or written in a layout --write leaves alone: add the hinted lines by hand"
    elif left:
        line += f"; the archive knows {count(left, 'copy', 'copies')}: python build.py links --write adds them"
    return line + "."
