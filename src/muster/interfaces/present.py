"""Presentation, shared by the interfaces (command line, HTTP API, web pages): claims as a plain-text
table, CSV, JSON Lines and GeoJSON; an article with its evidence highlighted; search hits. Nothing
here reads or writes the ledger: it formats the rows the store gives."""
from __future__ import annotations

import csv
import json
import re
from typing import IO, Any, Callable, Iterable, Sequence

from ..store.records import claim_output

FORMATS = ("table", "csv", "jsonl", "geojson")


CSV_COLUMNS = ("id", "article_id", "type", "actor", "actor_id", "children", "forced", "count_low", "count_high",
               "count_approx", "count_unit", "count_text", "rate", "time_start", "time_end", "trend", "hedged",
               "negated", "speaker_name", "speaker_role", "speaker_org", "speaker_anonymous", "speaker_quote",
               "places", "countries", "latitude", "longitude", "evidence", "evidence_start", "evidence_end",
               "confidence", "doc", "title", "outlet", "published", "url", "duplicate_of", "copy_of",
               # the review, and the machine's value beside each reviewed one (equal when not corrected)
               "review_status", "reviewed_fields", "reviewed_by", "reviewed_at", "review_note", "lost_at",
               "machine_type", "machine_actor", "machine_actor_id", "machine_children", "machine_forced",
               "machine_count_low", "machine_count_high", "machine_count_approx", "machine_count_unit",
               "machine_count_text", "machine_rate", "machine_time_start", "machine_time_end", "machine_trend",
               "machine_hedged", "machine_negated", "machine_speaker_name", "machine_speaker_role",
               "machine_speaker_org", "machine_speaker_anonymous", "machine_places")


def write_csv(rows: Iterable[dict], out: IO[str]) -> int:
    w = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    w.writeheader()
    n = 0
    for r in rows:
        locs = r["locations"]
        machine_locs = r.get("machine_locations")
        w.writerow({**r, "places": "; ".join(str(p.get("name")) for p in locs),
                    "countries": "; ".join(sorted({p["country"] for p in locs if p.get("country")})),
                    "reviewed_fields": "; ".join(r.get("reviewed_fields") or []),
                    "machine_places": "; ".join(str(p.get("name")) for p in (locs if machine_locs is None
                                                                               else machine_locs))})
        n += 1
    return n


def write_jsonl(rows: Iterable[dict], out: IO[str]) -> int:
    n = 0
    for r in rows:
        out.write(json.dumps(claim_output(r), ensure_ascii=False) + "\n")
        n += 1
    return n


def geojson(rows: Iterable[dict]) -> dict:
    """A FeatureCollection: one Point per (claim, located place). Claims with no coordinates are left out."""
    feats = []
    for r in rows:
        for loc in r["locations"]:
            if loc.get("lat") is None or loc.get("lon") is None:
                continue
            props = {k: r.get(k) for k in ("id", "article_id", "type", "actor", "actor_id", "children", "forced",
                                            "count_low", "count_high", "count_text", "count_unit", "rate",
                                            "time_start", "time_end", "trend", "hedged", "negated",
                                            "speaker_name", "speaker_org", "evidence", "outlet", "published",
                                            "title", "duplicate_of", "review_status", "reviewed_by",
                                            "machine_count_low", "machine_count_high", "lost_at")}
            props.update(place=loc.get("name"), country=loc.get("country"), geonames_id=loc.get("geonames_id"),
                         precision=loc.get("precision"))
            feats.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]},
                          "properties": props})
    return {"type": "FeatureCollection", "features": feats}


def write_geojson(rows: Iterable[dict], out: IO[str]) -> int:
    gj = geojson(rows)
    json.dump(gj, out, ensure_ascii=False)
    out.write("\n")
    return len(gj["features"])


def _fmt_count(r: dict) -> str:
    lo, hi, txt = r.get("count_low"), r.get("count_high"), r.get("count_text")
    if lo is None and hi is None:
        return txt or ""
    approx = "~" if r.get("count_approx") else ""
    if lo is not None and hi is not None:
        s = f"{lo:,}" if lo == hi else f"{lo:,}-{hi:,}"
    elif lo is not None:
        s = f">={lo:,}"
    else:
        s = f"<={hi:,}"
    rate = f"/{r['rate']}" if r.get("rate") else ""
    unit = f" {r['count_unit']}" if r.get("count_unit") else ""
    return approx + s + unit + rate


