"""Backfills on a Dask cluster: `muster extract/ingest --dask ADDRESS` (or `--dask-local N`).

The inputs are cut into partitions: whole files, grouped until a partition holds about
`part_size` articles, and line ranges of big JSON Lines files (cut at line ends, each range
knowing the number of its first line, so that docs and error lines are named as in a single
process run). Each partition is one Dask task (`distributed` futures). A worker loads the models
once (they are cached per process) and runs its partition through the same per-article guard as
`--workers` (supervise.py: a forked process with a time and memory budget per article), so a
crash, hang or memory blow-up costs one article, not the worker. A worker that dies anyway
(killed, lost) has its partitions re-run by Dask on another worker; results are kept by partition
number and given out in input order, once each, so no article is lost or stored twice and the
ledger is the same as a single-process ingest's. Only this process writes the ledger.

The workers must see the input paths (a shared file system): partitions name files by absolute
path. A remote cluster's workers need `distributed.worker.daemon: False` (environment
`DASK_DISTRIBUTED__WORKER__DAEMON=False`) for the per-article guard; without it a partition is
run in the worker itself, unguarded, and each article says so in a note.
"""
from __future__ import annotations

import codecs
import os
import re
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from .model import Article, InputError

if TYPE_CHECKING:
    from .supervise import Budget

# articles a partition holds: big enough that a task's overhead (a few ms) is small against its
# work (~0.2 s an article), small enough that a lost worker costs little and both workers stay busy
PART_SIZE = 32
# a JSON Lines file is cut into line ranges when it holds more lines than this
SPLIT_LINES = PART_SIZE
_SURROGATE = re.compile(r"[\ud800-\udfff]")


@dataclass(frozen=True)
class Piece:
    """One file, or the byte range [start, end) of one, whose first line is number `first_line`."""
    path: str          # absolute: the workers may run elsewhere
    source: str        # the name reported (the path as the user gave it)
    start: int = 0
    end: int | None = None
    first_line: int = 1
    lines: int = 1     # articles expected (for grouping)


@dataclass
class Partition:
    index: int
    pieces: list[Piece] = field(default_factory=list)

    def size(self) -> int:
        return sum(p.lines for p in self.pieces)

    def describe(self) -> str:
        p = self.pieces[0]
        more = f" and {len(self.pieces) - 1} more inputs" if len(self.pieces) > 1 else ""
        rng = f" lines {p.first_line}-{p.first_line + p.lines - 1}" if p.end is not None else ""
        return f"{p.source}{rng}{more}"


# -- cutting the inputs ------------------------------------------------------------------------

def _is_jsonl(path: str) -> bool:
    from .read import JSONL_SUFFIXES

    return path.lower().endswith(JSONL_SUFFIXES)


def _line_starts(path: str, max_bytes: int) -> list[int] | None:
    """The byte offset of every line of a plain UTF-8 JSON Lines file, or None when it must be read
    whole (too large, not UTF-8 throughout, a BOM: the reader's whole-file rules then apply)."""
    try:
        if os.path.getsize(path) > max_bytes:
            return None
        decoder = codecs.getincrementaldecoder("utf-8")()
        starts, pos = [0], 0
        with open(path, "rb") as fh:
            head = fh.read(4)
            if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
                return None
            fh.seek(0)
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
                i = chunk.find(b"\n")
                while i != -1:
                    starts.append(pos + i + 1)
                    i = chunk.find(b"\n", i + 1)
                pos += len(chunk)
            decoder.decode(b"", final=True)
    except (OSError, UnicodeDecodeError):
        return None
    if starts[-1] == pos:
        starts.pop()  # no line after the last newline
    starts.append(pos)
    return starts


