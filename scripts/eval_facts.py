"""Pairwise precision and recall of facts.relate() against the gold pairs (training/facts_gold/).

    python scripts/eval_facts.py [--db LEDGER] [--half tune|check|both] [--json] [--sweep] [--unmatched]
                                 [--errors]

The gold names each claim by its article's `doc`, its type and its evidence offsets, so it
survives re-extraction; claims are found in a ledger (by default a temporary one holding only the
gold's articles, ingested from ../shared/data/corpus/news.jsonl). --sweep prints each threshold of
data/facts.yaml varied on the TUNE half only: the measurement its value rests on. --errors prints the
TUNE half's wrongly related pairs with both claims' fields (never the check half's: its pairs are
scored, not read, so that it stays a half nothing was tuned on).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_claims import percentile  # noqa: E402  (the scripts beside this one)

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "training" / "facts_gold" / "pairs.json"
NOT_EXTRACTED = ROOT / "training" / "facts_gold" / "claims_not_extracted.json"
CORPUS = Path(os.environ.get("MUSTER_SHARED", ROOT.parent / "shared")) / "data" / "corpus" / "news.jsonl"
LABELS = ("copy", "corroborates", "contradicts", "unrelated")


def load_gold(path: Path = GOLD) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["pairs"]


def build_ledger(gold: list[dict], corpus: Path = CORPUS, db: Path | None = None) -> Path:
    """A ledger of just the gold's articles (extracted now with this Muster)."""
    from muster.ledger import ingest_paths
    from muster.pipeline import load_config

    docs = {p[k]["doc"] for p in gold for k in ("a", "b")}
    tmp = Path(tempfile.mkdtemp(prefix="facts_eval_"))
    sub = tmp / "gold_articles.jsonl"
    with open(corpus, encoding="utf-8") as src, open(sub, "w", encoding="utf-8") as out:
        for line in src:
            if json.loads(line).get("doc") in docs:
                out.write(line)
    db = db or tmp / "gold.db"
    ingest_paths(str(db), [str(sub)], load_config(), on_error=lambda e: None)
    return db


def find_claim(by_doc: dict, ref: dict):
    """The ledger's claim for a gold reference: same doc and type, evidence overlapping the gold span."""
    best, best_overlap = None, 0
    for c, start, end in by_doc.get(ref["doc"], []):
        if c.type != ref["type"]:
            continue
        overlap = min(end, ref["end"]) - max(start, ref["start"])
        if overlap > best_overlap or (overlap == best_overlap and overlap > 0 and c.count_text == ref.get("count_text")):
            best, best_overlap = c, overlap
    return best


