"""Routing figures: for each test sea route, km over land, how far each end's water is from its
port (the snap), the length and the time; for each rail route, the km outside its `within`
countries, how far each end is from the track, the length and the time. Each route is computed
cold (in a fresh process, land, grids and network loaded as a build would).

    .venv/bin/python bench/routing.py
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SEA_ROUTES = {  # (lat, lon) of the ports; Rajin, Dunai and Vladivostok as in data/places.yaml
    "Rajin -> Dunai": [(42.2497, 130.2892), (42.8803, 132.3375)],
    "Amirabad -> Makhachkala": [(36.857, 53.372), (42.98, 47.51)],
    "Vladivostok -> Novorossiysk": [(43.1165, 131.8824), (44.72, 37.78)],
    "Petropavlovsk-Kamchatsky -> Dutch Harbor": [(53.02, 158.65), (53.89, -166.54)],
}

RAIL_ROUTES = {  # (place ids of data/places.yaml, within)
    "Khasan -> Tikhoretsk via Chita, Irkutsk (RU)": (["khasan-station", "chita", "irkutsk", "tikhoretsk"], ("RU",)),
    "Khasan -> Tikhoretsk (RU, KP)": (["khasan-station", "tikhoretsk"], ("RU", "KP")),
    "Khasan -> Tikhoretsk (anywhere)": (["khasan-station", "tikhoretsk"], ()),
    "Tumangang -> Khasan (KP, RU)": (["tumangang-rail", "friendship-bridge", "khasan-station"], ("KP", "RU")),
}


def place_points(ids: list[str]) -> list[tuple[float, float]]:
    import yaml

    places = {p["id"]: (p["lat"], p["lon"]) for p in yaml.safe_load((REPO / "data" / "places.yaml").read_text())}
    return [places[i] for i in ids]


def measure_rail(name: str) -> dict[str, object]:
    """One rail route, timed from a cold start (network read and indexed as a build would)."""
    import numpy as np

    ids, within = RAIL_ROUTES[name]
    points = place_points(ids)
    started = time.perf_counter()
    from storymap.geo import countries, rail
    from storymap.geo.length import length_km

    route = rail.rail_route(points, within)
    line = rail.rail_path(points, within)
    seconds = time.perf_counter() - started
    found = countries.countries_at(np.array([p[0] for p in line]), np.array([p[1] for p in line]))
    outside = sum(1 for code in found if within and code is not None and code not in within)
    return {"route": name, "points_outside": outside, "snap_start_km": length_km(route.line[:2]),
            "snap_end_km": length_km(route.line[-2:]), "track_km": route.track_km, "length_km": length_km(line),
            "vertices": len(line), "seconds": seconds}


def measure_sea(name: str) -> dict[str, object]:
    """One route, timed from a cold start of the router."""
    import numpy as np

    started = time.perf_counter()
    from storymap.geo import land, sea

    line = sea.sea_path(SEA_ROUTES[name])
    seconds = time.perf_counter() - started
    lats = np.array([lat for lat, _ in line])
    lons = np.array([lon for _, lon in line])
    geod = land.geod()

    def km(a: tuple[float, float], b: tuple[float, float]) -> float:
        return float(geod.inv(a[1], a[0], b[1], b[0])[2]) / 1000

    start_snap = km(line[0], line[1]) if land.km_over_land(line[:2]).km > 0 else 0.0
    end_snap = km(line[-2], line[-1]) if land.km_over_land(line[-2:]).km > 0 else 0.0
    return {"route": name, "over_land_km": land.km_over_land(line[1:-1]).km,
            "snap_start_km": start_snap, "snap_end_km": end_snap,
            "length_km": float(geod.line_length(lons, lats)) / 1000, "vertices": len(line), "seconds": seconds}


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(measure_sea(sys.argv[2]) if sys.argv[2] in SEA_ROUTES else measure_rail(sys.argv[2])))
        return
    print(f"{'sea route':44} {'over land':>9} {'snap a':>7} {'snap b':>7} {'length':>9} {'pts':>4} {'time':>6}")
    for name in SEA_ROUTES:
        row = _cold(name)
        print(f"{name:44} {row['over_land_km']:7.2f}km {row['snap_start_km']:5.2f}km {row['snap_end_km']:5.2f}km "
              f"{row['length_km']:7.0f}km {row['vertices']:4d} {row['seconds']:5.2f}s")
    print("over land: beyond each port's own connector; snap: the connector from a port on land to the "
          "water (0 when the port is on water); time: cold, in a fresh process")
    print()
    print(f"{'rail route':44} {'outside':>7} {'snap a':>7} {'snap b':>7} {'track':>8} {'drawn':>8} {'pts':>5} "
          f"{'time':>6}")
    for name in RAIL_ROUTES:
        row = _cold(name)
        print(f"{name:44} {row['points_outside']:7d} {row['snap_start_km']:5.2f}km {row['snap_end_km']:5.2f}km "
              f"{row['track_km']:6.0f}km {row['length_km']:6.0f}km {row['vertices']:5d} {row['seconds']:5.2f}s")
    print("outside: drawn points outside the within countries (Natural Earth 1:50m); snap: the first and "
          "last connector (to the first spot on a track); track: along the rails; drawn: the line the map "
          "draws (simplified within 200 m); time: cold, in a fresh process, both lines")


def _cold(name: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--one", name], capture_output=True, text=True,
                          check=True, cwd=REPO)
    return json.loads(done.stdout)


if __name__ == "__main__":
    main()
