#!/usr/bin/env python3
"""Train the learned copy model of muster.facts (is_copy) on the TUNE half of the facts gold.

    python training/facts_gold/train_copy_model.py [--db LEDGER] [--dry-run]

The model is a logistic regression over `facts.copy_features()` (containment, Jaccard, content-word
Jaccard, same speaker, same figure, comparable places, days apart, same outlet), fitted on the tune
pairs the fixed rules leave open (`facts.copy_by_rule()` is None): the label is whether the gold calls
the pair a copy. Its regularisation C is chosen by 5-fold cross-validation on the tune half, folds
grouped by article (a pair goes with its alphabetically first article, as the halves are split), by
the F1 of the copy label; the check half is never read here. Writes src/muster/data/facts_copy_model.json
(weights rounded to 4 places) unless --dry-run. Deterministic: the same gold and claims give the same file.

Needs scikit-learn (`pip install -e .[train]`); muster itself reads only the weights.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
OUT = ROOT / "src" / "muster" / "data" / "facts_copy_model.json"
C_VALUES = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0)
THRESHOLD = 0.5


def tune_rows(db: Path) -> tuple[list[str], list[list[float]], list[bool], list[str]]:
    """Feature rows, copy labels and article groups of the tune pairs the fixed rules leave open."""
    import eval_facts
    from muster import facts

    cfg = facts.config()
    by_doc = eval_facts.claims_by_doc(db, cfg)
    names, X, y, groups = [], [], [], []
    for p in eval_facts.load_gold():
        if p["half"] != "tune":
            continue
        a, b = eval_facts._pick(by_doc, p["a"]), eval_facts._pick(by_doc, p["b"])
        if a is None or b is None or facts.copy_by_rule(a, b, cfg) is not None:
            continue
        x = facts.copy_features(a, b, cfg)
        names = list(x)
        X.append([x[n] for n in names])
        y.append(p["label"] == "copy")
        groups.append(min(p["a"]["doc"], p["b"]["doc"]))
    return names, X, y, groups


def cross_validate(X, y, groups) -> dict[float, float]:
    """C -> F1 of the copy label over 5 grouped folds of the tune half."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.model_selection import GroupKFold

    X, y = np.array(X), np.array(y)
    out = {}
    for C in C_VALUES:
        pred = np.zeros(len(y), dtype=bool)
        for train, test in GroupKFold(n_splits=5).split(X, y, groups):
            m = LogisticRegression(C=C, max_iter=10000).fit(X[train], y[train])
            pred[test] = m.predict_proba(X[test])[:, 1] >= THRESHOLD
        out[C] = round(float(f1_score(y, pred)), 3)
    return out


def fit(names, X, y, C: float) -> dict:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    m = LogisticRegression(C=C, max_iter=10000).fit(np.array(X), np.array(y))
    return {"weights": {n: round(float(w), 4) for n, w in zip(names, m.coef_[0])},
            "intercept": round(float(m.intercept_[0]), 4)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, help="a ledger holding the gold's articles (default: ingest them now)")
    ap.add_argument("--dry-run", action="store_true", help="print, do not write the model")
    args = ap.parse_args()
    import eval_facts

    db = args.db or eval_facts.build_ledger(eval_facts.load_gold())
    names, X, y, groups = tune_rows(db)
    cv = cross_validate(X, y, groups)
    best = max(C_VALUES, key=lambda C: (cv[C], -C))  # the strongest regularisation among the best
    model = {"about": "Learned copy model of muster.facts.is_copy: logistic regression over copy_features(), "
                      "trained on the tune half of training/facts_gold/pairs.json by "
                      "training/facts_gold/train_copy_model.py. Do not edit by hand.",
             "threshold": THRESHOLD, **fit(names, X, y, best), "C": best,
             "trained_on": {"pairs": len(y), "copies": int(sum(y))},
             "cross_validation_copy_f1": {str(C): f for C, f in cv.items()}}
    print(json.dumps(model, indent=1))
    if not args.dry_run:
        OUT.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
