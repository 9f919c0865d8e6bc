"""Stage 4: split the article into sentences, with offsets into its text.

A regular-expression splitter with an abbreviation list: it runs on every sentence of every
article, so it must cost next to nothing (spaCy's parser would dominate the whole pipeline;
it runs later, only on the sentences that need it). Every line that stands alone (headline,
sub-headline, caption) is a unit of its own.
"""
from __future__ import annotations

import re
from typing import Any

from .fast_regex import with_lookahead
from .model import Article, Sentence
from .registry import stage

ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "maj", "col", "lt", "sgt", "capt", "cpl", "pvt", "adm", "cmdr",
    "gov", "sen", "rep", "rev", "st", "sr", "jr", "no", "nos", "vs", "etc", "inc", "ltd", "co", "corp",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft", "approx",
    "u.s", "u.k", "u.n", "e.g", "i.e", "a.m", "p.m", "brig", "lieut", "hon", "pres", "dept", "est", "fig",
}
# a candidate boundary: end punctuation, optional closing quotes/brackets, white space, then a
# capital, digit or opening quote. It starts only where a run of end punctuation starts and its
# quantifiers are possessive, so that a run of 100,000 "." is read once, not once from each of
# its characters with backtracking over the rest (quadratic: minutes)
# (scanned over every article: with a first-character lookahead, see fast_regex)
_BOUNDARY = with_lookahead(re.compile(r"(?<![.!?…])([.!?…]++[\"'”’)\]]*+)(\s++)(?=[\"'“‘(\[]?[A-Z0-9])"))
_WORD_BEFORE = re.compile(r"([\w.]+)$")


def split_paragraph(text: str, offset: int) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end(1)
        punct = m.group(1)
        if punct.startswith(".") and len(punct.rstrip("\"'”’)]")) == 1:
            w = _WORD_BEFORE.search(text[max(0, m.start(1) - 40):m.start(1)])  # a window: no rescans
            word = w.group(1).lower() if w else ""
            if word.rstrip(".") in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue  # "Maj. Gen. Rupert Jones", "J. Smith"
            if re.fullmatch(r"(?:[a-z]\.)+[a-z]", word):
                continue  # "U.S." inside a sentence
        if end - start > 1:
            spans.append((offset + start, offset + end))
        start = m.end()
    if len(text) - start > 0 and text[start:].strip():
        spans.append((offset + start, offset + len(text.rstrip())))
    return spans


def split(text: str) -> list[Sentence]:
    out: list[Sentence] = []
    para = 0
    for block in re.finditer(r"[^\n]+(?:\n[^\n]+)*", text):
        for line in re.finditer(r"[^\n]+", block.group()):
            s = line.group()
            lead = len(s) - len(s.lstrip())
            base = block.start() + line.start() + lead
            for a, b in split_paragraph(s.strip(), base):
                out.append(Sentence(a, b, text[a:b], "body", para))
        para += 1
    if out and out[0].paragraph == 0:
        out[0].kind = "headline"
    return out


@stage("sentences")
def sentences(article: Article, config: dict[str, Any]) -> Article:
    article.sentences = split(article.text)
    if article.title:
        for s in article.sentences:
            s.kind = "headline" if s.text.strip() == article.title.strip() else ("body" if s.kind == "headline" else s.kind)
    return article
