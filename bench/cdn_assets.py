"""folium's CDN assets, answered from npm packages.

folium's page loads jQuery, Bootstrap, Font Awesome, Leaflet, TimeDimension, ... from
CDNs. There is no internet here, so each CDN URL is mapped to a file of the same package
and version, fetched once with `npm pack` into bench/.cache/npm/. A URL that cannot be
mapped (not on npm, or not from npm) is answered with an empty body of the right type and
counted as STUBBED, so that folium's figures err on folium's side (smaller, faster).
"""
from __future__ import annotations

import mimetypes
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sites import BENCH, ROOT

CACHE = BENCH / ".cache" / "npm"
NPM_NOT_INSTALLED = "npm not installed"
# cdnjs library names that differ from the npm package name.
CDNJS_TO_NPM = {"jqueryui": "jquery-ui", "moment.js": "moment", "Leaflet.awesome-markers": "leaflet.awesome-markers"}


def npm_target(url: str) -> tuple[str, str, list[str]] | None:
    """(npm package, version, candidate paths inside it) for a CDN URL; None when not from npm."""
    parts = urlsplit(url)
    host, path = parts.hostname or "", unquote(parts.path)
    if host == "cdn.jsdelivr.net":
        match = re.match(r"^/npm/((?:@[^/@]+/)?[^/@]+)@([^/]+)/(.+)$", path)
        return (match[1], match[2], [match[3]]) if match else None  # /gh/...: GitHub, not npm
    if host == "code.jquery.com":
        match = re.match(r"^/jquery-(\d+\.\d+\.\d+)((?:\.slim)?(?:\.min)?)\.js$", path)
        return ("jquery", match[1], [f"dist/jquery{match[2]}.js"]) if match else None
    if host == "cdnjs.cloudflare.com":
        match = re.match(r"^/ajax/libs/([^/]+)/([^/]+)/(.+)$", path)
        if not match:
            return None
        name, version, rest = CDNJS_TO_NPM.get(match[1], match[1]), match[2], match[3]
        if re.fullmatch(r"\d+\.\d+", version):  # cdnjs "8.4" is npm "8.4.0"
            version += ".0"
        return name, version, [rest, f"dist/{rest}", f"min/{rest}", f"build/{rest}"]
    if host.endswith("bootstrapcdn.com"):
        match = re.match(r"^/bootstrap/([^/]+)/(.+)$", path)
        return ("bootstrap", match[1], [f"dist/{match[2]}", match[2]]) if match else None
    return None


def package_dir(name: str, version: str) -> Path:
    return CACHE / f"{name.replace('/', '+')}@{version}"


def npm_failure_reason(output: str) -> str:
    lines = output.strip().splitlines()
    reason = next((line for line in lines if "notarget" in line or "404" in line), None) or \
        next((line for line in lines if "error" in line.lower()), "npm pack failed")
    return reason.removeprefix("npm error ").strip()


def fetch_package(name: str, version: str) -> str:
    """npm pack name@version into the cache (once); returns a note of what happened."""
    target = package_dir(name, version)
    missing = target.with_name(target.name + ".unavailable")
    if target.is_dir():
        return "cached"
    if missing.is_file():
        return "unavailable (cached answer; delete " + str(missing.relative_to(ROOT)) + " to retry)"
    if not shutil.which("npm"):
        return NPM_NOT_INSTALLED
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as temp:
        result = subprocess.run(["npm", "pack", "--loglevel=error", "--pack-destination", temp, f"{name}@{version}"],
                                capture_output=True, text=True, timeout=300)
        tarballs = list(Path(temp).glob("*.tgz"))
        if result.returncode != 0 or not tarballs:
            output = result.stderr or result.stdout
            if re.search(r"E404|ETARGET|No matching version", result.stderr + result.stdout):
                # a definite "no": do not ask again
                missing.write_text("\n".join(output.strip().splitlines()) + "\n", "utf-8")
            return "unavailable: " + npm_failure_reason(output)
        unpacked = Path(temp) / "unpacked"
        with tarfile.open(tarballs[0]) as archive:
            archive.extractall(unpacked, filter="data")
        os.rename(unpacked / "package", target)
    return "fetched from the npm registry"


@dataclass
class Asset:
    body: bytes
    content_type: str
    source: str  # where it came from, for the report
    stubbed: bool


def content_type_of(url: str) -> str:
    content_type = mimetypes.guess_type(urlsplit(url).path)[0] or "application/octet-stream"
    if content_type in ("text/javascript", "application/javascript", "text/css"):
        content_type += "; charset=utf-8"
    return content_type


def resolve_asset(url: str) -> Asset:
    """The file of the npm package a CDN URL serves, or an empty stub saying why not."""
    content_type = content_type_of(url)
    target = npm_target(url)
    if target is None:
        return Asset(b"", content_type, "STUBBED: not an npm package URL", True)
    name, version, candidates = target
    root = package_dir(name, version)
    if not root.is_dir():
        return Asset(b"", content_type, f"STUBBED: {name}@{version} not available from npm", True)
    for candidate in candidates:
        if (root / candidate).is_file():
            return Asset((root / candidate).read_bytes(), content_type, f"npm {name}@{version}/{candidate}", False)
    for candidate in candidates:  # jsdelivr and cdnjs minify on the fly; the package may hold only the source
        plain = re.sub(r"\.min\.(js|css)$", r".\1", candidate)
        if plain != candidate and (root / plain).is_file():
            return Asset((root / plain).read_bytes(), content_type,
                         f"npm {name}@{version}/{plain} (unminified: the package has no {Path(candidate).name})",
                         False)
    return Asset(b"", content_type, f"STUBBED: no {candidates[0]} in {name}@{version}", True)


class CdnAssets:
    """Answers for CDN URLs: the file from the npm package, or a counted empty stub."""

    def __init__(self) -> None:
        self.answers: dict[str, Asset] = {}  # every URL answered so far, for the report
        self.lock = threading.Lock()
        self.without_npm: list[str] = []  # packages neither cached nor fetchable: npm is missing

    def prefetch(self, urls: list[str]) -> None:
        """Fetch the npm packages behind these URLs (4 at a time), printing a note for each."""
        packages = sorted({(t[0], t[1]) for t in map(npm_target, urls) if t})
        with ThreadPoolExecutor(4) as pool:
            notes = list(pool.map(lambda p: fetch_package(*p), packages))
        for (name, version), note in zip(packages, notes):
            print(f"  npm {name}@{version}: {note}", flush=True)
            if note == NPM_NOT_INSTALLED:
                self.without_npm.append(f"{name}@{version}")
        if self.without_npm:
            print(f"  npm is not installed and {len(self.without_npm)} package(s) are not cached: their assets "
                  "are stubbed (empty). folium's page cannot run without Leaflet and TimeDimension, so its "
                  "ready and jump times may be unmeasurable and its bytes are understated.", flush=True)

    def answer(self, url: str) -> Asset:
        with self.lock:
            if url not in self.answers:
                self.answers[url] = resolve_asset(url)
            return self.answers[url]


def page_asset_urls(html_path: Path) -> list[str]:
    """The absolute script and stylesheet URLs of a page, in order, once each."""
    text = html_path.read_text("utf-8")
    return list(dict.fromkeys(re.findall(r'<(?:script|link)[^>]*?(?:src|href)="(https?://[^"]+)"', text)))
