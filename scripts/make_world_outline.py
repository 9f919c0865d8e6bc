"""Write src/muster/data/world_outline.json: every country's outline, simplified for a small map
(points closer than 0.25 degrees to the last kept one dropped, coordinates rounded to 0.1 degree).
Source: the country outlines shipped in countryinfo 1.0.1 (MIT), a dependency already.
Run: .venv/bin/python scripts/make_world_outline.py"""
import json
import os

import countryinfo

MIN_STEP = 0.25


def simplify(ring):
    out = []
    for lon, lat in ring:
        if not out or abs(lon - out[-1][0]) + abs(lat - out[-1][1]) >= MIN_STEP:
            out.append([round(lon, 1), round(lat, 1)])
    return out if len(out) >= 4 else []


def main():
    world = {}
    for info in countryinfo.all_countries():
        try:
            code = info.iso(2)
            gj = info.geo_json()
        except Exception:
            continue
        rings = []
        for feat in gj.get("features", []):
            geom = feat["geometry"]
            polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
            for poly in polys:
                ring = simplify(poly[0])
                if ring:
                    rings.append(ring)
        if rings and code:
            world[code] = rings
    path = os.path.join(os.path.dirname(__file__), "..", "src", "muster", "data", "world_outline.json")
    with open(path, "w", encoding="utf-8") as fh:
        json.dump({"source": f"countryinfo {getattr(countryinfo, '__version__', '1.0.1')} (MIT), simplified",
                   "countries": world}, fh, separators=(",", ":"))
    print(len(world), "countries,", os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
