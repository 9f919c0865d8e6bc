"""Facts across articles: copies, grouping, agreement and contradiction, series, the CLI, the gold floors."""
from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from muster import facts
from muster.ledger import Ledger

from conftest import ROOT, run_muster, shared_path

IS = {"name": "Islamic State", "id": "Q2429253"}
RAQQA = {"name": "Raqqa", "country": "SY", "lat": 35.95, "lon": 39.01, "geonames_id": 163915, "precision": "city"}
MOSUL = {"name": "Mosul", "country": "IQ", "lat": 36.34, "lon": 43.13, "geonames_id": 99072, "precision": "city"}
SYRIA = {"name": "Syria", "country": "SY", "lat": 35.0, "lon": 38.0, "geonames_id": 163843, "precision": "country"}


def claim(evidence: str, low=None, high=None, approx=False, place=RAQQA, speaker=None, trend=None, negated=False,
          typ="strength", unit="fighters") -> dict:
    count = {"low": low, "high": high, "approx": approx, "unit": unit, "text": evidence} \
        if low is not None or high is not None else None
    return {"type": typ, "evidence": {"text": evidence, "start": 0, "end": len(evidence)}, "actor": IS,
            "children": None, "forced": None, "count": count, "rate": None,
            "locations": [place] if place else [], "time": None, "trend": trend, "hedged": False,
            "negated": negated, "speaker": {"name": None, "role": None, "org": speaker, "anonymous": False,
                                            "quote": "indirect", "text": speaker} if speaker else None}


def article(doc: str, outlet: str, published: str, *claims: dict, filler: str = "") -> dict:
    text = " ".join(c["evidence"]["text"] for c in claims) + f" ({doc}: {filler or doc * 3})"
    return {"doc": doc, "article": {"title": doc, "outlet": outlet, "published": published, "text": text},
            "claims": list(claims)}


@pytest.fixture
def ledger(tmp_path):
    led = Ledger(tmp_path / "f.db")
    yield led
    led.close()


def ids_by_evidence(led: Ledger) -> dict[str, str]:
    return {r[1]: r[0] for r in led.conn.execute("SELECT id, evidence FROM claims")}


def test_the_same_sentence_in_two_outlets_is_one_source(ledger):
    s = "At least 2,500 Isis fighters remain in Raqqa, the coalition said."
    ledger.add_article(article("a1", "The Guardian", "2017-10-01", claim(s, 2500, None, speaker="the coalition")))
    ledger.add_article(article("a2", "Reuters", "2017-10-02", claim(s, 2500, None, speaker="the coalition")))
    claims, copies, found = facts.compute(ledger.conn)
    ids = ids_by_evidence(ledger)
    assert len(copies) == 1
    (copy, orig), = copies.items()
    assert orig == [c.id for c in claims if c.doc == "a1"][0]  # the earliest is the original
    assert len(found) == 1 and len(found[0].sources()) == 1 and ids


def test_the_same_speakers_figure_in_other_words_is_a_copy(ledger):
    ledger.add_article(article("a1", "The Guardian", "2017-11-01",
                               claim("The Pentagon says 14,500 militants were killed.", 14500, 14500, speaker="Pentagon")))
    ledger.add_article(article("a2", "The Guardian", "2017-11-02",
                               claim("According to the Pentagon, Isis lost some 14,500 fighters in all.", 14500, 14500,
                                     speaker="Pentagon")))
    _, copies, _ = facts.compute(ledger.conn)
    assert len(copies) == 1


def test_a_wire_storys_figure_in_other_words_is_a_copy_an_outlets_own_retelling_is_not(ledger):
    wire = "More than 60 foreign mercenaries from Tunisia and Egypt were killed in an air strike south of Raqqa."
    ledger.add_article(article("a1", "ahram", "2017-10-07", claim(wire, 60, None)))
    ledger.add_article(article("a2", "jordantimes", "2017-10-08", claim(
        "In another air strike more than 60 foreign mercenaries from Tunisia and Egypt were killed near Raqqa.", 60, None)))
    ledger.add_article(article("a3", "The Guardian", "2017-10-09", claim(
        "The 60 mercenaries killed in Raqqa were mostly Tunisians, the paper has learned.", 60, 60)))
    ledger.add_article(article("a4", "The Guardian", "2017-10-10", claim(
        "Dozens of Tunisian volunteers, 60 in all, died when the strike hit their base in Raqqa.", 60, 60)))
    claims = facts.load_claims(ledger.conn)
    by_doc = {c.doc: c for c in claims}
    assert facts.relate(by_doc["a1"], by_doc["a2"]) == "copy"           # the wire story's figure told again
    assert facts.relate(by_doc["a3"], by_doc["a4"]) == "corroborates"   # the Guardian reporting again in new words
    assert facts.find_copies(claims)[by_doc["a2"].id] == by_doc["a1"].id  # the earliest is the original