def _fmt_speaker(r: dict) -> str:
    if r.get("speaker_anonymous"):
        return "anonymous" + (f" ({r['speaker_org']})" if r.get("speaker_org") else "")
    return r.get("speaker_name") or r.get("speaker_org") or r.get("speaker_role") or ""


def _fmt_when(r: dict) -> str:
    s, e = r.get("time_start"), r.get("time_end")
    if not s and not e:
        return ""
    return s if s == e or not e else f"{s or ''}..{e}"


def _fmt_flags(r: dict) -> str:
    f = [("child", r.get("children")), ("forced", r.get("forced")), ("hedged", r.get("hedged")),
         ("negated", r.get("negated")), ("copy", r.get("duplicate_of")), (r.get("review_status"), r.get("review_status")),
         ("lost", r.get("lost_at"))]
    return ",".join(name for name, on in f if on)


def _fmt_source(r: dict) -> str:
    """Where a claim was read: the outlet (or the input's name) and the publication date."""
    return " ".join(x for x in (r.get("outlet") or r.get("doc") or "", r.get("published") or "undated") if x)


def _clip(s: str, n: int) -> str:
    s = " ".join(str(s or "").split())
    return s if len(s) <= n else s[:max(0, n - 1)] + "…"


def table(rows: Sequence[dict], width: int = 120) -> str:
    """Claims as a plain-text table, the evidence clipped to fit `width` columns. Below 120 columns
    each claim takes three lines (what, who said it where, the evidence), so that counts, speakers,
    outlets and dates are never cut off on an 80-column terminal."""
    if width < 120:
        return _narrow_table(rows, width)
    cols = [("id", lambda r: r["id"], 19), ("type", lambda r: r["type"], 16),
            ("actor", lambda r: r.get("actor") or "", 16), ("count", _fmt_count, 24),
            ("where", lambda r: ", ".join(p.get("name") or "" for p in r["locations"]), 16),
            ("when", _fmt_when, 22), ("speaker", _fmt_speaker, 20), ("source", _fmt_source, 24),
            ("flags", _fmt_flags, 16)]
    cells = [[_clip(f(r), cap) for _, f, cap in cols] for r in rows]
    widths = [max([len(name)] + [len(c[i]) for c in cells]) for i, (name, _, _) in enumerate(cols)]
    ev_width = width - sum(widths) - 2 * len(widths)
    # a narrow terminal gets the evidence on its own line under each claim
    below = ev_width < 30
    head = "  ".join(name.ljust(w) for (name, _, _), w in zip(cols, widths))
    lines = [head if below else head + "  evidence"]
    for r, c in zip(rows, cells):
        row = "  ".join(v.ljust(w) for v, w in zip(c, widths))
        if below:
            lines += [row, "    " + _clip(r["evidence"], max(20, width - 4))]
        else:
            lines.append(row + "  " + _clip(r["evidence"], ev_width))
    return "\n".join(line.rstrip() for line in lines)


def _narrow_table(rows: Sequence[dict], width: int) -> str:
    width = max(width, 40)
    out = []
    for r in rows:
        flags = _fmt_flags(r)
        what = "  ".join(x for x in (r["id"], r["type"], _fmt_count(r), f"[{flags}]" if flags else "") if x)
        actor = r.get("actor") or ""
        out.append(what + ("  " + _clip(actor, max(8, width - len(what) - 2)) if actor else ""))
        speaker = _fmt_speaker(r)
        said = " · ".join(x for x in ((f"said by {speaker}" if speaker else ""), _fmt_source(r),
                                      ", ".join(p.get("name") or "" for p in r["locations"]), _fmt_when(r)) if x)
        out.append("    " + _clip(said, width - 4))
        out.append("    " + _clip(r["evidence"], width - 4))
    return "\n".join(line.rstrip() for line in out)


