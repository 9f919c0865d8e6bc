"""Stage 1: read inputs of every common form into `Article`s.

Plain text (.txt and anything else that is text), HTML (.html/.htm, gzipped too: main text
and metadata by trafilatura, dates by htmldate), JSON Lines (one article a line), directories
(recursively) and "-" for standard input. Bad input never stops the batch: it is yielded as an
`InputError` naming the input and the reason.
"""
from __future__ import annotations

import gzip
import json
import os
import sys
from pathlib import Path
from typing import Iterable, Iterator

from .model import Article, InputError

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
DEFAULT_MAX_BYTES = 20_000_000
# metadata fields a JSONL line may give; given values win over what is extracted
GIVEN_FIELDS = ("title", "url", "outlet", "authors", "published", "dateline")


def iter_paths(paths: Iterable[str]) -> Iterator[str]:
    """Expand directories recursively, in a stable order; '-' stands for standard input."""
    for p in paths:
        if p != "-" and os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield os.path.join(root, name)
        else:
            yield p


def _kind(name: str, data: bytes) -> str:
    low = name.lower()
    if low.endswith(".gz"):
        low = low[:-3]
    if low.endswith(HTML_SUFFIXES):
        return "html"
    if low.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if low.endswith(".txt"):
        return "text"
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "html"
    if head.startswith(b"{"):
        return "jsonl"
    return "text"


def _decode(source: str, data: bytes) -> str:
    if not data.strip():
        raise InputError(source, "empty input")
    if b"\x00" in data[:8192]:
        raise InputError(source, "binary file (contains NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(source, f"invalid UTF-8 at byte {exc.start}") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _load(source: str, max_bytes: int) -> bytes:
    try:
        if source == "-":
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            size = os.path.getsize(source)
            if size > max_bytes:
                raise InputError(source, f"too large ({size:,} bytes; the limit is {max_bytes:,})")
            with open(source, "rb") as fh:
                data = fh.read(max_bytes + 1)
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError(source, "no such file or directory") from None
    except PermissionError:
        raise InputError(source, "permission denied") from None
    except OSError as exc:
        raise InputError(source, f"cannot read ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise InputError(source, f"too large (over the limit of {max_bytes:,} bytes)")
    if source.lower().endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise InputError(source, f"not a valid gzip file ({exc})") from None
        if len(data) > max_bytes:
            raise InputError(source, f"too large once decompressed (over {max_bytes:,} bytes)")
    return data


def doc_name(source: str) -> str:
    if source == "-":
        return "stdin"
    name = os.path.basename(source)
    return name


def read_html(source: str, html: str) -> Article:
    """Main text and metadata with trafilatura; the publication date with htmldate."""
    import trafilatura
    from htmldate import find_date

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                      include_tables=False, favor_precision=False)
    if doc is None or not (doc.text or "").strip():
        raise InputError(source, "HTML page with no main text")
    given: dict = {}
    if doc.title:
        given["title"] = doc.title
    if doc.sitename:
        given["outlet"] = doc.sitename
    if doc.author:
        given["authors"] = [a.strip() for a in doc.author.split(";") if a.strip()]
    if doc.url:
        given["url"] = doc.url
    date = find_date(html, outputformat="%Y-%m-%d", original_date=True, extensive_search=False)
    if date:
        given["published"] = date
    text = doc.text
    if doc.title and not text.startswith(doc.title):
        # the headline is part of the article and can hold claims
        text = doc.title + "\n\n" + text
    return Article(doc=doc_name(source), text=text, raw=text, given=given, context={"form": "html"})


def read_jsonl(source: str, text: str) -> Iterator[Article | InputError]:
    base = doc_name(source)
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{source}:{n}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(where, f"malformed JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(rec, dict):
            yield InputError(where, "a JSON Lines article must be an object")
            continue
        body = rec.get("text")
        if not isinstance(body, str) or not body.strip():
            yield InputError(where, "no 'text' field with the article's text")
            continue
        given = {k: rec[k] for k in GIVEN_FIELDS if rec.get(k) not in (None, "", [])}
        if isinstance(given.get("authors"), str):
            given["authors"] = [given["authors"]]
        doc = str(rec.get("doc") or f"{base}:{n}")
        body = body.replace("\r\n", "\n").replace("\r", "\n")
        yield Article(doc=doc, text=body, raw=body, given=given, context={"form": "jsonl"})


def read_source(source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Article | InputError]:
    """Read one path (or '-') into articles; problems come out as InputError items."""
    try:
        data = _load(source, max_bytes)
        kind = _kind(source, data)
        text = _decode(source, data)
        if kind == "jsonl":
            yield from read_jsonl(source, text)
        elif kind == "html":
            yield read_html(source, text)
        else:
            yield Article(doc=doc_name(source), text=text, raw=text, context={"form": "text"})
    except InputError as err:
        yield err
    except Exception as exc:  # a library failing on one input must not stop the batch
        yield InputError(source, f"could not be read ({type(exc).__name__}: {exc})")


def read_all(paths: Iterable[str], max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Article | InputError]:
    for source in iter_paths(paths):
        yield from read_source(source, max_bytes)


def count_inputs(paths: Iterable[str]) -> int:
    return sum(1 for _ in iter_paths(paths))


__all__ = ["read_all", "read_source", "iter_paths", "count_inputs", "Path"]