def test_two_figures_are_two_statements_and_a_sentence_without_one_must_be_nearly_the_same(ledger):
    cfg = facts.config()
    ledger.add_article(article("a1", "X", "2017-10-10", claim("Up to 500 Isis fighters are holed up in Raqqa.", None, 500)))
    ledger.add_article(article("a2", "Y", "2017-10-10", claim("Up to 450 Isis fighters are holed up in Raqqa.", None, 450)))
    ledger.add_article(article("a3", "Y", "2017-10-11", claim("Over 500 Isis fighters are in Raqqa, the ministry said.",
                                                              500, None, speaker="ministry")))
    ledger.add_article(article("a4", "X", "2017-10-11", claim("Isis recruits boys in Raqqa, the ministry said.",
                                                              typ="recruitment", speaker="ministry")))
    ledger.add_article(article("a5", "Z", "2017-10-12", claim("The ministry said Isis fighters train foreign women.",
                                                              typ="recruitment", speaker="ministry")))
    by_doc = {c.doc: c for c in facts.load_claims(ledger.conn)}
    assert facts.copy_by_rule(by_doc["a1"], by_doc["a2"], cfg) is False      # 500 and 450: not one figure
    assert facts.copy_by_rule(by_doc["a1"], by_doc["a3"], cfg) is None       # "up to 500" and "over 500": 500
    assert facts.copy_by_rule(by_doc["a4"], by_doc["a5"], cfg) is False      # one speaker, two statements


def test_speakers_named_in_part_are_one_speaker():
    assert facts.same_speaker("robinson", "joe robinson")
    assert facts.same_speaker("observatory", "britain-based syrian observatory for human rights")
    assert facts.same_speaker("russia’s defence ministry", "russia's defence ministry")
    assert not facts.same_speaker("pentagon", "kurdish authorities")
    assert not facts.same_speaker("hunt", "joe robinson") and not facts.same_speaker(None, "hunt")
    assert not facts.same_speaker("robinson", "joe robinson", facts.config({"speaker_partial_names": False}))


def test_the_copy_model_weighs_every_feature_the_code_computes():
    model = facts.default_config()["copy_model"]
    ledger_free = facts.Claim("x", "a", "strength", None, None, None, 1.0, 1.0, False, None, None, None, 0, 0,
                              None, None, None, False, False, None, None, "one", None, None, None, "a")
    assert set(model["weights"]) == set(facts.copy_features(ledger_free, ledger_free, facts.config()))
    assert 0 < model["threshold"] < 1 and model["trained_on"]["copies"] >= 20


def test_ranges_that_do_not_meet_contradict_within_one_article(ledger):
    ledger.add_article(article("a1", "The Guardian", "2017-10-10",
                               claim("Up to 500 Isis fighters are holed up in Raqqa.", None, 500),
                               claim("Between 300 and 400 fighters remain in the city of Raqqa, officials said.", 300, 400,
                                     speaker="officials")))
    _, _, found = facts.compute(ledger.conn)
    assert len(found) == 1 and found[0].contradictions and found[0].contradictions[0][2] == "count"


def test_a_part_of_a_breakdown_is_not_set_against_another_figure(ledger):
    ledger.add_article(article("a1", "X", "2017-10-07", claim(
        "Russian forces killed 120 Isis fighters and 60 foreign mercenaries in Raqqa.", 120, 120)))
    ledger.add_article(article("a2", "Y", "2017-10-08", claim(
        "Up to 80 fighters were killed at a command post in Raqqa, the ministry said.", None, 80, speaker="ministry")))
    _, _, found = facts.compute(ledger.conn, singletons=False)
    assert not found  # 120 of a breakdown against 80: two sets, not two estimates of one
    assert facts.is_breakdown(facts.load_claims(ledger.conn)[0])
    assert not any(facts.is_breakdown(c) for c in facts.load_claims(ledger.conn, where="v.doc = 'a2'"))


