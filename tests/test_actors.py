"""The actors stage: armed groups by Wikidata id, generic mentions, the main actor."""
from __future__ import annotations

import json
import re
import time
from collections import Counter

import pytest
import yaml
from importlib import resources

from muster.actors import find_named, gazetteer, is_generic, resolve
from muster.model import Article
from muster.sentences import split

from conftest import EXAMPLES, run_muster, shared_path

IS = {"name": "Islamic State", "id": "Q2429253"}


def annotate(text: str, title: str | None = None) -> Article:
    art = Article(doc="t", text=text, title=title)
    art.sentences = split(text)
    return resolve(art)


def names(art: Article) -> list[tuple[str, str]]:
    return [(m.text, m.name) for m in art.actors]


# ---------------------------------------------------------------- the gazetteer itself

def test_gazetteer_is_large_and_well_formed():
    data = yaml.safe_load(resources.files("muster").joinpath("data/actors.yaml").read_text(encoding="utf-8"))
    groups = data["groups"]
    assert len(groups) >= 60
    seen_names, seen_ids = set(), set()
    for g in groups:
        assert g["name"] not in seen_names, g["name"]
        seen_names.add(g["name"])
        assert g.get("kind") in ("state", "nonstate"), g["name"]
        if g.get("id") is not None:
            assert re.fullmatch(r"Q[1-9]\d*", g["id"]), g["name"]
            assert g["id"] not in seen_ids, g["id"]
            seen_ids.add(g["id"])
    assert len(gazetteer().groups) == len(groups)


def test_known_ids():
    by_name = {g.name: g.id for g in gazetteer().groups}
    assert by_name["Islamic State"] == "Q2429253"
    assert by_name["al-Qaeda"] == "Q34490"
    assert by_name["Hamas"] == "Q38799"
    assert by_name["Hezbollah"] == "Q41053"


def test_ids_are_null_or_qids_and_unique():
    # every id is either null (not verified) or a Wikidata item id; no two groups share one
    raw = yaml.safe_load(resources.files("muster").joinpath("data/actors.yaml").read_text(encoding="utf-8"))
    ids = []
    for g in raw["groups"]:
        assert "id" in g, g["name"]
        qid = g["id"]
        if qid is None:
            continue
        assert isinstance(qid, str) and re.fullmatch(r"Q[1-9][0-9]*", qid), (g["name"], qid)
        ids.append(qid)
    dupes = sorted(q for q, n in Counter(ids).items() if n > 1)
    assert not dupes, dupes
    # the loaded gazetteer carries the same ids
    assert [g.id for g in gazetteer().groups] == [g["id"] for g in raw["groups"]]


def test_canonical_names_are_the_scorers():
    # ../shared/eval/score.py accepts these names (or listed variants) for these groups
    canon = {g.name for g in gazetteer().groups}
    for name in ("Islamic State", "al-Nusra Front", "Tatmadaw", "Syrian Democratic Forces",
                 "People's Protection Units", "Popular Mobilization Forces"):
        assert name in canon


# ---------------------------------------------------------------- Islamic State and the "is" trap

@pytest.mark.parametrize("form", ["ISIS", "ISIL", "IS", "Isis", "Daesh", "Islamic State", "Da'esh",
                                  "Islamic State of Iraq and Syria", "Islamic State of Iraq and the Levant",
                                  "Ashbal al-Khilafa", "Cubs of the Caliphate"])
def test_islamic_state_spellings(form):
    art = annotate(f"Fighters of {form} attacked the town on Monday.")
    assert [(m.text, m.name, m.id) for m in art.actors] == [(form, "Islamic State", "Q2429253")]
    m = art.actors[0]
    assert art.text[m.start:m.end] == form


def test_is_the_verb_is_not_the_group():
    art = annotate("It is clear that the army is winning. This is what it is. Isis is losing; IS is weak.")
    assert names(art) == [("Isis", "Islamic State"), ("IS", "Islamic State")]


