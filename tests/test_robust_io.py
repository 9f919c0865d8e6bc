"""Odd files and paths, full disks, absurd option values and the ledger's edges: one clear error
line each (naming the input and the reason), never a traceback, never a silent loss."""
from __future__ import annotations

import gzip
import os
import sqlite3
import threading

import pytest
from conftest import read_jsonl, run_muster
from test_ledger import article_a, article_b

from muster.ledger import Ledger, LedgerError
from muster.model import Article, InputError
from muster.read import read_all

GOOD = "A headline about the war\n\nThe group recruited 40 fighters in the town, residents said."


def test_a_gzip_bomb_stops_at_the_size_limit(tmp_path):
    bomb = tmp_path / "bomb.txt.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as fh:
        for _ in range(64):  # 64 MB of zeros in about 64 kB
            fh.write(b"\0" * (1 << 20))
    assert bomb.stat().st_size < 200_000
    [err] = list(read_all([str(bomb)], max_bytes=1_000_000))
    assert isinstance(err, InputError) and "too large once decompressed" in err.reason
    (tmp_path / "bad.txt.gz").write_bytes(b"\x1f\x8b not gzip at all")
    [err] = list(read_all([str(tmp_path / "bad.txt.gz")]))
    assert "not a valid gzip file" in err.reason


