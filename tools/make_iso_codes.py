"""Writes data/naturalearth/iso-3166-1.csv: the ISO 3166-1 alpha-2 code of each country in
data/naturalearth/countries-50m.json, which names its countries by ISO numeric id (field `id`).

    apt-get install iso-codes          # Debian's package of the ISO code lists
    .venv/bin/python tools/make_iso_codes.py

The numeric to alpha-2 pairs and the ISO short names come from iso-codes
(/usr/share/iso-codes/json/iso_3166-1.json). Only the ids Natural Earth uses are written. A few
Natural Earth countries have no numeric id; those listed in BY_NAME are written with an empty
`numeric` and Natural Earth's own name, which storymap/geo/countries.py matches instead.
"""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ISO_CODES = Path("/usr/share/iso-codes/json/iso_3166-1.json")
COUNTRIES = REPO / "data" / "naturalearth" / "countries-50m.json"
TARGET = REPO / "data" / "naturalearth" / "iso-3166-1.csv"
# Natural Earth names without a numeric id. Kosovo has the user-assigned code XK that the
# European Commission and most software use; Somaliland and Northern Cyprus are parts of SO and
# CY in ISO 3166. Left out on purpose: "Siachen Glacier" (disputed between India and Pakistan)
# and "Indian Ocean Ter." (Christmas Island CX and the Cocos Islands CC in one feature).
BY_NAME = {"Kosovo": "XK", "Somaliland": "SO", "N. Cyprus": "CY"}


def main() -> None:
    iso = {entry["numeric"]: entry for entry in json.loads(ISO_CODES.read_text("utf-8"))["3166-1"]}
    geometries = json.loads(COUNTRIES.read_text("utf-8"))["objects"]["countries"]["geometries"]
    used = sorted({g["id"] for g in geometries if g.get("id") in iso})
    unknown = sorted({g["properties"]["name"] for g in geometries if g.get("id") not in iso} - set(BY_NAME))
    with TARGET.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["numeric", "alpha2", "name"])
        for numeric in used:
            writer.writerow([numeric, iso[numeric]["alpha_2"], iso[numeric]["name"]])
        for name, alpha2 in sorted(BY_NAME.items()):
            writer.writerow(["", alpha2, name])
    print(f"{TARGET.relative_to(REPO)}: {len(used) + len(BY_NAME)} rows; without a code: {', '.join(unknown)}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