def test_is_in_a_shouted_headline_is_the_verb():
    art = annotate("ISIS IS SAVING ITS ARMY OF CHILDREN\n\nThe report says IS fighters left.")
    assert [m.text for m in art.actors if m.name == "Islamic State"] == ["ISIS", "IS"]
    assert art.actors[1].start == art.text.index("IS fighters")


def test_possessives_and_curly_apostrophes():
    art = annotate("ISIS's ranks thinned. Daesh’s fighters fled. Hezbollah’s men stayed.")
    assert names(art) == [("ISIS", "Islamic State"), ("Daesh", "Islamic State"), ("Hezbollah", "Hezbollah")]


def test_names_that_lost_their_apostrophe_still_match():
    # texts stripped of apostrophes write "Peoples Protection Units", one word fewer than "People's"
    art = annotate("The Kurdish Peoples Protection Units and the Womens Protection Units held the line. "
                   "The Kurdistan Workers Party denied it.")
    assert [m.name for m in art.actors] == ["People's Protection Units", "Women's Protection Units",
                                            "Kurdistan Workers' Party"]


def test_the_renamed_nusra_front_is_not_the_levant_front():
    art = annotate("Rebels in Syria, among them the Fateh al-Sham Front and the Sham Front, joined the Army of Conquest.")
    assert [m.name for m in art.actors] == ["al-Nusra Front", "Levant Front", "Army of Conquest"]


def test_longest_alias_wins():
    art = annotate("ISIS-K claimed it. Islamic State West Africa Province and al-Qaeda in the Arabian Peninsula too.")
    assert [m.name for m in art.actors] == ["Islamic State – Khorasan Province", "Islamic State West Africa Province",
                                            "al-Qaeda in the Arabian Peninsula"]


def test_no_match_inside_words():
    assert find_named("Thisis ISISland THIS Hamasa Talibanistan") == []


def test_anti_prefix_is_not_the_group_acting():
    art = annotate("The anti-ISIS coalition struck. The counter-Daesh campaign went on.")
    assert art.actors == []


# ---------------------------------------------------------------- other groups

@pytest.mark.parametrize("text,name", [
    ("Boko Haram abducted 276 girls in Chibok.", "Boko Haram"),
    ("al Qaeda and al-Qa'ida are one group.", "al-Qaeda"),
    ("Al-Shabab fighters attacked Mogadishu.", "al-Shabaab"),
    ("The Taliban took Kabul.", "Taliban"),
    ("Jabhat al-Nusra fighters entered Idlib.", "al-Nusra Front"),
    ("Fighters of Hay'at Tahrir al-Sham hold Idlib.", "Hay'at Tahrir al-Sham"),
    ("The Kurdistan Workers’ Party (PKK) fights Turkey.", "Kurdistan Workers' Party"),
    ("Hashd al-Shaabi units entered Tal Afar.", "Popular Mobilization Forces"),
    ("Ansar Allah fired missiles from Yemen.", "Houthis"),
    ("M23 rebels took Goma.", "March 23 Movement"),
    ("The Rapid Support Forces besieged El Fasher.", "Rapid Support Forces"),
    ("The Tatmadaw shelled villages.", "Tatmadaw"),
    ("FARC dissidents recruited minors in Cauca.", "FARC dissidents"),
    ("The Wagner Group recruited prisoners.", "Wagner Group"),
    ("The Lord's Resistance Army abducted children.", "Lord's Resistance Army"),
    ("Anti-balaka militias attacked Bangui.", "Anti-balaka"),
    ("The Qassam Brigades said.", "Izz ad-Din al-Qassam Brigades"),
])
def test_other_groups(text, name):
    art = annotate(text)
    assert name in [m.name for m in art.actors], names(art)


def test_ambiguous_acronyms_need_their_conflict():
    # Japan's SDF, a Reporters Without Borders RSF, "killed in action" KIA, Australia's ADF
    art = annotate("Japan's SDF held drills. RSF criticised the law. Two soldiers were KIA. The ADF trained in Darwin.")
    assert art.actors == []
    art = annotate("In Syria, the SDF took Raqqa. In Sudan, the RSF shelled Khartoum. In Kachin State, the KIA fought.")
    assert [m.name for m in art.actors] == ["Syrian Democratic Forces", "Rapid Support Forces",
                                            "Kachin Independence Army"]


