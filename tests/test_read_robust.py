"""Readers under bad input: every JSON line on its own, field types, encodings, empty and odd files."""
from __future__ import annotations

import json

import pytest
from conftest import read_jsonl, run_muster

from muster.model import Article, InputError
from muster.read import read_all

# not ASCII, so that the file is plainly UTF-8 (a file with no UTF-8 beyond ASCII and a Latin-1 line is Latin-1)
GOOD = json.dumps({"doc": "good", "text": "The group recruited 40 fighters in the town, residents said: “40”."},
                  ensure_ascii=False)


def _read(path) -> list:
    return list(read_all([str(path)]))


def _errors(items) -> dict[str, str]:
    return {i.source: i.reason for i in items if isinstance(i, InputError)}


def _docs(items) -> list[str]:
    return [i.doc for i in items if isinstance(i, Article)]


@pytest.mark.parametrize("bad, reason", [
    (b"{not json", "malformed JSON"),
    (b"[" * 100_000, "malformed JSON (nested too deeply)"),
    (b'{"text": "x", "n": ' + b"9" * 5000 + b"}", "unreadable JSON (Exceeds the limit (4300 digits)"),
    (b'{"text": "caf\xe9 \xff"}', "invalid UTF-8 at byte 13 of the line"),
    (b'{"text": "a\x00b"}', "the line contains NUL bytes"),
    (b'"just a string"', "must be an object"),
    (b'{"title": "no text"}', "no 'text' field"),
    (b'{"text": 5}', "'text' must be a string, not a number"),
    (b'{"text": "t", "title": 42}', "'title' must be a string, not a number"),
    (b'{"text": "t", "outlet": ["Reuters"]}', "'outlet' must be a string, not a list"),
    (b'{"text": "t", "authors": ["A", NaN]}', "'authors' must be a string or a list of strings (found nan)"),
    (b'{"text": "t", "authors": {"a": 1}}', "'authors' must be a string or a list of strings (found an object)"),
    (b'{"text": "t", "doc": [1]}', "'doc' must be a string or an integer, not a list"),
])
def test_a_bad_line_is_one_error_and_the_other_lines_go_on(tmp_path, bad, reason):
    src = tmp_path / "in.jsonl"
    src.write_bytes(GOOD.encode() + b"\n" + bad + b"\n" + GOOD.replace('"good"', '"after"').encode() + b"\n")
    items = _read(src)
    assert _docs(items) == ["good", "after"]
    assert list(_errors(items)) == [f"{src}:2"]
    assert reason in _errors(items)[f"{src}:2"]


def test_a_latin1_line_in_an_ascii_file_is_latin1(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'{"doc": "a", "text": "plain"}\n{"doc": "b", "text": "caf\xe9 cr\xe8me"}\n')
    assert [a.text for a in _read(src)] == ["plain", "café crème"]


