#!/usr/bin/env python3
"""How each stage's cost grows with its input: the exponent of time against size.

    python bench/scaling.py [--sizes 20000,40000,80000] [--runs 3] [--only NAME,...] [--json FILE]

For each input (a unit repeated to a size: the pathological inputs of issue 15, and one
realistic input made of real articles put end to end) and each size, the article is run through
    * read: the reader on a file of that text (decoding, the checks);
    * the annotation pipeline (clean, metadata, sentences, actors, places, quantities, times,
      attribution), where the layers read the whole text;
    * the extraction pipeline (triage, claims), the one `muster extract` runs;
and each stage's CPU seconds are taken (the best of --runs runs: the least disturbed by the other
processes of a shared machine). The exponent is the slope of log(time) against log(size), fitted
by least squares over the sizes: 1 is linear, 2 quadratic. Stages that take under --floor seconds
at the largest size are shown as "-" (their time is noise, and whatever its growth, it costs
nothing). An input whose time at one size already exceeds --max-seconds is not run at the larger
sizes (its exponent then comes from the sizes it ran at, marked "!").

No assertion: this is a measurement, never a test. The README reports its table.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "corpus" / "news.jsonl"

CLAIM = "Islamic State has recruited 500 fighters in Raqqa, Syria, since January 2015, a spokesman said. "
# name -> (head, unit repeated to the size, tail): the inputs that stalled the stages in issue 15
PATHOLOGICAL = {
    "claim sentence": ("", CLAIM, ""),
    "said x N + claim": ("", "said ", CLAIM),
    "'(' x N": (CLAIM, "(", CLAIM),
    "'\"' x N": (CLAIM, '"', CLAIM),
    "curly quotes x N": (CLAIM, "“’", CLAIM),
    "'.' x N": (CLAIM, ".", CLAIM),
    "'1,' x N": (CLAIM, "1,", CLAIM),
    "'al-' x N": (CLAIM, "al-", CLAIM),
    "'more than ' x N": (CLAIM, "more than ", "500 fighters. " + CLAIM),
    "'500 fighters and ' x N": (CLAIM, "500 fighters and ", CLAIM),
    "capitalised words": (CLAIM, "Raqqa Mosul Aleppo Kabul Ahmed Hassan ", CLAIM),
    "'Mr. Dr. Gen. ' x N": (CLAIM, "Mr. Dr. Gen. Maj. ", CLAIM),
    "'between 5,000 and ' x N": (CLAIM, "between 5,000 and ", CLAIM),
    "emoji x N": (CLAIM, "😀", CLAIM),
    "one long word": (CLAIM, "recruits", " " + CLAIM),
    "one long number": (CLAIM, "1", " fighters. " + CLAIM),
    "'[' x N": (CLAIM, "[", CLAIM),
}
ANNOTATE = ["clean", "metadata", "sentences", "actors", "places", "quantities", "times", "attribution"]
EXTRACT_ONLY = ["triage", "claims"]
STAGES = ["read", "clean", "sentences", "actors", "places", "quantities", "times", "attribution", "triage", "claims"]


def realistic_source(chars: int = 10_000) -> str:
    """Whole real articles end to end, about `chars` of them (the corpus's first articles if it is
    there, else the bundled examples); repeated to each size, so that every size has the same mix."""
    if CORPUS.exists():
        lines = CORPUS.read_text(encoding="utf-8").splitlines()
        texts = [json.loads(line)["text"] for line in lines if line.strip()]
    else:
        texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.txt"))]
    out: list[str] = []
    for text in texts:
        if sum(map(len, out)) >= chars:
            break
        out.append(text)
    return "\n\n".join(out)


def make_text(name: str, size: int, realistic: str) -> str:
    if name == "realistic":
        text = realistic
        while len(text) < size:
            text += "\n\n" + realistic
        cut = text.rfind("\n\n", 0, size)
        return text[:cut if cut > size // 2 else size]
    head, unit, tail = PATHOLOGICAL[name]
    n = max(1, (size - len(head) - len(tail)) // len(unit))
    return head + unit * n + tail


def time_read(text: str, tmp: Path) -> float:
    from muster.read import read_all

    path = tmp / "input.txt"
    path.write_text(text, encoding="utf-8")
    t0 = time.process_time()
    items = list(read_all([str(path)], 100_000_000))
    took = time.process_time() - t0
    if not items:
        raise SystemExit("the reader returned nothing")
    return took


def time_stages(text: str, config: dict) -> dict[str, float]:
    """CPU seconds of each stage on `text`: the annotation pipeline, then extraction's own stages."""
    from muster.model import Article
    from muster.pipeline import Pipeline

    out: dict[str, float] = {}
    for names, mode in ((ANNOTATE, "annotate"), (config["pipeline"]["extract"], "extract")):
        pipe = Pipeline([n for n in names if n != "htmlpage"], config)
        art = Article(doc="scaling", text=text, raw=text)
        art.given["published"] = "2016-01-01"
        t0 = time.process_time()
        pipe(art)
        total = time.process_time() - t0
        for name, secs in pipe.seconds.items():
            if mode == "annotate" or name in EXTRACT_ONLY:
                out[name] = secs
        if mode == "extract":
            out["extract (whole)"] = total
    return out


