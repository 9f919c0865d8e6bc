#!/usr/bin/env python3
"""Draw the fixed, reproducible samples of corpus articles judged by hand on 2026-12-07.

    python3 scripts/draw_judge_sample.py            # prints the 30 doc ids, in draw order
    python3 scripts/draw_judge_sample.py --jsonl /tmp/judge/sample.jsonl   # also writes their lines
    python3 scripts/draw_judge_sample.py --dense --jsonl /tmp/judge2/sample.jsonl   # second, dense draw
    python3 scripts/draw_judge_sample.py --cues --jsonl /tmp/judge3/sample.jsonl    # third, manpower-cue draw
    python3 scripts/draw_judge_sample.py --heldout --jsonl /tmp/heldout/sample.jsonl  # fourth: a held-out set
    python3 scripts/draw_judge_sample.py --fresh --jsonl /tmp/judge5/sample.jsonl     # fifth: a fresh judged sample
    python3 scripts/draw_judge_sample.py --fresh2 --jsonl /tmp/judge6/sample.jsonl    # sixth: a second fresh sample
    python3 scripts/draw_judge_sample.py --fresh3 --jsonl /tmp/judge7/sample.jsonl    # seventh: a third fresh sample
    python3 scripts/draw_judge_sample.py --fresh4 --jsonl /tmp/judge8/sample.jsonl    # eighth: a fourth fresh sample
    python3 scripts/draw_judge_sample.py --fresh5 --jsonl /tmp/judge9/sample.jsonl    # ninth: the last one-cue articles

Excluded before drawing: every doc in training/annotations/*.json (training data), every doc in
../shared/eval/corpus.gold.json and ../shared/eval/seeds.gold.json (gold), and every doc listed in
../shared/eval/reserved_docs.txt (reserved: their texts are never read here, only their ids are
compared). Then random.Random(20261207) draws 24 articles among those matching PATTERN
(case-insensitive) and, from the same generator, 6 among all the remaining eligible articles.

--dense (the second sample, dense in claims): the same exclusions plus the first sample's 30 docs,
then random.Random(20261208) draws 25 articles among those with at least 4 matches of
DENSE_PATTERN (case-insensitive).

--cues (the third sample, drawn on manpower cues): the same exclusions plus the first two samples'
docs, then random.Random(20261209) draws 25 articles among those with at least 2 matches of
CUES_PATTERN (case-insensitive), whose words are about manpower by themselves.

--heldout (the fourth sample, sixth session): the same exclusions plus the first three samples' docs,
then every article left with at least 2 matches of CUES_PATTERN (26) and, drawn by random.Random(20261210),
14 with one match.
Annotated blind (training/heldout/), it is a held-out set: no rule is written from it.

--fresh (the fifth sample, seventh session, issue #12): the same exclusions plus training/heldout/'s
docs and the four earlier draws' docs, then random.Random(20261208) draws 20 articles among those with
at least FRESH_DRAWS[0]'s least matches of CUES_PATTERN. The brief asked for at least 2 matches, but the
held-out draw took every such article: 0 of the 1,585 left have two, 102 have one (92 of them on
`fighters`), so the threshold is 1.

--fresh2 (the sixth sample, issue #12): the same exclusions plus the fifth draw's docs, then
FRESH_DRAWS[1]'s seed draws 20 articles among those with at least FRESH_DRAWS[1]'s least matches of
CUES_PATTERN. The brief asked for at least 2 matches; as for --fresh none is left, so the threshold
is 1 (the 82 one-match articles the fifth draw did not take).

--fresh3 (the seventh sample, issue #12): the same exclusions plus the sixth draw's docs, then
FRESH_DRAWS[2]'s seed draws 20 articles among those with at least FRESH_DRAWS[2]'s least matches of
CUES_PATTERN. The brief asked for at least 2 matches; as for --fresh and --fresh2 none is left, so the
threshold is 1 (the one-match articles the fifth and sixth draws did not take).

--fresh4 (the eighth sample, issue #12): the same exclusions plus the seventh draw's docs, then
FRESH_DRAWS[3]'s seed draws 20 articles (all of them if fewer are left) among those with at least
FRESH_DRAWS[3]'s least matches of CUES_PATTERN. The brief asked for at least 2 matches; as for the three
earlier fresh draws none is left, so the threshold is 1 (the one-match articles no earlier draw took).

--fresh5 (the ninth sample, session 12, issue #12): the same exclusions plus the eighth draw's docs, then
every article left with at least FRESH_DRAWS[4]'s least match of CUES_PATTERN, in the order FRESH_DRAWS[4]'s seed
shuffles them: the last of the corpus's one-cue articles.
"""
from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path("/work/shared")
CORPUS = SHARED / "data" / "corpus" / "news.jsonl"
PATTERN = re.compile(r"recruit\w*|\bchild(?:ren)?\b|\bfighters?\b|\bcamps?\b|\bdefect\w*|\bforeign\b", re.I)
SEED = 20261207
DENSE_PATTERN = re.compile(
    r"recruit\w*|\bchild(?:ren)?\b|\bfighters?\b|\bcamps?\b|\bdefect\w*|\bforeign\b|\bjihadis?t?s?\b|\bmilitants?\b",
    re.I)
