#!/usr/bin/env python3
"""Train the claim finder (src/muster/claim_finder.py) and write src/muster/data/claim_finder.json.

    pip install -e '.[train]'
    python training/train_claim_finder.py                 # cross-validate, then train and write
    python training/train_claim_finder.py --compare       # also cross-validate the other candidates

Training data: every article annotated in training/annotations/batch_*.json, the tune half of
../shared/eval/corpus.gold.json (training/corpus_gold_split.json) and the five seed articles. The
check half and ../shared/eval/reserved_docs.txt are never read. Each article goes through Muster's
own first stages (clean, metadata, sentences, actors) and the rules' trigger test, so the sentences
and features are exactly those seen at run time; a sentence is a positive example of a type when an
annotated claim of that type has its evidence phrase in it (optional claims included: they are
claims reasonable analysts would record).

Deterministic: fixed folds (by article), liblinear, no random state left free. Cross-validation by
article gives out-of-fold scores, from which the calibration (Platt scaling a type) and the one
decision threshold on the calibrated probability are fitted; the final weights come from all the
articles.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
OUT = ROOT / "src" / "muster" / "data" / "claim_finder.json"
sys.path.insert(0, str(ROOT / "src"))

from muster import claim_finder, claims  # noqa: E402
from muster.model import CLAIM_TYPES, Article  # noqa: E402
from muster.pipeline import Pipeline  # noqa: E402
from muster.read import read_all  # noqa: E402

FIRST_STAGES = ["clean", "metadata", "sentences", "actors"]


def gold_documents() -> list[dict]:
    """Annotated documents to train on, each with "source": corpus or seeds."""
    docs = []
    for path in sorted((ROOT / "training" / "annotations").glob("batch_*.json")):
        docs += [d | {"source": "corpus"} for d in json.loads(path.read_text(encoding="utf-8"))["documents"]]
    tune = set(json.loads((ROOT / "training" / "corpus_gold_split.json").read_text())["tune"])
    dev = json.loads((SHARED / "eval" / "corpus.gold.json").read_text(encoding="utf-8"))["documents"]
    docs += [d | {"source": "corpus"} for d in dev if d["doc"] in tune]
    seeds = json.loads((SHARED / "eval" / "seeds.gold.json").read_text(encoding="utf-8"))["documents"]
    docs += [d | {"source": "seeds"} for d in seeds]
    return docs


def read_articles(docs: list[dict]) -> dict[str, Article]:
    """The annotated articles, read as `muster extract` reads them and run through the first stages."""
    wanted = {d["doc"] for d in docs if d["source"] == "corpus"}
    pipe = Pipeline(FIRST_STAGES)
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        subset = Path(tmp) / "subset.jsonl"
        with open(SHARED / "data" / "corpus" / "news.jsonl", encoding="utf-8") as src, \
                open(subset, "w", encoding="utf-8") as dst:
            dst.writelines(line for line in src if json.loads(line)["doc"] in wanted)
        paths = [str(subset)] + [str(SHARED / "seeds" / d["doc"]) for d in docs if d["source"] == "seeds"]
        for art in pipe.run(read_all(paths, 20_000_000)):
            out[art.doc] = art
    return out


def sentences(docs: list[dict], articles: dict[str, Article]) -> list[dict]:
    """Per sentence: its article ("doc"), "text", "features" and "labels" ({type: "required" | "optional"})."""
    out, missing = [], 0
    for d in docs:
        art = articles[d["doc"]]
        units = claims.rule_units(art)  # the rules' triggers only, never a shipped model's
        actor_in, fighters = claims.finder_inputs(art, units)
        types: list[dict[str, str]] = [{} for _ in units]
        for c in d["claims"]:
            pos = art.text.find(c["evidence"])
            if pos < 0:
                missing += 1
                continue
            k = next((i for i, u in enumerate(units) if u.start <= pos < u.end), None)
            if k is not None and types[k].get(c["type"]) != "required":
                types[k][c["type"]] = "optional" if c.get("optional") else "required"
        for i, u in enumerate(units):
            prev = units[i - 1].triggers if i > 0 else {}
            out.append({"doc": d["doc"], "text": u.text, "labels": types[i],
                        "features": claim_finder.features(u.text, u.triggers, prev, actor_in[i], fighters[i], u.kind)})
    if missing:
        print(f"note: {missing} evidence phrases not found in the cleaned text (cut by cleaning)", file=sys.stderr)
    return out


def examples(docs: list[dict], articles: dict[str, Article]):
    """Per sentence: its features, its types ({type: "required" | "optional"}), and its article."""
    rows = sentences(docs, articles)
    return [r["features"] for r in rows], [r["labels"] for r in rows], [r["doc"] for r in rows]


def without_rules(feats: list[set[str]]) -> list[set[str]]:
    """The candidate with words only (no rule features), for the comparison."""
    return [{f for f in fs if f.startswith(("w:", "b:", "p:", "kind:"))} for fs in feats]


def fit(X, y: np.ndarray, c: float, weight: np.ndarray | None = None) -> LogisticRegression:
    X = X.tocsr()
    X.indices, X.indptr = X.indices.astype(np.int32), X.indptr.astype(np.int32)  # liblinear's index type
    return LogisticRegression(C=c, solver="liblinear", class_weight="balanced", max_iter=1000,
                              random_state=0).fit(X, y, sample_weight=weight)


def targets(labels, t: str, optional: str) -> tuple[np.ndarray, np.ndarray]:
    """Labels and sample weights for type t: an optional claim is a positive example, or (with
    optional="ignore") no example at all, as the scorer neither rewards nor penalises it."""
    y = np.array([t in ls for ls in labels])
    w = np.array([0.0 if optional == "ignore" and ls.get(t) == "optional" else 1.0 for ls in labels])
    return y, w


def out_of_fold(feats, labels, groups, c: float, optional: str, folds: int = 5) -> np.ndarray:
    """Decision scores [sentences x types], each from a model that did not see its article."""
    scores = np.zeros((len(feats), len(CLAIM_TYPES)))
    for train, test in GroupKFold(n_splits=folds).split(feats, groups=groups):
        vec = DictVectorizer()
        X_train = vec.fit_transform([{f: 1 for f in feats[i]} for i in train])
        X_test = vec.transform([{f: 1 for f in feats[i]} for i in test])
        for k, t in enumerate(CLAIM_TYPES):
            y, w = targets([labels[i] for i in train], t, optional)
            scores[test, k] = fit(X_train, y, c, w).decision_function(X_test.tocsr()) if y.any() else -10.0
    return scores


def platt(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    lr = LogisticRegression(C=1e4, solver="lbfgs").fit(scores.reshape(-1, 1), y)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def calibrated(scores: np.ndarray, cal: list[tuple[float, float]]) -> np.ndarray:
    a = np.array([c[0] for c in cal])
    b = np.array([c[1] for c in cal])
    return 1 / (1 + np.exp(-(scores * a + b)))


def prf(pred: np.ndarray, gold: np.ndarray, mask: np.ndarray | None = None) -> tuple[float, float, float]:
    """Precision, recall, F1; cells where mask is False (optional claims) count neither way."""
    if mask is not None:
        pred, gold = pred & mask, gold & mask
    tp = float((pred & gold).sum())
    p = tp / pred.sum() if pred.sum() else 0.0
    r = tp / gold.sum() if gold.sum() else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def ece(prob: np.ndarray, gold: np.ndarray, lo: float = 0.1, bins: int = 10) -> float:
    """Expected calibration error over the predictions above `lo` (the ones shown to analysts)."""
    keep = prob >= lo
    p, g = prob[keep], gold[keep]
    edges = np.linspace(lo, 1.0, bins + 1)
    err = 0.0
    for a, b in zip(edges, edges[1:]):
        m = (p >= a) & (p < b) if b < 1.0 else (p >= a)
        if m.any():
            err += m.sum() / len(p) * abs(p[m].mean() - g[m].mean())
    return float(err)


def cross_validate(feats, labels, groups, c: float, name: str, optional: str) -> dict:
    """Out-of-fold scores, scored as ../shared/eval/score.py scores claims: an optional claim is
    neither found nor missed. The calibration counts it as right (it is a claim analysts accept)."""
    scores = out_of_fold(feats, labels, groups, c, optional)
    gold = np.array([[t in ls for t in CLAIM_TYPES] for ls in labels])
    mask = np.array([[ls.get(t) != "optional" for t in CLAIM_TYPES] for ls in labels])
    cal = [platt(scores[:, k], gold[:, k]) for k in range(len(CLAIM_TYPES))]
    prob = calibrated(scores, cal)
    rules = np.array([[("r:" + t) in fs for t in CLAIM_TYPES] for fs in feats])
    # the decision: the rules' triggers, and the sentences the model is sure of besides (a veto of
    # the rules' claims by the model was measured too: every threshold lowered F1)
    best = max((prf(rules | (prob >= th), gold, mask)[2], th) for th in np.arange(0.5, 0.96, 0.05))
    threshold = round(float(best[1]), 2)
    decided = rules | (prob >= threshold)
    p, r, f = prf(decided, gold, mask)
    mp, mr, mf = prf(prob >= 0.5, gold, mask)
    rp, rr, rf = prf(rules, gold, mask)
    conf = confidence_fit(scores, rules, gold, decided)
    shown = confidence_of(conf, scores, rules)[decided]
    print(f"{name} (C={c}, optional claims {optional}), out of fold, by sentence and type:\n"
          f"  rules' triggers, or the model at p >= {threshold}: P {p:.3f} R {r:.3f} F1 {f:.3f}; "
          f"confidence ECE {ece(shown, gold[decided]):.3f}\n"
          f"  the model alone at p >= 0.5: P {mp:.3f} R {mr:.3f} F1 {mf:.3f}\n"
          f"  the rules' triggers alone: P {rp:.3f} R {rr:.3f} F1 {rf:.3f}")
    for k, t in enumerate(CLAIM_TYPES):
        tp, tr, tf = prf(decided[:, k], gold[:, k], mask[:, k])
        print(f"  {t:17s} {int((gold & mask)[:, k].sum()):4d} required  P {tp:.2f} R {tr:.2f} F1 {tf:.2f}")
    return {"calibration": cal, "threshold": threshold, "f1": f, "confidence": conf}


def confidence_inputs(scores: np.ndarray, rules: np.ndarray) -> np.ndarray:
    """What a claim's confidence is read from: the model's score and whether a rule fired."""
    return np.stack([scores.ravel(), rules.ravel().astype(float), (scores * rules).ravel()], axis=1)


def confidence_fit(scores, rules, gold, decided) -> list[float]:
    """A logistic calibration over the sentences and types decided to hold a claim, so that of the
    claims given 0.8 about 80 % are right (an optional claim counts as right)."""
    X = confidence_inputs(scores, rules)[decided.ravel()]
    lr = LogisticRegression(C=1e4, solver="lbfgs").fit(X, gold.ravel()[decided.ravel()])
    return [round(float(x), 4) for x in lr.coef_[0]] + [round(float(lr.intercept_[0]), 4)]


def confidence_of(conf: list[float], scores: np.ndarray, rules: np.ndarray) -> np.ndarray:
    z = confidence_inputs(scores, rules) @ np.array(conf[:3]) + conf[3]
    return (1 / (1 + np.exp(-z))).reshape(scores.shape)


def train_final(feats, labels, c: float, optional: str, cv: dict, min_weight: float = 0.03) -> claim_finder.Model:
    vec = DictVectorizer()
    X = vec.fit_transform([{f: 1 for f in fs} for fs in feats])
    names = vec.get_feature_names_out()
    W = np.zeros((len(names), len(CLAIM_TYPES)))
    bias = []
    for k, t in enumerate(CLAIM_TYPES):
        y, w = targets(labels, t, optional)
        lr = fit(X, y, c, w)
        W[:, k] = lr.coef_[0]
        bias.append(round(float(lr.intercept_[0]), 4))
    keep = np.abs(W).max(axis=1) >= min_weight
    weights = {str(n): [round(float(x), 4) for x in W[i]] for i, n in enumerate(names) if keep[i]}
    cal = [(round(a, 4), round(b, 4)) for a, b in cv["calibration"]]
    return claim_finder.Model(list(CLAIM_TYPES), bias, weights, cal, cv["threshold"], cv["confidence"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--c", type=float, default=0.3, help="inverse regularisation strength")
    ap.add_argument("--optional", choices=("positive", "ignore"), default="positive",
                    help="optional claims as positive examples, or left out of training")
    ap.add_argument("--compare", action="store_true", help="cross-validate the other candidates too")
    ap.add_argument("--dry-run", action="store_true", help="cross-validate only, write nothing")
    args = ap.parse_args()
    docs = gold_documents()
    articles = read_articles(docs)
    feats, labels, groups = examples(docs, articles)
    counts = Counter(t for ls in labels for t in ls)
    print(f"{len(docs)} articles, {len(feats)} sentences, {sum(1 for ls in labels if ls)} with a claim; "
          f"per type {dict(counts)}")
    if args.compare:
        for c in (0.1, 1.0):
            cross_validate(feats, labels, groups, c, "words and rules", args.optional)
        other = "ignore" if args.optional == "positive" else "positive"
        cross_validate(feats, labels, groups, args.c, "words and rules", other)
        cross_validate(without_rules(feats), labels, groups, args.c, "words only", args.optional)
    cv = cross_validate(feats, labels, groups, args.c, "words and rules", args.optional)
    if args.dry_run:
        return
    model = train_final(feats, labels, args.c, args.optional, cv)
    OUT.write_text(json.dumps(claim_finder.dump(model), separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(model.weights)} features, threshold {model.threshold}")


if __name__ == "__main__":
    main()
