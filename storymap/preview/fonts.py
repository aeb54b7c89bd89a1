"""The fonts preview.png draws its text in, chosen per text by the characters it needs.

matplotlib's own DejaVu Sans draws Latin, Greek and Cyrillic, the same files on every machine,
so a picture in those scripts is the same wherever it is built. Korean (and the hanja and kana
Korean fonts carry) comes from Debian's NanumGothic, in the fonts-nanum package that `make`
installs (its `fonts` target); on a machine without it those characters are white squares
and the build goes on. Font files are named, never looked up by family, so whatever else the
machine has installed cannot change a picture.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

NANUM = Path("/usr/share/fonts/truetype/nanum")  # where Debian's fonts-nanum puts NanumGothic


@dataclass(frozen=True)
class Face:
    regular: str
    bold: str
    glyphs: frozenset[int] = field(repr=False, compare=False)  # the characters both weights can draw


@lru_cache(maxsize=1)
def faces() -> tuple[Face, ...]:
    """The faces text is drawn in, by preference: matplotlib's own DejaVu Sans (Latin, Greek,
    Cyrillic: the same files on every machine), then NanumGothic where the machine has it."""
    import matplotlib
    from matplotlib.ft2font import FT2Font

    dejavu = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    found = []
    for regular, bold in ((dejavu / "DejaVuSans.ttf", dejavu / "DejaVuSans-Bold.ttf"),
                          (NANUM / "NanumGothic.ttf", NANUM / "NanumGothicBold.ttf")):
        if regular.is_file() and bold.is_file():
            glyphs = frozenset(FT2Font(str(regular)).get_charmap()) & frozenset(FT2Font(str(bold)).get_charmap())
            found.append(Face(str(regular), str(bold), glyphs))
    return tuple(found)


def font(size: float, bold: bool = False, face: Face | None = None):
    from matplotlib.font_manager import FontProperties

    face = face or faces()[0]
    return FontProperties(fname=face.bold if bold else face.regular, size=size)


def drawable(text: str) -> tuple[str, Face]:
    """The text as one face can draw it, and that face: spaces collapsed, format characters
    dropped, drawn in the first face that has every character (DejaVu Sans for a Latin or
    Cyrillic text, so its picture never changes), else the one that has most; a character that
    face lacks is a white square rather than a warning per glyph."""
    import unicodedata

    text = " ".join("".join(c for c in text if unicodedata.category(c) != "Cf").split())
    needed = {ord(c) for c in text}
    face = max(faces(), key=lambda candidate: len(needed & candidate.glyphs))  # the first of equals
    return "".join(c if ord(c) in face.glyphs else "\u25a1" for c in text), face