DENSE_SEED = 20261208
DENSE_MIN_MATCHES = 4
CUES_PATTERN = re.compile(
    r"foreign fighters|recruit\w*|child soldiers?|training camps?|\bdefect\w*|\bdesert(?:ed|ers?|ion)\b|\bfighters\b|\bconscript\w*",
    re.I)
CUES_SEED = 20261209
CUES_MIN_MATCHES = 2
# the fourth draw (sixth session): a held-out set dense in claims, annotated blind
HELDOUT_SEED = 20261210
# the fresh draws, in order (the fifth to the ninth sample, issue #12): (seed, least CUES_PATTERN matches,
# articles drawn; None: every article left). No article with 2 cue matches was left after the held-out
# draw, so each takes one-match articles; the eighth took all of them if fewer than 20 were left, the
# ninth (session 12) takes every one-cue article no earlier draw took.
FRESH_DRAWS = ((20261208, 1, 20), (20261209, 1, 20), (20261211, 1, 20), (20261212, 1, 20), (20261213, 1, None))


def excluded() -> set[str]:
    out: set[str] = set()
    for path in sorted((ROOT / "training" / "annotations").glob("*.json")):
        out |= {d["doc"] for d in json.loads(path.read_text(encoding="utf-8"))["documents"]}
    for gold in ("corpus.gold.json", "seeds.gold.json"):
        out |= {d["doc"] for d in json.loads((SHARED / "eval" / gold).read_text(encoding="utf-8"))["documents"]}
    out |= {l.strip() for l in (SHARED / "eval" / "reserved_docs.txt").read_text(encoding="utf-8").splitlines() if l.strip()}
    return out


def _scan(corpus: Path, skip: set[str], keep) -> tuple[list[str], dict[str, str]]:
    """The docs whose text `keep` accepts, in corpus order, and every eligible doc's line."""
    lines: dict[str, str] = {}
    pool: list[str] = []
    for line in corpus.open(encoding="utf-8"):
        rec = json.loads(line)
        if rec["doc"] in skip:   # reserved texts are never searched nor kept
            continue
        lines[rec["doc"]] = line
        if keep(rec["text"]):
            pool.append(rec["doc"])
    return pool, lines


def draw(corpus: Path = CORPUS, n_matching: int = 24, n_rest: int = 6) -> tuple[list[str], dict[str, str]]:
    matching, lines = _scan(corpus, excluded(), PATTERN.search)
    rng = random.Random(SEED)
    first = rng.sample(matching, n_matching)
    taken = set(first)
    rest = rng.sample([d for d in lines if d not in taken], n_rest)
    return first + rest, lines


def draw_dense(corpus: Path = CORPUS, n: int = 25) -> tuple[list[str], dict[str, str]]:
    first, _ = draw(corpus)
    dense, lines = _scan(corpus, excluded() | set(first),
                         lambda text: len(DENSE_PATTERN.findall(text)) >= DENSE_MIN_MATCHES)
    return random.Random(DENSE_SEED).sample(dense, n), lines


def draw_cues(corpus: Path = CORPUS, n: int = 25) -> tuple[list[str], dict[str, str]]:
    first, _ = draw(corpus)
    second, _ = draw_dense(corpus)
    cued, lines = _scan(corpus, excluded() | set(first) | set(second),
                        lambda text: len(CUES_PATTERN.findall(text)) >= CUES_MIN_MATCHES)
    return random.Random(CUES_SEED).sample(cued, n), lines


