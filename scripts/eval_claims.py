#!/usr/bin/env python3
"""Score the claims of corpus articles against a gold file, or against one half of the dev gold.

    python scripts/eval_claims.py --half check            # the figure we report
    python scripts/eval_claims.py --half tune --show-errors
    python scripts/eval_claims.py --gold training/annotations/batch_*.json   # pooled
    python scripts/eval_claims.py --heldout               # the blind held-out set (report, never tune)
    python scripts/eval_claims.py --other check           # articles from outside the corpus (training/other/)
    python scripts/eval_claims.py --half check --named-actors   # the actor only where the article names the group

Only the gold's articles are extracted (from ../shared/data/corpus/news.jsonl, in this process),
then ../shared/eval/score.py scores them. The halves of ../shared/eval/corpus.gold.json are fixed
in training/corpus_gold_split.json: develop on 'tune', report 'check'.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

from shared_eval import SHARED, ruler

ROOT = Path(__file__).resolve().parents[1]
SPLIT = ROOT / "training" / "corpus_gold_split.json"
CORPUS = SHARED / "data" / "corpus" / "news.jsonl"
OTHER = ROOT / "training" / "other"


def half_gold(half: str) -> dict:
    """corpus.gold.json restricted to one half of the fixed split."""
    gold = json.loads((SHARED / "eval" / "corpus.gold.json").read_text(encoding="utf-8"))
    docs = set(json.loads(SPLIT.read_text(encoding="utf-8"))[half])
    return gold | {"documents": [d for d in gold["documents"] if d["doc"] in docs]}


def pooled(paths: list[Path]) -> dict:
    """Several gold files as one: their documents, in order."""
    docs = [d for p in paths for d in json.loads(Path(p).read_text(encoding="utf-8"))["documents"]]
    return {"about": "pooled: " + ", ".join(map(str, paths)), "documents": docs}


def other_gold(half: str) -> dict:
    """The blind annotations of articles from outside the corpus (training/other/), all or one half of
    their fixed split by article."""
    gold = pooled(sorted(OTHER.glob("blind_*.json")))
    if half != "all":
        docs = set(json.loads((OTHER / "split.json").read_text(encoding="utf-8"))[half])
        gold["documents"] = [d for d in gold["documents"] if d["doc"] in docs]
    return gold


def _articles(docs: set[str]) -> list[str]:
    """The JSON lines of the articles named in docs: corpus articles, else those of other sources."""
    with open(CORPUS, encoding="utf-8") as src:
        lines = [line for line in src if json.loads(line)["doc"] in docs]
    found = {json.loads(line)["doc"] for line in lines}
    if docs - found:
        from other_articles import articles
        lines += [json.dumps(a, ensure_ascii=False) + "\n" for a in articles(docs - found)]
    return lines


def article_texts(docs: set[str]) -> dict[str, str]:
    """The texts of the articles named in docs, by doc."""
    return {rec["doc"]: rec["text"] for rec in map(json.loads, _articles(docs))}


def predictions(docs: set[str]) -> dict[str, dict]:
    """`muster extract` records for the articles named in docs."""
    from muster.pipeline import extract

    with tempfile.TemporaryDirectory() as tmp:
        subset = Path(tmp) / "subset.jsonl"
        with open(subset, "w", encoding="utf-8") as out:
            out.writelines(_articles(docs))
        records = {}
        for item in extract([str(subset)]):
            if hasattr(item, "to_extract"):
                records[item.doc] = json.loads(json.dumps(item.to_extract(), ensure_ascii=False))
            else:
                print(f"error: {item.source}: {item.reason}", file=sys.stderr)
        return records


def named_actors_only(gold: dict) -> tuple[dict, int]:
    """The gold with `actor` left out where the article never names the group (spec/annotation.md:
    "Leave it out when the text gives no group"): a gold "Syrian National Army" for "the 10,000-strong
    rebel force" of an article that names no such army is the annotator's knowledge, not the text's.
    A group counts as named when actors.find_named() finds any of its names in the article; returns
    the new gold and how many actors were left out."""
    from muster.actors import find_named, gazetteer

    score, groups = ruler("score"), gazetteer().groups
    texts = article_texts({d["doc"] for d in gold["documents"]})
    docs, dropped = [], 0
    for doc in gold["documents"]:
        named = {groups[gi].name for _, _, gi in find_named(texts.get(doc["doc"], ""))}
        claims = []
        for c in doc["claims"]:
            if c.get("actor") and not any(score.same_actor(c["actor"], n) for n in named):
                c = {k: v for k, v in c.items() if k != "actor"}
                dropped += 1
            claims.append(c)
        docs.append(doc | {"claims": claims})
    return gold | {"documents": docs}, dropped


def evaluate(gold: dict, show_errors: bool = False, resamples: int = 0) -> dict:
    preds = predictions({d["doc"] for d in gold["documents"]})
    result = ruler("score").score(gold, preds, show_errors)
    result["calibration"] = calibration(gold, preds)
    if resamples:
        result["intervals"] = bootstrap(gold, preds, resamples)
    return result


def bootstrap(gold: dict, preds: dict[str, dict], resamples: int, seed: int = 20261208) -> dict:
    """95 % intervals of claim F1, strict F1 and each field's share right, by resampling the gold's
    articles with replacement (the articles, not the claims, are the sample: a set of 20 articles says
    less than its 24 claims suggest). Percentile intervals, seeded: the same gold gives the same figures."""
    score = ruler("score")
    rng = random.Random(seed)
    docs = gold["documents"]
    draws: dict[str, list[float]] = {}
    for _ in range(resamples):
        sample = gold | {"documents": [rng.choice(docs) for _ in docs]}
        r = score.score(sample, preds)
        draws.setdefault("claims F1", []).append(r["claims"]["f1"])
        draws.setdefault("strict F1", []).append(r["strict"]["f1"])
        for f, v in r["fields"].items():
            draws.setdefault(f, []).append(v)
    return {k: (percentile(v, 0.025), percentile(v, 0.975)) for k, v in draws.items()}


def percentile(values: list[float], q: float) -> float:
    """The q-quantile of values, as one of them (no interpolation)."""
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)


def calibration(gold: dict, preds: dict[str, dict], bins: int = 5) -> dict:
    """How well the claims' confidence says how often they are right: a claim is right when a gold
    claim (required or optional) of its type has its evidence phrase in it. Reliability by bin of
    confidence, and the expected calibration error (the bins' gaps weighted by their claims)."""
    score = ruler("score")
    pairs = []
    for doc in gold["documents"]:
        for p in preds.get(doc["doc"], {}).get("claims", []):
            if p.get("confidence") is None:
                continue
            right = any(g["type"] == p["type"] and score.evidence_matches(score.norm(g["evidence"]), score.evidence_text(p))
                        for g in doc["claims"])
            pairs.append((p["confidence"], right))
    table, ece = [], 0.0
    for k in range(bins):
        lo, hi = k / bins, (k + 1) / bins
        inside = [(c, r) for c, r in pairs if lo <= c < hi or (k == bins - 1 and c == 1.0)]
        if inside:
            mean_c = sum(c for c, _ in inside) / len(inside)
            share = sum(r for _, r in inside) / len(inside)
            ece += len(inside) / len(pairs) * abs(mean_c - share)
            table.append({"bin": f"{lo:.1f}-{hi:.1f}", "claims": len(inside), "confidence": round(mean_c, 3),
                          "right": round(share, 3)})
    return {"claims": len(pairs), "ece": round(ece, 3), "bins": table}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    which = ap.add_mutually_exclusive_group(required=True)
    which.add_argument("--half", choices=("tune", "check"))
    which.add_argument("--gold", type=Path, nargs="+", help="gold files over corpus articles (pooled)")
    which.add_argument("--heldout", action="store_true",
                       help="the blind held-out set of training/heldout/ (report only: never tune on it)")
    which.add_argument("--other", choices=("tune", "check", "all"),
                       help="the blind annotations of articles from outside the corpus (training/other/)")
    ap.add_argument("--named-actors", action="store_true",
                    help="score the actor only where the article names the gold's group (the guide's rule)")
    ap.add_argument("--show-errors", action="store_true")
    ap.add_argument("--bootstrap", type=int, default=0, metavar="N",
                    help="also print 95%% intervals from N resamples of the articles (1000 is usual)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.half:
        gold = half_gold(args.half)
    elif args.other:
        gold = other_gold(args.other)
    else:
        gold = pooled(args.gold or sorted((ROOT / "training" / "heldout").glob("blind_*.json")))
    if args.named_actors:
        gold, dropped = named_actors_only(gold)
        print(f"actor left out of {dropped} gold claims whose group the article never names")
    result = evaluate(gold, args.show_errors, args.bootstrap)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for line in result.get("errors", []):
        print(line)
    print("per type:", ", ".join(f"{t} F1 {v['f1']}" for t, v in result["per_type"].items()))
    print("fields:", ", ".join(f"{f} {v:.2f} ({n[0]}/{n[1]})" for (f, v), n in
                               zip(result["fields"].items(), result["field_counts"].values())))
    print(f"article checks: {result['article']}")
    cal = result["calibration"]
    print(f"confidence: ECE {cal['ece']} over {cal['claims']} claims; by bin: " +
          ", ".join(f"{b['bin']}: {b['claims']} claims, mean {b['confidence']}, right {b['right']}" for b in cal["bins"]))
    c, s = result["claims"], result["strict"]
    print(f"claims P {c['precision']} R {c['recall']} F1 {c['f1']} "
          f"({c['matched']} matched, {c['predicted']} predicted, {c['gold']} gold); strict F1 {s['f1']}")
    if "intervals" in result:
        print(f"95% intervals over {args.bootstrap} resamples of the {len(gold['documents'])} articles: " +
              ", ".join(f"{k} {lo:.2f}-{hi:.2f}" for k, (lo, hi) in result["intervals"].items()))


if __name__ == "__main__":
    main()
