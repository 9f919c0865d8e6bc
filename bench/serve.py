#!/usr/bin/env python3
"""`muster serve` under load: p50/p95/p99 latency of the claims list with a filter (the web page,
facets included, and the API), of a claim page and of its related claims, with several concurrent clients on the
loopback, over a synthetic ledger of 200,000 claims.

    python bench/serve.py [--claims 200000] [--clients 8] [--requests 400] [--workers 1] [--json bench/serve_results.json]

The ledger is written straight into the schema (plain SQLite, as any tool may): 20,000 articles
of 10 claims each, 40 groups, 300 places (a quarter of them country-level), 2,000 speakers, dates
over 2012-2024, 1 % of the claims reviewed. The server runs in its own process (`muster serve`);
the clients are threads of this process with keep-alive connections, each sending its requests
one after the other. No assertion: a measurement, never a test.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

TYPES = ("recruitment", "child_use", "training", "defection", "foreign_fighters", "strength", "finance")
COUNTRIES = ("SY", "IQ", "AF", "SO", "NG", "ML", "YE", "LY", "CD", "PK")
WORDS = ("fighters recruited children camp training militants group forces province village officials said "
         "according report hundreds thousands joined defected commander salaries paid weapons town").split()


def build(path: str, n_claims: int, seed: int = 13) -> dict:
    """A synthetic ledger of `n_claims` claims; returns what the requests need (some claim ids)."""
    from muster.store import Ledger
    from muster.store.ids import claim_id

    rnd = random.Random(seed)
    per_article = 10
    with Ledger(path) as led:
        c = led.conn
        c.execute("BEGIN")
        for g in range(40):
            c.execute("INSERT INTO actors (key, wikidata, name) VALUES (?, ?, ?)", (f"Q{1000 + g}", f"Q{1000 + g}",
                                                                                 f"Armed Group {g:02d}"))
        places = []
        for p in range(300):
            country = COUNTRIES[p % len(COUNTRIES)]
            coarse = p % 4 == 0
            pid = c.execute("INSERT INTO places (key, name, country, lat, lon, geonames_id, precision) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                            (f"geonames:{p}", f"Place {p}", country, rnd.uniform(-10, 40), rnd.uniform(0, 70), p,
                             "country" if coarse else "city")).fetchone()[0]
            places.append(pid)
        speakers = [c.execute("INSERT INTO speakers (key, name, role, org, anonymous) VALUES (?, ?, ?, ?, 0) "
                              "RETURNING id", (f"s{s}", f"Speaker {s}", "official", f"Org {s % 50}")).fetchone()[0]
                    for s in range(2000)]
        ids = []
        for a in range(n_claims // per_article):
            aid = f"{a:016x}"
            sentences = [" ".join(rnd.choice(WORDS) for _ in range(18)).capitalize() + "." for _ in range(per_article)]
            text = " ".join(sentences)
            published = f"{rnd.randint(2012, 2024)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
            c.execute("INSERT INTO articles (id, doc, title, outlet, published, text, n_claims, first_ingested, "
                      "last_ingested) VALUES (?, ?, ?, ?, ?, ?, ?, 'T', 'T')",
                      (aid, f"doc{a}.txt", f"Story {a}", f"Outlet {a % 60}", published, text, per_article))
            pos = 0
            for n, sent in enumerate(sentences):
                typ = rnd.choice(TYPES)
                cid = claim_id(aid, typ, pos, pos + len(sent))
                low = rnd.choice((None, rnd.randint(10, 5000)))
                c.execute("INSERT INTO claims (id, article_id, seq, type, actor_key, children, forced, count_low, "
                          "count_high, count_approx, count_unit, count_text, time_start, time_end, hedged, negated, "
                          "speaker_id, speaker_quote, evidence, evidence_start, evidence_end, confidence) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 'fighters', ?, ?, ?, 0, 0, ?, 'indirect', ?, ?, ?, ?)",
                          (cid, aid, n, typ, f"Q{1000 + rnd.randrange(40)}", rnd.choice((None, 0, 1)),
                           rnd.choice((None, 0, 1)), low, low, f"{low} fighters" if low else None,
                           published if rnd.random() < 0.5 else None, None, rnd.choice(speakers), sent, pos,
                           pos + len(sent), round(rnd.random(), 2)))
                for k in range(rnd.choice((0, 1, 1, 2))):
                    c.execute("INSERT OR IGNORE INTO claim_places (claim_id, seq, place_id) VALUES (?, ?, ?)",
                              (cid, k, rnd.choice(places)))
                ids.append(cid)
                pos += len(sent) + 1
        c.execute("COMMIT")
        for cid in rnd.sample(ids, len(ids) // 100):
            led.review(cid, rnd.choice(("accept", "reject", None)) or None,
                       {} if rnd.random() < 0.5 else {"count.low": rnd.randint(10, 5000)}, note="bench", reviewer="bench")
        led.fold_facet_counts()  # the list's facet counts brought up to date, as `muster serve` would on start
        led.conn.execute("PRAGMA optimize")
    return {"ids": rnd.sample(ids, min(2000, len(ids)))}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load(port: int, paths: list[str], clients: int, requests: int) -> dict:
    """`clients` threads, each sending `requests // clients` of `paths` (cycled) one after the other."""
    times: list[float] = []
    errors = []
    lock = threading.Lock()

    def client(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        for i in range(requests // clients):
            path = paths[(k * 7919 + i) % len(paths)]
            t0 = time.perf_counter()
            conn.request("GET", path)
            resp = conn.getresponse()
            resp.read()
            mine.append(time.perf_counter() - t0)
            if resp.status != 200:
                errors.append((path, resp.status))
        with lock:
            times.extend(mine)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    times.sort()
    q = lambda p: round(1000 * times[min(len(times) - 1, int(p * len(times)))], 1)  # noqa: E731
    return {"requests": len(times), "errors": len(errors), "p50_ms": q(0.50), "p95_ms": q(0.95), "p99_ms": q(0.99),
            "mean_ms": round(1000 * statistics.mean(times), 1), "requests_per_s": round(len(times) / wall, 1)}


def cpu_seconds(pid: int) -> float:
    """The CPU time (user + system) a process and its children (--workers) have used so far
    (Linux /proc), in seconds."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def measured(server: subprocess.Popen, port: int, paths: list[str], clients: int, requests: int) -> dict:
    """load(), with the server's CPU time per request beside the wall times: on a busy machine
    the latencies include waiting for a core, the CPU time does not."""
    cpu = cpu_seconds(server.pid)
    out = load(port, paths, clients, requests)
    out["server_cpu_ms_per_request"] = round(1000 * (cpu_seconds(server.pid) - cpu) / max(1, out["requests"]), 1)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--claims", type=int, default=200_000)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--requests", type=int, default=400, help="per scenario, over all clients")
    ap.add_argument("--db", help="keep the synthetic ledger here (default: a temporary file)")
    ap.add_argument("--json", help="write the figures here")
    ap.add_argument("--workers", type=int, default=1, help="server processes (muster serve --workers)")
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="muster-serve-bench-")
    db = args.db or os.path.join(tmp, "bench.db")
    t0 = time.perf_counter()
    if os.path.exists(db):
        from muster.store import Ledger

        with Ledger(db) as led:
            ids = [r[0] for r in led.conn.execute("SELECT id FROM claims ORDER BY random() LIMIT 2000")]
    else:
        ids = build(db, args.claims)["ids"]
    built = time.perf_counter() - t0
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "muster", "serve", "--db", db, "--port", str(port),
                               "--workers", str(args.workers)], stderr=subprocess.PIPE, cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit(f"the server did not start: {server.stderr.read().decode()[-2000:]}")
                time.sleep(0.2)
        lists = [f"/?type={t}&country={c}" for t in TYPES for c in COUNTRIES]
        api = [f"/api/claims?type={t}&country={c}&limit=50&offset=50" for t in TYPES for c in COUNTRIES]
        claims = [f"/claims/{i}" for i in ids]
        load(port, [f"/claims/{i}" for i in ids[-16:]], 2, 16)  # start the worker threads
        out = {"claims": args.claims, "clients": args.clients, "workers": args.workers, "build_s": round(built, 1),
               "machine": {"cpus": os.cpu_count(), "load_average_at_start": os.getloadavg()[0]}, "scenarios": {}}
        sc = out["scenarios"]
        # each filter asked for the first time: the server finds the matching claims and their facets
        sc["list page, a filter asked the first time (type + country; facets)"] = measured(
            server, port, lists, args.clients, len(lists))
        # asked again (the next page, the list after a claim page, another analyst): remembered
        sc["list page, a filter asked before"] = measured(server, port, lists, args.clients, args.requests)
        sc["API claims, 2nd page of a filter asked before"] = measured(server, port, api, args.clients, args.requests)
        sc["claim page (article text, evidence, fields, log)"] = measured(server, port, claims, args.clients,
                                                                          args.requests)
        # what the claim page's script then asks: the claims of other articles related to it, each claim once
        # (its answer is remembered while the ledger does not change)
        related = [f"/api/claims/{i}/related" for i in ids]
        sc["a claim's related claims (API, asked by its page; each claim the first time)"] = measured(
            server, port, related, args.clients, min(args.requests, len(related)))
        out["machine"]["load_average_at_end"] = os.getloadavg()[0]
    finally:
        server.terminate()
        server.wait(10)
    print(json.dumps(out, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
