#!/usr/bin/env python3
"""Muster at both ends of the scale, in one run.

    python bench/scale.py [--corpus ../shared/data/corpus/news.jsonl] [--limit N] [--workers 2] [--runs 5]

Measures:
  * backfill: the whole corpus extracted by one process (the per-article guard of supervise.py,
    one worker) and by a 2-worker distributed.LocalCluster (dask_runner, the same guard in each
    task); articles/s of each and the ratio. The cluster's start (processes, imports) is reported
    apart; both figures include loading the models. Peak memory (max RSS) of the one process and
    of each Dask worker with its guard processes;
  * the ledger: bytes per article and per claim of the corpus's ledger, of its Parquet export, and
    the time to write it (the one writer's share of a backfill);
  * start-up: wall and CPU time of `muster extract` on one example article, and of `muster claims`,
    `search`, `show` and `export` on a 5-article ledger (median of --runs fresh processes).
Every measurement runs in a fresh process. No assertion: a measurement, never a test. The load
average is printed with the figures: on a shared machine, other work slows every figure.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import _load  # bench/run.py, beside this script (sys.path[0] when run as a script)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "corpus" / "news.jsonl"
EXAMPLE = ROOT / "examples" / "000_600fb9c2930cb3a2.txt"


def _rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def _cpu(who: int = resource.RUSAGE_SELF) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def _peak_mb(pid: int) -> float:
    """A live process's peak resident memory (VmHWM)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _worker_usage() -> dict:
    """Run on each Dask worker: its peak memory and CPU seconds, and its live guard processes'."""
    import psutil  # a dependency of distributed

    me = psutil.Process()
    kids = me.children(recursive=True)
    return {"rss_mb": _peak_mb(me.pid), "cpu_s": sum(me.cpu_times()[:2]),
            "guard_rss_mb": [_peak_mb(k.pid) for k in kids], "guard_cpu_s": sum(sum(k.cpu_times()[:2]) for k in kids)}


# -- children (each in a fresh process) ----------------------------------------------------------

def child_single(path: str, out: str) -> dict:
    from muster.model import Article
    from muster.pipeline import extract, load_config
    from muster.supervise import Budget

    t0 = time.perf_counter()
    items = list(extract([path], load_config(), budget=Budget(), skip=set()))
    secs = time.perf_counter() - t0
    _save(items, out)
    return {"seconds": secs, "articles": sum(isinstance(i, Article) for i in items),
            "claims": sum(len(i.claims) for i in items if isinstance(i, Article)),
            "rss_mb": _rss_mb(), "guard_rss_mb": _rss_mb(resource.RUSAGE_CHILDREN),
            "cpu_s": round(_cpu() + _cpu(resource.RUSAGE_CHILDREN), 2)}


def child_cluster(path: str, workers: int, out: str) -> dict:
    from muster import dask_runner
    from muster.model import Article
    from muster.pipeline import load_config
    from muster.supervise import Budget

    t0 = time.perf_counter()
    with dask_runner.client_for(local_workers=workers) as client:
        started = time.perf_counter() - t0
        t1 = time.perf_counter()
        items = list(dask_runner.run_on_cluster(client, [path], "extract", load_config(), Budget(), skip=set()))
        secs = time.perf_counter() - t1
        usage = list(client.run(_worker_usage).values())
    _save(items, out)
    cpu = sum(u["cpu_s"] + u["guard_cpu_s"] for u in usage) + _cpu()
    return {"seconds": secs, "start_seconds": started, "articles": sum(isinstance(i, Article) for i in items),
            "claims": sum(len(i.claims) for i in items if isinstance(i, Article)),
            "workers": usage, "client_rss_mb": _rss_mb(), "cpu_s": round(cpu, 2)}


def _save(items: list, out: str) -> None:
    """The records, for the parent to compare the two runs and to build the ledger from."""
    from muster.ledger import article_record
    from muster.model import Article

    with open(out, "w", encoding="utf-8") as fh:
        for i in items:
            fh.write(json.dumps(article_record(i) if isinstance(i, Article) else {"error": str(i)},
                                ensure_ascii=False) + "\n")


def child_ledger(records: str, db: str, parquet_out: str) -> dict:
    from muster.ledger import Ledger, read_records
    from muster.parquet import export_parquet

    t0 = time.perf_counter()
    with Ledger(db) as led:
        report = led.ingest(r for r in read_records(records) if not isinstance(r, Exception))
        secs = time.perf_counter() - t0
        t1 = time.perf_counter()
        n = export_parquet(led, parquet_out)
        pq_secs = time.perf_counter() - t1
    return {"write_seconds": secs, "articles": report.articles, "claims": report.claims,
            "db_bytes": os.path.getsize(db), "parquet_claims": n, "parquet_bytes": os.path.getsize(parquet_out),
            "parquet_seconds": pq_secs}


