"""Schema 7's derived columns (claims.sort_date, the claim_countries table) stay equal to what they
are derived from, whatever writes the ledger: an ingest, a re-ingest that changes an article's date
or a claim's places, a deletion, a migration of an older ledger; and the list's filters answer the
same with them as from the places themselves, reviews included."""
from __future__ import annotations

import pytest
from test_ledger import MOGADISHU, MOSUL, article_a, article_b, article_c

from muster.store import Ledger, schema


def _derived_rows(conn) -> tuple[list, list]:
    """(stored, recomputed) for both derived things, to compare."""
    def rows(sql: str) -> list[tuple]:
        return sorted(tuple(r) for r in conn.execute(sql))

    stored = [rows("SELECT id, sort_date FROM claims"), rows("SELECT claim_id, country, type FROM claim_countries")]
    fresh = [rows("SELECT c.id, COALESCE(c.time_start, a.published) FROM claims c JOIN articles a ON a.id = c.article_id"),
             rows("SELECT DISTINCT cp.claim_id, p.country, c.type FROM claim_places cp JOIN places p ON p.id = cp.place_id "
                  "JOIN claims c ON c.id = cp.claim_id WHERE p.country IS NOT NULL")]
    return stored, fresh


def assert_derived_right(led: Ledger) -> None:
    stored, fresh = _derived_rows(led.conn)
    assert stored == fresh
    assert stored[0] and stored[1]


def _brute_count(led: Ledger, types: tuple, code: str) -> int:
    """The claims of these types with a place in this country, read from claims_view's places."""
    import json

    n = 0
    for r in led.conn.execute("SELECT type, locations FROM claims_view"):
        if (not types or r[0] in types) and any(p.get("country") == code for p in json.loads(r[1] or "[]")):
            n += 1
    return n


@pytest.fixture
def led(tmp_path):
    with Ledger(tmp_path / "t.db") as ledger:
        ledger.ingest([article_a(), article_b(), article_c()])
        yield ledger


def test_ingest_fills_the_derived_columns(led):
    assert_derived_right(led)
    b = led.conn.execute("SELECT sort_date FROM claims WHERE type = 'training'").fetchone()[0]
    assert b == "2015-01-01"  # its own period, not the article's date (2017-10-12)
    assert led.conn.execute("SELECT sort_date FROM claims WHERE type = 'strength'").fetchone()[0] == "2017-10-12"
    assert {r[0] for r in led.conn.execute("SELECT country FROM claim_countries")} == {"IQ", "SY", "SO"}


def test_reingest_with_another_date_and_other_places_keeps_them_right(led):
    led.ingest([article_b(published="2018-02-03")])  # the same text: the same article, its date changed
    assert led.conn.execute("SELECT sort_date FROM claims WHERE type = 'strength'").fetchone()[0] == "2018-02-03"
    a = article_a()
    a.claims[0].locations = [MOGADISHU]  # the pipeline now places the claim elsewhere
    a.claims[0].type = "training"
    led.ingest([a])
    assert_derived_right(led)
    assert led.count_claims(types=("training",), country="SO") == 1
    assert led.count_claims(types=("recruitment",), country="IQ") == 0
    a.claims = a.claims[1:]  # and then no longer finds it at all: deleted, with its countries
    led.ingest([a])
    assert_derived_right(led)
    assert led.count_claims(country="SO") == 1


def test_plain_sql_writes_keep_them_right(led):
    """A tool writing the tables directly (as bench/serve.py does) gets the same."""
    with led.transaction() as c:
        c.execute("UPDATE articles SET published = '2001-01-01' WHERE doc = 'c.txt'")
        pid = c.execute("SELECT id FROM places WHERE name = 'Mosul'").fetchone()[0]
        sid = c.execute("SELECT id FROM claims WHERE type = 'strength'").fetchone()[0]
        c.execute("DELETE FROM claim_places WHERE claim_id = ? AND seq = 1", (sid,))  # Tal Afar (IQ)
        c.execute("INSERT INTO claim_places (claim_id, seq, place_id) VALUES (?, 5, ?)", (sid, pid))
        c.execute("UPDATE claims SET time_start = '2016-06-01' WHERE id = ?", (sid,))
        c.execute("UPDATE places SET country = 'TR' WHERE name = 'Raqqa'")
    assert_derived_right(led)
    assert led.count_claims(country="TR") == 2 and led.count_claims(country="IQ") == 2


