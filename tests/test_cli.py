"""The ledger's command line, run as a user runs it: ingest, claims, search, show, export, import."""
from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from conftest import EXAMPLES, ROOT, read_jsonl, run_muster, shared_path
from test_ledger import article_a, article_b, article_c, claim_id_of

from muster.ledger import Ledger


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A ledger with known claims (built through the library; the CLI only reads it)."""
    db = tmp_path_factory.mktemp("cli") / "known.db"
    with Ledger(db) as led:
        led.ingest([article_a(), article_b(), article_c(),
                    article_b(published="2017-10-13", outlet="Aftonbladet", edit=" More.")])
    return db


def test_ingest_examples_then_reingest_changes_nothing(tmp_path):
    db = tmp_path / "ex.db"
    proc = run_muster("ingest", str(EXAMPLES), "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert "5 articles" in proc.stderr and "5 new" in proc.stderr
    con = sqlite3.connect(db)
    before = [con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "claims", "places")]
    assert before[0] == 5
    proc = run_muster("ingest", str(EXAMPLES), "--db", str(db))
    assert proc.returncode == 0 and "0 new, 5 updated" in proc.stderr
    after = [con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "claims", "places")]
    assert after == before
    proc = run_muster("claims", "--db", str(db))
    assert proc.returncode == 0 and "in 5 articles" in proc.stderr


def test_bad_inputs_are_reported_recorded_and_skipped(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.txt").write_text("Fighters join the group\n\nThe group recruited 40 fighters in "
                                              "the town last month, residents said.", encoding="utf-8")
    (tmp_path / "in" / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "in" / "bin.txt").write_bytes(b"\x00\x01\x02binary")
    db = tmp_path / "b.db"
    proc = run_muster("ingest", str(tmp_path / "in"), "--db", str(db))
    assert proc.returncode == 1
    assert "empty.txt: empty input" in proc.stderr and "bin.txt: binary file" in proc.stderr
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    errs = dict(con.execute("SELECT source, reason FROM errors").fetchall())
    assert {s.rsplit("/", 1)[-1] for s in errs} == {"empty.txt", "bin.txt"}


def test_claims_filters_and_formats(built, tmp_path):
    proc = run_muster("claims", "--db", str(built), "--type", "strength", "--country", "Syria", "-f", "jsonl")
    recs = [json.loads(x) for x in proc.stdout.splitlines()]
    assert proc.returncode == 0 and len(recs) == 2 and {r["type"] for r in recs} == {"strength"}
    proc = run_muster("claims", "--db", str(built), "--type", "strength", "--independent", "-f", "jsonl")
    assert len(proc.stdout.splitlines()) == 1
    proc = run_muster("claims", "--db", str(built), "--near", "36.34,43.13,50", "--children", "--forced")
    assert proc.returncode == 0 and "recruitment" in proc.stdout and "Mosul" in proc.stdout
    assert "1 claims" in proc.stderr
    proc = run_muster("claims", "--db", str(built), "--since", "2016", "--until", "2016-12-31",
                      "--actor", "Q188753", "--speaker", "united nations", "--text", "foreign", "-f", "csv")
    assert proc.returncode == 0 and len(proc.stdout.strip().splitlines()) == 2 and "Mogadishu" in proc.stdout
    out = tmp_path / "map.geojson"
    proc = run_muster("claims", "--db", str(built), "--no-children", "-f", "geojson", "-o", str(out))
    assert proc.returncode == 0 and json.loads(out.read_text())["features"] == []
    out = tmp_path / "all.geojson"
    run_muster("claims", "--db", str(built), "-f", "geojson", "-o", str(out), check=True)
    assert len(json.loads(out.read_text())["features"]) == 8


def test_claims_filtered_and_sorted_by_confidence(tmp_path):
    """Analysts sort and filter by the calibrated confidence (issue #12): the surest first, a floor kept."""
    built = tmp_path / "ex.db"
    run_muster("ingest", str(EXAMPLES), "--db", str(built), check=True)
    proc = run_muster("claims", "--db", str(built), "--sort", "confidence", "-f", "jsonl")
    recs = [json.loads(x) for x in proc.stdout.splitlines()]
    confidences = [r["confidence"] for r in recs]
    every = run_muster("claims", "--db", str(built), "-f", "jsonl").stdout.splitlines()
    assert proc.returncode == 0 and len(recs) == len(every) > 2 and None not in confidences
    assert confidences == sorted(confidences, reverse=True) and confidences[0] > confidences[-1]
    floor = sorted(set(confidences))[1]  # above the least sure claim(s)
    proc = run_muster("claims", "--db", str(built), "--min-confidence", str(floor), "-f", "jsonl")
    kept = [json.loads(x) for x in proc.stdout.splitlines()]
    assert kept and all(r["confidence"] >= floor for r in kept) and len(kept) == sum(c >= floor for c in confidences)
    proc = run_muster("claims", "--db", str(built), "--min-confidence", "1.5")
    assert proc.returncode == 2 and "--min-confidence" in proc.stderr


@pytest.mark.parametrize("args, message", [
    (["--near", "36.3,43.1"], "LAT,LON,KM"),
    (["--near", "north,43.1,5"], "three numbers"),
    (["--since", "last week"], "YYYY-MM-DD"),
    (["--country", "Atlantis"], "unknown country"),
    (["--type", "pizza"], "pizza"),
])
def test_bad_filter_values_are_clean_errors(built, args, message):
    proc = run_muster("claims", "--db", str(built), *args)
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr


def test_missing_or_foreign_database_is_a_clean_error(tmp_path):
    for cmd in (["claims"], ["search", "x"], ["show", "abc"], ["export"]):
        proc = run_muster(*cmd, "--db", str(tmp_path / "none.db"))
        assert proc.returncode == 1 and "no ledger at" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "none.db").exists()
    (tmp_path / "junk.db").write_bytes(b"not sqlite" * 200)
    proc = run_muster("claims", "--db", str(tmp_path / "junk.db"))
    assert proc.returncode == 1 and "not a usable SQLite database" in proc.stderr


