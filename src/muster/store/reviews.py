"""Reviews: an analyst accepts, rejects or corrects a claim, and the ledger keeps every such act.

The `reviews` table is an append-only log (its triggers refuse an UPDATE or a DELETE): one row per
accept, reject, reopen, and per field corrected, with who, when, the value before and after, and a
note. `claim_reviewed` is what the log adds up to for each claim (status and corrected values),
kept up to date here and rebuilt from the log by `rebuild`. claims_view shows the reviewed value
of each field with the machine's value beside it (machine_*): see data/ledger/005_reviews.sql.

A review outlives the pipeline: the log has no foreign key to claims, re-ingesting an article
updates the machine's values of a claim in place (same id, store/ids.py), and a reviewed claim that
a new pipeline no longer finds is kept and marked lost (claims.lost_at) rather than deleted.

    with Ledger("muster.db") as led:
        review(led, "c1f0...", "reject", note="the 400 are police, not recruits", reviewer="ana")
        review(led, "c9a2...", sets={"count.low": "400"}, reviewer="ana")
"""
from __future__ import annotations

import getpass
import json
import re
import sqlite3
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Mapping

from .filters import parse_date

ACTIONS = ("accept", "reject", "reopen")
CLAIM_TYPES = ("recruitment", "child_use", "training", "defection", "foreign_fighters", "strength", "finance")


class ReviewError(ValueError):
    """A review that cannot be recorded as given: no such claim, an unknown field, a bad value."""


def _text(v: Any) -> str | None:
    v = None if v is None else str(v).strip()
    return v or None


def _boolean(v: Any) -> bool | None:
    if v is None or isinstance(v, bool):
        return v
    s = str(v).strip().lower()
    if s in ("", "none", "null", "unknown"):
        return None
    if s in ("1", "true", "yes", "y", "on"):
        return True
    if s in ("0", "false", "no", "n", "off"):
        return False
    raise ValueError(f"expected true or false (or none), got {v!r}")


def _number(v: Any) -> int | float | None:
    if v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)):
        return v
    s = str(v).strip().replace(",", "").replace("_", "")
    if s.lower() in ("", "none", "null"):
        return None
    try:
        x = float(s)
    except ValueError:
        raise ValueError(f"expected a number (or none), got {v!r}") from None
    if x != x or x in (float("inf"), float("-inf")) or x < 0:
        raise ValueError(f"expected a count of zero or more, got {v!r}")
    return int(x) if x == int(x) else x


def _date(v: Any) -> str | None:
    s = _text(v)
    if s is None or s.lower() in ("none", "null"):
        return None
    parse_date(s)  # a ValueError with the reason
    return s


def _type(v: Any) -> str:
    s = _text(v)
    if s not in CLAIM_TYPES:
        raise ValueError(f"expected one of {', '.join(CLAIM_TYPES)}, got {v!r}")
    return s


# field name (as in spec/claims.md, dotted) -> (claim_reviewed column(s), how a value given as text is read)
FIELDS: dict[str, tuple[tuple[str, ...], Callable[[Any], Any]]] = {
    "type": (("type",), _type),
    "actor": (("actor_name", "actor_id"), lambda v: v),   # read by _actor (needs the ledger)
    "children": (("children",), _boolean),
    "forced": (("forced",), _boolean),
    "count.low": (("count_low",), _number),
    "count.high": (("count_high",), _number),
    "count.approx": (("count_approx",), _boolean),
    "count.unit": (("count_unit",), _text),
    "count.text": (("count_text",), _text),
    "rate": (("rate",), _text),
    "time.start": (("time_start",), _date),
    "time.end": (("time_end",), _date),
    "trend": (("trend",), _text),
    "hedged": (("hedged",), _boolean),
    "negated": (("negated",), _boolean),
    "speaker.name": (("speaker_name",), _text),
    "speaker.role": (("speaker_role",), _text),
    "speaker.org": (("speaker_org",), _text),
    "speaker.anonymous": (("speaker_anonymous",), _boolean),
    "places": (("locations",), lambda v: v),               # read by _places (needs the ledger)
}
# claims_view column holding each field's current value
VIEW_COLUMN = {f: f.replace(".", "_") for f in FIELDS}
VIEW_COLUMN.update(actor="actor", places="locations")


