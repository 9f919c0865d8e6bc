"""Reading real inputs at scale: Zyte's HTML benchmark and the 2,028-article news corpus."""
from __future__ import annotations

import subprocess
import sys

from conftest import ROOT, shared_path

from muster.model import Article, InputError
from muster.pipeline import Pipeline
from muster.read import read_all

# trafilatura 2.0.0's published F1 on this benchmark is 0.958; we stay within 0.01 of it
HTML_F1_FLOOR = 0.948


def test_html_benchmark_f1_floor():
    data = shared_path("data", "html")
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "eval_html.py"), "--data", str(data)],
                          capture_output=True, text=True, check=True)
    last = proc.stdout.strip().splitlines()[-1]
    f1 = float(last.split("F1 ")[1].split()[0])
    assert "unread 0" in last
    assert f1 >= HTML_F1_FLOOR, last


def test_every_corpus_article_is_read_and_cleaned():
    corpus = shared_path("data", "corpus", "news.jsonl")
    pipe = Pipeline(["clean", "metadata", "sentences"])
    arts = errors = 0
    for item in pipe.run(read_all([str(corpus)])):
        if isinstance(item, InputError):
            errors += 1
        else:
            assert isinstance(item, Article) and item.text and item.sentences
            arts += 1
    assert errors == 0
    assert arts == 2028
