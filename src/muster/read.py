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
import stat
import sys
import zlib
from pathlib import Path
from typing import IO, Iterable, Iterator

from .decode import decode_bytes
from .jsonl import GIVEN_FIELDS, read_jsonl
from .model import Article, InputError

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
DEFAULT_MAX_BYTES = 20_000_000


def display_name(path: str) -> str:
    """A path as printable, storable text: bytes that are not UTF-8 (file names the system gave as
    surrogate escapes) shown as \\xNN rather than crashing the output or the ledger."""
    if path.isascii():
        return path
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def iter_inputs(paths: Iterable[str]) -> Iterator[str | InputError]:
    """Expand directories recursively, in a stable order; '-' stands for standard input. A directory
    that cannot be listed comes out as an InputError, never skipped in silence."""
    for p in paths:
        if p != "-" and os.path.isdir(p):
            yield from _walk(p)
        else:
            yield p


def _walk(top: str) -> Iterator[str | InputError]:
    failures: list[OSError] = []
    for root, dirs, files in os.walk(top, onerror=failures.append):
        yield from _walk_errors(failures)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield os.path.join(root, name)
    yield from _walk_errors(failures)


def _walk_errors(failures: list[OSError]) -> Iterator[InputError]:
    while failures:
        exc = failures.pop(0)
        yield InputError(display_name(str(exc.filename)), f"cannot read directory ({_os_reason(exc)})")


def iter_paths(paths: Iterable[str]) -> Iterator[str]:
    """The input files under `paths` (directories that cannot be listed left out)."""
    return (p for p in iter_inputs(paths) if isinstance(p, str))


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return (exc.strerror or str(exc)).lower()


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
    # NULs removed so that UTF-16/32 text is sniffed like ASCII
    head = data[:2048].replace(b"\x00", b"").lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:512]:
        return "html"
    if head.startswith(b"{"):
        return "jsonl"
    return "text"


_FILE_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
               (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a directory"))


def _not_regular(mode: int) -> str | None:
    for test, what in _FILE_KINDS:
        if test(mode):
            return what
    return None if stat.S_ISREG(mode) else "not a regular file"


def _open_regular(path: str, source: str) -> int:
    """A file descriptor on a regular file. FIFOs and devices are refused from stat, never opened
    (opening one can block for ever or have side effects); O_NONBLOCK covers one swapped in since."""
    what = _not_regular(os.stat(path).st_mode)
    if what:
        raise InputError(source, f"not a regular file ({what}); refused")
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    what = _not_regular(os.fstat(fd).st_mode)
    if what:
        os.close(fd)
        raise InputError(source, f"not a regular file ({what}); refused")
    os.set_blocking(fd, True)
    return fd


def _read_bounded(fh: IO[bytes], limit: int) -> bytes:
    """At most limit + 1 bytes, a megabyte at a time (a huge limit never allocates up front)."""
    chunks, total = [], 0
    while total <= limit:
        chunk = fh.read(min(1 << 20, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _read_gzip(fh: IO[bytes], source: str, max_bytes: int) -> bytes:
    """Decompress while reading and stop past the limit: a gzip bomb costs max_bytes, not its size."""
    try:
        data = _read_bounded(gzip.GzipFile(fileobj=fh, mode="rb"), max_bytes)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(source, f"not a valid gzip file ({exc})") from None
    if len(data) > max_bytes:
        raise InputError(source, f"too large once decompressed (over the limit of {max_bytes:,} bytes; "
                                 "decompression stopped there)")
    return data


def _load(path: str, max_bytes: int, source: str | None = None) -> bytes:
    source = source or display_name(path)
    try:
        if path == "-":
            data = _read_bounded(sys.stdin.buffer, max_bytes)
        else:
            with os.fdopen(_open_regular(path, source), "rb") as fh:
                size = os.fstat(fh.fileno()).st_size
                if size > max_bytes:
                    raise InputError(source, f"too large ({size:,} bytes; the limit is {max_bytes:,})")
                if path.lower().endswith(".gz"):
                    return _read_gzip(fh, source, max_bytes)
                data = _read_bounded(fh, max_bytes)
    except InputError:
        raise
    except OSError as exc:
        raise InputError(source, _load_reason(exc)) from None
    if len(data) > max_bytes:
        raise InputError(source, f"too large (over the limit of {max_bytes:,} bytes)")
    return data


def _load_reason(exc: OSError) -> str:
    if isinstance(exc, (FileNotFoundError, PermissionError)):
        return _os_reason(exc)
    return f"cannot read ({exc.strerror or exc})"


def doc_name(source: str) -> str:
    if source == "-":
        return "stdin"
    return display_name(os.path.basename(source))


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


def _text_article(source: str, data: bytes, kind: str, defer_html: bool = False) -> Article:
    text, encoding = decode_bytes(source, data)
    if kind == "html" and defer_html:  # the "htmlpage" stage reads it, within the article's budget
        art = Article(doc=doc_name(source), text="", context={"form": "html", "html": text, "source": source})
    elif kind == "html":
        art = read_html(source, text)
    else:
        art = Article(doc=doc_name(source), text=text, raw=text, context={"form": "text"})
    if encoding not in ("utf-8", "utf-8-sig"):
        art.notes.append(f"read as {encoding}")
    return art


def read_source(path: str, max_bytes: int = DEFAULT_MAX_BYTES,
                defer_html: bool = False, source: str | None = None) -> Iterator[Article | InputError]:
    """Read one path (or '-') into articles; problems come out as InputError items. With
    `defer_html`, an HTML page comes out as its markup, for the "htmlpage" stage to read.
    `source`: the name to report (default: the path as given; a Dask worker opens an absolute path)."""
    source = source or display_name(path)
    try:
        data = _load(path, max_bytes, source)
        kind = _kind(path, data)
        if kind == "jsonl":
            yield from read_jsonl(source, data, doc_name(source))
        else:
            yield _text_article(source, data, kind, defer_html)
    except InputError as err:
        yield err
    except Exception as exc:  # a library failing on one input must not stop the batch
        yield InputError(source, f"could not be read ({type(exc).__name__}: {exc})")


def read_all(paths: Iterable[str], max_bytes: int = DEFAULT_MAX_BYTES,
             defer_html: bool = False) -> Iterator[Article | InputError]:
    for item in iter_inputs(paths):
        if isinstance(item, InputError):
            yield item
        else:
            yield from read_source(item, max_bytes, defer_html)


def count_inputs(paths: Iterable[str]) -> int:
    return sum(1 for _ in iter_paths(paths))


__all__ = ["read_all", "read_source", "iter_paths", "iter_inputs", "count_inputs", "display_name", "Path",
           "GIVEN_FIELDS"]
