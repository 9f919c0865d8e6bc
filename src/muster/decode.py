"""Bytes to text: the encoding found (charset-normalizer when it is not UTF-8), binary refused.

A byte-order mark decides; otherwise strict UTF-8; otherwise charset-normalizer's best guess,
with Windows-1252 preferred among the Western single-byte encodings that read the bytes the
same way (WHATWG's default for text labelled Latin-1). Only what no encoding reads as text is
refused, as a binary file.
"""
from __future__ import annotations

import codecs
import re

from .model import InputError

# UTF-32 first: its little-endian mark begins with UTF-16's
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# control characters text does not hold (tab, newlines and form feed are text)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# a file of only these is empty: whitespace, byte-order marks, zero-width and other invisible marks
_BLANK = re.compile(r"[\s\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]*")
_WESTERN_DEFAULT = "cp1252"


def bom_encoding(data: bytes) -> str | None:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def looks_wide(data: bytes) -> bool:
    """UTF-16 or UTF-32 without a mark: ASCII text in them is a NUL every other (or three in four) byte."""
    head = data[:4096]
    return bool(head) and head.count(0) >= len(head) // 4


def is_blank(text: str) -> bool:
    return _BLANK.fullmatch(text) is not None


def _detect(source: str, data: bytes) -> str:
    """charset-normalizer's guess, or InputError when no encoding reads the bytes as text."""
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        raise InputError(source, _binary_reason(data))
    # encodings that read these bytes equally well: prefer the Western default when it is one of them
    for m in matches:
        if m.chaos <= best.chaos + 0.01 and _WESTERN_DEFAULT in (m.could_be_from_charset or [m.encoding]):
            return _WESTERN_DEFAULT
    return best.encoding


def _binary_reason(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        return "binary file (contains NUL bytes), not text"
    return "binary file (no text encoding reads it), not text"


def _check_text(source: str, text: str, data: bytes) -> None:
    """A decoding that is mostly control characters is binary that happened to decode."""
    controls = len(_CONTROL.findall(text[:65536]))
    if controls and controls * 100 > min(len(text), 65536):
        raise InputError(source, _binary_reason(data))


def _mostly_utf8(data: bytes) -> tuple[str, str] | None:
    """Text that is UTF-8 but for a few stray NULs or bad bytes (at most 1 %, with real multi-byte
    characters elsewhere, so that it is not a single-byte encoding): read, the strays replaced with
    U+FFFD (offsets unchanged), and the label says so. None when it is not that."""
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    nuls = text.count("\x00")
    if (bad + nuls) * 100 > len(text) or (bad and not _has_multibyte(text)):
        return None
    mended = [f"{n} {what} replaced with U+FFFD" for n, what in ((bad, "invalid bytes"), (nuls, "NUL bytes")) if n]
    return text.replace("\x00", "\ufffd"), "utf-8" + (" (" + ", ".join(mended) + ")" if mended else "")


def _has_multibyte(text: str) -> bool:
    return any(ord(c) > 127 and c != "\ufffd" for c in text)


def _decode_as(source: str, data: bytes, encoding: str) -> tuple[str, str]:
    try:
        return data.decode(encoding), codecs.lookup(encoding).name
    except UnicodeDecodeError as exc:
        raise InputError(source, f"invalid {codecs.lookup(encoding).name} at byte {exc.start}") from None


def decode_bytes(source: str, data: bytes) -> tuple[str, str]:
    """(text, the encoding used, as a label that also says what was mended), newlines as '\\n';
    InputError for binary or empty input."""
    if not data.strip():
        raise InputError(source, "empty input")
    bom = bom_encoding(data)
    decoded = _decode_as(source, data, bom) if bom else None
    if decoded is None and not looks_wide(data):
        decoded = _mostly_utf8(data)
    if decoded is None:
        decoded = _decode_as(source, data, _detect(source, data))
    text, label = decoded
    _check_text(source, text, data)
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if is_blank(text):
        raise InputError(source, "empty input (only whitespace or invisible characters)")
    return text, label


__all__ = ["decode_bytes", "bom_encoding", "looks_wide", "is_blank"]
