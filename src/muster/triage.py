"""Stage 6 of `muster extract`: mark the sentences that can hold a claim.

The claim rules' trigger test needs only the text and the actor mentions, and it costs a few
milliseconds; the layers after it (places, quantities, times) cost several times that when they
read every sentence. In a typical article about a tenth of the text is near a trigger, so the
layers read only those stretches: each sentence with a trigger (or a number and a word for
fighters, which can state a strength), with the sentence before it (a claim takes its place from
there) and the one after it (triggers carried over, short sentences joined to the claim).

Sets article.context["focus"]: merged (start, end) character spans into article.text, and
article.context["claim_units"]: the sentences with their triggers, which the claims stage reuses
rather than finding them again. `muster annotate` does not run this stage, so there the layers
read the whole text.
"""
from __future__ import annotations

import re
from typing import Any, Callable, TypeVar

from .model import Article
from .registry import stage

# the sentences on either side of a candidate that the layers also read
BEFORE, AFTER = 1, 1


def focus_spans(article: Article) -> list[tuple[int, int]]:
    """The candidate sentences and their neighbours as merged character spans; the claim units
    found on the way are left in article.context["claim_units"] for the claims stage."""
    from . import claims

    units = claims.candidate_units(article)
    maybe = claims.maybe_strength_units(article, units)
    keep: set[int] = set()
    for i, u in enumerate(units):
        if u.triggers or maybe[i]:
            keep.update(range(i - BEFORE, i + AFTER + 1))
    spans: list[list[int]] = []
    for i in sorted(k for k in keep if 0 <= k < len(units)):
        s, e = units[i].start, units[i].end
        if spans and s <= spans[-1][1] + 2:
            spans[-1][1] = max(spans[-1][1], e)
        else:
            spans.append([s, e])
    article.context["claim_units"] = units
    return [(s, e) for s, e in spans]


T = TypeVar("T")


def over_focus(article: Article, find: Callable[[str], list[T]]) -> list[T]:
    """`find(text)` over the focus spans only (or the whole text when triage did not run), with
    each result's `start`/`end` moved back to offsets into article.text."""
    spans = article.context.get("focus")
    if spans is None:
        return find(article.text)
    out: list[T] = []
    for s, e in spans:
        for x in find(article.text[s:e]):
            x.start += s  # type: ignore[attr-defined]
            x.end += s  # type: ignore[attr-defined]
            out.append(x)
    return out


_NOT_NEWLINE = re.compile(r"[^\n]")


def masked_text(article: Article, keep: list[tuple[int, int]] | None = None) -> str:
    """article.text with everything outside the focus spans (and `keep`) blanked, line breaks
    kept: the offsets stay those of article.text, for the stages that read the article whole."""
    spans = sorted((article.context.get("focus") or []) + (keep or []))
    text = article.text
    parts, pos = [], 0
    for s, e in spans:
        if s > pos:
            parts.append(_NOT_NEWLINE.sub(" ", text[pos:s]))
        s = max(s, pos)
        if e > s:
            parts.append(text[s:e])
            pos = e
    parts.append(_NOT_NEWLINE.sub(" ", text[pos:]))
    return "".join(parts)


@stage("triage")
def triage(article: Article, config: dict[str, Any]) -> Article:
    if not article.sentences:
        from .sentences import split

        article.sentences = split(article.text)
    article.context["focus"] = focus_spans(article)
    return article
