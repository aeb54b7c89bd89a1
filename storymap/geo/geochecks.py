"""Warnings where the map would mislead: checks of the journalist's geography
against Natural Earth that do not stop a build (unless --strict).

- A sea route drawn straight that crosses more than a kilometre of land: the
  reader sees a ship sail over a peninsula.
- A place that lies outside its `country`: most often latitude and longitude
  swapped, which still gives valid numbers when both are under 90.

Each warning stands at the line of the route's or the place's own entry, so the
journalist goes straight to what to change.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from storymap.errors import Problems
from storymap.geo.antimeridian import LatLonPair
from storymap.model import Place, RouteSpec

LAND_TOLERANCE_KM = 1.0  # a straight sea route may clip a headland or a port's own pier
# Natural Earth's 1:50m countries are generalised by a few kilometres along coasts and
# borders, so a port or a border station can sit just outside its country's polygon.
COUNTRY_TOLERANCE_KM = 10.0


def straight_sea_route(route: RouteSpec, line: Sequence[LatLonPair], problems: Problems) -> None:
    """Warn when a sea route drawn straight between its points crosses land."""
    from storymap.geo import land

    crossing = land.km_over_land(line, beyond_ports=True)  # a port a little inland is not the point
    if crossing.km > LAND_TOLERANCE_KM and crossing.near is not None:
        problems.add_warning(route.mark, "sea-route-over-land", km=_km(crossing.km),
                             lat=f"{crossing.near[0]:.2f}", lon=f"{crossing.near[1]:.2f}")


def places_in_their_countries(places: Iterable[Place], problems: Problems) -> None:
    """Warn of each place that lies outside the country written with it. A code that Natural
    Earth does not know is left alone here: the place is still drawn where it is written."""
    from storymap.geo import countries

    known = countries.known_codes()
    for place in places:
        if not place.country or place.country not in known:
            continue
        outside = countries.distance_outside_km(place.country, place.lat, place.lon)
        if outside is None or outside <= COUNTRY_TOLERANCE_KM:
            continue
        swapped = _swapped_inside(place, place.country, countries.distance_outside_km)
        problems.add_warning(place.mark, "place-outside-country", swapped, place=place.id, km=_km(outside),
                             country=place.country)


def _swapped_inside(place: Place, country: str,
                    distance_outside_km: Callable[[str, float, float], float | None]) -> str | None:
    """The hint to swap lat and lon, when the swapped point lies inside the country."""
    if not -90 <= place.lon <= 90:
        return None
    swapped = distance_outside_km(country, place.lon, place.lat)
    if swapped is None or swapped > COUNTRY_TOLERANCE_KM:
        return None
    return f"lat and lon look swapped: lat: {place.lon:g}, lon: {place.lat:g} is inside {country}"


def _km(km: float) -> str:
    """A distance as a journalist reads it: whole kilometres with separators ('1,240')."""
    return f"{km:,.0f}" if km >= 10 else f"{km:.1f}"