def test_unchanged_claims_are_not_stored_again(ledger):
    s = "At least 2,500 Isis fighters remain in Raqqa."
    ledger.add_article(article("a1", "X", "2017-10-01", claim(s, 2500, None)))
    ledger.add_article(article("a2", "Y", "2017-10-02", claim(s, 2500, None)))
    facts.refresh(ledger)
    ledger.conn.execute("UPDATE facts SET n_claims = 99")  # a mark the next store would overwrite
    facts.refresh(ledger)  # the same rows read again: the same digest, so no store
    assert ledger.conn.execute("SELECT n_claims FROM facts").fetchone()[0] == 99
    ledger.add_article(article("a3", "Z", "2017-10-03", claim(s, 2500, None)))
    facts.refresh(ledger)
    assert ledger.conn.execute("SELECT n_claims FROM facts").fetchone()[0] == 3


def test_independent_claims_leave_out_a_statement_repeated_by_another_outlet(ledger, tmp_path):
    """The issue's case: "At least 2,500 Isis fighters remain ..." in two articles that are not near-duplicates
    was listed twice by `muster claims --independent`."""
    s = "At least 2,500 Isis fighters remain in Raqqa, the coalition said."
    ledger.add_article(article("a1", "The Guardian", "2017-10-01", claim(s, 2500, None, speaker="the coalition"),
                               filler="a long report from Raqqa"))
    ledger.add_article(article("a2", "Reuters", "2017-10-02", claim(s, 2500, None, speaker="the coalition"),
                               filler="a wire story on the offensive"))
    ledger.close()
    db = str(tmp_path / "f.db")
    p = run_muster("claims", "--db", db, "--independent", "-f", "jsonl")
    assert p.returncode == 0, p.stderr
    assert [json.loads(line)["article"]["doc"] for line in p.stdout.splitlines()] == ["a1"]  # the earliest, once
    with Ledger(db) as led:
        assert len(led.claims()) == 2 and [r["doc"] for r in led.claims(independent=True)] == ["a1"]
        assert [r[0] for r in led.conn.execute("SELECT doc FROM independent_claims")] == ["a1"]
        first = led.claims(independent=True)[0]["id"]
    # and each claim in the lists says which it repeats
    p = run_muster("claims", "--db", db, "-f", "jsonl")
    assert sorted((json.loads(line)["article"]["doc"], json.loads(line)["copy_of"]) for line in p.stdout.splitlines()) \
        == [("a1", None), ("a2", first)]
    p = run_muster("claims", "--db", db, "-f", "csv")
    assert sorted((r["doc"], r["copy_of"]) for r in csv.DictReader(io.StringIO(p.stdout))) == [("a1", ""), ("a2", first)]


def test_reviews_win_a_rejected_claim_leaves_its_fact_and_a_corrected_count_is_compared(ledger):
    ledger.add_article(article("a1", "The Guardian", "2017-10-10",
                               claim("Up to 500 Isis fighters are holed up in Raqqa.", None, 500),
                               claim("Between 300 and 400 fighters remain in the city of Raqqa, officials said.", 300, 400,
                                     speaker="officials")))
    ids = ids_by_evidence(ledger)
    up_to, between = ids["Up to 500 Isis fighters are holed up in Raqqa."], \
        ids["Between 300 and 400 fighters remain in the city of Raqqa, officials said."]
    _, _, found = facts.compute(ledger.conn)
    assert len(found) == 1 and found[0].contradictions  # "up to 500" is about 500: 300-400 is short of it
    ledger.review(between, sets={"count.low": 450, "count.high": 500}, reviewer="analyst")
    claims, _, found = facts.compute(ledger.conn)
    assert [(c.low, c.high) for c in claims if c.id == between] == [(450, 500)]
    assert len(found) == 1 and not found[0].contradictions  # the corrected 450-500 meets "up to 500"
    ledger.review(up_to, action="reject", reviewer="analyst")
    claims, _, found = facts.compute(ledger.conn)
    assert up_to not in {c.id for c in claims} and all(up_to not in f.position for f in found)


