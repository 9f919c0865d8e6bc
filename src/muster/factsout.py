"""Presentation of facts, series and a claim's relations (tables, CSV, JSON Lines), apart from
the computation in facts.py."""
from __future__ import annotations

import csv
import json
from typing import IO, Sequence

from .facts import Claim, Fact


def _fmt_range(lo: float | None, hi: float | None) -> str:
    """2,500 / 2,000-3,000 / up to 500 / 400+ / - (no count)."""
    f = lambda v: f"{v:,.0f}"  # noqa: E731
    if lo is None and hi is None:
        return "-"
    if lo is None:
        return f"up to {f(hi)}"
    if hi is None:
        return f"{f(lo)}+"
    return f(lo) if lo == hi else f"{f(lo)}-{f(hi)}"


def _clip(s: str | None, n: int) -> str:
    s = (s or "").replace("\n", " ")
    return s if len(s) <= n else s[: n - 1] + "…"


FACT_CSV = ("id", "type", "actor", "actor_key", "place", "country", "date_start", "date_end", "claims", "copies",
            "sources", "n_positions", "positions", "contradicted", "earliest_claim", "earliest_date", "claim_ids")


def _write_jsonl(rows: Sequence[dict], out: IO[str]) -> None:
    # (interfaces.present.write_jsonl writes claims in their output shape; these rows are written as they are)
    for r in rows:
        out.write(json.dumps(r, ensure_ascii=False) + "\n")


def _positions_text(f: dict) -> str:
    return " | ".join(f"{_fmt_range(p['low'], p['high'])}{' ' + p['trend'] if p['trend'] else ''}"
                      f"{' NOT' if p['negated'] else ''} ({p['sources']} src)" for p in f["positions"])


def write_facts(facts: Sequence[Fact], fmt: str, out: IO[str]) -> int:
    rows = [f.summary() for f in facts]
    if fmt == "jsonl":
        _write_jsonl(rows, out)
    elif fmt == "csv":
        w = csv.DictWriter(out, fieldnames=FACT_CSV, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({**r, "n_positions": len(r["positions"]), "positions": _positions_text(r),
                        "claim_ids": " ".join(r["claim_ids"])})
    else:
        out.write(f"{'fact':16}  {'type':16} {'actor':22} {'place':18} {'from':10} {'to':10} "
                  f"{'cl':>3} {'cp':>3} {'src':>3}  positions\n")
        for r in rows:
            flag = "!" if r["contradicted"] else " "
            out.write(f"{r['id']:16}{flag} {r['type']:16} {_clip(r['actor'], 22):22} {_clip(r['place'], 18):18} "
                      f"{(r['date_start'] or '')[:10]:10} {(r['date_end'] or '')[:10]:10} {r['claims']:>3} "
                      f"{r['copies']:>3} {r['sources']:>3}  {_clip(_positions_text(r), 60)}\n")
    return len(rows)


SERIES_CSV = ("date", "date_end", "type", "actor", "place", "low", "high", "approx", "unit", "rate", "count_text",
              "source", "outlet", "published", "claim_id", "copy_of", "evidence")


def write_series(rows: Sequence[dict], fmt: str, out: IO[str]) -> int:
    if fmt == "json":
        out.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
    elif fmt == "jsonl":
        _write_jsonl(rows, out)
    elif fmt == "csv":
        w = csv.DictWriter(out, fieldnames=SERIES_CSV, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    else:
        for r in rows:
            out.write(f"{(r['date'] or '?')[:10]:10}  {_fmt_range(r['low'], r['high']):>15} {r['unit'] or '':8} "
                      f"{_clip(r['place'], 20):20} {_clip(r['source'], 28):28} {r['claim_id']}\n")
    return len(rows)


def _line(c: Claim) -> str:
    place = ", ".join(p["name"] or "" for p in c.places) or "-"
    return (f"  {c.id}  {(c.published or '?'):10}  {_fmt_range(*(c.low, c.high)) if c.has_count() else '-':>12}  "
            f"{_clip(place, 18):18}  {_clip(c.speaker_label or c.outlet, 24):24}  {_clip(c.evidence, 70)}")


def related_rows(rel: dict, by_id: dict[str, Claim]) -> dict:
    """facts.related()'s answer with each related claim as a short record (for the API and the claim
    page): who said it where and when, its figure and its sentence."""
    def row(cid: str) -> dict:
        c = by_id[cid]
        return {"id": c.id, "doc": c.doc, "outlet": c.outlet, "published": c.published,
                "count": {"low": c.low, "high": c.high} if c.has_count() else None,
                "figure": _fmt_range(c.low, c.high) if c.has_count() else None,
                "places": [p["name"] for p in c.places], "speaker": c.speaker_label, "evidence": c.evidence}

    return {"claim": rel["claim"], "copy_of": row(rel["copy_of"]) if rel["copy_of"] else None,
            **{k: [row(i) for i in rel[k]] for k in ("copies", "corroborates", "contradicts")}}


def render_claim(rel: dict, by_id: dict[str, Claim]) -> str:
    me = by_id[rel["claim"]]
    lines = [f"claim {me.id}: {me.type}, {me.actor or 'no group'}, "
             f"{_fmt_range(me.low, me.high) if me.has_count() else 'no count'}, "
             f"{', '.join(p['name'] or '' for p in me.places) or 'no place'}, {me.date_start or 'undated'}",
             f"  {me.evidence}"]
    if rel["copy_of"]:
        lines.append(f"repeats the earlier claim {rel['copy_of']}")
    for key, title in (("copies", "same statement elsewhere (copies)"), ("corroborates", "corroborated by"),
                       ("contradicts", "contradicted by")):
        lines.append(f"{title}: {len(rel[key])}")
        lines += [_line(by_id[i]) for i in rel[key]]
    return "\n".join(lines)
