"""Isolation and a budget per article: worker processes that a supervisor replaces when they die.

No article can take the batch down. Articles go to worker processes (forked after the models are
loaded, so they share them) a few at a time; each worker answers them in order, so the
supervisor always knows which article a worker is on and since when. When a worker dies (a
segfault in native code, the memory cap of `resource.RLIMIT_AS`) or spends longer than the time
budget on one article (a hang in native code, a runaway regex), that article alone becomes an
`InputError`; the worker is killed and replaced, and the articles queued behind it go to the new
one. Results come back in input order. Nothing is re-run on the happy path, so the overhead is
the pickling of each article to its worker and back.

A worker runs the articles queued at it together, up to batching.BLOCK at a time (their spaCy
calls batched: the same results, at less cost), and answers them when the block is done. When a
worker dies or overruns the budget on a block of several articles, which one did it is unknown:
none is blamed, and the articles it held go to the new worker marked to run alone, one at a time,
so that the culprit alone fails when it fails again (it runs twice: a hang costs two budgets).
"""
from __future__ import annotations

import gc
import itertools
import multiprocessing as mp
import queue
import signal
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Iterable, Iterator

from .model import Article, InputError

DEFAULT_ARTICLE_SECONDS = 120.0
DEFAULT_MEMORY_MB = 2048
# articles queued at each worker: enough that it never waits for the next one, and that it can
# take a full block (batching.BLOCK) at a time
DEPTH = 128
# results finished ahead of the one the output waits for (a slow article holds the output back)
WINDOW = 256


@dataclass(frozen=True)
class Budget:
    """What one article may cost: wall seconds (0: no limit) and a worker's address space in MB
    (0: no cap). The defaults are far above any real article (the corpus's slowest takes ~1 s)."""
    seconds: float = DEFAULT_ARTICLE_SECONDS
    memory_mb: int = DEFAULT_MEMORY_MB


# -- the worker side ----------------------------------------------------------------------------

def _cap_memory(memory_mb: int) -> None:
    """RLIMIT_AS for this worker; never below what it already holds (the shared models) plus a
    margin, or it could not even start."""
    if not memory_mb:
        return
    import resource

    held = _vm_bytes()
    limit = max(memory_mb << 20, held + (256 << 20))
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))


def _vm_bytes() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) << 10
    except OSError:
        pass
    return 0


def _answer(pipe: Any, item: Article, slim: bool, budget: Budget) -> Article | InputError:
    from .pipeline import slim_article

    try:
        out = pipe(item)
        return slim_article(out) if slim else out
    except BaseException as exc:  # a worker must always answer
        return _failure(item, exc, budget)


def _failure(item: Article, exc: BaseException, budget: Budget) -> InputError:
    if isinstance(exc, InputError):
        return exc
    if isinstance(exc, MemoryError):
        return InputError(item.doc, f"over the memory budget of {budget.memory_mb:,} MB per worker "
                                    "(--max-memory); skipped", input_hash=item.input_hash())
    return InputError(item.doc, f"processing failed ({type(exc).__name__}: {exc})")


def _answer_block(pipe: Any, items: list[Article], slim: bool, budget: Budget) -> list[Article | InputError]:
    """The articles of a block run together (see batching.py); one by one if something escaped."""
    from .pipeline import slim_article

    if len(items) == 1:
        return [_answer(pipe, items[0], slim, budget)]
    try:
        out = pipe.run_block(items, on_error=lambda item, exc: _failure(item, exc, budget))
    except BaseException:  # a worker must always answer
        return [_answer(pipe, item, slim, budget) for item in items]
    return [slim_article(x) if slim else x for x in out]


def _next_block(tasks: Any, carry: list) -> list | None:
    """The next tasks to run together: the first one (waiting for it), then those already queued,
    up to batching.BLOCK; a task marked to run alone makes a block of its own. None: stop."""
    from .batching import BLOCK

    first = carry.pop() if carry else tasks.get()
    if first is None or first[2]:
        return None if first is None else [first]
    block = [first]
    while len(block) < BLOCK:
        try:
            task = tasks.get_nowait()
        except queue.Empty:
            break
        if task is None or task[2]:
            carry.append(task)
            break
        block.append(task)
    return block


def _die_with_parent() -> None:
    """On Linux, be killed when the supervisor dies (SIGKILLed, or its Dask worker lost): a worker
    whose supervisor is gone would otherwise wait for tasks for ever."""
    try:
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _worker_main(mode: str, config: dict, budget: Budget, tasks: Any, results: Connection) -> None:
    from .pipeline import pipeline_for

    import faulthandler

    # the supervisor handles ^C; a worker dying of it mid-article would be reported as a crash
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    # a crash is reported as one line by the supervisor, not as a dump of the worker's stack
    faulthandler.disable()
    _cap_memory(budget.memory_mb)
    pipe = pipeline_for(mode, config)
    slim = mode == "extract"
    carry: list = []
    while (block := _next_block(tasks, carry)) is not None:
        answers = _answer_block(pipe, [item for _seq, item, _alone in block], slim, budget)
        for (seq, _item, _alone), answer in zip(block, answers):
            results.send((seq, answer))


# -- the supervisor side ------------------------------------------------------------------------