def test_reviews_win_a_corrected_place_is_the_one_compared(ledger):
    ledger.add_article(article("a1", "The Guardian", "2017-10-10", claim("About 2,500 Isis fighters are in Raqqa.", 2500, 2500,
                                                                         approx=True)))
    ledger.add_article(article("a2", "Reuters", "2017-10-11", claim("Some 2,400 militants hold the city, the SDF said.", 2400,
                                                                    2400, approx=True, speaker="SDF")))
    facts.refresh(ledger)
    assert ledger.conn.execute("SELECT count(*) FROM facts").fetchone()[0] == 1
    moved = ids_by_evidence(ledger)["Some 2,400 militants hold the city, the SDF said."]
    ledger.review(moved, sets={"places": "Mosul (IQ)"}, reviewer="analyst")  # the city was Mosul, not Raqqa
    claims, _, found = facts.compute(ledger.conn, singletons=True)
    assert [p["name"] for c in claims if c.id == moved for p in c.places] == ["Mosul"]
    assert len(found) == 2 and all(len(f.claims) == 1 for f in found)
    facts.refresh(ledger)  # the correction changes what the facts rest on: the stored facts follow it
    assert ledger.conn.execute("SELECT count(*) FROM facts").fetchone()[0] == 0
    ledger.review(moved, sets={"places": "Tell Nowhere (SY)"}, reviewer="analyst")  # a place the ledger lacks
    claims, _, found = facts.compute(ledger.conn, singletons=True)
    assert [(p["name"], p["country"]) for c in claims if c.id == moved for p in c.places] == [("Tell Nowhere", "SY")]
    assert len(found) == 2  # a town of its own, not Raqqa


def test_one_claims_relations_read_from_the_ledger_are_those_over_all_its_claims(ledger):
    nusra = claim("Some 2,400 militants hold Raqqa, the SDF said.", 2400, 2400, approx=True, speaker="SDF")
    nusra["actor"] = {"name": "al-Nusra Front", "id": None}  # the machine's group: an analyst corrects it below
    ledger.add_article(article("a1", "The Guardian", "2017-10-10", claim("About 2,500 Isis fighters are in Raqqa.", 2500, 2500,
                                                                         approx=True)))
    ledger.add_article(article("a2", "Reuters", "2017-10-11", nusra))
    ledger.add_article(article("a3", "BBC", "2017-10-12", claim("As many as 4,000 Isis fighters are in Raqqa.", None, 4000)))
    ledger.add_article(article("a4", "AFP", "2019-06-01", claim("About 2,500 Isis fighters are in Raqqa.", 2500, 2500,
                                                                approx=True)))  # a copy, years later
    ids = ids_by_evidence(ledger)
    about = [r[0] for r in ledger.conn.execute("SELECT c.id FROM claims c JOIN articles a ON a.id = c.article_id "
                                               "WHERE a.doc = 'a1'")][0]
    ledger.review(ids["Some 2,400 militants hold Raqqa, the SDF said."], sets={"actor": "Islamic State"}, reviewer="analyst")

    def everything(cid: str) -> dict:
        claims = facts.load_claims(ledger.conn)
        return facts.related(cid, claims, facts.find_copies(claims))

    for cid in ids.values():
        assert facts.related_in_ledger(ledger.conn, cid)[0] == everything(cid)
    rel, by_id = facts.related_in_ledger(ledger.conn, about)
    assert rel["corroborates"] == [ids["Some 2,400 militants hold Raqqa, the SDF said."]]  # the corrected group's
    assert rel["contradicts"] == [ids["As many as 4,000 Isis fighters are in Raqqa."]]
    assert len(rel["copies"]) == 1 and by_id[rel["copies"][0]].doc == "a4"


def test_agreeing_sources_are_counted_once_each_and_the_earliest_kept(ledger):
    ledger.add_article(article("a1", "The Guardian", "2017-10-05", claim("About 2,500 fighters are in Raqqa.", 2500, 2500, approx=True)))
    ledger.add_article(article("a2", "Reuters", "2017-10-03", claim("Some 2,000 to 3,000 militants hold Raqqa, the SDF said.", 2000, 3000, speaker="SDF")))
    ledger.add_article(article("a3", "BBC", "2017-10-20", claim("The SDF said 4,000 Isis fighters remained in Raqqa.", 4000, 4000, speaker="SDF")))
    _, _, found = facts.compute(ledger.conn)
    assert len(found) == 1
    f = found[0]
    pos = f.positions()
    assert [p["sources"] for p in pos] == [2, 1]           # Reuters/SDF + Guardian agree; SDF 4,000 alone
    assert f.earliest.doc == "a2" and f.contradictions


