#!/usr/bin/env python3
"""The claims Muster makes on real news that was not chosen for talking about armed conflict.

    python scripts/other_claims.py            # one line a claim, then the count by source
    python scripts/other_claims.py --wire     # GeoVirus's disease news and TimeBank/AQUAINT's wire stories instead

The articles are those of `scripts/other_articles.py` (PolNeAR's US political news, TR-News, LGL,
ISAF press releases) less the 50 that `training/other/select_other.py` picked for their manpower
words: mostly politics and local news, where a claim is more often a false one (campaign recruiting,
bonuses, protesters). No gold: the lines are for reading; the count says how many a reader must
judge. Texts are read from ../shared/data at run time.
"""
from __future__ import annotations

import argparse
import glob
import html
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Iterator

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from other_articles import all_articles  # noqa: E402

from muster.pipeline import process_text  # noqa: E402

SELECTION = HERE.parent / "training" / "other" / "selection.tsv"
DATA = HERE.parents[1] / "shared" / "data"


def wire_articles() -> Iterator[dict]:
    """GeoVirus's articles (Wikinews on epidemics) and TimeBank/AQUAINT's (wire news, 1989-2000): real
    news that no claim rule was written on, read for the first time in session 15."""
    geo = (DATA / "geo" / "GeoVirus.xml").read_text(encoding="utf-8")
    for i, m in enumerate(re.finditer(r"<text>(.*?)</text>", geo, re.S)):
        yield {"doc": f"geovirus_{i}", "text": html.unescape(m.group(1)), "dataset": "GeoVirus"}
    for path in sorted(glob.glob(str(DATA / "time" / "data" / "TBAQ-cleaned" / "*" / "*.tml"))):
        tml = Path(path).read_text(encoding="utf-8", errors="replace")
        m = re.search(r"<TEXT>(.*?)</TEXT>", tml, re.S)
        text = html.unescape(re.sub(r"<[^>]+>", "", m.group(1) if m else "")).strip()
        if text:
            yield {"doc": "tbaq_" + Path(path).name, "text": text, "dataset": "TimeBank/AQUAINT"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wire", action="store_true", help="GeoVirus and TimeBank/AQUAINT instead")
    args = ap.parse_args()
    picked = {line.split("\t")[0] for line in SELECTION.read_text(encoding="utf-8").splitlines()[1:]}
    by_source: Counter = Counter()
    articles = 0
    for a in (wire_articles() if args.wire else all_articles()):
        if a["doc"] in picked:
            continue
        articles += 1
        for c in process_text(a["text"], published=a.get("published")).claims:
            by_source[a["dataset"]] += 1
            actor = c.actor["name"] if c.actor else "-"
            print(f"{a['doc'][:40]}\t{c.type}\t{actor}\t{c.confidence}\t{c.evidence.text[:160]}")
    print(f"{sum(by_source.values())} claims in {articles} articles: {dict(by_source)}", file=sys.stderr)


if __name__ == "__main__":
    main()
