"""Claim ids derived from what the claim is, so that an id keeps pointing at the same claim.

A claim is the words of one article read as one kind of claim: its id is a hash of the article id
(itself the hash of the article's cleaned text), the claim type and the evidence's character
offsets. Re-ingesting the same text with the same pipeline gives the same ids; a new pipeline that
reads the same words the same way keeps them too. Two claims of one type on exactly the same words
(two groups named in one sentence) are told apart by their order: the second gets "-2".
Claims imported without offsets hash the evidence text instead.
"""
from __future__ import annotations

import hashlib

PREFIX = "c"   # claim ids start with "c"; article ids are bare hex, so the two never collide
DIGITS = 15


def claim_id(article_id: str, type_: str, start: int | None, end: int | None, evidence: str | None = None,
             n: int = 1) -> str:
    """The id of the `n`th claim of `type_` on the evidence [start, end) of the article."""
    if isinstance(start, int) and isinstance(end, int):
        where = f"{start}:{end}"
    else:
        where = "text:" + " ".join((evidence or "").split())
    digest = hashlib.sha256(f"{article_id}\x1f{type_}\x1f{where}".encode("utf-8")).hexdigest()[:DIGITS]
    return PREFIX + digest + (f"-{n}" if n > 1 else "")


def claim_ids(article_id: str, claims: list[dict]) -> list[str]:
    """The ids of an article's claims (spec/claims.md records) in their order."""
    seen: dict[str, int] = {}
    out = []
    for cl in claims:
        ev = cl.get("evidence") or {}
        base = claim_id(article_id, cl["type"], ev.get("start"), ev.get("end"), ev.get("text"))
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return out


def overlap(a: tuple[int | None, int | None], b: tuple[int | None, int | None]) -> float:
    """How much two evidence spans share: the shared characters over the shorter span (0 when apart)."""
    if None in (*a, *b):
        return 0.0
    shared = min(a[1], b[1]) - max(a[0], b[0])
    shorter = min(a[1] - a[0], b[1] - b[0])
    return round(shared / shorter, 4) if shared > 0 and shorter > 0 else 0.0
