"""The learned claim finder: shipped, deterministic, adds what the rules miss, and holds its
quality on the check half of the dev gold (articles it was never trained or tuned on)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from muster import claim_finder
from muster.pipeline import process_text

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

# measured with `python scripts/eval_claims.py --half check` (claim F1 0.857, ECE 0.037 over 43
# claims); pinned a little below, so that a change that lowers them fails
CHECK_F1_FLOOR = 0.82
CHECK_RECALL_FLOOR = 0.83
CHECK_ECE_CEILING = 0.10
# fields on the check half (measured 2026-12-08, session 14: count 1.00, speaker 0.80, locations 0.83, actor 0.50,
# hedged 1.00 of 2; session 12: count 0.86, speaker 0.70, locations 0.75, actor 0.50)
CHECK_FIELD_FLOORS = {"count": 0.90, "speaker": 0.75, "locations": 0.80, "actor": 0.45}
# strict F1 on the check half: 0.417 on 2026-12-08 (session 14; 0.208 in session 13)
CHECK_STRICT_FLOOR = 0.38


def test_the_model_ships_with_its_calibration_and_threshold():
    m = claim_finder.model()
    assert m is not None and len(m.types) == 7 and 0.0 < m.threshold < 1.0
    assert len(m.calibration) == 7 and len(m.confidence_weights) == 4
    assert len(m.weights) > 1000


def test_features_are_the_same_for_the_same_sentence():
    a = claim_finder.features("About 2,500 fighters remain in Raqqa.", {"strength": []}, {}, True, True, "body")
    b = claim_finder.features("About 2,500 fighters remain in Raqqa.", {"strength": []}, {}, True, True, "body")
    assert a == b and {"w:0", "r:strength", "actor", "fighters_count", "b:fighters_remain"} <= a


def test_the_finder_records_a_claim_the_rules_miss():
    # foreign fighters held in custody are foreign-fighter claims (spec/claims.md); no trigger names them
    text = "Hundreds of foreign extremists are being held in Kurdish prisons in northern Syria."
    rules_only = process_text(text, published="2018-03-01")
    from muster.claims import extract_claims
    assert extract_claims(rules_only, use_finder=False) == []
    claims = process_text(text, published="2018-03-01").claims
    assert [c.type for c in claims] == ["foreign_fighters"]
    assert 0.5 < claims[0].confidence < 1.0


@pytest.mark.parametrize("text, types", [
    # one person's story: the model reads "British ... fighting Islamic State", but there are no foreign fighters
    ("A British film-maker has been killed while working alongside Kurdish forces fighting Islamic State in Syria, "
     "his friends and Kurdish activists have said.", []),
    ("A British man who went to Syria to fight Islamic State has been killed in Raqqa, Kurdish sources have confirmed.", []),
    # travelling is what one person does too
    ("The father of Shamima Begum, a British-born teenager who travelled to Syria to join Islamic State, has urged "
     "the government not to revoke her UK citizenship.", []),
    # a year or a day of the month is no number of people
    ("Holmes, who had no previous military experience, left his IT job in Bournemouth to join the YPG in Syria in "
     "January 2015.", []),
    ("He then crossed the border to join the peshmerga, fighting Isis in Iraq, before returning to the UK on 14 November.", []),
    # foreign people in the plural, or a number of them, still make the claim
    ("In the half-term break of February 2015, three pupils at Bethnal Green academy followed their friend in "
     "travelling to Syria to join Isis.", ["foreign_fighters"]),
    ("In their eyes, those who have travelled to Syria, and have any sympathy whatsoever for Isis and its despicable "
     "ideology, have forfeited their rights, the lawyer said.", ["foreign_fighters"]),
    ("Converts who leave Britain to fight for Isis were guilty of horrific acts, he said.", ["foreign_fighters"]),
    # (in a story on Isis: the finder's claims are claims of an article about armed groups or armies)
    ("Isis is losing ground. Many of the 6,000 who had travelled to Syria in 2014 may be returning home.",
     ["foreign_fighters"]),
])
def test_the_finders_foreign_fighters_are_people_in_the_plural(text, types):
    assert [c.type for c in process_text(text, published="2018-03-01").claims] == types


@pytest.mark.parametrize("text, types", [
    # background talk the model reads as finance and foreign fighters: no group named, nobody counted
    ("Syria was hit by a violent unrest since mid-March 2011 where the Syrian government accuses foreign actors of "
     "orchestrating the conflict by supporting the militant opposition groups with arms and money.", []),
    ("Syria was hit by a violent unrest since mid-March 2011 where the western media reports accuse countries mainly the "
     "USA Turkey and Saudi Arabia of orchestrating the civil conflict in the country and providing terrorist groups with "
     "money weapons and trained mercenaries.", []),
    # a quantity, even a vague one, keeps the claim about no named group
    ("Both the UK and France have small numbers of special forces in north-eastern Syria.", ["strength"]),
])
def test_the_finders_claims_about_no_group_need_a_quantity(text, types):
    assert [c.type for c in process_text(text, published="2018-03-01").claims] == types


def test_every_claim_has_a_confidence_between_0_and_1():
    art = process_text("Islamic State has recruited 500 fighters in Raqqa, a spokesman said.", published="2016-01-01")
    assert art.claims and all(0.0 < c.confidence <= 1.0 for c in art.claims)


@pytest.fixture(scope="module")
def eval_claims():
    """scripts/eval_claims.py, which scores gold sets of corpus articles (skipped without ../shared/data)."""
    if not (SHARED / "data" / "corpus" / "news.jsonl").exists():
        pytest.skip("../shared/data/corpus is absent: no gold set of its articles can be scored")
    sys.path.insert(0, str(ROOT / "scripts"))
    import eval_claims

    return eval_claims


@pytest.fixture(scope="module")
def check_half(eval_claims):
    return eval_claims.evaluate(eval_claims.half_gold("check"))


def test_check_half_claim_floor(check_half):
    claims = check_half["claims"]
    assert claims["f1"] >= CHECK_F1_FLOOR and claims["recall"] >= CHECK_RECALL_FLOOR, claims
    assert check_half["strict"]["f1"] >= CHECK_STRICT_FLOOR, check_half["strict"]


def test_check_half_field_floors(check_half):
    fields = check_half["fields"]
    low = {f: fields.get(f) for f, floor in CHECK_FIELD_FLOORS.items() if fields.get(f, 0.0) < floor}
    assert not low, (low, fields)


def test_bootstrap_intervals_bracket_the_figure_and_are_reproducible(eval_claims):
    """The intervals the README gives beside small-sample figures: resampling articles, seeded."""
    gold = {"documents": [
        {"doc": "a", "claims": [{"type": "strength", "evidence": "2,500 fighters remain", "actor": "Islamic State"}]},
        {"doc": "b", "claims": [{"type": "recruitment", "evidence": "recruited 300 boys", "actor": "Islamic State"}]},
        {"doc": "c", "claims": [{"type": "training", "evidence": "a camp for 600 children", "actor": "Islamic State"}]}]}
    right = lambda t, ev, actor: {"type": t, "evidence": {"text": ev}, "actor": {"name": actor}}
    preds = {"a": {"claims": [right("strength", "About 2,500 fighters remain in Raqqa.", "Islamic State")]},
             "b": {"claims": [right("recruitment", "It recruited 300 boys.", "Taliban")]},
             "c": {"claims": []}}
    first = eval_claims.bootstrap(gold, preds, 300)
    assert first == eval_claims.bootstrap(gold, preds, 300)
    point = eval_claims.ruler("score").score(gold, preds)
    lo, hi = first["claims F1"]
    assert lo <= point["claims"]["f1"] <= hi and lo < hi  # three articles: a wide interval
    assert first["actor"][0] == 0.0 and first["actor"][1] == 1.0


def test_a_second_annotation_is_scored_as_muster_is(eval_claims, tmp_path, monkeypatch):
    """scripts/eval_agreement.py: an annotation made predictions (evidence widened to its sentence) scores
    the gold against itself perfectly, and the second annotator's files cover every gold article."""
    import eval_agreement

    text = "Fighting went on. About 2,500 fighters remain in Raqqa, the coalition said. Others fled."
    at = text.index("2,500 fighters remain")
    assert eval_agreement.sentence_around(text, at, at + 10) == "About 2,500 fighters remain in Raqqa, the coalition said."
    gold = eval_agreement.gold_of(None)
    (tmp_path / "second_annotator_gold.json").write_text(json.dumps(gold), encoding="utf-8")
    monkeypatch.setattr(eval_agreement, "SECOND", tmp_path)
    docs = {d["doc"] for d in gold["documents"]}
    result = eval_claims.ruler("score").score(gold, eval_agreement.second_annotator(docs, True))
    assert result["claims"]["f1"] == 1.0 and result["strict"]["f1"] == 1.0
    monkeypatch.undo()
    assert set(eval_agreement.second_annotator(docs, True)) == docs


