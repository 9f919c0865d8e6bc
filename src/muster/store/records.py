"""Claims and articles as records: the claim shape of spec/claims.md from a flat row, the record the
ledger stores of an article, and `muster export`/`extract` JSON Lines read back."""
from __future__ import annotations

import json
import sqlite3
from typing import Iterator

from ..model import Article, InputError

BOOL_COLUMNS = ("children", "forced", "count_approx", "hedged", "negated", "speaker_anonymous")


def article_record(article: Article) -> dict:
    """What the ledger stores of an article: its extract record plus its actor and place mentions."""
    rec = article.to_extract()
    rec["actors"] = [m.to_dict() for m in article.actors]
    rec["places"] = [p.to_dict() for p in article.places]
    return rec


def read_records(path: str) -> Iterator[dict | InputError]:
    """`muster export` / `muster extract` JSON Lines back into records (bad lines as InputError,
    each line on its own: a line that is not UTF-8 or not JSON costs that line only)."""
    from ..jsonl import parse_line
    from ..read import display_name

    source = display_name(path)
    try:
        fh = open(path, "rb") if path != "-" else None
    except OSError as exc:
        yield InputError(source, f"cannot read ({exc.strerror or exc})")
        return
    import sys

    with fh or sys.stdin.buffer as f:
        for n, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            try:
                rec = parse_line(f"{source}:{n}", raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                yield InputError(f"{source}:{n}", f"invalid UTF-8 at byte {exc.start} of the line")
                continue
            except InputError as err:
                yield err
                continue
            if not (isinstance(rec.get("article"), dict)
                    and isinstance(rec["article"].get("text"), str) and rec["article"]["text"].strip()):
                yield InputError(f"{source}:{n}", "not a muster export/extract record (no article.text)")
                continue
            yield rec


def _flat(row: sqlite3.Row) -> dict:
    d = dict(row)
    for k in BOOL_COLUMNS:
        if d.get(k) is not None:
            d[k] = bool(d[k])
        if d.get("machine_" + k) is not None:
            d["machine_" + k] = bool(d["machine_" + k])
    d["locations"] = json.loads(d.get("locations") or "[]")
    if d.get("machine_locations") is not None:
        d["machine_locations"] = json.loads(d["machine_locations"])
    if d.get("reviewed_fields") is not None:
        d["reviewed_fields"] = json.loads(d["reviewed_fields"])
    return d


def machine_value(r: dict, field: str):
    """The machine's value of a reviewable field (dotted name) in a flat claims_view row."""
    if field == "actor":
        return {"name": r.get("machine_actor"), "id": r.get("machine_actor_id")} if r.get("machine_actor") else None
    if field == "places":
        return r.get("machine_locations")
    return r.get("machine_" + field.replace(".", "_"))


def review_block(r: dict) -> dict | None:
    """A reviewed claim's review: status, who, when, note, the fields corrected with the machine's
    value of each; None for a claim never reviewed (and not lost)."""
    if not r.get("review_status") and not r.get("reviews") and not r.get("lost_at"):
        return None
    fields = r.get("reviewed_fields") or []
    return {"status": r.get("review_status"), "by": r.get("reviewed_by"), "at": r.get("reviewed_at"),
            "note": r.get("review_note"), "reviews": r.get("reviews") or 0, "lost_at": r.get("lost_at"),
            "machine": {f: machine_value(r, f) for f in fields}}


def claim_dict(r: dict, review: bool = False) -> dict:
    """A flat claim row -> the claim of spec/claims.md (with `review`: and its review, if any)."""
    has_count = any(r.get(k) is not None for k in ("count_low", "count_high", "count_text", "count_unit"))
    has_speaker = any(r.get(k) for k in ("speaker_name", "speaker_role", "speaker_org", "speaker_anonymous",
                                         "speaker_text"))
    return {"type": r["type"],
            "evidence": {"text": r["evidence"], "start": r["evidence_start"], "end": r["evidence_end"]},
            "actor": {"name": r["actor"], "id": r["actor_id"]} if r.get("actor") else None,
            "children": r["children"], "forced": r["forced"],
            "count": {"low": r["count_low"], "high": r["count_high"], "approx": bool(r["count_approx"]),
                      "unit": r["count_unit"], "text": r["count_text"] or ""} if has_count else None,
            "rate": r["rate"], "locations": r["locations"],
            "time": {"start": r["time_start"], "end": r["time_end"]}
            if r.get("time_start") or r.get("time_end") else None,
            "trend": r["trend"], "hedged": r["hedged"], "negated": r["negated"],
            "speaker": {"name": r["speaker_name"], "role": r["speaker_role"], "org": r["speaker_org"],
                        "anonymous": bool(r["speaker_anonymous"]), "quote": r["speaker_quote"] or "indirect",
                        "text": r["speaker_text"]} if has_speaker else None,
            "confidence": r.get("confidence"),
            **({"review": review_block(r)} if review and review_block(r) else {})}


def claim_output(r: dict) -> dict:
    """A claim with its id and its article, for JSON Lines output (reviewed values; the review, with
    the machine's values of the corrected fields, under "review"; `copy_of`: the earliest claim of
    another article it repeats, as of the last `muster facts`)."""
    return {"id": r["id"], "article_id": r["article_id"], **claim_dict(r, review=True),
            "article": {"doc": r["doc"], "title": r["title"], "outlet": r["outlet"], "published": r["published"],
                        "url": r["url"], "duplicate_of": r["duplicate_of"]},
            "copy_of": r.get("copy_of")}
