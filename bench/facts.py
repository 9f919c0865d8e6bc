#!/usr/bin/env python3
"""Benchmark of facts across articles (src/muster/facts.py).

    python bench/facts.py [--claims 200000] [--runs 3] [--baseline CHECKOUT] [--import-records PATH.jsonl]

1. `muster facts` over a synthetic ledger of --claims claims (20 % of them repeating another
   article's sentence, 7 types, 40 groups, 400 places in 12 countries, 2011-2019), one process
   pinned to one core: wall and CPU time of the whole command (load claims, copies, facts, store
   the fact tables, write JSON Lines) on the first run (which stores) and the next ones (which find
   the stored facts current and skip the store); and the stages timed inside one process.
   With --baseline (another checkout, e.g. a worktree of main), the same command of that checkout
   runs on a fresh copy of the same ledger, alternating with this one, and the CPU ratio is given.
2. Ingest with and without this change: `Ledger.ingest` of the same extracted records (the
   ledger part of `muster ingest`, where the fact tables could cost; extraction is untouched) into a
   ledger of schema 3 (before migration 006) and of the current schema, then the same records again
   (the update path, where deleting an article's claims cascades into the fact tables), after
   `muster facts` has filled them. Median of --runs, one core.
No assertion: a measurement, never a test. Prints one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TYPES = ("strength", "recruitment", "child_use", "training", "defection", "foreign_fighters", "finance")
COUNTRIES = ("SY", "IQ", "AF", "NG", "SO", "YE", "LY", "ML", "PK", "CD", "SD", "PH")


def _pin() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def _letters(n: int) -> str:
    """A number written in letters (base 26): a name, not a figure."""
    out = ""
    while True:
        n, r = divmod(n, 26)
        out = chr(97 + r) + out
        if not n:
            return out


def synthetic_ledger(path: Path, n_claims: int, seed: int = 14) -> None:
    """A ledger of n_claims claims written with plain SQL (10 claims an article)."""
    from muster.ledger import Ledger

    rng = random.Random(seed)
    Ledger(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous = OFF")
    conn.executemany("INSERT INTO actors (key, wikidata, name) VALUES (?, ?, ?)",
                     [(f"Q{900000 + i}", f"Q{900000 + i}", f"Group {i}") for i in range(40)])
    places = []
    for i in range(400):
        cc = COUNTRIES[i % len(COUNTRIES)]
        prec = "country" if i < len(COUNTRIES) else ("admin1" if i % 5 == 0 else "city")
        places.append((i + 1, f"geonames:{5000000 + i}", f"Place {i}", cc, 30 + i % 10, 40 + i % 7, 5000000 + i, prec))
    conn.executemany("INSERT INTO places (id, key, name, country, lat, lon, geonames_id, precision) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", places)
    conn.executemany("INSERT INTO speakers (id, key, name, org) VALUES (?, ?, ?, ?)",
                     [(i + 1, f"s{i}", None, f"Org {i}") for i in range(300)])
    start = date(2011, 1, 1)
    sentences: list[tuple] = []
    n_articles = n_claims // 10
    for a in range(n_articles):
        aid = f"{a:016x}"
        pub = (start + timedelta(days=rng.randrange(9 * 365))).isoformat()
        conn.execute("INSERT INTO articles (id, doc, outlet, published, text, n_claims, first_ingested, last_ingested) "
                     "VALUES (?, ?, ?, ?, ?, 10, ?, ?)", (aid, f"doc{a}", f"Outlet {a % 60}", pub, f"text {a}", pub, pub))
        for s in range(10):
            if sentences and rng.random() < 0.2:
                typ, actor, low, high, ev, place = rng.choice(sentences)     # a repeated statement
            else:
                typ, actor = rng.choice(TYPES), f"Q{900000 + rng.randrange(40)}"
                low = rng.choice([None, rng.randrange(10, 20000)])
                high = None if low is None else low + rng.choice([0, 0, rng.randrange(1, 5000)])
                place = rng.randrange(1, 401)
                # one figure a sentence (place and source named in letters): two figures would make the
                # claim a part of a breakdown (facts.is_breakdown), never set against another figure
                ev = (f"Group {_letters(int(actor[1:]))} has {low}-{high} fighters at place {_letters(place)}, "
                      f"source {_letters(rng.randrange(10**6))} said.")
                sentences.append((typ, actor, low, high, ev, place))
            cid = f"{aid}-{s}"
            conn.execute("INSERT INTO claims (id, article_id, seq, type, actor_key, count_low, count_high, count_unit, "
                         "speaker_id, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (cid, aid, s, typ, actor, low, high, "fighters", rng.choice([None, rng.randrange(1, 301)]), ev))
            conn.execute("INSERT INTO claim_places (claim_id, seq, place_id) VALUES (?, 0, ?)", (cid, place))
    conn.commit()
    conn.close()


def time_cli(db: Path, runs: int, src: Path = ROOT / "src") -> list[tuple[float, float]]:
    """(wall, CPU) seconds of each run: the first stores the fact tables, the next find them current.
    CPU seconds are the honest figure on a machine shared with other work."""
    import resource

    out = []
    env = {**os.environ, "PYTHONPATH": str(src)}
    for _ in range(runs):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(["taskset", "-c", "0", sys.executable, "-m", "muster.cli", "facts", "--db", str(db),
                        "-f", "jsonl", "-o", os.devnull], check=True, capture_output=True, cwd=ROOT, env=env)
        wall = time.perf_counter() - t
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        out.append((wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)))
    return out


def _summary(cli: list[tuple[float, float]]) -> dict:
    return {"first_wall": round(cli[0][0], 2), "first_cpu": round(cli[0][1], 2),
            "again_wall_median": round(statistics.median(w for w, _ in cli[1:]), 2) if len(cli) > 1 else None,
            "again_cpu_median": round(statistics.median(c for _, c in cli[1:]), 2) if len(cli) > 1 else None,
            "runs": [[round(w, 2), round(c, 2)] for w, c in cli]}


def side_by_side(db: Path, baseline: Path, rounds: int) -> dict:
    """This checkout and the baseline alternately, each on a fresh copy of the ledger (a first run,
    which stores, and a second): median CPU seconds and this / baseline."""
    import shutil

    cpu: dict[str, dict[str, list[float]]] = {n: {"first": [], "again": []} for n in ("this", "baseline")}
    for _ in range(rounds):
        for name, src in (("baseline", baseline / "src"), ("this", ROOT / "src")):
            copy = db.with_name(f"{name}.db")
            shutil.copy(db, copy)
            (_, first), (_, again) = time_cli(copy, 2, src)
            cpu[name]["first"].append(round(first, 2))
            cpu[name]["again"].append(round(again, 2))
            copy.unlink()
    med = {n: {k: round(statistics.median(v), 2) for k, v in d.items()} for n, d in cpu.items()}
    return {"cpu_s_median": med, "runs": cpu, "baseline": str(baseline),
            "ratio_first": round(med["this"]["first"] / med["baseline"]["first"], 3),
            "ratio_again": round(med["this"]["again"] / med["baseline"]["again"], 3)}


def stages(db: Path) -> dict:
    """The stages of `muster facts`, timed in this process (pinned to one core)."""
    from muster import facts
    from muster.ledger import Ledger

    _pin()
    out = {}
    cpu0 = time.process_time()
    with Ledger(db) as led:
        t = time.perf_counter()
        claims = facts.load_claims(led.conn)   # with the gazetteer's provinces of the places
        out["load_s"] = time.perf_counter() - t
        t = time.perf_counter()
        copies = facts.find_copies(claims)
        out["copies_s"] = time.perf_counter() - t
        t = time.perf_counter()
        found = facts.build_facts(claims, copies, singletons=False)
        out["facts_s"] = time.perf_counter() - t
        t = time.perf_counter()
        with led.transaction() as c:
            facts.store(c, copies, found, claims)
        out["store_s"] = time.perf_counter() - t
        t = time.perf_counter()
        facts.fingerprint(claims, facts.default_config())
        out["fingerprint_s"] = time.perf_counter() - t
        out.update(claims=len(claims), copies=len(copies), facts_of_two_or_more=len(found),
                   contradicted=sum(bool(f.contradictions) for f in found))
    out["cpu_s_all_stages"] = time.process_time() - cpu0
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in out.items()}


def time_ingest(records: list[dict], runs: int) -> dict:
    """Ledger.ingest of the same records at schema 3 (before facts) and at the current schema."""
    from muster import facts
    from muster.ledger import Ledger, migrations

    _pin()
    res: dict[str, list[float]] = {"schema3_new": [], "schema3_again": [], "current_new": [], "current_again": []}
    for _ in range(runs):
        for label, migs in (("schema3", migrations()[:3]), ("current", migrations())):
            with tempfile.TemporaryDirectory() as tmp:
                with Ledger(Path(tmp) / "l.db", migrations_=migs) as led:
                    t = time.perf_counter()
                    led.ingest(records)
                    res[f"{label}_new"].append(time.perf_counter() - t)
                    if label == "current":
                        facts.refresh(led)   # the fact tables full, as after `muster facts`
                    t = time.perf_counter()
                    led.ingest(records)
                    res[f"{label}_again"].append(time.perf_counter() - t)
    med = {k: statistics.median(v) for k, v in res.items()}
    return {**{f"{k}_s": round(v, 3) for k, v in med.items()},
            "articles": len(records),
            "ratio_new": round(med["current_new"] / med["schema3_new"], 3),
            "ratio_again": round(med["current_again"] / med["schema3_again"], 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--claims", type=int, default=200_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--baseline", type=Path, help="a checkout to compare with (its src/), e.g. a worktree of main")
    ap.add_argument("--import-records", help="`muster extract` JSON Lines to time ingest with (e.g. the corpus)")
    args = ap.parse_args()
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "synthetic.db"
        t = time.perf_counter()
        synthetic_ledger(db, args.claims)
        out["build_synthetic_s"] = round(time.perf_counter() - t, 1)
        if args.baseline:
            out["side_by_side"] = side_by_side(db, args.baseline, args.runs)
        cli = time_cli(db, args.runs)
        out["muster_facts_s"] = _summary(cli)
        with sqlite3.connect(db) as conn:   # stages measure a first store again
            conn.execute("DELETE FROM facts_state")
        out["stages"] = stages(db)
    if args.import_records:
        from muster.ledger import read_records

        records = [r for r in read_records(args.import_records) if isinstance(r, dict)]
        out["ingest"] = time_ingest(records, args.runs)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
