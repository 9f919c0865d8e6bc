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
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from . import registry
from .batching import BLOCK, Steps, blocks, run_together
from .model import Article, InputError
from .read import read_all

if TYPE_CHECKING:
    from .supervise import Budget


@lru_cache(maxsize=1)
def _default_config() -> dict:
    return registry.load_yaml(resources.files("muster").joinpath("default.yaml").read_text(encoding="utf-8"))


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

    def steps(self, article: Article, where: list[str]) -> Steps:
        """What calling the pipeline does, as a generator of the spaCy calls of the stages that have
        a generator form (`func.steps`, see batching.py); `where[0]` names the stage running."""
        clock = time.process_time
        for name, func in self.stages:
            where[0] = name
            t0 = clock()
            gen = getattr(func, "steps", None)
            if gen is None:
                article = func(article, self.config.get(name) or {})
            else:
                steps = gen(article, self.config.get(name) or {})
                try:
                    ask = next(steps)
                    while True:
                        self.seconds[name] += clock() - t0  # the answer is counted by run_block
                        got = yield ask
                        t0 = clock()
                        ask = steps.throw(got) if isinstance(got, BaseException) else steps.send(got)
                except StopIteration as stop:
                    article = stop.value
            self.seconds[name] += clock() - t0
        return article

    def run(self, items: Iterable[Article | InputError], block: int = BLOCK) -> Iterator[Article | InputError]:
        """Each item through the stages (an InputError passes as it is), in order: `block` articles
        at a time, their spaCy calls batched together (the same results as one by one)."""
        for chunk in blocks(items, block):
            yield from self.run_block(chunk)

    def run_block(self, items: list[Article | InputError],
                  on_error: "Callable[[Article, Exception], InputError] | None" = None) -> list[Article | InputError]:
        """run() over one block: the items' stages, the spaCy calls of all of them batched.
        `on_error(article, exception)` makes the error of an article whose stages raised."""
        articles = [item for item in items if not isinstance(item, InputError)]
        where = [[""] for _ in articles]

        def charge(i: int, seconds: float) -> None:
            self.seconds[where[i][0]] += seconds

        done = iter(run_together([self.steps(a, w) for a, w in zip(articles, where)], charge))
        out: list[Article | InputError] = []
        for item in items:
            if isinstance(item, InputError):
                out.append(item)
                continue
            ok, got = next(done)
            if ok or isinstance(got, InputError):
                out.append(got)
            elif on_error is not None:
                out.append(on_error(item, got))
            else:  # one bad article must not stop the batch
                out.append(InputError(item.doc, f"processing failed ({type(got).__name__}: {got})"))
        return out


def pipeline_for(mode: str, config: dict | None = None) -> Pipeline:
    config = config or load_config()
    return Pipeline(config["pipeline"][mode], config)


# a short text that takes every stage down its costly path (a claim with a speaker), so that models,
# gazetteers and lexicons are loaded in the parent before the workers are forked and share them
_WARM_TEXT = ("Islamic State has recruited 500 fighters in Raqqa, Syria, since January 2015, "
              "a spokesman for the coalition told reporters on Monday. He said the group pays them $400 a month.")


def warm(mode: str, config: dict) -> None:
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
    if "htmlpage" in pipe.names:
        import htmldate  # noqa: F401  (loaded once here, shared by the forked workers)
        import trafilatura  # noqa: F401


_warm = warm  # the name bench/run.py uses


def slim_article(item: Article | InputError) -> Article | InputError:
    """What an extract record and the ledger need of an article (claims, actor and place mentions,
    metadata, text), without the layers and sentences only the stages used: less to send back."""
    if isinstance(item, Article):
        item.raw, item.sentences, item.quantities, item.times, item.attributions = "", [], [], [], []
        item.context = {k: v for k, v in item.context.items() if k == "input_hash"}
    return item


def default_workers() -> int:
    """The cores this process may use."""
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def run_mode(items: Iterable[Article | InputError], mode: str, config: dict,
             workers: int = 1, budget: "Budget | None" = None) -> Iterator[Article | InputError]:
    """Run the `mode` pipeline over items, in input order. With a `budget`, or workers > 1
    (workers=0: one per core), in supervised worker processes (see supervise.py): an article that
    crashes, hangs or runs out of memory costs only itself. Without either, in this process."""
    from .supervise import Budget, supervised

    if workers == 0:
        workers = default_workers()
    if workers <= 1 and budget is None:
        yield from pipeline_for(mode, config).run(items)
        return
    yield from supervised(items, mode, config, workers, budget or Budget())


def extract(paths: Iterable[str], config: dict | None = None, workers: int = 1,
            budget: "Budget | None" = None, skip: set[str] | None = None) -> Iterator[Article | InputError]:
    """Read, clean, annotate and extract claims from every input under `paths` (with a budget per
    article, or several workers: in supervised processes, see run_mode). Inputs whose hash is in
    `skip` (they exhausted their budget before) come out as errors without being run; given `skip`,
    even empty, each article carries the hash of its input (for the ledger to forgive a retried one)."""
    config = config or load_config()
    pages_in_stage = "htmlpage" in config["pipeline"]["extract"]
    items = read_all(paths, config["read"]["max_bytes"], defer_html=pages_in_stage)
    if skip is not None:
        items = _skipping(items, skip)
    yield from run_mode(items, "extract", config, workers, budget)


def _skipping(items: Iterable[Article | InputError], skip: set[str]) -> Iterator[Article | InputError]:
    for item in items:
        if isinstance(item, Article) and item.input_hash() in skip:  # (the hash is kept in its context)
            yield InputError(item.doc, "skipped: it exhausted its budget (crash, time or memory) in an earlier "
                                       "run; muster ingest --retry-failed runs it again")
        else:
            yield item


def annotate(paths: Iterable[str], raw: bool = False, published: str | None = None,
             config: dict | None = None, workers: int = 1,
             budget: "Budget | None" = None) -> Iterator[Article | InputError]:
    """The annotation layers only. With `raw` the text is used exactly as given. With a `budget`
    per article, or several workers, in supervised processes, as extract (see run_mode)."""
    config = config or load_config()
    items = read_all(paths, config["read"]["max_bytes"])
    if published:
        items = _published(items, published)
    yield from run_mode(items, "annotate_raw" if raw else "annotate", config, workers, budget)


def _published(items: Iterable[Article | InputError], published: str) -> Iterator[Article | InputError]:
    for item in items:
        if isinstance(item, Article):
            item.given["published"] = published
        yield item


def process_text(text: str, doc: str = "text", published: str | None = None, mode: str = "extract") -> Article:
    """Run one text through a pipeline (handy in tests and notebooks)."""
    art = Article(doc=doc, text=text, raw=text)
    if published:
        art.given["published"] = published
    return pipeline_for(mode)(art)
