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

from .registry import load_yaml

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
DATELINE = re.compile(r"^\s*((?:[A-Z][A-Z'’.\-]+)(?:\s+[A-Z][A-Z'’.\-]+){0,3})"
                      r"(?:\s*,\s*[A-Za-z .]{2,30})?\s*(?:\([^)]{2,40}\))?\s*[–—\-]{1,2}\s+\S")
_NOT_DATELINES = {"UPDATE", "UPDATED", "BREAKING", "EXCLUSIVE", "WATCH", "VIDEO", "PHOTOS", "ANALYSIS",
                  "OPINION", "EDITOR'S NOTE", "NOTE", "FACT", "LIVE", "READ", "MORE"}


@lru_cache(maxsize=1)
def known_outlets() -> dict[str, str]:
    data = load_yaml(resources.files("muster").joinpath("data/outlets.yaml").read_text(encoding="utf-8"))
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


# a date in English with a month name: "March 15, 2011", "Feb. 17", "15 March 2011", "Monday, May 9"
_MONTH_WORD = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
               r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?")
_EN_DATE = (rf"(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)?"
            rf"(?:(?P<mon>{_MONTH_WORD})\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?|(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?\s+(?P<mon2>{_MONTH_WORD}))"
            rf"(?:\s*,\s*|\s+)?(?P<year>(?:19|20)\d\d)?")
_EN_DATE_ONLY = re.compile(rf"^\s*{_EN_DATE}\s*$")
# a dateline with the date in brackets: "KABUL, Afghanistan (March 15, 2011) –", "BEIRUT (Jan. 8)"
_DATELINE_DATE = re.compile(r"(?:^|:\s*)[A-Z][A-Z'’.\-]{2,}(?:\s+[A-Z][A-Z'’.\-]+){0,3}(?:\s*,\s*[A-Z][A-Za-z .]{1,30})?"
                            r"\s*\(([^()]{3,40})\)")
# a release's heading that starts with its date ("May 9: Afghan-ISAF operations") or ends with it
# after Title Case words ("Operational Update March 15, 2011"); a caption is not Title Case
_HEAD_START = re.compile(rf"^(?:[A-Z ]+:\s*)?{_EN_DATE}\s*:\s+\S")
_HEAD_END = re.compile(rf"^(?:[A-Z ]+:\s*)?(?P<words>(?:[A-Z0-9][\w'’&\-]*,?\s+){{1,12}}){_EN_DATE}\s*$")
_HEAD_PREPS = {"on", "in", "since", "until", "by", "from", "before", "after", "of"}
# a reference number that starts with the year and month: "2010-07-CA-144", "2011-03-S-053"
_REF_YEAR_MONTH = re.compile(r"\b((?:19|20)\d\d)-(0[1-9]|1[0-2])-[A-Z]")


def _en_date(m: re.Match) -> tuple[int | None, int, int] | None:
    from .times import MONTHS

    mon = m.group("mon") or m.group("mon2")
    day = int(m.group("day") or m.group("day2"))
    if not 1 <= day <= 31:
        return None
    year = int(m.group("year")) if m.group("year") else None
    return year, MONTHS[mon.lower().rstrip(".")], day


def _iso(y: int, mo: int, d: int) -> str | None:
    from .times import safe_date

    dt = safe_date(y, mo, d)
    return dt.isoformat() if dt else None


def _top_dates(lines: list[str]) -> list[tuple[int | None, int, int]]:
    """Dates the top of a release gives as its own: in a dateline's brackets, a line that is only a
    date, or a Title Case heading that starts or ends with one. Datelines come first."""
    import dateparser

    datelines, headings = [], []
    for i, line in enumerate(lines[:12]):
        m = _DATELINE_DATE.search(line)
        if m:
            inner = _EN_DATE_ONLY.fullmatch(m.group(1))
            if inner:
                got = _en_date(inner)
            elif not any(ch.isdigit() for ch in m.group(1)):
                got = None  # "(Reuters)": no day or year, so no date (dateparser would try every language first)
            else:  # a dateline in another language: "(12 octobre 2017)"
                dt = dateparser.parse(m.group(1), settings={"REQUIRE_PARTS": ["day", "month", "year"],
                                                            "RETURN_AS_TIMEZONE_AWARE": False})
                got = (dt.year, dt.month, dt.day) if dt else None
            if got:
                datelines.append(got)
        if i >= 8:
            continue
        for pat in (_EN_DATE_ONLY, _HEAD_START, _HEAD_END):
            m = pat.match(line)
            if not m:
                continue
            if pat is _HEAD_END:
                words = m.group("words").split()
                if words[-1].lower().strip(",") in _HEAD_PREPS:
                    continue
            got = _en_date(m)
            if got:
                headings.append(got)
            break
    return datelines + headings


