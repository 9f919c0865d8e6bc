#!/usr/bin/env python3
"""Score the places stage in-process on GeoVirus (or on any gold set ../shared/eval/geo.py reads).

    python scripts/eval_geovirus.py [--gold ../shared/data/geo/GeoVirus.xml] [--limit N] [--errors FILE]

GeoVirus stores <locations><location><name/><start/><end/><lat/><lon/>, which geo.py cannot read;
this converts it to geo.py's (doc, text, toponyms) form and scores with geo.py's own `score`, so
the figures are comparable with TR-News and LGL. Every GeoVirus location is required (the set
has no demonyms or metonyms). Other gold files are read with geo.py's `load_gold`.
The articles run through the annotate --raw stages that matter for places (metadata, sentences,
places), so offsets point into the text as given. --errors writes misses, false positives and
resolution errors (> 161 km) as JSON Lines, for analysis.
"""
from __future__ import annotations

import argparse
import json
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from shared_eval import SHARED, ruler

from muster.model import Article
from muster.pipeline import Pipeline


def load_geovirus(path: str) -> list[tuple[str, str, list[dict]]]:
    """GeoVirus' <locations> as geo.py's gold tuples."""
    out = []
    for n, art in enumerate(ET.parse(path).getroot().findall("article")):
        text = art.findtext("text") or ""
        tops = []
        for loc in art.find("locations") if art.find("locations") is not None else []:
            start, end = int(loc.findtext("start")), int(loc.findtext("end"))
            lat, lon = loc.findtext("lat"), loc.findtext("lon")
            tops.append({"start": start, "end": end, "lat": float(lat) if lat else None,
                         "lon": float(lon) if lon else None, "required": True, "phrase": text[start:end]})
        out.append((str(n), text, tops))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", default=str(SHARED / "data" / "geo" / "GeoVirus.xml"))
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--ner", default=None, help="override the places stage's ner setting (unsure, off, all)")
    ap.add_argument("--errors", default="")
    args = ap.parse_args()
    geo = ruler("geo")
    root_tag = ET.parse(args.gold).getroot().find("article")
    gold = load_geovirus(args.gold) if root_tag is not None and root_tag.find("locations") is not None \
        else list(geo.load_gold(args.gold))
    if args.limit:
        gold = gold[: args.limit]
    pipe = Pipeline(["metadata", "sentences", "places"])
    if args.ner:
        pipe.config["places"] = {**(pipe.config.get("places") or {}), "ner": args.ner}
    preds = {}
    t0 = time.perf_counter()
    for doc, text, _ in gold:
        art = pipe(Article(doc=doc, text=text, raw=text))
        preds[doc] = [p.to_dict() for p in art.places]
    wall = time.perf_counter() - t0
    res = geo.score(gold, preds)
    r, s = res["recognition"], res["resolution"]
    print(f"{Path(args.gold).name}: {len(gold)} articles; recognition P {r['precision']} R {r['recall']} F1 {r['f1']}; "
          f"acc@161km {s['acc161']} median {s['median_km']} km over {s['resolved']}; "
          f"places {pipe.seconds['places'] / len(gold) * 1000:.1f} ms/article (all {wall:.1f}s)")
    if args.errors:
        with open(args.errors, "w", encoding="utf-8") as fh:
            for doc, text, tops in gold:
                ps = preds[doc]
                for p in ps:
                    if not any(geo.overlaps(p, g) for g in tops):
                        fh.write(json.dumps({"doc": doc, "kind": "fp", "text": p["text"], "name": p.get("name"),
                                             "ctx": text[max(0, p["start"] - 60):p["end"] + 40]}) + "\n")
                for g in tops:
                    if not g["required"]:
                        continue
                    hits = [p for p in ps if geo.overlaps(p, g)]
                    if not hits:
                        fh.write(json.dumps({"doc": doc, "kind": "miss", "text": g["phrase"],
                                             "ctx": text[max(0, g["start"] - 60):g["end"] + 40]}) + "\n")
                    elif g["lat"] is not None:
                        p = hits[0]
                        d = geo.km(g["lat"], g["lon"], p["lat"], p["lon"]) if p.get("lat") is not None else 20038.0
                        if d > 161:
                            fh.write(json.dumps({"doc": doc, "kind": "res", "text": g["phrase"], "km": round(d),
                                                 "gold": [g["lat"], g["lon"]], "pred": [p.get("name"), p.get("country"),
                                                 p.get("precision"), p.get("lat"), p.get("lon")],
                                                 "ctx": text[max(0, g["start"] - 60):g["end"] + 40]}) + "\n")


if __name__ == "__main__":
    main()
