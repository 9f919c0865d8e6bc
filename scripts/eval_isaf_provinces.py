#!/usr/bin/env python3
"""How often the places stage finds the province of an ISAF press release (an operational genre no place
rule was written on).

    python scripts/eval_isaf_provinces.py [--data ../shared/data/time/isaf_dev.jsonl]

../shared/data/time/isaf_dev.jsonl gives each release's province (gold, for its time layer). A release
counts as found when a province, district or town the places stage finds lies within 100 km of that
province's centre (the gazetteer's; a province is about 100 km across). Releases in training/other/
(the blind claims set) and releases whose gold names several provinces, or one the gazetteer cannot
resolve in Afghanistan, are left out.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from shared_eval import SHARED

from muster.store.ledger import _km  # the ledger's great-circle distance

ROOT = Path(__file__).resolve().parents[1]
NEAR_KM = 100.0


def _province_centre(g, name: str) -> tuple[float, float] | None:
    from muster import gazetteer as gz

    for i in g.lookup(gz.norm(name)):
        if g.cc[i] == "AF" and g.kind[i] == gz.ADMIN1:
            return g.lat[i], g.lon[i]
    return None


def provinces_found(path: Path) -> tuple[int, int]:
    """(releases whose gold province was found, releases scored)."""
    from muster import gazetteer as gz
    from muster.pipeline import process_text

    blind = {line.split("\t")[0] for line in (ROOT / "training" / "other" / "selection.tsv").read_text().splitlines()}
    g = gz.load()
    found = total = 0
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):  # ids as scripts/other_articles.py numbers them
            rec = json.loads(line)
            provinces = rec["gold"].get("province") or []
            centre = _province_centre(g, provinces[0]) if len(provinces) == 1 else None
            if f"isaf_{i}" in blind or centre is None:
                continue
            places = process_text(rec["text"].replace("\u2028", "\n"), mode="annotate").places
            total += 1
            found += any(p.lat is not None and p.precision in ("admin1", "admin2", "city")
                         and _km(p.lat, p.lon, *centre) < NEAR_KM for p in places)
    return found, total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=SHARED / "data" / "time" / "isaf_dev.jsonl")
    args = ap.parse_args()
    found, total = provinces_found(args.data)
    print(f"ISAF releases: the gold province found in {found}/{total} = {found / max(total, 1):.3f}")


if __name__ == "__main__":
    main()