def measure(name: str, size: int, runs: int, config: dict, realistic: str, tmp: Path) -> dict[str, float]:
    text = make_text(name, size, realistic)
    best: dict[str, float] = {}
    for _ in range(runs):
        row = time_stages(text, config)
        row["read"] = time_read(text, tmp)
        row["extract (whole)"] += row["read"]
        for k, v in row.items():
            best[k] = min(best.get(k, math.inf), v)
    best["chars"] = len(text)
    return best


def slope(sizes: list[int], times: list[float]) -> float:
    """Least-squares slope of log(time) on log(size)."""
    xs = [math.log(s) for s in sizes]
    ys = [math.log(max(t, 1e-6)) for t in times]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def exponents(rows: list[dict[str, float]], floor: float) -> dict[str, float | None]:
    sizes = [int(r["chars"]) for r in rows]
    out: dict[str, float | None] = {}
    for stage in STAGES + ["extract (whole)"]:
        times = [r.get(stage, 0.0) for r in rows]
        out[stage] = None if len(rows) < 2 or times[-1] < floor else slope(sizes, times)
    return out


def run_input(name: str, sizes: list[int], args, config: dict, realistic: str, tmp: Path) -> dict:
    rows: list[dict[str, float]] = []
    for size in sizes:
        rows.append(measure(name, size, args.runs, config, realistic, tmp))
        print(f"  {name} @ {size:,}: {rows[-1]['extract (whole)']:.3f} s", file=sys.stderr, flush=True)
        if rows[-1]["extract (whole)"] > args.max_seconds:
            break
    return {"input": name, "rows": rows, "truncated": len(rows) < len(sizes),
            "exponents": exponents(rows, args.floor)}


def table(results: list[dict]) -> str:
    cols = STAGES + ["extract (whole)"]
    lines = ["| input | s at largest size | " + " | ".join(cols) + " |",
             "|---|---|" + "---|" * len(cols)]
    for res in results:
        last = res["rows"][-1]
        cells = []
        for c in cols:
            e = res["exponents"][c]
            cells.append("-" if e is None else f"{e:.2f}")
        mark = " !" if res["truncated"] else ""
        lines.append(f"| {res['input']}{mark} | {last['extract (whole)']:.2f} ({int(last['chars']):,} chars) | "
                     + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,20000,40000", help="input sizes in characters, ascending")
    ap.add_argument("--runs", type=int, default=2, help="runs per size; the fastest is kept")
    ap.add_argument("--only", default="", help="inputs whose name holds one of these words, separated by '|' (default: all)")
    ap.add_argument("--floor", type=float, default=0.02, help="stages faster than this at the largest size get no exponent")
    ap.add_argument("--max-seconds", type=float, default=60.0, help="stop growing an input past this")
    ap.add_argument("--json", default=None, help="also write the results here")
    args = ap.parse_args()

    from muster.pipeline import load_config, warm

    config = load_config()
    warm("extract", config)
    warm("annotate", config)
    realistic = realistic_source()
    sizes = [int(s) for s in args.sizes.split(",")]
    names = ["realistic", *PATHOLOGICAL]
    if args.only:
        names = [n for n in names if any(w in n for w in args.only.split("|"))]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            results.append(run_input(name, sizes, args, config, realistic, Path(tmp)))
    print(table(results))
    if args.json:
        Path(args.json).write_text(json.dumps({"sizes": sizes, "runs": args.runs, "load": os.getloadavg(),
                                               "results": results}, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