def test_search_and_show(built):
    proc = run_muster("search", "Raqqa training", "--db", str(built))
    assert proc.returncode == 0 and "articles (" in proc.stdout and "claims (" in proc.stdout
    assert "[Raqqa]" in proc.stdout and "[training]" in proc.stdout  # matches marked when piped
    proc = run_muster("search", "zebra", "--db", str(built))
    assert proc.stdout.strip() == "no matches"
    proc = run_muster("search", "Mosul", "--db", str(built), "-f", "jsonl")
    kinds = {json.loads(x)["kind"] for x in proc.stdout.splitlines()}
    assert kinds == {"article", "claim"}
    b = article_b()
    proc = run_muster("show", claim_id_of(b, 1), "--db", str(built))
    assert proc.returncode == 0
    assert "[[The coalition estimates that about 2,500 ISIS fighters remain in Raqqa" in proc.stdout
    assert "copied by" in proc.stdout and "strength" in proc.stdout
    proc = run_muster("show", "a.txt", "--db", str(built), "--json")
    assert json.loads(proc.stdout)["outlet"] == "ARA News"
    proc = run_muster("show", "no-such-thing", "--db", str(built))
    assert proc.returncode == 1 and "no article or claim" in proc.stderr


def test_export_import_round_trip(built, tmp_path):
    exp = tmp_path / "ledger.jsonl"
    proc = run_muster("export", "--db", str(built), "-o", str(exp))
    assert proc.returncode == 0 and "exported 4 articles" in proc.stderr
    db2 = tmp_path / "copy.db"
    proc = run_muster("import", str(exp), "--db", str(db2))
    assert proc.returncode == 0, proc.stderr
    exp2 = tmp_path / "again.jsonl"
    run_muster("export", "--db", str(db2), "-o", str(exp2), check=True)

    def key(recs):
        return [(r["article"], r["claims"], r["ledger"]["duplicate_of"]) for r in recs]

    assert key(read_jsonl(exp2)) == key(read_jsonl(exp))
    proc = run_muster("export", "--db", str(built), "-f", "csv")
    assert len(proc.stdout.strip().splitlines()) == 1 + 7


def test_killed_ingest_resumes_without_duplicates(tmp_path):
    """SIGKILL a real `muster ingest` once some articles are in; the rerun completes the batch.
    (More articles than a block of the pipeline's batching, which stores 64 at a time, so that the
    kill can fall between two blocks.)"""
    lines = shared_path("data", "corpus", "news.jsonl").read_text(encoding="utf-8").splitlines()[:150]
    src = tmp_path / "batch.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "k.db"
    cmd = [sys.executable, "-m", "muster.cli", "ingest", str(src), "--db", str(db)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def count() -> int:
        try:
            with sqlite3.connect(db, timeout=5) as con:
                return con.execute("SELECT count(*) FROM articles").fetchone()[0]
        except sqlite3.OperationalError:
            return 0

    t0 = time.monotonic()
    while count() < 2 and proc.poll() is None and time.monotonic() - t0 < 120:
        time.sleep(0.05)
    killed = proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = count()
    assert stored >= 2 and (stored < len(lines) or not killed)
    assert con.execute("SELECT count(*) FROM articles a LEFT JOIN minhashes m ON m.article_id = a.id "
                       "WHERE m.article_id IS NULL").fetchone()[0] == 0
    proc = run_muster("ingest", str(src), "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert count() == len({json.loads(x)["text"] for x in lines})
    assert con.execute("SELECT count(*) FROM article_inputs").fetchone()[0] == len(lines)
