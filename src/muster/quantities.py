"""Stage: quantities. Every number in the text, with its value, unit, rate and change.

A small hand-written grammar over a regex tokenisation, not a library and not spaCy: it runs on
every sentence of every article, so it has to be cheap (a few microseconds a token), and it has
to return character offsets for every piece, which the number-word libraries (word2number,
number-parser, text2num) do not; quantulum3 does both but scores 73 / 47 F1 on NewsQuant.

What it reads (NewsQuant's conventions, learnt from its dev half):
- digits ("2,500", ".534", "1/16", "2½"), scales ("4.3M", "$2.8bn", "5 million", "25k"),
  spelled-out numbers ("two dozen", "three hundred and five", "one and a half million"),
  fractions ("a third of", "two-thirds of"), signs ("-5", "minus-130", "+0.2%");
- ranges: "600-800", "between 5,000 to 10,000", "1 to 2 thousand", "from X to Y" (kept in the
  order written, as NewsQuant does: "fell from 208 to 193" is low 208, high 193; `change`
  then says which way it went);
- approximations ("about", "roughly", "nearly", "~") -> approx, change "~"; lower bounds ("at
  least", "more than", "over") -> low set, high null, change ">"; upper bounds ("up to", "no more
  than", "under", "sub-") -> low null, high set, change "<"; "rose 5%" -> "up", "fell 5%" -> "down";
- vague amounts keep their words in `vague` and get NewsQuant's ranges (a documented
  convention, switch it off with config `vague_ranges: false`): "dozens" 12-120, "hundreds"
  100-1000, "thousands"/"millions"/... X-10X, "tens of thousands" 10,000-100,000, "hundreds of
  thousands" 100,000-1,000,000; and (our convention, NewsQuant has no case) "a few"/"several"
  X -> 2X-9X. "a few", "several", "many" alone are not quantities.
- the unit: currencies and measures come out under one normalised name ("$", "USD", "dollars"
  -> "dollar"; "%", "per cent" -> "percentage"; data/quantities_units.yaml); otherwise the unit
  is what is counted, the noun phrase after the number up to its head ("2,500 ISIS fighters" ->
  "fighters": leading proper-noun modifiers are dropped, nationality adjectives kept);
- rates: "2,000 per month", "$14.95 a month", "5% a year" -> rate "month"/"year"; for a measure
  the unit becomes "dollar per month" (NewsQuant's normalised form).

Not quantities (as in NewsQuant): years ("in 2015", "the 2016 elections"), dates ("July 4"),
times of day ("5:25 a.m."), ordinals ("10th", "second"), identifiers ("Game 2", "iPhone 14",
"F-16", "COVID-19", "S&P 500"), addresses. "one" is a quantity ("one of the ...", "one proposal")
except in "each one", "no one", "the same one".
"""
from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from importlib import resources
from typing import Any

from .registry import load_yaml

from .model import Article, Quantity
from .registry import stage
from .triage import over_focus
from .times import MONTHS as _MONTH_NUMBERS

# ---- lexicons -----------------------------------------------------------------------------------

ONES = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
        "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
        "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
        "ninety": 90}
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
# abbreviated scales after digits ("$2.8bn", "25k", "RM3.06mil")
ABBR_SCALES = {"k": 1e3, "K": 1e3, "mn": 1e6, "mln": 1e6, "mil": 1e6, "bn": 1e9, "bln": 1e9, "tn": 1e12,
               "trn": 1e12, "lakh": 1e5, "lakhs": 1e5, "crore": 1e7, "crores": 1e7}
FRACTIONS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fifth": 5,
             "fifths": 5, "sixth": 6, "sixths": 6, "tenth": 10, "tenths": 10}
UNICODE_FRACTIONS = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3, "⅛": 0.125, "⅕": 0.2}
VAGUE_PLURALS = {"dozens": 12, "hundreds": 100, "thousands": 1e3, "millions": 1e6, "billions": 1e9,
                 "trillions": 1e12}
VAGUE_FEW = {"few", "several", "couple"}
FOLD = re.compile(r"(two|three|four|five|six|seven|eight|nine|ten|hundred|thousand)fold$")

MONTHS = set(_MONTH_NUMBERS)

# words before the number: (words, change); the longest that ends right before the number wins
MODIFIERS = [
    ("about", "~"), ("around", "~"), ("approximately", "~"), ("approx", "~"), ("roughly", "~"),
    ("some", "~"), ("nearly", "~"), ("almost", "~"), ("close to", "~"), ("an estimated", "~"),
    ("estimated", "~"), ("circa", "~"), ("barely", "~"), ("just about", "~"), ("an average of", "~"),
    ("~", "~"), ("≈", "~"), ("c.", "~"),
    ("more than", ">"), ("over", ">"), ("above", ">"), ("at least", ">"), ("in excess of", ">"),
    ("exceeding", ">"), ("upwards of", ">"), ("greater than", ">"), ("higher than", ">"),
    ("no fewer than", ">"), ("no less than", ">"), ("not less than", ">"), ("a minimum of", ">"),
    ("well over", ">"), ("just over", ">"), ("more then", ">"), (">", ">"), ("≥", ">"),
    ("less than", "<"), ("fewer than", "<"), ("under", "<"), ("below", "<"), ("up to", "<"),
    ("at most", "<"), ("no more than", "<"), ("not more than", "<"), ("as many as", "<"),
    ("as much as", "<"), ("a maximum of", "<"), ("just under", "<"), ("lower than", "<"),
    ("just below", "<"), ("sub -", "<"), ("under -", "<"), ("over -", ">"), ("<", "<"), ("≤", "<"),
]
_MODS = sorted(((tuple(w.split()), c) for w, c in MODIFIERS), key=lambda x: -len(x[0]))
AFTER_MODS = {("or", "more"): ">", ("or", "so"): "~", ("plus",): ">", ("+",): ">", ("or", "less"): "<",
              ("or", "fewer"): "<"}
UP = {"up", "rose", "rise", "rises", "risen", "rising", "gained", "gain", "gains", "climbed", "climb", "climbs",
      "jumped", "jump", "jumps", "increased", "increase", "increases", "grew", "grow", "grows", "advanced",
      "surged", "soared", "added", "adds", "swelled", "doubled", "boosted", "raised", "+"}
DOWN = {"down", "fell", "fall", "falls", "fallen", "dropped", "drop", "drops", "declined", "decline",
        "declines", "lost", "lose", "loses", "slid", "slipped", "tumbled", "plunged", "plummeted", "sank",
        "decreased", "decrease", "shed", "eased", "shrank", "shrunk", "dipped", "cut", "slashed"}

# an NP ends before these (and before punctuation, numbers, -ly adverbs)
STOP = set("""a an the this that these those its it his her their our my your whose which who whom what
where when while whereas as at by for from in into of off on onto out over per than through to toward
towards under until up upon via with within without and or but nor so yet if because although though
since after before during against among between about around across along is are was were be been being
am has have had do does did will would shall should can could may might must not no nor also only just
even still already again more most less least very too each every any all both either neither other
another such same own he she they we you i me him them us there here then now than said says say told
according including included include includes like unlike versus vs per cent percent via amid despite
near above below beyond except plus minus whether onwards apiece respectively altogether total
grew rose fell took made came went saw gave got left held ran won led paid sent spent fled became began brought
built bought fought found kept met put thought knew lay sat stood wrote drew flew chose stole hid rode
remain remains stay stays live lives die fight fights work serve face need want say see make take come go
get give believe continue wait own asks says makes takes shows comes goes gets gives needs wants remains seems means looks costs holds leads runs
do does did is are was were""".split())
FUNCTION_CAPS = STOP | MONTHS | {"some", "nearly", "almost", "roughly", "approximately",
                                              "over", "under", "around", "about", "just", "only", "fully",
                                              "exactly", "another", "estimated", "least", "top", "last",
                                              "next", "past", "first", "another", "nearly", "barely",
                                              "killing", "including", "among", "of", "ad", "bc"}
