"""Golden output: the tiny fixture story must build to the files in tests/golden/.

After an intended change in output, run `make golden` and review the diff.

What the comparison leaves out, because it is not ours to pin down here:
- asset digests (`?v=<hex>` cache-busters, `name.<hex>.js` file names, `sha256-<base64>` hashes in a
  Content-Security-Policy or an integrity attribute): a change to a shared asset is the asset's own
  business, not a change of every page;
- images (preview.png, copied media) are never compared byte by byte: each must exist, decode, and
  have the golden file's size in pixels; anti-aliasing may differ in the last bit between machines;
- the spacing babel puts around the en dash of a date range ("3–20 Sept" with babel 2.18, "3 – 20
  Sept" with thin spaces from 2.19 on): a thin or narrow space next to an en dash is dropped from both
  sides. Everything else babel formats relies on the lock (requirements/test.txt pins the babel the
  golden files were made with).
Every differing, missing or extra file is named in one failure; text files come with a unified diff,
other files (never decoded as text) with their sizes.
"""
from __future__ import annotations

import difflib
import io
import re

import pytest
from PIL import Image, UnidentifiedImageError

from .golden_regen import GOLDEN, build_tiny

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
DIFF_LINES = 40  # of each file's diff, enough to see what changed without burying the rest

DIGESTS = (
    (re.compile(r"([?&]v=)[0-9a-f]{6,64}\b"), r"\1<digest>"),
    (re.compile(r"(\.)[0-9a-f]{8,64}(\.(?:js|css|svg|png|json|woff2?)\b)"), r"\1<digest>\2"),
    (re.compile(r"\b(sha(?:256|384|512)-)[A-Za-z0-9+/_-]+={0,2}"), r"\1<digest>"),
)
# U+2009 thin space, U+202F narrow no-break space, U+200A hair space, raw or as a JSON escape.
RANGE_DASH = re.compile(r"(?:[\u2009\u202f\u200a]|\\u2009|\\u202[fF]|\\u200[aA])*"
                        r"(–|\\u2013)(?:[\u2009\u202f\u200a]|\\u2009|\\u202[fF]|\\u200[aA])*")


def normalised(text: str) -> str:
    """The text with what the module docstring lists as not ours replaced by fixed marks."""
    for pattern, mark in DIGESTS:
        text = pattern.sub(mark, text)
    return RANGE_DASH.sub(r"\1", text)


def image_difference(name: str, expected: bytes, built: bytes) -> str | None:
    """Why the built image fails the golden one (decodes, same size in pixels), or None."""
    sizes = []
    for side, data in (("golden", expected), ("built", built)):
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                sizes.append(image.size)
        except (UnidentifiedImageError, OSError) as error:
            return f"{name}: the {side} image does not decode ({error})"
    if sizes[0] != sizes[1]:
        return f"{name}: {sizes[1][0]}×{sizes[1][1]} pixels, the golden image is {sizes[0][0]}×{sizes[0][1]}"
    return None