def render_review_log(claim: dict) -> str:
    """A claim's review for the terminal: status, the fields corrected (machine -> reviewed), the log."""
    status = claim.get("review_status") or "unreviewed"
    lines = [f"{claim['id']}  {claim['type']}  {_fmt_count(claim)}  {claim.get('actor') or ''}  [{status}]"
             + ("  (no longer found by the pipeline since " + claim["lost_at"] + ")" if claim.get("lost_at") else "")]
    for e in claim.get("log") or []:
        what = e["action"] if e["action"] != "set" else (
            f"set {e['field']}: {json.dumps(e['before'], ensure_ascii=False)} -> {json.dumps(e['after'], ensure_ascii=False)}")
        lines.append(f"  {e['at']}  {e['reviewer']}  {what}" + (f"  — {e['note']}" if e.get("note") else ""))
    for link in claim.get("replaced_by") or []:
        lines.append(f"  replaced by {link['new_id']} (evidence overlap {link['overlap']:.0%}, {link['reason']})")
    return "\n".join(lines)


def write_claims(rows: Sequence[dict], fmt: str, out: IO[str], width: int = 120) -> int:
    """Write claim rows in one of FORMATS; returns how many records (features for GeoJSON) were written."""
    if fmt == "csv":
        return write_csv(rows, out)
    if fmt == "jsonl":
        return write_jsonl(rows, out)
    if fmt == "geojson":
        return write_geojson(rows, out)
    if fmt == "table":
        if rows:
            out.write(table(rows, width) + "\n")
        return len(rows)
    raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")


def render_article(rec: dict, style: Callable[..., str] | None = None) -> str:
    """An article as text for the terminal: its metadata, then its text with each claim's evidence
    highlighted and numbered, then the claims. `style` is click.style (or None for plain markers)."""
    def st(s: str, **kw: Any) -> str:
        return style(s, **kw) if style else s

    out = [st(rec.get("title") or "(no title)", bold=True)]
    meta = [f"id {rec['id']}", f"doc {rec['doc']}"]
    meta += [f"{k} {rec[k]}" for k in ("outlet", "published", "dateline", "url") if rec.get(k)]
    if rec.get("authors"):
        meta.append("by " + ", ".join(rec["authors"]))
    out.append(" · ".join(meta))
    if rec.get("original"):
        o = rec["original"]
        out.append(st(f"near-duplicate of {o['id']} ({o.get('outlet') or o['doc']}, {o.get('published') or 'undated'})"
                      f": Jaccard {rec.get('dup_jaccard')}, containment {rec.get('dup_containment')}", fg="yellow"))
    for cp in rec.get("copies") or []:
        out.append(st(f"copied by {cp['id']} ({cp.get('outlet') or cp['doc']}, {cp.get('published') or 'undated'})",
                      fg="yellow"))
    out.append("")
    text = rec["text"]
    claims = rec.get("claims") or []
    spans = [(c["evidence_start"], c["evidence_end"], i + 1, c["id"] == rec.get("claim"))
             for i, c in enumerate(claims)
             if isinstance(c.get("evidence_start"), int) and isinstance(c.get("evidence_end"), int)
             and 0 <= c["evidence_start"] < c["evidence_end"] <= len(text)]
    # cut the text at every span boundary; a piece inside any span is highlighted, and each span's
    # number follows its end
    cuts = sorted({0, len(text), *[s for s, _, _, _ in spans], *[e for _, e, _, _ in spans]})
    pieces = []
    for a, b in zip(cuts, cuts[1:]):
        inside = [sp for sp in spans if sp[0] <= a and b <= sp[1]]
        seg = text[a:b]
        if inside:
            chosen = any(sp[3] for sp in inside)
            seg = st(seg, bg="yellow" if chosen else None, fg="black" if chosen else "cyan", underline=True) \
                if style else f"[[{seg}]]"
        pieces.append(seg)
        ends = [str(sp[2]) for sp in spans if sp[1] == b]
        if ends:
            pieces.append(st(f"[{','.join(ends)}]", fg="magenta", bold=True))
    out.append("".join(pieces))
    if claims:
        out.append("")
        out.append(st(f"{len(claims)} claims", bold=True))
        for i, c in enumerate(claims, 1):
            bits = [c["type"], c.get("actor") or "", _fmt_count(c),
                    ", ".join(p.get("name") or "" for p in c["locations"]), _fmt_when(c), _fmt_speaker(c),
                    _fmt_flags(c)]
            out.append(f"[{i}] {c['id']}  " + "  ".join(b for b in bits if b))
    return "\n".join(out)


