"""The translations: gettext catalogs read through Babel.

storymap/locale/storymap.pot is the template, extracted from storymap/wording.py; each
language has storymap/locale/<language>/LC_MESSAGES/storymap.po, which translators edit with
any gettext tool (Poedit, Lokalize, Weblate...). A build compiles a language's .po once, in
memory (Babel writes the .mo bytes, the standard library's gettext reads them), so nothing
compiled is committed or installed and a fresh checkout builds the same bytes as any other.

    python -m storymap.catalogs            extract the template again and update every .po
    python -m storymap.catalogs new LANG   start a catalog for a new language (e.g. fr)

Updating keeps every translation whose English is unchanged; a changed English text comes
back marked fuzzy (Babel's guess, to be checked) and a new one empty, and tests/test_i18n.py
fails until both are translated.
"""
from __future__ import annotations

import gettext
import io
import sys
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PACKAGE = Path(__file__).parent
LOCALE = PACKAGE / "locale"
DOMAIN = "storymap"
TEMPLATE = LOCALE / f"{DOMAIN}.pot"
SOURCE = PACKAGE / "wording.py"
# text(key, english) and counted(key, one, other): the key is the message's context.
KEYWORDS = {"text": ((1, "c"), 2), "counted": ((1, "c"), 2, 3)}
COMMENT_TAGS = ("Translators:",)
HEADER_COMMENT = ("# The words of storymap's pages (storymap/wording.py).\n"
                  "# Edit with any gettext tool; `python -m storymap.catalogs` updates it from the code.")


def empty_catalog(locale: Locale | None = None) -> Catalog:
    return Catalog(locale=locale, project="storymap", version="1", copyright_holder="the storymap authors",
                   charset="utf-8", fuzzy=False, header_comment=HEADER_COMMENT)


def po_path(language: str, locale: Path = LOCALE) -> Path:
    return locale / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=4)
def shipped(locale: Path = LOCALE) -> tuple[str, ...]:
    """The languages with a catalog, by folder name (gettext's form: pt_BR, not pt-BR)."""
    return tuple(sorted(path.parent.parent.name for path in locale.glob(f"*/LC_MESSAGES/{DOMAIN}.po")))


def extract() -> Catalog:
    """The template: every text of wording.py, with its key as context and its translator comment."""
    catalog = empty_catalog()
    location = SOURCE.relative_to(PACKAGE.parent).as_posix()
    for line, message, comments, context in extract_from_file(
            "python", SOURCE, keywords=KEYWORDS, comment_tags=COMMENT_TAGS, strip_comment_tags=True):
        catalog.add(message, locations=[(location, line)], auto_comments=comments, context=context)
    return catalog


def read(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=language, domain=DOMAIN)


@lru_cache(maxsize=None)
def translations(language: str) -> gettext.NullTranslations:
    """A shipped language's catalog, compiled in memory once per build process: fuzzy entries
    are left out (Babel's default), so an unchecked guess never reaches a page."""
    return compile_catalog(read(po_path(language), language))


def compile_catalog(catalog: Catalog) -> gettext.GNUTranslations:
    compiled = io.BytesIO()
    write_mo(compiled, catalog)  # use_fuzzy=False
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def for_language(tag: str) -> gettext.NullTranslations:
    """The catalog for a BCP 47 tag: pt-BR reads pt_BR, else pt; English, the source, and a
    language without a catalog get the English text itself."""
    folders = set(shipped())
    parts = tag.replace("-", "_").split("_")
    for candidate in ("_".join(parts[:2]), parts[0]):
        if candidate in folders:
            return translations(candidate)
    return gettext.NullTranslations()


# --- updating the catalogs (a developer's command, never run by a build) ----------------

def _po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, include_lineno=False, ignore_obsolete=True, include_previous=True,
             omit_header=False)
    return out.getvalue()


def _write_if_changed(path: Path, data: bytes, ignore: tuple[bytes, ...] = ()) -> bool:
    """Write data unless the file says the same (header dates aside): no churn in git."""
    def meaningful(text: bytes) -> list[bytes]:
        return [line for line in text.splitlines() if not line.startswith(ignore)]

    if path.exists() and meaningful(path.read_bytes()) == meaningful(data):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def update(locale: Path = LOCALE) -> list[Path]:
    """Extract the template again and merge it into every catalog; the files changed."""
    dates = (b'"POT-Creation-Date:', b'"PO-Revision-Date:')
    template = extract()
    changed = []
    if _write_if_changed(locale / TEMPLATE.name, _po_bytes(template), dates):
        changed.append(locale / TEMPLATE.name)
    for language in sorted(path.parent.parent.name for path in locale.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        catalog = read(po_path(language, locale), language)
        catalog.update(template, update_creation_date=False)
        if _write_if_changed(po_path(language, locale), _po_bytes(catalog), dates):
            changed.append(po_path(language, locale))
    return changed


def new(language: str, locale: Path = LOCALE) -> Path:
    """A catalog for a new language, every text empty, its plural rule from CLDR."""
    parsed = Locale.parse(language.replace("-", "_"))
    path = po_path(str(parsed), locale)
    if path.exists():
        raise SystemExit(f"{path} exists already: run python -m storymap.catalogs to update it")
    catalog = empty_catalog(parsed)
    catalog.update(extract())
    _write_if_changed(path, _po_bytes(catalog))
    return path


def main(argv: list[str]) -> int:
    if argv[:1] == ["new"] and len(argv) == 2:
        path = new(argv[1]).relative_to(PACKAGE.parent)
        print(f"wrote {path}: translate each msgstr, then run the tests (tests/test_i18n.py)")
        return 0
    if argv:
        print(__doc__.split("\n\n")[2], file=sys.stderr)
        return 2
    changed = update()
    print("\n".join(f"updated {path.relative_to(PACKAGE.parent)}" for path in changed)
          or "the catalogs were up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
