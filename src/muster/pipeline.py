"""The library's front door: run the configured stages over inputs.

    from muster.pipeline import extract
    for item in extract(["article.txt"]):
        ...  # an Article with .claims, or an InputError naming the input and the reason
"""
from __future__ import annotations

import copy
import time
from collections import defaultdict
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Iterator

import yaml

from . import registry
from .model import Article, InputError
from .read import read_all


@lru_cache(maxsize=1)
def _default_config() -> dict:
    return yaml.safe_load(resources.files("muster").joinpath("default.yaml").read_text(encoding="utf-8"))


def load_config(overrides: dict | None = None) -> dict[str, Any]:
    """The shipped default config, with `overrides` merged in (one level deep)."""
    cfg = copy.deepcopy(_default_config())
    for key, value in (overrides or {}).items():
        if isinstance(value, dict) and isinstance(cfg.get(key), dict):
            cfg[key].update(value)
        else:
            cfg[key] = value
    return cfg


class Pipeline:
    """An ordered list of named stages; calling it runs one article through all of them."""

    def __init__(self, names: list[str], config: dict[str, Any] | None = None):
        self.config = config or load_config()
        self.names = list(names)
        self.stages = [(name, registry.get(name)) for name in self.names]
        # CPU seconds spent in each stage, summed over the articles this pipeline ran (for the
        # benchmark; CPU time, so that other processes on a shared machine do not count)
        self.seconds: dict[str, float] = defaultdict(float)

    def __call__(self, article: Article) -> Article:
        clock = time.process_time
        for name, func in self.stages:
            t0 = clock()
            article = func(article, self.config.get(name) or {})
            self.seconds[name] += clock() - t0
        return article

    def run(self, items: Iterable[Article | InputError]) -> Iterator[Article | InputError]:
        for item in items:
            if isinstance(item, InputError):
                yield item
                continue
            try:
                yield self(item)
            except InputError as err:
                yield err
            except Exception as exc:  # one bad article must not stop the batch
                yield InputError(item.doc, f"processing failed ({type(exc).__name__}: {exc})")


def pipeline_for(mode: str, config: dict | None = None) -> Pipeline:
    config = config or load_config()
    return Pipeline(config["pipeline"][mode], config)


_worker_pipe: Pipeline | None = None
_worker_slim = False

# a short text that takes every stage down its costly path (a claim with a speaker), so that models,
# gazetteers and lexicons are loaded in the parent before the workers are forked and share them
_WARM_TEXT = ("Islamic State has recruited 500 fighters in Raqqa, Syria, since January 2015, "
              "a spokesman for the coalition told reporters on Monday. He said the group pays them $400 a month.")


def _warm(mode: str, config: dict) -> None:
    pipe = pipeline_for(mode, config)
    art = Article(doc="warm-up", text=_WARM_TEXT, raw=_WARM_TEXT)
    art.given["published"] = "2016-01-01"
    try:
        pipe(art)
    except Exception:  # warming up is an optimisation; a failure shows up on the real articles
        pass
    if "claims" in pipe.names or "attribution" in pipe.names:
        from .attribution import nlp

        nlp()


def _init_worker(mode: str, config: dict) -> None:
    global _worker_pipe, _worker_slim
    _worker_pipe = pipeline_for(mode, config)
    _worker_slim = mode == "extract"


def _slim(item: Article | InputError) -> Article | InputError:
    """What an extract record and the ledger need of an article (claims, actor and place mentions,
    metadata, text), without the layers and sentences only the stages used: less to send back."""
    if isinstance(item, Article):
        item.raw, item.sentences, item.quantities, item.times, item.attributions = "", [], [], [], []
        item.context = {}
    return item


def _work(item: Article | InputError) -> Article | InputError:
    assert _worker_pipe is not None
    try:
        out = next(_worker_pipe.run([item]))
        return _slim(out) if _worker_slim else out
    except BaseException as exc:  # a worker must always answer, or the pool waits forever
        return InputError(getattr(item, "doc", None) or getattr(item, "source", "?"),
                          f"processing failed ({type(exc).__name__}: {exc})")


def default_workers() -> int:
    """The cores this process may use."""
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def run_mode(items: Iterable[Article | InputError], mode: str, config: dict,
             workers: int = 1) -> Iterator[Article | InputError]:
    """Run the `mode` pipeline over items, in order; with workers > 1, in that many processes
    (workers=0: one per core). Results come back in input order."""
    if workers == 0:
        workers = default_workers()
    if workers <= 1:
        yield from pipeline_for(mode, config).run(items)
        return
    import gc
    import multiprocessing as mp

    if "fork" in mp.get_all_start_methods():
        # load everything once in the parent: forked workers share the pages (no per-worker
        # model load, which would take seconds and 2-3 hundred MB each); gc.freeze keeps the
        # collector from touching, and so copying, those objects in every worker
        ctx = mp.get_context("fork")
        _warm(mode, config)
        gc.freeze()
    else:
        ctx = mp.get_context()
    # the parent reads, the workers run the stages, the caller (one writer) gets them in order
    try:
        with ctx.Pool(workers, initializer=_init_worker, initargs=(mode, config)) as pool:
            yield from pool.imap(_work, items, chunksize=4)
    finally:
        gc.unfreeze()


def extract(paths: Iterable[str], config: dict | None = None, workers: int = 1) -> Iterator[Article | InputError]:
    """Read, clean, annotate and extract claims from every input under `paths`."""
    config = config or load_config()
    yield from run_mode(read_all(paths, config["read"]["max_bytes"]), "extract", config, workers)


def annotate(paths: Iterable[str], raw: bool = False, published: str | None = None,
             config: dict | None = None) -> Iterator[Article | InputError]:
    """The annotation layers only. With `raw` the text is used exactly as given."""
    config = config or load_config()
    pipe = pipeline_for("annotate_raw" if raw else "annotate", config)
    for item in read_all(paths, config["read"]["max_bytes"]):
        if isinstance(item, Article) and published:
            item.given["published"] = published
        yield from pipe.run([item])


def process_text(text: str, doc: str = "text", published: str | None = None, mode: str = "extract") -> Article:
    """Run one text through a pipeline (handy in tests and notebooks)."""
    art = Article(doc=doc, text=text, raw=text)
    if published:
        art.given["published"] = published
    return pipeline_for(mode)(art)
