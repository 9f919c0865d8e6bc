"""Isolation: an article that segfaults, hangs in native code, exhausts memory or kills its worker
costs only itself; the batch goes on, in order, and the run finishes.

The faults are real (a NULL read through ctypes, a catastrophic regex in the C engine, an
allocation past RLIMIT_AS, os._exit), raised by a stage registered here for the test: the worker
processes are forked from this one, so they have it."""
from __future__ import annotations

import ctypes
import json
import os
import re
import sqlite3
import time

import pytest
from conftest import read_jsonl, run_muster

from muster.model import Article, InputError
from muster.pipeline import load_config, run_mode
from muster.registry import stage
from muster.supervise import Budget


@stage("fault")
def _fault(article: Article, config: dict) -> Article:
    text = article.text
    if "SEGFAULT" in text:
        ctypes.string_at(0)
    if "HANG" in text:  # backtracks for ever inside the C regex engine, holding the GIL
        re.match(r"(a|aa)+$", "a" * 64 + "b")
    if "MEMORY" in text:
        _ = b"x" * (3 << 30)
    if "EXIT" in text:
        os._exit(3)
    if "RAISE" in text:
        raise ValueError("a bug in a stage")
    return article


CONFIG = load_config({"pipeline": {"extract": ["fault", "clean", "metadata", "sentences"]}})


def _articles(texts: list[str]) -> list[Article]:
    return [Article(doc=f"d{i}", text=t, raw=t) for i, t in enumerate(texts)]


def _run(texts: list[str], workers: int, budget: Budget) -> list[tuple[str, str]]:
    out = run_mode(_articles(texts), "extract", CONFIG, workers=workers, budget=budget)
    return [(i.source, i.reason) if isinstance(i, InputError) else (i.doc, "ok") for i in out]


@pytest.mark.parametrize("workers", [1, 2])
def test_each_fault_costs_only_its_article(workers):
    texts = ["Good one.", "SEGFAULT", "Good two.", "HANG", "Good three.", "MEMORY", "EXIT", "RAISE",
             "Good four."] + [f"More {i}." for i in range(20)]
    t0 = time.monotonic()
    got = _run(texts, workers, Budget(seconds=3, memory_mb=1024))
    assert time.monotonic() - t0 < 60
    assert [doc for doc, _ in got] == [f"d{i}" for i in range(len(texts))]  # every one, in input order
    reasons = dict(got)
    assert "killed by SIGSEGV" in reasons["d1"]
    assert "took longer than the budget of 3 s per article" in reasons["d3"]
    assert "memory budget of 1,024 MB" in reasons["d5"]
    assert "exited with status 3" in reasons["d6"]
    assert "processing failed (ValueError: a bug in a stage)" in reasons["d7"]
    assert [doc for doc, r in got if r == "ok"] == ["d0", "d2", "d4", "d8"] + [f"d{i}" for i in range(9, 29)]


def test_reading_errors_keep_their_place():
    items = [InputError("bad.txt", "empty input"), *_articles(["One.", "Two."])]
    out = list(run_mode(items, "extract", CONFIG, workers=2, budget=Budget(seconds=5)))
    assert [type(i).__name__ for i in out] == ["InputError", "Article", "Article"]


# a claim sentence 20,000 times (2 MB): every stage's cost is linear now, and this still takes over
# a minute, far over a budget of 2 s ("." * 100,000, the poison of issue 15, takes a second now)
POISON = "Islamic State has recruited 500 fighters in Raqqa, Syria, since January 2015, a spokesman said. " * 20_000
GOOD = ("Fighters join the group\n\nThe group recruited 40 fighters in the town last month, "
        "residents said.")


def test_ingest_finishes_past_a_stalling_article_and_records_it(tmp_path):
    src = tmp_path / "batch.jsonl"
    src.write_text("\n".join(json.dumps({"doc": d, "text": t}) for d, t in
                             [("before", GOOD), ("poison", POISON), ("after", GOOD + " Again.")]) + "\n",
                   encoding="utf-8")
    db = tmp_path / "l.db"
    proc = run_muster("ingest", str(src), "--db", str(db), "--article-timeout", "2")
    assert proc.returncode == 1, proc.stderr
    assert "muster: error: poison: took longer than the budget of 2 s per article" in proc.stderr
    con = sqlite3.connect(db)
    assert sorted(r[0] for r in con.execute("SELECT doc FROM articles")) == ["after", "before"]
    assert [r[0] for r in con.execute("SELECT source FROM errors")] == ["poison"]
    assert con.execute("SELECT finished IS NOT NULL FROM runs").fetchone()[0] == 1
    # the next run skips it (no budget spent on it again), unless asked
    t0 = time.monotonic()
    proc = run_muster("ingest", str(src), "--db", str(db), "--article-timeout", "60")
    assert proc.returncode == 1 and time.monotonic() - t0 < 55
    assert "muster: error: poison: skipped: it exhausted its budget" in proc.stderr
    proc = run_muster("ingest", str(src), "--db", str(db), "--article-timeout", "2", "--retry-failed")
    assert "poison: took longer than the budget" in proc.stderr
    out = tmp_path / "out.jsonl"
    proc = run_muster("extract", str(src), "-o", str(out), "--article-timeout", "2", "--workers", "2")
    assert proc.returncode == 1 and [r["doc"] for r in read_jsonl(out)] == ["before", "after"]


