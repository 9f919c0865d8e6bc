"""Readers: every input form, and bad input reported with its name and reason while the batch goes on."""
from __future__ import annotations

import gzip
import json

from conftest import EXAMPLES, read_jsonl, run_muster, shared_path

from muster.model import Article, InputError
from muster.read import read_all


def test_plain_text_directory_is_read_recursively(tmp_path):
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    (sub / "one.txt").write_text("Headline of the story here\n\nBody text.", encoding="utf-8")
    (tmp_path / "two.txt").write_text("Another headline for a story\n\nMore text.", encoding="utf-8")
    items = list(read_all([str(tmp_path)]))
    assert sorted(i.doc for i in items) == ["one.txt", "two.txt"]
    assert all(isinstance(i, Article) for i in items)


def test_jsonl_given_metadata_wins_and_bad_lines_are_reported(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join([
        json.dumps({"doc": "a", "text": "Published May 20th, 2015\n\nSome text.", "published": "2016-01-02",
                    "outlet": "Reuters"}),
        "{not json",
        json.dumps({"doc": "c", "title": "no text"}),
        json.dumps({"doc": "d", "text": "Fine text here."}),
    ]), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = run_muster("extract", str(src), "-o", str(out))
    assert proc.returncode == 1
    assert f"{src}:2: malformed JSON" in proc.stderr
    assert f"{src}:3: no 'text' field" in proc.stderr
    recs = {r["doc"]: r for r in read_jsonl(out)}
    assert set(recs) == {"a", "d"}
    assert recs["a"]["article"]["published"] == "2016-01-02"
    assert recs["a"]["article"]["outlet"] == "Reuters"


def test_bad_inputs_each_get_one_clear_line(tmp_path):
    out = tmp_path / "out.jsonl"
    tmp_path = tmp_path / "in"
    tmp_path.mkdir()
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 10)
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 au lait is a drink".encode("latin-1"))  # read, with a note
    (tmp_path / "big.txt").write_text("x" * 5000, encoding="utf-8")
    (tmp_path / "good.txt").write_text("A good headline for a story\n\nIt has text.", encoding="utf-8")
    proc = run_muster("extract", str(tmp_path), str(tmp_path / "missing.txt"), "--max-bytes", "4000", "-o", str(out))
    assert proc.returncode == 1
    err = proc.stderr
    assert "empty.txt: empty input" in err
    assert "binary.txt: binary file" in err
    assert "muster: note: latin1.txt: read as cp1252" in err
    assert "big.txt: too large" in err
    assert "missing.txt: no such file or directory" in err
    assert len([ln for ln in err.splitlines() if ln.startswith("muster: error:")]) == 4
    assert [r["doc"] for r in read_jsonl(out)] == ["good.txt", "latin1.txt"]


def test_html_and_gzipped_html(tmp_path):
    html = ("<html><head><title>Militants recruit fighters in the north</title>"
            "<meta property='article:published_time' content='2019-03-04'></head><body>"
            "<nav>Home | World | Sport</nav><article><h1>Militants recruit fighters in the north</h1>"
            + "".join(f"<p>Paragraph {i} says the group recruited many young men in the region last year, officials said.</p>"
                      for i in range(6))
            + "</article><footer>Copyright 2019 Example News</footer></body></html>")
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    (tmp_path / "page2.html.gz").write_bytes(gzip.compress(html.encode()))
    items = list(read_all([str(tmp_path)]))
    assert len(items) == 2 and all(isinstance(i, Article) for i in items)
    for art in items:
        assert "Paragraph 3 says the group recruited" in art.text
        assert "Home | World" not in art.text
        assert art.given.get("published") == "2019-03-04"


def test_stdin_is_read():
    proc = run_muster("extract", "-", input="A headline about the war in Syria\n\nThe body of it.")
    assert proc.returncode == 0, proc.stderr
    rec = json.loads(proc.stdout)
    assert rec["doc"] == "stdin" and rec["article"]["title"] == "A headline about the war in Syria"


def test_bundled_examples_are_the_seeds():
    seeds = sorted(p.name for p in shared_path("seeds").glob("*.txt"))
    assert sorted(p.name for p in EXAMPLES.glob("*.txt")) == seeds


def test_an_error_in_one_article_does_not_stop_the_batch(tmp_path):
    items = list(read_all([str(tmp_path / "nope"), str(EXAMPLES)]))
    assert isinstance(items[0], InputError) and items[0].reason == "no such file or directory"
    assert sum(isinstance(i, Article) for i in items) == 5
