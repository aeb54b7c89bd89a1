"""Route files: the formats read, how their content is checked, and reading them with GDAL.

GDAL reads hundreds of formats, and some of them are instructions to read
something else: a VRT file pulls in any local file, a `/vsicurl/` path or a
GeoJSON `crs` link makes a network request, a GeoPackage can hold a virtual
table over another file. So only six formats are read, each recognised by its
extension and confirmed by its first bytes (and, for the text formats, a scan
for anything that names another file or address); GDAL gets the checked bytes
(never a path, so it cannot look beside the file either), runs with its
network access pointed nowhere, and must have read them with the expected
driver. Size is capped before GDAL starts; points are capped in geodata.py.
"""
from __future__ import annotations

import io
import json
import re
import warnings
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from storymap.source import files
from storymap.errors import Mark, Problems, display_path

if TYPE_CHECKING:
    from geopandas import GeoDataFrame

MAX_ROUTE_BYTES = 20 * 1024 * 1024
SHAPEFILE_PARTS = (".shx", ".dbf", ".prj", ".cpg")  # what GDAL reads beside a .shp
SIDECARS = (*SHAPEFILE_PARTS, ".qix", ".sbn", ".sbx")  # not route files of their own
METADATA = (".shp.xml", ".aux.xml")  # what ArcGIS and GDAL write beside a file: never read

Found = tuple[str, dict[str, str]]  # a problem: its code and the values its message names
Check = Callable[[bytes], "Found | None"]


@dataclass(frozen=True)
class RouteFormat:
    name: str  # as a journalist knows it
    drivers: tuple[str, ...]  # the GDAL drivers that may read it
    check: Check


def _refers_elsewhere(data: bytes) -> Found | None:
    if b"/vsi" in data:  # GDAL's virtual file systems: /vsicurl/, /vsizip/, /vsistdin/ ...
        return "route-reference", {"what": "a GDAL /vsi path"}
    return None


_SAFE_CRS_NAME = re.compile(r"^(?:EPSG:\d{1,6}|urn:ogc:def:crs:(?:EPSG|OGC):[\d.]*:[A-Za-z0-9]+)$", re.IGNORECASE)
GEOJSON_TYPES = {"FeatureCollection", "Feature", "LineString", "MultiLineString", "GeometryCollection", "Point",
                 "MultiPoint", "Polygon", "MultiPolygon"}


def _check_geojson(data: bytes) -> Found | None:
    """A JSON object of a GeoJSON type whose `crs`, if any, is a plain EPSG/OGC name: GDAL
    fetches a `link` CRS over the network and looks up a `name` that is a file path."""
    found = _refers_elsewhere(data)
    if found:
        return found
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "route-content", {"format": "GeoJSON"}
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return "route-unreadable", {"reason": "it is not UTF-8 text"}
    except json.JSONDecodeError as err:
        return "route-unreadable", {"reason": f"it is not valid JSON: {err.msg} at line {err.lineno}, "
                                              f"column {err.colno}"}
    except RecursionError:
        return "route-unreadable", {"reason": "its lists are nested too deeply"}
    if not isinstance(document, dict) or document.get("type") not in GEOJSON_TYPES:
        return "route-content", {"format": "GeoJSON"}
    if not all(_safe_crs(crs) for crs in _crs_members(document)):
        return "route-reference", {"what": "a coordinate reference system given by a link or a file name"}
    return None


def _crs_members(document: dict[str, object]) -> Iterator[object]:
    """Every `crs` member, at any depth (coordinate lists are not walked)."""
    stack: list[object] = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "crs" in item:
                yield item["crs"]
            stack.extend(value for key, value in item.items() if key not in ("coordinates", "crs"))
        elif isinstance(item, list):
            stack.extend(value for value in item if isinstance(value, (dict, list)))


def _safe_crs(crs: object) -> bool:
    if crs is None:
        return True
    if not isinstance(crs, dict) or not isinstance(crs.get("properties"), dict):
        return False
    properties = crs["properties"]
    if crs.get("type") == "name":
        return isinstance(properties.get("name"), str) and bool(_SAFE_CRS_NAME.match(properties["name"]))
    return crs.get("type") == "EPSG" and isinstance(properties.get("code"), int)


def _xml_check(root_element: str, name: str) -> Check:
    """An XML document whose first element is root_element, without a DOCTYPE (entities
    can name other files) and without /vsi paths."""
    first = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?[^>]*\?>\s*|<!--.*?-->\s*)*<(?:[\w.-]+:)?"
                       + root_element.encode() + rb"[\s>/]", re.DOTALL)

    def check(data: bytes) -> Found | None:
        if re.search(rb"<!(?:DOCTYPE|ENTITY)", data, re.IGNORECASE):
            return "route-reference", {"what": "an XML DOCTYPE or ENTITY declaration"}
        if not first.match(data[:65536]):
            return "route-content", {"format": name}
        return _refers_elsewhere(data)
    return check


def _starts_with(name: str, test: Callable[[bytes], bool]) -> Check:
    return lambda data: None if test(data) else ("route-content", {"format": name})


def _check_geopackage(data: bytes) -> Found | None:
    if not (data.startswith(b"SQLite format 3\x00") and data[68:72] in (b"GPKG", b"GP10", b"GP11")):
        return "route-content", {"format": "GeoPackage"}
    if re.search(rb"(?i)virtualogr", data):  # a virtual table over any file GDAL can open
        return "route-reference", {"what": "a VirtualOGR table"}
    return None


