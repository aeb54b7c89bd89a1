"""Minify the page script and styles into storymap/static/storymap.min.js and .min.css
(`make bundle`).

The joined modules (assets.page_script_source, page_styles_source) go through esbuild, pinned with its
lock file in tools/leaflet/, which shortens local names and drops whitespace: at 10,000
events the script was 26.8 KB gzipped and 21 KB so; the styles 4.5 and 4.2. The result is committed, so
building a site needs no Node; its first line holds the digest of the source it was
made from, and a site built from changed modules ships them unminified until this
runs again (tests/test_bundle.py fails meanwhile).

    python tools/bundle_js.py [ESBUILD]   (default: tools/leaflet/node_modules/.bin/esbuild)
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from storymap.render import assets

ROOT = Path(__file__).resolve().parent.parent
ESBUILD = ROOT / "tools" / "leaflet" / "node_modules" / ".bin" / "esbuild"
# es2017 is what the page's own modules are written to; no template literals, so a minifier
# never makes one (journalist text must never reach one: tests/test_render_stages.py looks).
OPTIONS = ["--minify", "--target=es2017", "--supported:template-literal=false", "--charset=utf8",
           "--line-limit=500", "--log-level=warning"]
# The styles: no target, so nothing is rewritten for older browsers; every rule stays, in order.
STYLE_OPTIONS = ["--loader=css", "--minify", "--charset=utf8",
                 "--line-limit=500", "--log-level=warning"]


def minify(source: bytes, esbuild: Path, options: list[str]) -> bytes:
    done = subprocess.run([str(esbuild), *options], input=source, capture_output=True, check=False)
    if done.returncode != 0:
        sys.exit(f"esbuild failed:\n{done.stderr.decode(errors='replace')}")
    return done.stdout


def main() -> None:
    esbuild = Path(sys.argv[1]) if len(sys.argv) > 1 else ESBUILD
    if not esbuild.exists():
        sys.exit(f"{esbuild} is missing (hint: run `make bundle`, which installs it with npm ci)")
    for source, minified, options in ((assets.page_script_source(), assets.MINIFIED_SCRIPT, OPTIONS),
                                      (assets.page_styles_source(), assets.MINIFIED_STYLES, STYLE_OPTIONS)):
        minified.write_bytes(assets.minified_header(source, minified) + minify(source, esbuild, options))
        print(f"{minified.relative_to(ROOT)}: {len(source):,} bytes minified to {minified.stat().st_size:,}")


if __name__ == "__main__":
    main()