def draw_heldout(corpus: Path = CORPUS, n: int = 40) -> tuple[list[str], dict[str, str]]:
    """The fourth draw, none of the first three draws': every article left with >= 2 matches of
    CUES_PATTERN (the corpus has few: the earlier draws and the annotations took most), then, to make
    up n, articles with one match, drawn by random.Random(HELDOUT_SEED)."""
    earlier = set(draw(corpus)[0]) | set(draw_dense(corpus)[0]) | set(draw_cues(corpus)[0])
    cued, lines = _scan(corpus, excluded() | earlier, lambda text: len(CUES_PATTERN.findall(text)) >= 1)
    matches = {doc: len(CUES_PATTERN.findall(json.loads(lines[doc])["text"])) for doc in cued}
    dense = [doc for doc in cued if matches[doc] >= 2]
    rng = random.Random(HELDOUT_SEED)
    return rng.sample(dense, len(dense)) + rng.sample([d for d in cued if matches[d] == 1], n - len(dense)), lines


def heldout_docs() -> set[str]:
    return {d["doc"] for path in sorted((ROOT / "training" / "heldout").glob("*.json"))
            for d in json.loads(path.read_text(encoding="utf-8"))["documents"]}


def draw_fresh_k(k: int, corpus: Path = CORPUS) -> tuple[list[str], dict[str, str]]:
    """The k-th fresh draw (1 to 5: the fifth to the ninth sample): none of the earlier draws' docs nor the
    held-out annotations', then, by FRESH_DRAWS[k - 1]'s seed, its number of articles among those with at
    least its number of CUES_PATTERN matches (all of them, shuffled, when fewer are left or it says None).
    The earlier fresh draws are made on the way, each once."""
    earlier = (set(draw(corpus)[0]) | set(draw_dense(corpus)[0]) | set(draw_cues(corpus)[0])
               | set(draw_heldout(corpus)[0]) | heldout_docs())
    for seed, least, n in FRESH_DRAWS[:k]:
        cued, lines = _scan(corpus, excluded() | earlier, lambda text: len(CUES_PATTERN.findall(text)) >= least)
        taken = random.Random(seed).sample(cued, len(cued) if n is None else min(n, len(cued)))
        earlier |= set(taken)
    return taken, lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--jsonl", type=Path, help="write the sampled corpus lines here")
    ap.add_argument("--dense", action="store_true",
                    help="the second, claim-dense draw (25 articles with >= 4 matches of DENSE_PATTERN)")
    ap.add_argument("--cues", action="store_true",
                    help="the third draw (25 articles with >= 2 matches of CUES_PATTERN)")
    ap.add_argument("--heldout", action="store_true",
                    help="the fourth draw (40 articles with CUES_PATTERN, the densest left), a held-out set")
    ap.add_argument("--fresh", action="store_true",
                    help="the fifth draw (20 articles with CUES_PATTERN, none of the earlier draws')")
    ap.add_argument("--fresh2", action="store_true",
                    help="the sixth draw (20 articles with CUES_PATTERN, none of the five earlier draws')")
    ap.add_argument("--fresh3", action="store_true",
                    help="the seventh draw (20 articles with CUES_PATTERN, none of the six earlier draws')")
    ap.add_argument("--fresh4", action="store_true",
                    help="the eighth draw (20 articles with CUES_PATTERN, none of the seven earlier draws')")
    ap.add_argument("--fresh5", action="store_true",
                    help="the ninth draw (every article left with CUES_PATTERN, none of the eight earlier draws')")
    args = ap.parse_args()
    fresh = next((k for k, flag in enumerate((args.fresh, args.fresh2, args.fresh3, args.fresh4, args.fresh5), 1) if flag), 0)
    docs, lines = (draw_fresh_k(fresh) if fresh else draw_heldout() if args.heldout else draw_cues() if args.cues
                   else draw_dense() if args.dense else draw())
    for doc in docs:
        print(doc)
    if args.jsonl:
        args.jsonl.parent.mkdir(parents=True, exist_ok=True)
        with args.jsonl.open("w", encoding="utf-8") as f:
            for doc in docs:
                f.write(lines[doc] if lines[doc].endswith("\n") else lines[doc] + "\n")


if __name__ == "__main__":
    main()
