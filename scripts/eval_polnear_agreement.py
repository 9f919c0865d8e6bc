#!/usr/bin/env python3
"""How far two PolNeAR annotators agree, by the ruler that scores Muster's attribution layer.

    python scripts/eval_polnear_agreement.py [--data ../shared/data/attribution]

A few PolNeAR articles were annotated by two annotators (two .ann files). This scores the second
annotator's attributions against the first with ../shared/eval/layers.py's own matching (a
prediction matches the first unused gold whose content it overlaps; the source counts when the
two sources overlap), pooled over the doubly annotated articles of each split. It is the
human ceiling for the figures `layers.py attribution` gives Muster.
"""
from __future__ import annotations

import argparse
import glob
import json
import os

from shared_eval import SHARED, ruler


def agreement(split_dir: str) -> dict:
    """Content and source overlap F1 of annotator 2 against annotator 1, as layers.py counts them."""
    L = ruler("layers")
    ov = lambda a, b: a is not None and b is not None and a[0] < b[1] and b[0] < a[1]  # noqa: E731
    n_g = n_p = c_p = c_g = s_g = s_p = s_ov = docs = 0
    for text in sorted(glob.glob(os.path.join(split_dir, "text", "*.txt"))):
        base = os.path.basename(text)[:-4]
        anns = sorted(glob.glob(os.path.join(split_dir, "attributions", base + "_*.ann")))
        if len(anns) < 2:
            continue
        docs += 1
        golds = L.read_ann(anns[0])
        preds = [(a.get("source"), a["content"]) for a in L.read_ann(anns[1])]
        n_g += len(golds)
        n_p += len(preds)
        s_g += sum("source" in g for g in golds)
        s_p += sum(src is not None for src, _c in preds)
        used: set[int] = set()
        for src, con in preds:
            hit = next((i for i, g in enumerate(golds) if i not in used and ov(con, g["content"])), None)
            if hit is None:
                continue
            used.add(hit)
            c_p += 1
            s_ov += ov(src, golds[hit].get("source"))
        c_g += len(used)
    return {"documents": docs, "attributions": n_g, "content_overlap": L.f1(c_p, n_p, c_g, n_g),
            "source_overlap": L.f1(s_ov, s_p, s_ov, s_g)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(SHARED / "data" / "attribution"))
    args = ap.parse_args()
    out = {split: agreement(os.path.join(args.data, split)) for split in ("train", "dev")}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
