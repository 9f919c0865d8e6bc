"""Claims that keep their identity, and the analysts' reviews: an append-only log that re-ingests,
new pipelines, migrations and exports never lose."""
from __future__ import annotations

import copy
import csv
import io
import json
import sqlite3

import pytest
from test_ledger import RAQQA, _claim, article_a, article_b, article_c, claim_id_of

from muster.interfaces.present import write_claims
from muster.model import Count
from muster.store import Ledger, LedgerError, schema
from muster.store.ids import claim_id
from muster.store.reviews import ReviewError


@pytest.fixture
def led(tmp_path) -> Ledger:
    with Ledger(tmp_path / "t.db") as ledger:
        ledger.ingest([article_a(), article_b(), article_c()])
        yield ledger


def _strength_id() -> str:
    return claim_id_of(article_b(), 1)


def test_ids_come_from_the_content_not_the_position(led):
    b = article_b()
    ids = {r["id"] for r in led.claims(article=b.id)}
    assert ids == {claim_id_of(b, 0), claim_id_of(b, 1)}
    ev = b.claims[1].evidence
    assert claim_id_of(b, 1) == claim_id(b.id, "strength", ev.start, ev.end)
    # the same article again, its claims in another order: the same ids
    again = article_b()
    again.claims.reverse()
    led.ingest([again])
    assert {r["id"] for r in led.claims(article=b.id)} == ids
    # two claims of one type on the same words are told apart by their order
    twin = article_c()
    twin.claims.append(copy.deepcopy(twin.claims[0]))
    twin.claims[1].actor = {"name": "Hizbul Islam", "id": None}
    led.ingest([twin])
    got = sorted(r["id"] for r in led.claims(article=twin.id))
    assert len(got) == 2 and got[1] == got[0] + "-2"


def test_review_accept_reject_and_correct_with_the_machine_value_beside(led):
    sid = _strength_id()
    state = led.review(sid, sets={"count.low": "2,400", "count.high": "2600"}, note="the coalition's own words",
                       reviewer="ana")
    assert state["status"] == "corrected" and state["fields"] == {"count.low": 2400, "count.high": 2600}
    row = led.claims(article=article_b().id, types=["strength"])[0]
    assert (row["count_low"], row["count_high"]) == (2400, 2600)
    assert (row["machine_count_low"], row["machine_count_high"]) == (2500, 2500)
    assert row["review_status"] == "corrected" and row["reviewed_by"] == "ana"
    train = claim_id_of(article_b(), 0)
    led.review(train, "reject", note="a plan, not camps", reviewer="ana")
    assert led.claims(status="rejected")[0]["id"] == train
    assert {r["id"] for r in led.claims(status="reviewed")} == {sid, train}
    assert len(led.claims(status="unreviewed")) == 3
    log = led.reviews(sid)
    assert [(e["action"], e["field"], e["before"], e["after"]) for e in log] == [
        ("set", "count.low", 2500, 2400), ("set", "count.high", 2500, 2600)]
    assert log[0]["note"] == "the coalition's own words" and log[0]["at"]


