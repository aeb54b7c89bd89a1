"""The bench's report: the table of medians against the targets, then where the bytes go."""
from __future__ import annotations

import functools
import gzip
import re
import statistics
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from cdn_assets import CdnAssets
from measure import PageRun, ms_text
from sites import FOLIUM_PAGE, OURS_STORY_PAGE
from synthetic import Story

# Targets at 10,000 events, as ours/folium ratios (lower is better).
TARGET_EVENTS = 10_000
TARGETS = {"transfer": 0.5, "ready": 1.0, "jump": 0.25, "build": 3.0}
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


def print_table(rows: list[tuple[str, float, float | None, str, float | None, bool]]) -> None:
    """rows: (metric, ours, folium or None, unit, target or None, comparable)."""
    header = ("metric", "ours", "folium", "ours/folium", "target", "met")
    lines = []
    for name, ours, folium, unit, target, comparable in rows:
        show = {"bytes": human_bytes, "ms": lambda v: f"{v:.0f}", "s": lambda v: f"{v:.2f}"}[unit]
        ratio = None if folium in (None, 0) else ours / folium
        if target is None:
            met = ""
        elif ratio is None or not comparable:
            met = "n/a"
        else:
            met = "yes" if ratio <= target else "NO"
        lines.append((name, show(ours), "n/a" if folium is None else show(folium),
                      "n/a" if ratio is None else f"{ratio:.3f}", "" if target is None else f"<= {target}", met))
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


def metric_rows(builds: tuple[list[float], list[float]], ours_runs: list[PageRun], folium_runs: list[PageRun],
                ours_site: Path, folium_site: Path, cdn: CdnAssets) -> list[tuple]:
    """The table's rows: medians over the runs (gzip'd transfer: the last run)."""
    def medians(metric) -> tuple[float | None, float | None]:
        return median(metric(r) for r in ours_runs), median(metric(r) for r in folium_runs)

    complete = not cdn.without_npm  # without npm folium's CDN assets are empty stubs: not comparable
    gzipped = gzip_transfer(ours_runs[-1], ours_site, cdn), gzip_transfer(folium_runs[-1], folium_site, cdn)
    return [
        ("transfer (bytes)", *medians(lambda r: r.transfer), "bytes", TARGETS["transfer"], complete),
        ("ready (ms)", *medians(lambda r: r.ready_ms), "ms", TARGETS["ready"], complete),
        ("jump to last date (ms)", *medians(lambda r: r.jump_ms), "ms", TARGETS["jump"], complete),
        ("build (s)", median(builds[0]), median(builds[1]), "s", TARGETS["build"], True),
        ("html alone (bytes)", *medians(lambda r: r.html), "bytes", None, True),
        ("transfer if gzip'd (bytes)", *gzipped, "bytes", None, complete),
    ]


def print_sanity(ours_runs: list[PageRun], folium_runs: list[PageRun]) -> None:
    ours, folium = ours_runs[-1], folium_runs[-1]
    folium_drawn = "n/a" if folium.jump_ms is None else \
        f"{folium.jump['drawn']:,} features (from {folium.jump['before']:,})"
    print(f"\nSanity: at the last date ({ours.jump['date']}) ours draws {ours.jump['drawn']:,} events "
          f"(from {ours.jump['before']:,} at the first date); folium draws {folium_drawn}.\n"
          f"(Without `duration`, TimeDimension keeps a span's feature on the map after its end; ours does not.)")
    print(f"Ready signal before the +frame: ours {ms_text(median(r.signal_ms for r in ours_runs))} "
          f"(storymap:ready), folium {ms_text(median(r.signal_ms for r in folium_runs))} (layer elements present).")


def report(story: Story, builds: tuple[list[float], list[float]], ours_runs: list[PageRun],
           folium_runs: list[PageRun], ours_site: Path, folium_site: Path, cdn: CdnAssets, runs: int) -> None:
    target_note = "" if story.events == TARGET_EVENTS else \
        f" (targets are set for 10,000 events; this story has {story.events:,})"
    print(f"\nResults: {story.events:,} events ({story.located:,} located), median of {runs} run"
          f"{'s' if runs != 1 else ''}{target_note}\n")
    print_table(metric_rows(builds, ours_runs, folium_runs, ours_site, folium_site, cdn))
    if cdn.without_npm:
        print("NOTE: npm is missing, so folium's CDN assets were stubbed with empty bodies: its transfer is "
              "understated and its page may not have run (n/a); 'met' is n/a for those rows.")
    print("(ready and jump: in-page performance.now(), see measure_page(); transfer: response bodies as served "
          "here, uncompressed;\n gzip'd: the same bodies through gzip -6, as a compressing web server or CDN "
          "would send them; no targets for the last two rows)")
    print_sanity(ours_runs, folium_runs)
    print_ours_breakdown(story, ours_site, ours_runs[-1], cdn)
    print_folium_breakdown(folium_site, ours_runs[-1], folium_runs[-1], cdn)
