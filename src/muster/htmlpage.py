"""Stage 0 of `muster extract`: an HTML page's main text and metadata (trafilatura, htmldate).

`muster extract` and `ingest` read HTML pages as raw markup and leave this to the first pipeline
stage, so that it runs in the supervised worker process with the article's time and memory
budget: trafilatura and lxml on a pathological page ('<<<<>>>>', tags nested thousands deep)
then cost only that page, not the reading of the whole batch."""
from __future__ import annotations

from typing import Any

from .model import Article
from .registry import stage


@stage("htmlpage")
def htmlpage(article: Article, config: dict[str, Any]) -> Article:
    html = article.context.pop("html", None)
    if html is None:
        return article
    from .read import read_html

    page = read_html(article.context.get("source") or article.doc, html)
    page.notes = article.notes + page.notes
    return page
