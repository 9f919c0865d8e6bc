"""Facts across articles: which claims repeat, corroborate or contradict each other, and how many
independent sources stand behind each position.

A claim is what one source said once (spec/claims.md). A fact is the group of claims of one type
about one armed group, at comparable places, in overlapping periods. The stages, each one function:

    claims = load_claims(conn)          # the one place claims are read (reviews plug in here)
    copies = find_copies(claims)        # claim id -> the earliest claim it repeats
    facts = build_facts(claims, copies) # Fact objects: claims, positions, sources, contradictions
    relate(a, b, copies)                # "copy" | "corroborates" | "contradicts" | "unrelated"
    series(claims, copies, actor=..., place=...)  # figures over time for a group and a place

Thresholds are data (data/facts.yaml), each justified there by a measurement on the tune half of
training/facts_gold/pairs.json. Nothing here runs during ingest: facts are computed on demand
(`muster facts`) and stored in the ledger's fact tables (migration 006) when it is writable.
"""
from __future__ import annotations

import gc
import hashlib
import json
import marshal
import math
import re
import sqlite3
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from importlib import resources
from typing import Any, Iterable, Iterator, Sequence

import yaml

RELATIONS = ("copy", "corroborates", "contradicts", "unrelated")
NO_DATE = (-10**9, 10**9)


@lru_cache(maxsize=1)
def default_config() -> dict:
    data = resources.files("muster").joinpath("data")
    cfg = yaml.safe_load(data.joinpath("facts.yaml").read_text(encoding="utf-8"))
    if cfg.get("copy_model_file"):  # the learned copy model: weights written by its training script
        cfg["copy_model"] = json.loads(data.joinpath(cfg["copy_model_file"]).read_text(encoding="utf-8"))
    return cfg


def config(overrides: dict | None = None) -> dict:
    cfg = dict(default_config())
    cfg.update(overrides or {})
    return cfg


# ---------------------------------------------------------------------------------------------
# reading claims

# The one query claims are read through. Review status and corrected counts (issue 13) plug in
# here: leave out rejected claims in the WHERE clause, and COALESCE the corrected count columns
# over count_low/count_high, so that "reviews win" for every fact, relation and series.
CLAIMS_SQL = """
SELECT v.id, v.article_id, v.type, v.actor, v.actor_id, v.children, v.count_low, v.count_high,
       v.count_approx, v.count_unit, v.count_text, v.rate, v.date_start, v.date_end, v.trend, v.hedged,
       v.negated, v.speaker_name, v.speaker_org, v.speaker_role, v.speaker_anonymous, v.evidence,
       v.outlet, v.published, v.doc, v.original_id
  FROM claims_view v
 WHERE coalesce(v.review_status, '') <> 'rejected'
"""
# reviews win: claims_view gives the reviewed value of each field (a corrected count is the one
# compared), and a claim an analyst rejected leaves its fact
PLACES_SQL = """
SELECT cp.claim_id, p.id, p.name, p.country, p.geonames_id, p.precision
  FROM claim_places cp JOIN places p ON p.id = cp.place_id
 ORDER BY cp.claim_id, cp.seq
"""

# the places an analyst gave a claim, which replace the machine's (reviews win for places as for counts)
REVIEWED_PLACES_SQL = """
SELECT r.claim_id, r.locations FROM claim_reviewed r WHERE instr(r.fields, '"places"')
"""


@dataclass(slots=True)
class Claim:
    """What facts need of a claim, with its comparison keys worked out once."""
    id: str
    article_id: str
    type: str
    actor: str | None            # display name
    actor_key: str | None        # Wikidata id or "name:..."
    children: bool | None
    low: float | None
    high: float | None
    approx: bool
    unit: str | None             # reduced to a head word (facts.yaml unit_synonyms)
    count_text: str | None
    rate: str | None
    start: int                   # proleptic ordinal days; NO_DATE when undated
    end: int
    date_start: str | None
    date_end: str | None
    trend: str | None
    hedged: bool
    negated: bool
    speaker: str | None          # a key for the speaker (name, else organisation), lower-cased
    speaker_label: str | None
    evidence: str
    outlet: str | None
    published: str | None
    doc: str | None
    original_id: str             # the article, or its original when it is a near-duplicate copy
    places: list[dict] = field(default_factory=list)   # {id, name, country, gid, precision, admin1}
    # who stands behind the claim: its speaker, else the outlet's own voice, else the article
    source: str = ""
    _tokens: tuple | None = field(default=None, repr=False, compare=False)
    _words: frozenset | None = field(default=None, repr=False, compare=False)

    @property
    def tokens(self) -> tuple:
        """The evidence's lower-cased word tokens, made once when first asked for (slots: 200,000
        claims are made per run, most never compared)."""
        if self._tokens is None:
            self._tokens = tuple(_WORD.findall(self.evidence.lower()))
        return self._tokens

    @property
    def words(self) -> frozenset:
        """The evidence's word set (for copies and shared words)."""
        if self._words is None:
            self._words = frozenset(self.tokens)
        return self._words


    @property
    def place(self) -> dict | None:
        return self.places[0] if self.places else None

    def has_count(self) -> bool:
        return self.low is not None or self.high is not None


_WORD = re.compile(r"\w+")


@lru_cache(maxsize=65536)
def _day(iso: str | None, end: bool = False) -> int | None:
    """An ISO date (YYYY, YYYY-MM or YYYY-MM-DD) -> ordinal day; None when it is not one."""
    if not iso:
        return None
    m = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", iso)
    if not m:
        return None
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    try:
        if d:
            return date(y, int(mo), int(d)).toordinal()
        if mo:
            return date(y, int(mo), 28 if end else 1).toordinal()
        return date(y, 12 if end else 1, 31 if end else 1).toordinal()
    except ValueError:
        return None


def unit_head(unit: str | None, cfg: dict | None = None) -> str | None:
    if not unit:
        return None
    syn = (cfg or default_config())["unit_synonyms"]
    words = unit.lower().split()
    for w in reversed(words):
        if w in syn:
            return syn[w]
    return words[-1] if words else None


def _num(v: Any) -> float | None:
    if v is None or isinstance(v, float):
        return v
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def _admin1_of(gids: Iterable[int] | None = None) -> dict[int, int]:
    """GeoNames id -> the gazetteer's admin1 (subdivision) of that place, for place nesting (of
    `gids` only, when given)."""
    from . import gazetteer

    g = gazetteer.load()
    want = None if gids is None else set(gids)
    if hasattr(g, "conn"):  # the SQLite index: ask it for the wanted places only
        sql = "SELECT gid, admin1 FROM places WHERE gid > 0 AND admin1 IS NOT NULL"
        if want is None:
            return {gid: a1 for gid, a1 in g.conn().execute(sql) if a1}
        wanted, out = sorted(want), {}
        for i in range(0, len(wanted), 500):  # within SQLite's limit of bound parameters
            part = wanted[i:i + 500]
            out.update((gid, a1) for gid, a1 in g.conn().execute(
                f"{sql} AND gid IN ({','.join('?' * len(part))})", part) if a1)
        return out
    return {gid: a1 for gid, a1 in zip(g.gid, g.admin1) if gid and a1 and (want is None or gid in want)}