def test_government_forces_resolve_to_the_country_at_war():
    art = annotate("Syrian government forces advanced. Government forces shelled Aleppo, in Syria, "
                   "as regime forces moved in.")
    assert [m.name for m in art.actors] == ["Syrian Arab Army"] * 3
    # no country named: no guess
    art = annotate("Government forces advanced on the town.")
    assert art.actors == []


# ---------------------------------------------------------------- generic mentions and the main actor

def test_generic_mentions_resolve_to_the_main_group():
    art = annotate("ISIS recruits children\n\nThe group has lost fighters. The militants fled Raqqa. "
                   "The terror group also recruits children. A group of children played. The group of men left.")
    assert art.context["main_actor"] == IS
    generic = [m for m in art.actors if is_generic(art, m)]
    assert [m.text for m in generic] == ["The group", "The militants", "The terror group"]
    assert all(m.name == "Islamic State" and m.id == "Q2429253" for m in generic)
    assert not is_generic(art, art.actors[0])


def test_generic_mention_prefers_the_group_just_named():
    art = annotate("Islamic State attacked. ISIS lost. Isis fled.\n\nHezbollah said on Monday it would fight. "
                   "The group said it had 5,000 men.")
    assert art.context["main_actor"] == IS
    g = [m for m in art.actors if is_generic(art, m)]
    assert [(m.text, m.name) for m in g] == [("The group", "Hezbollah")]


def test_no_named_group_no_generic_mentions():
    art = annotate("The group met on Monday. The militants were not named.")
    assert art.actors == []
    assert art.context["main_actor"] is None


def test_generic_never_resolves_to_a_state_force():
    art = annotate("The Syrian army advanced. The Syrian army shelled. The group fled.")
    assert art.context["main_actor"]["name"] == "Syrian Arab Army"
    assert [m.text for m in art.actors] == ["Syrian army", "Syrian army"]


def test_headline_decides_the_main_actor():
    art = annotate("Hezbollah recruits fighters\n\nISIS was mentioned. Hezbollah said more.")
    assert art.context["main_actor"]["name"] == "Hezbollah"


# ---------------------------------------------------------------- seeds, CLI, corpus

def test_seeds_resolve_to_islamic_state():
    files = sorted(EXAMPLES.glob("*.txt"))
    assert len(files) == 5
    for path in files:
        art = annotate(path.read_text(encoding="utf-8"))
        assert art.context["main_actor"] == IS, path.name
        # the Iraqi army, US forces and the Taliban are named too
        group_mentions = [m for m in art.actors if m.name not in
                          ("Iraqi Army", "United States Armed Forces", "Taliban")]
        assert group_mentions and all(m.name == "Islamic State" for m in group_mentions), path.name
        for m in art.actors:
            assert art.text[m.start:m.end] == m.text


def test_annotate_cli_has_actor_offsets(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("Daesh forced dozens of children to join its camp in Mosul. The group pays less.\n",
                   encoding="utf-8")
    proc = run_muster("annotate", "--raw", str(src))
    assert proc.returncode == 0, proc.stderr
    rec = json.loads(proc.stdout)
    assert rec["actors"][0] == {"text": "Daesh", "start": 0, "end": 5, "name": "Islamic State", "id": "Q2429253"}
    assert [a["text"] for a in rec["actors"]] == ["Daesh", "The group"]
    for a in rec["actors"]:
        assert rec["text"][a["start"]:a["end"]] == a["text"]


def test_corpus_sample_top_mentions_and_speed():
    path = shared_path("data", "corpus", "news.jsonl")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[::4] if line.strip()]
    gazetteer()
    t = time.perf_counter()
    counts: Counter = Counter()
    for r in rows:
        art = annotate(r["text"])
        counts.update(m.name for m in art.actors if not is_generic(art, m))
    elapsed = time.perf_counter() - t
    top = [n for n, _ in counts.most_common(6)]
    assert top[0] == "Islamic State"
    assert {"Syrian Arab Army", "Syrian Democratic Forces", "People's Protection Units", "al-Nusra Front"} <= set(top)
    # sub-millisecond per article on a quiet machine; generous for a loaded CI box
    assert elapsed < 15, elapsed


