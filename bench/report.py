"""The bench's report: the table of medians against the targets, then where the bytes go."""
from __future__ import annotations

import functools
import gzip
import os
import re
import statistics
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from cdn_assets import CdnAssets
from measure import PageRun, ms_text
from sites import FOLIUM_PAGE, OURS_STORY_PAGE, BuildRun
from synthetic import Story

# Issue 15's targets by story size: ("x", r) is ours <= r times folium's figure,
# ("<", v) ours under v in the row's unit. Lower is better everywhere but cores.
RATIO, UNDER = "x", "<"
CORES = os.cpu_count() or 1
TARGETS: dict[int, dict[str, tuple[str, float]]] = {
    10_000: {"transfer": (RATIO, 0.3), "ready": (RATIO, 0.5), "jump": (RATIO, 0.05), "build": (RATIO, 1.5),
             "edit": (UNDER, 1.0), "cores": (">", 0.75 * CORES)},
    # "The list usable": its first page is in the document before the map is ready (ms after
    # navigation start, against our own ready), the last event's page opens in under a second,
    # and scrolling it keeps frames under 50 ms (median) and 100 ms (worst).
    100_000: {"ready": (RATIO, 1.0), "jump": (UNDER, 100), "build": (UNDER, 60), "rss": (UNDER, 2000),
              "list_open": (UNDER, 1000), "frame_median": (UNDER, 50), "frame_worst": (UNDER, 100),
              "cores": (">", 0.75 * CORES)},
}
# Parts of our story page's HTML for the byte breakdown. These read the page's markup
# (not its public API): a part that is not found counts 0 bytes.
HTML_PARTS = (("event list, first page (<ol class=\"event-list\">)", rb'<ol class="event-list"[^>]*>.*?</ol>'),
              ("page data JSON (#storymap-data)", rb'<script type="application/json" id="storymap-data">.*?</script>'))
# folium's map set-up is not in the HTML (pages have no inline script): it is the story's
# map.js beside index.html, counted as the page loaded it (0 bytes if it never did).
OURS_MAP_SCRIPT = "/" + str(PurePosixPath(OURS_STORY_PAGE).with_name("map.js"))
MAP_SCRIPT_PART = "folium map set-up (the story's map.js, loaded by the page)"


def median(values) -> float | None:
    values = list(values)
    return None if not values or None in values else statistics.median(values)


def human_bytes(count: float) -> str:
    return f"{count / 1e6:.2f} MB" if count >= 1e6 else f"{count / 1e3:.1f} kB"


Row = tuple  # (metric, ours, folium or None, unit, target or None, comparable, folium's note or None)


def target_text(target: tuple[str, float] | None, unit: str) -> str:
    if target is None:
        return ""
    kind, value = target
    if kind == RATIO:
        return f"<= {value}x folium"
    return f"{kind} {value:g}{'' if unit == 'cores' else ' ' + unit}"


def target_met(ours: float | None, folium: float | None, target: tuple[str, float] | None,
               comparable: bool) -> str:
    if target is None:
        return ""
    kind, value = target
    if ours is None or not comparable:
        return "n/a"
    if kind == RATIO:
        if folium in (None, 0):
            return "n/a"
        return "yes" if ours / folium <= value else "NO"
    return "yes" if (ours < value if kind == UNDER else ours > value) else "NO"


def print_table(rows: list[Row]) -> None:
    header = ("metric", "ours", "folium", "ours/folium", "target", "met")
    shows = {"bytes": human_bytes, "ms": lambda v: f"{v:.0f}", "s": lambda v: f"{v:.2f}",
             "MB": lambda v: f"{v:.0f}", "cores": lambda v: f"{v:.2f}"}
    lines = []
    for name, ours, folium, unit, target, comparable, folium_note in rows:
        show = shows[unit]
        ratio = None if folium in (None, 0) or ours is None else ours / folium
        met = target_met(ours, folium, target, comparable)
        if folium is None and folium_note and target and target[0] == RATIO and met == "n/a" and ours is not None:
            met = "yes (folium: none)"  # folium's page never got there: ours did
        lines.append((name, "n/a" if ours is None else show(ours),
                      folium_note or ("n/a" if folium is None else show(folium)),
                      "n/a" if ratio is None else f"{ratio:.3f}", target_text(target, unit), met))
    widths = [max(len(str(row[i])) for row in [header, *lines]) for i in range(len(header))]
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("-+-".join("-" * w for w in widths))
    for line in lines:
        print(" | ".join(str(c).ljust(w) for c, w in zip(line, widths)))