class ClaimList(list):
    """The claims of a ledger as read, with a digest of the rows they were made from (fingerprint)."""
    digest: str | None = None


def load_claims(conn: sqlite3.Connection, cfg: dict | None = None, admin1: dict[int, int] | None = None,
                where: str = "", args: Sequence = ()) -> ClaimList:
    """Every claim of the ledger (or those matching `where` over claims_view v), ready to compare."""
    cfg = cfg or default_config()
    rows = _tuples(conn, CLAIMS_SQL + (f" AND ({where})" if where else ""), args)
    # the places of the claims read: all of them at once, or, for a few claims, theirs only
    ids = json.dumps([r[0] for r in rows]) if where else None
    place_rows = _with_reviewed_places(conn, _tuples(conn, PLACES_SQL) if ids is None else _places_of(conn, ids), ids)
    places = _claim_places(place_rows, cfg, admin1)
    units: dict[str, str | None] = {}
    out = ClaimList()
    # everything the claims are made of, hashed at C speed (marshal version 2 writes values, never
    # references to objects seen before, so equal rows give equal bytes): facts are stored again
    # only when it changes
    out.digest = hashlib.sha256(marshal.dumps((rows, place_rows), 2)).hexdigest()
    for (cid, aid, typ, actor, actor_id, children, lo, hi, approx, unit, ctext, rate, ds, de, trend, hedged,
         negated, sname, sorg, srole, sanon, ev, outlet, pub, doc, orig) in rows:
        start, end = _day(ds), _day(de, True)
        if start is None or end is None:
            start, end = (start, start) if start is not None else (end, end) if end is not None else NO_DATE
        speaker = (sname or sorg or "").strip().lower() or None
        label = sname or sorg or (("anonymous " if sanon else "") + (srole or "")).strip() or None
        if unit and unit not in units:
            units[unit] = unit_head(unit, cfg)
        if lo is not None and lo.__class__ is not float:  # (a reviewed count may come as text)
            lo = _num(lo)
        if hi is not None and hi.__class__ is not float:
            hi = _num(hi)
        out.append(Claim(cid, aid, typ, actor, actor_id or (f"name:{actor}" if actor else None),
                         None if children is None else bool(children), lo, hi, bool(approx),
                         units[unit] if unit else None, ctext, rate, start, end, ds, de, trend, bool(hedged),
                         bool(negated), speaker, label, ev or "", outlet, pub, doc, orig or aid,
                         places.get(cid, []),
                         speaker or (f"outlet:{outlet.lower()}" if outlet else f"article:{orig or aid}")))
    return out


def _tuples(conn: sqlite3.Connection, sql: str, args: Sequence = ()) -> list[tuple]:
    """The rows of a query as plain tuples, whatever the connection's row factory (sqlite3.Row in a
    Ledger): faster to unpack, and values only (the digest of load_claims)."""
    cur = conn.cursor()
    cur.row_factory = None
    return cur.execute(sql, list(args)).fetchall()


# (a list of claim ids as one JSON parameter: no limit on bound parameters, no chunks)
_OF_IDS = " AND {col} IN (SELECT value FROM json_each(?))"


def _places_of(conn: sqlite3.Connection, ids: str) -> list[tuple]:
    """PLACES_SQL's rows for these claims only (`ids`: a JSON list)."""
    body, order = PLACES_SQL.split("ORDER BY")
    return _tuples(conn, f"{body} WHERE 1{_OF_IDS.format(col='cp.claim_id')} ORDER BY {order}", (ids,))


def _with_reviewed_places(conn: sqlite3.Connection, rows: list[tuple], ids: str | None = None) -> list[tuple]:
    """PLACES_SQL's rows with those of each claim whose places an analyst corrected replaced by the
    corrected places (of the claims `ids`, a JSON list, when given): a place the ledger knows (by GeoNames
    id, else by name and country) is that place; another is a place of its own, named by the analyst."""
    sql = REVIEWED_PLACES_SQL + (_OF_IDS.format(col="r.claim_id") if ids is not None else "")
    reviewed = {cid: json.loads(locs or "[]") for cid, locs in _tuples(conn, sql, () if ids is None else (ids,))}
    if not reviewed:
        return rows
    out = [r for r in rows if r[0] not in reviewed]
    for cid, locs in reviewed.items():
        for p in locs:
            name, cc, gid = p.get("name"), p.get("country"), p.get("geonames_id")
            row = conn.execute("SELECT id, name, country, geonames_id, precision FROM places WHERE "
                               "(? IS NOT NULL AND geonames_id = ?) OR (? IS NULL AND name = ? COLLATE NOCASE "
                               "AND country IS ?) ORDER BY id LIMIT 1", (gid, gid, gid, name, cc)).fetchone()
            out.append((cid, *row) if row else
                       (cid, f"reviewed:{name}|{cc or ''}", name, cc, gid, p.get("precision")))
    out.sort(key=lambda r: r[0])  # sorted by claim, each claim's places in the order given (a stable sort)
    return out


def _claim_places(rows: list[tuple], cfg: dict, admin1: dict[int, int] | None) -> dict[str, list[dict]]:
    """Claim id -> its places in order (from PLACES_SQL's rows), each with the gazetteer's province
    (admin1) of it."""
    if admin1 is None:
        # the gazetteer is needed only to nest a place in a province
        needs = cfg["towns_of_same_province_comparable"] or any(r[5] == "admin1" for r in rows)
        admin1 = _admin1_of({r[4] for r in rows if r[4]}) if needs else {}
    shared: dict[int, dict] = {}
    out: dict[str, list[dict]] = {}
    for cid, pid, name, cc, gid, prec in rows:
        p = shared.get(pid)
        if p is None:
            p = shared[pid] = {"id": pid, "name": name, "country": cc, "gid": gid, "precision": prec,
                               "admin1": admin1.get(gid or 0)}
        out.setdefault(cid, []).append(p)
    return out


# ---------------------------------------------------------------------------------------------
# comparing two claims