IRREGULAR_PLURALS = {"people", "children", "men", "women", "police", "staff", "personnel", "troops", "cattle",
                     "feet", "teeth", "mice", "youth", "militia", "infantry", "clergy", "crew", "offspring",
                     "livestock", "aircraft", "fish", "sheep", "deer", "media", "data", "folk", "poultry", "bacteria"}
NATIONALITY = re.compile(r"(?:ian|ean|ese|ish|ic|i|an)$")
YEAR_BEFORE = {"in", "since", "of", "by", "from", "until", "till", "to", "before", "after", "during", "early",
               "late", "mid", "the", "a", "an", "and", "or", "between", "year", "summer", "winter", "spring",
               "autumn", "fall", "season", "class", "through", "circa", "'s", "’s", "s", "for", "on", "than",
               "this", "that", "its", "their", "his", "her", "ad", "bc", "-", "–", "'", "’", "(", "[", ","}
INDEX_WORDS = {"sp", "s&p", "nasdaq", "ftse", "dax", "cac", "stoxx", "asx", "nikkei", "kospi", "russell", "ta",
               "msci", "hang", "sensex", "nifty", "dow"}
STREET = {"street", "st", "avenue", "ave", "road", "rd", "lane", "boulevard", "blvd", "drive", "way", "square",
          "place", "highway", "route"}
AGE_WORDS = {"year": "year of age", "years": "year of age", "month": "month of age", "months": "month of age",
             "week": "week of age", "weeks": "week of age", "day": "day of age", "days": "day of age"}
ORDINAL_SUFFIX = {"st", "nd", "rd", "th"}
SPACED_SHORT_UNITS = {"W", "V", "C", "F", "R", "m", "g", "K", "L", "%", "°", "kn"}
DENOMINATORS = {2, 3, 4, 5, 6, 8, 10, 12, 16, 32, 64, 100, 128}
RATE_OK = {"day", "week", "month", "year"}
COMPARATIVES = {"cheaper", "higher", "lower", "bigger", "smaller", "larger", "greater", "fewer", "better", "worse",
                "longer", "shorter", "older", "younger", "faster", "slower", "earlier", "later", "more", "less"}
PHRASAL = {"set", "sets", "setting", "sign", "signed", "signs", "pick", "picked", "take", "took", "taken", "line",
           "lined", "round", "rounded", "back", "backed", "show", "showed", "shown", "turn", "turned", "end", "ended",
           "make", "made", "give", "gave", "shut", "break", "broke", "sum", "summed", "came", "come", "pile",
           "piled", "lock", "locked", "cut", "call", "called", "step", "stepped", "set-up", "make-up", "shot",
           "shoot", "gun", "gunned", "bring", "brought", "put", "slow", "slowed", "close", "closed"}
# words around a sports score
SCORE_BEFORE = {"won", "win", "wins", "winning", "lost", "lose", "loses", "losing", "beat", "beats", "beaten",
                "ended", "ends", "finished", "drew", "draw", "drawn", "trailed", "trailing", "trail", "led", "leading",
                "defeated", "edged", "thrashed", "routed", "tied", "level", "score", "scoreline"}
SCORE_AFTER = {"win", "wins", "victory", "victories", "defeat", "defeats", "loss", "losses", "lead", "draw",
               "scoreline", "aggregate", "thrashing", "rout", "triumph", "home", "away", "tie", "decision"}
DROP = "\0drop"
TIME_UNITS = {"second", "minute", "hour", "day", "week", "month", "year", "decade", "century"}


@lru_cache(maxsize=1)
def lexicon() -> dict:
    """Units, currency prefixes and rate words from data/quantities_units.yaml (loaded once)."""
    raw = load_yaml(resources.files("muster").joinpath("data/quantities_units.yaml").read_text("utf-8"))
    units_exact = {str(k): v for k, v in raw["units"].items()}
    units_lower = {str(k).lower(): v for k, v in raw["units"].items() if len(str(k)) >= 3}
    return {"prefix": {str(k): v for k, v in raw["currency_prefix"].items()}, "units_exact": units_exact,
            "units_lower": units_lower, "rates": raw["rates"],
            "max_unit_words": max(len(str(k).split()) for k in raw["units"])}


# ---- tokens -------------------------------------------------------------------------------------

_TOKEN = re.compile(r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)|([^\W\d_]+)|(\S)")
# spans that are never quantities: clock times, ISO and slashed dates, phone numbers, lap times
_MASK = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:\s*[ap]\.?m\.?)?|\b\d{1,2}(?:[.:]\d{2})?\s*[ap]\.?m\b\.?"
                   r"|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{1,2}\.\d{1,2}\.\d{4}\b"
                   r"|(?:\+\d{1,3}\s*)?\(?\d{3}\)?[ -]\d{3}-\d{4}\b|\b24/7\b|\b9/11\b", re.I)
_HAS_NUMBER = re.compile(r"\d+|[½¼¾⅓⅔⅛⅕]|\b(?=[zotfsenhmbdqzacgilprvwy])(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                         r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|"
                         r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|"
                         r"billions?|trillions?|dozens?|thirds?|quarters?|half|[a-z]+fold|tens|scores)\b", re.I)


_ERA_BEFORE = re.compile(r"\b(?:A\.D\.|AD|B\.C\.|BC|BCE|CE)\s*$")
_BETWEEN_ERA = re.compile(r"\bbetween\s+(?:A\.D\.|AD|B\.C\.|BC|BCE|CE)?\s*$", re.I)
_ERA_AFTER = re.compile(r"\s*(?:A\.D\.|AD|B\.C\.|BC|BCE|CE)\b")


class Tok:
    __slots__ = ("text", "low", "start", "end", "kind", "ws")

    def __init__(self, text: str, start: int, end: int, kind: str, ws: bool):
        self.text, self.low, self.start, self.end, self.kind, self.ws = text, text.lower(), start, end, kind, ws

    def __repr__(self) -> str:
        return f"{self.kind}:{self.text}"


def tokenize(text: str) -> list[Tok]:
    toks: list[Tok] = []
    prev_end = -1
    for m in _TOKEN.finditer(text):
        kind = "num" if m.group(1) else "word" if m.group(2) else "sym"
        toks.append(Tok(m.group(), m.start(), m.end(), kind, m.start() != prev_end))
        prev_end = m.end()
    return toks


def _num(t: Tok) -> float:
    return float(t.text.replace(",", ""))


# ---- the parser ---------------------------------------------------------------------------------

