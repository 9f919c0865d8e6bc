"""Stage 3: the article's metadata: title, outlet, authors, publication date and dateline.

Read from the input text as scraped (bylines and date lines are furniture the clean stage
removes), never guessed: a year in a photo caption is not a publication date, and a field the
text does not give stays null. Metadata given with the input (JSON Lines fields, HTML meta)
wins over what the text suggests.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from .model import Article
from .registry import stage

_QUOTE_CHARS = "\"'“”‘’«»"
_NAME_WORD = r"(?:[A-Z][\w'’\-]+|al-[A-Z][\w'’\-]+|bin|ibn|de|van|von|el-[A-Z][\w'’\-]+)"
_NAME = rf"[A-Z][\w'’\-]+(?:\s+{_NAME_WORD}){{1,3}}"
_DATE_WORDS = (r"published|posted|updated|last updated|first published|publicerad|uppdaterad|publié|publie|"
               r"mis à jour|veröffentlicht|aktualisiert|publicado|actualizado|pubblicato|aggiornato|"
               r"gepubliceerd|opublikowano|опубликовано|обновлено|date")
_DATE_LINE = re.compile(rf"^\s*(?:{_DATE_WORDS})\s*(?:on|:|le|am|el|il|den)?\s*(.{{4,60}}?)\s*$", re.IGNORECASE)
_BYLINE = re.compile(rf"^\s*(?:by|reporting by|written by|words by|text by|reported by)\s*:?\s*({_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*)\s*$",
                     re.IGNORECASE)
_EMAIL_BIO = re.compile(rf"^\s*({_NAME})\s+email\b.*\|", re.IGNORECASE)
_BIO = re.compile(rf"^\s*({_NAME})\s+(?:is|was)\s+(?:a|an|the)\s+(?:[\w\-]+\s+){{0,3}}"
                  r"(?:writer|reporter|journalist|correspondent|editor|contributor|columnist)\s+(?:at|for|with)\s+"
                  r"(?:the\s+)?([A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*){0,4})")
_SOURCE_LINE = re.compile(r"^\s*source\s*:\s*(.{2,60}?)\s*$", re.IGNORECASE)
_DATELINE = re.compile(r"^\s*((?:[A-Z][A-Z'’.\-]+)(?:\s+[A-Z][A-Z'’.\-]+){0,3})"
                       r"(?:\s*,\s*[A-Za-z .]{2,30})?\s*(?:\([^)]{2,40}\))?\s*[–—\-]{1,2}\s+\S")
_NOT_DATELINES = {"UPDATE", "UPDATED", "BREAKING", "EXCLUSIVE", "WATCH", "VIDEO", "PHOTOS", "ANALYSIS",
                  "OPINION", "EDITOR'S NOTE", "NOTE", "FACT", "LIVE", "READ", "MORE"}


@lru_cache(maxsize=1)
def known_outlets() -> dict[str, str]:
    data = yaml.safe_load(resources.files("muster").joinpath("data/outlets.yaml").read_text(encoding="utf-8"))
    return {o.lower(): o for o in data["outlets"]}


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.split("\n") if ln.strip()]


def _is_pull_quote(line: str) -> bool:
    return line[0] in _QUOTE_CHARS and line.rstrip(".")[-1] in _QUOTE_CHARS


def find_title(lines: list[str]) -> str | None:
    """The first headline-like line: 4 to 30 words, not a pull quote, a byline or a date line."""
    from .clean import is_boilerplate

    for line in lines[:8]:
        words = line.split()
        if len(words) > 30:
            return None  # the text starts with body copy: no headline line
        if len(words) < 4 or _is_pull_quote(line) or _BYLINE.match(line) or _DATE_LINE.match(line):
            continue
        if is_boilerplate(line):
            continue
        return line
    return None


def find_published(lines: list[str]) -> str | None:
    """A date line ("Published May 20th, 2015", "Publicerad 12 okt 2017 kl 16.10") near the top or bottom."""
    import dateparser

    settings = {"REQUIRE_PARTS": ["day", "month", "year"], "PREFER_DAY_OF_MONTH": "first",
                "RETURN_AS_TIMEZONE_AWARE": False}
    candidates = lines[:15] + lines[-8:]
    for line in candidates:
        m = _DATE_LINE.match(line)
        if not m:
            continue
        value = re.sub(r"\s+[-–|]\s+\d{1,2}[:.]\d{2}.*$", "", m.group(1))  # drop a trailing time of day
        dt = dateparser.parse(value, settings=settings)
        if dt is None:
            value = re.sub(r"\b(kl|à|um|a las|alle|om|at)\b.*$", "", value).strip()
            dt = dateparser.parse(value, settings=settings)
        if dt is not None:
            return dt.date().isoformat()
    return None


def _split_names(names: str) -> list[str]:
    return [n.strip() for n in re.split(r"\s*(?:,|\band\b|&)\s*", names) if n.strip()]


def find_outlet(lines: list[str], text: str) -> str | None:
    outlets = known_outlets()
    for line in lines:
        m = _SOURCE_LINE.match(line)
        if m and len(m.group(1).split()) <= 6:
            return m.group(1).strip().rstrip(".")
    for line in lines[:12] + lines[-12:]:
        if line.lower().rstrip(".") in outlets:
            return outlets[line.lower().rstrip(".")]
    for line in lines:
        m = _BIO.match(line)
        if m:
            return m.group(2).strip().rstrip(".")
    # the outlet named as the one spoken to or reporting: "told X", "X's reporter", "interview with X"
    counts: dict[str, int] = {}
    for key, name in outlets.items():
        pat = re.compile(rf"(?:\btold|\bspeaking to|\binterview with|\bto)\s+(?:the\s+)?{re.escape(name)}\b|\b{re.escape(name)}['’]s\s+[A-Z]")
        n = len(pat.findall(text))
        if n:
            counts[name] = n
    if counts:
        best = max(counts, key=lambda k: counts[k])
        if counts[best] >= 2:
            return best
    return None


def find_authors(lines: list[str], text: str, outlet: str | None) -> list[str]:
    authors: list[str] = []
    for line in lines:
        m = _BYLINE.match(line)
        if m:
            authors += _split_names(m.group(1))
            continue
        m = _EMAIL_BIO.match(line) or _BIO.match(line)
        if m:
            authors.append(m.group(1))
    if not authors and outlet:
        # "Expressen's Kassem Hamadé": the outlet's own reporter
        for m in re.finditer(rf"\b{re.escape(outlet)}['’]s\s+({_NAME})\b", text):
            authors.append(m.group(1))
    seen, out = set(), []
    for a in authors:
        a = re.sub(r"^(?:by)\s+", "", a.strip(), flags=re.IGNORECASE)
        if a.lower() not in seen:
            seen.add(a.lower())
            out.append(a)
    return out


def find_dateline(text: str) -> str | None:
    """'ALEPPO – Radical group…' gives 'Aleppo'; 'BAGHDAD (Reuters) - …' gives 'Baghdad'."""
    for para in [p for p in text.split("\n") if p.strip()][:8]:
        m = _DATELINE.match(para)
        if m and len(m.group(1)) >= 3 and m.group(1) not in _NOT_DATELINES:
            return " ".join(w.capitalize() if "-" not in w else "-".join(x.capitalize() for x in w.split("-"))
                            for w in m.group(1).split())
    return None


@stage("metadata")
def metadata(article: Article, config: dict[str, Any]) -> Article:
    raw = article.raw or article.text
    lines = _lines(raw)
    given = article.given
    article.title = given.get("title") or find_title(lines)
    article.outlet = given.get("outlet") or find_outlet(lines, raw)
    article.authors = list(given.get("authors") or find_authors(lines, raw, article.outlet))
    pub = given.get("published")
    article.published = str(pub)[:10] if pub else find_published(lines)
    article.dateline = given.get("dateline") or find_dateline(article.text)
    article.url = given.get("url")
    return article