def _pieces(path: str, source: str, max_bytes: int, split_lines: int) -> list[Piece]:
    apath = os.path.abspath(path)
    if not _is_jsonl(path):
        return [Piece(apath, source)]
    starts = _line_starts(path, max_bytes)
    if starts is None or len(starts) - 1 <= split_lines:
        return [Piece(apath, source, lines=max(1, len(starts) - 1) if starts else 1)]
    n = len(starts) - 1
    return [Piece(apath, source, starts[i], starts[min(i + split_lines, n)], i + 1, min(split_lines, n - i))
            for i in range(0, n, split_lines)]


def partitions(paths: Iterable[str], max_bytes: int, part_size: int = PART_SIZE) -> Iterator[Partition | InputError]:
    """The inputs under `paths` as partitions in input order (and the errors of directories that
    cannot be listed, in their places)."""
    from .read import display_name, iter_inputs

    index = 0
    current = Partition(index)
    for item in iter_inputs(paths):
        if isinstance(item, InputError) or item == "-":
            if current.pieces:  # what came before the error goes before it, as in a one-process run
                yield current
                index += 1
                current = Partition(index)
            yield item if isinstance(item, InputError) else \
                InputError("-", "standard input cannot be shared with a Dask cluster; give files")
            continue
        for piece in _pieces(item, display_name(item), max_bytes, part_size):
            if current.pieces and current.size() + piece.lines > part_size:
                yield current
                index += 1
                current = Partition(index)
            current.pieces.append(piece)
    if current.pieces:
        yield current


# -- the worker side ---------------------------------------------------------------------------

def read_piece(piece: Piece, max_bytes: int, defer_html: bool) -> Iterator[Article | InputError]:
    from .jsonl import read_jsonl
    from .read import doc_name, read_source

    if piece.end is None:
        yield from read_source(piece.path, max_bytes, defer_html, source=piece.source)
        return
    try:
        with open(piece.path, "rb") as fh:
            fh.seek(piece.start)
            data = fh.read(piece.end - piece.start)
    except OSError as exc:
        yield InputError(piece.source, f"cannot read ({exc.strerror or exc})")
        return
    yield from read_jsonl(piece.source, data, doc_name(piece.source), first_line=piece.first_line)


# this worker process's supervisor, kept from one partition to the next: its guard process is forked
# once, after the models are loaded, rather than for every partition
_RESIDENT: dict[str, Any] = {}


def _resident_supervisor(mode: str, config: dict, budget: "Budget") -> Any:
    import gc
    import json

    from .pipeline import warm
    from .supervise import Supervisor

    class Resident(Supervisor):
        """A Supervisor whose worker outlives a run: the next partition goes to the same process
        (one found dead while idle is replaced before it is given an article)."""

        def run(self, items: Iterable[Article | InputError]) -> Iterator[Article | InputError]:
            if not self.workers:
                self.workers = [self._start() for _ in range(self.n)]
            for k, w in enumerate(self.workers):
                if not w.proc.is_alive():
                    w.stop(kill=True)
                    self.workers[k] = self._start()
            try:
                yield from self._loop(iter(items))
            except BaseException:
                self.close()
                raise

        def close(self) -> None:
            for w in self.workers:
                w.stop(kill=True)
            self.workers = []
            self.done.clear()

    key = json.dumps([mode, config, budget.seconds, budget.memory_mb], sort_keys=True, default=str)
    sup = _RESIDENT.get(key)
    if sup is None:
        for old in _RESIDENT.values():
            old.close()
        _RESIDENT.clear()
        warm(mode, config)  # the models, loaded once here and shared by the forked guard
        gc.freeze()
        sup = _RESIDENT[key] = Resident(mode, config, 1, budget)
    return sup