class _Parser:
    def __init__(self, text: str, vague_ranges: bool = True):
        self.text = text
        self.toks = tokenize(text)
        self.n = len(self.toks)
        self.lex = lexicon()
        self.vague_ranges = vague_ranges
        self.masked = [False] * self.n
        mask = [(m.start(), m.end()) for m in _MASK.finditer(text)] if ":" in text or "/" in text or "-" in text \
            or "." in text or "m" in text.lower() else []
        if mask:
            starts = [t.start for t in self.toks]
            for ms, me in mask:
                for i in range(bisect_left(starts, ms), bisect_left(starts, me)):
                    self.masked[i] = True

    # -- small helpers
    def tok(self, i: int) -> Tok | None:
        return self.toks[i] if 0 <= i < self.n else None

    def low(self, i: int) -> str:
        return self.toks[i].low if 0 <= i < self.n else ""

    def adj(self, i: int) -> bool:
        """Token i follows token i-1 with no space between."""
        return 0 < i < self.n and not self.toks[i].ws

    # -- number cores: (value, next index, info) or None
    def core(self, i: int) -> tuple[float, int, dict] | None:
        t = self.tok(i)
        if t is None or self.masked[i]:
            return None
        if t.kind == "num":
            return self.digits(i)
        if t.text == "." and self.tok(i + 1) and self.toks[i + 1].kind == "num" and self.adj(i + 1) \
                and (i == 0 or t.ws or self.toks[i - 1].kind == "sym") and "." not in self.toks[i + 1].text:
            v = float("." + self.toks[i + 1].text)  # ".500 record", ".534 FG"
            return v, i + 2, {"words": False}
        if t.kind == "word":
            if t.text in UNICODE_FRACTIONS:
                return UNICODE_FRACTIONS[t.text], i + 1, {"words": False}
            return self.words(i)
        return None

    def digits(self, i: int) -> tuple[float, int, dict]:
        t = self.toks[i]
        v = _num(t)
        j = i + 1
        info: dict = {"words": False, "int4": len(t.text) == 4 and t.text.isdigit(), "raw": v}
        nxt = self.tok(j)
        # fractions "1/16", "1⁄32" and mixed "2 1/2"
        if nxt and nxt.text in "/⁄" and self.adj(j) and self.tok(j + 1) and self.toks[j + 1].kind == "num" \
                and self.adj(j + 1) and "," not in t.text and not re.fullmatch(r"\d+", self.low(j + 2)):
            den = _num(self.toks[j + 1])
            if den in DENOMINATORS and v < den and "." not in t.text:
                v, j = v / den, j + 2
                info["int4"] = False
                info["frac"] = True
                return v, j, info
            return v, j, dict(info, fraction_fail=True)
        if nxt and nxt.kind == "num" and nxt.ws and self.tok(j + 1) and self.toks[j + 1].text in "/⁄" \
                and self.adj(j + 1) and self.tok(j + 2) and self.adj(j + 2) and self.toks[j + 2].kind == "num":
            a, b = _num(nxt), _num(self.toks[j + 2])
            if b in DENOMINATORS and a < b and float(v).is_integer():
                return v + a / b, j + 3, dict(info, int4=False)
        if nxt and nxt.text in UNICODE_FRACTIONS and self.adj(j):
            return v + UNICODE_FRACTIONS[nxt.text], j + 1, dict(info, int4=False)
        # scientific "4e14", "9.83e-3"
        if nxt and nxt.low == "e" and self.adj(j) and self.tok(j + 1):
            k = j + 1
            sgn = 1
            if self.toks[k].text in "-−+" and self.adj(k):
                sgn = -1 if self.toks[k].text != "+" else 1
                k += 1
            if self.tok(k) and self.toks[k].kind == "num" and self.adj(k) and "." not in self.toks[k].text:
                return v * 10 ** (sgn * _num(self.toks[k])), k + 1, dict(info, int4=False)
        # scientific "1.99×10−30", "5.5x10-3"
        if nxt and nxt.low in ("×", "x") and self.tok(j + 1) and self.toks[j + 1].text == "10" \
                and self.tok(j + 2) and self.toks[j + 2].text in "-−" and self.tok(j + 3) \
                and self.toks[j + 3].kind == "num" and self.adj(j + 3):
            return v * 10 ** -_num(self.toks[j + 3]), j + 4, dict(info, int4=False)
        # scales
        v, j, scaled = self.scale(v, j, attached_ok=True, currency=False)
        info["scaled"] = scaled
        if scaled:
            info["int4"] = False
        return v, j, info

    def scale(self, v: float, j: int, attached_ok: bool, currency: bool) -> tuple[float, int, bool]:
        """Multiply by "million", "bn", "k", ... after the number; "m"/"b" only when they can't be units."""
        scaled = False
        while True:
            t = self.tok(j)
            if t is None or t.kind != "word":
                return v, j, scaled
            if t.low in SCALES or t.low == "hundred":
                v *= SCALES.get(t.low, 100)
                j += 1
                scaled = True
                continue
            if scaled:
                return v, j, scaled
            if t.text in ABBR_SCALES and (t.low not in ("k",) or self.adj(j)):
                if t.low in ("lakh", "lakhs", "crore", "crores") or self.adj(j):
                    return v * ABBR_SCALES[t.text], j + 1, True
                if t.low in ("mn", "bn", "mln", "bln", "tn"):
                    return v * ABBR_SCALES[t.text], j + 1, True
                return v, j, scaled
            if t.text == "T" and self.adj(j) and self._currency_before_value:
                return v * 1e12, j + 1, True
            if t.text in ("m", "M", "b", "B") and (self.adj(j) or t.text in ("M", "B")):
                nxt = self.tok(j + 1)
                follows_word = nxt is not None and nxt.kind == "word" and nxt.ws and (
                    nxt.low == "of" or nxt.low in IRREGULAR_PLURALS or
                    (nxt.low.endswith("s") and len(nxt.low) > 3 and nxt.low not in STOP) or
                    (not self._unit_at(j + 1) and t.text in ("M", "B") and nxt.low not in STOP))
                decimal = v != int(v)
                if self._currency_before_value or follows_word or (decimal and t.text in "mMbB" and not (
                        nxt is not None and nxt.kind == "word" and nxt.low in ("tall", "high", "long", "wide",
                                                                                 "deep", "away", "above"))):
                    return v * (1e6 if t.low == "m" else 1e9), j + 1, True
            return v, j, scaled

    _currency_before_value = False

    def words(self, i: int) -> tuple[float, int, dict] | None:
        """Spelled-out numbers, fractions ("a third of"), vague amounts ("dozens", "a few thousand")."""
        t = self.toks[i]
        lw = t.low
        # vague: "tens of thousands", "hundreds of millions", "dozens", "thousands"
        if lw in ("tens", "hundreds", "dozens") and self.low(i + 1) == "of" and \
                self.low(i + 2) in ("thousands", "millions", "billions"):
            base = {"tens": 10, "hundreds": 100, "dozens": 12}[lw] * VAGUE_PLURALS[self.low(i + 2)]
            return base, i + 3, {"words": True, "vague": (base, base * 10)}
        if lw in VAGUE_PLURALS and not (self.tok(i - 1) and self.toks[i - 1].kind == "num"):
            base = VAGUE_PLURALS[lw]
            return base, i + 1, {"words": True, "vague": (base, base * 10)}
        if lw == "scores" and self.low(i + 1) == "of":
            return 20, i + 1, {"words": True, "vague": (20, 200)}
        if lw in VAGUE_FEW or (lw == "a" and self.low(i + 1) in ("few", "couple")):
            k = i + 1 if lw != "a" else i + 2
            if lw == "couple" or self.low(k - 1) == "couple":
                if self.low(k) == "of":
                    k += 1
            if self.low(k) in ("hundred", "thousand", "million", "billion", "dozen", "hundreds", "thousands",
                               "millions", "billions", "dozens"):
                base = {"hundred": 100, "dozen": 12}.get(self.low(k).rstrip("s"), None) or \
                    SCALES[self.low(k).rstrip("s")]
                if self.low(k - 1) == "couple" or self.low(k - 2) == "couple":
                    return 2 * base, k + 1, {"words": True}
                return base, k + 1, {"words": True, "vague": (2 * base, 9 * base)}
            return None
        if lw == "many" and self.low(i + 1) in ("thousands", "millions", "hundreds", "dozens"):
            base = VAGUE_PLURALS[self.low(i + 1)]
            return base, i + 2, {"words": True, "vague": (base, base * 10)}
        m = FOLD.match(lw)
        if m:
            w = m.group(1)
            return float(ONES.get(w) or {"hundred": 100, "thousand": 1000}[w]), i + 1, {"words": True, "fold": True}
        # fractions: "a third of", "two-thirds of", "one quarter of"
        if lw in ("a", "an", "one") or lw in ONES:
            k = i + 1
            if self.low(k) == "-" and self.adj(k):
                k += 1
            frac = self.low(k) in FRACTIONS and (self.low(k + 1) == "of" or (
                lw in ONES and self.tok(k + 1) is not None and self.toks[k + 1].kind != "word"))
            if frac and not (lw in ("a", "an") and self.low(k) in ("half", "halves")):
                num = 1 if lw in ("a", "an") else ONES[lw]
                if num < FRACTIONS[self.low(k)] or self.low(k) in ("half", "halves"):
                    return num / FRACTIONS[self.low(k)], k + 1, {"words": True, "of": True}
        if lw in ("a", "an"):
            if self.low(i + 1) in ("hundred", "thousand", "million", "billion", "trillion", "dozen"):
                return self._spelled(i + 1, lead_a=True)
            return None
        if lw in ONES or lw in TENS or lw in ("hundred", "dozen") or lw in SCALES:
            if lw in ("hundred",) or lw in SCALES:
                # bare "million" is a quantity only as "million dollar"-like; avoid "the million-strong"
                if self.low(i - 1) not in ("a", "one"):
                    return None
            return self._spelled(i, lead_a=False)
        return None

    def _spelled(self, i: int, lead_a: bool) -> tuple[float, int, dict] | None:
        total, current, j, last_scale = 0.0, 0.0, i, float("inf")
        last = None  # "ones", "teens", "tens", "hundred", "scale"
        end = i
        seen = False
        while j < self.n:
            t = self.toks[j]
            w = t.low
            if w == "-" and self.adj(j) and seen and self.tok(j + 1) and self.low(j + 1) in ONES and last == "tens":
                j += 1
                continue
            if w == "and" and seen and last in ("hundred", "scale") and self.tok(j + 1) and \
                    (self.low(j + 1) in ONES or self.low(j + 1) in TENS):
                j += 1
                continue
            if w in ("and", "a") and seen and self.low(j + 1) in ("a", "half") and \
                    (self.low(j + 1) == "half" or self.low(j + 2) == "half"):
                k = j + 1 if self.low(j + 1) == "half" else j + 2
                current += 0.5
                j = end = k + 1
                last = "half"
                continue
            if w in ONES and w != "zero" or w == "zero":
                val = ONES[w]
                if last in (None, "hundred", "scale") or (last == "tens" and val < 10):
                    current += val
                    last = "teens" if val >= 10 else "ones"
                else:
                    break
            elif w in TENS:
                if last in (None, "hundred", "scale"):
                    current += TENS[w]
                    last = "tens"
                else:
                    break
            elif w == "hundred":
                if last in ("ones", "teens", "tens") and current % 1000 < 100:
                    current = (current - current % 1000) + (current % 1000) * 100
                elif last is None and lead_a:
                    current = 100
                else:
                    break
                last = "hundred"
            elif w == "dozen":
                current = (current or 1) * 12
                last = "hundred"
            elif w in SCALES:
                sc = SCALES[w]
                if sc >= last_scale:
                    break
                total += (current or 1) * sc
                current = 0
                last_scale = sc
                last = "scale"
            else:
                break
            seen = True
            j += 1
            end = j
        if not seen:
            return None
        return total + current, end, {"words": True, "single": end - i == 1}

    def _measured(self, j: int) -> bool:
        """A measure unit follows ("Lamborghini's 640bhp", "Israel's 9 billion"): not a name then."""
        t = self.tok(j)
        if t is None or (t.kind == "word" and t.ws and t.text in SCALES):
            return t is not None
        if t.kind == "sym" and t.text != "%":
            return False
        if t.ws and len(t.text) < 2:
            return t.text == "%"
        u = self._unit_of(t.text)
        return bool(u) and u not in TIME_UNITS and u != "times"

    def _unit_of(self, surface: str) -> str | None:
        """The lexicon's unit for `surface` as written, or case-blind when it has three letters or more."""
        return self.lex["units_exact"].get(surface) or (self.lex["units_lower"].get(surface.lower())
                                                        if len(surface) >= 3 else None)

    def _unit_at(self, j: int) -> bool:
        t = self.tok(j)
        return t is not None and (t.text in self.lex["units_exact"] or t.low in self.lex["units_lower"])

    # -- context checks
    def _score(self, s: int, j: int, e: int, a: float, b: float) -> bool:
        """"won 3-1", "ended 2-2", "a 9-2 lead": a score, not a range. A hyphened pair of small whole numbers
        whose first is the larger is never a range (ranges rise); otherwise a score word must say so."""
        if not (self.low(j) in ("-", "–") and e == j + 2 and self.adj(j) and self.adj(j + 1)):
            return False
        if not (float(a).is_integer() and float(b).is_integer() and 0 <= a <= 200 and 0 <= b <= 200):
            return False
        if a > b:
            return self.low(s - 1) != "from"
        return self.low(s - 1) in SCORE_BEFORE or self.low(e) in SCORE_AFTER

    def _age_context(self, s: int, j: int, low: float, high: float) -> bool:
        """A bare whole number that is a person's age: "Maddon, 66, has", "women aged 25 to 54",
        "at the age of 5", "he will be 35 by", "who was 10.", "she turned 40"."""
        if not (float(low).is_integer() and float(high).is_integer() and 0 < low <= high < 120):
            return False
        w1, w2 = self.low(s - 1), self.low(s - 2)
        if w1 in ("aged", "ages") or (w1 == "of" and w2 == "age"):
            return True
        nxt = self.tok(j)
        if nxt is not None and nxt.kind == "word" and nxt.low not in STOP:
            return False  # a count of something: "he was 10 points behind"
        if w1 == "," and self.low(j) in (",", ")") and w2 and self.toks[s - 2].kind == "word" and \
                self.toks[s - 2].text[0].isupper() and w2 not in FUNCTION_CAPS and w2 not in ONES:
            return True  # an appositive after a name
        if w1 in ("turned", "turns", "turning", "turn"):
            return True
        b = s - 1
        if w1 == "be" and self.low(b - 1) in ("will", "would", "to"):
            b -= 1
        elif w1 not in ("is", "was", "'s", "’s"):
            return False
        return self.low(b - 1) in ("he", "she", "who", "i", "you", "we", "they") and \
            (nxt is None or nxt.kind != "sym" or nxt.text in ".,;)")

    def is_identifier(self, i: int) -> bool:
        """"Game 2", "iPhone 14", "F-16", "S23", "COVID-19", "No. 5", "S&P 500": names, not amounts."""
        p = self.tok(i - 1)
        if p is None:
            return False
        if p.kind == "word" and self.adj(i):
            return True  # "S23", "G7" (the caller has ruled out money: "RM79", "USD1,700")
        if p.text in "-–" and self.adj(i) and self.tok(i - 2) and self.adj(i - 1) and self.toks[i - 2].kind == "word":
            w = self.toks[i - 2]
            return w.low not in ("sub", "minus", "under", "over", "to", "negative", "top", "about", "some")
        if p.text == "#":
            return True
        if p.text == "." and self.low(i - 2) in ("no", "nos", "vol", "p", "pp", "art", "ch"):
            return True
        if p.kind == "word" and self.adj(i) is False:
            if p.low in INDEX_WORDS:
                return True
            if any(c.isupper() for c in p.text) and p.low not in FUNCTION_CAPS and p.text not in self.lex["prefix"] \
                    and p.low not in ONES and p.low not in MONTHS:
                return True
        if p.text == "&" or (p.kind == "word" and p.low == "p" and self.low(i - 2) == "&"):
            return True
        return False

    def is_date(self, i: int, v: float, j: int) -> bool:
        if self.low(i - 1).rstrip(".") in MONTHS and self.toks[i - 1].text[0].isupper() and v <= 31 or \
                (self.low(i - 1) == "." and self.low(i - 2) in MONTHS and v <= 31):
            return True
        if self.low(i - 1) in MONTHS and self.toks[i - 1].text[0].isupper() and 1800 <= v <= 2100:
            return True  # "May 2015"
        nxt = self.tok(j)
        if nxt and v <= 31 and float(v).is_integer() and nxt.low in MONTHS and nxt.text[0].isupper():
            return True  # "4 July"
        if nxt and v <= 31 and nxt.low == "of" and self.low(j + 1) in MONTHS:
            return True
        return False

    def lookback_mods(self, i: int, floor: int) -> tuple[int, str | None]:
        """The modifier ("about", "at least", "up to") that ends right before token i."""
        for words, change in _MODS:
            k = i - len(words)
            if k < floor:
                continue
            ok = True
            for a, w in enumerate(words):
                if self.low(k + a) != w:
                    ok = False
                    break
            if ok:
                if words == ("some",) and self.tok(i) and self.toks[i].kind == "word" and \
                        self.toks[i].low in VAGUE_PLURALS:
                    continue
                return k, change
        return i, None

    def currency_before(self, i: int, floor: int) -> tuple[int, str | None, str]:
        prefix = self.lex["prefix"]
        # try joined adjacent tokens ending right before i (longest first): "US $", "HK$", "$US", "Y="
        for size in (3, 2, 1):
            k = i - size
            if k < floor:
                continue
            parts = self.toks[k:i]
            # pieces of the prefix touch each other, except "US $", "HK $", "S $" (NewsQuant spacing)
            inner_ok = all(not p.ws for p in parts[1:]) or (size == 2 and parts[1].text == "$" and
                                                            parts[0].text.isupper())
            if not inner_ok:
                continue
            key = "".join(p.text for p in parts)
            if key in prefix:
                spaced = self.toks[i].ws
                if key in ("PS", "R", "A", "S") and spaced:
                    continue
                if parts[0].kind == "word" and k > 0 and not parts[0].ws and self.toks[k - 1].kind in ("word", "sym") \
                        and self.toks[k - 1].text not in "(~":
                    continue
                if key.isalpha() and len(key) <= 2 and not self.adj(i) and key not in ("RM", "Rs"):
                    continue
                return k, prefix[key], key
        return i, None, ""

    # -- units
    def unit_after(self, j: int, has_currency: bool, info: dict) -> tuple[str | None, int, str | None, bool]:
        """(unit, next index, rate, unit_is_measure) for what follows the number at j."""
        lex = self.lex
        t = self.tok(j)
        if t is None:
            return None, j, None, False
        # "65-year-old", "18 month-old", "30 years old"
        k = j + 1 if t.text == "-" and self.adj(j) else j
        if self.low(k) in AGE_WORDS and self.low(k + 1) == "-" and self.low(k + 2) == "old" and self.adj(k + 1):
            return AGE_WORDS[self.low(k)], k + 3, None, True
        if self.low(k) in AGE_WORDS and self.low(k + 1) == "old" and k == j:
            return AGE_WORDS[self.low(k)], k + 2, None, True
        if info.get("fold"):
            return "times", j, None, True
        # ordinal suffix / decades: not a quantity at all
        best = None
        # longest lexicon match over the next tokens (their text as written)
        start = t.start
        for size in range(6, 0, -1):
            if j + size > self.n:
                continue
            last = self.toks[j + size - 1]
            surface = self.text[start:last.end]
            if "  " in surface or "\n" in surface:
                continue
            nxt = self.tok(j + size)
            if nxt is not None and not nxt.ws and nxt.kind == "word" and last.kind == "word":
                continue
            unit = self._unit_of(surface)
            if unit is None:
                continue
            if size == 1 and len(surface) == 1 and t.ws and (surface not in SPACED_SHORT_UNITS or (
                    nxt is not None and not nxt.ws and nxt.text not in ".,;:)")):
                continue  # "5 R&D", "3 A-list" are not units
            if surface == "'" and not (self.adj(j) and self.toks[j - 1].kind == "num"):
                continue
            if surface.lower() in ("point", "points") and has_currency:
                continue
            best = (unit, j + size)
            break
        if t.text == "-" and self.adj(j) and best is None and self.tok(j + 1) and self.toks[j + 1].kind == "word" \
                and self.adj(j + 1):
            # "12-page", "five-year", "3,000-strong", "185-hp"
            w = self.toks[j + 1]
            u = lex["units_exact"].get(w.text) or lex["units_lower"].get(w.low)
            if u:
                best = (u, j + 2)
            elif w.low == "strong":
                np_unit, e = self.noun_phrase(j + 2)
                return np_unit, e if np_unit else j + 2, None, False
            elif w.low not in STOP and w.low.isalpha() and not w.text[0].isupper():
                # "12-page document": the unit is the hyphened word, NewsQuant-style; but a spelled-out
                # "four-cylinder", "six-speed" is a name for a kind of thing, not an amount
                if info.get("words"):
                    return DROP, j, None, False
                if self.low(j + 2) == "-" and self.adj(j + 2):
                    return None, j, None, False
                return w.low, j + 2, None, False
        if best is None and t.kind == "word" and self.adj(j) and self.toks[j - 1].kind == "num" \
                and t.low not in ORDINAL_SUFFIX:
            # a unit glued to the number that the lexicon lacks: "164p", "5G"
            code = self.lex["prefix"].get(t.text) if len(t.text) >= 3 else None
            best = (code or t.text, j + 1)
        if best is None and has_currency:
            best = (None, j)
        if best is not None:
            unit, e = best
            if has_currency:
                # "$75 U.S.", "$31.20 US": the country tag belongs to the currency
                if self.tok(e) and self.toks[e].text in ("US", "U.S.") or (self.low(e) == "u" and self.low(e + 1) == "."):
                    e = e + 1 if self.toks[e].text in ("US", "U.S.") else e + 4 if self.low(e + 2) == "s" else e
            rate, e2, per = self.rate_after(e)
            if per:
                return (f"{unit} per {per}" if unit else f"per {per}"), e2, rate, True
            return unit, e2, rate, True
        # a count noun phrase
        k = j
        if info.get("of") or info.get("vague") or info.get("one") or info.get("scaled") or info.get("frac"):
            if self.low(k) == "of":
                k += 1
                while self.low(k) in ("the", "its", "their", "his", "her", "those", "these", "our", "my", "your",
                                      "a", "an", "this", "that", "all"):
                    k += 1
                if info.get("one") and self.low(k) == "most":
                    k += 1
            elif info.get("of"):
                return None, j, None, False
        np_unit, e = self.noun_phrase(k, None if (info.get("of") or info.get("vague") or info.get("frac") or
                                                  self.low(j) == "of") else info.get("v"))
        if np_unit:
            u2 = lex["units_lower"].get(np_unit.lower()) if len(np_unit) >= 3 else lex["units_exact"].get(np_unit)
            rate, e2, per = self.rate_after(e)
            if u2:
                return (f"{u2} per {per}" if per else u2), e2, rate, True
            return np_unit, e2, rate, False
        rate, e2, per = self.rate_after(j)
        if rate:
            return None, e2, rate, False
        return None, j, None, False

    def rate_after(self, e: int) -> tuple[str | None, int, str | None]:
        """"a month", "per month", "a-year", "/month", "annually", "per sq m" -> (rate, end, per-word)."""
        rates = self.lex["rates"]
        w = self.low(e)
        if w in ("a", "an", "per", "each", "every", "/"):
            k = e + 1
            if self.low(k) == "-" and self.adj(k):
                k += 1
            if self.low(k) in rates and self.low(k + 1) not in ("ago", "earlier", "later", "before", "after", "prior",
                                                                "from", "on"):
                r = rates[self.low(k)]
                return (r if r in RATE_OK else None), k + 1, r
            if w in ("per", "/"):
                # "per sq m", "per gram", "per barrel"
                for size in (2, 1):
                    if k + size > self.n:
                        continue
                    surface = self.text[self.toks[k].start:self.toks[k + size - 1].end]
                    u = self._unit_of(surface)
                    if u:
                        return None, k + size, u
        if w in ("daily", "weekly", "monthly", "annually", "yearly") and not (self.tok(e + 1) and
                                                                                 self.toks[e + 1].kind == "word" and
                                                                                 self.low(e + 1) not in STOP):
            r = rates[w]
            return r, e + 1, None  # "286 gigatonnes annually": NewsQuant keeps the unit as is
        return None, e, None

    def noun_phrase(self, k: int, count: float | None = None) -> tuple[str | None, int]:
        """The counted noun phrase starting at k: words up to the head (a plural ends it). `count` is
        the number's value when it counts things (a singular head after a plural count is a compound's
        modifier: "12 page document" counts pages)."""
        words: list[Tok] = []
        e = k
        while e < self.n and len(words) < 5:
            t = self.toks[e]
            if t.kind != "word" or (t.low in STOP and not (t.text.isupper() and len(t.text) > 1)) or self.masked[e]:
                break
            if t.low in COMPARATIVES and (self.tok(e + 1) is None or self.toks[e + 1].kind != "word" or
                                          self.low(e + 1) in STOP):
                break  # "40k cheaper than", but "two smaller tenancies"
            if t.low.endswith("ly") and len(t.low) > 4:
                # "20 decently sized plants", "five newly recruited fighters": an adverb on the first
                # modifier says how; skip it (the participle after it is dropped below)
                if not words and self.tok(e + 1) is not None and self.toks[e + 1].kind == "word" and \
                        self.low(e + 1) not in STOP and not self.low(e + 1).endswith("ly"):
                    e += 1
                    k = e
                    continue
                break
            if words and t.low.endswith("ed") and words[-1].text.islower() and _noun_like(words[-1].low):
                break  # "12 page document labeled ...": a participle after the noun starts a clause
            if t.low in MONTHS and t.text[0].isupper():
                break
            if t.low in ONES or t.low in TENS or t.low in SCALES:
                break
            # hyphened compounds: "coal-fired", "gas-only"
            end = e + 1
            while self.low(end) == "-" and self.adj(end) and self.tok(end + 1) and self.toks[end + 1].kind == "word" \
                    and self.adj(end + 1):
                end += 2
            words.append(Tok(self.text[t.start:self.toks[end - 1].end], t.start, self.toks[end - 1].end, "word", t.ws))
            e = end
            if _plural(words[-1].low):
                break
            if self.tok(e) is not None and not self.toks[e].ws and self.toks[e].kind != "sym":
                break
        # a phrase can't end on a participle or adverb ("20 decently sized", "300 joined")
        while words and (words[-1].low.endswith(("ed", "ing")) and words[-1].low not in IRREGULAR_PLURALS):
            words.pop()
        if not words:
            return None, k
        if count is not None and len(words) >= 2 and words[-1].text.islower() and words[-2].text.islower() \
                and not _plural(words[-2].low):
            if count == 1 and _plural(words[-1].low) and words[-1].low not in IRREGULAR_PLURALS:
                words.pop()  # "one proposal asks": after one, an -s word after a noun is its verb
            elif count > 1 and not _plural(words[-1].low) and words[0].text.islower() and _noun_like(words[0].low) \
                    and len(words) <= 3:
                words = words[:1]  # "12 page document", "3 cylinder engine": the number counts pages
        end_tok = words[-1].end
        # a leading participle says how, not what: "300 recorded songs", "500 armed men" count songs, men
        while len(words) > 1 and words[0].low.endswith("ed") and "-" not in words[0].low:
            words.pop(0)
        # leading proper-noun modifiers are who, not what: "2,500 ISIS fighters" counts fighters
        lower_idx = [a for a, w in enumerate(words) if w.text.islower()]
        if lower_idx:
            first = lower_idx[0]
            while first > 0 and NATIONALITY.search(words[first - 1].low) and words[first - 1].text[0].isupper() \
                    and not words[first - 1].text.isupper() and words[first - 1].low.endswith(("ian", "ean", "ese", "ish")):
                first -= 1
            words = words[first:]
        else:
            last = words[-1].low
            if words[-1].text.isupper() and 2 <= len(last) <= 5 and len(words) == 1:
                # "110 JPY", "0.5 WAR", "300 PS": an abbreviation as unit (a currency code is money)
                code = self.lex["prefix"].get(words[0].text) if len(last) >= 3 else None
                return code or words[0].text, k + 1
            if not (last in IRREGULAR_PLURALS or (last.endswith("s") and not last.endswith("ss"))):
                return None, k
            words = words[-1:]
        e_idx = k
        while e_idx < self.n and self.toks[e_idx].end <= end_tok:
            e_idx += 1
        return self.text[words[0].start:words[-1].end], e_idx

    # -- one quantity at i
    def parse_at(self, i: int, floor: int) -> tuple[Quantity | None, int]:
        """(quantity or None, next index); next index > i when tokens were consumed as a non-quantity."""
        c = self.core(i)
        if c is None:
            return None, i + 1
        v, j, info = c
        t = self.toks[i]
        # a leading "." belongs to the number
        # ordinals "10th", decades "1990s", "2018s"
        nxt = self.tok(j)
        if nxt and self.adj(j) and nxt.kind == "word" and (nxt.low in ORDINAL_SUFFIX or (nxt.low == "s" and not info.get("scaled"))):
            return None, j + 1
        # what stands before: currency, sign, modifier
        k, currency, _key = self.currency_before(i, floor)
        if t.kind == "num" and currency is None and self.is_identifier(i) \
                and not (info.get("scaled") or self._measured(j)):
            return None, j
        if t.kind == "num" and self.is_date(i, v, j):
            return None, j
        if info.get("fraction_fail"):
            return None, j + 2
        if t.kind == "word" and t.low == "one" and info.get("single"):
            if self.low(i - 1) in ("each", "every", "no", "any", "the", "this", "that", "which", "same", "another",
                                   "anyone", "someone", "little", "only") or \
                    self.low(i + 1) in ("another", "'s", "’s", "by", "after", "way", "or", "day") or \
                    (self.low(i + 1) in ("'", "’") and self.low(i + 2) == "s"):
                return None, j
            info["one"] = True
        sign = 1
        if currency is None and self.tok(i - 1) and self.toks[i - 1].text in "-−" and self.adj(i) and \
                (i - 1 == 0 or self.toks[i - 1].ws or self.low(i - 2) in ("(", "minus", "negative")) and t.kind == "num":
            sign, k = -1, i - 1
            if self.low(k - 1) in ("minus", "negative"):
                k -= 1
        elif self.low(i - 1) in ("minus", "negative") and i - 1 >= floor:
            sign, k = -1, i - 1
        elif self.low(i - 1) == "-" and self.adj(i) and self.low(i - 2) in ("minus", "negative") and self.adj(i - 1):
            sign, k = -1, i - 2
        plus = False
        if self.low(k - 1) == "+" and self.adj(k) and k - 1 >= floor:
            plus, k = True, k - 1
        mk, change = self.lookback_mods(k, floor)
        if change is None and currency is None and self.low(k - 1) == "~":
            mk, change = k - 1, "~"
        start_idx = mk
        # currency written after a modifier and before the number was found; one written before the
        # modifier ("$ about 5") is rare: ignore
        self._currency_before_value = currency is not None
        if currency is not None and t.kind == "num":
            # re-run scale with currency known ("PS6m", "$4.2b")
            v, j, info = self.digits(i)
        self._currency_before_value = False
        v *= sign
        # years: 1800-2099 without commas, unless money or a unit says otherwise
        year_like = info.get("int4") and 1800 <= v <= 2099 and sign == 1
        if t.kind == "num" and (_ERA_BEFORE.search(self.text, max(0, t.start - 8), t.start) or
                                _ERA_AFTER.match(self.text, t.end)):
            btw = _BETWEEN_ERA.search(self.text, max(0, t.start - 20), t.start) is not None
            rng = self.range_after(j, v, info, None, btw, False)
            return None, (rng[2] if rng else j)  # "A.D. 1000", "500 BC", "between A.D. 1000 and 1260"
        # ranges
        low, high = v, v
        rng_end = j
        between = self.low(start_idx - 1) == "between" or self.low(k - 1) == "between"
        frm = self.low(start_idx - 1) == "from" or self.low(k - 1) == "from"
        rng = None if info.get("fold") or self.low(start_idx - 1) == "by" else \
            self.range_after(j, v, info, currency, between, frm)
        if rng is not None:
            low, high, rng_end, info2 = rng
            if year_like and high < 100:
                return None, rng_end  # "2014-15"
            if self._score(start_idx, j, rng_end, v, high):
                return None, rng_end
            if info2.get("scaled") and not info.get("scaled") and abs(v) <= abs(info2["raw"]):
                low = v * (high / info2["raw"]) if info2["raw"] else v
            j = rng_end
            year_like = year_like and info2.get("int4")
        # unit
        info["v"] = abs(high)
        if year_like and currency is None:
            u, e, rate, measure = self.unit_after(j, False, info)
            count_ok = u is not None and (measure and u.split(" per ")[0] not in TIME_UNITS or
                                          (not measure and self.low(start_idx - 1) not in YEAR_BEFORE and
                                           not (self.tok(start_idx - 1) and self.toks[start_idx - 1].kind == "num") and
                                           change is None and (u.endswith("s") or u in IRREGULAR_PLURALS)))
            if not count_ok and not (change is not None and change != "~"):
                return None, j
        else:
            u, e, rate, measure = self.unit_after(j, currency is not None, info)
        if u == DROP:
            return None, j + 2
        if u is None and currency is None and t.kind == "num" and self._age_context(start_idx, j, low, high):
            u = "year of age"
        if u is None and rng is not None and rng[3].get("mid_unit"):
            u = rng[3]["mid_unit"]  # "from 208 pounds to 193"
        if currency is not None:
            # "$14.95 a month" is "dollar per month"; "$80 per sq m" is "dollar per square metre"
            u = f"{currency} {u}" if u and u.startswith("per ") else currency
        # street addresses: "16-18 Industrial Avenue"
        if u is None and self.tok(e) and self.toks[e].text[:1].isupper():
            for q in range(e, min(e + 3, self.n)):
                if self.low(q) in STREET and self.toks[q].text[0].isupper():
                    return None, q + 1
        end_idx = max(e, j)
        # modifiers after: "500 or more", "300 or so", "500-plus"
        for words, ch in AFTER_MODS.items():
            if all(self.low(end_idx + a) == w for a, w in enumerate(words)) and change is None:
                if words == ("+",) and not self.adj(end_idx):
                    continue
                change = ch
                end_idx += len(words)
                break
        # change verbs right before ("rose 6.5%", "fell by 3%")
        direction = None
        p = start_idx - 1
        if self.low(p) == "by":
            p -= 1
        if self.low(p) in ("up", "down") and self.low(p - 1) in PHRASAL:
            p = -1  # "set up 15 camps" is no rise
        if self.low(p) in UP or plus:
            direction = "up"
        elif self.low(p) in DOWN:
            direction = "down"
        vague = None
        if info.get("vague"):
            vague = self.text[self.toks[i].start:self.toks[j - 1].end]
            low, high = info["vague"] if self.vague_ranges else (None, None)
        approx = change == "~"
        if change == ">":
            high = None
        elif change == "<":
            low = None
        if direction and change not in ("~",):
            change = direction
        if change is None:
            change = "="
        if frm and rng is not None and direction:
            change = direction
        if rng is not None and (between or frm) and self.low(start_idx - 1) in ("between", "from"):
            start_idx -= 1  # the span is the whole range: "between 5,000 to 10,000"
        s, en = self.toks[start_idx].start, self.toks[end_idx - 1].end
        q = Quantity(text=self.text[s:en], start=s, end=en, low=_clean(low), high=_clean(high), approx=approx,
                     unit=u, rate=rate, change=change, vague=vague)
        return q, end_idx

    def range_after(self, j: int, v: float, info: dict, currency: str | None, between: bool,
                    frm: bool) -> tuple[float, float, int, dict] | None:
        """"600-800", "40 to 50", "between 5% and 6%", "from 208 pounds to 193", "$7/$9"."""
        k = j
        # a unit between the two numbers must be repeated after the second ("5% and 6%"), except after "from"
        mid_unit = None
        if self.tok(k) and self.toks[k].kind in ("word", "sym") and self.low(k) not in ("-", "–", "—", "to", "and", "/"):
            u, e, _r, measure = self.unit_after(k, False, {})
            if u is None or not measure or e - k > 3:
                return None
            mid_unit, k = u, e
        sep = self.low(k)
        if sep == "-" and self.low(k + 1) == "to" and self.low(k + 2) != "-":
            k += 1  # "8- to 16-meter"
        if sep in ("-", "–", "—"):
            if info.get("words") and self.adj(k):
                return None  # "five-year"
            if self.low(k + 1) == "to" and self.low(k + 2) == "-":
                k += 2  # "0-to-60"
        elif sep == "to":
            if self.low(k + 1) == "-":
                k += 1
        elif sep == "and" and between:
            pass
        elif sep == "/" and currency and self.low(k + 1) == "$":
            pass
        else:
            return None
        k += 1
        cur2 = None
        for size in (3, 2, 1):
            parts = self.toks[k:k + size]
            if len(parts) == size and k + size < self.n and self.toks[k + size].kind == "num" and \
                    "".join(p.text for p in parts) in self.lex["prefix"] and \
                    (all(not p.ws for p in parts[1:]) or (size == 2 and parts[1].text == "$")):
                k, cur2 = k + size, True  # "$US171 million", "US $93 billion"
                break
        if self.low(k) == "~":
            k += 1
        c2 = self.core(k)
        if c2 is None:
            return None
        v2, j2, info2 = c2
        if self.toks[k].kind == "num" and (self.is_identifier(k) and not cur2 and self.toks[k - 1].text not in "-–—"):
            return None
        if info2.get("vague") or info2.get("of") or (self.toks[k].kind == "word" and info.get("words") is False and
                                                     sep in ("-", "–", "—")):
            return None
        if cur2 and not currency:
            return None  # "sixfold to HK $3.7 billion"
        if currency and cur2:
            self._currency_before_value = True
            v2, j2, info2 = self.digits(k) if self.toks[k].kind == "num" else (v2, j2, info2)
            self._currency_before_value = False
        if mid_unit is not None and not frm:
            u2, e2, _r, _m = self.unit_after(j2, False, {})
            if u2 != mid_unit:
                return None
        if sep in ("-", "–", "—") and self.toks[k].kind == "num" and self.tok(j2) and self.low(j2) in ("-",) and \
                self.adj(j2) and self.tok(j2 + 1) and self.toks[j2 + 1].kind == "num":
            return None  # "16-18-20", phone-like
        info2.setdefault("raw", v2)
        if mid_unit is not None:
            info2["mid_unit"] = mid_unit
        return v, v2, j2, info2