# the development set (training/annotations and the tune half: what the rules and the finder are tuned on):
# measured 2026-12-07 (session 9) claim F1 0.926, strict F1 0.529, actor 0.87, locations 0.78. Not a result
# (it is the data the rules were written from) but a floor: a change that breaks what was fixed fails here
DEV_F1_FLOOR = 0.90
DEV_STRICT_FLOOR = 0.50
DEV_FIELD_FLOORS = {"actor": 0.84, "count": 0.86, "speaker": 0.78, "locations": 0.74, "hedged": 0.85}


def test_dev_set_floors(eval_claims):
    annotated = eval_claims.pooled(sorted((ROOT / "training" / "annotations").glob("batch_*.json")))
    gold = annotated | {"documents": annotated["documents"] + eval_claims.half_gold("tune")["documents"]}
    result = eval_claims.evaluate(gold)
    assert result["claims"]["f1"] >= DEV_F1_FLOOR and result["strict"]["f1"] >= DEV_STRICT_FLOOR, (result["claims"], result["strict"])
    low = {f: result["fields"].get(f) for f, floor in DEV_FIELD_FLOORS.items() if result["fields"].get(f, 0.0) < floor}
    assert not low, (low, result["fields"])


def test_check_half_confidence_is_calibrated(check_half):
    assert check_half["calibration"]["claims"] >= 30
    assert check_half["calibration"]["ece"] <= CHECK_ECE_CEILING, check_half["calibration"]


