"""Check annotation files against the corpus and add each evidence phrase's offsets.

    python training/check_annotations.py training/annotations/batch_*.json [--write]

Every evidence phrase must be a verbatim substring of its article's text, inside one
sentence-sized span; types and fields must follow ../shared/spec/annotation.md. With --write,
the first occurrence's character offsets are stored as "start"/"end" on each claim, so the
annotations keep doc ids, offsets and short phrases, never article texts.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
TYPES = {"recruitment", "child_use", "training", "defection", "foreign_fighters", "strength", "finance"}
FIELDS = {"type", "evidence", "actor", "count", "locations", "speaker", "children", "forced",
          "trend", "hedged", "negated", "time", "rate", "optional", "start", "end", "note"}


def corpus_texts() -> dict[str, str]:
    """The texts of the corpus articles, and of the other sources' articles (training/other/)."""
    with open(SHARED / "data/corpus/news.jsonl", encoding="utf-8") as f:
        texts = {a["doc"]: a["text"] for a in map(json.loads, f)}
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from other_articles import all_articles
    return texts | {a["doc"]: a["text"] for a in all_articles()}


def claim_problems(claim: dict, text: str) -> list[str]:
    problems = []
    if claim.get("type") not in TYPES:
        problems.append(f"type {claim.get('type')!r}")
    extra = set(claim) - FIELDS
    if extra:
        problems.append(f"unknown fields {sorted(extra)}")
    ev = claim.get("evidence")
    if not isinstance(ev, str) or not ev.strip():
        problems.append("no evidence")
    elif ev not in text:
        problems.append(f"evidence not in text: {ev!r}")
    elif "\n" in ev or len(ev) > 300:
        problems.append(f"evidence longer than a sentence: {ev[:60]!r}")
    count = claim.get("count")
    if count is not None and not (isinstance(count, dict) and (
            "vague" in count or {"low", "high"} <= set(count))):
        problems.append(f"count {count!r}: give low and high, or vague")
    for loc in claim.get("locations") or []:
        if not isinstance(loc, dict) or not loc.get("name") or len(str(loc.get("country", ""))) != 2:
            problems.append(f"location {loc!r}: give name and a two-letter country")
    sp = claim.get("speaker")
    if sp is not None and not (isinstance(sp, dict) and ({"name", "org", "anonymous"} & set(sp))):
        problems.append(f"speaker {sp!r}")
    for flag in ("children", "forced", "hedged", "negated", "optional"):
        if flag in claim and not isinstance(claim[flag], bool):
            problems.append(f"{flag} must be true/false")
    if claim.get("trend") not in (None, "up", "down"):
        problems.append("trend must be up or down")
    return problems


def check_file(path: Path, texts: dict[str, str], write: bool) -> int:
    data = json.loads(path.read_text(encoding="utf-8"))
    bad = 0
    for doc in data["documents"]:
        text = texts.get(doc["doc"])
        if text is None:
            print(f"{path}: {doc['doc']}: not in the corpus nor the other sources")
            bad += 1
            continue
        for claim in doc["claims"]:
            for problem in claim_problems(claim, text):
                print(f"{path}: {doc['doc']}: {problem}")
                bad += 1
            if write and isinstance(claim.get("evidence"), str) and claim["evidence"] in text:
                claim["start"] = text.index(claim["evidence"])
                claim["end"] = claim["start"] + len(claim["evidence"])
    if write and not bad:
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    n_claims = sum(len(d["claims"]) for d in data["documents"])
    print(f"{path}: {len(data['documents'])} articles, {n_claims} claims, {bad} problems")
    return bad


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--write", action="store_true", help="store offsets when a file has no problem")
    args = ap.parse_args()
    texts = corpus_texts()
    bad = sum(check_file(p, texts, args.write) for p in args.files)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
