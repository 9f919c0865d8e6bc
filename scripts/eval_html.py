#!/usr/bin/env python3
"""Score Muster's HTML reader on Zyte's article-extraction benchmark (../shared/data/html).

    python scripts/eval_html.py [--data ../shared/data/html]

Reads every page with `muster.read.read_source` (trafilatura for the main text), writes the
benchmark's prediction file and runs the benchmark's own evaluate.py on it. The headline that
Muster puts at the top of the article text (it can hold claims) is not part of the benchmark's
articleBody, so it is left out of what is scored.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from muster.model import Article
from muster.read import read_source


def body_of(article: Article) -> str:
    title = article.given.get("title")
    text = article.text
    if title and text.startswith(title + "\n\n"):
        text = text[len(title) + 2:]
    return text


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data" / "html"))
    args = ap.parse_args()
    data = Path(args.data)
    if not (data / "ground-truth.json").exists():
        sys.exit(f"{data}: no ground-truth.json (the benchmark is not there)")
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pred, failed = {}, 0
    t0 = time.perf_counter()
    for key in truth:
        items = list(read_source(str(data / "html" / f"{key}.html.gz")))
        art = items[0] if items and isinstance(items[0], Article) else None
        failed += art is None
        pred[key] = {"articleBody": body_of(art) if art else ""}
    elapsed = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(data / "evaluate.py", tmp)
        shutil.copy(data / "ground-truth.json", tmp)
        (Path(tmp) / "output").mkdir()
        (Path(tmp) / "output" / "muster.json").write_text(json.dumps(pred), encoding="utf-8")
        res = subprocess.run([sys.executable, "evaluate.py", "--n-bootstrap", "100", "--output", "metrics.json"],
                             cwd=tmp, capture_output=True, text=True, check=True)
        metrics = json.loads((Path(tmp) / "metrics.json").read_text())["muster"]
    print(res.stdout.strip())
    print(f"pages {len(truth)}, unread {failed}, {elapsed:.1f} s; "
          f"F1 {metrics['f1']:.3f} P {metrics['precision']:.3f} R {metrics['recall']:.3f}")


if __name__ == "__main__":
    main()