def jaccard(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def containment(a: frozenset, b: frozenset) -> float:
    """The share of the shorter word set found in the longer (a sentence cut short in a copy)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _place_comparable(p: dict | None, q: dict | None, cfg: dict) -> bool:
    if p is None or q is None:
        return p is None and q is None
    if p["id"] == q["id"] or (p["gid"] and p["gid"] == q["gid"]):
        return True
    if p["country"] != q["country"] or not p["country"]:
        return False
    pp, qp = p["precision"], q["precision"]
    if "country" in (pp, qp):
        return pp == qp or bool(cfg["country_comparable_with_places_inside"])
    if p["admin1"] and p["admin1"] == q["admin1"]:
        return "admin1" in (pp, qp) or bool(cfg["towns_of_same_province_comparable"])
    return False


def places_comparable(a: Claim, b: Claim, cfg: dict | None = None) -> bool:
    """The same town, or one place inside the other's province or country (facts.yaml)."""
    cfg = cfg or default_config()
    if not a.places or not b.places:
        return (not a.places and not b.places) or bool(cfg["placeless_comparable_with_places"])
    if len(a.places) == 1 and len(b.places) == 1:  # most pairs (the hot path of build_facts)
        return _place_comparable(a.places[0], b.places[0], cfg)
    return any(_place_comparable(p, q, cfg) for p in a.places for q in b.places)


def periods_overlap(a: Claim, b: Claim, cfg: dict | None = None, slack: int | None = None) -> bool:
    """Periods that meet within `slack` days on each side (by default the widest slack of facts.yaml:
    that of agreeing claims)."""
    slack = _widest_slack(cfg or default_config()) if slack is None else slack
    return a.start <= b.end + slack and b.start <= a.end + slack


def _widest_slack(cfg: dict) -> int:
    return max(cfg["period_slack_days"], cfg.get("agree_period_slack_days") or 0)


def comparable(a: Claim, b: Claim, cfg: dict | None = None) -> bool:
    """Same type, same group, comparable places, overlapping periods, not children against adults."""
    cfg = cfg or default_config()
    return (a.type == b.type and a.actor_key is not None and a.actor_key == b.actor_key
            and not (a.children is not None and b.children is not None and a.children != b.children)
            and places_comparable(a, b, cfg) and periods_overlap(a, b, cfg))


def _range(c: Claim) -> tuple[float, float]:
    """A count as an interval; a one-sided bound ("up to 500", "at least 400") is read as an estimate
    at its bound, as reporters use it."""
    lo = c.low if c.low is not None else c.high
    hi = c.high if c.high is not None else c.low
    return min(lo, hi), max(lo, hi)


def counts_compared(a: Claim, b: Claim) -> bool:
    """Both have a count of the same thing at the same rate."""
    return (a.has_count() and b.has_count() and (a.rate or None) == (b.rate or None)
            and (a.unit is None or b.unit is None or a.unit == b.unit))


def counts_agree(a: Claim, b: Claim, cfg: dict | None = None) -> bool:
    cfg = cfg or default_config()
    (alo, ahi), (blo, bhi) = _range(a), _range(b)
    gap = max(alo, blo) - min(ahi, bhi)
    if gap <= 0:
        return True
    if a.approx or b.approx or (cfg["round_numbers_approximate"] and _round(a) and _round(b)):
        return gap < cfg["approx_tolerance"] * max(ahi, bhi)
    return False


def _round(c: Claim) -> bool:
    """A count given as a round figure (800, 2,500, 10,000): reporters' round numbers are estimates."""
    return all(v is None or (v >= 100 and v % 100 == 0) for v in (c.low, c.high))


def is_copy(a: Claim, b: Claim, cfg: dict | None = None) -> bool:
    """The same statement repeated in another article: nearly the same sentence, or the same figure
    from the same source (GUIDE.md). Fixed rules first (copy_by_rule); the pairs they leave open are
    decided by the learned copy model (copy_learned), else by the hand thresholds."""
    cfg = cfg or default_config()
    fixed = copy_by_rule(a, b, cfg)
    if fixed is not None:
        return fixed
    if cfg["copy_learned"] and cfg.get("copy_model"):
        # an outlet's own retelling of a figure is not a copy, a wire story's figure in other words is
        return copy_score(a, b, cfg) >= cfg["copy_model"]["threshold"]
    if _same_text(a, b, cfg):
        return True
    return bool(cfg["copy_same_speaker_figure"] and a.has_count() and b.has_count() and a.unit == b.unit
                and same_speaker(a.speaker, b.speaker, cfg))


def copy_by_rule(a: Claim, b: Claim, cfg: dict) -> bool | None:
    """What fixed rules say of two claims being one statement, or None when they leave it open (the
    pairs the copy model is trained on and asked about): never within one article or across types;
    always an article's claim and its near-duplicate's; never two different figures ("over 800" and
    "800" are one) or counts of different things; never two sentences without figures that are not
    nearly the same."""
    if a.article_id == b.article_id or a.type != b.type:
        return False
    if a.original_id == b.original_id:
        return True
    both_counted = a.has_count() and b.has_count()
    if both_counted and (_range(a) != _range(b) or not counts_compared(a, b)):
        return False
    if not both_counted and not _same_text(a, b, cfg):
        return False
    return None


def _same_text(a: Claim, b: Claim, cfg: dict) -> bool:
    """Nearly the same sentence: most words shared, or most of the shorter one's words in the longer."""
    return (jaccard(a.words, b.words) >= cfg["copy_jaccard"]
            or containment(a.words, b.words) >= cfg["copy_containment"])


def days_apart(a: Claim, b: Claim) -> int:
    """Days between two claims' periods (0 when they overlap, or when either is undated)."""
    if a.start == NO_DATE[0] or b.start == NO_DATE[0]:
        return 0
    return max(0, max(a.start, b.start) - min(a.end, b.end))


def copy_features(a: Claim, b: Claim, cfg: dict) -> dict[str, float]:
    """What the learned copy model weighs (training/facts_gold/train_copy_model.py): how much of the
    sentence is shared, the same figure (past copy_by_rule, two counts are one figure), from the same
    speaker, the time between, and the same outlet (an outlet telling again in new words corroborates)."""
    both_counted = a.has_count() and b.has_count()
    ca, cb = _copy_words(a), _copy_words(b)
    return {
        "jaccard": jaccard(a.words, b.words),
        "content_containment": containment(ca, cb),
        "content_jaccard": jaccard(ca, cb),
        "same_figure": float(both_counted),
        "same_speakers_figure": float(both_counted and same_speaker(a.speaker, b.speaker, cfg)),
        "log_days_apart": math.log1p(days_apart(a, b)),
        "same_outlet": float((a.outlet or "").lower() == (b.outlet or "").lower()),
    }


def _copy_words(c: Claim) -> frozenset:
    """Content words without figures (two claims of one figure share its digits by construction)."""
    return frozenset(w for w in content_words(c) if not w.isdigit())


def copy_score(a: Claim, b: Claim, cfg: dict) -> float:
    """The learned copy model's probability that two claims are one statement (logistic regression)."""
    model = cfg["copy_model"]
    x = copy_features(a, b, cfg)
    z = model["intercept"] + sum(w * x[name] for name, w in model["weights"].items())
    return 1.0 / (1.0 + math.exp(-z))


# words left out when two speakers' names are compared ("Syrian Observatory for Human Rights")
_SPEAKER_STOP = frozenset("the a an of for and s".split())


@lru_cache(maxsize=65536)
def _speaker_words(speaker: str) -> tuple[str, ...]:
    return tuple(w for w in _WORD.findall(speaker.replace("’", "'")) if w not in _SPEAKER_STOP)


def same_speaker(x: str | None, y: str | None, cfg: dict | None = None) -> bool:
    """The same speaker, named in full or in part: "robinson" and "joe robinson", "observatory" and
    "syrian observatory for human rights" (every word of the shorter name in the longer)."""
    if not x or not y:
        return False
    if x == y:
        return True
    if not (cfg or default_config())["speaker_partial_names"]:
        return False
    wx, wy = _speaker_words(x), _speaker_words(y)
    short, long_ = (wx, wy) if len(wx) <= len(wy) else (wy, wx)
    return bool(short) and set(short) <= set(long_)


def _centre(c: Claim) -> float:
    lo, hi = _range(c)
    return (lo + hi) / 2


def count_ratio(a: Claim, b: Claim) -> float:
    """How many times the larger count is the smaller (centres of the ranges)."""
    x, y = sorted((_centre(a), _centre(b)))
    return y / max(x, 1.0)


# words too common to tie two sentences to one subject
_STOP = frozenset("""a an the of in on at to for from by with and or but as is are was were be been being has have
had it its this that these those their there they them he she his her him who which what when where than then
said says say according also not no more most some many such into over about after before while would could
will can may might do does did so very just only other another all any each one two three""".split())


def content_words(c: Claim) -> frozenset:
    return c.words - _STOP


# one person's story: a person's pronoun or kin, or "a man", "one woman" ("her husband surrendered", "she fled
# with her children", "a fighter who defected")
_ONE_PERSON = re.compile(r"\b(?:he|she|his|her|him|husband|wife|son|daughter|brother|sister|mother|father|"
                         r"(?:a|an|one)\s+(?:\w+\s+)?(?:man|woman|boy|girl|fighter|member|militant|jihadist|commander))\b",
                         re.I)


def _denial_answered(a: Claim, b: Claim) -> bool:
    """A denial of a bare event ("There is no sign of surrender") speaks of the group's people: one person's
    story ("her husband surrendered", "she fled") is another set, which neither answers nor repeats it."""
    return not _ONE_PERSON.search((b if a.negated else a).evidence)


def same_subject(a: Claim, b: Claim, cfg: dict | None = None) -> bool:
    """Two comparable claims speak of one thing only with something that ties them: counts of one
    order (not "two British fighters" against "800 foreign fighters", which are different sets),
    trends both given, an assertion and a denial of a bare event, or enough words in common."""
    cfg = cfg or default_config()
    if counts_compared(a, b):
        return count_ratio(a, b) <= cfg["count_max_ratio"]
    if a.trend and b.trend and (cfg["trend_ties"] is True or cfg["trend_ties"] == "same" and a.trend == b.trend):
        return True
    if a.negated != b.negated and not (a.has_count() or b.has_count() or a.trend or b.trend):
        return _denial_answered(a, b)
    return jaccard(content_words(a), content_words(b)) >= cfg["corroborate_jaccard"]


def disagree(a: Claim, b: Claim, cfg: dict | None = None) -> str | None:
    """Why two claims about one thing contradict each other, or None."""
    if a.negated != b.negated and not (a.has_count() or b.has_count() or a.trend or b.trend):
        return "negated"
    if a.trend and b.trend and a.trend != b.trend:
        return "trend"
    if counts_compared(a, b) and not counts_agree(a, b, cfg):
        return "count"
    return None


def judge(a: Claim, b: Claim, cfg: dict | None = None) -> str | None:
    """For two claims that are not copies: "corroborates", "contradicts", or None (unrelated)."""
    cfg = cfg or default_config()
    if not comparable(a, b, cfg):
        return None
    if a.has_count() and b.has_count() and not counts_compared(a, b):
        return None  # fighters against camps, a monthly flow against a total
    if not same_subject(a, b, cfg):
        return None
    why = disagree(a, b, cfg)
    if why == "count" and cfg["breakdown_parts_not_compared"] and (is_breakdown(a) or is_breakdown(b)):
        return None  # a part of a breakdown against another figure: two different sets, not two estimates
    if why and not periods_overlap(a, b, cfg, cfg["period_slack_days"]):
        return None  # two figures weeks apart may both be right (forces change): only agreement spans them
    return "contradicts" if why else "corroborates"


# a range of figures ("300-400", "300 to 400", "between 300 and 400") is one figure; a year is not one
_FIGURE_RANGE = re.compile(r"\d[\d,.]*\s*(?:-|–|to)\s*\d[\d,.]*|between\s+\d[\d,.]*\s+and\s+\d[\d,.]*", re.I)
_FIGURE = re.compile(r"(?<![\w.])\d[\d,.]*")
_YEAR = re.compile(r"(?:19|20)\d\d")


def is_breakdown(c: Claim) -> bool:
    """The claim's sentence gives two figures or more ("kill 120 ISIS fighters over 60 foreign
    mercenaries"; "up to 80 fighters ... another 40 ... around Albu Kamal"): its count is a part of a
    breakdown, a set of its own, not an estimate of the whole another sentence gives."""
    text = _FIGURE_RANGE.sub(" 0 ", c.evidence)
    return sum(1 for m in _FIGURE.findall(text) if not _YEAR.fullmatch(m)) > 1


def relate(a: Claim, b: Claim, cfg: dict | None = None) -> str:
    """"copy", "corroborates", "contradicts" or "unrelated" (see training/facts_gold/GUIDE.md)."""
    cfg = cfg or default_config()
    if is_copy(a, b, cfg) and a.actor_key == b.actor_key:
        return "copy"
    return judge(a, b, cfg) or "unrelated"


# ---------------------------------------------------------------------------------------------
# copies

def _norm_sentence(text: str) -> str:
    """A sentence lower-cased with its punctuation and spacing folded (what copies of it share)."""
    return " ".join(_WORD.findall(text.lower()))


def _earliest_key(c: Claim) -> tuple:
    return (c.published or "9999", c.start, c.id)


def find_copies(claims: Sequence[Claim], cfg: dict | None = None) -> dict[str, str]:
    """Claim id -> the earliest claim it repeats (only for claims that are copies)."""
    cfg = cfg or default_config()
    parent: dict[str, str] = {}
    by_id = {c.id: c for c in claims}
    earliest: dict[str, tuple] = {}

    def key(i: str) -> tuple:
        k = earliest.get(i)
        if k is None:
            k = earliest[i] = _earliest_key(by_id[i])
        return k

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            first, later = (ra, rb) if key(ra) <= key(rb) else (rb, ra)
            parent[later] = first

    for block, same_sentence in _copy_blocks(claims):
        if same_sentence and len({(c.low, c.high) for c in block if c.has_count()}) <= 1:
            # one sentence with one figure in two articles or more: every claim of it is a copy of
            # another article's (is_copy pairwise would say so of each pair of two articles)
            for c in block[1:]:
                union(block[0].id, c.id)
            continue
        if len(block) > 400:  # a giant block (a stock phrase): only its exact sentences, above
            continue
        for i, a in enumerate(block):
            for b in block[i + 1:]:
                if find(a.id) != find(b.id) and is_copy(a, b, cfg):  # joined already: no words to compare
                    union(a.id, b.id)
    return {c.id: root for c in claims if c.id in parent and (root := find(c.id)) != c.id}


# bytes that are not ASCII letters or digits: left out of the cheap sentence key below
_NOT_ALNUM = bytes(i for i in range(256) if not (48 <= i <= 57 or 97 <= i <= 122))


def _rough_sentence(text: str) -> bytes:
    """A cheap key that every copy of a sentence shares (its ASCII letters and digits, lower-cased):
    only claims that share it are normalised with the regular expression, a few of 200,000."""
    return text.encode("ascii", "ignore").lower().translate(None, _NOT_ALNUM)


def _copy_blocks(claims: Sequence[Claim]) -> Iterator[tuple[list[Claim], bool]]:
    """Candidate groups for copies, each with whether it is one normalised sentence: the same
    normalised sentence; the same type, group and figure; the same type, group and speaker; the same
    original article. Only groups of two articles or more."""
    rough: dict[tuple, list[Claim]] = {}
    keys: dict[tuple, list[Claim]] = {}
    copied = {c.original_id for c in claims if c.original_id != c.article_id}  # articles with a near-duplicate
    for c in claims:
        rough.setdefault((c.type, _rough_sentence(c.evidence)), []).append(c)
        if c.original_id in copied:
            keys.setdefault(("o", c.type, c.original_id), []).append(c)
        if c.has_count():
            keys.setdefault(("n", c.type, c.actor_key, *_range(c)), []).append(c)  # "over 800" with "800"
        elif c.speaker:
            keys.setdefault(("p", c.type, c.actor_key, c.speaker), []).append(c)
    for (typ, _), block in rough.items():
        if len(block) > 1:
            if all(c.evidence == block[0].evidence for c in block):  # the same text: no need to normalise
                keys[("s", typ, block[0].evidence)] = block
                continue
            for c in block:
                keys.setdefault(("s", typ, " ".join(c.tokens)), []).append(c)  # = _norm_sentence
    for key, block in keys.items():
        if len(block) > 1 and any(c.article_id != block[0].article_id for c in block):
            yield block, key[0] == "s"


# ---------------------------------------------------------------------------------------------
# facts

@dataclass
class Fact:
    id: str
    type: str
    actor: str | None
    actor_key: str
    place: str | None
    country: str | None
    claims: list[Claim]                         # the earliest first (_earliest_key)
    copy_of: dict[str, str]                     # claim id -> original, for this fact's copies
    position: dict[str, int]                    # claim id -> position number (1 = the earliest's)
    contradictions: list[tuple[str, str, str]]  # (claim, claim, why)

    @property
    def earliest(self) -> Claim:
        return self.claims[0]

    @property
    def date_start(self) -> str | None:
        ds = [c.date_start for c in self.claims if c.date_start]
        return min(ds) if ds else None

    @property
    def date_end(self) -> str | None:
        ds = [c.date_end for c in self.claims if c.date_end]
        return max(ds) if ds else None

    def sources(self, position: int | None = None) -> set[str]:
        """Independent sources (speakers, else outlets) behind the fact or one position, copies removed."""
        return {c.source for c in self.claims if c.id not in self.copy_of
                and (position is None or self.position[c.id] == position)}

    def positions(self) -> list[dict]:
        by_position: dict[int, list[Claim]] = {}
        for c in self.claims:  # earliest first, so each list's first claim is its earliest
            by_position.setdefault(self.position[c.id], []).append(c)
        out = []
        for p in sorted(by_position):
            cs = by_position[p]
            ranges = [_range(c) for c in cs if c.has_count()]
            lows, highs = [lo for lo, _ in ranges], [hi for _, hi in ranges]
            first = cs[0]
            out.append({"position": p, "claims": len(cs), "copies": sum(c.id in self.copy_of for c in cs),
                        "sources": len({c.source for c in cs if c.id not in self.copy_of}),
                        "low": min(lows) if lows else None,
                        "high": max(highs) if highs else None,
                        "trend": next((c.trend for c in cs if c.trend), None),
                        "negated": first.negated, "earliest_claim": first.id, "earliest_date": first.published})
        return out

    def summary(self) -> dict:
        e = self.earliest
        return {"id": self.id, "type": self.type, "actor": self.actor, "actor_key": self.actor_key,
                "place": self.place, "country": self.country, "date_start": self.date_start,
                "date_end": self.date_end, "claims": len(self.claims), "copies": len(self.copy_of),
                "sources": len(self.sources()), "positions": self.positions(),
                "contradicted": bool(self.contradictions),
                "contradictions": [{"a": a, "b": b, "why": why} for a, b, why in self.contradictions],
                "earliest_claim": e.id, "earliest_date": e.published,
                "claim_ids": [c.id for c in self.claims]}


_WIDTH = {"country": 0, "region": 1, "admin1": 2, "admin2": 3, "city": 4, "site": 5}


def _fact_place(claims: Sequence[Claim]) -> tuple[str | None, str | None]:
    """The fact's place: the widest place among its claims' first places (a province over its town), the
    one most of them give among places that wide, the earliest claim's on a tie (not the first in the
    alphabet: 23 claims of US troops in Syria and one that also names Iran are a fact about Syria)."""
    ps = [c.places[0] for c in claims if c.places]
    if not ps:
        return None, None
    widths = [_WIDTH.get(p["precision"] or "", 9) for p in ps]
    width = min(widths)
    widest = Counter((p["name"], p["country"]) for p, w in zip(ps, widths) if w == width)
    return widest.most_common(1)[0][0]  # (a Counter keeps the claims' order: most_common too, on a tie)


_START = attrgetter("start")


def _candidate_pairs(claims: Sequence[Claim], cfg: dict) -> Iterator[tuple[Claim, Claim]]:
    """Pairs of claims that may be comparable: the same type, group and country (or both placeless),
    with periods that meet; a sweep over start dates keeps it near-linear."""
    buckets: dict[tuple, list[Claim]] = {}
    placeless: dict[tuple, list[Claim]] = {}
    for c in claims:
        if c.actor_key is None:
            continue
        if len(c.places) == 1:  # most claims
            buckets.setdefault((c.type, c.actor_key, c.places[0]["country"]), []).append(c)
            continue
        if not c.places:
            placeless.setdefault((c.type, c.actor_key), []).append(c)
        for cc in {p["country"] for p in c.places} or {None}:
            buckets.setdefault((c.type, c.actor_key, cc), []).append(c)
    if cfg["placeless_comparable_with_places"]:
        # a claim with no place joins every country's bucket of its type and group
        for (typ, actor, cc), block in buckets.items():
            if cc is not None:
                block.extend(placeless.get((typ, actor), []))
    slack = _widest_slack(cfg)
    by_town = not cfg["towns_of_same_province_comparable"]
    town_keys: dict[int, Any] = {}
    seen: set[tuple[str, str]] = set()
    for block in buckets.values():
        if len(block) < 2:
            continue
        block.sort(key=_START)
        wide: list[Claim] = []                  # active claims that may be comparable with any other
        at_towns: list[Claim] = []              # active claims at one town each (for the wide ones)
        towns: dict[Any, list[Claim]] = {}      # the same by town (pruned when their town comes again)
        for c in block:
            reach = c.start - 2 * slack
            if wide:
                wide = [a for a in wide if a.end >= reach]
            if len(c.places) == 1:  # most claims: one key a place, made once
                p = c.places[0]
                key = town_keys.get(p["id"], town_keys)
                if key is town_keys:
                    key = town_keys[p["id"]] = _town_key(p, by_town)
            else:
                key = None
            if key is None:  # a wide claim: every active claim may be comparable with it
                if at_towns:
                    at_towns = [a for a in at_towns if a.end >= reach]
                others = wide + at_towns if at_towns else wide
            else:  # a claim at one town: only the wide ones and those at its town
                same = towns.get(key)
                if same:
                    same = towns[key] = [a for a in same if a.end >= reach]
                others = wide + same if wide and same else wide or same or ()
            for a in others:
                if len(a.places) != 1 or len(c.places) != 1:
                    pair = (a.id, c.id) if a.id < c.id else (c.id, a.id)
                    if pair in seen:
                        continue
                    seen.add(pair)
                yield a, c
            if key is None:
                wide.append(c)
            else:
                at_towns.append(c)
                towns.setdefault(key, []).append(c)


def _town_key(p: dict, by_town: bool) -> Any:
    """For a claim at one place, a town (or any place narrower than a province), what another claim at
    one place must share with it to be comparable (facts._place_comparable): the town (its GeoNames id,
    else its row), or its province when towns of one province are comparable; None for a country or a
    province, which may be comparable with places other than their own (as are claims with no place or
    several)."""
    if p["precision"] == "country" or (p["precision"] == "admin1" and p["admin1"]):
        return None  # (a province the gazetteer does not place is compared with itself only)
    if not by_town and p["admin1"]:
        return "a1", p["admin1"]
    return p["gid"] or ("p", p["id"])


def build_facts(claims: Sequence[Claim], copies: dict[str, str] | None = None,
                cfg: dict | None = None, singletons: bool = True) -> list[Fact]:
    """Group comparable claims into facts; within each, positions (claims that agree) and
    contradictions. A claim related to no other is a fact of its own (made only if `singletons`);
    a claim that names no group is in no fact."""
    cfg = cfg or default_config()
    copies = find_copies(claims, cfg) if copies is None else copies
    parent = {c.id: c.id for c in claims}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    agree: list[tuple[Claim, Claim]] = []
    contra: list[tuple[Claim, Claim, str]] = []
    for a, b in _candidate_pairs(claims, cfg):
        if copies.get(a.id, a.id) == copies.get(b.id, b.id):
            parent[find(a.id)] = find(b.id)
            agree.append((a, b))
            continue
        verdict = judge(a, b, cfg)
        if verdict is None:
            continue
        parent[find(a.id)] = find(b.id)
        if verdict == "contradicts":
            contra.append((a, b, disagree(a, b, cfg) or "count"))
        else:
            agree.append((a, b))
    # copies join their original's fact even when their extracted place or date differs
    for cid, orig in copies.items():
        if orig in parent:
            parent[find(cid)] = find(orig)
    groups: dict[str, list[Claim]] = {}
    for c in claims:
        groups.setdefault(find(c.id), []).append(c)
    agree_of: dict[str, list] = {}
    for a, b in agree:
        agree_of.setdefault(find(a.id), []).append((a, b))
    contra_of: dict[str, list] = {}
    for a, b, why in contra:
        contra_of.setdefault(find(a.id), []).append((a, b, why))
    return [_fact(members, copies, agree_of.get(root, []), contra_of.get(root, []))
            for root, members in groups.items()
            if members[0].actor_key is not None and (singletons or len(members) > 1)]


def _fact(members: list[Claim], copies: dict[str, str], agree, contra) -> Fact:
    """One fact from its claims and the agreeing and contradicting pairs among them."""
    if len(members) == 1:  # most facts: one claim, comparable with nothing
        c = members[0]
        place, country = _fact_place(members)
        return Fact(id=_fact_id(c), type=c.type, actor=c.actor, actor_key=c.actor_key, place=place,
                    country=country, claims=members, copy_of={c.id: copies[c.id]} if c.id in copies else {},
                    position={c.id: 1}, contradictions=[])
    ids = {c.id for c in members}
    pos_parent = {i: i for i in ids}

    def find(x: str) -> str:
        while pos_parent[x] != x:
            pos_parent[x] = pos_parent[pos_parent[x]]
            x = pos_parent[x]
        return x

    for a, b in agree:
        pos_parent[find(a.id)] = find(b.id)
    for cid in ids:
        if copies.get(cid) in ids:
            pos_parent[find(cid)] = find(copies[cid])
    ordered = sorted(members, key=_earliest_key)
    number: dict[str, int] = {}
    position = {}
    for c in ordered:
        root = find(c.id)
        number.setdefault(root, len(number) + 1)
        position[c.id] = number[root]
    first = ordered[0]
    place, country = _fact_place(members)
    return Fact(id=_fact_id(first), type=first.type, actor=first.actor, actor_key=first.actor_key, place=place,
                country=country, claims=ordered, copy_of={c: copies[c] for c in ids if c in copies},
                position=position,
                contradictions=[(a.id, b.id, why) for a, b, why in contra])


def _fact_id(first: Claim) -> str:
    """Deterministic from content: the type, the group and the earliest claim."""
    return hashlib.sha256(f"{first.type}|{first.actor_key}|{first.id}".encode()).hexdigest()[:16]


def compute(conn: sqlite3.Connection, cfg: dict | None = None,
            singletons: bool = True) -> tuple[list[Claim], dict[str, str], list[Fact]]:
    """Claims, copies and facts of a ledger, computed now."""
    cfg = cfg or default_config()
    with _no_cyclic_gc():
        claims = load_claims(conn, cfg)
        return (claims, *_copies_and_facts(claims, cfg, singletons))


def _copies_and_facts(claims: Sequence[Claim], cfg: dict, singletons: bool) -> tuple[dict[str, str], list[Fact]]:
    copies = find_copies(claims, cfg)
    return copies, build_facts(claims, copies, cfg, singletons=singletons)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """The cyclic garbage collector off while claims are read and compared: every object made then
    lives to the end, and with 200,000 claims alive each full collection walks them all again (a
    third of the CPU time of `muster facts` once). Reference counting still frees what is dropped."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A hash of this module's source: facts computed by another version of the code are stored again
    (the stored tables followed only the claims and the thresholds, so an upgrade left them stale)."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


def fingerprint(claims: Sequence[Claim], cfg: dict) -> str:
    """A hash of everything the facts depend on: each claim's compared fields, the thresholds and the
    code that compares them."""
    h = hashlib.sha256(repr(sorted(cfg.items())).encode() + code_digest().encode())
    if getattr(claims, "digest", None):  # as read by load_claims: the rows' digest
        h.update(claims.digest.encode())
        return h.hexdigest()[:32]
    # one repr of a list of tuples (C speed), not a formatted line a claim
    h.update(repr([(c.id, c.type, c.actor_key, c.low, c.high, c.approx, c.unit, c.rate, c.start, c.end, c.trend,
                    c.negated, c.children, c.speaker, c.original_id, c.published,
                    tuple(p["id"] for p in c.places), len(c.evidence)) for c in claims]).encode())
    return h.hexdigest()[:32]


# ---------------------------------------------------------------------------------------------
# storing (migration 006) and asking

def store(conn: sqlite3.Connection, copies: dict[str, str], facts: Sequence[Fact], claims: Sequence[Claim]) -> None:
    """Replace the ledger's fact tables with these (one transaction; the caller commits)."""
    by_id = {c.id: c for c in claims}
    conn.execute("DELETE FROM fact_claims")
    conn.execute("DELETE FROM fact_contradictions")
    conn.execute("DELETE FROM facts")
    conn.execute("DELETE FROM claim_copies")
    # rows in primary-key order: each insert appends to its B-tree instead of splitting pages all over
    conn.executemany("INSERT INTO claim_copies (claim_id, copy_of, how) VALUES (?, ?, ?)",
                     sorted((c, o, _copy_how(by_id[c], by_id[o])) for c, o in copies.items()))
    conn.executemany(
        "INSERT INTO facts (id, type, actor_key, actor, place, country, date_start, date_end, n_claims, n_copies, "
        "n_sources, n_positions, contradicted, earliest_claim, earliest_date) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(f.id, f.type, f.actor_key, f.actor, f.place, f.country, f.date_start, f.date_end, len(f.claims),
          len(f.copy_of), len(f.sources()), len(set(f.position.values())), int(bool(f.contradictions)),
          f.earliest.id, f.earliest.published) for f in sorted(facts, key=lambda f: f.id)])
    rows = []
    for f in facts:
        contra = {x for a, b, _ in f.contradictions for x in (a, b)}
        for c in f.claims:
            rows.append((f.id, c.id, f.position[c.id], f.copy_of.get(c.id), int(c.id in contra)))
    rows.sort()
    conn.executemany("INSERT INTO fact_claims (fact_id, claim_id, position, copy_of, in_contradiction) "
                     "VALUES (?, ?, ?, ?, ?)", rows)
    conn.executemany("INSERT INTO fact_contradictions (fact_id, seq, a, b, why) VALUES (?, ?, ?, ?, ?)",
                     sorted((f.id, k, a, b, why) for f in facts for k, (a, b, why) in enumerate(f.contradictions)))