def test_places_years_and_groups_apart_are_different_facts(ledger):
    ledger.add_article(article("a1", "X", "2017-10-05", claim("2,500 fighters in Raqqa.", 2500, 2500)))
    ledger.add_article(article("a2", "Y", "2017-10-05", claim("5,000 fighters in Mosul.", 5000, 5000, place=MOSUL)))
    ledger.add_article(article("a3", "Z", "2014-06-01", claim("500 fighters in Raqqa.", 500, 500)))
    _, _, found = facts.compute(ledger.conn)
    assert len(found) == 3 and not any(f.contradictions for f in found)


def test_agreement_spans_two_months_a_contradiction_two_weeks(ledger):
    ledger.add_article(article("a1", "X", "2018-01-01", claim("About 2,000 Isis fighters remain in Raqqa.", 2000, 2000,
                                                              approx=True)))
    ledger.add_article(article("a2", "Y", "2018-02-10", claim("Some 2,100 fighters hold Raqqa, the SDF said.", 2100, 2100,
                                                              approx=True, speaker="SDF")))
    ledger.add_article(article("a3", "Z", "2018-03-12", claim("3,500 Isis fighters are in Raqqa.", 3500, 3500)))
    claims, _, found = facts.compute(ledger.conn, singletons=False)
    by_doc = {c.doc: c for c in claims}
    assert facts.relate(by_doc["a1"], by_doc["a2"]) == "corroborates"  # 40 days apart, agreeing: one fact
    # 30 days apart, disagreeing: two figures a month apart may both be right (forces change)
    assert facts.relate(by_doc["a2"], by_doc["a3"]) == "unrelated"
    assert len(found) == 1 and {c.doc for c in found[0].claims} == {"a1", "a2"} and not found[0].contradictions
    ledger.add_article(article("a4", "W", "2018-02-20", claim("4,000 Isis fighters are in Raqqa.", 4000, 4000)))
    _, _, found = facts.compute(ledger.conn, singletons=False)
    assert any(f.contradictions for f in found)  # ten days after "some 2,100": a contradiction


def test_candidate_pairs_hold_every_comparable_pair(ledger):
    """The sweep that finds pairs to judge (by group, country and town) misses none that comparable()
    accepts, whatever the places: towns, a province, a country, none, several."""
    tabqa = {**RAQQA, "name": "Tabqa", "lat": 35.83, "lon": 38.55, "geonames_id": 163345}
    province = {**RAQQA, "name": "Raqqa Governorate", "geonames_id": 172955, "precision": "admin1"}
    places = [RAQQA, tabqa, province, SYRIA, MOSUL, None]
    for i in range(36):
        place = places[i % len(places)]
        c = claim(f"Claim {i}: {100 + 37 * i} fighters.", 100 + 37 * i, None, place=place)
        if i % 7 == 0:
            c["locations"] = [RAQQA, MOSUL]
        ledger.add_article(article(f"a{i}", "X", f"2017-{1 + i % 4:02d}-{1 + (5 * i) % 28:02d}", c))
    claims = facts.load_claims(ledger.conn)
    province_code = 99
    for c in claims:  # the province and its towns share a province code, as the gazetteer gives
        for p in c.places:
            if p["name"] in ("Raqqa", "Tabqa", "Raqqa Governorate"):
                p["admin1"] = province_code
    for over in ({}, {"towns_of_same_province_comparable": True}):
        cfg = facts.config(over)
        found = {frozenset((a.id, b.id)) for a, b in facts._candidate_pairs(claims, cfg)}
        wanted = {frozenset((a.id, b.id)) for i, a in enumerate(claims) for b in claims[i + 1:]
                  if facts.comparable(a, b, cfg)}
        assert wanted and wanted <= found, (over, len(wanted - found))


