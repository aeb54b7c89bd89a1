"""The minified page script and styles (storymap/static/storymap.min.js and .min.css, made by
`make bundle`): sites ship them only while they were made from today's modules, and this fails
until they are made again."""
from __future__ import annotations

import json

from storymap import styles
from storymap.render import assets


def test_the_minified_script_was_made_from_todays_modules():
    source = assets.page_script_source()
    header = assets.minified_header(source, assets.MINIFIED_SCRIPT)
    assert assets.MINIFIED_SCRIPT.read_bytes().startswith(header), (
        "storymap/static/js/ or styles.json changed since storymap.min.js was made: run `make bundle`")
    shipped = assets.page_script()
    assert shipped == assets.MINIFIED_SCRIPT.read_bytes()[len(header):]
    assert len(shipped) < 0.75 * len(source)  # local names shortened, not only whitespace
    # It still carries every colour of styles.json and the interface the page offers.
    text = shipped.decode("utf-8")
    assert all(colour in text for colour in json.loads(styles.STYLES_FILE.read_text("utf-8"))["eventKinds"].values())
    # (long lines are broken, inside a string too, with a backslash-newline the string does not hold)
    unbroken = text.replace("\\\n", "")
    assert "window.storymap=" in unbroken and "storymap:ready" in unbroken


def test_the_minified_styles_were_made_from_todays_modules():
    source = assets.page_styles_source()
    header = assets.minified_header(source, assets.MINIFIED_STYLES)
    assert assets.MINIFIED_STYLES.read_bytes().startswith(header), (
        "storymap/static/css/ changed since storymap.min.css was made: run `make bundle`")
    shipped = assets.page_styles().decode("utf-8")
    assert len(shipped) < len(source) and "/*" not in shipped
    # Every selector of the modules is still there (a sample of each kind).
    for selector in (".event-list", ".timeline-play", "@media print", ".sm-legend", ".skip-link"):
        assert selector in shipped, selector


def test_modules_newer_than_the_minified_script_ship_as_they_are(tmp_path, monkeypatch):
    stale = tmp_path / "storymap.min.js"
    stale.write_bytes(b"/* storymap.min.js: sha256 0000 */\n(function(){})();\n")
    monkeypatch.setattr(assets, "MINIFIED_SCRIPT", stale)
    assert assets.page_script() == assets.page_script_source()
    monkeypatch.setattr(assets, "MINIFIED_SCRIPT", tmp_path / "missing.js")
    assert assets.page_script() == assets.page_script_source()
    monkeypatch.setattr(assets, "MINIFIED_STYLES", tmp_path / "missing.css")
    assert assets.page_styles() == assets.page_styles_source()


def test_the_shipped_script_has_no_html_injection_or_template_literals():
    for script in (assets.page_script(), assets.page_script_source()):
        text = script.decode("utf-8")
        assert ".innerHTML" not in text and "insertAdjacentHTML" not in text and "`" not in text