# adjectives that stand before a singular (mass) noun after a count: "20 heavy artillery"
_ADJ = set("""new old big small heavy light large high low long short full other key top major minor main free
fresh young senior junior local extra strong wide deep tall good bad best real total dead single double triple
separate different similar additional further same few many more much less little own whole entire daily
weekly annual monthly national international public private military civil civilian armed foreign domestic
regional federal outside inside nearby overseas abroad ago later earlier other former upper inner outer proper
""".split()) | COMPARATIVES
_ADJ_SUFFIX = ("al", "ic", "ous", "ful", "ive", "able", "ible", "less", "ish", "ese", "ian", "ern", "ary", "ory",
               "est", "ed", "ing", "ly", "ant", "ent")


def _plural(w: str) -> bool:
    return w in IRREGULAR_PLURALS or (w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 2)


def _noun_like(w: str) -> bool:
    """A word that can be a compound's counted modifier ("page", "cylinder", "star"), not an adjective."""
    return w.isalpha() and w not in _ADJ and w not in STOP and not _plural(w) and \
        (not w.endswith(_ADJ_SUFFIX) or w.endswith("ment") or w in _ER_NOUNS)


# -er/-ent/-al nouns that are counted in compounds ("3 cylinder engine", "40 member council")
_ER_NOUNS = {"cylinder", "member", "player", "chapter", "letter", "quarter", "meter", "litre", "liter", "number",
             "layer", "tower", "floor", "door", "hour", "barrel", "channel", "panel", "pedal", "wheel", "level",
             "person", "seater", "decker", "speaker", "engine", "point", "percent", "episode", "nation",
             "country", "lane", "mile", "man", "student", "patient", "parent", "agent", "event", "century"}


