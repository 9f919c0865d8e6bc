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
        # seconds spent in each stage, summed over the articles this pipeline ran (for the benchmark)
        self.seconds: dict[str, float] = defaultdict(float)

    def __call__(self, article: Article) -> Article:
        clock = time.perf_counter
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


def _init_worker(mode: str, config: dict) -> None:
    global _worker_pipe
    _worker_pipe = pipeline_for(mode, config)


def _work(item: Article | InputError) -> Article | InputError:
    assert _worker_pipe is not None
    return next(_worker_pipe.run([item]))


def run_mode(items: Iterable[Article | InputError], mode: str, config: dict,
             workers: int = 1) -> Iterator[Article | InputError]:
    """Run the `mode` pipeline over items, in order; with workers > 1, in that many processes."""
    if workers <= 1:
        yield from pipeline_for(mode, config).run(items)
        return
    import multiprocessing as mp

    # fork shares what the parent loaded; the parent reads, the workers annotate and extract
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    with ctx.Pool(workers, initializer=_init_worker, initargs=(mode, config)) as pool:
        yield from pool.imap(_work, items, chunksize=4)


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
