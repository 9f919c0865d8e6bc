"""The HTTP API: the claims with the filters of `muster claims`, pages of them, CSV, GeoJSON and
JSON Lines; a claim with its review log; reviews (the only write); articles; actors; facets."""
from __future__ import annotations

import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from ...store import parse_country, parse_date, parse_near
from ...store.ledger import STATUSES
from ...store.records import claim_output
from .. import present

router = APIRouter(prefix="/api", tags=["api"])
ClaimType = Literal["recruitment", "child_use", "training", "defection", "foreign_fighters", "strength", "finance"]
Status = Literal[STATUSES]  # type: ignore[valid-type]


async def claim_filters(
    type: Annotated[list[ClaimType], Query(description="claim type (repeatable)")] = [],  # noqa: B006
    actor: Annotated[str | None, Query(max_length=200, description="Wikidata id, alias (ISIS, HTS) or part of a name")] = None,
    country: Annotated[str | None, Query(max_length=80, description="ISO code or name (SY, Syria, UK)")] = None,
    near: Annotated[str | None, Query(max_length=80, description="LAT,LON,KM")] = None,
    since: Annotated[str | None, Query(max_length=10, description="YYYY, YYYY-MM or YYYY-MM-DD")] = None,
    until: Annotated[str | None, Query(max_length=10)] = None,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    children: bool | None = None,
    forced: bool | None = None,
    speaker: Annotated[str | None, Query(max_length=200)] = None,
    q: Annotated[str | None, Query(max_length=500, description="full-text query over the evidence (FTS5)")] = None,
    independent: bool = False,
    status: Annotated[Status | None, Query(description="review status")] = None,
    min_confidence: Annotated[float | None, Query(ge=0, le=1)] = None,
    undated: bool = False,
) -> dict[str, Any]:
    """The claims filters, checked (a bad value is a 400 naming the parameter and the reason).
    Async, though it awaits nothing: FastAPI then calls it on the event loop, where a plain
    function would be sent to a worker thread and back, before the endpoint's own trip there."""
    def checked(name: str, parse: Any, value: str | None) -> Any:
        try:
            return parse(value) if value else None
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None

    checked("country", parse_country, country)
    checked("since", parse_date, since)
    checked("until", parse_date, until)
    near_v = checked("near", parse_near, near)
    return dict(types=tuple(type), actor=actor, country=country, near=near_v, since=since, until=until, year=year,
                children=children, forced=forced, speaker=speaker, text=q, independent=independent,
                status=status, min_confidence=min_confidence, undated=undated)


Filters = Annotated[dict, Depends(claim_filters)]


def ledger(request: Request):
    return request.app.state.settings.ledger()


def _key(filters: dict) -> tuple:
    return tuple(sorted((k, tuple(v) if isinstance(v, (list, tuple)) else v) for k, v in filters.items()))


def listing(request: Request, filters: dict) -> tuple[list[str], dict]:
    """The ids of the claims matching `filters` in the list order and their facets (one query gives
    both), remembered while the ledger does not change (paging, next/previous reuse them)."""
    s = request.app.state.settings

    def compute() -> tuple[list[str], dict]:
        rows = s.ledger().match_facets(**filters)
        return [r[0] for r in rows], facet_counts(s.ledger(), filters, rows)

    return s.cached(("list", _key(filters)), compute)


def matching(request: Request, filters: dict) -> list[str]:
    return listing(request, filters)[0]


def list_page(request: Request, filters: dict, offset: int, limit: int) -> tuple[list[str], int, dict]:
    """(ids of a page, number of matching claims, facets). For a filter on types and a country the
    store reads them from its facet counts and list index without reading every matching claim
    (an analyst clicking a facet value nobody asked before waits for no scan); for other filters
    they come from `listing`, every matching claim found once and remembered."""
    s = request.app.state.settings

    def compute() -> tuple[list[str], int, dict]:
        got = s.ledger().list_page(offset, limit, **filters)
        if got is None:
            ids, facets = listing(request, filters)
            return ids[offset:offset + limit], len(ids), facets
        ids, total, facets = got
        return ids, total, {f: [{"value": v, "count": n} for v, n in c] for f, c in facets.items()}

    return s.cached(("page", _key(filters), offset, limit), compute)


def facet_counts_cached(request: Request, filters: dict) -> dict:
    return list_page(request, filters, 0, 0)[2]


def undated_cached(request: Request, filters: dict) -> int:
    s = request.app.state.settings
    return s.cached(("undated", _key(filters)), lambda: s.ledger().count_undated(**filters))


@router.get("/claims", summary="Claims matching the filters, a page at a time")
def list_claims(request: Request, filters: Filters,
                limit: Annotated[int, Query(ge=1, le=1000)] = 50,
                offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
                format: Literal["json", "csv", "geojson", "jsonl"] = "json") -> Any:
    led = ledger(request)
    ids, total, _ = list_page(request, filters, offset, limit)
    rows = led.rows(ids)
    if format != "json":
        buf = io.StringIO()
        present.write_claims(rows, format, buf)
        media = {"csv": "text/csv", "geojson": "application/geo+json", "jsonl": "application/x-ndjson"}[format]
        return Response(buf.getvalue(), media_type=f"{media}; charset=utf-8")
    nxt = offset + limit < total
    return {"total": total, "limit": limit, "offset": offset, "undated_left_out": undated_cached(request, filters),
            "next": str(request.url.include_query_params(offset=offset + limit)) if nxt else None,
            "claims": [claim_output(r) for r in rows]}