def parse_assignment(text: str) -> tuple[str, str]:
    """'count.low=400' -> ('count.low', '400'); the field must be one of FIELDS."""
    field, sep, value = text.partition("=")
    field = field.strip()
    if not sep:
        raise ReviewError(f"expected FIELD=VALUE (e.g. count.low=400), got {text!r}")
    if field not in FIELDS:
        raise ReviewError(f"unknown field {field!r} in {text!r} (one of {', '.join(FIELDS)})")
    return field, value


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def default_reviewer() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment (a container): say so rather than guess
        return "unknown"


def _actor(conn: sqlite3.Connection, value: Any) -> dict | None:
    """An actor given as a Wikidata id, a name or an alias -> {"name", "id"} (a known group where one
    matches; a new name is taken as it is)."""
    if isinstance(value, dict):
        return {"name": _text(value.get("name")), "id": _text(value.get("id"))} if value.get("name") else None
    s = _text(value)
    if s is None or s.lower() in ("none", "null"):
        return None
    if re.fullmatch(r"[Qq]\d+", s):
        row = conn.execute("SELECT name, wikidata FROM actors WHERE wikidata = ?", (s.upper(),)).fetchone()
        return {"name": row[0] if row else s.upper(), "id": s.upper()}
    row = conn.execute("SELECT name, wikidata FROM actors WHERE name = ? COLLATE NOCASE", (s,)).fetchone()
    if row:
        return {"name": row[0], "id": row[1]}
    from .filters import parse_actor

    kind, groups = parse_actor(s)
    if kind == "alias" and len(groups) == 1:
        return {"name": groups[0][0], "id": groups[0][1]}
    return {"name": s, "id": None}


def _places(conn: sqlite3.Connection, value: Any) -> list[dict]:
    """Places given as JSON (a list of {name, country, lat, lon, precision}) or as names separated by
    ';' ("Raqqa; Idlib", "Mosul (IQ)"), each found among the ledger's places when it is there."""
    if isinstance(value, list):
        return [dict(p) for p in value]
    s = (_text(value) or "")
    if s.lower() in ("", "none", "null", "[]"):
        return []
    if s.startswith("["):
        try:
            places = json.loads(s)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not a JSON list of places ({exc})") from None
        if not all(isinstance(p, dict) and p.get("name") for p in places):
            raise ValueError("each place needs at least a name")
        return places
    out = []
    for part in (p.strip() for p in s.split(";")):
        if not part:
            continue
        m = re.fullmatch(r"(.+?)\s*\(([A-Za-z]{2})\)", part)
        name, country = (m.group(1), m.group(2).upper()) if m else (part, None)
        row = conn.execute(
            "SELECT name, country, lat, lon, geonames_id, precision FROM places WHERE name = ? COLLATE NOCASE "
            "AND (? IS NULL OR country = ?) ORDER BY precision = 'country', id LIMIT 1",
            (name, country, country)).fetchone()
        out.append(dict(zip(("name", "country", "lat", "lon", "geonames_id", "precision"), row)) if row else
                   {"name": name, "country": country, "lat": None, "lon": None, "geonames_id": None,
                    "precision": None})
    return out


def read_value(conn: sqlite3.Connection, field: str, value: Any) -> Any:
    """A field's value as given (text from a command line or a form, or JSON) -> the value stored."""
    try:
        if field == "actor":
            return _actor(conn, value)
        if field == "places":
            return _places(conn, value)
        return FIELDS[field][1](value)
    except ValueError as exc:
        raise ReviewError(f"{field}: {exc}") from None


def current(conn: sqlite3.Connection, claim_id: str) -> dict:
    """The claim as claims_view shows it now (reviewed values); ReviewError when there is none."""
    row = conn.execute("SELECT * FROM claims_view WHERE id = ?", (claim_id,)).fetchone()
    if row is None:
        link = conn.execute("SELECT new_id FROM claim_links WHERE old_id = ? ORDER BY overlap DESC", (claim_id,)).fetchall()
        hint = f" (it is now {', '.join(r[0] for r in link)})" if link else ""
        raise ReviewError(f"no claim {claim_id!r}{hint}")
    return dict(row)


def field_value(row: Mapping, field: str) -> Any:
    """A field's value in a claims_view row, in the shape a review records it."""
    if field == "actor":
        return {"name": row["actor"], "id": row["actor_id"]} if row["actor"] else None
    if field == "places":
        locs = row["locations"]
        return json.loads(locs) if isinstance(locs, str) else list(locs or [])
    v = row[VIEW_COLUMN[field]]
    if FIELDS[field][1] is _boolean and v is not None:
        return bool(v)
    return v