def stored(conn: sqlite3.Connection, claims: Sequence[Claim]) -> tuple[dict[str, str], list[Fact]]:
    """The copies and the facts of two claims or more as `store` left them, made of these claims (those
    they were computed from: the caller checks the fingerprint)."""
    by_id = {c.id: c for c in claims}
    copies = dict(_tuples(conn, "SELECT claim_id, copy_of FROM claim_copies"))
    members: dict[str, list[tuple]] = {}
    for fid, cid, pos, copy_of in _tuples(conn, "SELECT fact_id, claim_id, position, copy_of FROM fact_claims"):
        members.setdefault(fid, []).append((cid, pos, copy_of))
    contra: dict[str, list[tuple[str, str, str]]] = {}
    for fid, a, b, why in _tuples(conn, "SELECT fact_id, a, b, why FROM fact_contradictions ORDER BY fact_id, seq"):
        contra.setdefault(fid, []).append((a, b, why))
    out = []
    for fid, typ, actor_key, actor, place, country in _tuples(
            conn, "SELECT id, type, actor_key, actor, place, country FROM facts"):
        ms = members.get(fid, [])
        out.append(Fact(id=fid, type=typ, actor=actor, actor_key=actor_key, place=place, country=country,
                        claims=sorted((by_id[cid] for cid, _, _ in ms), key=_earliest_key),
                        copy_of={cid: o for cid, _, o in ms if o is not None},
                        position={cid: pos for cid, pos, _ in ms}, contradictions=contra.get(fid, [])))
    return copies, out


