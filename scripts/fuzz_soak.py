#!/usr/bin/env python3
"""Soak test: write N fuzzed inputs of the pathological kinds of issue 15 and ingest them all.

    python scripts/fuzz_soak.py -n 10000 [--seed 15] [--workers 2] [--article-timeout 5] [--keep DIR]

The inputs (plain text, JSON Lines, HTML, gzip, odd encodings, odd names, FIFOs) go into one
directory, and one `muster ingest` runs over it, as a user would. Reported (and written as JSON
with --json): tracebacks on standard error (must be 0), whether the run finished within its wall
bound (a stall if not), inputs accounted for (every input gives an article or an error line),
articles stopped at the time budget, workers that died, and the peak resident memory of a worker
process (VmHWM, sampled from /proc; it counts the model pages shared with the parent).
"""
from __future__ import annotations

import argparse
import codecs
import gzip
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLAIM = "Islamic State has recruited 500 fighters in Raqqa, Syria, since January 2015, a spokesman said. "
# the repeated units that stalled, crashed or blew up memory in issue 15
UNITS = ["said ", "(", '"', "'", "“", "’", ".", "1,", "al-", "more than ", "500 fighters and ", "Mr. Dr. Gen. Maj. ",
         "😀", "Raqqa Mosul Aleppo Kabul ", "ISIS Daesh Taliban ", CLAIM, "<<<<>>>>", "\u200b", "\ufeff", "Q. ",
         "[", "{", "\t\t", "\n\n\n", "U.S. ", "9" * 309 + " ", "between 5,000 and ", "dozens of ", "\ud800"]
NASTY = "\x00\x01\ud800\udfff\ufeff\u200b\u2028\r😀\u0301“”’…<>&{}[]()\"'\\"


def _repeat(rng: random.Random) -> str:
    unit = rng.choice(UNITS)
    count = int(10 ** rng.uniform(0, 4.3))  # log-uniform, 1 to 20,000 repeats
    lead = CLAIM if rng.random() < 0.5 else ""
    return lead + unit * count + (CLAIM if rng.random() < 0.5 else "")


def _noise(rng: random.Random) -> str:
    alphabet = NASTY + "abc DEF 123 .,;:!?\n"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 3000)))


def _text(rng: random.Random) -> str:
    return _repeat(rng) if rng.random() < 0.7 else _noise(rng)


def _json_line(rng: random.Random) -> bytes:
    kind = rng.randrange(12)
    if kind == 0:
        return b"[" * rng.choice([100, 5000, 100_000])
    if kind == 1:
        return b'{"text": "x", "n": ' + b"9" * rng.choice([400, 4300, 5000]) + b"}"
    if kind == 2:
        return b'{"text": "caf\xe9 \xff ' + CLAIM.encode() + b'"}'
    if kind == 3:
        return b'{"text": "a\x00b"}'
    if kind == 4:
        return json.dumps({"text": CLAIM, rng.choice(["title", "outlet", "url"]): rng.choice([1, [1], {"a": 1}, True])}).encode()
    if kind == 5:
        return b'{"text": "' + CLAIM.encode() + b'", "authors": ["A", NaN]}'
    if kind == 6:
        return json.dumps({"text": CLAIM, "published": rng.choice(["not a date", "2016-02-30", "99999", "2016"])}).encode()
    if kind == 7:
        return b'{"text": "lone \\ud800 surrogate ' + CLAIM.encode() + b'", "doc": "s\\udfff"}'
    return json.dumps({"doc": f"l{rng.randrange(10**9)}", "text": _text(rng)}, ensure_ascii=rng.random() < 0.5,
                      ).encode("utf-8", "surrogatepass")


