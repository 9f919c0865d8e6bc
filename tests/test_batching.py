"""Articles run together (their spaCy calls batched) come out as they do one at a time."""
from __future__ import annotations

import pytest

from muster.batching import Ask, answer_all, drive, run_together
from muster.model import Article
from muster.pipeline import pipeline_for

CALLS: list[list] = []


def _double(items: list) -> list:
    CALLS.append(list(items))
    if "bad" in items:
        raise ValueError("bad item")
    return [2 * x for x in items]


def _steps(xs: list, again: bool):
    got = yield Ask(_double, xs)
    if again:
        got = yield Ask(_double, got)
    return sum(got)


def test_asks_of_several_generators_are_answered_by_one_call_each_round():
    CALLS.clear()
    alone = [drive(_steps([1, 2], True)), drive(_steps([3], False)), drive(_steps([], True))]
    assert alone == [12, 6, 0]
    CALLS.clear()
    together = run_together([_steps([1, 2], True), _steps([3], False), _steps([], True)])
    assert together == [(True, 12), (True, 6), (True, 0)]
    assert CALLS == [[1, 2, 3], [2, 4]]  # two rounds, one call each, in the generators' order


def test_a_failing_call_fails_only_the_ask_that_breaks_it():
    answers = answer_all([Ask(_double, [1]), Ask(_double, ["bad"]), Ask(_double, [5])])
    assert answers[0] == [2] and answers[2] == [10]
    assert isinstance(answers[1], ValueError)
    got = run_together([_steps([1], False), _steps(["bad"], False)])
    assert got[0] == (True, 2)
    assert got[1][0] is False and isinstance(got[1][1], ValueError)


TEXTS = [
    "Islamic State has recruited 500 fighters in Raqqa, Syria, since January 2015, a spokesman for the coalition "
    "told reporters on Monday. He said the group pays them $400 a month.",
    "The weather was fine in Paris.",
    "Colonel John Dorrian said on Tuesday that about 2,000 Isis fighters remain in Mosul. \"They are trapped,\" he added.",
    "Kurdish officials believe that 1,500 militants are still inside the pocket, the Syrian Observatory for Human "
    "Rights said. It said the group had lost 300 men.",
]


@pytest.mark.parametrize("block", [1, 3, 64])
def test_articles_run_together_extract_as_they_do_one_at_a_time(block):
    pipe = pipeline_for("extract")
    one_by_one = [pipe(Article(doc=f"d{i}", text=t, raw=t)).to_extract() for i, t in enumerate(TEXTS)]
    assert sum(len(r["claims"]) for r in one_by_one) >= 3
    assert any(c.get("speaker") for r in one_by_one for c in r["claims"])
    together = [a.to_extract() for a in pipe.run([Article(doc=f"d{i}", text=t, raw=t) for i, t in enumerate(TEXTS)],
                                                  block=block)]
    assert together == one_by_one
