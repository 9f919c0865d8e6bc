"""The analyst's web pages, rendered on the server (Jinja2): the claims list with facets and
full-text search, a claim's page (its article, the evidence highlighted, every field editable,
the review log, the claims of other articles that repeat, corroborate or contradict it, filled in
by the script from the API once the page is shown), the map and the timeline. The only script (static/muster.js) sends reviews to the
API and gives the keyboard shortcuts."""
from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, quote_plus, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from .. import present
from ...store.reviews import FIELDS
from .api import FACETS, Filters, ledger, list_page, matching, timeline_of, undated_cached
from .app import HERE

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.globals.update(fmt_count=present._fmt_count, fmt_speaker=present._fmt_speaker,
                             fmt_when=present._fmt_when, fmt_flags=present._fmt_flags, clip=present._clip)
# the templates ship inside the package and do not change while the server runs: each is compiled
# once, here, not by the first requests at once (each thread compiling its own copy), and never
# checked again on disk (a stat of each template per page)
templates.env.auto_reload = False
for _name in templates.env.list_templates(extensions=["html"]):
    templates.env.get_template(_name)
PAGE = 50
# what the list shows of a claim (claims.html and present's _fmt_count, _fmt_when, _fmt_speaker)
LIST_COLUMNS = ("type", "actor", "count_low", "count_high", "count_text", "count_approx", "count_unit", "rate",
                "locations", "time_start", "time_end", "speaker_name", "speaker_role", "speaker_org",
                "speaker_anonymous", "outlet", "doc", "published", "review_status", "lost_at", "evidence")


def _list_query(request: Request, **change: Any) -> str:
    """The list's query string with some parameters changed (None drops one)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in change and k != "list"]
    params += [(k, v) for k, v in change.items() if v is not None]
    return urlencode(params)


def _page(request: Request, name: str, **ctx: Any) -> HTMLResponse:
    s = request.app.state.settings
    return templates.TemplateResponse(request, name, {"read_only": s.read_only, "db": s.db, **ctx})


@router.get("/", response_class=HTMLResponse)
def claims_page(request: Request, filters: Filters, offset: Annotated[int, Query(ge=0, le=10**9)] = 0) -> Any:
    """The list page; the page as rendered is remembered (by its query string) while the ledger does
    not change, as the matching claims are: a list asked again costs no rendering."""
    s = request.app.state.settings
    key = ("page", request.headers.get("host"), request.url.query)
    return HTMLResponse(s.cached(key, lambda: _claims_page(request, filters, offset).body))


def _claims_page(request: Request, filters: dict, offset: int) -> HTMLResponse:
    led = ledger(request)
    ids, total, facets = list_page(request, filters, offset, PAGE)
    qs = _list_query(request, offset=None)
    list_qs = quote(qs, safe="/")  # each row's link back to this list
    return _page(request, "claims.html", rows=_list_rows(led.list_rows(ids, LIST_COLUMNS), list_qs), total=total,
                 offset=offset, page=PAGE, facets=_facet_links(request, facets), qs=qs,
                 params=dict(request.query_params),
                 undated=undated_cached(request, filters),
                 hidden=[(k, v) for k, v in request.query_params.multi_items()
                         if k not in ("actor", "country", "since", "until", "offset")],
                 prev_qs=_list_query(request, offset=max(0, offset - PAGE)) if offset else None,
                 next_qs=_list_query(request, offset=offset + PAGE) if offset + PAGE < total else None)


# The list's rows and facet links are made here in one pass of plain Python: written in Jinja (an
# attribute lookup per field, a filter or a call per cell, a URL encoded per facet value, each
# piece of output passed up through three generators) they took 4.7 ms of the page's 5, the
# largest part of the server's work for a filter asked the first time. A row is one format string.
_ROW = """
      <tr class="claim {status}" data-id="{id}">
        <td>{type}</td>
        <td>{actor}</td>
        <td class="count">{count}</td>
        <td>{where}</td>
        <td class="when">{when}</td>
        <td>{speaker}</td>
        <td>{source}</td>
        <td class="review">{review}</td>
        <td class="ev"><a href="{link}">{evidence}</a></td>
      </tr>
    """


_ROW_FIELDS = ("id", "status", "type", "actor", "count", "where", "when", "speaker", "source", "review", "link",
               "evidence")


def _list_rows(rows: list[dict], list_qs: str) -> Markup:
    """The list's table rows (claims.html's tbody), each value escaped. The values of all the rows
    are escaped in one call (joined by NUL, which no value keeps): a call per value, 600 a page,
    cost more than the escaping itself."""
    if not rows:
        return Markup("")
    cells = [v.replace("\0", "") for r in rows for v in _list_cells(r, list_qs)]
    escaped = str(escape("\0".join(cells))).split("\0")
    n = len(_ROW_FIELDS)
    return Markup("".join(_ROW.format_map(dict(zip(_ROW_FIELDS, escaped[k:k + n]))) for k in range(0, len(escaped), n)))


def _list_cells(r: dict, list_qs: str) -> tuple[str, ...]:
    """What the list shows of a claim, as text (_ROW_FIELDS)."""
    return (str(r["id"]), r["review_status"] or "unreviewed", str(r["type"]), str(r["actor"] or ""),
            present._fmt_count(r), ", ".join(str(p.get("name")) for p in r["locations"]),
            present._fmt_when(r).replace("..", " – "), str(present._fmt_speaker(r)),
            f"{r['outlet'] or r['doc']} {r['published'] or ''}",
            (r["review_status"] or "") + (" lost" if r["lost_at"] else ""),
            f"/claims/{r['id']}?list={list_qs}", present._clip(r["evidence"], 220))


FACET_PARAMS = {"type": "type", "actor": "actor", "country": "country", "children": "children", "forced": "forced",
                "year": "year", "review_status": "status", "confidence_band": "min_confidence"}


def _facet_links(request: Request, facets: dict) -> list[tuple]:
    """Each facet (FACETS) as (name, heading, [(query string with its value chosen, label, count)]).
    The rest of the query string is encoded once per facet, not once per value."""
    out = []
    for name in FACETS:
        key = FACET_PARAMS[name]
        rest = _list_query(request, offset=None, **{key: None})
        links = []
        for f in facets[name]:
            value = f["value"]
            if name == "review_status" and value is None:
                value = "unreviewed"
            if isinstance(value, int) and name in ("children", "forced"):
                value = "true" if value else "false"
            chosen = f"{key}={quote_plus(str(value))}" if value is not None else ""  # None: the parameter dropped
            links.append(("&".join(filter(None, (rest, chosen))), _facet_label(name, f["value"]), f["count"]))
        out.append((name, name.replace("_", " "), links))
    return out


def _facet_label(name: str, value: Any) -> Any:
    if value is None:
        return "unknown"
    if name in ("children", "forced") and value in (0, 1):
        return "yes" if value == 1 else "no"
    return value


@router.get("/claims/{claim_id}", response_class=HTMLResponse)
def claim_page(request: Request, claim_id: str, list: str = "") -> Any:  # noqa: A002
    led = ledger(request)
    claim = led.claim(claim_id)
    art = led.conn.execute("SELECT id, doc, title, outlet, published, url, text, duplicate_of FROM articles "
                           "WHERE id = ?", (claim["article_id"],)).fetchone()
    others = led.claims(article=claim["article_id"])
    body = present.highlight_article(art["text"], others, chosen=claim["id"])
    fields = [(f, _field_text(claim, f)) for f in FIELDS]
    machine = {f: _field_text(_machine_row(claim), f) for f in claim.get("reviewed_fields") or []}
    return _page(request, "claim.html", claim=claim, article=dict(art), body=body, fields=fields,
                 list_qs=list, others=others, machine=machine)


def _machine_row(claim: dict) -> dict:
    """The claim as the machine read it (its machine_* columns in place of the reviewed ones)."""
    row = dict(claim)
    for k, v in claim.items():
        if k.startswith("machine_"):
            row[k.removeprefix("machine_")] = v
    if claim.get("machine_locations") is not None:
        row["locations"] = claim["machine_locations"]
    return row


def _field_text(claim: dict, field: str) -> str:
    """A field's value as the edit box shows it (and as the review API reads it back)."""
    from ...store.reviews import field_value

    v = field_value(claim, field)
    if field == "actor":
        return (v or {}).get("name") or ""
    if field == "places":
        return "; ".join(f"{p.get('name')} ({p['country']})" if p.get("country") else str(p.get("name"))
                         for p in v or [])
    if isinstance(v, bool):
        return "true" if v else "false"
    return "" if v is None else str(v)


