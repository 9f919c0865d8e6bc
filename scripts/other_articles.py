"""Real news from outside the corpus, read from ../shared/data as Muster's JSON-lines articles.

The articles of PolNeAR (US political news, 2015-16), TR-News and LGL (geoparsing gold) and the ISAF
press releases (Afghanistan, 2009-13), each as {doc, text, title, published, outlet, dataset}, with
a `doc` id that names its source: `polnear_<file name>`, `trnews_<docid>`, `lgl_<docid>`,
`isaf_<line number>`. Used by training/other/ (a blind check of claims on other outlets and genres)
and `scripts/eval_claims.py --other`. Nothing here is copied into the repository.
"""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Iterator

from shared_eval import SHARED

DATA = SHARED / "data"


def polnear() -> Iterator[dict]:
    meta = DATA / "attribution" / "metadata.tsv"
    with open(meta, encoding="utf-8", newline="") as f:
        rows = {r["filename"]: r for r in csv.DictReader(f, delimiter="\t")}
    for path in sorted((DATA / "attribution").glob("*/text/*.txt")):
        r = rows.get(path.stem, {})
        yield {"doc": f"polnear_{path.stem}", "text": path.read_text(encoding="utf-8"), "title": r.get("title"),
               "published": r.get("publication_date"), "outlet": r.get("publisher"), "dataset": "PolNeAR"}


_ARTICLE = re.compile(r'<article docid="(\d+)">(.*?)</article>', re.S)


def _tag(xml: str, name: str) -> str | None:
    m = re.search(rf"<{name}>(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?</{name}>", xml, re.S)
    return m.group(1).strip() if m else None


def geoparsing(name: str, prefix: str) -> Iterator[dict]:
    xml = (DATA / "geo" / name).read_text(encoding="utf-8")
    for m in _ARTICLE.finditer(xml):
        body = m.group(2)
        yield {"doc": f"{prefix}_{m.group(1)}", "text": _tag(body, "text") or "", "title": _tag(body, "title"),
               "published": _tag(body, "dltime"), "outlet": _tag(body, "domain"), "dataset": name}


def isaf() -> Iterator[dict]:
    with open(DATA / "time" / "isaf_dev.jsonl", encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            text = json.loads(line)["text"].replace("\u2028", "\n")
            yield {"doc": f"isaf_{i}", "text": text, "title": None, "published": None, "outlet": "ISAF",
                   "dataset": "ISAF press releases"}


def all_articles() -> Iterator[dict]:
    yield from polnear()
    yield from geoparsing("TR-News.xml", "trnews")
    yield from geoparsing("lgl.xml", "lgl")
    yield from isaf()


def articles(docs: set[str]) -> list[dict]:
    """The articles with these ids."""
    return [a for a in all_articles() if a["doc"] in docs]