def test_a_country_claim_is_comparable_with_a_town_inside_it(ledger):
    ledger.add_article(article("a1", "X", "2017-10-05", claim("Isis ranks are shrinking in Raqqa.", trend="down")))
    ledger.add_article(article("a2", "Y", "2017-10-09", claim("Isis ranks in Syria are swelling.", place=SYRIA, trend="up")))
    _, _, found = facts.compute(ledger.conn)
    assert len(found) == 1 and found[0].contradictions[0][2] == "trend"


def test_a_negated_claim_contradicts_an_asserted_one(ledger):
    ledger.add_article(article("a1", "X", "2017-10-05", claim("Isis recruits children in Raqqa.", typ="recruitment")))
    ledger.add_article(article("a2", "Y", "2017-10-09", claim("Isis has not recruited any children in Raqqa, locals say.",
                                                              typ="recruitment", negated=True, speaker="locals")))
    _, _, found = facts.compute(ledger.conn)
    assert found[0].contradictions[0][2] == "negated"


def test_fact_tables_are_stored_and_replaced_not_grown(ledger):
    s = "At least 2,500 Isis fighters remain in Raqqa."
    ledger.add_article(article("a1", "X", "2017-10-01", claim(s, 2500, None)))
    ledger.add_article(article("a2", "Y", "2017-10-02", claim(s, 2500, None)))
    facts.refresh(ledger)
    facts.refresh(ledger)
    q = lambda sql: ledger.conn.execute(sql).fetchone()[0]  # noqa: E731
    assert q("SELECT count(*) FROM facts") == 1
    assert q("SELECT count(*) FROM fact_claims") == 2
    assert q("SELECT count(*) FROM claim_copies") == 1
    assert q("SELECT count(*) FROM fact_claims_view WHERE copy_of IS NOT NULL") == 1
    assert q("SELECT count(*) FROM facts_state") == 1
    # a deleted article's claims leave the view at once, and the tables at the next refresh
    ledger.conn.execute("DELETE FROM articles WHERE doc = 'a2'")
    assert q("SELECT count(*) FROM fact_claims_view") == 1
    facts.refresh(ledger)
    assert q("SELECT count(*) FROM fact_claims") == 0 and q("SELECT count(*) FROM claim_copies") == 0


def test_an_unchanged_ledgers_facts_are_read_back_as_they_were_computed(ledger, monkeypatch):
    ledger.add_article(article("a1", "The Guardian", "2017-10-05", claim("About 2,500 fighters are in Raqqa.", 2500, 2500, approx=True)))
    ledger.add_article(article("a2", "Reuters", "2017-10-03", claim("Some 2,000 to 3,000 militants hold Raqqa, the SDF said.", 2000, 3000, speaker="SDF")))
    ledger.add_article(article("a3", "BBC", "2017-10-08", claim("The SDF said 4,000 Isis fighters remained in Raqqa.", 4000, 4000, speaker="SDF")))
    ledger.add_article(article("a4", "AFP", "2017-10-09", claim("The SDF said 4,000 Isis fighters remained in Raqqa.", 4000, 4000, speaker="SDF")))
    computed = facts.refresh(ledger)
    monkeypatch.setattr(facts, "find_copies", lambda *a, **k: pytest.fail("computed again"))
    again = facts.refresh(ledger)
    assert [f.summary() for f in facts.select(again[2])] == [f.summary() for f in facts.select(computed[2])]
    assert again[1] == computed[1] and computed[2][0].contradictions  # the contradictions, with why, kept
    ledger.review(ids_by_evidence(ledger)["About 2,500 fighters are in Raqqa."], action="reject")
    with pytest.raises(pytest.fail.Exception, match="computed again"):
        facts.refresh(ledger)  # a review changes what the facts rest on: they are computed again


def test_fact_tables_follow_a_new_version_of_the_facts_code(ledger, monkeypatch):
    """Facts stored by another version of the code are stored again, though the claims are the same."""
    s = "At least 2,500 Isis fighters remain in Raqqa."
    ledger.add_article(article("a1", "X", "2017-10-01", claim(s, 2500, None)))
    ledger.add_article(article("a2", "Y", "2017-10-02", claim(s, 2500, None)))
    facts.refresh(ledger)
    mark = lambda: ledger.conn.execute("SELECT value FROM facts_state WHERE key = 'fingerprint'").fetchone()[0]  # noqa: E731
    before = mark()
    facts.refresh(ledger)
    assert mark() == before  # nothing changed: nothing stored again
    monkeypatch.setattr(facts, "code_digest", lambda: "a later version of facts.py")
    facts.refresh(ledger)
    assert mark() != before


