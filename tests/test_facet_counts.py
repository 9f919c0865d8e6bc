"""Schema 8's facet counts (facet_counts; a write notes the claims it changed in facet_pending,
the list recounts them) and list index (claim_countries.d, .reviewed) stay equal to what they
are counted from, whatever writes the ledger: an ingest, a review, a re-ingest
that changes a claim's type, places or date or drops it, plain SQL, a migration of a schema-7
ledger; and the list's first screen read from them (Ledger.list_page) is the one the general way
gives (match_ids, count, facets), reviews winning."""
from __future__ import annotations

import json
from collections import Counter

import pytest
from test_ledger import MOGADISHU, article_a, article_b, article_c

from muster.store import Ledger, schema
from muster.store.listing import fold_pending

FILTERS = dict(types=(), actor=None, country=None, near=None, since=None, until=None, year=None, children=None,
               forced=None, speaker=None, text=None, independent=False, status=None, min_confidence=None,
               undated=False)


def _recounted(conn) -> Counter:
    """facet_counts as a count from scratch would make it: each claim no analyst reviewed, in the
    slice '' and in each of its countries' slices, under each of its keys."""
    out: Counter = Counter()
    rows = conn.execute("SELECT id, type, actor_key, children, forced, substr(sort_date, 1, 4), round(confidence, 1) "
                        "FROM claims WHERE id NOT IN (SELECT claim_id FROM claim_reviewed)").fetchall()
    for cid, typ, actor, children, forced, year, conf in rows:
        countries = [r[0] for r in conn.execute("SELECT DISTINCT p.country FROM claim_places cp JOIN places p "
                                                "ON p.id = cp.place_id WHERE cp.claim_id = ? AND p.country "
                                                "IS NOT NULL", (cid,))]
        keys = ["total=", f"actor={actor or ''}", f"children={'' if children is None else children}",
                f"forced={'' if forced is None else forced}", f"year={year or ''}",
                f"confidence={'' if conf is None else conf}"] + [f"country={c}" for c in countries]
        for s in ["", *countries]:
            for k in keys:
                out[(typ, s, k)] += 1
    return out


def assert_counts_right(led: Ledger) -> None:
    assert fold_pending(led)
    assert not led.conn.execute("SELECT count(*) FROM facet_pending").fetchone()[0]
    stored = Counter({(t, c, k): n for t, c, k, n in led.conn.execute("SELECT * FROM facet_counts") if n})
    assert stored == _recounted(led.conn)
    assert not led.conn.execute("SELECT count(*) FROM facet_counts WHERE n < 0").fetchone()[0]
    assert not led.conn.execute("SELECT count(*) FROM facet_recount").fetchone()[0]
    d = led.conn.execute("SELECT count(*) FROM claim_countries cc JOIN claims c ON c.id = cc.claim_id "
                         "WHERE cc.d IS NOT COALESCE(c.sort_date, '9999')").fetchone()[0]
    assert d == 0
    reviewed = led.conn.execute("SELECT count(*) FROM claim_countries WHERE reviewed IS NOT "
                                "EXISTS (SELECT 1 FROM claim_reviewed r WHERE r.claim_id = claim_countries.claim_id)")
    assert reviewed.fetchone()[0] == 0


def assert_list_page_as_the_general_way(led: Ledger, types: tuple = (), country: str | None = None) -> None:
    flt = {**FILTERS, "types": types, "country": country}
    ids = led.match_ids(**flt)
    for offset, limit in ((0, 50), (0, 2), (1, 2), (3, 5)):
        got = led.list_page(offset, limit, **flt)
        assert got is not None
        assert got[0] == ids[offset:offset + limit] and got[1] == len(ids), (types, country, offset)
    facets = led.list_page(0, 0, **flt)[2]
    assert {f: sorted(v, key=repr) for f, v in facets.items()} == \
        {f: sorted(v, key=repr) for f, v in led.facets(**flt).items()}


CASES = [((), None), (("strength",), None), (("recruitment", "training"), None), ((), "IQ"), (("strength",), "IQ"),
         (("recruitment", "training"), "SY"), (("training",), "SY"), ((), "SO"), (("finance",), "SY")]


def assert_all_right(led: Ledger) -> None:
    assert_counts_right(led)
    for types, country in CASES:
        assert_list_page_as_the_general_way(led, types, country)


@pytest.fixture
def led(tmp_path):
    with Ledger(tmp_path / "t.db") as ledger:
        ledger.ingest([article_a(), article_b(), article_c()])
        yield ledger


def test_ingest_counts_every_claim(led):
    assert_all_right(led)
    n = led.conn.execute("SELECT sum(n) FROM facet_counts WHERE country = '' AND key = 'total='").fetchone()[0]
    assert n == led.count_claims() > 0


def test_reviews_take_a_claim_out_of_the_counts_and_win_in_the_list(led):
    rec = led.claims(types=("recruitment",))[0]["id"]
    strength = led.claims(types=("strength",))[0]["id"]
    led.review(rec, sets={"places": "Raqqa"}, reviewer="ana")       # reviewed places: IQ -> SY
    led.review(strength, sets={"type": "training"}, reviewer="ana")  # a reviewed type
    led.review(led.claims(types=("training",), country="SY")[0]["id"], "reject", reviewer="ana")
    assert_all_right(led)
    facets = led.list_page(0, 0, **{**FILTERS, "country": "SY"})[2]
    assert ("training", 1) in facets["type"] or any(v == "training" for v, _ in facets["type"])
    assert dict(facets["review_status"]).get("corrected", 0) >= 1
    led.review(strength, "reopen", reviewer="ana")
    assert_all_right(led)