def _child(args: list[str]) -> dict:
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode:
        raise SystemExit(f"bench child failed: {args}\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# -- start-up -----------------------------------------------------------------------------------

def _timed(cmd: list[str], runs: int, cwd: str) -> dict:
    walls, cpus = [], []
    # as an installed muster runs: with its compiled .pyc files (a session may forbid writing them)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(cmd, capture_output=True, cwd=cwd, env=env)  # writes them, if missing
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, cwd=cwd, env=env)
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{cmd} failed: {proc.stderr.decode()[-2000:]}")
    return {"wall": round(statistics.median(walls), 3), "cpu": round(statistics.median(cpus), 3)}


def startup(runs: int) -> dict:
    muster = [sys.executable, "-m", "muster.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "small.db")
        subprocess.run([*muster, "ingest", str(ROOT / "examples"), "--db", db], capture_output=True, check=True)
        out = {"extract_one_article": _timed([*muster, "extract", str(EXAMPLE), "-o", os.devnull], runs, tmp)}
        for name, args in {"claims": ["claims"], "search": ["search", "recruit*"], "show": ["show", "000_600fb9c2930cb3a2.txt"],
                           "export": ["export", "-o", os.devnull]}.items():
            out[name] = _timed([*muster, *args, "--db", db], runs, tmp)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles (default: all)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--runs", type=int, default=5, help="runs of each start-up measurement (median)")
    ap.add_argument("--skip-backfill", action="store_true", help="only the start-up figures")
    ap.add_argument("--json", default=None, help="also write the results here")
    ap.add_argument("--child", choices=["single", "cluster", "ledger"], help=argparse.SUPPRESS)
    ap.add_argument("--args", nargs="*", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child == "single":
        print(json.dumps(child_single(*a.args)))
        return
    if a.child == "cluster":
        print(json.dumps(child_cluster(a.args[0], int(a.args[1]), a.args[2])))
        return
    if a.child == "ledger":
        print(json.dumps(child_ledger(*a.args)))
        return

    res: dict = {"machine": {"python": platform.python_version(), "cores": len(os.sched_getaffinity(0)),
                             "load_before": os.getloadavg()}}
    res["startup"] = startup(a.runs)
    print(json.dumps(res["startup"], indent=1), flush=True)
    if not a.skip_backfill:
        path, n, _bytes = _load(a.corpus, a.limit)  # bench/run.py's slice of the corpus
        tmp = tempfile.mkdtemp()
        single = _child(["--child", "single", "--args", path, f"{tmp}/single.jsonl"])
        print("one process", json.dumps(single), flush=True)
        cluster = _child(["--child", "cluster", "--args", path, str(a.workers), f"{tmp}/cluster.jsonl"])
        print("cluster", json.dumps(cluster), flush=True)
        same = Path(f"{tmp}/single.jsonl").read_bytes() == Path(f"{tmp}/cluster.jsonl").read_bytes()
        ledger = _child(["--child", "ledger", "--args", f"{tmp}/single.jsonl", f"{tmp}/corpus.db",
                         f"{tmp}/claims.parquet"])
        res["backfill"] = {
            "articles": n, "workers": a.workers, "one_process": single, "cluster": cluster,
            "same_records": same,
            "one_process_articles_per_s": round(single["articles"] / single["seconds"], 2),
            "cluster_articles_per_s": round(cluster["articles"] / cluster["seconds"], 2),
            "ratio": round(single["seconds"] / cluster["seconds"], 2),
            "ratio_with_cluster_start": round(single["seconds"] / (cluster["seconds"] + cluster["start_seconds"]), 2),
            # what the cluster path costs beyond the work itself (processes, pickling, a model load a
            # worker): on 2 free cores the ratio is at most 2 / this
            "cpu_overhead": round(cluster["cpu_s"] / single["cpu_s"], 2)}
        res["ledger"] = {**ledger, "db_bytes_per_article": round(ledger["db_bytes"] / max(1, ledger["articles"])),
                         "parquet_bytes_per_claim": round(ledger["parquet_bytes"] / max(1, ledger["parquet_claims"])),
                         "write_articles_per_s": round(ledger["articles"] / ledger["write_seconds"], 1)}
        os.unlink(path)  # copies of corpus articles: not left behind
        shutil.rmtree(tmp)
    res["machine"]["load_after"] = os.getloadavg()
    print(json.dumps(res, indent=1))
    if a.json:
        Path(a.json).write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