GEOJSON = RouteFormat("GeoJSON", ("GeoJSON",), _check_geojson)
FORMATS: dict[str, RouteFormat] = {
    ".geojson": GEOJSON,
    ".json": GEOJSON,
    ".gpkg": RouteFormat("GeoPackage", ("GPKG",), _check_geopackage),
    ".kml": RouteFormat("KML", ("LIBKML", "KML"), _xml_check("kml", "KML")),
    ".gpx": RouteFormat("GPX", ("GPX",), _xml_check("gpx", "GPX")),
    ".shp": RouteFormat("Shapefile", ("ESRI Shapefile",),
                        _starts_with("Shapefile", lambda data: data[:4] == b"\x00\x00\x27\x0a")),
    ".fgb": RouteFormat("FlatGeobuf", ("FlatGeobuf",),
                        _starts_with("FlatGeobuf", lambda data: data[:3] == b"fgb" and data[4:7] == b"fgb")),
}

# GDAL's network access while route files are read: any HTTP request goes to a closed local
# port, /vsicurl/ and its kin accept no address, SQLite databases reach no other file.
OFFLINE = {
    "GDAL_HTTP_PROXY": "127.0.0.1:9",
    "GDAL_HTTPS_PROXY": "127.0.0.1:9",
    "CPL_VSIL_CURL_ALLOWED_FILENAME": "/no-network-access",
    "GDAL_HTTP_MAX_RETRY": "0",
    "OGR_SQLITE_ALLOW_EXTERNAL_ACCESS": "NO",
}


@contextmanager
def offline() -> Iterator[None]:
    import pyogrio

    before = {name: pyogrio.get_gdal_config_option(name) for name in OFFLINE}
    pyogrio.set_gdal_config_options(OFFLINE)
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(before)


def route_format(path: Path) -> RouteFormat | None:
    return FORMATS.get(path.suffix.lower())


def is_companion(path: Path) -> bool:
    """A file that belongs to a route file (a shapefile's parts, metadata) rather than being one."""
    return path.suffix.lower() in SIDECARS or path.name.lower().endswith(METADATA)


def read_frame(path: Path, problems: Problems, root: Path | None = None) -> GeoDataFrame | None:
    """The route file as a GeoDataFrame of its line layer, or None after recording why not."""
    shown = Mark(display_path(path))
    form = route_format(path)
    if form is None:
        problems.add(shown, "route-format", name=path.name)
        return None
    data = _read(path, root, shown, problems)
    if data is None:
        return None
    found = form.check(data)
    if found:
        problems.add(shown, found[0], **found[1])
        return None
    if form.name == "Shapefile":
        data = _shapefile_archive(path, data, root, problems)
        if data is None:
            return None
    return _read_with_gdal(data, form, shown, problems)


def _read(path: Path, root: Path | None, shown: Mark, problems: Problems, limit: int = MAX_ROUTE_BYTES) -> bytes | None:
    try:
        return files.read_bytes(path, root, limit)
    except files.Refusal as refusal:
        problems.add(shown, "route-too-large" if refusal.code == "file-too-large" else refusal.code, **refusal.values)
    except OSError as err:
        problems.add(shown, "route-unreadable", reason=err.strerror or err)
    return None


def _shapefile_archive(path: Path, shp: bytes, root: Path | None, problems: Problems) -> bytes | None:
    """The .shp and the parts beside it (each checked like the .shp) as one zip in memory,
    the form in which GDAL reads a shapefile from bytes."""
    parts = {".shp": shp}
    beside = [p for p in sorted(path.parent.iterdir()) if p.stem == path.stem and p.suffix.lower() in SHAPEFILE_PARTS]
    for part in beside:
        data = _read(part, root, Mark(display_path(part)), problems, MAX_ROUTE_BYTES - sum(map(len, parts.values())))
        if data is None:
            return None
        parts[part.suffix.lower()] = data
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zipped:
        for suffix, data in parts.items():
            zipped.writestr(f"route{suffix}", data)
    return archive.getvalue()


def import_reader() -> None:
    """Imports GDAL's reader ahead of the first route file: pyogrio brings pandas and geopandas,
    half a second a build can spend while other processes parse its event files."""
    import pyogrio  # noqa: F401


def _read_with_gdal(data: bytes, form: RouteFormat, shown: Mark, problems: Problems) -> GeoDataFrame | None:
    """GDAL reads the checked bytes with its network off. The first layer of lines that has
    features is read (a GPX file starts with waypoints, then routes, then tracks), and only
    when the driver that opened it is the format's own."""
    import pyogrio

    try:
        with offline(), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # GDAL's notes on the in-memory copy's name
            kinds = [kind for _, kind in pyogrio.list_layers(data)]  # by position: names can be made up anew
            layers = [n for n, kind in enumerate(kinds) if kind and "LineString" in kind] or [0]
            for layer in layers:
                info = pyogrio.read_info(data, layer=layer, force_feature_count=True)
                if info["driver"] not in form.drivers:
                    problems.add(shown, "route-content", format=form.name)
                    return None
                if info["features"] or layer == layers[-1]:
                    return pyogrio.read_dataframe(data, layer=layer)
    except Exception as err:  # GDAL's errors have no common base class
        problems.add(shown, "route-unreadable", reason=gdal_reason(err))
    return None


def gdal_reason(err: Exception) -> str:
    """GDAL's first sentence, without its advice for programmers or its in-memory file name."""
    first = (str(err).splitlines() or ["unknown error"])[0]
    if "not recognized as being in a supported file format" in first:
        return "it is not in a format GDAL reads"
    first = re.sub(r"'?/vsi\w+/[^\s':]*'?", "the file", first)
    return first.split("; It might help")[0].rstrip(".;") or "unknown error"
