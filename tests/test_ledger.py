"""The ledger on real SQLite files: storing, every filter, idempotence, near-duplicates, schema
versions, export round trips, bad inputs, a killed writer and two writers at once."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT, shared_path

from muster import ledger as L
from muster.ledger import Ledger, LedgerError
from muster.model import ActorMention, Article, Claim, Count, InputError, Place, Span, Speaker

IS = {"name": "Islamic State", "id": "Q2429253"}
SHABAAB = {"name": "al-Shabaab", "id": "Q188753"}
MOSUL = {"name": "Mosul", "country": "IQ", "lat": 36.335, "lon": 43.119, "geonames_id": 99072, "precision": "city"}
RAQQA = {"name": "Raqqa", "country": "SY", "lat": 35.95, "lon": 39.01, "geonames_id": 163915, "precision": "city"}
TAL_AFAR = {"name": "Tal Afar", "country": "IQ", "lat": 36.374, "lon": 42.448, "geonames_id": 96994,
            "precision": "city"}
MOGADISHU = {"name": "Mogadishu", "country": "SO", "lat": 2.037, "lon": 45.344, "geonames_id": 53654,
             "precision": "city"}


def _claim(text: str, sentence: str, type_: str, **kw) -> Claim:
    start = text.index(sentence)
    return Claim(type=type_, evidence=Span(sentence, start, start + len(sentence)), **kw)


def article_a() -> Article:
    s1 = "As many fled from the militant group's ranks, Daesh forced dozens of children to join its camp in Mosul."
    s2 = "More and more fighters are leaving the ranks of the group, the activist said."
    text = f"ISIS recruits child soldiers\n\nMOSUL - {s1} {s2} Other news followed about the weather in town."
    art = Article(doc="a.txt", text=text, title="ISIS recruits child soldiers", outlet="ARA News",
                  published="2015-05-20", authors=["Helin Saeed"], dateline="Mosul")
    dujana = Speaker(name="Mohammed Dujana", role="media activist", quote="direct", text="Dujana")
    art.claims = [
        _claim(text, s1, "recruitment", actor=IS, children=True, forced=True,
               count=Count(None, None, unit="children", text="dozens of children"), locations=[MOSUL],
               speaker=dujana),
        _claim(text, s2, "defection", actor=IS, trend="up", speaker=dujana),
    ]
    i = text.index("Daesh")
    art.actors = [ActorMention("Daesh", i, i + 5, "Islamic State", "Q2429253")]
    j = text.index("Mosul.")
    art.places = [Place("Mosul", j, j + 5, **MOSUL)]
    return art


def article_b(published: str = "2017-10-12", outlet: str = "Expressen", edit: str = "") -> Article:
    s1 = "In Raqqa alone they set up 15 training camps, and every camp takes around 600-800 children."
    s2 = "The coalition estimates that about 2,500 ISIS fighters remain in Raqqa, with another 2,000 in Tal Afar."
    body = (f"Defecting commander speaks\n\n{s1} A rights activist in Raqqa, speaking on condition of anonymity, "
            f"described the training in detail. {s2} Reports suggest the group may be running short of money, "
            f"and salaries have been cut in half in several provinces over the last months of fighting. "
            f"Residents said the markets were quiet and that many families had left the city for the "
            f"countryside, where food was easier to find than in the besieged neighbourhoods.{edit}")
    art = Article(doc=f"b-{outlet}.txt", text=body, title="Defecting commander speaks", outlet=outlet,
                  published=published)
    art.claims = [
        _claim(body, s1, "training", actor=IS, children=True, count=Count(600, 800, unit="children",
                                                                          text="around 600-800 children"),
               locations=[RAQQA], time={"start": "2015-01-01", "end": "2015-03-31"},
               speaker=Speaker(anonymous=True, role="rights activist", text="A rights activist")),
        _claim(body, s2, "strength", actor=IS, count=Count(2500, 2500, approx=True, unit="fighters",
                                                           text="about 2,500 ISIS fighters"),
               locations=[RAQQA, TAL_AFAR], hedged=True, speaker=Speaker(org="coalition", text="The coalition")),
    ]
    return art


def article_c() -> Article:
    s1 = "Al-Shabaab draws some 50 foreign fighters a month to its camps near Mogadishu, officials say."
    text = f"Somalia\n\n{s1} They join voluntarily, according to a report by the United Nations."
    art = Article(doc="c.txt", text=text, title="Somalia", published="2016-03-01")
    art.claims = [_claim(text, s1, "foreign_fighters", actor=SHABAAB, forced=False,
                         count=Count(50, 50, approx=True, unit="foreign fighters", text="some 50 foreign fighters"),
                         rate="month", locations=[MOGADISHU], speaker=Speaker(org="United Nations"))]
    return art


@pytest.fixture
def led(tmp_path) -> Ledger:
    with Ledger(tmp_path / "t.db") as ledger:
        ledger.ingest([article_a(), article_b(), article_c()])
        yield ledger


def _ids(rows) -> set[str]:
    return {(r["type"], r["doc"]) for r in rows}


# ---------------------------------------------------------------------------------------------

def test_file_is_plain_sqlite_in_wal_mode_with_the_documented_tables(led):
    con = sqlite3.connect(led.path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("PRAGMA user_version").fetchone()[0] == L.schema_version()
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    assert {"articles", "claims", "speakers", "places", "actors", "errors", "runs", "claim_places",
            "articles_fts", "claims_fts", "claims_view", "claim_locations", "article_sources",
            "independent_claims"} <= names
    assert con.execute("SELECT count(*) FROM claims_view").fetchone()[0] == 5
    assert con.execute("SELECT count(*) FROM claim_locations").fetchone()[0] == 5
    # places and speakers are shared: Raqqa appears in two claims and once in the table
    assert con.execute("SELECT count(*) FROM places WHERE name = 'Raqqa'").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM speakers WHERE name = 'Mohammed Dujana'").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM article_actors").fetchone()[0] == 1
    plan = " ".join(r[3] for r in con.execute("EXPLAIN QUERY PLAN SELECT * FROM claims WHERE type = 'training'"))
    assert "claims_type" in plan


def test_stored_claims_keep_every_field(led):
    rows = led.claims(types=["strength"])
    assert len(rows) == 1
    c = L.claim_dict(rows[0])
    orig = article_b().claims[1].to_dict()
    assert c == orig
    a = led.claims(types=["recruitment"])[0]
    assert L.claim_dict(a) == article_a().claims[0].to_dict()


@pytest.mark.parametrize("filters, expected", [
    ({"types": ["training", "strength"]}, {("training", "b-Expressen.txt"), ("strength", "b-Expressen.txt")}),
    ({"actor": "Q188753"}, {("foreign_fighters", "c.txt")}),
    ({"actor": "shabaab"}, {("foreign_fighters", "c.txt")}),
    ({"country": "IQ"}, {("recruitment", "a.txt"), ("strength", "b-Expressen.txt")}),
    ({"country": "Syria"}, {("training", "b-Expressen.txt"), ("strength", "b-Expressen.txt")}),
    ({"near": (36.34, 43.13, 50)}, {("recruitment", "a.txt")}),
    ({"near": (36.34, 43.13, 100)}, {("recruitment", "a.txt"), ("strength", "b-Expressen.txt")}),
    ({"near": (2.0, 45.3, 20)}, {("foreign_fighters", "c.txt")}),
    ({"since": "2016", "until": "2016-12"}, {("foreign_fighters", "c.txt")}),
    ({"since": "2015-02-15", "until": "2015-02-20"}, {("training", "b-Expressen.txt")}),
    ({"until": "2015-05-19"}, {("training", "b-Expressen.txt")}),
    ({"children": True}, {("recruitment", "a.txt"), ("training", "b-Expressen.txt")}),
    ({"forced": True}, {("recruitment", "a.txt")}),
    ({"forced": False}, {("foreign_fighters", "c.txt")}),
    ({"speaker": "dujana"}, {("recruitment", "a.txt"), ("defection", "a.txt")}),
    ({"speaker": "coalition"}, {("strength", "b-Expressen.txt")}),
    ({"text": "camps"}, {("training", "b-Expressen.txt"), ("recruitment", "a.txt"),
                         ("foreign_fighters", "c.txt")}),
    ({"text": "camp NOT Raqqa"}, {("recruitment", "a.txt"), ("foreign_fighters", "c.txt")}),
    ({"text": '"training camps'}, {("training", "b-Expressen.txt")}),  # not FTS syntax: searched as words
    ({"children": True, "country": "SY", "types": ["training"]}, {("training", "b-Expressen.txt")}),
    ({"children": False}, set()),
])
def test_every_filter(led, filters, expected):
    assert _ids(led.claims(**filters)) == expected


def test_filter_values_are_checked():
    assert L.parse_near("36.3, 43.1, 25") == (36.3, 43.1, 25.0)
    for bad in ("36.3,43.1", "a,b,c", "95,0,10", "10,10,-5"):
        with pytest.raises(ValueError):
            L.parse_near(bad)
    assert L.parse_date("2015-02", end=True) == "2015-02-28"
    assert L.parse_date("2016", end=True) == "2016-12-31"
    with pytest.raises(ValueError):
        L.parse_date("2015-13")
    with pytest.raises(ValueError):
        L.parse_country("Atlantis")


def test_reingest_updates_and_never_duplicates(led):
    before = led.stats()
    report = led.ingest([article_a(), article_b(), article_c()])
    assert (report.new, report.updated) == (0, 3)
    assert led.stats() == before
    # a new pipeline version says something else about the same text: the claims are replaced
    a = article_a()
    a.claims = a.claims[:1]
    a.outlet = "ARA News English"
    led.ingest([a])
    assert led.stats()["articles"] == before["articles"]
    assert len(led.claims(article=a.id)) == 1
    assert led.article(a.id)["outlet"] == "ARA News English"
    con = sqlite3.connect(led.path)
    assert con.execute("SELECT count(*) FROM claims_fts WHERE claims_fts MATCH 'leaving'").fetchone()[0] == 0


def test_syndicated_copy_is_linked_to_the_earliest_original(led):
    orig = article_b()
    copy = article_b(published="2017-10-13", outlet="Aftonbladet", edit=" Additional reporting by AFP.")
    assert copy.id != orig.id
    assert led.add_article(copy) == "duplicate"
    assert led.article(copy.id)["duplicate_of"] == orig.id
    assert led.article(orig.id)["copies"][0]["id"] == copy.id
    assert len(led.claims(types=["strength"])) == 2
    assert len(led.claims(types=["strength"], independent=True)) == 1
    # an earlier-published copy arriving later becomes the original of the whole group
    first = article_b(published="2017-10-11", outlet="TT", edit=" (TT)")
    led.add_article(first)
    assert led.article(orig.id)["duplicate_of"] == first.id
    assert led.article(copy.id)["duplicate_of"] == first.id
    assert led.article(first.id)["duplicate_of"] is None
    src = sqlite3.connect(led.path).execute("SELECT copies FROM article_sources WHERE id = ?", (first.id,))
    assert src.fetchone()[0] == 2
    assert {r["doc"] for r in led.claims(independent=True, types=["strength"])} == {"b-TT.txt"}


def claim_id_of(article, n: int) -> str:
    """The ledger's id of an article's nth claim (store/ids.py: from the content, not the position)."""
    from muster.store.ids import claim_ids

    return claim_ids(article.id, [c.to_dict() for c in article.claims])[n]


def test_search_show_and_resolve(led):
    hits = led.search("camps")
    assert {h["id"] for h in hits["claims"]} >= {claim_id_of(article_b(), 0)}
    assert any("\x02" in h["snippet"] for h in hits["articles"])
    assert led.search('"Raqqa')["articles"]  # bad FTS syntax still finds the word
    b = article_b()
    assert led.resolve(b.id[:8]) == (b.id, None)
    assert led.resolve("c.txt") == (article_c().id, None)
    assert led.resolve(claim_id_of(b, 1)) == (b.id, claim_id_of(b, 1))
    with pytest.raises(LedgerError):
        led.resolve("nothing-like-this")
    rec = led.article(claim_id_of(b, 1))
    text = L.render_article(rec)
    assert "[[The coalition estimates that about 2,500" in text and "[2]" in text
    styled = L.render_article(rec, style=lambda s, **kw: f"<{s}>")
    assert "<[1]>" in styled


def test_output_formats(led, tmp_path):
    import csv
    import io

    rows = led.claims()
    buf = io.StringIO()
    assert L.write_claims(rows, "csv", buf) == 5
    parsed = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert {r["type"] for r in parsed} == {"recruitment", "defection", "training", "strength", "foreign_fighters"}
    assert any(r["places"] == "Raqqa; Tal Afar" and r["countries"] == "IQ; SY" for r in parsed)
    buf = io.StringIO()
    L.write_claims(rows, "jsonl", buf)
    recs = [json.loads(x) for x in buf.getvalue().splitlines()]
    assert len(recs) == 5 and all(r["id"].startswith("c") and len(r["id"]) == 16 for r in recs)
    buf = io.StringIO()
    n = L.write_claims(rows, "geojson", buf)
    gj = json.loads(buf.getvalue())
    assert gj["type"] == "FeatureCollection" and n == len(gj["features"]) == 5  # the defection has no place
    mosul = [f for f in gj["features"] if f["properties"]["place"] == "Mosul"][0]
    assert mosul["geometry"]["coordinates"] == [MOSUL["lon"], MOSUL["lat"]]
    table = L.table(rows, width=220)
    assert table.splitlines()[0].startswith("id") and len(table.splitlines()) == 6
    assert all(len(line) <= 220 for line in table.splitlines()) and "evidence" in table.splitlines()[0]
    narrow = L.table(rows, width=80).splitlines()
    assert len(narrow) == 15 and all(len(x) <= 80 for x in narrow[1::3] + narrow[2::3])
    strength = narrow[[i for i, x in enumerate(narrow) if "strength" in x][0]:][:3]
    # the count, the speaker, the outlet and the date are all there at 80 columns
    assert "~2,500 fighters" in strength[0] and "said by coalition · Expressen 2017-10-12" in strength[1]


def test_export_round_trips(led, tmp_path):
    led.add_article(article_b(published="2017-10-13", outlet="Aftonbladet", edit=" More."))
    recs = list(led.export_records())
    assert len(recs) == 4
    with Ledger(tmp_path / "copy.db") as other:
        report = other.ingest(recs)
        assert report.articles == 4 and report.errors == 0
        again = list(other.export_records())

    def strip(rs):
        return [{**r, "ledger": {k: v for k, v in r["ledger"].items() if not k.endswith("ingested")}} for r in rs]

    assert strip(again) == strip(recs)
    # the article's annotation layers travel too
    assert recs[0]["actors"][0]["id"] == "Q2429253" and recs[0]["places"][0]["name"] == "Mosul"


def test_bad_inputs_are_recorded_and_the_rest_is_stored(tmp_path):
    seen = []
    bad = Article(doc="broken.txt", text="Some text that is long enough to store.")
    bad.claims = [Claim(type="recruitment", evidence=None)]  # a stage produced nonsense
    with Ledger(tmp_path / "t.db") as led:
        report = led.ingest([InputError("x.bin", "binary file"), article_a(), bad, article_c()],
                            on_error=seen.append)
        assert (report.articles, report.errors) == (2, 2)
        errs = led.errors(report.run_id)
        assert [e["source"] for e in errs] == ["x.bin", "broken.txt"]
        assert "binary" in errs[0]["reason"] and "could not be stored" in errs[1]["reason"]
        assert [e.source for e in seen] == ["x.bin", "broken.txt"]
        # nothing of the failed article was kept
        assert led.stats()["articles"] == 2
        run = led.conn.execute("SELECT * FROM runs WHERE id = ?", (report.run_id,)).fetchone()
        assert run["finished"] and run["articles"] == 2 and run["errors"] == 2


# -- schema versions -----------------------------------------------------------------------------

def test_older_database_is_migrated_and_keeps_its_data(tmp_path):
    migs = L.migrations()
    with Ledger(tmp_path / "old.db", migrations_=migs) as old:
        old.ingest([article_a()])
    newer = migs + [L.Migration(len(migs) + 1, "test_notes", "ALTER TABLE articles ADD COLUMN note TEXT;\n"
                                                           "CREATE INDEX articles_note ON articles(note);")]
    with Ledger(tmp_path / "old.db", migrations_=newer) as led:
        assert led.user_version == len(newer)
        assert led.stats()["claims"] == 2
        assert led.conn.execute("SELECT note FROM articles").fetchone()[0] is None
    # a migration that fails leaves the database at its old version, untouched
    broken = newer + [L.Migration(len(newer) + 1, "broken", "ALTER TABLE articles ADD COLUMN x TEXT;\nNOT SQL;")]
    with pytest.raises(LedgerError, match="schema version .* failed"):
        Ledger(tmp_path / "old.db", migrations_=broken)
    con = sqlite3.connect(tmp_path / "old.db")
    assert con.execute("PRAGMA user_version").fetchone()[0] == len(newer)
    assert "x" not in {r[1] for r in con.execute("PRAGMA table_info(articles)")}


def test_newer_or_foreign_databases_are_refused_cleanly(tmp_path):
    with Ledger(tmp_path / "new.db"):
        pass
    con = sqlite3.connect(tmp_path / "new.db")
    con.execute(f"PRAGMA user_version = {L.schema_version() + 5}")
    con.close()
    with pytest.raises(LedgerError, match="newer"):
        Ledger(tmp_path / "new.db")
    other = sqlite3.connect(tmp_path / "other.db")
    other.execute("CREATE TABLE t (x)")
    other.close()
    with pytest.raises(LedgerError, match="not a Muster ledger"):
        Ledger(tmp_path / "other.db")
    (tmp_path / "junk.db").write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(LedgerError, match="not a usable SQLite"):
        Ledger(tmp_path / "junk.db")
    with pytest.raises(LedgerError, match="no ledger"):
        Ledger(tmp_path / "absent.db", create=False)
    assert not (tmp_path / "absent.db").exists()


# -- crashes and concurrency -----------------------------------------------------------------------

WRITER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {tests!r})
    from test_ledger import many_articles
    from muster.ledger import Ledger
    start, n, delay = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    def items():
        for art in many_articles(start, n):
            yield art
            time.sleep(delay)
    with Ledger(sys.argv[1], timeout=60) as led:
        r = led.ingest(items())
    print(r.articles, r.errors)
""")