def run_partition(part: Partition, mode: str, config: dict, budget: "Budget | None",
                  skip: frozenset[str] | None) -> list[Article | InputError]:
    """One Dask task: read a partition and run its articles, each within `budget` in a supervised
    process forked from this worker (models loaded once per worker and shared with the fork)."""
    import multiprocessing as mp

    from .pipeline import _skipping, pipeline_for, slim_article

    defer_html = "htmlpage" in config["pipeline"][mode]
    max_bytes = config["read"]["max_bytes"]
    items: Iterable[Article | InputError] = (it for p in part.pieces for it in read_piece(p, max_bytes, defer_html))
    if skip is not None:
        items = _skipping(items, set(skip))
    guarded = budget is not None and not mp.current_process().daemon and "fork" in mp.get_all_start_methods()
    if guarded:
        out = [slim_article(x) for x in _resident_supervisor(mode, config, budget).run(list(items))]
    else:
        out = [slim_article(x) for x in pipeline_for(mode, config).run(items)]
    if budget is not None and not guarded:
        for x in out:
            if isinstance(x, Article):
                x.notes.append("run without its per-article budget: the Dask worker is a daemon process "
                               "(set DASK_DISTRIBUTED__WORKER__DAEMON=False on the workers)")
    return out


# -- the client side ---------------------------------------------------------------------------

@contextmanager
def client_for(address: str | None = None, local_workers: int = 0) -> Iterator[Any]:
    """A `distributed.Client` on the scheduler at `address`, or on a LocalCluster of `local_workers`
    worker processes (one thread each: the pipeline is CPU-bound Python) made here and closed after."""
    import dask
    from distributed import Client, LocalCluster

    if address:
        with Client(address) as client:
            yield client
        return
    # non-daemon workers, so that each can fork the per-article guard's process; no statistical
    # profiler (a thread sampling every worker's stack 100 times a second: CPU the articles want)
    with dask.config.set({"distributed.worker.daemon": False, "distributed.worker.profile.enabled": False}):
        with LocalCluster(n_workers=max(1, local_workers), threads_per_worker=1, processes=True,
                          dashboard_address=None, silence_logs=50) as cluster, Client(cluster) as client:
            yield client


def _failed_partition(part: Partition, exc: BaseException) -> list[InputError]:
    """A partition Dask gave up on (its workers died again and again): every input of it is an
    error, never dropped in silence."""
    reason = (f"not extracted: its Dask task failed ({type(exc).__name__}: {exc}); run these inputs "
              "again, e.g. with muster ingest")
    return [InputError(p.source if p.end is None else f"{p.source}:{p.first_line}-{p.first_line + p.lines - 1}",
                       reason) for p in part.pieces]


def _in_order(client: Any, parts: Iterator[Partition | InputError], task: Any, args: tuple,
              window: int | None) -> Iterator[tuple[Partition | InputError, Any]]:
    """(partition, its task's result, or the exception Dask gave up with) in input order; an
    InputError among the partitions comes out as (error, None). At most `window` tasks are out at
    once (default: 2 per worker thread), so that memory stays bounded however many inputs there are."""
    from distributed import as_completed

    if window is None:
        threads = sum(client.nthreads().values()) or 1
        window = max(2, 2 * threads)
    pending: deque[Partition | InputError] = deque()  # in input order, awaiting their turn
    futures: dict[Any, Partition] = {}
    done: dict[int, Any] = {}
    ac = as_completed()
    exhausted = False

    def submit_more() -> None:
        nonlocal exhausted
        while not exhausted and len(futures) < window:
            item = next(parts, None)
            if item is None:
                exhausted = True
                return
            pending.append(item)
            if isinstance(item, Partition):
                # a partition whose worker dies is run again by Dask (and `retries` times more if
                # the task itself fails); its result is taken once, by its number
                fut = client.submit(task, item, *args, pure=False, retries=2)
                futures[fut] = item
                ac.add(fut)

    submit_more()
    while pending:
        head = pending[0]
        if isinstance(head, InputError):
            pending.popleft()
            yield head, None
            continue
        if head.index in done:
            pending.popleft()
            yield head, done.pop(head.index)
            submit_more()
            continue
        fut = next(ac)
        part = futures.pop(fut)
        try:
            done[part.index] = fut.result()
        except Exception as exc:  # KilledWorker after repeated deaths, or a bug: reported, never dropped
            done[part.index] = exc
        fut.release()
        submit_more()