@router.get("/claims/{claim_id}/next")
def next_claim(request: Request, claim_id: str, filters: Filters, step: int = 1, list: str = "") -> Any:  # noqa: A002
    """The next (step 1) or previous (step -1) claim of the list the analyst came from."""
    led = ledger(request)
    cid = led.resolve_claim(claim_id)
    ids = matching(request, filters)
    try:
        at = ids.index(cid)
        nxt = ids[at + step] if 0 <= at + step < len(ids) else None
    except ValueError:  # the claim is not in that list (any more): the store finds its neighbour
        nxt = led.next_claim(cid, step, **filters)
    if nxt is None:
        return RedirectResponse(f"/?{list}" if list else "/", status_code=303)
    return RedirectResponse(f"/claims/{nxt}?{urlencode({'list': list})}", status_code=303)


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, filters: Filters) -> Any:
    rows = ledger(request).claims(**filters, limit=5000)
    svg = present.svg_map(rows)
    points = present.map_points(rows)
    return _page(request, "map.html", svg=svg, n=len(rows), points=points, qs=_list_query(request),
                 params=dict(request.query_params))


@router.get("/timeline", response_class=HTMLResponse)
def timeline_page(request: Request, filters: Filters) -> Any:
    flt = {**filters, "types": filters["types"] or ("strength", "recruitment")}
    series = timeline_of(ledger(request), flt)
    charts = [present.svg_timeline(points, actor) for actor, points in list(series.items())[:12]]
    return _page(request, "timeline.html", charts=charts, groups=len(series), qs=_list_query(request),
                 params=dict(request.query_params))


@router.get("/login")
def login(request: Request, token: Annotated[str, Query(max_length=200)]) -> Any:
    """Keep the server's token in a cookie, so that the pages can send reviews."""
    resp = RedirectResponse("/", status_code=303)
    resp.set_cookie("muster_token", token, httponly=True, samesite="strict")
    return resp