def test_jihadist_words_never_resolve_to_secular_groups():
    art = annotate("YPG fighters advance\n\nIsis attacked at dawn.\n\nThe YPG said it took the town. "
                   "The YPG lost 20 men. The group said it would hold. The jihadists fled.")
    assert art.context["main_actor"]["name"] == "People's Protection Units"
    generic = {m.text: m.name for m in art.actors if is_generic(art, m)}
    assert generic == {"The group": "People's Protection Units", "The jihadists": "Islamic State"}
    art = annotate("The YPG said it took the town. The extremists fled.")
    assert [m.text for m in art.actors] == ["YPG"]


def test_an_islamic_state_is_not_the_group():
    assert find_named("They want to establish an Islamic state in Somalia.") == []


def test_foreign_militaries_named_and_weigh_less_than_the_group():
    # "US troops", "Iranian forces" are state forces with their own entries; an article that names
    # them more often than the armed group it is about still has the group as its main actor
    text = ("Isis still holds villages near the border. US troops are leaving Syria. US troops have trained "
            "local fighters. Iranian forces back the government. US troops will go home.")
    art = annotate(text)
    names = {m.text: m.name for m in art.actors}
    assert names["US troops"] == "United States Armed Forces"
    assert names["Iranian forces"] == "Islamic Republic of Iran Armed Forces"
    assert art.context["main_actor"]["name"] == "Islamic State"



def test_abbreviations_with_full_stops_are_names():
    gz = gazetteer()
    found = [(s, e, gz.groups[gi].name) for s, e, gi in find_named("About 2,000 U.S. troops are in Syria.")]
    assert found and found[0][2] == "United States Armed Forces" and found[0][1] - found[0][0] == len("U.S. troops")
    # a sentence break between two words of a name does not make the name
    assert all(gz.groups[gi].name != "Islamic State" for _, _, gi in find_named("They fought for the Islamic. State media said so."))


def test_regime_forces_in_a_story_about_another_state_in_syria_are_assads():
    # Russia named most, but "regime forces" in a Syria story are the Syrian government's forces,
    # never the Russian military (nor dropped, which let the claims fall back to the main actor)
    text = ("Russian jets bombed Idlib again on Monday. Moscow says Russian aircraft hit only militants, "
            "and Russia's defence ministry denied striking a market. Russian advisers are in Syria. "
            "Regime forces advanced on the town's southern edge.")
    art = annotate(text)
    regime = [m for m in art.actors if m.text.lower() == "regime forces"]
    assert regime and regime[0].name == "Syrian Arab Army"


def test_regime_forces_outside_syria_are_not_resolved():
    text = ("Russian forces shelled the town. Russia says the offensive will go on. "
            "Regime forces in the capital arrested opposition leaders.")
    art = annotate(text)
    assert not [m for m in art.actors if m.text.lower() == "regime forces"]


def test_the_names_and_misnomers_news_gives_syrian_factions() -> None:
    from muster.actors import find_named, gazetteer

    text = ("The Faylaq al-Sham faction, Al-Nasr Army units and Conquest Army fighters attacked, while Jaysh Khalid "
            "bin al-Waleed held the south and the Kurdish-dominated Syrian Defence Forces the east.")
    g = gazetteer()
    got = [g.groups[gi].name for _s, _e, gi in find_named(text)]
    assert got == ["Faylaq al-Sham", "Jaysh al-Nasr", "Army of Conquest", "Jaysh Khalid ibn al-Walid",
                   "Syrian Democratic Forces"]
