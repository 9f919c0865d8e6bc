"""Stage: times. Time expressions, resolved against the article's publication date.

A regular-expression grammar for English time expressions ("on Monday", "last June", "three
years ago", "the first three months of 2015", "late last year", "mid-2017", "yesterday",
"last night", "overnight", durations, clock times) runs once over the whole text; dateparser is
called only for dates written with a month name of another language ("12 okt 2017",
"15 mars 2015"), which a cheap look-up of month words finds first. Every expression gets a
TIMEX3-style type and value (for evaluation against TempEval-3) and the layer's
start_date/end_date/granularity (for claims). Without a publication date, relative
expressions stay unresolved (null dates) rather than guessed.
"""
from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any, Callable

from .fast_regex import with_lookahead
from .model import Article, TimeExpr
from .registry import stage
from .triage import over_focus

# ---- vocabulary --------------------------------------------------------------------------------

MONTHS = {"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
          "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
          "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
          "oct": 10, "nov": 11, "dec": 12}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
           "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
           "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "hundred": 100, "a couple of": 2,
           "couple of": 2, "a few": None, "few": None, "several": None, "many": None, "some": None}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1, "final": -1}
SEASONS = {"spring": (3, 5, "SP"), "summer": (6, 8, "SU"), "autumn": (9, 11, "FA"), "fall": (9, 11, "FA"),
           "winter": (12, 2, "WI")}
PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}
UNIT_CODE = {"day": "D", "week": "W", "month": "M", "year": "Y", "decade": "DE", "century": "CE",
             "hour": "H", "minute": "M", "quarter": "Q", "fortnight": "W", "weekend": "WE", "night": "D"}

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
          r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|Oct\.?|Nov\.?|Dec\.?)")
_FULL_MONTH = r"(?:January|February|March|April|June|July|August|September|October|November|December)"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?:[0-2]?\d|3[01])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_NUM_WORDS = "|".join(sorted((re.escape(k) for k in NUMBERS), key=len, reverse=True))
_NUM = rf"(?:\d+(?:\.\d+)?|{_NUM_WORDS})"
_UNIT = r"(?:day|week|month|year|decade|century|centuries|hour|minute|quarter|fortnight|weekend)s?"
_REL = r"(?:last|this|next|past|previous|coming|current)"
_PART = r"(?:morning|afternoon|evening|night)"
_SEASON = r"(?:spring|summer|autumn|fall|winter)"
_MOD = r"(?:early|earlier|mid|late|later|the (?:end|beginning|start|middle) of|the (?:early|late) part of)"
# a leading preposition is kept in the span ("on Monday", as in spec/layers.md); "since" changes the meaning
_PREP = r"(?:\b(?P<prep>[Oo]n|[Ii]n|[Dd]uring|[Ww]ithin|[Ss]ince|[Tt]hroughout)\s+)?"
# a verb or phrase that puts a bare "Monday" or "June" in the future
_FUTURE = with_lookahead(re.compile(r"\b(?:will|shall|'ll|going to|scheduled to|scheduled for|plans? to|expected to|expects? to|"
                     r"due to|is to|are to|set to|upcoming|would be held|to be held|to begin|to start|to meet)\b",
                     re.IGNORECASE))
# nouns that a number counts: "2000 fighters" is not a year
_COUNTED = re.compile(r"\s+(?:[a-z]+\s+)?(?:fighters|men|women|children|boys|girls|troops|soldiers|recruits|militants|members|"
                      r"people|persons|rounds|insurgents|civilians|refugees|families|students|workers|dollars|euros|"
                      r"pounds|tonnes|tons|km|kilometers|kilometres|miles|meters|metres|feet|households|villagers|"
                      r"jihadists|rebels|combatants|volunteers|mercenaries|cadets|guards|police(?:men)?|officers|"
                      r"deaths|dead|killed|casualties|victims|homes|houses|vehicles|weapons|rifles)\b")
_CLAUSE_START = re.compile(r"[.!?;\n\u2028\u2029]")
# a clause joined after a comma has its own tense ("surrendered in late August, meaning those who remain will
# struggle"); a fronted date's clause follows its comma without a conjunction ("In August, the army will ...")
_NEXT_CLAUSE = re.compile(r",\s+(?:meaning|which|while|whereas|although|though|but|and|so|because|since|when|as|after|before)\b")


@dataclass
class Timex:
    """One time expression: TIMEX3 type and value, and the layer's dates."""

    text: str
    start: int
    end: int
    type: str  # DATE, TIME, DURATION, SET
    value: str | None
    start_date: date | None = None
    end_date: date | None = None
    granularity: str | None = None

    def to_expr(self) -> TimeExpr:
        return TimeExpr(self.text, self.start, self.end,
                        self.start_date.isoformat() if self.start_date else None,
                        self.end_date.isoformat() if self.end_date else None, self.granularity)


# ---- calendar helpers ----------------------------------------------------------------------------

def month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def add_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


def safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _month_num(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def _num(word: str) -> int | float | None:
    word = word.lower()
    if word[0].isdigit():
        x = float(word)
        return int(x) if x.is_integer() else x
    return NUMBERS.get(word)


def _week_value(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


# ---- the grammar -----------------------------------------------------------------------------

class Ctx:
    """What a rule needs: the text, the match, the anchor date, and whether the clause is future."""

    def __init__(self, text: str, m: re.Match, anchor: date | None, left: re.Match | None = None):
        self.text, self.m, self.anchor, self.left = text, m, anchor, left
        self.start = left.start() if left else m.start()

    def g(self, name: str) -> str | None:
        for mm in (self.m, self.left):
            if mm is not None and name in mm.re.groupindex and mm.group(name) is not None:
                return mm.group(name)
        return None

    def future(self) -> bool:
        s = self.start
        lo = max(0, s - 120)
        before = self.text[lo:s]
        cut = [x.end() for x in _CLAUSE_START.finditer(before)]
        clause = before[cut[-1]:] if cut else before
        after = self.text[self.m.end():self.m.end() + 40]
        after = _NEXT_CLAUSE.split(_CLAUSE_START.split(after, 1)[0], 1)[0]
        return bool(_FUTURE.search(clause) or _FUTURE.search(after))


Result = tuple  # (type, value, start_date, end_date, granularity)
Rule = Callable[[Ctx], "Result | None"]
_RULES: list[tuple[re.Pattern, re.Pattern | None, bool, Rule, int, bool]] = []


def rule(pattern: str, priority: int = 0, flags: int = 0, left: str | None = None, need_left: bool = False,
         left_flags: int = 0, lower: bool = False) -> Callable[[Rule], Rule]:
    """Register a rule. `pattern` must start with a distinctive token (a month, a digit, a unit word):
    Python's re is slow on patterns that may start anywhere, so what may come before the token
    ("on", "early", "last", "three") is the `left` pattern, matched backwards from the token. A
    `lower` rule (lower-case pattern) runs on a lower-cased copy of the text: re.IGNORECASE is slow."""
    def register(fn: Rule) -> Rule:
        lp = re.compile(rf"(?:{left})$", left_flags) if left else None
        _RULES.append((re.compile(pattern, flags), lp, need_left, fn, priority, lower))
        return fn
    return register


def _day(d: date | None, tod: str | None = None) -> Result | None:
    if d is None:
        return None
    value = d.isoformat() + (f"T{tod}" if tod else "")
    return ("TIME" if tod else "DATE", value, d, d, "day")


def _unresolved(typ: str, value: str | None, gran: str | None) -> Result:
    return (typ, value, None, None, gran)


def _month(y: int, m: int) -> Result:
    return ("DATE", f"{y}-{m:02d}", date(y, m, 1), month_end(y, m), "month")


def _year(y: int) -> Result:
    return ("DATE", str(y), date(y, 1, 1), date(y, 12, 31), "year")


def _nearest_year(anchor: date, m: int, d: int, future: bool = False) -> date | None:
    """'March 15' with no year: news mostly tells what happened, so the latest such date up to a
    fortnight after the anchor; with a future cue ("will meet on March 15") the next one."""
    cands = [c for c in (safe_date(y, m, d) for y in (anchor.year - 1, anchor.year, anchor.year + 1)) if c]
    if future:
        later = [c for c in cands if c >= anchor]
        return min(later) if later else None
    past = [c for c in cands if c <= anchor + timedelta(days=14)]
    return max(past) if past else None


def _sub_range(mod: str | None, lo: date, hi: date, value: str, gran: str) -> Result:
    """'early 2015', 'late last year', 'the end of June': a third of the period."""
    if not mod:
        return ("DATE", value, lo, hi, gran)
    mod = mod.lower()
    if (hi - lo).days > 62:
        # a year or season: thirds in whole months (early 2015 is January to April)
        months = (hi.year - lo.year) * 12 + hi.month - lo.month + 1
        k = max(1, months // 3)
        first_end = month_end(*add_months(lo.year, lo.month, k - 1))
        last_start = date(*add_months(hi.year, hi.month, -(k - 1)), 1)
        mid_start = first_end + timedelta(days=1)
        mid_end = last_start - timedelta(days=1)
    else:
        # a month: 1-10, 11-20, 21-end
        first_end = lo + timedelta(days=9)
        mid_start, mid_end, last_start = lo + timedelta(days=10), lo + timedelta(days=19), lo + timedelta(days=20)
    if mod.startswith(("early", "the beginning", "the start", "the early")):
        return ("DATE", value, lo, first_end, gran)
    if mod.startswith(("late", "the end", "the late")):
        return ("DATE", value, last_start, hi, gran)
    if mod.startswith(("mid", "the middle")):
        return ("DATE", value, mid_start, mid_end, gran)
    return ("DATE", value, lo, hi, gran)


def _since(ctx: Ctx, res: Result | None) -> Result | None:
    """'since June': from the period's start up to the publication date."""
    if res and (ctx.g("prep") or "").lower() == "since" and res[2] is not None:
        return (res[0], res[1], res[2], ctx.anchor or res[3], res[4])
    return res


# absolute dates ---------------------------------------------------------------------------------

@rule(rf"(?P<mon>{_MONTH})\s+(?P<day>{_DAY})(?:,\s*|\s+)(?P<year>{_YEAR})\b", 10,
      left=rf"{_PREP}(?:\b(?P<wd>{_WEEKDAY}),?\s+)?")
def _mdy(ctx: Ctx) -> Result | None:
    return _since(ctx, _day(safe_date(int(ctx.g("year")), _month_num(ctx.g("mon")), int(re.sub(r"\D", "", ctx.g("day"))))))


@rule(rf"(?P<day>{_DAY})\s+(?:of\s+)?(?P<mon>{_MONTH}),?\s+(?P<year>{_YEAR})\b", 10,
      left=rf"{_PREP}(?:\b(?P<wd>{_WEEKDAY}),?\s+)?(?:\bthe\s+)?")
def _dmy(ctx: Ctx) -> Result | None:
    return _since(ctx, _day(safe_date(int(ctx.g("year")), _month_num(ctx.g("mon")), int(re.sub(r"\D", "", ctx.g("day"))))))


@rule(r"(?P<y>(?:19|20)\d\d)-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])(?![\d-])", 10)
def _iso(ctx: Ctx) -> Result | None:
    return _day(safe_date(int(ctx.g("y")), int(ctx.g("m")), int(ctx.g("d"))))


@rule(rf"(?P<mon>{_MONTH})\s+(?P<day>{_DAY})\b(?!\s*[,:]?\s*\d)(?![.,]\d)", 8,
      left=rf"{_PREP}(?:\b(?P<wd>{_WEEKDAY}),?\s+)?")
def _md(ctx: Ctx) -> Result | None:
    m, d = _month_num(ctx.g("mon")), int(re.sub(r"\D", "", ctx.g("day")))
    if not 1 <= d <= 31:
        return None
    if ctx.anchor is None:
        return _unresolved("DATE", f"XXXX-{m:02d}-{d:02d}", "day")
    return _since(ctx, _day(_nearest_year(ctx.anchor, m, d, ctx.future())))


@rule(rf"(?P<day>{_DAY})\s+(?:of\s+)?(?P<mon>{_FULL_MONTH}|May)\b(?!\s*,?\s*\d)", 8,
      left=rf"{_PREP}(?:\b(?P<wd>{_WEEKDAY}),?\s+)?(?:\bthe\s+)?")
def _dm(ctx: Ctx) -> Result | None:
    return _md(ctx)


@rule(rf"(?P<mon>{_MONTH})(?:\s+of|,)?\s+(?P<year>{_YEAR})\b(?![-/]\d)", 9,
      left=rf"{_PREP}(?:\b(?P<mod>{_MOD})[\s-]+)?")
def _my(ctx: Ctx) -> Result | None:
    y, m = int(ctx.g("year")), _month_num(ctx.g("mon"))
    res = _month(y, m)
    return _since(ctx, _sub_range(ctx.g("mod"), res[2], res[3], res[1], "month"))


@rule(rf"(?P<mon>{_MONTH})(?:\s+of)?\s+(?P<yrel>[Tt]his|[Ll]ast|[Nn]ext|(?:the\s+)?(?:previous|following))\s+year\b", 9,
      left=rf"{_PREP}(?:\b(?P<mod>{_MOD})[\s-]+)?")
def _m_rel_year(ctx: Ctx) -> Result | None:
    """"August this year", "in late March last year": one month of the year named relative to
    the publication date (not the month alone and the whole year beside it)."""
    m = _month_num(ctx.g("mon"))
    rel = ctx.g("yrel").lower().split()[-1]
    if ctx.anchor is None:
        return _unresolved("DATE", f"XXXX-{m:02d}", "month")
    y = ctx.anchor.year + {"this": 0, "last": -1, "previous": -1, "next": 1, "following": 1}[rel]
    res = _month(y, m)
    return _since(ctx, _sub_range(ctx.g("mod"), res[2], res[3], res[1], "month"))


@rule(rf"(?P<year>{_YEAR})(?:\s*(?:(?P<dash>[-–])|to|and|until)\s*(?P<y2>{_YEAR}|\d\d))?\b"
      rf"(?![-/.,]\d)(?![-/]\w)(?!\s+\d)", 5, left=rf"{_PREP}(?:\b(?P<mod>{_MOD})[\s-]*)?")
def _year_rule(ctx: Ctx) -> Result | None:
    y = int(ctx.g("year"))
    s = ctx.m.start("year")
    prev = ctx.text[max(0, s - 25):s]
    nxt = ctx.text[ctx.m.end("year"):ctx.m.end("year") + 30]
    if not (ctx.g("prep") or ctx.g("mod") or ctx.g("y2")):
        # a bare number that could be a count: only when the words around make it a year
        if re.search(r"[\d$€£#]\s*$|No\.\s*$|-$", prev):
            return None
        if _COUNTED.match(nxt):
            return None  # "the 2000 fighters", "2000 rounds"
        if not (re.search(r"\b(?:of|by|until|till|to|from|before|after|between|and|or|since|in|year|late|early|fiscal|"
                          r"mid|summer|winter|spring|autumn|fall|the|a|an|his|her|its|their|our|that|this|"
                          r"[Ss]eptember|[Dd]ecember)\s*$|['’]s\s*$", prev)
                or re.match(r"\s*(?:[,.;:)!?'\"”]|$|and\b|to\b|when\b|after\b|before\b|as\b|the\b|was\b|were\b|is\b)", nxt)):
            return None
    if ctx.g("y2") and not (re.search(r"\b(?:from|between)\s*$", prev) or ctx.g("dash")):
        return None
    if ctx.g("y2"):
        y2 = ctx.g("y2")
        y2 = int(y2) if len(y2) == 4 else (y // 100) * 100 + int(y2)
        if not y < y2 <= y + 100:
            return None
        return ("DURATION", f"P{y2 - y + 1}Y", date(y, 1, 1), date(y2, 12, 31), "year")
    return _since(ctx, _sub_range(ctx.g("mod"), date(y, 1, 1), date(y, 12, 31), str(y), "year"))


@rule(r"(?P<dec>1[89]\d0|20\d0|'\d0)s\b", 6, left=rf"{_PREP}\bthe\s+(?:(?P<mod>early|mid|late)[\s-]+)?")
def _decade(ctx: Ctx) -> Result | None:
    dec = ctx.g("dec")
    y = int(dec) if not dec.startswith("'") else 1900 + int(dec[1:])
    return _sub_range(ctx.g("mod"), date(y, 1, 1), date(y + 9, 12, 31), str(y)[:3], "decade")


# parts of years: quarters, halves, "the first three months of 2015" -------------------------------

def _year_of(ctx: Ctx, grp: str = "yr") -> int | None:
    yr = ctx.g(grp)
    if yr is None:
        return ctx.anchor.year if ctx.anchor else None
    yr = yr.lower()
    if yr[0].isdigit():
        return int(yr)
    if ctx.anchor is None:
        return None
    return ctx.anchor.year + {"last": -1, "this": 0, "next": 1, "the": 0, "previous": -1, "current": 0, "past": -1}[yr.split()[0]]


_YEAR_REF = rf"(?P<yr>{_YEAR}|(?:last|this|next|the|previous|current|past)\s+year)"


@rule(rf"(?P<what>quarter|half)\b(?:\s+of\s+{_YEAR_REF})?\b", 9, 0,
      left=rf"{_PREP}\b(?:the\s+)?(?P<ord>first|second|third|fourth|last|final)[\s-]+", need_left=True, left_flags=0, lower=True)
def _quarter(ctx: Ctx) -> Result | None:
    ordn = ORDINALS[ctx.g("ord").lower()]
    what = ctx.g("what").lower()
    parts = 4 if what == "quarter" else 2
    ordn = parts if ordn == -1 else ordn
    if ordn > parts:
        return None
    y = _year_of(ctx)
    if ctx.g("yr") is None and ctx.anchor is not None:
        # "the third quarter" alone: the latest such quarter up to the publication date
        cur = (ctx.anchor.month - 1) // (12 // parts) + 1
        if ordn > cur:
            y -= 1
    if y is None:
        return _unresolved("DATE", None, what)
    size = 12 // parts
    m1 = (ordn - 1) * size + 1
    code = f"Q{ordn}" if parts == 4 else f"H{ordn}"
    return _since(ctx, ("DATE", f"{y}-{code}", date(y, m1, 1), month_end(y, m1 + size - 1), what))


@rule(r"weekend\b", 6, 0, left=r"(?:\b(?P<prep>over|during|on|at)\s+)?\bthe\s+", need_left=True,
      left_flags=0, lower=True)
def _the_weekend(ctx: Ctx) -> Result | None:
    if ctx.anchor is None:
        return _unresolved("DATE", None, "week")
    lo, hi, value, gran = _period(ctx.anchor, "weekend", 0)
    if ctx.future():
        if hi < ctx.anchor:
            lo, hi, value, gran = _period(ctx.anchor, "weekend", 1)
    elif lo > ctx.anchor:
        lo, hi, value, gran = _period(ctx.anchor, "weekend", -1)
    return ("DATE", value, lo, hi, gran)


@rule(r"(?P<unit>days|weeks|months|years|decades)\b(?!\s+(?:ago|earlier|later|of)\b)", 2, 0,
      left=r"\b(?:for|over|in|within|after)\s+(?:(?P<q>several|many|a few|some)\s+)?", need_left=True, left_flags=0, lower=True)
def _vague_duration(ctx: Ctx) -> Result | None:
    unit = ctx.g("unit").lower()
    return ("DURATION", "PXDE" if unit == "decades" else f"PX{unit[0].upper()}", None, None, unit[:-1])


@rule(r"(?P<unit>day|week|month|year|decade|hour)\b(?!\s+(?:ago|earlier|later|before|after)\b)", 2, 0,
      left=r"\b(?:for|over|in|within|after|than|nearly|almost|about|around|some|barely|just|only)\s+(?P<n>a|an|one)\s+",
      need_left=True, left_flags=0, lower=True)
def _a_duration(ctx: Ctx) -> Result | None:
    unit = ctx.g("unit").lower()
    value = "PT1H" if unit == "hour" else ("P10Y" if unit == "decade" else f"P1{unit[0].upper()}")
    return ("DURATION", value, None, None, unit)


@rule(rf"Q(?P<q>[1-4])\s+(?P<yr>{_YEAR})\b", 9, left=_PREP)
def _q(ctx: Ctx) -> Result | None:
    q, y = int(ctx.g("q")), int(ctx.g("yr"))
    return ("DATE", f"{y}-Q{q}", date(y, 3 * q - 2, 1), month_end(y, 3 * q), "quarter")


@rule(rf"(?P<unit>months|weeks|days)\s+of\s+(?:(?P<mon>{_MONTH})\s+)?{_YEAR_REF}\b", 11, re.IGNORECASE,
      left=rf"{_PREP}\bthe\s+(?P<ord>first|last|final)\s+(?P<n>{_NUM})\s+", need_left=True, left_flags=re.IGNORECASE)
def _first_n(ctx: Ctx) -> Result | None:
    n, y = _num(ctx.g("n")), _year_of(ctx)
    if not isinstance(n, int) or y is None:
        return None
    unit = ctx.g("unit").lower()
    if ctx.g("mon"):
        m = _month_num(ctx.g("mon"))
        lo, hi = date(y, m, 1), month_end(y, m)
    else:
        lo, hi = date(y, 1, 1), date(y, 12, 31)
    first = ctx.g("ord").lower() == "first"
    if unit == "months":
        if n > 12:
            return None
        if first:
            end = month_end(*add_months(lo.year, lo.month, n - 1))
            return ("DATE", f"{y}", lo, min(end, hi), "month")
        sy, sm = add_months(hi.year, hi.month, -(n - 1))
        return ("DATE", f"{y}", max(date(sy, sm, 1), lo), hi, "month")
    days = n * (7 if unit == "weeks" else 1)
    if first:
        return ("DATE", f"{y}", lo, min(lo + timedelta(days=days - 1), hi), "day")
    return ("DATE", f"{y}", max(hi - timedelta(days=days - 1), lo), hi, "day")


# relative to the publication date --------------------------------------------------------------

@rule(r"(?P<w>today|tonight|yesterday|tomorrow|the day before yesterday|the day after tomorrow)"
      rf"(?:(?:'s)?\s+(?P<part>{_PART}))?\b", 7, 0, lower=True)
def _deictic(ctx: Ctx) -> Result | None:
    w = ctx.g("w").lower()
    off = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1, "the day before yesterday": -2,
           "the day after tomorrow": 2}[w]
    tod = "NI" if w == "tonight" else PARTS_OF_DAY.get((ctx.g("part") or "").lower())
    if ctx.anchor is None:
        return _unresolved("TIME" if tod else "DATE", {"today": "PRESENT_REF"}.get(w), "day")
    return _day(ctx.anchor + timedelta(days=off), tod)


@rule(rf"(?P<w>last\s*night|this\s+(?P<part>{_PART})|overnight|earlier\s+today|later\s+today)\b", 7, 0, lower=True)
def _tonight(ctx: Ctx) -> Result | None:
    w = re.sub(r"\s+", " ", ctx.g("w").lower())
    if ctx.anchor is None:
        return _unresolved("TIME", None, "day")
    a = ctx.anchor
    if w.startswith("last"):
        return _day(a - timedelta(days=1), "NI")
    if w == "overnight":
        # the night that ended on the publication day
        return ("TIME", (a - timedelta(days=1)).isoformat() + "TNI", a - timedelta(days=1), a, "day")
    if w.startswith("this"):
        return _day(a, PARTS_OF_DAY[ctx.g("part").lower()])
    return _day(a)


@rule(rf"(?P<wd>{_WEEKDAY})(?P<pl>s)?(?:\s+(?P<part>{_PART}))?\b(?!,?\s+(?:{_MONTH}|\d))", 6,
      left=rf"{_PREP}(?:\b(?P<rel>[Ll]ast|[Tt]his|[Nn]ext|[Pp]ast|[Cc]oming)\s+)?")
def _weekday(ctx: Ctx) -> Result | None:
    wd = WEEKDAYS[ctx.g("wd").lower()]
    tod = PARTS_OF_DAY.get((ctx.g("part") or "").lower())
    if ctx.g("pl"):
        return ("SET", f"XXXX-WXX-{wd + 1}", None, None, "week")
    if ctx.anchor is None:
        return _unresolved("DATE", f"XXXX-WXX-{wd + 1}", "day")
    a = ctx.anchor
    rel = (ctx.g("rel") or "").lower()
    back = (a.weekday() - wd) % 7
    fwd = (wd - a.weekday()) % 7
    if rel in ("last", "past"):
        d = a - timedelta(days=back or 7)
    elif rel in ("next", "coming"):
        d = a + timedelta(days=fwd or 7)
    elif rel == "this" or ctx.future():
        d = a + timedelta(days=fwd) if (rel != "this" or fwd <= back or ctx.future()) else a - timedelta(days=back)
    else:
        d = a - timedelta(days=back)  # news tells what happened: the latest such day
    return _since(ctx, _day(d, tod))


@rule(rf"(?P<mon>{_FULL_MONTH}|May)\b(?!\s+(?:the\s+)?\d)(?!\s+of\s+\d)", 4,
      left=rf"{_PREP}(?:\b(?P<mod>{_MOD})[\s-]+)?(?:\b(?P<rel>[Ll]ast|[Tt]his|[Nn]ext|[Pp]ast|[Cc]oming)\s+)?")
def _month_alone(ctx: Ctx) -> Result | None:
    m = _month_num(ctx.g("mon"))
    rel = (ctx.g("rel") or "").lower()
    if ctx.g("mon") == "May" and not (ctx.g("prep") or ctx.g("mod") or rel):
        return None  # "May" alone is as likely the verb or a name
    if ctx.anchor is None:
        return _unresolved("DATE", f"XXXX-{m:02d}", "month")
    a = ctx.anchor
    if rel == "this":
        y = a.year
    elif rel in ("last", "past"):
        y = a.year if m < a.month else a.year - 1
    elif rel in ("next", "coming"):
        y = a.year if m > a.month else a.year + 1
    elif ctx.future():
        y = a.year if m >= a.month else a.year + 1
    else:
        y = a.year if m <= a.month else a.year - 1
    res = _month(y, m)
    return _since(ctx, _sub_range(ctx.g("mod"), res[2], res[3], res[1], "month"))


def _period(a: date, unit: str, n: int) -> tuple[date, date, str, str]:
    """The calendar week/month/quarter/year that lies n periods from the anchor's."""
    if unit == "week":
        mon = a - timedelta(days=a.weekday()) + timedelta(weeks=n)
        return mon, mon + timedelta(days=6), _week_value(mon), "week"
    if unit == "weekend":
        sat = a - timedelta(days=(a.weekday() - 5) % 7) + timedelta(weeks=n)
        return sat, sat + timedelta(days=1), _week_value(sat) + "-WE", "week"
    if unit == "month":
        y, m = add_months(a.year, a.month, n)
        return date(y, m, 1), month_end(y, m), f"{y}-{m:02d}", "month"
    if unit == "quarter":
        q0 = (a.month - 1) // 3 + n
        y, q = a.year + q0 // 4, q0 % 4 + 1
        return date(y, 3 * q - 2, 1), month_end(y, 3 * q), f"{y}-Q{q}", "quarter"
    if unit == "decade":
        y = a.year // 10 * 10 + 10 * n
        return date(y, 1, 1), date(y + 9, 12, 31), str(y)[:3], "decade"
    y = a.year + n
    return date(y, 1, 1), date(y, 12, 31), str(y), "year"


@rule(r"(?P<unit>week|weekend|month|quarter|year|decade)\b(?!\s+(?:or|and)\b)(?!s)", 7, 0,
      left=rf"{_PREP}(?:\b(?P<mod>{_MOD})\s+)?\b(?P<rel>last|this|next|the\s+current|the\s+coming|the\s+previous|the\s+past)\s+",
      need_left=True, left_flags=0, lower=True)
def _rel_period(ctx: Ctx) -> Result | None:
    unit = ctx.g("unit").lower()
    rel = ctx.g("rel").lower().split()[-1]
    if ctx.anchor is None:
        return _unresolved("DATE", None, "week" if unit == "weekend" else unit)
    a = ctx.anchor
    n = {"last": -1, "previous": -1, "past": -1, "this": 0, "current": 0, "next": 1, "coming": 1}[rel]
    if rel == "past":
        # "the past year": the year up to the publication date
        days = {"week": 7, "weekend": 2, "month": 30, "quarter": 91, "year": 365, "decade": 3652}[unit]
        return ("DURATION", f"P1{UNIT_CODE[unit][0]}", a - timedelta(days=days), a, "day")
    lo, hi, value, gran = _period(a, unit, n)
    mod = (ctx.g("mod") or "").lower()
    if mod in ("earlier", "later") and n == 0:
        # "earlier this year": from the start of the year to the publication date
        return ("DATE", value, lo, a, gran) if mod == "earlier" else ("DATE", value, a, hi, gran)
    return _since(ctx, _sub_range(mod or None, lo, hi, value, gran))


@rule(rf"(?P<season>{_SEASON})(?:\s+(?:of\s+)?(?P<yr>{_YEAR}))?\b", 5, 0,
      left=rf"{_PREP}(?:\b(?P<mod>early|mid|late)[\s-]+)?(?:\b(?P<rel>last|this|next|past)\s+|\bthe\s+)?", left_flags=0, lower=True)
def _season(ctx: Ctx) -> Result | None:
    s = ctx.g("season").lower()
    rel = (ctx.g("rel") or "").lower()
    if not (rel or ctx.g("yr") or ctx.g("prep")) or (s == "fall" and not (rel or ctx.g("yr"))):
        return None  # "spring" or "fall" alone is rarely a season in conflict news
    m1, m2, code = SEASONS[s]
    a = ctx.anchor
    if ctx.g("yr"):
        y = int(ctx.g("yr"))
    elif a is None:
        return _unresolved("DATE", f"XXXX-{code}", "season")
    else:
        cur = a.year if (a.month >= m1 or m1 == 12) else a.year - 1
        if code == "WI" and a.month <= 2:
            cur = a.year - 1
        y = {"last": cur - 1 if a.month >= m1 or (code == "WI" and a.month <= 2) else cur,
             "past": cur - 1 if a.month >= m1 else cur, "next": cur + 1, "this": a.year}.get(rel, a.year)
        if rel == "last" and not (a.month >= m1 or (code == "WI" and a.month <= 2)):
            y = a.year - 1
    lo = date(y, m1, 1)
    hi = month_end(y + 1, m2) if m2 < m1 else month_end(y, m2)
    return _since(ctx, _sub_range(ctx.g("mod"), lo, hi, f"{y}-{code}", "season"))


@rule(rf"(?P<unit>{_UNIT})\s+(?P<dir>ago|earlier|before|later|from now|hence)\b", 9, 0,
      left=rf"\b(?P<n>{_NUM})\s+", need_left=True, left_flags=0, lower=True)
def _ago(ctx: Ctx) -> Result | None:
    n = _num(ctx.g("n"))
    unit = ctx.g("unit").lower().rstrip("s").replace("centurie", "century")
    d = ctx.g("dir").lower()
    if d in ("earlier", "before", "later") and not re.match(r"\s*[,.;]", ctx.text[ctx.m.end():]):
        return None  # "two years before the war": relative to another event
    if not isinstance(n, int) or ctx.anchor is None or unit in ("hour", "minute"):
        if unit in ("hour", "minute") and ctx.anchor is not None and d == "ago":
            return _day(ctx.anchor)
        return _unresolved("DATE", None, unit)
    sign = -1 if d in ("ago", "earlier", "before") else 1
    if d in ("earlier", "before", "later"):
        return _unresolved("DATE", None, unit)
    a = ctx.anchor
    if unit == "day":
        return _day(a + timedelta(days=sign * n))
    if unit in ("week", "fortnight"):
        d0 = a + timedelta(weeks=sign * n * (2 if unit == "fortnight" else 1))
        lo, hi, value, gran = _period(d0, "week", 0)
        return ("DATE", value, lo, hi, gran)
    if unit in ("month", "quarter", "year", "decade", "weekend", "century"):
        u = {"century": "year", "weekend": "week"}.get(unit, unit)
        k = n * (100 if unit == "century" else 1)
        lo, hi, value, gran = _period(a, u, sign * k)
        return ("DATE", value, lo, hi, gran)
    return None


# durations: "the past three years" has dates, "for five hours" has none
@rule(rf"(?P<unit>{_UNIT})(?!-old)(?![\s-]+old\b)\b", 3, 0,
      left=rf"(?:\b(?P<rel>the\s+(?:past|last|previous|next|coming|first|final)|(?:over|in|during|within)\s+the\s+(?:past|last|next|coming))\s+)?"
           rf"\b(?P<n>{_NUM})[\s-]+", need_left=True, left_flags=0, lower=True)
def _duration(ctx: Ctx) -> Result | None:
    nword = ctx.g("n").lower()
    n = _num(nword)
    unit = ctx.g("unit").lower().rstrip("s").replace("centurie", "century")
    rel = (ctx.g("rel") or "").lower()
    if nword in ("a", "an", "some", "many") and not rel:
        return None  # "a year" is as often a rate ("$1m a year") as a duration
    if unit == "weekend":
        return None
    code = UNIT_CODE[unit]
    amount = "X" if n is None else (n if unit != "fortnight" else n * 2)
    value = f"PT{amount}{code}" if unit in ("hour", "minute") else f"P{amount}{code}"
    if unit == "decade":
        value = f"P{amount * 10 if n else 'X'}Y" if n else "PXDE"
    if rel and ctx.anchor is not None and isinstance(n, (int, float)) and unit not in ("hour", "minute"):
        days = {"day": 1, "week": 7, "fortnight": 14, "month": 30.44, "quarter": 91.3, "year": 365.25,
                "decade": 3652.5, "century": 36525}[unit] * n
        a = ctx.anchor
        if any(w in rel for w in ("past", "last", "previous")):
            return ("DURATION", value, a - timedelta(days=round(days)), a, "day")
        if any(w in rel for w in ("next", "coming")):
            return ("DURATION", value, a, a + timedelta(days=round(days)), "day")
    return ("DURATION", value, None, None, unit)


@rule(r"(?:\b(?P<h>[01]?\d|2[0-3])(?::(?P<mi>[0-5]\d))?\s*(?P<ap>a\.m\.|p\.m\.|am\b|pm\b)|"
      r"\b(?:at\s+)(?P<h2>[01]?\d|2[0-3]):(?P<mi2>[0-5]\d)\b(?!\.\d)(?!\s*(?:a\.m\.|p\.m\.|am\b|pm\b))|\b(?P<noon>noon|midnight)\b)"
      r"(?:\s+(?:[A-Z]{2,4}T|GMT|UTC|local time))?(?:,?\s+(?:on\s+)?(?P<when>today|yesterday|tomorrow|"
      r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)?", 6, re.IGNORECASE)
def _clock(ctx: Ctx) -> Result | None:
    if ctx.g("noon"):
        h, mi = (12, 0) if ctx.g("noon").lower() == "noon" else (24, 0)
    elif ctx.g("h2"):
        h, mi = int(ctx.g("h2")), int(ctx.g("mi2"))
    else:
        h, mi = int(ctx.g("h")), int(ctx.g("mi") or 0)
        if h > 12:
            return None
        if ctx.g("ap").lower().startswith("p") and h < 12:
            h += 12
        elif ctx.g("ap").lower().startswith("a") and h == 12:
            h = 0
    if ctx.anchor is None:
        return _unresolved("TIME", f"XXXX-XX-XXT{h:02d}:{mi:02d}", "time")
    d = ctx.anchor
    when = (ctx.g("when") or "").lower()
    if when in ("yesterday", "tomorrow"):
        d = d + timedelta(days=-1 if when == "yesterday" else 1)
    elif when in WEEKDAYS:
        wd = WEEKDAYS[when]
        d = d + timedelta(days=(wd - d.weekday()) % 7) if ctx.future() else d - timedelta(days=(d.weekday() - wd) % 7)
    return ("TIME", f"{d.isoformat()}T{h:02d}:{mi:02d}", d, d, "time")


@rule(r"(?P<w>now|currently|at present|nowadays|at the moment|these days|recently|lately|in recent (?:days|weeks|months|years)|"
      r"in the past|the future|in the coming (?:days|weeks|months|years))\b", 1, 0, lower=True)
def _refs(ctx: Ctx) -> Result | None:
    w = ctx.g("w").lower()
    if w in ("now", "currently", "at present", "nowadays", "at the moment", "these days"):
        if w == "now" and re.match(r"\s+(?:that|defunct|[a-z]+-)", ctx.text[ctx.m.end():]):
            return None
        a = ctx.anchor
        return ("DATE", "PRESENT_REF", a, a, "day") if a else _unresolved("DATE", "PRESENT_REF", "day")
    if w in ("the future", "soon") or w.startswith("in the coming"):
        return _unresolved("DATE", "FUTURE_REF", None)
    return _unresolved("DATE", "PAST_REF", None)


@rule(r"(?P<w>every|each)\s+(?:(?P<n>other|two|three|four|six|\d+)\s+)?(?P<unit>day|week|month|year|night|morning|evening|"
      r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)s?\b|\b(?P<adv>daily|weekly|monthly|annually|yearly|nightly)\b",
      5)
def _set(ctx: Ctx) -> Result | None:
    if ctx.g("adv"):
        code = {"daily": "D", "nightly": "D", "weekly": "W", "monthly": "M", "annually": "Y", "yearly": "Y"}[ctx.g("adv")]
        return ("SET", f"P1{code}", None, None, None)
    unit = ctx.g("unit").lower()
    if unit in WEEKDAYS:
        return ("SET", f"XXXX-WXX-{WEEKDAYS[unit] + 1}", None, None, "week")
    code = {"day": "D", "night": "D", "morning": "D", "evening": "D", "week": "W", "month": "M", "year": "Y"}[unit]
    return ("SET", f"P1{code}", None, None, None)


# other languages: a month word from dateparser's locale data, then dateparser parses the span ----

@lru_cache(maxsize=1)
def _foreign_months() -> tuple[dict[str, list], re.Pattern]:
    data = json.loads(resources.files("muster").joinpath("data/times_months.json").read_text(encoding="utf-8"))
    words = data["months"]
    alt = "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
    # starts with the day's digits (fast); the word is looked up in the dict, not in a regex
    pat = re.compile(rf"(?<![\w.,])(?P<d1>[0-3]?\d)\.?\s+(?:de\s+)?(?P<w1>[^\W\d_]{{3,}})\.?"
                     rf"(?:,?\s+(?:de\s+|del\s+)?(?P<y1>{_YEAR}))?(?!\w)")
    return words, pat


def _foreign_dates(text: str, anchor: date | None) -> list[Timex]:
    words, pat = _foreign_months()
    out = []
    for m in pat.finditer(text):
        word = m.group("w1").lower()
        if word not in words:
            continue
        lang, month = words[word]
        day = int(m.group("d1"))
        year = m.group("y1")
        if year:
            d = safe_date(int(year), month, day)
            if d is None:
                continue
            # dateparser confirms that the words form a date in that language ("8 mar 2015" in Spanish)
            if not _dateparser_agrees(m.group(0), lang, d):
                continue
        elif anchor is not None:
            d = _nearest_year(anchor, month, day)
            if d is None:
                continue
        else:
            out.append(Timex(m.group(0), m.start(), m.end(), "DATE", f"XXXX-{month:02d}-{day:02d}", None, None, "day"))
            continue
        out.append(Timex(m.group(0), m.start(), m.end(), "DATE", d.isoformat(), d, d, "day"))
    return out


@lru_cache(maxsize=512)
def _parse_foreign(span: str, lang: str) -> date | None:
    import dateparser  # slow to import: only when a foreign month name is seen

    dt = dateparser.parse(span, languages=[lang], settings={"REQUIRE_PARTS": ["day", "month", "year"],
                                                             "RETURN_AS_TIMEZONE_AWARE": False})
    return dt.date() if dt else None


def _dateparser_agrees(span: str, lang: str, d: date) -> bool:
    return _parse_foreign(span, lang) == d


# ---- running the grammar ---------------------------------------------------------------------

_QUICK = re.compile(r"\d|day|night|week|month|year|now|current|recent|ago|past|future|soon|"
                    r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|spring|summer|autumn|fall|winter|decade|"
                    r"noon|daily|annual|hour|minute|every|each|quarter|half|overnight|century|present|moment",
                    re.IGNORECASE)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def find_times(text: str, anchor: date | None) -> list[Timex]:
    """Every time expression in `text`, resolved against `anchor` (the publication date) when given."""
    cands: list[tuple[int, int, int, Timex]] = []
    if not _QUICK.search(text):
        return []
    low = text.lower()
    if len(low) != len(text):  # a few characters change length when lower-cased: keep offsets exact
        low = text.translate(_ASCII_LOWER)
    for pat, left_pat, need_left, fn, prio, lower in _RULES:
        src = low if lower else text
        for m in pat.finditer(src):
            # the word boundary is checked here, not in the pattern: a pattern that starts with a
            # literal lets re skip ahead fast
            if m.end() == m.start() or (m.start() and (src[m.start() - 1].isalnum() or src[m.start() - 1] in "_.,$€£#")
                                        and m.group(0)[0].isalnum()):
                continue
            left = left_pat.search(src, max(0, m.start() - 60), m.start()) if left_pat else None
            if left is not None and left.start() == left.end():
                left = None
            if need_left and left is None:
                continue
            ctx = Ctx(text, m, anchor, left)
            res = fn(ctx)
            if res is None:
                continue
            typ, value, lo, hi, gran = res
            s0 = ctx.start
            cands.append((s0, m.end(), prio, Timex(text[s0:m.end()], s0, m.end(), typ, value, lo, hi, gran)))
    for t in _foreign_dates(text, anchor):
        cands.append((t.start, t.end, 9, t))
    # the longest expression wins an overlap; between equals, the more specific rule
    cands.sort(key=lambda c: (-(c[1] - c[0]), -c[2], c[0]))
    taken: list[tuple[int, int]] = []
    out = []
    for s, e, _p, t in cands:
        if any(s < te and ts < e for ts, te in taken):
            continue
        taken.append((s, e))
        out.append(t)
    out.sort(key=lambda t: t.start)
    return out


def parse_anchor(value: Any) -> date | None:
    """The publication date as a date ('2015-05-20', '2015-05-20T10:00:00Z'), or None."""
    if not value:
        return None
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", str(value))
    return safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


@stage("times")
def times(article: Article, config: dict[str, Any]) -> Article:
    anchor = parse_anchor(article.published)
    # in `muster extract`, only the sentences the triage stage marked (see triage.py)
    article.times = [t.to_expr() for t in over_focus(article, lambda text: find_times(text, anchor))]
    return article
