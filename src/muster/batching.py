"""spaCy's calls batched across articles, with each article's code written as if it ran alone.

A spaCy call has a fixed cost (about 2 ms for a parse of a few sentences, whatever their number)
and its matrix products run faster on more rows; an article with claims asks for two to four such
calls of a few sentences each. A stage that needs spaCy is written as a generator that yields an
`Ask` (a function over a list, and the list) and receives the answer; run alone, `drive` answers
each ask at once; run over a block of articles, `run_together` advances every article to its next
ask, then answers all the asks of one function in a single call and sends each article its share.

The answers are the same either way: spaCy's tags, trees and entities for a text do not depend on
the texts batched with it (checked on every sentence the corpus parses, in batches of 7, 64 and
256), so batching changes only what the calls cost.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Generator, Iterable

# the articles advanced together: enough that each call batches the sentences of several articles
# with claims (about one article in eight has some), few enough to hold in memory at once
BLOCK = 64


@dataclass
class Ask:
    """`func(items)` wanted: `func` maps a list to a list of the same length, item by item."""
    func: Callable[[list], list]
    items: list


Steps = Generator[Ask, list, Any]


def drive(steps: Steps) -> Any:
    """Run one generator of asks alone, answering each at once; its return value."""
    try:
        ask = next(steps)
        while True:
            ask = steps.send(ask.func(ask.items))
    except StopIteration as stop:
        return stop.value


def answer_all(asks: list[Ask]) -> list[list | BaseException]:
    """Each ask's answer, asks of the same function answered by one call over their items (in the
    order of `asks`). When that call fails, the asks are answered one by one, so that only the
    failing one gets its exception."""
    out: list[list | BaseException | None] = [None] * len(asks)
    by_func: dict[Callable, list[int]] = {}
    for i, ask in enumerate(asks):
        by_func.setdefault(ask.func, []).append(i)
    for func, idx in by_func.items():
        items = [x for i in idx for x in asks[i].items]
        try:
            got = func(items) if items else []
        except Exception:
            for i in idx:
                try:
                    out[i] = asks[i].func(asks[i].items)
                except Exception as exc:
                    out[i] = exc
            continue
        k = 0
        for i in idx:
            n = len(asks[i].items)
            out[i] = got[k:k + n]
            k += n
    return out  # type: ignore[return-value]


def run_together(steps: list[Steps], on_answer: Callable[[int, float], None] | None = None) -> list[tuple[bool, Any]]:
    """Advance every generator to its next ask, answer all the asks together, and again, until
    each has returned. For each generator, (True, its value) or (False, the exception it raised).
    `on_answer(i, cpu_seconds)` is told each generator's share of the time spent answering."""
    results: list[tuple[bool, Any] | None] = [None] * len(steps)
    pending: dict[int, Ask] = {}

    def advance(i: int, send: Any) -> None:
        try:
            if isinstance(send, BaseException):
                pending[i] = steps[i].throw(send)
            else:
                pending[i] = steps[i].send(send)
        except StopIteration as stop:
            results[i] = (True, stop.value)
        except Exception as exc:
            results[i] = (False, exc)

    for i in range(len(steps)):
        advance(i, None)
    while pending:
        order = sorted(pending)
        asks = [pending.pop(i) for i in order]
        t0 = time.process_time()
        answers = answer_all(asks)
        spent = time.process_time() - t0
        if on_answer is not None:
            total = sum(len(a.items) for a in asks) or 1
            for i, a in zip(order, asks):
                on_answer(i, spent * len(a.items) / total)
        for i, got in zip(order, answers):
            advance(i, got)
    return results  # type: ignore[return-value]


def blocks(items: Iterable[Any], size: int = BLOCK) -> Iterable[list[Any]]:
    block: list[Any] = []
    for item in items:
        block.append(item)
        if len(block) >= size:
            yield block
            block = []
    if block:
        yield block