@router.get("/claims/{claim_id}", summary="One claim: reviewed and machine values, its review log, its links")
def get_claim(request: Request, claim_id: str) -> dict:
    row = ledger(request).claim(claim_id)
    return {**claim_output(row), "log": row["log"], "replaced": row["replaced"], "replaced_by": row["replaced_by"]}


def related(request: Request, claim_id: str) -> dict:
    """The claims that repeat, corroborate and contradict a claim (facts.related_in_ledger), as short
    records, remembered while the ledger does not change. A claim an analyst rejected is in no fact:
    it has none."""
    from ... import facts
    from ...factsout import related_rows

    s = request.app.state.settings

    def compute() -> dict:
        try:
            rel, by_id = facts.related_in_ledger(s.ledger().conn, claim_id)
        except KeyError:
            return {"claim": claim_id, "copy_of": None, "copies": [], "corroborates": [], "contradicts": []}
        return related_rows(rel, by_id)

    return s.cached(("related", claim_id), compute)


@router.get("/claims/{claim_id}/related",
            summary="The claims that repeat, corroborate and contradict a claim (facts across articles)")
def get_related(request: Request, claim_id: str) -> dict:
    return related(request, ledger(request).resolve_claim(claim_id))


class ReviewIn(BaseModel):
    action: Literal["accept", "reject", "reopen"] | None = Field(None, description="the decision, if any")
    set: dict[str, Any] = Field(default_factory=dict, max_length=30,
                                description='fields to correct: {"count.low": 400, "actor": "ISIS", ...}')
    note: str | None = Field(None, max_length=4000)
    reviewer: str | None = Field(None, max_length=200)


@router.post("/claims/{claim_id}/reviews", summary="Accept, reject or correct a claim (appended to its log)")
def post_review(request: Request, claim_id: str, review: ReviewIn) -> Any:
    from .app import check_write
    from ...store.reviews import ReviewError

    check_write(request)
    led = ledger(request)
    try:
        state = led.review(claim_id, review.action, review.set, note=review.note,
                           reviewer=review.reviewer or "web")
    except ReviewError as exc:
        return JSONResponse({"detail": str(exc)}, 400)
    finally:
        request.app.state.settings.writes += 1
    return {"state": state, "claim": get_claim(request, state["claim_id"])}


@router.get("/claims/{claim_id}/reviews", summary="A claim's review log, oldest first")
def claim_reviews(request: Request, claim_id: str) -> list[dict]:
    led = ledger(request)
    return led.reviews(led.resolve_claim(claim_id))


@router.get("/reviews", summary="The latest reviews in the ledger, newest first")
def latest_reviews(request: Request, limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[dict]:
    return ledger(request).reviews(limit=limit)


@router.get("/facets", summary="Counts of the claims matching the filters, by facet")
def facets(request: Request, filters: Filters) -> dict:
    return facet_counts_cached(request, filters)


FACETS = ("type", "actor", "country", "children", "forced", "year", "review_status", "confidence_band")


def facet_counts(led: Any, filters: dict, rows: list[tuple] | None = None) -> dict:
    return {f: [{"value": v, "count": n} for v, n in counts]
            for f, counts in led.facets(rows=rows, **filters).items()}


@router.get("/articles", summary="Articles (originals and copies), newest first")
def articles(request: Request, limit: Annotated[int, Query(ge=1, le=1000)] = 50,
             offset: Annotated[int, Query(ge=0, le=10**9)] = 0) -> list[dict]:
    rows = ledger(request).conn.execute(
        "SELECT id, doc, title, outlet, published, url, duplicate_of, n_claims FROM articles "
        "ORDER BY published IS NULL, published DESC, rowid LIMIT ? OFFSET ?", (limit, offset))
    return [dict(r) for r in rows]


@router.get("/articles/{ident}", summary="An article with its text and its claims")
def article(request: Request, ident: str) -> dict:
    rec = ledger(request).article(ident)
    rec["claims"] = [claim_output(r) for r in rec["claims"]]
    return rec


@router.get("/actors", summary="Armed groups with their number of claims")
def actors(request: Request) -> list[dict]:
    rows = ledger(request).conn.execute(
        "SELECT ac.key, ac.wikidata, ac.name, count(c.id) AS claims FROM actors ac "
        "LEFT JOIN claims c ON c.actor_key = ac.key GROUP BY ac.key ORDER BY claims DESC, ac.name")
    return [dict(r) for r in rows]


def timeline_of(led: Any, filters: dict) -> dict:
    """The timeline's figures of the claims matching `filters` (at most 5,000), each statement once:
    a claim repeating another of them is counted on it, not drawn again."""
    from ... import facts

    rows = led.claims(**filters, limit=5000)
    return present.timeline_series(rows, copies=facts.copies_among(led.conn, [r["id"] for r in rows]))


@router.get("/timeline", summary="Each group's strength and recruitment figures over time")
def timeline(request: Request, filters: Filters) -> dict:
    flt = {**filters, "types": filters["types"] or ("strength", "recruitment")}
    return timeline_of(ledger(request), flt)