def test_series_lists_figures_by_date_without_copies(ledger):
    s = "At least 2,500 Isis fighters remain in Raqqa."
    ledger.add_article(article("a1", "X", "2017-10-01", claim(s, 2500, None)))
    ledger.add_article(article("a2", "Y", "2017-10-02", claim(s, 2500, None)))
    ledger.add_article(article("a3", "Z", "2017-06-01", claim("4,000 fighters in Raqqa.", 4000, 4000)))
    claims = facts.load_claims(ledger.conn)
    rows = facts.series(claims, facts.find_copies(claims), actor="islamic", place="raqqa")
    assert [(r["date"], r["low"], r["high"]) for r in rows] == [("2017-06-01", 4000, 4000), ("2017-10-01", 2500, 2500)]


def test_cli_facts_series_and_claim(ledger, tmp_path):
    ledger.add_article(article("a1", "The Guardian", "2017-10-10",
                               claim("Up to 500 Isis fighters are holed up in Raqqa.", None, 500),
                               claim("Between 300 and 400 fighters remain in the city of Raqqa.", 300, 400)))
    ledger.add_article(article("a2", "Reuters", "2017-10-11", claim("About 450 militants are in Raqqa.", 450, 450, approx=True)))
    db = str(ledger.path)
    ledger.close()
    p = run_muster("facts", "--db", db, "-f", "jsonl")
    assert p.returncode == 0, p.stderr
    rows = [json.loads(x) for x in p.stdout.splitlines()]
    assert len(rows) == 1 and rows[0]["contradicted"] and rows[0]["claims"] == 3
    p = run_muster("facts", "--db", db, "-f", "csv", "--contradicted")
    assert list(csv.DictReader(io.StringIO(p.stdout)))[0]["contradicted"] == "True"
    p = run_muster("facts", "--db", db)
    assert p.returncode == 0 and "1 facts shown" in p.stderr and "Raqqa" in p.stdout
    p = run_muster("series", "--db", db, "--actor", "Q2429253", "--place", "Raqqa", "-f", "csv")
    assert p.returncode == 0 and len(list(csv.DictReader(io.StringIO(p.stdout)))) == 3
    cid = rows[0]["claim_ids"][0]
    p = run_muster("claim", cid, "--db", db, "--json")
    rel = json.loads(p.stdout)
    assert len(rel["contradicts"]) + len(rel["corroborates"]) == 2
    import sqlite3

    with sqlite3.connect(db) as con:   # "Up to 500": a one-sided count
        up_to = con.execute("SELECT id FROM claims WHERE evidence LIKE 'Up to 500%'").fetchone()[0]
    p = run_muster("claim", up_to, "--db", db)
    assert p.returncode == 0 and "up to 500" in p.stdout and "contradicted by: 1" in p.stdout, p.stdout + p.stderr
    p = run_muster("claim", "nope-1", "--db", db)
    assert p.returncode == 1 and "no claim 'nope-1'" in p.stderr


