"""Choose the corpus articles to annotate for training the claim finder (deterministic).

    python training/select_articles.py [--seed 12] > training/annotations/selection.tsv

Most are drawn from articles that use manpower words at least three times (dense in claims),
some from the rest (few or no claims), so that the finder learns what is *not* a claim too.
A second round adds every remaining article with five manpower words or more (the densest).
Left out: the 40 articles of ../shared/eval/corpus.gold.json (our dev set) and the articles of
../shared/eval/reserved_docs.txt (kept for the held-back check). The keyword count is only a
sampling weight; annotators never see any output of the software.
"""
from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
MANPOWER_WORDS = re.compile(
    r"\b(recruit\w*|fighters?|militants?|conscript\w*|child soldiers?|defect\w*|desert\w*|"
    r"training camps?|ranks|salar\w*|jihadists?|troops|enlist\w*|joined|join)\b", re.I)


def excluded_docs() -> set[str]:
    gold = json.loads((SHARED / "eval/corpus.gold.json").read_text())["documents"]
    reserved = (SHARED / "eval/reserved_docs.txt").read_text().splitlines()
    return {d["doc"] for d in gold} | {l.strip() for l in reserved if l.strip() and not l.startswith("#")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--dense", type=int, default=155, help="articles with 3+ manpower words")
    ap.add_argument("--sparse", type=int, default=35, help="articles with fewer")
    args = ap.parse_args()
    skip = excluded_docs()
    dense, sparse = [], []
    with open(SHARED / "data/corpus/news.jsonl", encoding="utf-8") as f:
        for line in f:
            art = json.loads(line)
            if art["doc"] in skip:
                continue
            hits = len(MANPOWER_WORDS.findall(art["text"]))
            (dense if hits >= 3 else sparse).append((art["doc"], hits, len(art["text"])))
    rng = random.Random(args.seed)
    chosen = rng.sample(sorted(dense), args.dense) + rng.sample(sorted(sparse), args.sparse)
    taken = {doc for doc, _, _ in chosen}
    densest = [a for a in sorted(dense) if a[1] >= 5 and a[0] not in taken]
    print("doc\tmanpower_words\tchars\tround")
    for rnd, arts in ((1, chosen), (2, densest)):
        for doc, hits, chars in arts:
            print(f"{doc}\t{hits}\t{chars}\t{rnd}")


if __name__ == "__main__":
    main()