class _Worker:
    """One worker process, its task queue and result pipe, and the articles it holds, in order."""

    def __init__(self, ctx: Any, mode: str, config: dict, budget: Budget):
        self.tasks = ctx.Queue()
        self.conn, child_end = ctx.Pipe(duplex=False)
        self.proc = ctx.Process(target=_worker_main, args=(mode, config, budget, self.tasks, child_end),
                                daemon=True)
        self.proc.start()
        child_end.close()  # only the worker writes results: its death is then EOF here
        # (seq, article, alone): alone, it runs in a block of its own (see the module's docstring)
        self.held: deque[tuple[int, Article, bool]] = deque()
        self.since = time.monotonic()  # when it started on the article at the head of `held`

    def submit(self, seq: int, item: Article, alone: bool = False) -> None:
        if not self.held:
            self.since = time.monotonic()
        self.held.append((seq, item, alone))
        self.tasks.put((seq, item, alone))

    def receive(self) -> tuple[int, Article | InputError]:
        seq, result = self.conn.recv()
        self.held.popleft()
        self.since = time.monotonic()
        return seq, result

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.proc.kill()
        else:
            self.tasks.put(None)
        self.tasks.close()
        self.tasks.cancel_join_thread()  # a dead worker reads nothing: do not wait to flush to it
        self.proc.join(timeout=None if kill else 5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


def _death_reason(exitcode: int | None, budget: Budget) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        what = f"killed by {name}"
    else:
        what = f"exited with status {exitcode}"
    return (f"the worker process {what} on this article (a crash in native code, or over the memory "
            f"budget of {budget.memory_mb:,} MB); skipped, the batch goes on")


class Supervisor:
    """Runs the `mode` pipeline over items in `workers` supervised processes, in input order."""

    def __init__(self, mode: str, config: dict, workers: int, budget: Budget):
        self.mode, self.config, self.budget = mode, config, budget
        self.ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
        self.workers: list[_Worker] = []
        self.n = max(1, workers)
        self.done: dict[int, Article | InputError] = {}

    def _start(self) -> _Worker:
        return _Worker(self.ctx, self.mode, self.config, self.budget)

    def run(self, items: Iterable[Article | InputError]) -> Iterator[Article | InputError]:
        self.workers = [self._start() for _ in range(self.n)]
        try:
            yield from self._loop(iter(items))
        finally:
            for w in self.workers:
                w.stop(kill=True)

    def _loop(self, items: Iterator[Article | InputError]) -> Iterator[Article | InputError]:
        seq = out = 0
        exhausted = False
        while True:
            while not exhausted and seq - out < WINDOW and self._room():
                item = next(items, None)
                if item is None:
                    exhausted = True
                    break
                self._dispatch(seq, item)
                seq += 1
            while out in self.done:
                yield self.done.pop(out)
                out += 1
            if exhausted and out == seq:
                return
            self._collect()

    def _room(self) -> bool:
        return sum(len(w.held) for w in self.workers) < DEPTH * len(self.workers)

    def _dispatch(self, seq: int, item: Article | InputError) -> None:
        if isinstance(item, InputError):  # a reading error keeps its place in the output
            self.done[seq] = item
            return
        min(self.workers, key=lambda w: len(w.held)).submit(seq, item)

    def _collect(self) -> None:
        """Wait for a result, a death or the nearest deadline; handle whatever happened."""
        busy = [w for w in self.workers if w.held]
        if not busy:
            return
        ready = set(wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=self._wait_for(busy)))
        for w in busy:
            if w.conn in ready or w.proc.sentinel in ready:
                self._receive_or_bury(w)
            elif self.budget.seconds and time.monotonic() - w.since > self.budget.seconds:
                self._replace(w, f"took longer than the budget of {self.budget.seconds:g} s per article "
                                 "(--article-timeout); stopped and skipped, the batch goes on")

    def _wait_for(self, busy: list[_Worker]) -> float | None:
        if not self.budget.seconds:
            return None
        return max(0.0, min(w.since for w in busy) + self.budget.seconds - time.monotonic()) + 0.01

    def _receive_or_bury(self, w: _Worker) -> None:
        try:
            while w.held and w.conn.poll():
                seq, result = w.receive()
                self.done[seq] = result
        except (EOFError, OSError):
            pass
        if w.held and not w.proc.is_alive():
            w.proc.join()
            self._replace(w, _death_reason(w.proc.exitcode, self.budget))

    def _replace(self, w: _Worker, reason: str) -> None:
        """The article at the head of `w` fails with `reason` when it ran alone (alone-marked, or
        the only one held); a new worker takes the rest. When it may have run in a block with
        the others held, none fails: they all go to the new worker, each to run alone."""
        alone = w.held[0][2] or len(w.held) == 1
        if alone:
            seq, item, _ = w.held.popleft()
            self.done[seq] = InputError(item.doc, reason, input_hash=item.input_hash())
        w.stop(kill=True)
        fresh = self._start()
        self.workers[self.workers.index(w)] = fresh
        for s, it, was_alone in w.held:
            fresh.submit(s, it, was_alone or not alone)


def supervised(items: Iterable[Article | InputError], mode: str, config: dict, workers: int,
               budget: Budget) -> Iterator[Article | InputError]:
    """Load the models once here, then fork the workers (they share the pages; gc.freeze keeps the
    collector from touching, and so copying, them in every worker)."""
    from .pipeline import warm

    # one input (an analyst's article): its worker loads only the models and data that article
    # needs, when it needs them; warming up pays off when several workers or articles share them
    items = iter(items)
    head = list(itertools.islice(items, 2))
    items = itertools.chain(head, items)
    if "fork" in mp.get_all_start_methods() and (len(head) > 1 or workers > 1):
        warm(mode, config)
        gc.freeze()
    try:
        yield from Supervisor(mode, config, workers, budget).run(items)
    finally:
        gc.unfreeze()


__all__ = ["Budget", "Supervisor", "supervised", "DEFAULT_ARTICLE_SECONDS", "DEFAULT_MEMORY_MB"]