def many_articles(start: int, n: int):
    """Distinct synthetic articles with many claims each (so that writes take a while)."""
    base = article_b()
    for i in range(start, start + n):
        words = " ".join(f"w{i}x{k}" for k in range(40))  # unique words: not near-duplicates of each other
        s = f"Report number {i} says {words} and that the group has {i} fighters."
        art = Article(doc=f"gen{i}.txt", text=f"Report {i}\n\n{s}", published="2018-01-01")
        art.claims = [_claim(art.text, s, "strength", actor=IS, count=Count(i, i, unit="fighters"),
                             locations=[RAQQA, TAL_AFAR], speaker=Speaker(name=f"Speaker {k}"))
                      for k in range(15)] + base.claims
        yield art


def _writer(db: Path, start: int, n: int, delay: float = 0.0) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", WRITER.format(tests=str(ROOT / "tests")), str(db), str(start),
                             str(n), str(delay)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT)


def _count(db: Path) -> int:
    try:
        con = sqlite3.connect(db, timeout=10)
        try:
            return con.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            con.close()
    except sqlite3.OperationalError:
        return 0


def _consistent(db: Path) -> int:
    """The database is sound and every stored article is whole; returns the number of articles."""
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    half = con.execute("""SELECT a.id FROM articles a LEFT JOIN minhashes m ON m.article_id = a.id
                          WHERE m.article_id IS NULL
                             OR a.n_claims != (SELECT count(*) FROM claims c WHERE c.article_id = a.id)
                       """).fetchall()
    assert half == []
    n = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert con.execute("SELECT count(DISTINCT id) FROM articles").fetchone()[0] == n
    assert con.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == n
    con.close()
    return n