def response_body(url: str, site: Path, cdn: CdnAssets) -> bytes:
    """The body a response carried: a file of the served site, or the CDN answer."""
    if url in cdn.answers:
        return cdn.answers[url].body
    local = site / unquote(urlsplit(url).path).lstrip("/")
    return local.read_bytes() if local.is_file() else b""


@functools.lru_cache(maxsize=None)
def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, 6))


def gzip_transfer(run: PageRun, site: Path, cdn: CdnAssets) -> int:
    return sum(gzip_size(response_body(url, site, cdn)) for url, _ in run.responses)


def html_split(page: bytes) -> list[tuple[str, int, int | None]]:
    """Our story page's HTML by part (name, bytes, gzip bytes): event list, page JSON, the rest."""
    parts = []
    for name, pattern in HTML_PARTS:
        match = re.search(pattern, page, re.S)
        parts.append((name, match.group(0) if match else b""))
    rest = len(page) - sum(len(p) for _, p in parts)
    return [(name, len(p), gzip_size(p)) for name, p in parts] + \
        [("rest of the HTML", rest, None)]


def map_script_part(ours: PageRun, ours_site: Path, cdn: CdnAssets) -> tuple[str, int, int]:
    """(name, bytes, gzip bytes) of the story's map.js as our page loaded it; 0 when it did not."""
    for url, size in ours.responses:
        if urlsplit(url).path == OURS_MAP_SCRIPT:
            return MAP_SCRIPT_PART, size, gzip_size(response_body(url, ours_site, cdn))
    return MAP_SCRIPT_PART, 0, 0


def print_ours_breakdown(story: Story, ours_site: Path, ours: PageRun, cdn: CdnAssets) -> None:
    page = (ours_site / OURS_STORY_PAGE).read_bytes()
    print("\nWhere our page's bytes go (one run; sizes as served, gzip -6 sizes for what a compressing "
          "server would send):")
    total = ours.transfer
    for url, size in sorted(ours.responses, key=lambda r: -r[1]):
        zipped = gzip_size(response_body(url, ours_site, cdn))
        print(f"  {human_bytes(size):>10}  {100 * size / total:5.1f}%  gzip {human_bytes(zipped):>9}  "
              f"{urlsplit(url).path}")
    print("  of the HTML, and the map set-up beside it:")
    map_script = map_script_part(ours, ours_site, cdn)
    for name, size, zipped in [*html_split(page), map_script]:
        gz = f"gzip {human_bytes(zipped):>9}" if zipped is not None else " " * 14
        print(f"  {human_bytes(size):>10}  {100 * size / total:5.1f}%  {gz}  {name}")
    per_event = len(page) / story.events
    print(f"  HTML per event: {per_event:.0f} bytes; whole page gzip: {human_bytes(gzip_size(page))}")


def print_folium_breakdown(folium_site: Path, ours: PageRun, folium: PageRun, cdn: CdnAssets) -> None:
    page = (folium_site / FOLIUM_PAGE).read_bytes()
    print(f"\nfolium's page: HTML {human_bytes(len(page))} (gzip {human_bytes(gzip_size(page))}), "
          f"CDN assets "
          f"{human_bytes(folium.transfer - folium.html)} in {len(folium.responses) - 1} responses")
    print("\nWhere the folium page's CDN assets came from:")
    stubbed = 0
    for url, asset in sorted(cdn.answers.items()):
        stubbed += asset.stubbed
        print(f"  {human_bytes(len(asset.body)):>9}  {url}\n             <- {asset.source}")
    print(f"  {stubbed} of {len(cdn.answers)} CDN URLs stubbed with an empty body"
          + (" (folium's bytes and times are understated by these)" if stubbed else ""))
    aborted = {}
    for run in (ours, folium):
        for host, count in run.aborted.items():
            aborted[host] = aborted.get(host, 0) + count
    if aborted:
        print("  aborted requests in the two measured loads (tiles): " +
              ", ".join(f"{host} {count}" for host, count in sorted(aborted.items())))


