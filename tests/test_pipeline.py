"""The pipeline's front door with several worker processes: the same records, in input order."""
from __future__ import annotations

import json
import re

from conftest import EXAMPLES, read_jsonl, run_muster

from muster.model import InputError
from muster.pipeline import extract


def _records(items) -> list:
    return [("error", i.source) if isinstance(i, InputError) else i.to_extract() for i in items]


def test_workers_give_the_same_records_in_order(tmp_path):
    bad = tmp_path / "missing.txt"  # an input error keeps its place among the articles
    paths = sorted(str(p) for p in EXAMPLES.iterdir())
    paths = paths[:2] + [str(bad)] + paths[2:]
    one = _records(extract(paths, workers=1))
    two = _records(extract(paths, workers=2))
    assert len(one) == len(paths)
    assert ("error", str(bad)) in one
    assert two == one
    assert sum(len(r["claims"]) for r in one if isinstance(r, dict)) > 0  # the examples hold claims


def test_cli_extract_workers_same_output(tmp_path):
    a, b = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert run_muster("extract", str(EXAMPLES), "-o", str(a)).returncode == 0
    proc = run_muster("extract", str(EXAMPLES), "-o", str(b), "--workers", "2")
    assert proc.returncode == 0, proc.stderr
    assert b.read_text(encoding="utf-8") == a.read_text(encoding="utf-8")
    assert len(read_jsonl(a)) == len(list(EXAMPLES.iterdir()))


def test_cli_ingest_workers_same_ledger(tmp_path):
    exports = []
    for workers in ("1", "2"):
        db = tmp_path / f"w{workers}.db"
        proc = run_muster("ingest", str(EXAMPLES), "--db", str(db), "--workers", workers)
        assert proc.returncode == 0, proc.stderr
        out = tmp_path / f"w{workers}.jsonl"
        assert run_muster("export", "--db", str(db), "-o", str(out)).returncode == 0
        # ingestion times differ, nothing else may
        text = re.sub(r'"\d{4}-\d\d-\d\dT[\d:.]+(?:\+00:00|Z)?"', '"T"', out.read_text(encoding="utf-8"))
        exports.append([json.loads(line) for line in text.splitlines() if line.strip()])
    assert exports[0] == exports[1]
    assert sum(len(r["claims"]) for r in exports[0]) > 0