def _wait_for(db: Path, proc: subprocess.Popen, at_least: int, limit: float = 60) -> None:
    t0 = time.monotonic()
    while _count(db) < at_least and proc.poll() is None and time.monotonic() - t0 < limit:
        time.sleep(0.02)


def test_killed_writer_loses_nothing_and_a_rerun_completes_the_batch(tmp_path):
    db = tmp_path / "crash.db"
    proc = _writer(db, 0, 300)
    _wait_for(db, proc, 20)
    assert proc.poll() is None, "the writer finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    stored = _consistent(db)
    assert 20 <= stored < 300
    con = sqlite3.connect(db)
    # every stored article is whole: all its claims, and all their places (15 x 2 + 1 + 2)
    assert con.execute("SELECT count(*) FROM claim_places").fetchone()[0] == stored * 33
    con.close()
    # the rerun completes the batch: every article once
    proc = _writer(db, 0, 300)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert _consistent(db) == 300
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM claims").fetchone()[0] == 300 * 17
    # the killed run is visible as unfinished, its articles counted
    runs = con.execute("SELECT finished, articles FROM runs ORDER BY id").fetchall()
    assert runs[0][0] is None and runs[0][1] == stored and runs[1][0] is not None


def test_two_writers_at_once_do_not_corrupt_the_ledger(tmp_path):
    db = tmp_path / "two.db"
    # overlapping batches, started together on a new file (both try to create the schema)
    a, b = _writer(db, 0, 120), _writer(db, 60, 120)
    outs = [p.communicate(timeout=300) for p in (a, b)]
    assert a.returncode == 0 and b.returncode == 0, outs
    assert _consistent(db) == 180
    assert sorted(int(o[0].split()[0]) for o in outs) == [120, 120]


