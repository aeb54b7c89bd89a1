"""The trimmed Leaflet in storymap/static/vendor stays the build of tools/leaflet.

`make leaflet` writes leaflet.js and leaflet.css with Leaflet's licence and a line naming the
Leaflet version and the sha256 of tools/leaflet/entry.js and package-lock.json. Changing
either without rebuilding fails here; so does a script of ours (or the map.js folium writes)
using an L.* name the entry does not expose. No Node.js needed: the checks read text.
tests/browser/test_vendor_leaflet.py checks the same names, and the map's handlers, in Chromium.
"""
from __future__ import annotations

import hashlib
import json
import re

import pytest

from storymap import pipeline
from storymap.render import assets
from storymap.render.map import map_skeleton

from .conftest import FIXTURES, REPO

TOOLS = REPO / "tools" / "leaflet"
VENDOR = REPO / "storymap" / "static" / "vendor"
BUILT_FROM = re.compile(r"leaflet (\S+); entry\.js sha256 ([0-9a-f]{64}); package-lock\.json sha256 ([0-9a-f]{64})")
# An L.* name as scripts write it: L.control.scale, L.Renderer.prototype._update.
L_NAME = re.compile(r"(?<![\w$.'\"])L((?:\.[A-Za-z_$][\w$]*)+)")
LICENCE_LINES = ("BSD 2-Clause License", "Copyright (c) 2010-2022, Vladimir Agafonkin",
                 "Copyright (c) 2010-2011, CloudMade",
                 "1. Redistributions of source code must retain the above copyright notice",
                 "2. Redistributions in binary form must reproduce the above copyright notice",
                 'THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"')


def sha256(name: str) -> str:
    return hashlib.sha256((TOOLS / name).read_bytes()).hexdigest()


def locked_leaflet_version() -> str:
    lock = json.loads((TOOLS / "package-lock.json").read_text("utf-8"))
    return lock["packages"]["node_modules/leaflet"]["version"]


@pytest.mark.parametrize("name", ["leaflet.js", "leaflet.css"])
def test_vendored_file_is_the_build_of_the_entry_and_the_lock(name):
    head = (VENDOR / name).read_text("utf-8")[:3000]
    built = BUILT_FROM.search(head)
    assert built, f"storymap/static/vendor/{name} does not say what it was built from: run `make leaflet`"
    version, entry, lock = built.groups()
    assert (entry, lock) == (sha256("entry.js"), sha256("package-lock.json")), (
        f"tools/leaflet/entry.js or package-lock.json changed since storymap/static/vendor/{name} "
        "was built: run `make leaflet` and commit what it writes")
    assert version == locked_leaflet_version()


@pytest.mark.parametrize("name", ["leaflet.js", "leaflet.css"])
def test_vendored_file_starts_with_leaflets_licence(name):
    text = (VENDOR / name).read_text("utf-8")
    assert text.startswith("/* @license\n * Leaflet ")
    head = text[:text.index("*/")]
    for line in LICENCE_LINES:
        assert line in head, f"{name}: the licence header lacks {line!r}"


def test_the_served_script_keeps_the_licence():
    served = assets.assets()["assets/leaflet.js"].decode("utf-8")
    assert served == (VENDOR / "leaflet.js").read_text("utf-8")
    assert all(line in served[:2000] for line in LICENCE_LINES)


def test_package_json_pins_exact_versions():
    package = json.loads((TOOLS / "package.json").read_text("utf-8"))
    pins = {**package.get("dependencies", {}), **package.get("devDependencies", {})}
    assert set(pins) == {"leaflet", "esbuild"}
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", version) for version in pins.values()), pins
    assert pins["leaflet"] == locked_leaflet_version()
    assert "/tools/leaflet/node_modules/" in (REPO / ".gitignore").read_text("utf-8").splitlines()


def test_nothing_shipped_asks_for_leaflets_images():
    files = assets.assets()
    assert not any(path.startswith("assets/images/") for path in files)
    assert "url(" not in files["assets/leaflet.css"].decode("utf-8")
    assert not re.search(r"images/|\.png", files["assets/leaflet.js"].decode("utf-8"))


# --- the names the entry exposes -----------------------------------------------------

def entry_text() -> str:
    text = (TOOLS / "entry.js").read_text("utf-8")
    return re.sub(r"//[^\n]*", "", text)


def exposed() -> dict[str, str]:
    """The global L's keys (from `const L = {...}` and `L.x = ...`), each with the binding it holds."""
    text = entry_text()
    body = re.search(r"const L = \{(.*?)\n\};", text, re.S)
    assert body, "tools/leaflet/entry.js builds the global in `const L = {...};`"
    keys = {}
    for item in (part.strip() for part in body[1].split(",")):
        if item:
            key, _, value = item.partition(":")
            keys[key.strip()] = (value or key).strip()
    keys.update((key, key) for key in re.findall(r"^L\.(\w+) = ", text, re.M))
    return keys


def wired() -> dict[str, set[str]]:
    """Names the entry adds to a binding, as Leaflet's index modules do: control.scale = scale."""
    found: dict[str, set[str]] = {}
    for binding, name in re.findall(r"^(\w+)\.(\w+) = ", entry_text(), re.M):
        found.setdefault(binding, set()).add(name)
    return found


def names_used(text: str) -> set[str]:
    return {match.group(1)[1:] for match in L_NAME.finditer(text)}


@pytest.fixture(scope="module")
def folium_script() -> str:
    """The map.js folium writes for a story with tiles and an opening fit (the most it writes)."""
    result = pipeline.check(FIXTURES / "tiny" / "stories", FIXTURES / "tiny" / "data")
    assert not result.problems
    return str(map_skeleton(result.models[0])[1])


def test_the_scripts_use_names_the_check_can_see(folium_script):
    ours = names_used((assets.STATIC / "js" / "main.js").read_text("utf-8"))
    assert {"control.scale", "popup", "latLngBounds"} <= ours
    assert {"map", "CRS.EPSG3857", "tileLayer"} <= names_used(folium_script)


def test_every_name_our_scripts_use_is_in_the_entry(folium_script):
    scripts = {path.name: path.read_text("utf-8") for path in sorted((assets.STATIC / "js").glob("*.js"))}
    scripts["map.js (folium)"] = folium_script
    keys, added = exposed(), wired()
    missing = []
    for where, text in scripts.items():
        for name in sorted(names_used(text)):
            first, _, rest = name.partition(".")
            second = rest.partition(".")[0]
            if first not in keys:
                missing.append(f"{where}: L.{name}")
            elif second and keys[first] in added and second not in added[keys[first]]:
                missing.append(f"{where}: L.{first}.{second}")  # control.layers, CRS.EPSG4326 ...
    assert not missing, f"tools/leaflet/entry.js does not expose {missing}: add them, then `make leaflet`"


def test_the_check_sees_a_missing_name():
    keys, added = exposed(), wired()
    assert "tileLayer" in keys and "marker" not in keys and "Tooltip" not in keys
    assert "scale" in added["control"] and "layers" not in added["control"]


def test_every_handler_registers_itself():
    text = entry_text()
    for handler in ("BoxZoom", "DoubleClickZoom", "Drag", "Keyboard", "ScrollWheelZoom", "TapHold", "TouchZoom"):
        assert f"from 'leaflet/src/map/handler/Map.{handler}.js'" in text and f"Map.{handler} = {handler};" in text
