"""Evaluation gate on the seed articles, scored by ../shared/eval/score.py.

The floors are pinned: a change that lowers quality fails CI.
"""
from __future__ import annotations

from conftest import score_seeds

ARTICLE_FLOOR = 1.0


def test_article_checks_all_pass(seeds_extracted):
    result = score_seeds(seeds_extracted)
    assert result["article"] >= ARTICLE_FLOOR, result