def render_search(hits: dict[str, list[dict]], style: Callable[..., str] | None = None) -> str:
    def mark(s: str) -> str:
        s = " ".join((s or "").split())
        if style:
            return re.sub("\x02(.*?)\x03", lambda m: style(m.group(1), bold=True, fg="yellow"), s)
        return s.replace("\x02", "[").replace("\x03", "]")

    out = []
    if hits["articles"]:
        out.append(f"articles ({len(hits['articles'])})")
        for h in hits["articles"]:
            meta = ", ".join(x for x in (h.get("outlet"), h.get("published")) if x)
            out.append(f"  {h['id']}  {_clip(h.get('title') or h['doc'], 70)}" + (f"  ({meta})" if meta else ""))
            out.append(f"      {mark(h['snippet'])}")
    if hits["claims"]:
        out.append(f"claims ({len(hits['claims'])})")
        for h in hits["claims"]:
            out.append(f"  {h['id']}  {h['type']}  {mark(h['snippet'])}")
    return "\n".join(out) if out else "no matches"


def strip_marks(hits: dict[str, list[dict]]) -> dict[str, list[dict]]:
    return {k: [{**h, "snippet": (h.get("snippet") or "").replace("\x02", "").replace("\x03", "")} for h in v]
            for k, v in hits.items()}


def export(led: Any, out: IO[str], fmt: str = "jsonl") -> int:
    """Write the whole ledger: JSON Lines records (re-importable), or every claim as CSV/GeoJSON."""
    if fmt == "jsonl":
        n = 0
        for rec in led.export_records():
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
        return n
    return write_claims(led.claims(), fmt, out)



# ---------------------------------------------------------------------------------------------
# pictures for the web pages: a map and a timeline as inline SVG (no script, no network)

def _esc(s: Any) -> str:
    from html import escape

    return escape(str(s if s is not None else ""), quote=True)


_WORLD: dict | None = None


def world_outline() -> dict[str, list]:
    """Country outlines (data/world_outline.json, simplified from countryinfo's, MIT)."""
    global _WORLD
    if _WORLD is None:
        from importlib import resources

        _WORLD = json.loads(resources.files("muster").joinpath("data", "world_outline.json")
                            .read_text(encoding="utf-8"))["countries"]
    return _WORLD


# a place named at the level of a country or a province is a guess at a region, not a spot
COARSE = ("country", "admin1", "region")


def map_points(rows: Iterable[dict]) -> list[dict]:
    """The located places of claims, one point per coordinate and precision, with its claims."""
    points: dict[tuple, dict] = {}
    for r in rows:
        for loc in r["locations"]:
            if loc.get("lat") is None or loc.get("lon") is None:
                continue
            coarse = (loc.get("precision") or "city") in COARSE
            key = (round(loc["lat"], 3), round(loc["lon"], 3), coarse)
            pt = points.setdefault(key, {"lat": loc["lat"], "lon": loc["lon"], "name": loc.get("name"),
                                         "country": loc.get("country"), "coarse": coarse,
                                         "precision": loc.get("precision"), "claims": []})
            pt["claims"].append(r["id"])
    return list(points.values())


