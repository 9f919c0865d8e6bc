"""Stage 2: remove page furniture from scraped plain text.

Comment boxes, captchas, share and newsletter prompts, author bios, "You may also like" and
what follows it, copyright and "Source:" lines, credit and date lines, and a photo caption
repeated twice. Headline, sub-headline, captions and body stay. The patterns are data
(data/boilerplate.yaml). HTML was cleaned by trafilatura already; JSON Lines text is given
clean by its producer, so only the line rules run on them.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any

from .registry import load_yaml

from .model import Article
from .registry import stage

MAX_FURNITURE_CHARS = 250
_BULLET = re.compile(r"^\s*[•·▪►●*]\s*")


@lru_cache(maxsize=1)
def rules() -> dict:
    data = load_yaml(resources.files("muster").joinpath("data/boilerplate.yaml").read_text(encoding="utf-8"))
    comp = lambda pats: [re.compile(p, re.IGNORECASE) for p in pats]
    return {"drop": comp(data["drop"]), "terminal": comp(data["terminal"]), "bio": comp(data["bio"]),
            "credit": re.compile(data["credit_suffix"], re.IGNORECASE)}


def _norm(line: str) -> str:
    # re.sub(r"\s+", " ", line).strip().lower(), a third of the cost: str.split() and re's \s
    # take the same characters for white space (Py_UNICODE_ISSPACE)
    return " ".join(line.split()).lower()


def is_boilerplate(line: str) -> bool:
    s = line.strip()
    return bool(s) and any(p.search(s) for p in rules()["drop"])


def clean_text(text: str) -> str:
    """Return the article text without page furniture, paragraphs separated by blank lines."""
    r = rules()
    lines = [ln.rstrip() for ln in text.split("\n")]
    n = len(lines)
    total = sum(len(ln) for ln in lines) or 1
    kept: list[str] = []
    seen: set[str] = set()
    prev_dropped = False
    pos = 0
    for ln in lines:
        pos += len(ln)
        s = ln.strip()
        if not s:
            kept.append("")
            continue
        body = _BULLET.sub("", s)
        late = pos > total * 0.5
        if late and len(s) <= MAX_FURNITURE_CHARS and any(p.search(body) for p in r["terminal"]):
            break
        # furniture is short; a long line is body copy even when it mentions "follow us on Twitter"
        drop = len(s) <= MAX_FURNITURE_CHARS and any(p.search(s) or p.search(body) for p in r["drop"])
        if not drop and late and any(p.search(s) for p in r["bio"]):
            drop = True
        # a bullet list that follows furniture is furniture too (a newsletter's selling points)
        if not drop and prev_dropped and _BULLET.match(s):
            drop = True
        key = _norm(r["credit"].sub("", s))
        if not drop and len(key) > 30 and key in seen:
            drop = True  # a caption repeated twice (often the second time with a credit)
        prev_dropped = drop
        if drop:
            continue
        seen.add(key)
        kept.append(s)
    out = "\n".join(kept)
    out = re.sub(r"\n{3,}", "\n\n", out).strip()
    # paragraphs are separated by one blank line
    paras = [p.strip() for p in re.split(r"\n\s*\n", out) if p.strip()]
    return "\n\n".join(paras) if n else ""


@stage("clean")
def clean(article: Article, config: dict[str, Any]) -> Article:
    article.raw = article.raw or article.text
    article.text = clean_text(article.text)
    return article
