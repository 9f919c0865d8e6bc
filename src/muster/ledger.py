"""Kept so that `from muster.ledger import ...` goes on working: the store now lives in
muster.store (schema, writes, queries, reviews) and the output formats in muster.interfaces.present."""
from .interfaces.present import (CSV_COLUMNS, FORMATS, export, geojson, render_article, render_search,  # noqa: F401
                                 strip_marks, table, write_claims, write_csv, write_geojson, write_jsonl)
from .store import *  # noqa: F401,F403
from .store import __all__ as _store_all
from .store.ledger import _km  # noqa: F401
from .store.records import BOOL_COLUMNS  # noqa: F401

__all__ = [*_store_all, "export", "write_claims", "render_article", "render_search", "strip_marks", "table",
           "geojson", "FORMATS", "CSV_COLUMNS"]
