#!/usr/bin/env python3
"""How far a second careful annotator gets against the dev gold: the ceiling the claim targets sit under.

    python scripts/eval_agreement.py                      # both halves, then each, beside Muster
    python scripts/eval_agreement.py --half check --bootstrap 1000

`training/agreement/second_annotator_*.json` annotate the 40 articles of
../shared/eval/corpus.gold.json again, blind (from the text and ../shared/spec/annotation.md alone,
without the gold, Muster's output or code). Here each of their claims is made a prediction the
way Muster writes one, its evidence the whole sentence its phrase stands in, and scored by
../shared/eval/score.py against the gold, as Muster's claims are: the second annotator's required
claims, then all its claims (the optional ones as well), then Muster, on the same articles.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import eval_claims  # noqa: E402
from shared_eval import ruler  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SECOND = ROOT / "training" / "agreement"

# a sentence ends at . ! or ? (and a closing quote) before a space and a capital, a quote or a digit
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s+(?=[\"“‘A-Z0-9])")


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence of `text` holding [start, end): Muster's evidence is a sentence, so a phrase is
    widened to one before it is scored like Muster's claims."""
    lo = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        lo = m.end()
    m = _SENTENCE_END.search(text, end)
    hi = m.start() + 1 if m else len(text)
    return text[lo:hi]


def as_prediction(claim: dict, text: str) -> dict:
    """A gold-format claim as a prediction in Muster's shape (what score.py reads of one)."""
    at = text.find(claim["evidence"])
    sentence = sentence_around(text, at, at + len(claim["evidence"])) if at >= 0 else claim["evidence"]
    pred = {"type": claim["type"], "evidence": {"text": sentence}}
    if claim.get("actor"):
        pred["actor"] = {"name": claim["actor"]}
    count = claim.get("count")
    if count:
        pred["count"] = ({"low": None, "high": None, "text": count["vague"]} if "vague" in count
                         else {"low": count.get("low"), "high": count.get("high"), "text": None})
    for key in ("locations", "speaker", "children", "forced", "trend", "hedged", "negated", "time", "rate"):
        if key in claim:
            pred[key] = claim[key]
    return pred


def second_annotator(docs: set[str], with_optional: bool) -> dict[str, dict]:
    """The second annotation of `docs` as predictions, by doc."""
    texts = eval_claims.article_texts(docs)
    preds: dict[str, dict] = {}
    for path in sorted(SECOND.glob("second_annotator_*.json")):
        for d in json.loads(path.read_text(encoding="utf-8"))["documents"]:
            if d["doc"] in docs:
                preds[d["doc"]] = {"claims": [as_prediction(c, texts[d["doc"]]) for c in d["claims"]
                                              if with_optional or not c.get("optional")]}
    return preds


def gold_of(half: str | None) -> dict:
    if half:
        return eval_claims.half_gold(half)
    return json.loads((eval_claims.SHARED / "eval" / "corpus.gold.json").read_text(encoding="utf-8"))


def line(name: str, result: dict) -> str:
    c, s = result["claims"], result["strict"]
    fields = ", ".join(f"{f} {v:.2f} ({n[0]}/{n[1]})" for (f, v), n in
                       zip(result["fields"].items(), result["field_counts"].values())
                       if f in ("actor", "count", "locations", "speaker", "hedged"))
    return (f"{name:34} P {c['precision']:.3f} R {c['recall']:.3f} F1 {c['f1']:.3f} strict {s['f1']:.3f}; {fields}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--half", choices=("tune", "check"))
    ap.add_argument("--bootstrap", type=int, default=0, metavar="N")
    args = ap.parse_args()
    score = ruler("score")
    halves = [args.half] if args.half else [None, "tune", "check"]
    for half in halves:
        gold = gold_of(half)
        docs = {d["doc"] for d in gold["documents"]}
        print(f"== {half or 'both halves'}: {len(docs)} articles, "
              f"{sum(not c.get('optional') for d in gold['documents'] for c in d['claims'])} required gold claims")
        runs = {"second annotator, required claims": second_annotator(docs, False),
                "second annotator, all its claims": second_annotator(docs, True),
                "Muster": eval_claims.predictions(docs)}
        for name, preds in runs.items():
            print(line(name, score.score(gold, preds)))
            if args.bootstrap:
                iv = eval_claims.bootstrap(gold, preds, args.bootstrap)
                print(" " * 36 + "95% intervals: " + ", ".join(
                    f"{k} {lo:.2f}-{hi:.2f}" for k, (lo, hi) in iv.items()
                    if k in ("claims F1", "strict F1", "actor", "locations", "speaker")))


if __name__ == "__main__":
    main()
