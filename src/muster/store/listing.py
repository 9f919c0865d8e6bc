"""The claims list's first screen for a filter on types and a country: a page of claims, their
number and their facets, without reading every matching claim.

The claims no analyst reviewed are counted in facet_counts (schema 8), by type and country, so
their facets and their number are a few dozen rows whatever the size of the ledger. A write only
notes the claims it changed (facet_pending), so an ingest pays one row a claim; the list
recounts those first (fold_pending). Their first page is the first entries of an index in the
list order (claim_countries by country, type and sort key; claims by sort_date). The reviewed
claims, a few, are matched on claims_view as before (their reviewed values win) and merged in.
Other filters (an actor, a year, a text...) go the general way: every matching claim read
(Ledger.match_facets).
"""
from __future__ import annotations

import sqlite3
from collections import Counter
from typing import TYPE_CHECKING, Any, Sequence

from .filters import parse_country

if TYPE_CHECKING:
    from .ledger import Ledger

FACETS = ("type", "actor", "country", "children", "forced", "year", "review_status", "confidence_band")
ROW_FACETS = ("type", "actor", "children", "forced", "year", "review_status", "confidence_band")
UNDATED = "9999"  # the sort key of a claim with no date (last in the list)
FOLD_WAIT_MS = 200  # how long the list waits for another writer before reading the claims themselves


def counted_filters(filters: dict) -> bool:
    """Whether the filters are only types and a country: those the facet counts are kept by."""
    return all(v is None or v is False or v == () or v == []
               for k, v in filters.items() if k not in ("types", "country"))


def row_counters(rows: Sequence[tuple]) -> dict[str, Counter]:
    """Facet counts of rows of Ledger.match_facets: (id, type, actor, children, forced, year,
    review_status, confidence band, countries)."""
    columns = list(zip(*rows)) or [()] * 9
    counts = {f: Counter(col) for f, col in zip(ROW_FACETS, columns[1:8])}
    counts["review_status"] = Counter({(k or "unreviewed"): n for k, n in counts["review_status"].items()})
    # a claim counts once in each of its countries (a reviewed claim's are comma-separated)
    counts["country"] = Counter(c for cs in columns[8] if cs for c in set(cs.replace(",", " ").split()))
    return counts


def fold_pending(led: "Ledger") -> bool:
    """Recount the claims changed since they were counted (facet_pending; a write only notes them
    there), in a write transaction of its own. False when this connection cannot write (a
    read-only ledger) or another writer holds the ledger (an ingest under way): the caller then
    reads the claims themselves rather than wait."""
    c = led.conn
    if not c.execute("SELECT 1 FROM facet_pending LIMIT 1").fetchone():
        return True
    if led.readonly:
        return False
    timeout = c.execute("PRAGMA busy_timeout").fetchone()[0]
    c.execute(f"PRAGMA busy_timeout = {FOLD_WAIT_MS}")
    try:
        c.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return False
    finally:
        c.execute(f"PRAGMA busy_timeout = {timeout}")
    try:
        c.execute("INSERT INTO facet_recount (claim_id) SELECT claim_id FROM facet_pending")
        c.execute("DELETE FROM facet_pending")
        c.execute("COMMIT")
    except BaseException:
        c.execute("ROLLBACK")
        raise
    return True


def list_page(led: "Ledger", offset: int, limit: int, facet_limit: int = 30,
              **filters: Any) -> tuple[list[str], int, dict] | None:
    """(ids of the page, number of matching claims, facets {facet: [(value, count)]}) for filters
    that are only `types` and `country`; None when the counts cannot be brought up to date."""
    if led.conn.in_transaction:  # a caller's transaction: its own snapshot, and no fold inside it
        if led.conn.execute("SELECT 1 FROM facet_pending LIMIT 1").fetchone():
            return None
        return _list_page(led, offset, limit, facet_limit, **filters)
    if not fold_pending(led):
        return None
    led.conn.execute("BEGIN")  # one snapshot of the ledger for the counts, the claims and the check below
    try:
        if led.conn.execute("SELECT 1 FROM facet_pending LIMIT 1").fetchone():
            return None  # written to since the fold: the general way, this once
        return _list_page(led, offset, limit, facet_limit, **filters)
    finally:
        led.conn.execute("COMMIT")


