"""Routing figures: for each test sea route, km over land, how far each end's water is from its
port (the snap), the length and the time, each route computed cold (in a fresh process, land and
grids loaded as a build would).

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
        print(json.dumps(measure_sea(sys.argv[2])))
        return
    print(f"{'sea route':44} {'over land':>9} {'snap a':>7} {'snap b':>7} {'length':>9} {'pts':>4} {'time':>6}")
    for name in SEA_ROUTES:
        done = subprocess.run([sys.executable, __file__, "--one", name], capture_output=True, text=True,
                              check=True, cwd=REPO)
        row = json.loads(done.stdout)
        print(f"{name:44} {row['over_land_km']:7.2f}km {row['snap_start_km']:5.2f}km {row['snap_end_km']:5.2f}km "
              f"{row['length_km']:7.0f}km {row['vertices']:4d} {row['seconds']:5.2f}s")
    print("over land: beyond each port's own connector; snap: the connector from a port on land to the "
          "water (0 when the port is on water); time: cold, in a fresh process")


if __name__ == "__main__":
    main()
