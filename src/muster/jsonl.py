"""JSON Lines articles, every line on its own.

A line that is not JSON (malformed, nested too deeply, a number too long, bytes that are not
UTF-8, NUL bytes) or not an article (no text, a field of the wrong type) is one `InputError`
naming the file and the line; the other lines go on. Given metadata is checked: a publication
date that is not a date is dropped with a note, never stored as a date. Lone surrogate escapes
("\\ud800") are replaced with U+FFFD so that the text can always be written out as UTF-8.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any, Iterator

from .decode import bom_encoding, decode_bytes, looks_wide
from .model import Article, InputError

# metadata fields a JSONL line may give; given values win over what is extracted
GIVEN_FIELDS = ("title", "url", "outlet", "authors", "published", "dateline")
_STRING_FIELDS = ("title", "url", "outlet", "dateline")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_ISO_DATE = re.compile(r"(\d{4})(?:-(\d\d)(?:-(\d\d))?)?(?=$|[T ])")


def split_lines(source: str, data: bytes, first_line: int = 1) -> tuple[list[tuple[int, str | InputError]], str]:
    """[(line number, text or InputError)], encoding. UTF-8 is decoded line by line, so that a bad
    byte costs its line only; a file in another encoding (a BOM, UTF-16/32, or no line readable as
    UTF-8 beyond ASCII) is decoded whole. `first_line`: the number of data's first line (a line
    range of a bigger file, see dask_runner)."""
    if bom_encoding(data) not in (None, "utf-8-sig") or looks_wide(data):
        text, encoding = decode_bytes(source, data)
        return list(enumerate(text.split("\n"), first_line)), encoding
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines, bad, utf8_beyond_ascii = [], [], False
    for n, raw in enumerate(data.split(b"\n"), first_line):
        try:
            line = raw.decode("utf-8")
            utf8_beyond_ascii = utf8_beyond_ascii or not raw.isascii()
            lines.append((n, line.rstrip("\r")))
        except UnicodeDecodeError as exc:
            bad.append(len(lines))
            lines.append((n, InputError(f"{source}:{n}", f"invalid UTF-8 at byte {exc.start} of the line")))
    if bad and not utf8_beyond_ascii:
        return _whole_file_in(source, data, lines, bad)
    return lines, "utf-8"


def _whole_file_in(source: str, data: bytes, lines: list, bad: list[int]) -> tuple[list, str]:
    """No line is UTF-8 beyond ASCII: the file is in a single-byte encoding (Latin-1, Windows-1252 ...)."""
    try:
        _, encoding = decode_bytes(source, data)
    except InputError:
        return lines, "utf-8"
    if encoding.startswith("utf-8"):  # UTF-8 after all, with bad bytes: those lines stay errors
        return lines, "utf-8"
    raw_lines = data.split(b"\n")
    for i in bad:
        n = lines[i][0]
        lines[i] = (n, raw_lines[i].decode(encoding, "replace").rstrip("\r"))
    return lines, encoding


def parse_line(where: str, line: str) -> dict:
    """The JSON object of one line, or InputError with the reason."""
    if "\x00" in line:
        raise InputError(where, "the line contains NUL bytes")
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(where, f"malformed JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise InputError(where, "malformed JSON (nested too deeply)") from None
    except ValueError as exc:  # e.g. an integer over Python's 4,300 digits
        raise InputError(where, f"unreadable JSON ({str(exc).split(';')[0]})") from None
    if not isinstance(rec, dict):
        raise InputError(where, "a JSON Lines article must be an object")
    return rec


def _type_name(v: Any) -> str:
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    return {str: "a string", bool: "a boolean", int: "a number", float: "a number", list: "a list",
            dict: "an object"}.get(type(v), type(v).__name__)


def _clean(s: str, notes: list[str]) -> str:
    if _SURROGATE.search(s):
        notes.append("lone surrogate escapes replaced with U+FFFD")
        return _SURROGATE.sub("\ufffd", s)
    return s


def _authors(where: str, v: Any, notes: list[str]) -> list[str]:
    items = [v] if isinstance(v, str) else v
    if not isinstance(items, list) or not all(isinstance(a, str) for a in items):
        bad = next((a for a in items if not isinstance(a, str)), None) if isinstance(items, list) else items
        raise InputError(where, f"'authors' must be a string or a list of strings (found {_type_name(bad)})")
    return [_clean(a, notes) for a in items if a.strip()]


def iso_date(value: str) -> str | None:
    """YYYY, YYYY-MM or YYYY-MM-DD (a time may follow) that is a real date, as given (to the day)."""
    m = _ISO_DATE.match(value.strip())
    if not m:
        return None
    y, mo, d = (int(x) if x else 1 for x in m.groups())
    try:
        dt.date(y, mo, d)
    except ValueError:
        return None
    return m.group(0)


def _published(v: str, notes: list[str]) -> str | None:
    date = iso_date(v)
    if date is None:
        notes.append(f"'published' is not a date (YYYY-MM-DD): {v[:60]!r}; dropped")
    return date


def given_fields(where: str, rec: dict, notes: list[str]) -> dict:
    """The metadata a line gives, type-checked; InputError names the first wrong field."""
    given: dict = {}
    for key in GIVEN_FIELDS:
        v = rec.get(key)
        if v is None or v == "" or v == []:
            continue
        if key == "authors":
            given[key] = _authors(where, v, notes)
        elif not isinstance(v, str):
            raise InputError(where, f"'{key}' must be a string, not {_type_name(v)}")
        elif key == "published":
            date = _published(v, notes)
            if date:
                given[key] = date
        else:
            given[key] = _clean(v, notes)
    return given


def _doc(where: str, rec: dict, default: str, notes: list[str]) -> str:
    doc = rec.get("doc")
    if doc is None or doc == "":
        return default
    if isinstance(doc, bool) or not isinstance(doc, (str, int)):
        raise InputError(where, f"'doc' must be a string or an integer, not {_type_name(doc)}")
    return _clean(str(doc), notes)


def article_of(where: str, rec: dict, default_doc: str) -> Article:
    body = rec.get("text")
    if not isinstance(body, str) or not body.strip():
        reason = "no 'text' field with the article's text" if body in (None, "") or isinstance(body, str) \
            else f"'text' must be a string, not {_type_name(body)}"
        raise InputError(where, reason)
    notes: list[str] = []
    given = given_fields(where, rec, notes)
    doc = _doc(where, rec, default_doc, notes)
    body = _clean(body, notes).replace("\r\n", "\n").replace("\r", "\n")
    return Article(doc=doc, text=body, raw=body, given=given, context={"form": "jsonl"},
                   notes=list(dict.fromkeys(notes)))


def read_jsonl(source: str, data: bytes, base: str, first_line: int = 1) -> Iterator[Article | InputError]:
    """One Article or InputError per non-blank line of a JSON Lines file (or of a line range of
    one, whose first line is number `first_line`)."""
    try:
        lines, encoding = split_lines(source, data, first_line)
    except InputError as err:
        yield err
        return
    for n, line in lines:
        if isinstance(line, InputError):
            yield line
            continue
        if not line.strip():
            continue
        where = f"{source}:{n}"
        try:
            art = article_of(where, parse_line(where, line), f"{base}:{n}")
        except InputError as err:
            yield err
            continue
        if encoding != "utf-8":
            art.notes.append(f"read as {encoding}")
        yield art


__all__ = ["read_jsonl", "parse_line", "given_fields", "iso_date", "GIVEN_FIELDS"]