# a date the text opens with, before its headline (FA-KES scrapes): "Wed May 18 2016 ...",
# "Sunday 14 Aug 2016 ...", "Date of publication 3 April 2017 ...", "Last updated at Apr 232017 ..."
# (day and year run together), "07-07-2015 ...", "28.04.2017Get short URL"; or an agency's byline
# with a weekday after the headline: "... Monitor AFP Saturday 26 Jul 2014 At least 85 ..."
_MONTH_WORD = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
               r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_WEEKDAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)(?:day|sday|nesday|rsday|urday)?\.?,?"
_TEXT_DATE = (rf"(?:(?P<d1>\d{{1,2}})\s+(?P<m1>{_MONTH_WORD}),?\s+(?P<y1>(?:19|20)\d\d)"
              rf"|(?P<m2>{_MONTH_WORD})\s+(?P<d2>\d{{1,2}}),?\s*(?P<y2>(?:19|20)\d\d)"
              r"|(?P<d3>\d{1,2})[-./](?P<m3>\d{1,2})[-./](?P<y3>(?:19|20)\d\d))(?!\d)")
_OPENING_DATE = re.compile(
    rf"^\W*(?:(?:date of publication|published|posted|(?:last\s+)?updated)(?:\s+(?:at|on))?\s*:?\s*)?"
    rf"(?:{_WEEKDAY}\s+)?{_TEXT_DATE}", re.IGNORECASE)
_AGENCY_DATE = re.compile(rf"\b(?:AFP|AP|Reuters|SANA|ANHA)\s+{_WEEKDAY}\s+{_TEXT_DATE}")
# a site's time stamp after the byline: "Middle East 1730 28.04.2017Get short URL", "2159 18.05.2017(updated
# 2204 18.05.2017)": the hour and minute, then the day, first
_STAMP_DATE = re.compile(r"\b[0-2]\d[0-5]\d\s+(?P<d3>\d{1,2})\.(?P<m3>\d{1,2})\.(?P<y3>(?:19|20)\d\d)\s*(?:\(updated\b|Get short URL)")


def opening_date(text: str) -> str | None:
    """The publication date a text opens with (see _OPENING_DATE), or an agency's dated byline in
    its first 200 characters; numeric dates are read day first, as the sites that print them do."""
    from .times import MONTHS

    m = _OPENING_DATE.match(text[:80]) or _AGENCY_DATE.search(text[:200]) or _STAMP_DATE.search(text[:400])
    if not m:
        return None
    if m.group("y3"):
        d, mo = int(m.group("d3")), int(m.group("m3"))
        if mo > 12 and d <= 12:  # month first after all: "05-17-2016"
            d, mo = mo, d
        return _iso(int(m.group("y3")), mo, d)
    k = "1" if m.group("y1") else "2"
    month = MONTHS.get(m.group("m" + k).lower().rstrip("."))
    return _iso(int(m.group("y" + k)), month, int(m.group("d" + k))) if month else None


def find_published(lines: list[str]) -> str | None:
    """A date line ("Published May 20th, 2015", "Publicerad 12 okt 2017 kl 16.10") near the top or
    bottom; else the date a press release gives at its top: in its dateline ("KABUL, Afghanistan
    (March 15, 2011) –") or its heading ("March 15, 2011", "May 9: Operations in ..."). A date
    without its year takes the year of another top date or of a "2010-07-CA-144" reference number
    in the same month; a year alone (a photo caption's "in 2016") is never a publication date."""
    import dateparser

    # some scrapes separate lines with Unicode line separators
    lines = [p.strip() for ln in lines for p in re.split(r"[\u2028\u2029]", ln) if p.strip()]
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
    opening = opening_date(lines[0]) if lines else None
    if opening:
        return opening
    top = _top_dates(lines)
    for y, mo, d in top:
        if y is not None:
            return _iso(y, mo, d)
    refs = [(int(r.group(1)), int(r.group(2))) for ln in lines[:8] for r in _REF_YEAR_MONTH.finditer(ln)]
    for _y, mo, d in top:
        years = [y for y, mo2, _ in top if y is not None and mo2 == mo]
        years += [y for y, mo2 in refs if mo2 == mo]
        if years:
            return _iso(years[0], mo, d)
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
        if name not in text:
            continue  # most names are not in the text at all: no pattern to run (157 a text took 8 ms)
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
        m = DATELINE.match(para)
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