def as_text(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def file_difference(name: str, expected: bytes, built: bytes) -> str | None:
    """How one built file differs from its golden copy, or None when it matches."""
    if name.lower().endswith(IMAGE_SUFFIXES):
        return image_difference(name, expected, built)
    old, new = as_text(expected), as_text(built)
    if old is None or new is None:
        return None if expected == built else f"{name}: binary, {len(built)} bytes, the golden file {len(expected)}"
    old, new = normalised(old), normalised(new)
    if old == new:
        return None
    diff = list(difflib.unified_diff(old.splitlines(), new.splitlines(), f"golden/{name}", f"built/{name}",
                                     lineterm="", n=1))
    more = [f"... {len(diff) - DIFF_LINES} more diff lines"] if len(diff) > DIFF_LINES else []
    return "\n".join([f"{name}: differs", *diff[:DIFF_LINES], *more])


def differences(expected: dict[str, bytes], built: dict[str, bytes]) -> list[str]:
    """Every way the built files differ from the golden ones: missing, extra, then changed files."""
    found = [f"{name}: missing from the build" for name in sorted(expected.keys() - built.keys())]
    found += [f"{name}: built but not in tests/golden/" for name in sorted(built.keys() - expected.keys())]
    for name in sorted(expected.keys() & built.keys()):
        difference = file_difference(name, expected[name], built[name])
        if difference:
            found.append(difference)
    return found


def test_tiny_story_matches_golden_output(tmp_path):
    built = build_tiny(tmp_path / "site")
    expected = {str(p.relative_to(GOLDEN)): p.read_bytes() for p in sorted(GOLDEN.rglob("*")) if p.is_file()}
    found = differences(expected, built)
    if found:
        pytest.fail(f"{len(found)} file(s) differ from tests/golden/ (run `make golden` if intended):\n\n"
                    + "\n\n".join(found), pytrace=False)


# --- the comparison itself ------------------------------------------------------


def png(width: int, height: int, colour: str = "white") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def test_images_are_compared_by_decoding_not_by_bytes():
    assert png(12, 6) != png(12, 6, "black")
    assert differences({"s/preview.png": png(12, 6)}, {"s/preview.png": png(12, 6, "black")}) == []
    assert differences({"s/preview.png": png(12, 6)}, {"s/preview.png": png(6, 6)}) == [
        "s/preview.png: 6×6 pixels, the golden image is 12×6"]
    broken = differences({"s/preview.png": png(12, 6)}, {"s/preview.png": b"\x89PNG\r\n\x1a\n broken"})
    assert len(broken) == 1 and broken[0].startswith("s/preview.png: the built image does not decode")


def test_binary_files_are_never_decoded_as_text():
    assert differences({"a.bin": b"\xff\xfe\x00"}, {"a.bin": b"\xff\xfe\x01\x02"}) == [
        "a.bin: binary, 4 bytes, the golden file 3"]
    assert differences({"a.bin": b"\xff"}, {"a.bin": b"\xff"}) == []


def test_every_difference_is_reported_at_once():
    expected = {"a.html": b"<p>one</p>\n", "b.csv": b"x,1\n", "gone.json": b"{}", "same.txt": b"same"}
    built = {"a.html": b"<p>two</p>\n", "b.csv": b"x,2\n", "new.kml": b"<kml/>", "same.txt": b"same"}
    found = differences(expected, built)
    assert [entry.splitlines()[0] for entry in found] == [
        "gone.json: missing from the build", "new.kml: built but not in tests/golden/",
        "a.html: differs", "b.csv: differs"]
    assert "-<p>one</p>" in found[2] and "+<p>two</p>" in found[2]


@pytest.mark.parametrize("golden, built", [
    ('<script src="../assets/storymap.js?v=2d87dfd346">', '<script src="../assets/storymap.js?v=0123456789">'),
    ('<link href="assets/storymap.1981087f19.css">', '<link href="assets/storymap.aaaabbbbcc.css">'),
    ("script-src 'self' 'sha256-AbC+/9=';", "script-src 'self' 'sha256-xYz0=';"),
    ('integrity="sha384-Q1w2e3"', 'integrity="sha384-R4t5y6"'),
    ("c. 3–20 Sept 2023", "c. 3\u2009–\u200920 Sept 2023"),
    ('"label": "3\\u201320 Sept"', '"label": "3\\u2009\\u2013\\u200920 Sept"'),  # JSON escapes
])
def test_digests_and_range_dash_spacing_are_not_differences(golden, built):
    assert differences({"page.html": golden.encode()}, {"page.html": built.encode()}) == []


@pytest.mark.parametrize("golden, built", [
    ('<a href="story/?v=1">', '<a href="story/?v=2">'),  # not a digest: too short
    ("3–20 Sept", "3 – 20 Sept"),  # an ordinary space is ours, not babel's
    ("asset.js", "other.js"),
])
def test_other_changes_still_count(golden, built):
    assert differences({"page.html": golden.encode()}, {"page.html": built.encode()}) != []
