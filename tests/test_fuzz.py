"""Property tests (Hypothesis) over the readers, cleaning, metadata and sentence splitting: for any
input, no exception but the documented InputError, offsets in range, output that is valid UTF-8 JSON.

CI runs a bounded, derandomised number of examples (MUSTER_FUZZ_EXAMPLES raises it for a longer
hunt); scripts/fuzz_soak.py runs the whole pipeline over thousands of pathological files."""
from __future__ import annotations

import json
import math
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from muster.clean import clean_text
from muster.cli import json_line
from muster.decode import decode_bytes
from muster.jsonl import read_jsonl
from muster.metadata import metadata
from muster.model import Article, InputError
from muster.read import read_source
from muster.sentences import split

settings.register_profile("ci", max_examples=int(os.environ.get("MUSTER_FUZZ_EXAMPLES", 60)), deadline=None,
                          derandomize=True, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
settings.load_profile("ci")

# the characters that broke things in issue 15, mixed with ordinary text
_NASTY = st.sampled_from(["\x00", "\ud800", "\udfff", "\ufeff", "\u200b", "\r", "\r\n", "\n\n", "\u2028", "(", "[",
                          "\"", "'", "“", "”", "’", ".", "!", "?", "…", "Mr. ", "U.S. ", "al-", "1,", "500 ",
                          "fighters ", "said ", "ISIS ", "Raqqa", "😀", "\u0301", "\t", " ", "<", ">", "&amp;"])
TEXT = st.lists(st.one_of(st.text(max_size=30), _NASTY), max_size=40).map("".join)
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4), max_leaves=12)
FIELDS = ("doc", "text", "title", "url", "outlet", "authors", "published", "dateline")
RECORD = st.dictionaries(st.sampled_from(FIELDS), JSON_VALUE | TEXT, max_size=8)


def _line(rec: dict) -> bytes:
    # surrogatepass: lone surrogates become the escapes "\ud800" that json.loads turns back into them
    return json.dumps(rec, ensure_ascii=True).encode("ascii")


def _check_article(art: Article) -> None:
    line = json_line(art.to_extract())
    line.encode("utf-8")  # strict: no lone surrogate reaches the output
    rec = json.loads(line, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    assert rec["article"]["text"] == art.text
    assert all(isinstance(v, str) for k, v in art.given.items() if k != "authors")
    assert all(isinstance(a, str) for a in art.given.get("authors", []))


@given(st.binary(max_size=400) | TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_decoding_any_bytes_gives_text_or_a_reason(data):
    try:
        text, encoding = decode_bytes("x", data)
    except InputError as err:
        assert err.reason.startswith(("empty input", "binary file", "invalid "))
        return
    assert "\r" not in text and text.strip() and encoding


@given(st.lists(RECORD.map(_line) | st.binary(max_size=60), max_size=8))
def test_every_jsonl_line_is_an_article_or_one_error(lines):
    data = b"\n".join(lines)
    items = list(read_jsonl("f.jsonl", data, "f.jsonl"))
    assert all(isinstance(i, (Article, InputError)) for i in items)
    assert len(items) <= data.count(b"\n") + 1
    for item in items:
        if isinstance(item, Article):
            _check_article(item)
        elif item.source == "f.jsonl":  # the whole file: when it is not text at all
            assert items == [item] and item.reason.startswith(("binary file", "empty input", "invalid "))
        else:
            assert item.source.startswith("f.jsonl:") and item.reason


@given(st.binary(max_size=300), st.sampled_from([".txt", ".jsonl", ".html", ".txt.gz", ""]))
def test_read_source_never_fails_unexpectedly(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("f") / f"in{suffix}"
    path.write_bytes(data)
    for item in read_source(str(path)):
        if isinstance(item, InputError):
            # "could not be read (SomeException ...)" is the catch-all for what nobody foresaw
            assert not item.reason.startswith("could not be read (") or suffix == ".html", item.reason
        else:
            _check_article(item)


@given(TEXT)
def test_cleaning_and_splitting_keep_offsets_in_range(text):
    cleaned = clean_text(text)
    assert isinstance(cleaned, str)
    sentences = split(cleaned)
    end = 0
    for s in sentences:
        assert end <= s.start < s.end <= len(cleaned)
        assert cleaned[s.start:s.end] == s.text and s.text.strip()
        end = s.end


@given(TEXT, st.dictionaries(st.sampled_from(["title", "outlet", "published"]), TEXT, max_size=3))
def test_metadata_never_fails(text, given_fields):
    art = metadata(Article(doc="d", text=text, raw=text, given=given_fields), {})
    assert art.published is None or isinstance(art.published, str)
    assert all(isinstance(a, str) for a in art.authors)


def test_nan_and_infinity_are_never_written():
    art = Article(doc="d", text="t")
    art.given["x"] = math.nan
    assert json.loads(json_line(art.to_extract()))["doc"] == "d"
