#!/usr/bin/env python3
"""Why Muster misses the operation date of an ISAF release, release by release.

    python scripts/eval_isaf_misses.py [--gold ../shared/data/time/isaf_dev.jsonl] [--show N]

Runs the times layer on every release (as `layers.py times` does, the text alone, anchored on its
own dateline) and sorts the releases whose gold start_date is not among the resolved times:

- no full date: the release gives no day with its month and year (no dateline, or one without a
  year), so no date can be resolved from its words;
- gold off the text: a date is resolved from the release's own dateline and words ("(Feb. 9,
  2011) ... yesterday" is Feb. 8), and the gold date lies one to three days from it;
- other: anything else (a real miss, or a gold date the text does not hold at all).

Only the last group can be won by following the text.
"""
from __future__ import annotations

import argparse
import json
import re
from datetime import date
from pathlib import Path

from muster.pipeline import process_text

SHARED = Path(__file__).resolve().parents[2] / "shared"
_FULL_DATE = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},?\s+(?:19|20)\d\d\b"
    r"|\b\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?,?\s+(?:19|20)\d\d\b"
    r"|\b(?:19|20)\d\d-\d\d-\d\d\b")


def classify(text: str, gold: str) -> tuple[str, list[str]]:
    art = process_text(text, mode="annotate_raw")
    got = sorted({str(t.start_date) for t in art.times if t.start_date})
    if gold in got:
        return "found", got
    if not _FULL_DATE.search(text):
        return "no full date", got
    g = date.fromisoformat(gold)
    if any(0 < abs((date.fromisoformat(d) - g).days) <= 3 for d in got):
        return "gold off the text", got
    return "other", got


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", default=str(SHARED / "data" / "time" / "isaf_dev.jsonl"))
    ap.add_argument("--show", type=int, default=0, help="print up to N releases of the 'other' group")
    args = ap.parse_args()
    counts: dict[str, int] = {}
    others = []
    rows = [json.loads(line) for line in open(args.gold, encoding="utf-8") if line.strip()]
    for r in rows:
        kind, got = classify(r["text"], r["gold"]["start_date"])
        counts[kind] = counts.get(kind, 0) + 1
        if kind == "other":
            others.append((r["gold"]["start_date"], got, r["text"][:300]))
    found = counts.get("found", 0)
    reachable = len(rows) - counts.get("no full date", 0) - counts.get("gold off the text", 0)
    print(json.dumps({"releases": len(rows), **counts, "found_share": round(found / len(rows), 3),
                      "most_the_text_allows": round(reachable / len(rows), 3)}, indent=2))
    for o in others[: args.show]:
        print(o)


if __name__ == "__main__":
    main()