@pytest.mark.parametrize("types, country", [((), "IQ"), (("strength",), "IQ"), (("recruitment", "training"), "SY"),
                                            (("training",), "SY"), ((), "SO"), (("finance",), "SY")])
def test_filters_after_reviews_agree_with_the_places(led, types, country):
    rec = led.claims(types=("recruitment",))[0]["id"]
    strength = led.claims(types=("strength",))[0]["id"]
    led.review(rec, sets={"places": "Raqqa"}, reviewer="ana")       # reviewed places: IQ -> SY
    led.review(strength, sets={"type": "training"}, reviewer="ana")  # a reviewed type
    assert led.count_claims(types=types, country=country) == _brute_count(led, types, country)
    facets = dict(led.facets(types=types, country=country)["country"])
    assert facets.get(country, 0) == _brute_count(led, types, country)


def test_a_schema_6_ledger_migrates_keeping_claims_and_reviews(tmp_path):
    path = tmp_path / "six.db"
    with Ledger(path, migrations_=schema.migrations()[:6]) as old:
        old.ingest([article_a(), article_b(), article_c()])
        cid = old.claims(types=("training",))[0]["id"]
        old.review(cid, "accept", {"count.low": 650}, note="checked", reviewer="ana")
        before = old.claims(order="id")
        assert old.user_version == 6
    with Ledger(path) as led:
        assert led.user_version == schema.schema_version() >= 7
        assert_derived_right(led)
        assert led.claims(order="id") == before
        assert led.claim(cid)["count_low"] == 650 and led.claim(cid)["review_status"] == "corrected"
        assert [(e["action"], e["note"]) for e in led.reviews(cid)] == [("set", "checked"), ("accept", "checked")]
        assert led.count_claims(types=("strength",), country="IQ") == 1


def test_the_list_query_uses_the_indexes(led):
    """The machine side of a type + country filter reads claim_countries by its index, not each
    claim's places, and sorts without reading the articles."""
    match, args = led._match(types=("training",), country="SY")
    plan = [r[3] for r in led.conn.execute(
        f"EXPLAIN QUERY PLAN SELECT id FROM ({match}) ORDER BY d, article_id, seq", args)]
    assert any("claim_countries_country" in step for step in plan)
    # no step reads a whole table of claims, places or articles (claim_reviewed, the few reviewed, may be)
    scans = {step.split()[1] for step in plan if step.startswith("SCAN ")}
    assert not scans & {"c", "claims", "claim_places", "cp", "a", "articles", "claim_countries"}, plan


def test_the_list_rows_name_the_same_places_as_claims_view(led):
    """list_rows reads the places' names apart from claims_view's JSON: the same names, in the same
    order, an analyst's corrected places included (and a claim with none)."""
    ids = [r["id"] for r in led.claims(order="id")]
    rec = led.claims(types=("recruitment",))[0]["id"]
    led.review(rec, sets={"places": "Raqqa"}, reviewer="ana")
    with led.transaction() as c:  # a claim with two places, given in the reverse order of their ids
        cid = next(i for i in ids if i != rec)
        places = [r[0] for r in c.execute("SELECT id FROM places ORDER BY id LIMIT 2")]
        c.execute("DELETE FROM claim_places WHERE claim_id = ?", (cid,))
        c.execute("INSERT INTO claim_places (claim_id, seq, place_id) VALUES (?, 0, ?), (?, 1, ?)",
                  (cid, places[1], cid, places[0]))
    full = {r["id"]: [p.get("name") for p in r["locations"]] for r in led.rows(ids)}
    listed = {r["id"]: [p.get("name") for p in r["locations"]] for r in led.list_rows(ids, ("type", "locations"))}
    assert listed == full
    assert full[rec] == ["Raqqa"] and len(full[cid]) == 2 and any(not v for v in full.values())