def test_the_log_is_append_only(led):
    led.review(_strength_id(), "accept", reviewer="ana")
    con = sqlite3.connect(led.path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("UPDATE reviews SET reviewer = 'mallory'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("DELETE FROM reviews")


@pytest.mark.parametrize("sets, reason", [
    ({"count.low": "many"}, "count.low: expected a number"),
    ({"colour": "red"}, "unknown field 'colour'"),
    ({"time.start": "2015-13"}, "time.start: no month 13"),
    ({"type": "picnic"}, "type: expected one of"),
    ({"children": "perhaps"}, "children: expected true or false"),
])
def test_bad_corrections_are_refused_with_the_reason(led, sets, reason):
    with pytest.raises(ReviewError, match=reason):
        led.review(_strength_id(), sets=sets)
    assert led.reviews() == []


def test_no_such_claim(led):
    with pytest.raises(LedgerError, match="no claim"):
        led.review("c000000000000000", "accept")


def test_correct_actor_and_places_by_name(led):
    sid = _strength_id()
    led.review(sid, sets={"actor": "Daesh", "places": "Raqqa"}, reviewer="ana")
    row = led.claim(sid)
    assert row["actor"] == "Islamic State" and row["actor_id"] == "Q2429253"
    assert [p["name"] for p in row["locations"]] == ["Raqqa"] and row["locations"][0]["lat"] == RAQQA["lat"]
    assert [p["name"] for p in row["machine_locations"]] == ["Raqqa", "Tal Afar"]
    # the country filter reads the reviewed places
    assert sid not in {r["id"] for r in led.claims(country="IQ")}
    assert sid in {r["id"] for r in led.claims(country="SY")}
    # and so does the distance filter: Tal Afar, 60 km from Mosul, is no longer one of its places
    assert sid not in {r["id"] for r in led.claims(near=(36.34, 43.13, 100))}
    assert sid in {r["id"] for r in led.claims(near=(RAQQA["lat"], RAQQA["lon"], 20))}


def test_reingest_and_a_new_pipeline_never_erase_a_review(led):
    b = article_b()
    sid, train = _strength_id(), claim_id_of(b, 0)
    led.review(sid, sets={"count.low": 2400}, reviewer="ana")
    led.review(train, "reject", reviewer="ana")
    led.ingest([article_b()])  # the same text, the same pipeline
    assert led.claim(sid)["count_low"] == 2400 and led.claim(train)["review_status"] == "rejected"
    # a new pipeline: reads the training sentence as a shorter span, and finds no strength claim
    newer = article_b()
    s1 = newer.claims[0].evidence
    newer.claims = [_claim(newer.text, s1.text[:40], "training", actor=b.claims[0].actor,
                           count=Count(15, 15, unit="camps", text="15 training camps"))]
    led.ingest([newer])
    new_id = claim_id_of(newer, 0)
    lost = led.claim(sid)
    assert lost["lost_at"] and lost["count_low"] == 2400 and lost["review_status"] == "corrected"
    assert led.claim(train)["lost_at"]
    assert {r["id"] for r in led.claims(status="lost")} == {sid, train}
    # the old training claim points at the claim that took its place (their evidence overlaps)
    assert [r["new_id"] for r in led.claim(train)["replaced_by"]] == [new_id]
    assert led.resolve_claim(train) == train  # still there, as it was reviewed
    # found again by a later pipeline: no longer lost, the review still on it
    led.ingest([article_b()])
    assert not led.claim(sid)["lost_at"] and led.claim(sid)["count_low"] == 2400


def test_unreviewed_claim_no_longer_found_is_dropped_and_its_id_followed(led):
    b = article_b()
    old = claim_id_of(b, 0)
    newer = article_b()
    s1 = newer.claims[0].evidence
    newer.claims[0] = _claim(newer.text, s1.text[:40], "training", actor=b.claims[0].actor)
    led.ingest([newer])
    assert led.resolve_claim(old) == claim_id_of(newer, 0)


def test_exports_show_the_reviewed_value_and_the_machines(led):
    sid = _strength_id()
    led.review(sid, sets={"count.low": 2400}, note="checked", reviewer="ana")
    rows = led.claims()
    buf = io.StringIO()
    write_claims(rows, "csv", buf)
    row = [r for r in csv.DictReader(io.StringIO(buf.getvalue())) if r["id"] == sid][0]
    assert (row["count_low"], row["machine_count_low"], row["review_status"], row["reviewed_fields"]) == \
        ("2400", "2500", "corrected", "count.low")
    buf = io.StringIO()
    write_claims(rows, "jsonl", buf)
    rec = [json.loads(x) for x in buf.getvalue().splitlines() if sid in x][0]
    assert rec["count"]["low"] == 2400 and rec["review"]["machine"] == {"count.low": 2500}
    assert rec["review"]["status"] == "corrected" and rec["review"]["note"] == "checked"
    buf = io.StringIO()
    write_claims(rows, "geojson", buf)
    feats = [f for f in json.loads(buf.getvalue())["features"] if f["properties"]["id"] == sid]
    assert feats and all(f["properties"]["count_low"] == 2400 and f["properties"]["machine_count_low"] == 2500
                         and f["properties"]["review_status"] == "corrected" for f in feats)


def test_export_import_keeps_reviews_and_hand_corrections_survive_ingest(led, tmp_path):
    sid, train, cid = _strength_id(), claim_id_of(article_b(), 0), claim_id_of(article_c(), 0)
    led.review(sid, sets={"count.low": 2400}, reviewer="ana")
    led.review(train, "reject", reviewer="ana")
    recs = list(led.export_records())
    with Ledger(tmp_path / "copy.db") as other:  # the reviews travel with an export
        other.ingest(recs)
        assert other.claim(sid)["count_low"] == 2400 and other.claim(sid)["machine_count_low"] == 2500
        assert other.claim(train)["review_status"] == "rejected"
        other.ingest(recs)  # importing again adds nothing
        assert len(other.reviews()) == 2
    # an analyst corrects a value in the exported file by hand and imports it back
    c_rec = [r for r in recs if r["doc"] == "c.txt"][0]
    c_rec["claims"][0]["count"]["low"] = 45
    led.ingest(recs)
    assert led.claim(cid)["count_low"] == 45 and led.claim(cid)["machine_count_low"] == 50
    assert [(e["reviewer"], e["field"], e["before"], e["after"]) for e in led.reviews(cid)] == [
        ("import", "count.low", 50, 45)]
    assert len(led.reviews()) == 3
    led.ingest([article_a(), article_b(), article_c()])  # the pipeline's next ingest undoes nothing
    assert led.claim(cid)["count_low"] == 45 and led.claim(sid)["count_low"] == 2400


def _write_schema3(conn: sqlite3.Connection, art) -> None:
    """An article and its claims as schema 3 stored them: positional ids "<article id>-<n>"."""
    conn.execute("INSERT INTO articles (id, doc, title, text, published, first_ingested, last_ingested) "
                 "VALUES (?, ?, ?, ?, ?, 'T', 'T')", (art.id, art.doc, art.title, art.text, art.published))
    for n, cl in enumerate(art.claims):
        cid = f"{art.id}-{n}"
        conn.execute("INSERT INTO claims (id, article_id, seq, type, count_low, evidence, evidence_start, evidence_end) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (cid, art.id, n, cl.type, cl.count.low if cl.count else None,
                                                         cl.evidence.text, cl.evidence.start, cl.evidence.end))
        for k, loc in enumerate(cl.locations):
            pid = conn.execute("INSERT INTO places (key, name, country, lat, lon) VALUES (?, ?, ?, ?, ?) "
                               "ON CONFLICT (key) DO UPDATE SET name = excluded.name RETURNING id",
                               (loc["name"], loc["name"], loc["country"], loc["lat"], loc["lon"])).fetchone()[0]
            conn.execute("INSERT INTO claim_places (claim_id, seq, place_id) VALUES (?, ?, ?)", (cid, k, pid))


def test_an_older_ledger_migrates_keeping_its_data(tmp_path):
    path = tmp_path / "old.db"
    with Ledger(path, migrations_=schema.migrations()[:3]) as old:
        with old.transaction() as c:
            _write_schema3(c, article_a())
            _write_schema3(c, article_b())
        assert old.user_version == 3
    with Ledger(path) as led:
        assert led.user_version == schema.schema_version()
        b = article_b()
        assert led.resolve_claim(f"{b.id}-1") == claim_id_of(b, 1)
        assert [p["name"] for p in led.claim(claim_id_of(b, 1))["locations"]] == ["Raqqa", "Tal Afar"]
        assert led.claim(claim_id_of(b, 1))["count_low"] == 2500
        assert led.search("camps")["claims"] and led.count_claims() == 4
        assert led.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        # and the next ingest of the same articles finds the same claims: nothing lost, nothing doubled
        led.ingest([article_a(), article_b()])
        assert led.count_claims() == 4


def test_sqlite_utils_detects_the_full_text_indexes(led):
    sqlite_utils = pytest.importorskip("sqlite_utils")
    db = sqlite_utils.Database(led.path)
    assert db["articles"].detect_fts() == "articles_fts"
    assert db["claims"].detect_fts() == "claims_fts"
    assert list(db["articles"].search("camps"))


@pytest.mark.parametrize("actor, expected", [
    ("ISIS", 4), ("Daesh", 4), ("IS", 4), ("Q2429253", 4), ("shabaab", 1), ("al-Shab", 1),
])
def test_actor_aliases(led, actor, expected):
    assert led.count_claims(actor=actor) == expected


def test_is_does_not_match_inside_other_names(tmp_path):
    c = article_c()
    c.claims[0].actor = {"name": "Hizbul Islam", "id": None}
    with Ledger(tmp_path / "t.db") as led:
        led.ingest([article_a(), c])
        assert {r["actor"] for r in led.claims(actor="IS")} == {"Islamic State"}


@pytest.mark.parametrize("spelling, code", [("UK", "GB"), ("Britain", "GB"), ("USA", "US"), ("the U.S.", "US"),
                                            ("syria", "SY"), ("SYR", "SY"), ("Ivory Coast", "CI")])
def test_country_spellings(spelling, code):
    from muster.store import parse_country

    assert parse_country(spelling) == code


@pytest.mark.parametrize("bad", ["XX", "ZZZ", "Atlantis"])
def test_unknown_country_codes_are_refused(bad):
    from muster.store import parse_country

    with pytest.raises(ValueError, match="unknown country"):
        parse_country(bad)


def test_undated_claims_are_counted_not_silently_dropped(tmp_path):
    c = article_c()
    c.published = None
    with Ledger(tmp_path / "t.db") as led:
        led.ingest([article_a(), c])
        assert led.count_claims(since="2010") == 2
        assert led.count_undated(since="2010") == 1
        assert led.count_claims(since="2010", undated=True) == 3