def test_html_pages_are_read_in_the_worker_the_same_way(tmp_path):
    """`extract` leaves the HTML page to the "htmlpage" stage (in the worker, within the budget);
    the record is the one the reader gives in-process."""
    from muster.pipeline import extract, pipeline_for
    from muster.read import read_all

    html = ("<html><head><title>Militants recruit fighters in the north</title></head><body><article>"
            + "".join(f"<p>Paragraph {i} says the group recruited 300 young men in Mosul last year, officials said.</p>"
                      for i in range(5)) + "</article></body></html>")
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    (tmp_path / "empty.html").write_text("<html><body></body></html>", encoding="utf-8")
    expected = [i.to_extract() if isinstance(i, Article) else (i.source, i.reason)
                for i in pipeline_for("extract").run(read_all([str(tmp_path)]))]
    got = [i.to_extract() if isinstance(i, Article) else (i.source, i.reason)
           for i in extract([str(tmp_path)], budget=Budget(seconds=60))]
    assert got == expected
    assert expected[0] == (str(tmp_path / "empty.html"), "HTML page with no main text")
    assert expected[1]["claims"] and "Paragraph 3 says" in expected[1]["article"]["text"]


def test_an_input_stored_after_a_retry_is_skipped_no_more(tmp_path):
    from muster.ledger import Ledger

    art = Article(doc="a", text="The group recruited 40 fighters.", raw="")
    with Ledger(tmp_path / "l.db") as led:
        led.ingest([InputError("a", "took longer than the budget", input_hash=art.input_hash())])
        assert led.failed_inputs() == {art.input_hash()}
        led.ingest([art])
        assert led.failed_inputs() == set()
        assert len(led.errors()) == 1  # the error is kept, as history


def test_a_retried_input_that_now_passes_is_stored_and_forgiven(tmp_path):
    from muster.ledger import Ledger, ingest_paths

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("HANG for the first run only.", encoding="utf-8")
    db = tmp_path / "l.db"
    report = ingest_paths(str(db), [str(tmp_path / "in")], CONFIG, budget=Budget(seconds=2))
    assert report.errors == 1 and report.articles == 0
    report = ingest_paths(str(db), [str(tmp_path / "in")], CONFIG, budget=Budget(seconds=2))
    assert report.errors == 1  # skipped, at no cost
    with Ledger(db) as led:
        assert "skipped" in led.errors()[-1]["reason"] and len(led.failed_inputs()) == 1
    light = load_config({"pipeline": {"extract": ["clean", "metadata", "sentences"]}})
    report = ingest_paths(str(db), [str(tmp_path / "in")], light, budget=Budget(seconds=2), retry_failed=True)
    assert report.errors == 0 and report.articles == 1
    with Ledger(db) as led:
        assert led.failed_inputs() == set()


def test_annotate_has_the_same_budget_per_article(tmp_path):
    src = tmp_path / "batch.jsonl"
    src.write_text("\n".join(json.dumps({"doc": d, "text": t}) for d, t in
                             [("before", GOOD), ("poison", POISON), ("after", GOOD + " Again.")]) + "\n",
                   encoding="utf-8")
    out = tmp_path / "layers.jsonl"
    t0 = time.monotonic()
    proc = run_muster("annotate", str(src), "-o", str(out), "--article-timeout", "2")
    assert time.monotonic() - t0 < 60
    assert proc.returncode == 1, proc.stderr
    assert "muster: error: poison: took longer than the budget of 2 s per article" in proc.stderr
    records = read_jsonl(out)
    assert [r["doc"] for r in records] == ["before", "after"]
    assert [q["text"] for q in records[0]["quantities"]] == ["40 fighters"]  # the layers of the others