def _encoded(rng: random.Random) -> bytes:
    text = CLAIM + "Café, naïve “quotes” — façade. " * rng.randint(1, 20)
    enc = rng.choice(["latin-1", "cp1252", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-be", "utf-8-sig"])
    return text.encode(enc, "replace")


def _odd(rng: random.Random) -> bytes:
    return rng.choice([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, "\u200b\u00a0\n\t\u2060".encode(),
                       bytes(rng.randrange(256) for _ in range(2000)), b"PK\x03\x04" + os.urandom(500)])


def write_input(folder: Path, i: int, rng: random.Random, max_bytes: int) -> str:
    """One fuzzed input; returns its kind."""
    kind = rng.choices(["text", "jsonl", "html", "gzip", "bomb", "encoded", "odd", "name"],
                       weights=[40, 20, 8, 5, 2, 10, 10, 5])[0]
    if kind == "text":
        (folder / f"{i}.txt").write_bytes(_text(rng).encode("utf-8", "surrogatepass"))
    elif kind == "jsonl":
        lines = [_json_line(rng) for _ in range(rng.randint(1, 5))]
        (folder / f"{i}.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    elif kind == "html":
        body = _text(rng).replace("\x00", "")
        (folder / f"{i}.html").write_text(f"<html><head><title>t</title></head><body><p>{body}</p>"
                                          + "<div>" * rng.choice([1, 100, 5000]) + "</body></html>",
                                          encoding="utf-8", errors="surrogatepass")
    elif kind == "gzip":
        (folder / f"{i}.txt.gz").write_bytes(gzip.compress(_text(rng).encode("utf-8", "surrogatepass")))
    elif kind == "bomb":
        with gzip.open(folder / f"{i}.txt.gz", "wb") as fh:
            for _ in range(max_bytes // (1 << 20) + 2):
                fh.write(b"\0" * (1 << 20))
    elif kind == "encoded":
        (folder / f"{i}.txt").write_bytes(_encoded(rng))
    elif kind == "odd":
        (folder / f"{i}.txt").write_bytes(_odd(rng))
    else:
        with open(os.path.join(os.fsencode(folder), f"{i}-".encode() + bytes([0xff, 0xfe]) + b".txt"), "wb") as fh:
            fh.write(CLAIM.encode())
    return kind


class PeakWorkerMemory(threading.Thread):
    """Samples the peak resident memory (VmHWM) of the children of one process."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.stop = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.25):
            for child in self._children():
                self.peak_kb = max(self.peak_kb, self._hwm(child))

    def _children(self) -> list[int]:
        try:
            with open(f"/proc/{self.pid}/task/{self.pid}/children") as fh:
                return [int(x) for x in fh.read().split()]
        except OSError:
            return []

    @staticmethod
    def _hwm(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/status") as fh:
                m = re.search(r"VmHWM:\s+(\d+)", fh.read())
                return int(m.group(1)) if m else 0
        except OSError:
            return 0


def run_ingest(folder: Path, db: Path, args: argparse.Namespace, bound: float) -> dict:
    cmd = [sys.executable, "-m", "muster.cli", "ingest", str(folder), "--db", str(db), "--workers", str(args.workers),
           "--article-timeout", str(args.article_timeout), "--max-memory", str(args.max_memory),
           "--max-bytes", str(args.max_bytes)]
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = PeakWorkerMemory(proc.pid)
    sampler.start()
    try:
        _, err = proc.communicate(timeout=bound)
        stalled = False
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
        stalled = True
    sampler.stop.set()
    stderr = err.decode("utf-8", "replace")
    return {"seconds": round(time.monotonic() - t0, 1), "exit": proc.returncode, "stalled": stalled,
            "tracebacks": stderr.count("Traceback"), "error_lines": stderr.count("muster: error:"),
            "peak_worker_mb": round(sampler.peak_kb / 1024), "stderr_tail": stderr[-1500:]}


def ledger_figures(db: Path) -> dict:
    con = sqlite3.connect(db)
    q = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
    return {"articles": q("SELECT count(*) FROM article_inputs"),
            "errors": q("SELECT count(*) FROM errors"),
            "timeouts": q("SELECT count(*) FROM errors WHERE reason LIKE 'took longer%'"),
            "worker_deaths": q("SELECT count(*) FROM errors WHERE reason LIKE 'the worker process%'"),
            "memory": q("SELECT count(*) FROM errors WHERE reason LIKE 'over the memory budget%'"),
            "unforeseen": q("SELECT count(*) FROM errors WHERE reason LIKE 'processing failed%' "
                            "OR reason LIKE 'could not be%'"),
            "run_finished": q("SELECT finished IS NOT NULL FROM runs ORDER BY id DESC LIMIT 1")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=1000, help="inputs to write")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--article-timeout", type=float, default=5.0)
    ap.add_argument("--max-memory", type=int, default=2048)
    ap.add_argument("--max-bytes", type=int, default=2_000_000)
    ap.add_argument("--keep", help="write the inputs and the ledger here (kept)")
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args()
    base = Path(args.keep or tempfile.mkdtemp(prefix="muster-soak-"))
    folder = base / "inputs"
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    kinds: dict[str, int] = {}
    for i in range(args.n):
        kind = write_input(folder, i, rng, args.max_bytes)
        kinds[kind] = kinds.get(kind, 0) + 1
    for i in range(3):  # FIFOs: refused, never opened (opening one would block the run for ever)
        os.mkfifo(folder / f"fifo{i}.txt")
    db = base / "soak.db"
    # a stall is a run that does not end: every article may take its whole budget, on every worker
    bound = 120 + args.n * 2.0
    figures = {"inputs": args.n, "kinds": kinds, **run_ingest(folder, db, args, bound)}
    figures.update(ledger_figures(db) if db.exists() else {})
    print(json.dumps({k: v for k, v in figures.items() if k != "stderr_tail"}, indent=1))
    if figures["tracebacks"] or figures["stalled"]:
        print(figures["stderr_tail"], file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    sys.exit(1 if figures["tracebacks"] or figures["stalled"] else 0)


if __name__ == "__main__":
    main()