def svg_map(rows: Iterable[dict], width: int = 960, height: int = 520, link: str = "/claims/") -> str:
    """Claims on a map (equirectangular, framed on the claims): a town as a filled dot, a place known
    only to the country or province as a large hollow dashed ring, sized by the number of claims."""
    import math

    points = map_points(rows)
    if points:
        lats, lons = [p["lat"] for p in points], [p["lon"] for p in points]
        lat0, lat1, lon0, lon1 = min(lats), max(lats), min(lons), max(lons)
    else:
        lat0, lat1, lon0, lon1 = -50.0, 70.0, -120.0, 150.0
    # at least 16 degrees across, a margin, and the page's aspect ratio
    pad = 4.0
    lat0, lat1, lon0, lon1 = lat0 - pad, lat1 + pad, lon0 - pad, lon1 + pad
    mid = math.cos(math.radians((lat0 + lat1) / 2))
    span_lon = max(lon1 - lon0, 16.0, (lat1 - lat0) * width / height / max(mid, 0.2))
    span_lat = span_lon * height / width * max(mid, 0.2)
    clon, clat = (lon0 + lon1) / 2, (lat0 + lat1) / 2
    lon0, lat1 = clon - span_lon / 2, clat + span_lat / 2

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return (lon - lon0) / span_lon * width, (lat1 - lat) / span_lat * height

    paths = []
    for code, rings in world_outline().items():
        d = " ".join("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in (xy(lon, lat) for lon, lat in ring)) + "Z"
                     for ring in rings)
        paths.append(f'<path class="land" d="{d}"><title>{_esc(code)}</title></path>')
    marks = []
    for p in sorted(points, key=lambda p: (not p["coarse"], -len(p["claims"]))):
        x, y = xy(p["lon"], p["lat"])
        n = len(p["claims"])
        href = f"{link}{p['claims'][0]}" if n == 1 else f"/?near={p['lat']:.4f},{p['lon']:.4f},{25 if not p['coarse'] else 300}"
        label = f"{p['name']} ({p.get('precision') or 'place'}): {n} claim{'s' if n != 1 else ''}"
        if p["coarse"]:
            r = 10 + 3 * math.sqrt(n)
            shape = f'<circle class="pt pt-country" cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"/>'
        else:
            r = 3 + 1.5 * math.sqrt(n)
            shape = f'<circle class="pt pt-town" cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"/>'
        marks.append(f'<a href="{_esc(href)}" data-claims="{n}">{shape}<title>{_esc(label)}</title></a>')
    return (f'<svg class="map" viewBox="0 0 {width} {height}" width="100%" role="img" '
            f'aria-label="map of {len(points)} places of claims" xmlns="http://www.w3.org/2000/svg">'
            f'<rect class="sea" width="{width}" height="{height}"/>{"".join(paths)}{"".join(marks)}</svg>')


_PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
            "#7f7f7f", "#bcbd22")


def _colour(name: str, seen: dict[str, str]) -> str:
    if name not in seen:
        seen[name] = _PALETTE[len(seen) % len(_PALETTE)]
    return seen[name]


def timeline_series(rows: Iterable[dict], types: Sequence[str] = ("strength", "recruitment"),
                    copies: dict[str, str] | None = None) -> dict[str, list[dict]]:
    """Each group's figures over time: claims of `types` with a count and a date, by actor. A claim that
    repeats another of `rows` (`copies`: copy -> original, facts.copies_among) is not drawn again: its
    original counts it (`copies`), as the same statement is one source."""
    copies = copies or {}
    repeated: dict[str, int] = {}
    for o in copies.values():
        repeated[o] = repeated.get(o, 0) + 1
    out: dict[str, list[dict]] = {}
    for r in rows:
        if r["type"] not in types or r.get("review_status") == "rejected" or not r.get("date_start"):
            continue
        lo, hi = r.get("count_low"), r.get("count_high")
        if lo is None and hi is None or r["id"] in copies:
            continue
        out.setdefault(r.get("actor") or "(no group named)", []).append(
            {"id": r["id"], "type": r["type"], "low": lo if lo is not None else hi, "high": hi if hi is not None else lo,
             "start": r["date_start"][:10], "end": (r.get("date_end") or r["date_start"])[:10],
             "source": r.get("outlet") or r.get("doc") or "?", "evidence": r.get("evidence") or "",
             "reviewed": r.get("review_status"), "copies": repeated.get(r["id"], 0)})
    return dict(sorted(out.items(), key=lambda kv: -len(kv[1])))