def _clean(x: float | None) -> float | int | None:
    if x is None or x in (float("inf"), float("-inf")) or x != x:
        return None  # a number of over 308 digits: none that JSON (or a count) can hold
    if float(x).is_integer() and abs(x) < 1e15:
        return int(x)
    return round(x, 10)


def extract(text: str, vague_ranges: bool = True) -> list[Quantity]:
    """Every quantity in `text`, in order, with offsets into `text`."""
    if not text or not _HAS_NUMBER.search(text):
        return []
    # only the stretches around something number-like are tokenised: most of an article is words
    out: list[Quantity] = []
    for ws, we in _windows(text):
        for q in _extract_window(text[ws:we], vague_ranges):
            q.start += ws
            q.end += ws
            out.append(q)
    _carry_units(text, out)
    return out


def _windows(text: str, before: int = 60, after: int = 160) -> list[tuple[int, int]]:
    """Merged spans around number-like anchors, cut at white space so no token is split."""
    spans: list[list[int]] = []
    n = len(text)
    for m in _HAS_NUMBER.finditer(text):
        s, e = max(0, m.start() - before), min(n, m.end() + after)
        if spans and s <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], e)
        else:
            spans.append([s, e])
    out = []
    for s, e in spans:
        if s > 0:
            k = text.find(" ", s, s + before)
            s = k + 1 if k != -1 else s
            while s > 0 and not text[s - 1].isspace():
                s -= 1
        if e < n:
            k = text.rfind(" ", e - after // 2, e)
            e = k if k != -1 else e
            while e < n and not text[e].isspace():
                e += 1
        out.append((s, e))
    return out


def _extract_window(text: str, vague_ranges: bool) -> list[Quantity]:
    p = _Parser(text, vague_ranges)
    out: list[Quantity] = []
    i, floor = 0, 0
    while i < p.n:
        t = p.toks[i]
        if t.kind == "sym" and t.text != "." and t.text not in UNICODE_FRACTIONS:
            i += 1
            continue
        if t.kind == "word" and not (t.low in ONES or t.low in TENS or t.low in VAGUE_PLURALS or t.low in
                                     ("a", "an", "hundred", "dozen", "tens", "scores", "several", "few", "couple",
                                      "many") or t.text in UNICODE_FRACTIONS or t.low.endswith("fold")):
            i += 1
            continue
        q, nxt = p.parse_at(i, floor)
        if q is not None:
            out.append(q)
            floor = nxt
        i = max(nxt, i + 1)
    return out


_SENT_BREAK = re.compile(r"[.!?][\"'”’)]*\s|\n")
_TO_BEFORE = re.compile(r"\bto\s*$")
_OR_AFTER = re.compile(r"\s*(?:or|to|-|–)\s*$")


def _carry_units(text: str, qs: list[Quantity]) -> None:
    """A number without a unit counts what a number before it in the sentence counted: "about 2,500
    fighters in Raqqa, with another 2,000 in Tal Afar"; "435 homes by open sale and 187 by tender";
    or what the next one counts when they are alternatives ("about 8 or $9")."""
    for n, q in enumerate(qs):
        if q.unit is not None or q.vague is not None:
            continue
        for m in range(n - 1, -1, -1):
            prev = qs[m]
            if _SENT_BREAK.search(text, prev.end, q.start) or q.start - prev.end > 150:
                break
            u = prev.unit
            if u is None or u.split(" per ")[0] in TIME_UNITS or u.endswith("of age") or u == "times":
                continue
            if u.startswith("percentage") and _TO_BEFORE.search(text, prev.end, q.start):
                continue  # "rose 8.15% to 3.65": a price, not a percentage
            q.unit = u
            break
        if q.unit is None and n + 1 < len(qs):
            nxt = qs[n + 1]
            if nxt.unit and _OR_AFTER.fullmatch(text[q.end:nxt.start]):
                q.unit = nxt.unit


@stage("quantities")
def quantities(article: Article, config: dict[str, Any]) -> Article:
    vague = config.get("vague_ranges", True)
    # in `muster extract`, only the sentences the triage stage marked (see triage.py)
    article.quantities = over_focus(article, lambda text: extract(text, vague_ranges=vague))
    return article
