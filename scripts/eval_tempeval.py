#!/usr/bin/env python3
"""Score Muster's time expressions on TempEval-3 (TimeBank + AQUAINT, TimeML with TIMEX3 values).

    python scripts/eval_tempeval.py [--data ../shared/data/time/data/TBAQ-cleaned] [--limit N] [--json] [--errors K]

Each document's text is the <TEXT> element with its tags removed; the anchor is the document
creation time (<DCT>). Recognition: a predicted expression matches a gold TIMEX3 when their
spans overlap (one to one, in text order); precision, recall and F1 over those matches, and
also for exact spans. Value accuracy: the share of matched expressions whose TIMEX3 value
(e.g. "1998-08-07", "1998-W32", "P3Y", "PRESENT_REF") equals the gold value, overall and
by gold type.
"""
from __future__ import annotations

import argparse
import glob
import html
import json
import os
import re
import sys
import time
from collections import Counter
from datetime import date

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src"))

from muster.times import find_times, parse_anchor  # noqa: E402

DEFAULT_DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..", "shared", "data", "time",
                            "data", "TBAQ-cleaned")
_TAG = re.compile(r"<(/?)(\w+)([^>]*)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def read_tml(path: str) -> tuple[str, date | None, list[dict]]:
    """The plain text, the creation date and the gold TIMEX3s (with offsets into the plain text)."""
    raw = open(path, encoding="utf-8").read()
    dct = re.search(r"<DCT>.*?value=\"([^\"]+)\"", raw, re.S)
    anchor = parse_anchor(dct.group(1)) if dct else None
    body = re.search(r"<TEXT>(.*?)</TEXT>", raw, re.S).group(1)
    out, gold, pos, open_timex = [], [], 0, None
    length = 0
    for m in _TAG.finditer(body):
        piece = html.unescape(body[pos:m.start()])
        out.append(piece)
        length += len(piece)
        pos = m.end()
        closing, name, attrs = m.group(1), m.group(2), m.group(3)
        if name != "TIMEX3":
            continue
        if not closing:
            open_timex = {"start": length, **dict(_ATTR.findall(attrs))}
            if attrs.rstrip().endswith("/"):
                open_timex = None  # an empty TIMEX3 has no text
        elif open_timex is not None:
            open_timex["end"] = length
            gold.append(open_timex)
            open_timex = None
    out.append(html.unescape(body[pos:]))
    text = "".join(out)
    for g in gold:
        g["text"] = text[g["start"]:g["end"]]
    return text, anchor, gold


def score(paths: list[str], errors: int = 0) -> dict:
    n_g = n_p = tp_ov = tp_ex = val_ok = 0
    by_type: Counter = Counter()
    by_type_ok: Counter = Counter()
    wrong: list[tuple] = []
    missed: Counter = Counter()
    spurious: Counter = Counter()
    t0 = time.perf_counter()
    for path in paths:
        text, anchor, gold = read_tml(path)
        pred = find_times(text, anchor)
        n_g += len(gold)
        n_p += len(pred)
        used: set[int] = set()
        for p in pred:
            hit = next((i for i, g in enumerate(gold) if i not in used and p.start < g["end"] and g["start"] < p.end), None)
            if hit is None:
                spurious[p.text.lower()] += 1
                continue
            used.add(hit)
            g = gold[hit]
            tp_ov += 1
            tp_ex += (p.start, p.end) == (g["start"], g["end"]) or _strip_prep(p.text) == g["text"]
            typ = g.get("type", "?")
            by_type[typ] += 1
            if p.value == g.get("value"):
                val_ok += 1
                by_type_ok[typ] += 1
            elif len(wrong) < errors:
                wrong.append((os.path.basename(path), anchor.isoformat() if anchor else None, g["text"], g.get("value"), p.text, p.value))
        for i, g in enumerate(gold):
            if i not in used:
                missed[g["text"].lower()] += 1
    secs = time.perf_counter() - t0

    def prf(tp: int) -> dict:
        p = tp / n_p if n_p else 0.0
        r = tp / n_g if n_g else 0.0
        return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}

    res = {"documents": len(paths), "gold": n_g, "predicted": n_p, "overlap": prf(tp_ov), "exact": prf(tp_ex),
           "value_accuracy": round(val_ok / tp_ov, 3) if tp_ov else 0.0,
           "value_accuracy_by_type": {t: round(by_type_ok[t] / by_type[t], 3) for t in sorted(by_type)},
           "matched_by_type": dict(sorted(by_type.items())), "seconds": round(secs, 2)}
    if errors:
        res["wrong_values"] = wrong
        res["missed"] = missed.most_common(errors)
        res["spurious"] = spurious.most_common(errors)
    return res


def _strip_prep(s: str) -> str:
    return re.sub(r"^(?:on|in|during|within|since|throughout)\s+", "", s, flags=re.IGNORECASE)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--limit", type=int, default=0, help="score only the first N documents (sorted by name)")
    ap.add_argument("--errors", type=int, default=0, help="list up to K wrong values, missed and spurious expressions")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    paths = sorted(glob.glob(os.path.join(args.data, "*", "*.tml")))
    if not paths:
        sys.exit(f"no .tml files under {args.data}")
    if args.limit:
        paths = paths[: args.limit]
    res = score(paths, args.errors)
    if args.json:
        print(json.dumps(res, indent=1))
        return
    for k in ("documents", "gold", "predicted", "overlap", "exact", "value_accuracy", "value_accuracy_by_type",
              "matched_by_type", "seconds"):
        print(f"{k:24} {res[k]}")
    for k in ("wrong_values", "missed", "spurious"):
        if k in res:
            print(f"\n{k}:")
            for row in res[k]:
                print("  ", row)


if __name__ == "__main__":
    main()
