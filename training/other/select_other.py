#!/usr/bin/env python3
"""Articles from outside the news corpus, for a blind check of claims on other outlets and genres.

    python training/other/select_other.py            # writes training/other/selection.tsv and split.json
    python training/other/select_other.py --texts DIR  # also writes each article's text to DIR (for annotators)

The corpus (`../shared/data/corpus`) is Guardian, FA-KES and Reuters text, and every claim rule was
written on it. `../shared/data` holds other real news too, annotated for other layers: PolNeAR (US
political news, 2015-16), TR-News and LGL (geoparsing) and ISAF press releases (Afghanistan,
2009-13). The articles picked here are those that talk about armed groups' manpower: a PolNeAR,
TR-News or LGL article with three or more manpower words and three or more names of a conflict or
group; an ISAF release with a count of fighters or insurgents, foreign fighters or a recruiter.
Deterministic: the same data gives the same list. No text is kept in the repository, only ids.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "scripts"))
from other_articles import all_articles  # noqa: E402

MANPOWER = re.compile(r"\b(recruit\w*|foreign fighters?|jihadis\w*|child soldiers?|fighters|defect\w*|training camps?|"
                      r"militants?|insurgents?|troops|militias?|rebels?)\b", re.I)
CONFLICT = re.compile(r"\b(ISIS|ISIL|Islamic State|Daesh|Syria\w*|Iraq\w*|Taliban|Boko Haram|Shabaab|Houthi\w*|Kurd\w*|"
                      r"Afghan\w*|Libya\w*|Yemen\w*|al-Qaeda|al Qaeda|Hezbollah|PKK)\b")
RELEASE_CUE = re.compile(r"\b(recruit\w*|foreign fighters?|(?:\d[\d,]*|dozens|hundreds|thousands)\s+(?:of\s+)?"
                         r"(?:fighters|militants|troops|jihadists|insurgents))\b", re.I)


def picked(article: dict) -> bool:
    text = article["text"]
    if article["doc"].startswith("isaf_"):
        return bool(RELEASE_CUE.search(text))
    return len(MANPOWER.findall(text)) >= 3 and len(CONFLICT.findall(text)) >= 3


def write_split(rows: list[dict]) -> None:
    """A tune half and a check half, by article, fixed before any annotation was scored: within each
    source, articles in the order of their ids' SHA-1, alternately to each half."""
    halves: dict[str, list[str]] = {"tune": [], "check": []}
    for source in sorted({a["dataset"] for a in rows}):
        docs = sorted((a["doc"] for a in rows if a["dataset"] == source),
                      key=lambda d: hashlib.sha1(d.encode()).hexdigest())
        for i, doc in enumerate(docs):
            halves["tune" if i % 2 == 0 else "check"].append(doc)
    (HERE / "split.json").write_text(json.dumps(halves, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--texts", type=Path, help="write each picked article's text here, for annotators")
    args = ap.parse_args()
    rows = [a for a in all_articles() if picked(a)]
    with open(HERE / "selection.tsv", "w", encoding="utf-8") as out:
        out.write("doc\tsource\n")  # ids only: the texts and titles stay in ../shared/data
        for a in rows:
            out.write(f"{a['doc']}\t{a['dataset']}\n")
    write_split(rows)
    if args.texts:
        args.texts.mkdir(parents=True, exist_ok=True)
        for a in rows:
            (args.texts / (a["doc"] + ".json")).write_text(
                json.dumps(a, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(rows)} articles picked", file=sys.stderr)


if __name__ == "__main__":
    main()