def test_published_that_is_not_a_date_is_dropped_with_a_note(tmp_path):
    src = tmp_path / "in.jsonl"
    lines = [{"doc": "a", "text": "Some text here.", "published": "not a date"},
             {"doc": "b", "text": "Some text here.", "published": "2016-02-30"},
             {"doc": "c", "text": "Some text here.", "published": "2016-02-03T10:00:00Z"}]
    src.write_text("\n".join(json.dumps(x) for x in lines), encoding="utf-8")
    arts = {a.doc: a for a in _read(src)}
    assert "published" not in arts["a"].given and "not a date" in arts["a"].notes[0]
    assert "published" not in arts["b"].given
    assert arts["c"].given["published"] == "2016-02-03"
    out = tmp_path / "out.jsonl"
    proc = run_muster("extract", str(src), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "muster: note: a: 'published' is not a date" in proc.stderr
    assert {r["doc"]: r["article"]["published"] for r in read_jsonl(out)}["a"] != "not a date"


def test_lone_surrogates_do_not_kill_the_output(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"doc": "s\ud800", "text": "Bad \ud800 escape. The group has 500 fighters.",
                               "title": "T\udfff"}) + "\n" + GOOD + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = run_muster("extract", str(src), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    recs = [json.loads(line) for line in out.read_bytes().decode("utf-8").splitlines()]
    assert [r["doc"] for r in recs] == ["s\ufffd", "good"]
    assert "Bad \ufffd escape" in recs[0]["article"]["text"]


TEXT = "Café owners said the group’s fighters – about 500 of them – recruited boys in Raqqa last year."


@pytest.mark.parametrize("encoding, data", [
    ("cp1252", TEXT.encode("cp1252")),
    ("cp1252", "Caf\xe9 au lait, na\xefve fa\xe7ade: the group recruited fighters.".encode("latin-1")),
    ("utf-16", TEXT.encode("utf-16")),                       # with a BOM
    ("utf-16-le", TEXT.encode("utf-16-le")),                 # without
    ("utf-16-be", TEXT.encode("utf-16-be")),
    ("utf-32", TEXT.encode("utf-32")),
    ("utf-32-le", TEXT.encode("utf-32-le")),
    ("utf-8-sig", TEXT.encode("utf-8-sig")),
])
def test_text_in_other_encodings_is_read_and_the_encoding_said(tmp_path, encoding, data):
    src = tmp_path / "a.txt"
    src.write_bytes(data)
    [art] = _read(src)
    assert isinstance(art, Article), art
    assert art.text == data.decode(encoding).lstrip("\ufeff")
    assert art.notes == ([] if encoding == "utf-8-sig" else [f"read as {encoding.replace('-sig', '')}"])


def test_jsonl_in_utf16_and_latin1_is_read(tmp_path):
    lines = json.dumps({"doc": "good", "text": "plain"}) + "\n" + json.dumps({"doc": "cafe", "text": "Café au lait in Raqqa."}, ensure_ascii=False)
    (tmp_path / "u16.jsonl").write_bytes(lines.encode("utf-16"))
    (tmp_path / "l1.jsonl").write_bytes(lines.encode("latin-1"))
    items = list(read_all([str(tmp_path)]))
    assert _docs(items) == ["good", "cafe", "good", "cafe"]
    assert [a.text for a in items if a.doc == "cafe"] == ["Café au lait in Raqqa."] * 2


@pytest.mark.parametrize("data", [b"\xef\xbb\xbf", "\ufeff".encode("utf-16"), b"   \n\t ",
                                  "\u200b\u200b\u00a0\u2060\n".encode("utf-8"), b""])
def test_only_a_bom_or_invisible_characters_is_empty(tmp_path, data):
    src = tmp_path / "e.txt"
    src.write_bytes(data)
    [err] = _read(src)
    assert isinstance(err, InputError) and err.reason.startswith("empty input")


@pytest.mark.parametrize("data", [bytes(range(256)) * 8, b"PK\x03\x04" + bytes([7, 200, 13, 0, 1, 250]) * 99,
                                  b"\x00\x01\x02binary"])
def test_what_is_not_text_is_a_binary_file(tmp_path, data):
    src = tmp_path / "b.txt"
    src.write_bytes(data)
    [err] = _read(src)
    assert isinstance(err, InputError) and err.reason.startswith("binary file"), err


@pytest.mark.parametrize("data, label", [
    ("Une café crème, s'il vous plaît, with 500 fighters.\x00".encode() + b" more text" * 20,
     "read as utf-8 (1 NUL bytes replaced with U+FFFD)"),
    ("Une café crème".encode() + b" \xff " + b"and more plain text here" * 10,
     "read as utf-8 (1 invalid bytes replaced with U+FFFD)"),
])
def test_utf8_text_with_a_stray_byte_is_still_text(tmp_path, data, label):
    src = tmp_path / "a.txt"
    src.write_bytes(data)
    [art] = _read(src)
    assert isinstance(art, Article) and art.notes == [label] and "café crème" in art.text
    assert "\x00" not in art.text and len(art.text) == len(data.decode("utf-8", "replace"))