def test_the_split_is_fixed_and_disjoint():
    split = json.loads((ROOT / "training" / "corpus_gold_split.json").read_text())
    assert len(split["tune"]) == len(split["check"]) == 20 and not set(split["tune"]) & set(split["check"])


def test_training_never_reads_the_check_half_or_the_reserved_articles():
    annotated = set()
    for path in (ROOT / "training" / "annotations").glob("batch_*.json"):
        annotated |= {d["doc"] for d in json.loads(path.read_text())["documents"]}
    split = json.loads((ROOT / "training" / "corpus_gold_split.json").read_text())
    assert len(annotated) >= 150 and not annotated & set(split["check"]) and not annotated & set(split["tune"])
    reserved = SHARED / "eval" / "reserved_docs.txt"
    if reserved.exists():
        assert not annotated & {ln.strip() for ln in reserved.read_text().splitlines() if ln.strip() and not ln.startswith("#")}


# the blind held-out set (training/heldout/, 40 articles, 7 required claims; never tuned on): measured
# F1 0.667, recall 0.857 on 2026-12-07. Few claims, so the floors sit well below: they catch a collapse
HELDOUT_F1_FLOOR = 0.55
HELDOUT_RECALL_FLOOR = 0.70


def test_heldout_claim_floor(eval_claims):
    gold = eval_claims.pooled(sorted((ROOT / "training" / "heldout").glob("blind_*.json")))
    claims = eval_claims.evaluate(gold)["claims"]
    assert claims["gold"] == 7
    assert claims["f1"] >= HELDOUT_F1_FLOOR and claims["recall"] >= HELDOUT_RECALL_FLOOR, claims


# the blind set from outside the corpus (training/other/: PolNeAR, TR-News, LGL and ISAF articles), its
# check half (23 articles, 18 required claims; scored, never read): F1 0.821, strict F1 0.462 on
# 2026-12-07, strict 0.667 on 2026-12-08 (session 14). The floors catch a collapse on outlets and genres the
# rules were not written on
OTHER_CHECK_F1_FLOOR = 0.75
OTHER_CHECK_STRICT_FLOOR = 0.60


def test_claims_from_outside_the_corpus_floor(eval_claims):
    if not (SHARED / "data" / "attribution" / "metadata.tsv").exists():
        pytest.skip("../shared/data/attribution is absent: the articles from outside the corpus cannot be read")
    result = eval_claims.evaluate(eval_claims.other_gold("check"))
    claims = result["claims"]
    assert claims["gold"] == 18 and result["strict"]["f1"] >= OTHER_CHECK_STRICT_FLOOR, result["strict"]
    assert claims["f1"] >= OTHER_CHECK_F1_FLOOR, claims


def test_the_other_sources_split_is_fixed_disjoint_and_annotated():
    split = json.loads((ROOT / "training" / "other" / "split.json").read_text())
    assert len(split["tune"]) == 27 and len(split["check"]) == 23 and not set(split["tune"]) & set(split["check"])
    annotated = [d["doc"] for p in sorted((ROOT / "training" / "other").glob("blind_*.json"))
                 for d in json.loads(p.read_text())["documents"]]
    assert sorted(annotated) == sorted(split["tune"] + split["check"])


@pytest.mark.parametrize("text, count", [
    # people gathered to mourn a volunteer are no count of foreign fighters
    ("Thousands of people gathered at the Kurdish community centre in north London to mourn Mehmet Aksoy, the "
     "British-Kurdish film-maker and activist who was killed by Islamic State fighters in Raqqa in September.", None),
    # people who went are
    ("The government says that over 900 people who pose concerns to national security have travelled from the UK "
     "to Isis-controlled territory in Syria.", 900),
])
def test_the_finders_foreign_fighter_counts_are_people_who_went(text, count):
    claims = [c for c in process_text(text, published="2018-03-01").claims if c.type == "foreign_fighters"]
    # (whether the mourners' sentence holds a claim at all is the finder's call, and the eighth judged
    # sample judged the one it makes wrong: the test asks only that no count of mourners is given)
    assert (claims or count is None) and all(c.count is None if count is None else c.count.low == count for c in claims)