def _copy_how(c: Claim, o: Claim) -> str:
    """How a claim repeats its original: its sentence, its (near-duplicate) article, its speaker's
    figure, or a figure told again in other words (a wire story rewritten: the copy model)."""
    if c.evidence == o.evidence or jaccard(c.words, o.words) >= default_config()["copy_jaccard"]:
        return "sentence"
    if c.original_id == o.original_id:
        return "article"
    return "speaker" if same_speaker(c.speaker, o.speaker) else "figure"


def has_tables(conn: sqlite3.Connection) -> bool:
    """The ledger has the fact tables of schema 10 (else facts are computed and shown, not stored)."""
    return conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                        "('facts', 'fact_claims', 'fact_contradictions', 'claim_copies', 'facts_state')"
                        ).fetchone()[0] == 5


def refresh(ledger: Any, cfg: dict | None = None,
            singletons: bool = False) -> tuple[list[Claim], dict[str, str], list[Fact]]:
    """The facts of a ledger: read back from its fact tables when its claims, the thresholds and this
    code are those they were stored from (and only facts of two claims or more are asked); else computed
    and, when the ledger is writable, stored in place of the old ones (facts of two claims or more)."""
    cfg = cfg or default_config()
    tables = has_tables(ledger.conn)
    with _no_cyclic_gc():
        claims = load_claims(ledger.conn, cfg)
        mark = fingerprint(claims, cfg)
        row = ledger.conn.execute("SELECT value FROM facts_state WHERE key = 'fingerprint'").fetchone() \
            if tables else None
        current = row is not None and row[0] == mark
        if current and not singletons:  # nothing changed since they were stored: read them back
            copies, found = stored(ledger.conn, claims)
            return claims, copies, found
        copies, found = _copies_and_facts(claims, cfg, singletons)
    if tables and not current and not getattr(ledger, "readonly", False):
        with ledger.transaction() as c:
            store(c, copies, [f for f in found if len(f.claims) > 1], claims)
            c.execute("INSERT OR REPLACE INTO facts_state (key, value) VALUES ('fingerprint', ?)", (mark,))
    return claims, copies, found