def test_gzip_bomb_memory_stays_bounded(tmp_path):
    """The reader's own peak (tracemalloc) stays near the limit, not the decompressed size."""
    import tracemalloc

    bomb = tmp_path / "bomb.txt.gz"
    with gzip.open(bomb, "wb") as fh:
        for _ in range(200):
            fh.write(b"a" * (1 << 20))
    tracemalloc.start()
    list(read_all([str(bomb)], max_bytes=2_000_000))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 20_000_000


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifos_and_devices_are_refused_without_opening(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    items = []
    # a reader that opened the FIFO would block for ever: run it in a thread with a deadline
    t = threading.Thread(target=lambda: items.extend(read_all([str(tmp_path), "/dev/zero"])), daemon=True)
    t.start()
    t.join(30)
    assert not t.is_alive(), "reading blocked on the FIFO"
    errors = {os.path.basename(i.source): i.reason for i in items if isinstance(i, InputError)}
    assert errors == {"pipe.txt": "not a regular file (a FIFO); refused",
                      "zero": "not a regular file (a character device); refused"}
    assert [i.doc for i in items if isinstance(i, Article)] == ["good.txt"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every directory; permissions cannot be tested")
def test_an_unreadable_directory_is_reported(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.txt").write_text(GOOD, encoding="utf-8")
    locked.chmod(0)
    try:
        items = list(read_all([str(tmp_path)]))
    finally:
        locked.chmod(0o755)
    assert [(i.source, i.reason) for i in items] == [(str(locked), "cannot read directory (permission denied)")]


def test_walk_errors_are_reported_not_skipped(tmp_path, monkeypatch):
    """The same, where permissions cannot be tested (as root): os.walk's error handler is called."""
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    real_walk = os.walk

    def walk(top, onerror=None, **kw):
        onerror(PermissionError(13, "Permission denied", str(tmp_path / "locked")))
        yield from real_walk(top, onerror=onerror, **kw)

    monkeypatch.setattr(os, "walk", walk)
    items = list(read_all([str(tmp_path)]))
    assert isinstance(items[0], InputError) and items[0].reason == "cannot read directory (permission denied)"
    assert [i.doc for i in items[1:]] == ["a.txt"]


def test_file_names_that_are_not_utf8(tmp_path):
    folder = os.fsencode(tmp_path / "in")
    os.mkdir(folder)
    with open(os.path.join(folder, b"caf\xe9.txt"), "w", encoding="utf-8") as fh:
        fh.write(GOOD)
    with open(os.path.join(folder, b"bad\xff.txt"), "wb") as fh:
        fh.write(b"")
    out, db = tmp_path / "out.jsonl", tmp_path / "l.db"
    proc = run_muster("extract", str(tmp_path / "in"), "-o", str(out))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "bad\\xff.txt: empty input" in proc.stderr
    assert [r["doc"] for r in read_jsonl(out)] == ["caf\\xe9.txt"]
    proc = run_muster("ingest", str(tmp_path / "in"), "--db", str(db))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "1 articles" in proc.stderr
    con = sqlite3.connect(db)
    assert con.execute("SELECT doc FROM articles").fetchall() == [("caf\\xe9.txt",)]


def test_import_reads_every_line_on_its_own(tmp_path):
    good = '{"doc": "a", "article": {"text": "The group recruited 40 fighters."}, "claims": []}'
    src = tmp_path / "records.jsonl"
    src.write_bytes(b"\xff\xfe bad bytes\n" + b"[" * 50_000 + b"\n" + good.encode() + b"\n")
    proc = run_muster("import", str(src), "--db", str(tmp_path / "i.db"))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert f"{src}:1: invalid UTF-8" in proc.stderr and f"{src}:2: malformed JSON" in proc.stderr
    assert "1 articles" in proc.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")
def test_a_full_disk_is_one_clear_error(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    proc = run_muster("extract", str(tmp_path / "a.txt"), "-o", "/dev/full")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.strip() == "Error: cannot write /dev/full: No space left on device"


@pytest.fixture(scope="module")
def ledger_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("edges") / "l.db"
    with Ledger(db) as led:
        led.ingest([article_a(), article_b()])
    return db


@pytest.mark.parametrize("args", [
    ["claims", "--limit", "9223372036854775808"],
    ["claims", "--limit", "-1"],
    ["search", "x", "--limit", "99999999999999999999999"],
    ["claims", "--actor", "a" * 100_000],
    ["claims", "--speaker", "%_" * 50_000],
    ["claims", "--text", "(" * 10_000],
    ["claims", "--near", "1e400,0,5"],
    ["claims", "--since", "9" * 5000],
    ["search", '"' * 100_000],
    ["show", "f" * 100_000],
    ["extract", "-", "--max-bytes", "9" * 40],
    ["extract", "-", "--workers", "9223372036854775808"],
])
def test_absurd_option_values_are_clear_errors_or_work(ledger_db, args):
    db = ["--db", str(ledger_db)] if args[0] not in ("extract",) else []
    proc = run_muster(*args, *db, input=GOOD)
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert proc.returncode in (0, 1, 2)
    if proc.returncode:
        assert proc.stderr.strip().splitlines()[-1].startswith("Error:"), proc.stderr[-500:]


def test_like_filters_match_percent_and_underscore_literally(ledger_db):
    with Ledger(ledger_db) as led:
        assert led.claims() and led.claims(actor="%") == [] and led.claims(speaker="_") == []
        assert led.claims(actor="islamic") == led.claims(actor="Islamic")


def test_empty_db_name_is_refused(tmp_path):
    for cmd in (["ingest", str(tmp_path)], ["claims"], ["export"]):
        proc = run_muster(*cmd, "--db", "")
        assert proc.returncode == 1 and "--db is empty" in proc.stderr and "Traceback" not in proc.stderr


def test_read_commands_do_not_turn_a_zero_byte_file_into_a_ledger(tmp_path):
    zero = tmp_path / "zero.db"
    zero.write_bytes(b"")
    for cmd in (["claims"], ["search", "x"], ["show", "abc"], ["export"]):
        proc = run_muster(*cmd, "--db", str(zero))
        assert proc.returncode == 1 and "is empty (0 bytes)" in proc.stderr
    assert zero.stat().st_size == 0
    with pytest.raises(LedgerError, match="empty"):
        Ledger(zero, create=False)


def test_a_read_only_ledger_is_read_without_writing(ledger_db, tmp_path):
    import shutil

    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "l.db"
    shutil.copy(ledger_db, db)
    before = sorted(os.listdir(folder)), db.stat().st_mtime_ns
    folder.chmod(0o555)
    db.chmod(0o444)
    try:
        with Ledger(db, create=False, readonly=True) as led:
            assert len(led.claims()) > 0 and led.search("Raqqa")["claims"]
            with pytest.raises(sqlite3.OperationalError, match="readonly"):
                led.conn.execute("DELETE FROM claims")
        proc = run_muster("claims", "--db", str(db), "-f", "jsonl")
        assert proc.returncode == 0, proc.stderr
        assert len(proc.stdout.splitlines()) > 0
    finally:
        folder.chmod(0o755)
        db.chmod(0o644)
    assert (sorted(os.listdir(folder)), db.stat().st_mtime_ns) == before