def svg_timeline(series: list[dict], actor: str, width: int = 960, height: int = 260,
                 link: str = "/claims/") -> str:
    """One group's strength (circles) and recruitment (triangles) figures over time: each claim a
    vertical bar from its low to its high count (log scale) over its period, coloured by source."""
    import math
    from datetime import date

    def day(s: str) -> float:
        y, m, d = (int(x) for x in (s + "-01-01")[:10].split("-")[:3])
        return date(y, m, d).toordinal()

    left, right, top, bottom = 60, 20, 20, 40
    t0 = min(day(p["start"]) for p in series) - 30
    t1 = max(day(p["end"]) for p in series) + 30
    lows = [max(1, p["low"]) for p in series]
    highs = [max(1, p["high"]) for p in series]
    v0 = 10 ** math.floor(math.log10(min(lows)))
    v1 = 10 ** math.ceil(math.log10(max(highs) * 1.01))

    def x(t: float) -> float:
        return left + (t - t0) / max(1.0, t1 - t0) * (width - left - right)

    def y(v: float) -> float:
        return top + (math.log10(v1) - math.log10(max(v, 1))) / max(1e-9, math.log10(v1) - math.log10(v0)) \
            * (height - top - bottom)

    parts = [f'<line class="axis" x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}"/>']
    v = v0
    while v <= v1:
        parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}"/>'
                     f'<text class="tick" x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:,.0f}</text>')
        v *= 10
    for yr in range(date.fromordinal(int(t0)).year + 1, date.fromordinal(int(t1)).year + 1):
        tx = x(date(yr, 1, 1).toordinal())
        parts.append(f'<line class="grid" x1="{tx:.1f}" x2="{tx:.1f}" y1="{top}" y2="{height - bottom}"/>'
                     f'<text class="tick" x="{tx:.1f}" y="{height - bottom + 16}" text-anchor="middle">{yr}</text>')
    colours: dict[str, str] = {}
    for p in sorted(series, key=lambda p: p["start"]):
        c = _colour(p["source"], colours)
        xa, xb = x(day(p["start"])), x(day(p["end"]))
        xm = (xa + xb) / 2
        ylo, yhi = y(max(1, p["low"])), y(max(1, p["high"]))
        shape = (f'<circle cx="{xm:.1f}" cy="{yhi:.1f}" r="4" fill="{c}"/>' if p["type"] == "strength" else
                 f'<path d="M{xm - 5:.1f},{yhi + 4:.1f} L{xm + 5:.1f},{yhi + 4:.1f} L{xm:.1f},{yhi - 5:.1f}Z" fill="{c}"/>')
        label = (f"{p['type']} {p['low']:,}" + (f"-{p['high']:,}" if p["high"] != p["low"] else "")
                 + f", {p['start']}" + (f"..{p['end']}" if p["end"] != p["start"] else "") + f", {p['source']}"
                 + (f" ({p['reviewed']})" if p["reviewed"] else "")
                 + (f", repeated by {p['copies']} other article{'s' if p['copies'] > 1 else ''}" if p.get("copies") else "")
                 + f": {_clip(p['evidence'], 140)}")
        parts.append(f'<a href="{link}{_esc(p["id"])}" class="fig fig-{p["type"]}">'
                     f'<line x1="{xm:.1f}" x2="{xm:.1f}" y1="{ylo:.1f}" y2="{yhi:.1f}" stroke="{c}" stroke-width="3"/>'
                     + (f'<line x1="{xa:.1f}" x2="{xb:.1f}" y1="{ylo:.1f}" y2="{ylo:.1f}" stroke="{c}" '
                        f'stroke-opacity="0.5"/>' if xb - xa > 2 else "")
                     + f'{shape}<title>{_esc(label)}</title></a>')
    legend = "".join(f'<span class="src"><i style="background:{c}"></i>{_esc(s)}</span>' for s, c in colours.items())
    return (f'<figure class="timeline"><figcaption>{_esc(actor)} <small>({len(series)} figures; ● strength, '
            f'▲ recruitment; bars from low to high, log scale)</small></figcaption>'
            f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{_esc(actor)} over time" '
            f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg><div class="legend">{legend}</div></figure>')


def highlight_article(text: str, claims: Sequence[dict], chosen: str | None = None) -> str:
    """An article's text as HTML with each claim's evidence marked (the chosen claim's apart)."""
    spans = [(c["evidence_start"], c["evidence_end"], c["id"]) for c in claims
             if isinstance(c.get("evidence_start"), int) and isinstance(c.get("evidence_end"), int)
             and 0 <= c["evidence_start"] < c["evidence_end"] <= len(text)]
    cuts = sorted({0, len(text), *[s for s, _, _ in spans], *[e for _, e, _ in spans]})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        seg = _esc(text[a:b])
        inside = [sp for sp in spans if sp[0] <= a and b <= sp[1]]
        if inside:
            mine = any(sp[2] == chosen for sp in inside)
            ids = " ".join(sp[2] for sp in inside)
            seg = f'<mark class="{"ev-chosen" if mine else "ev"}" data-claims="{_esc(ids)}"' + \
                  (' id="evidence"' if mine and chosen and not any("ev-chosen" in o and 'id="evidence"' in o for o in out)
                   else "") + f">{seg}</mark>"
        out.append(seg)
    return "".join(out).replace("\n\n", "</p><p>").replace("\n", "<br>")