def review(led: Any, claim_id: str, action: str | None = None, sets: Mapping[str, Any] | None = None,
           note: str | None = None, reviewer: str | None = None) -> dict:
    """Record an accept / reject / reopen and/or corrections of fields (`sets`: field -> value) of a
    claim, each as a row of the log, in one transaction. Returns the claim's review state."""
    if action is not None and action not in ACTIONS:
        raise ReviewError(f"unknown action {action!r} (one of {', '.join(ACTIONS)})")
    sets = dict(sets or {})
    for f in sets:
        if f not in FIELDS:
            raise ReviewError(f"unknown field {f!r} (one of {', '.join(FIELDS)})")
    if action is None and not sets and not note:
        raise ReviewError("nothing to record: give an action (accept, reject, reopen), a field to set, or a note")
    reviewer = _text(reviewer) or default_reviewer()
    with led.transaction() as c:
        row = current(c, claim_id)
        at = _now()
        entries = []
        for f, given in sets.items():
            before, after = field_value(row, f), read_value(c, f, given)
            if before != after:
                entries.append(("set", f, before, after))
        if action:
            entries.append((action, None, None, None))
        if not entries and note:
            # a note alone (or corrections to the values the claim has already) restates the
            # present decision, with the note
            entries.append((_status_action(c, claim_id), None, None, None))
        for act, f, before, after in entries:
            c.execute("INSERT INTO reviews (claim_id, article_id, action, field, before, after, note, reviewer, at) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      (claim_id, row["article_id"], act, f, _json(before), _json(after), note, reviewer, at))
        return rebuild(c, claim_id)


def _status_action(conn: sqlite3.Connection, claim_id: str) -> str:
    """The action that restates a claim's present decision (a note added to a review)."""
    row = conn.execute("SELECT status FROM claim_reviewed WHERE claim_id = ?", (claim_id,)).fetchone()
    return {"rejected": "reject", "accepted": "accept", "corrected": "accept"}.get(row[0] if row else None, "accept")


def _json(v: Any) -> str | None:
    return None if v is None else json.dumps(v, ensure_ascii=False)


def fold(log: Iterable[Mapping]) -> dict:
    """The state a claim's review log adds up to: its status and its corrected fields.
    Status: rejected when the last decision was a reject; corrected when a field was corrected
    (and the claim not rejected); accepted when the last decision was an accept; None otherwise
    (never reviewed, or reopened)."""
    decision, fields, last, notes = None, {}, None, []
    for e in log:
        last = e
        if e["note"]:
            notes.append(e["note"])
        if e["action"] in ("accept", "reject"):
            decision = e["action"]
        elif e["action"] == "reopen":
            decision = None
        elif e["action"] == "set":
            fields[e["field"]] = json.loads(e["after"]) if isinstance(e["after"], str) else e["after"]
    if decision == "reject":
        status = "rejected"
    elif fields:
        status = "corrected"
    elif decision == "accept":
        status = "accepted"
    else:
        status = None
    return {"status": status, "fields": fields, "reviewer": last["reviewer"] if last else None,
            "at": last["at"] if last else None, "note": notes[-1] if notes else None}


def log(conn: sqlite3.Connection, claim_id: str) -> list[dict]:
    """A claim's reviews, oldest first, values as JSON values."""
    rows = [dict(r) for r in conn.execute("SELECT * FROM reviews WHERE claim_id = ? ORDER BY id", (claim_id,))]
    for r in rows:
        for k in ("before", "after"):
            r[k] = json.loads(r[k]) if r[k] is not None else None
    return rows


def rebuild(conn: sqlite3.Connection, claim_id: str) -> dict:
    """Recompute claim_reviewed for one claim from its log; returns the state."""
    entries = [dict(r) for r in conn.execute("SELECT * FROM reviews WHERE claim_id = ? ORDER BY id", (claim_id,))]
    state = fold(entries)
    cols: dict[str, Any] = {}
    for f, v in state["fields"].items():
        names = FIELDS[f][0]
        if f == "actor":
            cols.update(actor_name=(v or {}).get("name"), actor_id=(v or {}).get("id"))
        elif f == "places":
            cols["locations"] = json.dumps(v or [], ensure_ascii=False)
        else:
            cols[names[0]] = int(v) if isinstance(v, bool) else v
    conn.execute("DELETE FROM claim_reviewed WHERE claim_id = ?", (claim_id,))  # derived data, not the log
    if entries:
        cols.update(claim_id=claim_id, status=state["status"], fields=json.dumps(sorted(state["fields"])),
                    reviewer=state["reviewer"], at=state["at"], note=state["note"], n=len(entries))
        conn.execute(f"INSERT INTO claim_reviewed ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                     list(cols.values()))
    return {"claim_id": claim_id, **state, "reviews": len(entries)}


def rebuild_all(conn: sqlite3.Connection) -> int:
    """Recompute claim_reviewed from the whole log (after an import, or to check it)."""
    ids = [r[0] for r in conn.execute("SELECT DISTINCT claim_id FROM reviews")]
    for cid in ids:
        rebuild(conn, cid)
    return len(ids)


# ---------------------------------------------------------------------------------------------
# reviews carried by `muster export` records, back through `muster import`

def spec_value(claim: Mapping, field: str) -> Any:
    """A field's value in a claim of spec/claims.md (an export or extract record's claim)."""
    head, _, sub = field.partition(".")
    if field == "places":
        return claim.get("locations") or []
    if field == "actor":
        return claim.get("actor")
    if sub:
        return (claim.get(head) or {}).get(sub)
    return claim.get(field)


def _same(field: str, a: Any, b: Any) -> bool:
    """Equal as an analyst means it: '' is no value, an absent flag of count/speaker is false, places
    are compared by name and country."""
    if field == "places":
        key = lambda ps: [(p.get("name"), p.get("country")) for p in ps or []]  # noqa: E731
        return key(a) == key(b)
    if field == "actor":
        return (a or {}).get("name") == (b or {}).get("name")
    if field in ("count.approx", "speaker.anonymous"):
        return bool(a) == bool(b)
    a = None if a == "" else a
    b = None if b == "" else b
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b if a is None or b is None else bool(a) == bool(b)
    return a == b


def machine_claim(claim: dict) -> dict:
    """An exported claim with the machine's values put back where an analyst corrected them
    (review.machine), so that the ledger stores what the pipeline said and the reviews beside it."""
    machine = ((claim.get("review") or {}).get("machine")) or {}
    if not machine:
        return claim
    out = json.loads(json.dumps(claim))
    for field, value in machine.items():
        head, _, sub = field.partition(".")
        if field == "places":
            out["locations"] = value or []
        elif sub:
            out[head] = dict(out.get(head) or {})
            out[head][sub] = value
        else:
            out[field] = value
    return out


def import_reviews(conn: sqlite3.Connection, article_id: str, rec: Mapping, ids: list[str], source: str) -> int:
    """After an exported record is stored: replay its review log (entries already in the ledger are
    skipped), then record as corrections the values an analyst changed by hand in the record
    (reviewer "import", the source in the note), so that the next ingest keeps them. Records of
    `muster extract` (no "ledger" part) are the machine's own: nothing is recorded for them."""
    if "ledger" not in rec:
        return 0
    added = 0
    have = {(r[0], r[1], r[2], r[3], r[4], r[5]) for r in conn.execute(
        "SELECT claim_id, action, field, after, reviewer, at FROM reviews WHERE article_id = ?", (article_id,))}
    touched = set()
    for e in rec.get("reviews") or []:
        key = (e.get("claim_id"), e.get("action"), e.get("field"), _json(e.get("after")), e.get("reviewer"), e.get("at"))
        if key in have or e.get("action") not in (*ACTIONS, "set") or not e.get("claim_id"):
            continue
        conn.execute("INSERT INTO reviews (claim_id, article_id, action, field, before, after, note, reviewer, at) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (e["claim_id"], article_id, e["action"], e.get("field"), _json(e.get("before")),
                      _json(e.get("after")), e.get("note"), e.get("reviewer") or "unknown", e.get("at") or _now()))
        touched.add(e["claim_id"])
        added += 1
    for cid in touched:
        rebuild(conn, cid)
    at = _now()
    for cid, claim in zip(ids, rec.get("claims") or []):
        row = conn.execute("SELECT * FROM claims_view WHERE id = ?", (cid,)).fetchone()
        if row is None:
            continue
        for field in FIELDS:
            now, given = field_value(row, field), spec_value(claim, field)
            if not _same(field, now, given):
                conn.execute("INSERT INTO reviews (claim_id, article_id, action, field, before, after, note, reviewer, at) "
                             "VALUES (?, ?, 'set', ?, ?, ?, ?, 'import', ?)",
                             (cid, article_id, field, _json(now), _json(given), f"changed in {source}", at))
                touched.add(cid)
                added += 1
        if cid in touched:
            rebuild(conn, cid)
    return added