def _list_page(led: "Ledger", offset: int, limit: int, facet_limit: int, **filters: Any) -> tuple[list[str], int, dict]:
    types = tuple(filters.get("types") or ())
    country = parse_country(filters["country"]) if filters.get("country") else ""
    counts, unreviewed = _counted(led, types, country)
    # a country's claims are in the list index by type: the first of each type, then merged
    of_types = [(t,) for t in counts["type"]] if country and not types else [types]
    first = [r for ts in of_types for r in _first_unreviewed(led, offset + limit, ts, country)] if limit else []
    reviewed = [tuple(r) for r in led._run(*led._match_reviewed(facets=True, **filters))]
    for facet, c in row_counters([(r[0], *r[4:]) for r in reviewed]).items():
        counts[facet].update(c)
    if unreviewed:
        counts["review_status"]["unreviewed"] += unreviewed
    page = sorted(first + [r[:4] for r in reviewed], key=lambda r: (r[1], r[2], r[3]))[offset:offset + limit]
    facets = {f: counts[f].most_common(facet_limit) for f in FACETS}
    return [r[0] for r in page], unreviewed + len(reviewed), facets


def _counted(led: "Ledger", types: tuple, country: str) -> tuple[dict[str, Counter], int]:
    """The facet counts of the claims no analyst reviewed, of these types (all if none) with a place
    in `country` ('' : wherever), and how many they are."""
    of_type = f" AND type IN ({','.join('?' * len(types))})" if types else ""
    rows = led.conn.execute(f"SELECT type, key, n FROM facet_counts WHERE country = ?{of_type} AND n > 0",
                            (country, *types)).fetchall()
    counts: dict[str, Counter] = {f: Counter() for f in FACETS}
    actors: Counter = Counter()
    for typ, key, n in rows:
        facet, value = key.split("=", 1)
        if facet == "total":
            counts["type"][typ] += n
        elif facet == "actor":
            actors[value] += n
        else:
            counts[_FACET_OF_KEY[facet]][_decode(facet, value)] += n
    counts["actor"] = _actor_names(led, actors)
    return counts, sum(counts["type"].values())


_FACET_OF_KEY = {"children": "children", "forced": "forced", "year": "year", "confidence": "confidence_band",
                 "country": "country"}


def _decode(facet: str, value: str) -> Any:
    """A facet value as match_facets gives it, from its key in facet_counts."""
    if value == "":
        return None
    if facet in ("children", "forced"):
        return int(value)
    if facet == "confidence":
        return float(value)
    return value


def _actor_names(led: "Ledger", by_key: Counter) -> Counter:
    """Counts by actor key -> counts by the actor's name (as claims_machine_view shows it)."""
    keys = [k for k in by_key if k]
    names = dict(led.conn.execute(f"SELECT key, name FROM actors WHERE key IN ({','.join('?' * len(keys))})",
                                  keys).fetchall()) if keys else {}
    out: Counter = Counter()
    for key, n in by_key.items():
        out[names.get(key) if key else None] += n
    return out


def _first_unreviewed(led: "Ledger", k: int, types: tuple, country: str) -> list[tuple]:
    """The first `k` claims no analyst reviewed of these types (in `country`) in the list order,
    as (id, sort key, article_id, seq). The index gives them in sort-key order; the claims that
    share a sort key are then put in (article_id, seq) order, as the list sorts them."""
    of_type = f" AND type IN ({','.join('?' * len(types))})" if types else ""
    if country:
        src = f"SELECT claim_id AS id, d FROM claim_countries WHERE country = ?{of_type} AND reviewed = 0"
        args: list = [country, *types]
        not_reviewed = "1"
    else:
        src = f"SELECT id, sort_date AS d FROM claims WHERE sort_date IS NOT NULL{of_type}"
        args = [*types]
        not_reviewed = "id NOT IN (SELECT claim_id FROM claim_reviewed)"
    rows = led.conn.execute(f"SELECT id, d FROM ({src}) WHERE {not_reviewed} ORDER BY d LIMIT ?",
                            (*args, k)).fetchall()
    if len(rows) == k:  # the claims tied with the last one belong to the page as much as it does
        last = rows[-1][1]
        rows = [r for r in rows if r[1] != last] + led.conn.execute(
            f"SELECT id, d FROM ({src}) WHERE {not_reviewed} AND d = ?", (*args, last)).fetchall()
    elif not country:  # the undated claims come last
        rows += led.conn.execute(f"SELECT id, '{UNDATED}' FROM claims WHERE sort_date IS NULL{of_type} "
                                 f"AND {not_reviewed} ORDER BY article_id, seq LIMIT ?",
                                 (*types, k - len(rows))).fetchall()
    order = dict(_article_seq(led, [r[0] for r in rows]))
    return sorted(((i, d, *order[i]) for i, d in rows), key=lambda r: (r[1], r[2], r[3]))[:k]


def _article_seq(led: "Ledger", ids: list[str]) -> list[tuple[str, tuple]]:
    out = []
    for n in range(0, len(ids), 500):
        chunk = ids[n:n + 500]
        out += [(r[0], (r[1], r[2])) for r in led.conn.execute(
            f"SELECT id, article_id, seq FROM claims WHERE id IN ({','.join('?' * len(chunk))})", chunk)]
    return out