def select(facts: Iterable[Fact], types: Sequence[str] = (), actor: str | None = None, country: str | None = None,
           place: str | None = None, since: str | None = None, until: str | None = None,
           contradicted: bool | None = None, min_claims: int = 1, min_sources: int = 0) -> list[Fact]:
    """Facts matching every filter given, the most claims first."""
    out = []
    for f in facts:
        if types and f.type not in types:
            continue
        if actor and not (actor.strip().upper() == (f.actor_key or "").upper()
                          or actor.strip().lower() in (f.actor or "").lower()):
            continue
        if country and not any(p["country"] == country for c in f.claims for p in c.places):
            continue
        if place and not any(place.lower() in (p["name"] or "").lower() for c in f.claims for p in c.places):
            continue
        if since and (f.date_end or "") < since:
            continue
        if until and (f.date_start or "9999") > until:
            continue
        if contradicted is not None and bool(f.contradictions) != contradicted:
            continue
        if len(f.claims) < min_claims or len(f.sources()) < min_sources:
            continue
        out.append(f)
    out.sort(key=lambda f: (-len(f.claims), f.date_start or "", f.id))
    return out


def related(claim_id: str, claims: Sequence[Claim], copies: dict[str, str], cfg: dict | None = None) -> dict:
    """For one claim: the earliest claim it repeats, its copies, and the claims that corroborate and
    contradict it (copies left out, each listed once by its original)."""
    cfg = cfg or default_config()
    by_id = {c.id: c for c in claims}
    if claim_id not in by_id:
        raise KeyError(claim_id)
    me = by_id[claim_id]
    root = copies.get(claim_id, claim_id)
    out = {"claim": claim_id, "copy_of": copies.get(claim_id),
           "copies": sorted(c for c, o in copies.items() if o == root and c != claim_id)
           + ([root] if root != claim_id else []),
           "corroborates": [], "contradicts": []}
    out["copies"] = sorted(set(out["copies"]) - {claim_id})
    for c in claims:
        if c.id == claim_id or c.id in copies or copies.get(c.id, c.id) == root:
            continue
        if comparable(me, c, cfg):
            rel = relate(me, c, cfg)
            if rel in ("corroborates", "contradicts"):
                out[rel].append(c.id)
    for rel in ("corroborates", "contradicts"):  # the earliest first, whatever order the claims were read in
        out[rel].sort(key=lambda i: _earliest_key(by_id[i]))
    return out


