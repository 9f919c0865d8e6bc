"""The learned claim finder: how likely each sentence is to hold a claim of each type.

A linear model (one logistic regression a type) over the words of a sentence, its word pairs, the
first five letters of each word (so that "recruits", "recruiting" and "recruitment" share weight),
and what the hand-written rules saw there (the types whose triggers fired in it and in the sentence
before, a count of fighters, a named group). It is trained by `training/train_claim_finder.py` on
annotated corpus articles and shipped as data (`data/claim_finder.json`): the feature weights, a
calibration a type (so that a probability of 0.8 means about 80 % of such sentences hold such a
claim) and the decision threshold. The rules still find the spans and fill the fields; this model
decides which sentences hold a claim of which type.

Scoring is a sum of a few dozen weights a sentence, done here rather than through scikit-learn so
that the run time needs no training library (the weights are exactly scikit-learn's).
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache, reduce
from importlib import resources
from operator import add
from typing import Any, Iterable, Sequence

_TOKEN = re.compile(r"[a-z]+(?:['’][a-z]+)?|\d[\d,.]*\d|\d")


def tokens(text: str) -> list[str]:
    """Lower-cased words, each number as "0"."""
    return ["0" if t[0].isdigit() else t for t in _TOKEN.findall(text.lower())]


def features(text: str, rule_types: Iterable[str], prev_rule_types: Iterable[str],
             actor: bool, fighters_count: bool, kind: str) -> set[str]:
    """The features of one sentence (the same at training and at run time)."""
    toks = tokens(text)
    out = {"w:" + t for t in toks}
    out.update("p:" + t[:5] for t in toks if len(t) > 5)
    out.update(f"b:{a}_{b}" for a, b in zip(toks, toks[1:]))
    out.update("r:" + t for t in rule_types)
    out.update("pr:" + t for t in prev_rule_types)
    if actor:
        out.add("actor")
    if fighters_count:
        out.add("fighters_count")
    out.add("kind:" + kind)
    return out


@dataclass
class Model:
    types: list[str]
    bias: list[float]
    weights: dict[str, list[float]]
    # Platt scaling a type: p = 1 / (1 + exp(-(a * score + b)))
    calibration: list[tuple[float, float]]
    # a sentence holds a claim of a type when a rule's trigger fired, or when p >= threshold
    threshold: float
    # a claim's confidence: logistic over (score, rule fired, score x rule fired) + intercept,
    # fitted on the claims the decision keeps, out of fold
    confidence_weights: list[float]

    def scores(self, feats: Iterable[str]) -> list[float]:
        # each type's sum is taken in the features' order, from its bias, one addition after the
        # other as a loop over the features would (the same floating-point result; not sum(),
        # which compensates its rounding from Python 3.12): the feature rows are gathered, then
        # each type's column reduced in C, rather than a new list made for every feature
        rows = [w for w in map(self.weights.get, feats) if w is not None]
        if not rows:
            return list(self.bias)
        return [reduce(add, col, b) for b, col in zip(self.bias, zip(*rows))]

    def probabilities(self, scores: list[float]) -> dict[str, float]:
        """Calibrated probability of a claim of each type in the sentence."""
        return {t: _sigmoid(a * s + b) for t, s, (a, b) in zip(self.types, scores, self.calibration)}

    def confidence(self, score: float, rule: bool) -> float:
        """How likely a claim decided on this sentence is right (calibrated on held-out articles)."""
        w = self.confidence_weights
        r = 1.0 if rule else 0.0
        return round(_sigmoid(w[0] * score + w[1] * r + w[2] * score * r + w[3]), 3)

    def strongest(self, text: str, type_: str) -> tuple[int, int] | None:
        """The span of the word that weighs most for `type_` in text: where a claim the rules did
        not see is anchored (its count, actor and speaker are looked for around it)."""
        k = self.types.index(type_)
        best, span = 0.0, None
        for m in _TOKEN.finditer(text.lower()):
            t = "0" if m.group()[0].isdigit() else m.group()
            w = (self.weights.get("w:" + t) or [0.0] * len(self.types))[k]
            w += (self.weights.get("p:" + t[:5]) or [0.0] * len(self.types))[k] if len(t) > 5 else 0.0
            if w > best:
                best, span = w, m.span()
        return span


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z > -30 else 0.0


def dump(model: Model) -> dict[str, Any]:
    return {"types": model.types, "bias": model.bias, "calibration": model.calibration,
            "threshold": model.threshold, "confidence_weights": model.confidence_weights,
            "weights": model.weights}


@lru_cache(maxsize=1)
def model() -> Model | None:
    """The shipped model (None when the package carries none: the rules alone decide)."""
    path = resources.files("muster").joinpath("data/claim_finder.json")
    if not path.is_file():
        return None
    raw = json.loads(path.read_text(encoding="utf-8"))
    return Model(raw["types"], raw["bias"], raw["weights"], [tuple(c) for c in raw["calibration"]],
                 raw["threshold"], raw["confidence_weights"])


@dataclass
class Verdict:
    """The model's reading of one sentence: its score and probability for each type."""
    scores: dict[str, float]
    probabilities: dict[str, float]


def read_sentences(units: Sequence[Any], actor_in: Sequence[bool], fighters: Sequence[bool],
                   wanted: Sequence[bool], cache: dict) -> list[Verdict | None]:
    """For each claim unit (a sentence with the rules' triggers) that is `wanted`, the model's verdict
    (None for the others, and for all when the package ships no model). `cache` keeps verdicts by
    sentence offsets, for a second reading of the same article."""
    m = model()
    if m is None:
        return [None] * len(units)
    out: list[Verdict | None] = []
    for i, u in enumerate(units):
        if not wanted[i]:
            out.append(None)
            continue
        key = (u.start, u.end)
        if key not in cache:
            prev = units[i - 1].triggers if i > 0 else {}
            scores = m.scores(features(u.text, u.triggers, prev, actor_in[i], fighters[i], u.kind))
            cache[key] = Verdict(dict(zip(m.types, scores)), m.probabilities(scores))
        out.append(cache[key])
    return out