def metric_rows(story: Story, builds: tuple[list[BuildRun], list[BuildRun]], ours_runs: list[PageRun],
                folium_runs: list[PageRun], ours_site: Path, folium_site: Path, cdn: CdnAssets,
                edit_seconds: float | None) -> list[Row]:
    """The table's rows: medians over the runs (gzip'd transfer: the last run)."""
    def medians(metric) -> tuple[float | None, float | None]:
        return median(metric(r) for r in ours_runs), median(metric(r) for r in folium_runs)

    targets = TARGETS.get(story.events, {})
    complete = not cdn.without_npm  # without npm folium's CDN assets are empty stubs: not comparable
    unready = folium_runs[-1].unready
    folium_note = None if unready is None else unready.split(";")[0]
    gzipped = gzip_transfer(ours_runs[-1], ours_site, cdn), gzip_transfer(folium_runs[-1], folium_site, cdn)
    ours_builds, folium_builds = builds

    def build_row(name: str, metric, unit: str, key: str) -> Row:
        return (name, median(metric(b) for b in ours_builds), median(metric(b) for b in folium_builds), unit,
                targets.get(key), True, None)

    def list_row(name: str, key: str, target: str) -> Row:
        return (name, median(r.list[key] for r in ours_runs if r.list), None, "ms", targets.get(target), True,
                "(no list)")

    return [
        ("transfer gzip'd (bytes)", *gzipped, "bytes", targets.get("transfer"), complete, None),
        ("ready (ms)", *medians(lambda r: r.ready_ms), "ms", targets.get("ready"), complete, folium_note),
        ("jump to last date (ms)", *medians(lambda r: r.jump_ms), "ms", targets.get("jump"), complete, folium_note),
        build_row("build (s)", lambda b: b.seconds, "s", "build"),
        build_row("build peak RSS, tree (MB)", lambda b: b.tree_rss / 1e6, "MB", "rss"),
        build_row("build peak RSS, one process (MB)", lambda b: b.max_rss / 1e6, "MB", ""),
        build_row("build cores (CPU s / wall s)", lambda b: b.cores, "cores", "cores"),
        ("serve: an event edit to output (s)", edit_seconds, None, "s", targets.get("edit"), True, "(no serve)"),
        list_row("list: first page in document (ms)", "listDom", ""),
        list_row("list: open the last event's page (ms)", "open", "list_open"),
        list_row("list: scroll frame, median (ms)", "frameMedian", "frame_median"),
        list_row("list: scroll frame, worst (ms)", "frameWorst", "frame_worst"),
        ("transfer as served (bytes)", *medians(lambda r: r.transfer), "bytes", None, complete, None),
        ("html alone (bytes)", *medians(lambda r: r.html), "bytes", None, True, None),
    ]


def print_sanity(ours_runs: list[PageRun], folium_runs: list[PageRun]) -> None:
    ours, folium = ours_runs[-1], folium_runs[-1]
    folium_drawn = f"nothing: its page {folium.unready}" if folium.jump_ms is None else \
        f"{folium.jump['drawn']:,} features (from {folium.jump['before']:,})"
    print(f"\nSanity: at the last date ({ours.jump['date']}) ours draws {ours.jump['drawn']:,} events "
          f"(from {ours.jump['before']:,} at the first date); folium draws {folium_drawn}.\n"
          f"(Without `duration`, TimeDimension keeps a span's feature on the map after its end; ours does not.)")
    print(f"Ready signal before the +frame: ours {ms_text(median(r.signal_ms for r in ours_runs))} "
          f"(storymap:ready), folium {ms_text(median(r.signal_ms for r in folium_runs))} (layer elements present).")


def report(story: Story, builds: tuple[list[BuildRun], list[BuildRun]], ours_runs: list[PageRun],
           folium_runs: list[PageRun], ours_site: Path, folium_site: Path, cdn: CdnAssets, runs: int,
           edit_seconds: float | None) -> None:
    target_note = "" if story.events in TARGETS else \
        f" (targets are set for 10,000 and 100,000 events; this story has {story.events:,})"
    print(f"\nResults: {story.events:,} events ({story.located:,} located), median of {runs} run"
          f"{'s' if runs != 1 else ''}{target_note}\n")
    print_table(metric_rows(story, builds, ours_runs, folium_runs, ours_site, folium_site, cdn, edit_seconds))
    if cdn.without_npm:
        print("NOTE: npm is missing, so folium's CDN assets were stubbed with empty bodies: its transfer is "
              "understated and its page may not have run (n/a); 'met' is n/a for those rows.")
    print("(ready, jump and list: in-page performance.now(), see bench/measure.py; transfer gzip'd: every "
          "response body through gzip -6,\n as a compressing web server or CDN sends it; as served: the bodies "
          "as this plain local server sent them.\n build: cold, a new output folder; peak RSS of the tree: "
          "the build's processes added up, polled every 20 ms;\n cores: the build's user + sys CPU time, "
          f"its workers included, over its wall time, on a machine with {CORES} cores)")
    print_sanity(ours_runs, folium_runs)
    print_ours_breakdown(story, ours_site, ours_runs[-1], cdn)
    print_folium_breakdown(folium_site, ours_runs[-1], folium_runs[-1], cdn)
