"""Parquet output: the columns of claims_view, typed, the same claims as the ledger."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from conftest import EXAMPLES, run_muster

pq = pytest.importorskip("pyarrow.parquet", reason="pyarrow not installed (pip install -e .)")

from muster import parquet  # noqa: E402
from muster.ledger import Ledger  # noqa: E402


@pytest.fixture(scope="module")
def ledger(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("pq") / "l.db"
    proc = run_muster("ingest", str(EXAMPLES), "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    return db


def test_columns_are_claims_view_in_order(ledger):
    con = sqlite3.connect(ledger)
    view = [r[1] for r in con.execute("PRAGMA table_info(claims_view)")]
    assert [name for name, _ in parquet.COLUMNS] == view


def test_export_parquet_holds_every_claim_with_types(ledger, tmp_path):
    out = tmp_path / "c.parquet"
    proc = run_muster("export", "--db", str(ledger), "-f", "parquet", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    table = pq.read_table(out)
    with Ledger(ledger, create=False) as led:
        rows = led.claims()
    assert table.num_rows == len(rows) > 0
    assert str(table.schema.field("hedged").type) == "bool"
    assert str(table.schema.field("count_low").type) == "double"
    assert str(table.schema.field("evidence_start").type) == "int64"
    got = {r["id"]: r for r in table.to_pylist()}
    for r in rows:
        g = got[r["id"]]
        assert (g["type"], g["evidence"], g["actor"], g["hedged"], g["doc"]) == \
               (r["type"], r["evidence"], r["actor"], r["hedged"], r["doc"])
        assert [loc["name"] for loc in g["locations"]] == [loc["name"] for loc in r["locations"]]
        assert g["count_low"] == (None if r["count_low"] is None else float(r["count_low"]))


def test_extract_parquet_matches_export_of_an_ingest(ledger, tmp_path):
    out = tmp_path / "x.parquet"
    proc = run_muster("extract", str(EXAMPLES), "-f", "parquet", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    exported = tmp_path / "e.parquet"
    assert run_muster("export", "--db", str(ledger), "-f", "parquet", "-o", str(exported)).returncode == 0
    a, b = pq.read_table(out).to_pylist(), pq.read_table(exported).to_pylist()
    assert sorted((r["id"], r["evidence"], r["confidence"]) for r in a) == \
           sorted((r["id"], r["evidence"], r["confidence"]) for r in b)


def test_parquet_needs_a_file(ledger):
    proc = run_muster("export", "--db", str(ledger), "-f", "parquet")
    assert proc.returncode == 2 and "give it with -o FILE" in proc.stderr


def test_an_empty_ledger_gives_an_empty_table_with_the_schema(tmp_path):
    db = tmp_path / "empty.db"
    Ledger(db).close()
    out = tmp_path / "e.parquet"
    with Ledger(db, create=False) as led:
        assert parquet.export_parquet(led, str(out)) == 0
    t = pq.read_table(out)
    assert t.num_rows == 0 and t.schema.names == [n for n, _ in parquet.COLUMNS]