# the claims of an article and of its near-duplicates
ORIGINAL_SQL = "v.id IN (SELECT id FROM claims WHERE article_id IN (SELECT id FROM articles WHERE id = ?1 OR duplicate_of = ?1))"
# the claims whose type or group an analyst corrected
RETYPED_SQL = """v.id IN (SELECT claim_id FROM claim_reviewed WHERE instr(fields, '"type"') OR instr(fields, '"actor"'))"""
# how far apart in time the claims related_in_ledger reads for one claim may be (days, each side)
RELATED_REACH_DAYS = 365


def related_in_ledger(conn: sqlite3.Connection, claim_id: str, cfg: dict | None = None) -> tuple[dict, dict[str, Claim]]:
    """related() for one claim of a ledger, reading only the claims it can be related to (a claim's page
    asks it: the whole ledger is read by `muster facts` only): those of its type and group within a year
    of it, its copies at any date as find_copies finds them (and those of the claim it repeats), and the
    claims an analyst gave another type or group. Returns the relations and the claims they name, by id.
    KeyError when the ledger has no such claim to compare (none, or rejected by a review)."""
    cfg = cfg or default_config()
    me = load_claims(conn, cfg, where="v.id = ?", args=(claim_id,))
    if not me:
        raise KeyError(claim_id)
    c = me[0]
    keys = _actor_keys(conn, c)
    found: dict[str, Claim] = {}

    def read(clauses: Iterable[tuple[str, Sequence]]) -> tuple[list[Claim], dict[str, str]]:
        """The claims these where clauses find, added to those found before; those of c's type and group
        and the copies among them."""
        for where, args in clauses:
            for x in load_claims(conn, cfg, where=where, args=args):
                found.setdefault(x.id, x)
        mine = [x for x in found.values() if x.type == c.type and x.actor_key == c.actor_key]
        return mine, find_copies(mine, cfg)

    claims, copies = read((_comparable_candidates(c, keys), *_copy_candidates(c, keys), (RETYPED_SQL, ())))
    root = copies.get(claim_id, claim_id)
    if root != claim_id:  # the other copies of the statement it repeats
        claims, copies = read(_copy_candidates(found[root], keys))
    return related(claim_id, claims, copies, cfg), {x.id: x for x in claims}