def test_reingest_changing_type_places_date_and_dropping_a_claim_keeps_them_right(led):
    reviewed = led.claims(types=("training",))[0]["id"]
    led.review(reviewed, "accept", reviewer="ana")
    led.ingest([article_b(published="2018-02-03")])  # the same text: the article's date changed
    assert_all_right(led)
    a = article_a()
    a.claims[0].locations = [MOGADISHU]
    a.claims[0].type = "training"
    led.ingest([a])
    assert_all_right(led)
    a.claims = a.claims[1:]
    led.ingest([a])
    assert_all_right(led)
    led.ingest([article_a(), article_b(), article_c()])  # and back as it was, the review kept
    assert_all_right(led)
    assert led.claim(reviewed)["review_status"] == "accepted"


def test_plain_sql_writes_keep_them_right(led):
    with led.transaction() as c:
        c.execute("UPDATE articles SET published = '2001-01-01' WHERE doc = 'c.txt'")
        pid = c.execute("SELECT id FROM places WHERE name = 'Mosul'").fetchone()[0]
        sid = c.execute("SELECT id FROM claims WHERE type = 'strength'").fetchone()[0]
        c.execute("DELETE FROM claim_places WHERE claim_id = ? AND seq = 1", (sid,))
        c.execute("INSERT INTO claim_places (claim_id, seq, place_id) VALUES (?, 5, ?)", (sid, pid))
        c.execute("UPDATE claims SET time_start = '2016-06-01', children = 1, confidence = 0.33, actor_key = NULL "
                  "WHERE id = ?", (sid,))
        c.execute("UPDATE places SET country = 'TR' WHERE name = 'Raqqa'")
    assert_all_right(led)
    with led.transaction() as c:
        c.execute("DELETE FROM claim_places WHERE claim_id IN (SELECT id FROM claims WHERE type = 'recruitment')")
        c.execute("DELETE FROM claims WHERE type = 'recruitment'")
    assert_all_right(led)


def test_a_schema_7_ledger_migrates_with_its_counts(tmp_path):
    path = tmp_path / "seven.db"
    with Ledger(path, migrations_=schema.migrations()[:7]) as old:
        old.ingest([article_a(), article_b(), article_c()])
        cid = old.claims(types=("training",))[0]["id"]
        old.review(cid, "accept", {"count.low": 650}, note="checked", reviewer="ana")
        before = old.claims(order="id")
    with Ledger(path) as led:
        assert led.user_version == schema.schema_version() >= 8
        assert led.claims(order="id") == before
        assert_all_right(led)
        assert led.claim(cid)["count_low"] == 650 and led.claim(cid)["review_status"] == "corrected"


def test_other_filters_go_the_general_way(led):
    assert led.list_page(0, 50, **{**FILTERS, "actor": "ISIS"}) is None
    assert led.list_page(0, 50, **{**FILTERS, "min_confidence": 0.0}) is None
    assert led.list_page(0, 50, **{**FILTERS, "types": ("strength",), "country": "IQ"}) is not None


def test_the_first_page_reads_the_list_index(led):
    """A type + country filter's first page: one range of claim_countries_country, in order."""
    plan = [r[3] for r in led.conn.execute(
        "EXPLAIN QUERY PLAN SELECT claim_id, d FROM claim_countries WHERE country = ? AND type = ? AND reviewed = 0 "
        "ORDER BY d LIMIT 5",
        ("IQ", "strength"))]
    assert any("claim_countries_country" in step for step in plan), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan
    facets = json.dumps(led.list_page(0, 1, **{**FILTERS, "types": ("strength",), "country": "IQ"})[2])
    assert "IQ" in facets


def test_a_write_only_notes_the_claims_and_the_list_recounts_them(led, tmp_path):
    """An ingest leaves its claims in facet_pending (one row each: the ingest does not count);
    the list recounts them first. A read-only reader cannot: it reads the claims themselves."""
    led.ingest([article_b(published="2019-05-05")])
    pending = led.conn.execute("SELECT count(*) FROM facet_pending").fetchone()[0]
    assert pending >= 1
    with Ledger(led.path, readonly=True) as reader:
        assert reader.list_page(0, 50, **{**FILTERS, "country": "IQ"}) is None  # the general way
    flt = {**FILTERS, "types": ("strength",), "country": "IQ"}
    ids, total, facets = led.list_page(0, 50, **flt)
    assert not led.conn.execute("SELECT count(*) FROM facet_pending").fetchone()[0]
    assert ids == led.match_ids(**flt) and ("2019", 1) in facets["year"]
    assert_all_right(led)


def test_the_list_does_not_wait_for_an_ingest(led):
    """While another connection holds the write lock, the list reads the claims themselves."""
    led.conn.execute("INSERT OR IGNORE INTO facet_pending (claim_id) SELECT id FROM claims")
    with Ledger(led.path) as writer:
        writer.conn.execute("BEGIN IMMEDIATE")
        try:
            assert led.list_page(0, 50, **{**FILTERS, "country": "IQ"}) is None
        finally:
            writer.conn.execute("ROLLBACK")
    assert led.list_page(0, 50, **{**FILTERS, "country": "IQ"}) is not None


def test_list_page_inside_a_callers_transaction(led):
    flt = {**FILTERS, "types": ("strength",), "country": "IQ"}
    assert fold_pending(led)
    with led.transaction():
        got = led.list_page(0, 50, **flt)
    assert got is not None and got[0] == led.match_ids(**flt)