def _outcome(part: Any, result: Any, items: Any) -> Iterator[Any]:
    """What one partition gives back: its read error, the errors of a partition whose task failed
    for good, or `items(result)`."""
    if isinstance(part, InputError):
        yield part
    elif isinstance(result, BaseException):
        yield from _failed_partition(part, result)
    else:
        yield from items(result)


def run_on_cluster(client: Any, paths: Iterable[str], mode: str, config: dict, budget: "Budget | None" = None,
                   skip: set[str] | None = None, part_size: int = PART_SIZE,
                   window: int | None = None) -> Iterator[Article | InputError]:
    """Run the `mode` pipeline over `paths` on the cluster of `client`; results in input order."""
    frozen = frozenset(skip) if skip is not None else None
    parts = partitions(paths, config["read"]["max_bytes"], part_size)
    for part, result in _in_order(client, parts, run_partition, (mode, config, budget, frozen), window):
        yield from _outcome(part, result, lambda r: r)


@dataclass
class Written:
    """What a partition task wrote to the output directory."""
    path: str
    articles: int
    claims: int
    errors: list[InputError]
    notes: list[tuple[str, str]]


def write_partition(part: Partition, config: dict, budget: "Budget | None", out_dir: str, fmt: str) -> Written:
    """A Dask task that extracts a partition and writes it itself, as out_dir/part-NNNNN.jsonl (or
    .parquet): only the counts and the errors travel back. A partition run again (its worker died)
    writes the same file again, atomically: never a second copy."""
    import json

    items = run_partition(part, "extract", config, budget, None)
    arts = [x for x in items if isinstance(x, Article)]
    path = os.path.join(out_dir, f"part-{part.index:05d}.{fmt}")
    if fmt == "parquet":
        from .parquet import extract_parquet

        extract_parquet(arts, path)
    else:
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            for a in arts:
                line = json.dumps(a.to_extract(), ensure_ascii=False, allow_nan=False)
                fh.write(_SURROGATE.sub("\ufffd", line) + "\n")  # lone surrogates: as the CLI does
        os.replace(tmp, path)
    return Written(path, len(arts), sum(len(a.claims) for a in arts),
                   [x for x in items if isinstance(x, InputError)],
                   [(a.doc, n) for a in arts for n in a.notes])


def extract_to_dir(paths: Iterable[str], out_dir: str, fmt: str = "jsonl", config: dict | None = None,
                   address: str | None = None, local_workers: int = 0, budget: "Budget | None" = None,
                   part_size: int = PART_SIZE) -> Iterator[Written | InputError]:
    """Extract on the cluster, each worker writing its partitions into `out_dir` (which the workers
    must see): one file a partition, named by its number. Yields what each partition wrote, and
    every bad input, in input order."""
    from .pipeline import load_config

    config = config or load_config()
    os.makedirs(out_dir, exist_ok=True)
    out_dir = os.path.abspath(out_dir)
    with client_for(address, local_workers) as client:
        parts = partitions(list(paths), config["read"]["max_bytes"], part_size)
        for part, result in _in_order(client, parts, write_partition, (config, budget, out_dir, fmt), None):
            yield from _outcome(part, result, lambda r: [r])


def extract(paths: Iterable[str], config: dict | None = None, address: str | None = None,
            local_workers: int = 0, budget: "Budget | None" = None,
            skip: set[str] | None = None, part_size: int = PART_SIZE) -> Iterator[Article | InputError]:
    """pipeline.extract on a Dask cluster (the scheduler at `address`, or a LocalCluster of
    `local_workers` processes made for this call)."""
    from .pipeline import load_config

    config = config or load_config()
    with client_for(address, local_workers) as client:
        yield from run_on_cluster(client, list(paths), "extract", config, budget, skip, part_size)


__all__ = ["extract", "extract_to_dir", "write_partition", "Written", "run_on_cluster", "client_for", "partitions", "run_partition", "Partition", "Piece",
           "PART_SIZE"]