def test_gold_floors_on_the_check_half():
    """Pairwise precision and recall of each label on the half no threshold was tuned on."""
    shared_path("data", "corpus", "news.jsonl")
    import importlib.util

    spec = importlib.util.spec_from_file_location("eval_facts", ROOT / "scripts" / "eval_facts.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    res = mod.evaluate()
    check = res["check"]
    # a gold claim the extractor stops making takes its pairs out of the figures: each such claim must
    # have been judged by hand (training/facts_gold/claims_not_extracted.json), so a change that drops
    # claims the gold names fails here until someone has read what it dropped
    assert check["pairs"] >= 150 and check["pairs"] - check["unmatched"] >= 150
    lost = {(r["doc"], r["type"], r["start"], r["end"]) for r in res["not_extracted"]}
    unjudged = lost - mod.judged_not_extracted()
    assert not unjudged, (f"{len(unjudged)} gold claims are no longer extracted and not judged: "
                          f"python scripts/eval_facts.py --unmatched lists them ({sorted(unjudged)[:3]})")
    for lab in mod.LABELS:
        assert check[lab]["gold"] >= (4 if lab == "contradicts" else 10), lab
        assert check[lab]["precision"] >= FLOORS[lab][0], (lab, check[lab])
        assert check[lab]["recall"] >= FLOORS[lab][1], (lab, check[lab])


def test_bootstrap_resamples_articles_and_brackets_the_figure():
    """eval_facts.py --bootstrap: a half's pairs resampled by article, seeded; the intervals hold the figure."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("eval_facts", ROOT / "scripts" / "eval_facts.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    pair = lambda doc, label: {"a": {"doc": doc}, "b": {"doc": "z" + doc}, "half": "check", "label": label}
    pred = [(pair("a", "contradicts"), "contradicts"), (pair("b", "contradicts"), "unrelated"),
            (pair("c", "contradicts"), "contradicts"), (pair("d", "unrelated"), "unrelated"),
            (pair("e", "unrelated"), "contradicts"), (pair("x", "copy"), "copy")]
    pred = [(p | {"half": "tune"} if p["a"]["doc"] == "x" else p, r) for p, r in pred]
    first = mod.bootstrap(pred, "check", 300)
    assert first == mod.bootstrap(pred, "check", 300)
    assert "copy P" not in first  # the other half's pairs are not drawn
    lo, hi = first["contradicts R"]
    assert lo < 2 / 3 < hi
    lo, hi = first["contradicts P"]
    assert lo < 2 / 3 < hi


# floors a little under the measured check-half figures (README, "Facts across articles": copy 1.00 /
# 0.86, corroborates 0.89 / 0.77, contradicts 0.75 / 0.43, unrelated 0.94 / 0.98 on the 293 check pairs
# whose claims are extracted, with agreement compared over two months since session 9, claims set
# where their group fights since session 12, and one person's story no answer to a denial since session 13);
# the target is 0.85 for every label, which corroborates recall and contradicts do not reach yet
FLOORS = {"copy": (0.95, 0.84), "corroborates": (0.86, 0.76), "contradicts": (0.70, 0.40), "unrelated": (0.93, 0.96)}


def test_a_fact_is_placed_where_most_of_its_claims_are(ledger):
    """Among its claims' widest places, the one most of them give: three claims in Syria and one that
    names Iran first (and Syria) are a fact about Syria, not about the first country in the alphabet."""
    iran = {"name": "Iran", "country": "IR", "lat": 32.0, "lon": 53.0, "geonames_id": 130758, "precision": "country"}
    s = "About 2,000 Isis fighters remain in Syria."
    for i, day in enumerate(("2018-12-01", "2018-12-02", "2018-12-03")):
        ledger.add_article(article(f"s{i}", f"Outlet {i}", day, claim(s.replace("remain", "still remain" * (i + 1)), 2000, 2000, place=SYRIA)))
    iranian = claim("Iran says about 2,000 Isis fighters remain in Syria.", 2000, 2000, place=iran)
    iranian["locations"].append(SYRIA)
    ledger.add_article(article("s9", "Outlet 9", "2018-12-04", iranian))
    _, _, found = facts.compute(ledger.conn, singletons=False)
    (fact,) = found
    assert len(fact.claims) == 4 and (fact.place, fact.country) == ("Syria", "SY")


def test_one_persons_story_neither_answers_nor_repeats_a_denial_about_the_group(ledger):
    """"There is no sign of surrender" speaks of the group's fighters: "fighters and their families surrendering"
    contradicts it; "her husband surrendered", one person's story, is another set (training/facts_gold/
    contradictions_judged.md: the false contradictions of the corpus)."""
    deny = claim("There is no sign of surrender in Raqqa, the commander said.", typ="defection", negated=True,
                 speaker="the commander")
    one = claim("She said her husband surrendered in Raqqa last week.", typ="defection")
    many = claim("Reports from Raqqa spoke of Isis fighters and their families surrendering.", typ="defection")
    ledger.add_article(article("a1", "X", "2017-10-05", deny))
    ledger.add_article(article("a2", "Y", "2017-10-06", one))
    ledger.add_article(article("a3", "Z", "2017-10-07", many))
    claims, _, _ = facts.compute(ledger.conn)
    by = {c.doc: c for c in claims}
    assert facts.relate(by["a1"], by["a2"]) == "unrelated"
    assert facts.relate(by["a1"], by["a3"]) == "contradicts"