def claims_by_doc(db: Path, cfg: dict) -> dict:
    from muster import facts

    conn = sqlite3.connect(str(db))
    spans = {r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, evidence_start, evidence_end FROM claims")}
    out: dict[str, list] = {}
    for c in facts.load_claims(conn, cfg):
        s, e = spans[c.id]
        out.setdefault(c.doc, []).append((c, s or 0, e or 0))
    # a claim per place of one sentence: the gold names the place too
    return out


def predict(gold: list[dict], by_doc: dict, cfg: dict) -> list[tuple[dict, str | None]]:
    from muster import facts

    out = []
    for p in gold:
        a, b = _pick(by_doc, p["a"]), _pick(by_doc, p["b"])
        out.append((p, None if a is None or b is None else facts.relate(a, b, cfg)))
    return out


def _pick(by_doc: dict, ref: dict):
    """Among claims on the same span, the one with the gold's place and count, if named."""
    cands = [(c, s, e) for c, s, e in by_doc.get(ref["doc"], []) if c.type == ref["type"]
             and min(e, ref["end"]) - max(s, ref["start"]) > 0]
    if not cands:
        return None
    def score(t):
        c, s, e = t
        return (min(e, ref["end"]) - max(s, ref["start"]),
                ref.get("place") is not None and any(p["name"] == ref.get("place") for p in c.places),
                (c.low, c.high) == (ref.get("low"), ref.get("high")))
    return max(cands, key=score)[0]


def unmatched(gold: list[dict], by_doc: dict) -> list[dict]:
    """The gold's claim references the ledger has no claim for (the extractor no longer makes them):
    their pairs are scored as misses, and listed here so the change that dropped them can be judged."""
    out, seen = [], set()
    for p in gold:
        for side in ("a", "b"):
            ref = p[side]
            key = (ref["doc"], ref["type"], ref["start"], ref["end"])
            if key not in seen and _pick(by_doc, ref) is None:
                seen.add(key)
                out.append({**ref, "pair": p["n"], "label": p["label"], "half": p["half"]})
    return out


def judged_not_extracted(path: Path = NOT_EXTRACTED) -> set[tuple]:
    """The gold's claims judged by hand as rightly (or knowingly) no longer extracted."""
    rows = json.loads(path.read_text(encoding="utf-8"))["claims"]
    return {(r["doc"], r["type"], r["start"], r["end"]) for r in rows}


def scores(pred: list[tuple[dict, str | None]], half: str | None) -> dict:
    """Per-label precision and recall over the pairs both of whose claims the ledger has: a pair whose
    claim is gone is no decision of facts.relate() (it is counted as `unmatched`, and the lost claim is a
    claims question: judged in training/facts_gold/claims_not_extracted.json)."""
    every = [(p["label"], r) for p, r in pred if half in (None, p["half"])]
    rows = [(g, r) for g, r in every if r is not None]
    out = {"pairs": len(every), "unmatched": len(every) - len(rows)}
    for lab in LABELS:
        tp = sum(g == lab and r == lab for g, r in rows)
        n_pred = sum(r == lab for _, r in rows)
        n_gold = sum(g == lab for g, _ in rows)
        p = tp / n_pred if n_pred else 0.0
        rc = tp / n_gold if n_gold else 0.0
        out[lab] = {"gold": n_gold, "predicted": n_pred, "precision": round(p, 3), "recall": round(rc, 3),
                    "f1": round(2 * p * rc / (p + rc), 3) if p + rc else 0.0}
    out["accuracy"] = round(sum(g == r for g, r in rows) / len(rows), 3) if rows else 0.0
    return out


def evaluate(db: Path | None = None, cfg: dict | None = None, resamples: int = 0) -> dict:
    from muster import facts

    cfg = cfg or facts.config()
    gold = load_gold()
    db = db or build_ledger(gold)
    by_doc = claims_by_doc(db, cfg)
    pred = predict(gold, by_doc, cfg)
    out = {"tune": scores(pred, "tune"), "check": scores(pred, "check"), "all": scores(pred, None),
           "confusion": _confusion(pred), "not_extracted": unmatched(gold, by_doc)}
    if resamples:
        out["intervals"] = {h: bootstrap(pred, h, resamples) for h in ("tune", "check")}
    return out


def bootstrap(pred: list[tuple[dict, str | None]], half: str, resamples: int, seed: int = 20261208) -> dict:
    """95 % intervals of each label's precision and recall on one half, resampling its articles with
    replacement (a pair goes with its alphabetically first article, as in the split): pairs of one article
    share its claims, so the article is the unit. Percentile intervals, seeded."""
    groups: dict[str, list] = {}
    for p, r in pred:
        if p["half"] == half:
            groups.setdefault(min(p["a"]["doc"], p["b"]["doc"]), []).append((p, r))
    keys = sorted(groups)
    rng = random.Random(seed)
    draws: dict[str, list[float]] = {}
    for _ in range(resamples):
        sample = [pr for k in (rng.choice(keys) for _ in keys) for pr in groups[k]]
        s = scores(sample, half)
        for lab in LABELS:
            if s[lab]["predicted"]:
                draws.setdefault(f"{lab} P", []).append(s[lab]["precision"])
            if s[lab]["gold"]:
                draws.setdefault(f"{lab} R", []).append(s[lab]["recall"])
    return {k: (percentile(v, 0.025), percentile(v, 0.975)) for k, v in draws.items()}


def _confusion(pred) -> dict:
    out: dict[str, dict] = {}
    for p, r in pred:
        out.setdefault(p["label"], {}).setdefault(str(r), 0)
        out[p["label"]][str(r)] += 1
    return out


SWEEP = {"copy_jaccard": [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
         "trend_ties": [False, "same", True],
         "breakdown_parts_not_compared": [False, True],
         "copy_containment": [0.6, 0.7, 0.8, 0.9, 0.95, 1.01],
         "count_max_ratio": [1.5, 2, 3, 4, 5, 8, 1e9],
         "corroborate_jaccard": [0.0, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 1.01],
         "placeless_comparable_with_places": [False, True],
         "period_slack_days": [0, 15, 30, 60, 90, 180, 365],
         "agree_period_slack_days": [0, 15, 30, 45, 60, 90, 120, 180],
         "approx_tolerance": [0.0, 0.1, 0.15, 0.2, 0.3, 0.5],
         "round_numbers_approximate": [False, True],
         "towns_of_same_province_comparable": [False, True],
         "country_comparable_with_places_inside": [False, True],
         "copy_same_speaker_figure": [False, True],
         "speaker_partial_names": [False, True],
         "copy_learned": [False, True]}


def sweep(db: Path) -> None:
    """Each threshold varied alone on the tune half: mean F1 over the four labels."""
    from muster import facts

    gold = load_gold()
    for key, values in SWEEP.items():
        for v in values:
            cfg = facts.config({key: v})
            s = scores(predict(gold, claims_by_doc(db, cfg), cfg), "tune")
            f1 = {lab: s[lab]["f1"] for lab in LABELS}
            print(f"{key}={v}: mean F1 {sum(f1.values()) / 4:.3f}  " + "  ".join(f"{k} {x:.2f}" for k, x in f1.items()))


def tune_errors(db: Path) -> None:
    """The tune half's pairs facts.relate() gets wrong, with what it compared of each claim."""
    from muster import facts

    cfg = facts.config()
    by_doc = claims_by_doc(db, cfg)
    for p, got in predict(load_gold(), by_doc, cfg):
        if p["half"] != "tune" or got is None or got == p["label"]:
            continue
        a, b = _pick(by_doc, p["a"]), _pick(by_doc, p["b"])
        print(f"== pair {p['n']} [{p.get('stratum')}] gold {p['label']}, got {got}: comparable {facts.comparable(a, b, cfg)} "
              f"(places {facts.places_comparable(a, b, cfg)}, periods {facts.periods_overlap(a, b, cfg)}), "
              f"days apart {facts.days_apart(a, b)}, content words shared "
              f"{facts.jaccard(facts.content_words(a), facts.content_words(b)):.2f}")
        for c in (a, b):
            print(f"    {c.doc} {c.type} {c.actor} count {(c.low, c.high)}{' approx' if c.approx else ''} trend {c.trend}"
                  f"{' negated' if c.negated else ''} places {[(q['name'], q['precision']) for q in c.places]} "
                  f"{c.date_start}..{c.date_end} speaker {c.speaker} outlet {c.outlet}")
            print(f"        {c.evidence[:300]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, help="a ledger holding the gold's articles (default: ingest them now)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--sweep", action="store_true", help="vary each threshold on the tune half")
    ap.add_argument("--half", choices=["tune", "check", "both"], default="both", help="which half to print")
    ap.add_argument("--unmatched", action="store_true", help="list the gold's claims the ledger no longer has")
    ap.add_argument("--errors", action="store_true", help="print the TUNE half's wrongly related pairs")
    ap.add_argument("--bootstrap", type=int, default=0, metavar="N",
                    help="also print 95%% intervals from N resamples of each half's articles (1000 is usual)")
    args = ap.parse_args()
    db = args.db or build_ledger(load_gold())
    if args.errors:
        tune_errors(db)
        return
    if args.unmatched:
        from muster import facts

        for ref in unmatched(load_gold(), claims_by_doc(db, facts.config())):
            print(json.dumps(ref))
        return
    if args.sweep:
        sweep(db)
        return
    res = evaluate(db, resamples=args.bootstrap)
    if args.json:
        print(json.dumps(res, indent=1))
        return
    for half in ("tune", "check") if args.half == "both" else (args.half,):
        s = res[half]
        print(f"{half}: {s['pairs']} pairs ({s['unmatched']} left out: a claim no longer extracted), accuracy {s['accuracy']}")
        for lab in LABELS:
            x = s[lab]
            print(f"  {lab:13} gold {x['gold']:3}  predicted {x['predicted']:3}  "
                  f"P {x['precision']:.3f}  R {x['recall']:.3f}  F1 {x['f1']:.3f}")
        if "intervals" in res:
            print(f"  95% intervals over {args.bootstrap} resamples of the half's articles: " +
                  ", ".join(f"{k} {lo:.2f}-{hi:.2f}" for k, (lo, hi) in res["intervals"][half].items()))
    if args.half == "both":
        print("confusion (gold -> predicted, both halves):", json.dumps(res["confusion"]))


if __name__ == "__main__":
    sys.exit(main())
