#!/usr/bin/env python3
"""What the supervisor costs: the corpus through one supervised worker against the same pipeline
in this process, alternated in the same run.

    python bench/supervisor.py [--corpus ../shared/data/corpus/news.jsonl] [--limit N] [--rounds 2]

Each round runs `extract` over the same articles twice, in this order: in process (the pipeline
called directly, as `run_mode` does without a budget) and supervised (one worker process forked
after the models are loaded, with the default budget, as `muster extract` runs). Both are timed
end to end, reading included, and give the same claims (checked). Reported: the median wall
seconds of each, their ratio (supervised / in process), and the CPU seconds of each (the worker's
included, which is what the supervision adds: pickling each article there and back, the
parent's waiting loop). The models are loaded before the first round, so neither pays for them.

No assertion: this is a measurement, never a test.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "corpus" / "news.jsonl"


def _cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)  # workers count once they have ended
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def run_once(path: str, config: dict, supervised: bool) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and claims of one pass over `path`."""
    from muster.model import Article
    from muster.pipeline import extract
    from muster.supervise import Budget

    t0, c0 = time.perf_counter(), _cpu()
    claims = 0
    for item in extract([path], config, workers=1, budget=Budget() if supervised else None):
        if isinstance(item, Article):
            claims += len(item.claims)
    return time.perf_counter() - t0, _cpu() - c0, claims


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles (default: all)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--json", default=None, help="also write the results here")
    args = ap.parse_args()

    from muster.pipeline import load_config, warm

    lines = [ln for ln in Path(args.corpus).read_text(encoding="utf-8").splitlines() if ln.strip()]
    if args.limit:
        lines = lines[:args.limit]
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"muster-supervisor-bench-{os.getpid()}.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = load_config()
    warm("extract", config)
    runs: dict[str, list[tuple[float, float, int]]] = {"in process": [], "supervised": []}
    try:
        for r in range(args.rounds):
            for name in runs:
                runs[name].append(run_once(str(path), config, name == "supervised"))
                wall, cpu, claims = runs[name][-1]
                print(f"round {r + 1}, {name}: {wall:.1f} s wall, {cpu:.1f} s CPU, {claims} claims", flush=True)
    finally:
        path.unlink()
    claims = {c for rs in runs.values() for _, _, c in rs}
    if len(claims) != 1:
        raise SystemExit(f"the two ways gave different claims: {claims}")
    med = {name: (statistics.median(w for w, _, _ in rs), statistics.median(c for _, c, _ in rs))
           for name, rs in runs.items()}
    ratio = med["supervised"][0] / med["in process"][0]
    cpu_ratio = med["supervised"][1] / med["in process"][1]
    print(f"{len(lines)} articles, {args.rounds} rounds, load at the end {os.getloadavg()[0]:.1f}")
    for name, (wall, cpu) in med.items():
        print(f"  {name:11} {wall:7.1f} s wall  {cpu:7.1f} s CPU  ({len(lines) / wall:.1f} articles/s)")
    print(f"  supervised / in process: {ratio:.3f} x wall, {cpu_ratio:.3f} x CPU")
    if args.json:
        Path(args.json).write_text(json.dumps({"articles": len(lines), "rounds": runs, "median": med,
                                               "ratio_wall": ratio, "ratio_cpu": cpu_ratio}, indent=1) + "\n",
                                   encoding="utf-8")


if __name__ == "__main__":
    main()
