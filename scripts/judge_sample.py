#!/usr/bin/env python3
"""Draw a sample of corpus articles and print their claims for judging by hand.

    muster extract ../shared/data/corpus/news.jsonl -o corpus.jsonl
    python scripts/judge_sample.py corpus.jsonl --seed 2035 > sample.txt

The sample is the one the claims issue's precision figures were judged on: 30 articles that
mention recruits, children, fighters or camps, drawn with random.Random(seed), then (from the same
generator) 15 more of the articles that have claims, not overlapping. Most matching articles are
casualty reports with no claim, so the second draw is what gives enough claims to judge. Each
claim is printed with its evidence and fields; mark it right when its type and sentence are.
"""
from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "corpus" / "news.jsonl"
PATTERN = re.compile(r"recruit\w*|\bchild(?:ren)?\b|\bfighters?\b|\bcamps?\b", re.I)


def draw(corpus: Path, extracted: Path, seed: int, n_matching: int = 30, n_with_claims: int = 15) -> list[str]:
    """The docs of the sample, in the order drawn."""
    matching = [r["doc"] for r in map(json.loads, corpus.open(encoding="utf-8")) if PATTERN.search(r["text"])]
    with_claims = [r["doc"] for r in map(json.loads, extracted.open(encoding="utf-8")) if r["claims"]]
    rng = random.Random(seed)
    first = rng.sample(matching, n_matching)
    taken = set(first)
    return first + rng.sample([d for d in with_claims if d not in taken], n_with_claims)


def show(claim: dict) -> str:
    c = claim.get("count") or {}
    sp = claim.get("speaker") or {}
    fields = {
        "actor": (claim.get("actor") or {}).get("name"),
        "count": f"{c.get('low')}-{c.get('high')} {c.get('unit')}" if c else None,
        "places": ", ".join(f"{p['name']} ({p.get('country')})" for p in claim.get("locations") or []) or None,
        "time": (claim.get("time") or {}).get("start"),
        "speaker": sp.get("name") or sp.get("org") or sp.get("role") or sp.get("text"),
        "flags": ",".join(k for k in ("children", "forced", "hedged", "negated") if claim.get(k)) or None,
    }
    return (f"  [{claim['type']}] {claim['evidence']['text'].strip()}\n    "
            + "; ".join(f"{k}: {v}" for k, v in fields.items() if v is not None))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("extracted", type=Path, help="`muster extract` output over the corpus")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    args = ap.parse_args()
    records = {r["doc"]: r for r in map(json.loads, args.extracted.open(encoding="utf-8"))}
    docs = draw(args.corpus, args.extracted, args.seed)
    n = 0
    for doc in docs:
        rec = records.get(doc)
        claims = rec["claims"] if rec else []
        n += len(claims)
        print(f"== {doc}: {(rec or {}).get('article', {}).get('title') or ''} ({len(claims)} claims)")
        for claim in claims:
            print(show(claim))
    print(f"\n{len(docs)} articles, {n} claims to judge")


if __name__ == "__main__":
    main()
