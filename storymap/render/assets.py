"""The site's own files under assets/: our page script and styles, each bundled into
one file, the part of Leaflet the pages use (static/vendor, built by `make leaflet`), and
the favicon; and their versioned addresses.

Pages name each asset with a content hash in its URL (asset_url), so a browser or
CDN fetches a changed file anew and keeps an unchanged one for as long as it likes.
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from storymap import styles

STATIC = Path(__file__).parent.parent / "static"  # storymap/static: files shipped with the package
# Leaflet trimmed to what the pages use, built from tools/leaflet and committed. Nothing it keeps
# draws Leaflet's images (marker icons, the layers control's button), so none are copied.
VENDOR = STATIC / "vendor"
# Our page script, as small modules in the order they must run (joined at build time).
SCRIPT_MODULES = ("util.js", "pagedata.js", "timeline.js", "layers.js", "spots.js", "mutedroutes.js", "motion.js", "controls.js", "timelineticks.js", "timelinebar.js", "walk.js", "api.js",
                  "basemap.js", "layout.js", "main.js")
# The page script and styles minified by esbuild (tools/bundle_js.py, `make bundle`), committed
# so that building a site needs no JavaScript tooling.
MINIFIED_SCRIPT = STATIC / "storymap.min.js"
MINIFIED_STYLES = STATIC / "storymap.min.css"
# Concatenated in this order into one file (one request); later files may refine earlier ones.
STYLE_MODULES = ("base.css", "story.css", "map.css", "timeline.css", "events.css", "wide.css", "embed.css",
                 "index.css", "preview.css", "nojs.css", "print.css")


@lru_cache(maxsize=1)
def assets() -> dict[str, bytes]:
    """Files under site/assets/ (and the favicon at the site root), by path."""
    return {
        "assets/leaflet.js": (VENDOR / "leaflet.js").read_bytes(),
        "assets/leaflet.css": compact_css((VENDOR / "leaflet.css").read_text("utf-8")).encode("utf-8"),
        "assets/storymap.js": page_script(),
        "assets/head.js": _compact_script((STATIC / "js" / "head.js").read_text("utf-8")).encode("utf-8"),
        "assets/storymap.css": page_styles(),
        "assets/favicon.svg": (STATIC / "favicon.svg").read_bytes(),
        "favicon.ico": (STATIC / "favicon.ico").read_bytes(),
    }


def _compact_script(source: str) -> str:
    """Drop indentation, blank and whole-line // comment lines: a quarter fewer bytes for
    phones, with line breaks kept so automatic semicolons and error line numbers still work."""
    lines = (line.strip() for line in source.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//"))


def page_script_source() -> bytes:
    """Our script modules joined into one function, with STYLES from styles.json first."""
    parts = [f"// --- {name}\n" + _compact_script((STATIC / "js" / name).read_text("utf-8"))
             for name in SCRIPT_MODULES]
    parts.insert(0, "// --- styles.json\n" + styles.script_text())  # STYLES, which layers.js draws with
    return ("(function () {\n'use strict';\n" + "\n".join(parts) + "\n})();\n").encode("utf-8")


def minified_header(source: bytes, minified: Path) -> bytes:
    """The first line of a minified file: the digest of the source it was made from."""
    return f"/* {minified.name}: sha256 {hashlib.sha256(source).hexdigest()} */\n".encode()


def _minified_or_source(source: bytes, minified: Path) -> bytes:
    """The minified file when it was made from this source, else the source as it is."""
    try:
        made = minified.read_bytes()
    except FileNotFoundError:
        return source
    header = minified_header(source, minified)
    return made[len(header):] if made.startswith(header) else source


def page_script() -> bytes:
    """The page script as sites ship it: MINIFIED_SCRIPT (local names shortened: a fifth fewer bytes
    gzipped for phones) when it was made from today's modules, else the joined modules as they are.
    `make bundle` makes it again; tests/test_bundle.py fails while it is out of date."""
    return _minified_or_source(page_script_source(), MINIFIED_SCRIPT)


# Characters that make one token when they meet: a comment between two of them is kept as a space.
_WORD = re.compile(r"[\w\-\u0080-\U0010ffff]")


def compact_css(source: str) -> str:
    """The style sheet without its comments, indentation and blank lines: a quarter to a third
    fewer bytes for phones. Strings are copied as they are (a '/*' in one is not a comment) and
    line breaks are kept, so what the browser reads is the same rules. Same text, same output."""
    out: list[str] = []
    i, n = 0, len(source)
    while i < n:
        char = source[i]
        if char in "\"'":  # a string, to its closing quote; a backslash escapes the next character
            end = i + 1
            while end < n and source[end] not in (char, "\n"):
                end += 2 if source[end] == "\\" else 1
            out.append(source[i:end + 1])
            i = end + 1
        elif source.startswith("/*", i):  # a comment, to its end (an unclosed one to the end, as CSS reads it)
            end = source.find("*/", i + 2)
            i = n if end < 0 else end + 2
            if out and out[-1] and i < n and _WORD.match(out[-1][-1]) and _WORD.match(source[i]):
                out.append(" ")  # a/**/b is two tokens, not one
        else:
            out.append(char)
            i += 1
    lines = (line.strip() for line in "".join(out).splitlines())
    return "\n".join(line for line in lines if line) + "\n"


def page_styles_source() -> bytes:
    """Our style modules, compacted, each after a line naming its file (for a reader of the bundle)."""
    parts = [f"/* --- {name} */\n" + compact_css((STATIC / "css" / name).read_text("utf-8")) for name in STYLE_MODULES]
    return "".join(parts).encode("utf-8")


def page_styles() -> bytes:
    """The styles as sites ship them: MINIFIED_STYLES when made from today's modules (`make bundle`),
    else page_styles_source()."""
    return _minified_or_source(page_styles_source(), MINIFIED_STYLES)


def asset_url(name: str, root: str) -> str:
    """A relative URL with a content hash, so browsers and CDNs fetch a changed file anew."""
    return versioned_url(f"{root}{name}", assets()[name])


def versioned_url(url: str, content: bytes) -> str:
    return f"{url}?v={hashlib.sha256(content).hexdigest()[:10]}"
