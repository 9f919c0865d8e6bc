"""The Dask runner: a real distributed.LocalCluster of 2 worker processes ingests the bundled examples
and a slice of the corpus, and the ledger is the same, row for row, as a single-process ingest's,
also when a worker is killed mid-run."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
from pathlib import Path

import pytest

from conftest import EXAMPLES, SHARED, run_muster

distributed = pytest.importorskip("distributed", reason="dask/distributed not installed (pip install -e .)")

from muster import dask_runner  # noqa: E402
from muster.ledger import Ledger  # noqa: E402
from muster.pipeline import extract, load_config  # noqa: E402
from muster.read import read_all  # noqa: E402
from muster.model import InputError  # noqa: E402
from muster.supervise import Budget  # noqa: E402

# the slice of the corpus: small, because CI has 2 cores
SLICE = 24
PART = 6
# columns that say when, not what
TIMES = {"first_ingested", "last_ingested", "started", "finished", "at", "first_seen", "last_seen"}


def _corpus_slice(tmp_path: Path) -> Path:
    corpus = SHARED / "data" / "corpus" / "news.jsonl"
    if not corpus.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{corpus} is absent under CI")
        pytest.skip(f"{corpus} is absent (../shared/data is not copied into the project)")
    reserved_file = SHARED / "eval" / "reserved_docs.txt"
    reserved = set(reserved_file.read_text().split()) if reserved_file.exists() else set()
    lines = []
    with open(corpus, encoding="utf-8") as fh:
        for line in fh:
            if json.loads(line).get("doc") not in reserved:
                lines.append(line)
            if len(lines) == SLICE:
                break
    out = tmp_path / "slice.jsonl"
    out.write_text("".join(lines), encoding="utf-8")
    return out


def _dump(db: Path) -> dict[str, list[tuple]]:
    """Every table of the ledger, timestamps left out, in a fixed order."""
    con = sqlite3.connect(db)
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                        "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%fts%' ORDER BY name")]
    out = {}
    for t in tables:
        cols = [r[1] for r in con.execute(f"PRAGMA table_info({t})") if r[1] not in TIMES]
        rows = con.execute(f"SELECT {', '.join(repr(c).replace(chr(39), chr(34)) for c in cols)} FROM {t}").fetchall()
        out[t] = sorted(rows, key=repr)
    con.close()
    return out


@pytest.fixture(scope="module")
def client():
    with dask_runner.client_for(local_workers=2) as c:
        yield c


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[str]:
    tmp = tmp_path_factory.mktemp("dask")
    return [str(EXAMPLES), str(_corpus_slice(tmp))]


@pytest.fixture(scope="module")
def single_db(tmp_path_factory, inputs) -> Path:
    """The reference: the same inputs ingested in this process."""
    db = tmp_path_factory.mktemp("single") / "single.db"
    with Ledger(db) as led:
        led.ingest(extract(inputs, load_config(), skip=set()), inputs=inputs)
    return db


def test_partitions_cut_big_jsonl_at_line_ends_and_keep_line_numbers(tmp_path):
    lines = [json.dumps({"text": f"Article number {i} about Raqqa."}) for i in range(1, 24)]
    lines.insert(5, "{not json")
    f = tmp_path / "big.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    parts = list(dask_runner.partitions([str(f)], 10**7, part_size=5))
    assert len(parts) == 5 and all(len(p.pieces) == 1 for p in parts)
    assert [p.pieces[0].first_line for p in parts] == [1, 6, 11, 16, 21]
    config = load_config()
    got = [it for p in parts for piece in p.pieces for it in dask_runner.read_piece(piece, 10**7, False)]
    want = list(read_all([str(f)]))
    assert [(type(x).__name__, getattr(x, "doc", None) or str(x)) for x in got] == \
           [(type(x).__name__, getattr(x, "doc", None) or str(x)) for x in want]
    assert str(got[5]).startswith(f"{f}:6:")  # the bad line named by its number in the whole file
    assert config["read"]["max_bytes"] > 0


def test_small_files_are_grouped_into_partitions():
    parts = list(dask_runner.partitions([str(EXAMPLES)], 10**7, part_size=2))
    assert [len(p.pieces) for p in parts] == [2, 2, 1]
    assert [p.index for p in parts] == [0, 1, 2]


def test_cluster_ingest_matches_single_process_row_for_row(client, inputs, single_db, tmp_path):
    db = tmp_path / "dask.db"
    with Ledger(db) as led:
        items = dask_runner.run_on_cluster(client, inputs, "extract", load_config(), Budget(), skip=set(),
                                           part_size=PART)
        report = led.ingest(items, inputs=inputs)
    assert report.articles >= SLICE  # every article of the slice, and the examples
    ref, got = _dump(single_db), _dump(db)
    assert ref["claims"], "the reference holds no claims: the comparison would prove nothing"
    for table in ref:
        assert got[table] == ref[table], f"table {table} differs"


def test_a_worker_killed_mid_run_loses_nothing_and_stores_nothing_twice(client, inputs, single_db, tmp_path):
    db = tmp_path / "killed.db"
    pids = client.run(os.getpid)
    killed = []

    def items():
        for n, item in enumerate(dask_runner.run_on_cluster(client, inputs, "extract", load_config(), Budget(),
                                                            skip=set(), part_size=PART)):
            if n == 1:  # the first results are in; the other partitions are out on the workers
                addr, pid = sorted(pids.items())[0]
                os.kill(pid, signal.SIGKILL)
                killed.append(addr)
            yield item

    with Ledger(db) as led:
        report = led.ingest(items(), inputs=inputs)
    assert killed, "no worker was killed"
    assert report.errors == _dump(single_db)["errors"].__len__()
    ref, got = _dump(single_db), _dump(db)
    for table in ref:
        assert got[table] == ref[table], f"table {table} differs after a worker was killed"
    client.wait_for_workers(2, timeout=120)  # the nanny brought it back


def test_cli_ingest_and_extract_parquet_on_a_local_cluster(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    db = tmp_path / "cli.db"
    proc = run_muster("ingest", str(EXAMPLES), "--db", str(db), "--dask-local", "2")
    assert proc.returncode == 0, proc.stderr
    with Ledger(db, create=False) as led:
        assert led.stats()["articles"] == len(list(EXAMPLES.iterdir()))
    out = tmp_path / "claims.parquet"
    proc = run_muster("extract", str(EXAMPLES), "-f", "parquet", "-o", str(out), "--dask-local", "2")
    assert proc.returncode == 0, proc.stderr
    table = pq.read_table(out)
    with Ledger(db, create=False) as led:
        want = sorted(r["evidence"] for r in led.claims())
    assert sorted(table.column("evidence").to_pylist()) == want and want
    parts = tmp_path / "parts"
    proc = run_muster("extract", str(EXAMPLES), "-o", f"{parts}/", "-f", "parquet", "--dask-local", "2")
    assert proc.returncode == 0, proc.stderr
    assert sorted(r for f in sorted(parts.iterdir()) for r in pq.read_table(f).column("evidence").to_pylist()) == want
    proc = run_muster("extract", str(EXAMPLES), "-o", f"{parts}/")
    assert proc.returncode == 2 and "is a directory" in proc.stderr


# a claim sentence 20,000 times (2 MB): linear in every stage now, and still far over 3 s ("." * 100,000,
# the poison of issue 15, takes about a second since the stages' cost was made linear)
STALLING = "Islamic State has recruited 500 fighters in Raqqa, Syria, since January 2015, a spokesman said. " * 20_000


def test_each_task_keeps_the_per_article_budget(client, tmp_path):
    """An article that stalls in native code costs only itself on the cluster too."""
    good = "The group recruited 40 fighters in the town last month, residents said."
    src = tmp_path / "poison.jsonl"
    src.write_text("\n".join(json.dumps({"doc": d, "text": t}) for d, t in
                             [("before", good), ("poison", STALLING), ("after", good + " Again.")]) + "\n",
                   encoding="utf-8")
    out = list(dask_runner.run_on_cluster(client, [str(src)], "extract", load_config(), Budget(seconds=3),
                                          skip=set()))
    assert [getattr(x, "doc", None) or x.source for x in out] == ["before", "poison", "after"]
    assert "took longer than the budget of 3 s per article" in out[1].reason
    assert out[1].input_hash  # the ledger will skip it next time


def test_partitioned_output_one_file_a_partition_same_records(client, inputs, tmp_path):
    from conftest import read_jsonl

    out_dir = tmp_path / "parts"
    out_dir.mkdir()
    config = load_config()
    parts = dask_runner.partitions(inputs, config["read"]["max_bytes"], part_size=PART)
    written = [w for _, w in dask_runner._in_order(client, parts, dask_runner.write_partition,
                                                   (config, Budget(), str(out_dir), "jsonl"), None)]
    files = sorted(out_dir.iterdir())
    assert [f.name for f in files] == [f"part-{k:05d}.jsonl" for k in range(len(written))]
    got = [rec for f in files for rec in read_jsonl(f)]
    want = [a.to_extract() for a in extract(inputs, config) if not isinstance(a, InputError)]
    assert json.dumps(got, sort_keys=True) == json.dumps(want, sort_keys=True)
    assert sum(w.articles for w in written) == len(want)


def test_an_input_error_keeps_its_place_among_the_partitions(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("One.", encoding="utf-8")
    b.write_text("Two.", encoding="utf-8")
    out = list(dask_runner.partitions([str(a), "-", str(b)], 10**7, part_size=8))
    assert [type(x).__name__ for x in out] == ["Partition", "InputError", "Partition"]
    assert "standard input" in out[1].reason
