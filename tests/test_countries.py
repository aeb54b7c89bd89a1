"""Natural Earth's countries: which one a point is in, and how far outside one it lies
(storymap/geo/countries.py)."""
from __future__ import annotations

import csv
import json

import pytest

from storymap.geo import countries

from .conftest import REPO

NATURAL_EARTH = REPO / "data" / "naturalearth"


def test_every_natural_earth_country_but_two_has_a_code():
    geometries = json.loads((NATURAL_EARTH / "countries-50m.json").read_bytes())["objects"]["countries"]["geometries"]
    by_numeric, by_name = countries.read_codes()
    missing = {g["properties"]["name"] for g in geometries
               if str(g.get("id")) not in by_numeric and g["properties"]["name"] not in by_name}
    assert missing == {"Siachen Glacier", "Indian Ocean Ter."}
    assert {"RU", "KP", "CN", "FR", "NO", "XK", "US", "IR"} <= countries.known_codes()
    assert len(countries.known_codes()) > 220


def test_the_code_list_is_a_plain_csv_of_iso_codes():
    with (NATURAL_EARTH / "iso-3166-1.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert all(len(row["alpha2"]) == 2 and row["alpha2"].isupper() for row in rows)
    assert {"numeric": "643", "alpha2": "RU", "name": "Russian Federation"} in rows
    assert {"numeric": "", "alpha2": "XK", "name": "Kosovo"} in rows


@pytest.mark.parametrize("lat, lon, code", [
    (42.4301, 130.6449, "RU"),  # Khasan station
    (42.4217, 130.6026, "KP"),  # Tumangang
    (45.8547, 40.1253, "RU"),  # Tikhoretsk
    (48.85, 2.35, "FR"),  # Paris: Natural Earth gives France's id
    (59.91, 10.75, "NO"),  # Oslo
    (42.66, 21.16, "XK"),  # Pristina: Kosovo has no numeric id, matched by name
    (75.0, 140.0, "RU"),  # the New Siberian Islands: Russia north of 65N is kept
    (66.5, -175.0, "RU"),  # Chukotka east of the 180th meridian
    (-16.8, -179.9, "FJ"),  # Fiji on both sides of it
    (-16.5, 179.3, "FJ"),
    (40.0, 135.0, None),  # the Sea of Japan
])
def test_country_at(lat, lon, code):
    assert countries.country_at(lat, lon) == code


def test_an_unwrapped_longitude_is_read_within_the_world():
    assert countries.country_at(66.5, -175.0 + 360) == "RU"


def test_distance_outside_is_zero_inside_and_none_for_an_unknown_code():
    assert countries.distance_outside_km("RU", 45.8547, 40.1253) == 0.0
    assert countries.distance_outside_km("ZZ", 45.8547, 40.1253) is None


def test_a_port_on_a_generalised_coast_is_only_a_little_outside():
    # Dunai (data/places.yaml) is on the coast; at 1:50m it falls just offshore.
    assert 0 < countries.distance_outside_km("RU", 42.8803, 132.3375) < 5
    # Rajin's point is inside North Korea, and 30 km from Russia.
    assert countries.distance_outside_km("KP", 42.2497, 130.2892) == 0.0
    assert countries.distance_outside_km("RU", 42.2497, 130.2892) == pytest.approx(31.5, abs=1)


def test_swapped_coordinates_of_an_iranian_port_lie_in_russia():
    # A port of IR written as lat 53.372, lon 36.857: that is near Bryansk, in Russia.
    assert countries.country_at(53.372, 36.857) == "RU"
    assert countries.distance_outside_km("IR", 53.372, 36.857) > 1500
    # Swapped back, it is Amirabad on Iran's Caspian coast.
    assert countries.country_at(36.857, 53.372) == "IR"
    assert countries.distance_outside_km("IR", 36.857, 53.372) == 0.0


def test_distance_across_the_180th_meridian():
    # Wrangel Island lies across the meridian; a point in the sea just east of Chukotka's
    # mainland is a few km from Russia and hundreds of km from Alaska.
    assert countries.country_at(71.0, -179.5) == "RU"
    assert countries.distance_outside_km("RU", 67.0, -172.0) < 10
    assert countries.distance_outside_km("US", 67.0, -172.0) > 150
    # West of the meridian, the nearest of Alaska is measured the short way round, across it.
    assert 400 < countries.distance_outside_km("US", 65.0, 179.0) < 550
