"""Stage: attribution (not built yet: a placeholder that adds nothing)."""
from __future__ import annotations

from typing import Any

from .model import Article
from .registry import stage


@stage("attribution")
def attribution(article: Article, config: dict[str, Any]) -> Article:
    return article