def copies_among(conn: sqlite3.Connection, ids: Sequence[str], cfg: dict | None = None) -> dict[str, str]:
    """find_copies over these claims of the ledger only (what a page shows: its copies drawn once)."""
    cfg = cfg or default_config()
    claims = load_claims(conn, cfg, where="1" + _OF_IDS.format(col="v.id"), args=(json.dumps(list(ids)),))
    return find_copies(claims, cfg)


def _actor_keys(conn: sqlite3.Connection, c: Claim) -> list[str]:
    """The ledger's keys of the claim's group (by its Wikidata id or its name): its claims are found by them."""
    if c.actor_key is None:
        return []
    actor_id = None if c.actor_key.startswith("name:") else c.actor_key
    return [k for (k,) in _tuples(conn, "SELECT key FROM actors WHERE wikidata = ? OR name = ?", (actor_id, c.actor))]


def _of_group(c: Claim, keys: list[str]) -> tuple[str, list]:
    """Claims of c's type and group as the machine read them: found in the covering index of the claims
    list, by type (SQLite prefers it when told not to use the index of groups: one scan of index entries,
    no row read for each claim of a large group)."""
    if c.actor_key is None:
        return "type = ? AND actor_key IS NULL", [c.type]
    return f"type = ? AND +actor_key IN ({','.join('?' * len(keys))})", [c.type, *keys]


def _comparable_candidates(c: Claim, keys: list[str]) -> tuple[str, list]:
    """Where clause for the claims of c's type and group within a year of it (wider than any period of
    comparison, facts.yaml); an undated claim is comparable with any. (sort_date is the machine's start.)"""
    of_group, args = _of_group(c, keys)
    if (c.start, c.end) == NO_DATE:
        return f"v.id IN (SELECT id FROM claims WHERE {of_group})", args
    lo, hi = date.fromordinal(max(1, c.start - RELATED_REACH_DAYS)), date.fromordinal(c.end + RELATED_REACH_DAYS)
    return (f"v.id IN (SELECT id FROM claims WHERE {of_group} AND (sort_date IS NULL OR sort_date <= ?)) "
            "AND (v.date_end IS NULL OR v.date_end >= ?)", [*args, hi.isoformat(), lo.isoformat()])


def _copy_candidates(c: Claim, keys: list[str]) -> list[tuple[str, list]]:
    """Where clauses for the claims that may be copies of c at any date, as find_copies groups them: the
    claims of its article's near-duplicates, the same sentence (its words as one phrase, through the
    full-text index), and of its type and group the same figure ("over 800" and "800" are one:
    copy_by_rule) or, without a figure, the same speaker. (Separate queries: one with ORs takes longer
    than all of them.)"""
    out = [(ORIGINAL_SQL, [c.original_id])]
    words = re.findall(r"\w+", c.evidence)
    if words:
        # (the full-text match as a list of rowids: joined to claims, SQLite would match once per claim)
        out.append(("v.id IN (SELECT id FROM claims WHERE rowid IN (SELECT rowid FROM claims_fts WHERE claims_fts "
                    "MATCH ?) AND type = ?)", ['evidence: "' + " ".join(words) + '"', c.type]))
    if c.actor_key is None:
        return out
    of_group, args = _of_group(c, keys)
    if c.has_count():
        lo, hi = _range(c)
        one = "(count_low = ? OR count_low IS NULL) AND (count_high = ? OR count_high IS NULL)"
        out.append((f"v.id IN (SELECT id FROM claims WHERE {of_group} AND (({one}) OR ({one})) "
                    "AND coalesce(count_low, count_high) IS NOT NULL)", [*args, lo, hi, hi, lo]))
    elif c.speaker:
        out.append((f"v.id IN (SELECT id FROM claims WHERE {of_group} AND speaker_id IN "
                    "(SELECT id FROM speakers WHERE lower(trim(coalesce(name, org, ''))) = ?))", [*args, c.speaker]))
    return out


def series(claims: Sequence[Claim], copies: dict[str, str], actor: str | None = None, place: str | None = None,
           types: Sequence[str] = ("strength",), with_copies: bool = False) -> list[dict]:
    """The figures over time for a group (and a place): one row per counted claim, by date, with its
    low-high range and its source; copies left out unless asked for (they repeat a figure)."""
    rows = []
    for c in claims:
        if types and c.type not in types or not c.has_count():
            continue
        if actor and not (actor.strip().upper() == (c.actor_key or "").upper()
                          or actor.strip().lower() in (c.actor or "").lower()):
            continue
        if place and not any(place.lower() in (p["name"] or "").lower() for p in c.places):
            continue
        if c.id in copies and not with_copies:
            continue
        lo, hi = _range(c)
        rows.append({"date": c.date_start, "date_end": c.date_end, "type": c.type, "actor": c.actor,
                     "place": "; ".join(p["name"] or "" for p in c.places) or None,
                     "low": lo, "high": hi, "approx": c.approx, "unit": c.unit, "rate": c.rate,
                     "count_text": c.count_text, "source": c.speaker_label or c.outlet,
                     "outlet": c.outlet, "published": c.published, "claim_id": c.id,
                     "copy_of": copies.get(c.id), "evidence": c.evidence})
    rows.sort(key=lambda r: (r["date"] or "9999", r["claim_id"]))
    return rows