def test_a_writer_waits_for_the_lock_then_fails_cleanly(tmp_path):
    db = tmp_path / "lock.db"
    Ledger(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with Ledger(db, timeout=0.3) as led:
            t0 = time.monotonic()
            with pytest.raises(LedgerError, match="locked"):
                led.ingest([article_a()])
            assert time.monotonic() - t0 >= 0.25
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with Ledger(db) as led:
        assert led.ingest([article_a()]).articles == 1


# -- real articles -------------------------------------------------------------------------------

LIGHT = {"pipeline": {"extract": ["clean", "metadata", "sentences"]}}


def test_corpus_slice_ingests_idempotently_with_copies_linked(tmp_path):
    """Real news through the reading stages into the ledger (the extract stages are measured elsewhere)."""
    from muster.pipeline import extract, load_config

    lines = shared_path("data", "corpus", "news.jsonl").read_text(encoding="utf-8").splitlines()
    # the first 100 articles, and FA-KES articles among which some wire stories are republished
    sample = lines[:100] + [x for x in lines if '"doc": "fakes_4' in x]
    src = tmp_path / "slice.jsonl"
    src.write_text("\n".join(sample) + "\n{broken\n", encoding="utf-8")
    config = load_config(LIGHT)
    with Ledger(tmp_path / "c.db") as led:
        first = led.ingest(extract([str(src)], config), inputs=[str(src)])
        assert first.errors == 1 and first.articles == len(sample)
        n = led.stats()["articles"]
        # the same text twice is one article, seen as two inputs
        assert n == len({json.loads(x)["text"] for x in sample}) < len(sample)
        inputs = led.conn.execute("SELECT count(*) FROM article_inputs").fetchone()[0]
        assert inputs == len({json.loads(x)["doc"] for x in sample})
        assert first.duplicates >= 3
        dup_rows = led.conn.execute("SELECT id, duplicate_of, dup_jaccard FROM articles "
                                    "WHERE duplicate_of IS NOT NULL").fetchall()
        assert all(r["duplicate_of"] != r["id"] and r["dup_jaccard"] > 0 for r in dup_rows)
        again = led.ingest(extract([str(src)], config))
        assert again.new == 0 and led.stats()["articles"] == n
        assert led.search("Raqqa")["articles"]
    assert _consistent(tmp_path / "c.db") == n


def test_examples_ingest_through_the_real_pipeline(tmp_path):
    with Ledger(tmp_path / "e.db") as led:
        from muster.pipeline import extract

        report = led.ingest(extract([str(EXAMPLES)]))
        assert report.errors == 0 and report.articles == 5
        assert led.stats()["articles"] == 5
        for row in led.claims():  # whatever claims the pipeline makes point into their article's text
            art = led.article(row["article_id"])
            if row["evidence_start"] is not None:
                assert art["text"][row["evidence_start"]:row["evidence_end"]] == row["evidence"]
    assert os.path.getsize(tmp_path / "e.db") > 0
