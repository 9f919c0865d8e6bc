"""The places stage: gazetteer coverage, recognition, resolution, and a quality floor on TR-News."""
from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pytest

from muster import gazetteer as gz
from muster.model import Article
from muster.places import find_places

from conftest import shared_path


def _places(text: str) -> list:
    return find_places(Article(doc="t", text=text, raw=text), {})


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def test_norm_and_skeleton_fold_transliterations() -> None:
    assert gz.norm("Tall ‘Afar") == gz.norm("Tall `Afar") == "tall afar"
    assert gz.skeleton(gz.norm("Deir ez-Zor")) == gz.skeleton(gz.norm("Dayr az Zawr")) == gz.skeleton(gz.norm("Deir al-Zour"))
    assert gz.skeleton(gz.norm("Raqqa")) == gz.skeleton(gz.norm("Rakka"))


@pytest.mark.parametrize("name,cc", [
    ("al-Qaim", "IQ"), ("Albu Kamal", "SY"), ("Hajin", "SY"), ("Baghuz", "SY"), ("Tal Afar", "IQ"),
    ("al-Shirqat", "IQ"), ("al-Hawija", "IQ"), ("al-Tabqa", "SY"), ("Heet", "IQ"), ("Manbij", "SY"),
    ("Sinjar", "IQ"), ("Anbar", "IQ"), ("Raqqa governorate", "SY"), ("Nineveh", "IQ"),
    ("Deir ez-Zor", "SY"), ("Deir al-Zour", "SY"), ("Dayr az Zawr", "SY"), ("Al-Raqqah", "SY"), ("Rakka", "SY"),
    ("the Middle Euphrates River Valley", "SY"),
])
def test_conflict_places_resolve(name: str, cc: str) -> None:
    text = f"Fighting was reported in {name}, in Iraq and Syria, officials said."
    found = [p for p in _places(text) if p.start == text.index(name.replace("the ", "")) or p.text in name]
    assert found, f"{name} not found in {_places(text)}"
    assert found[0].country == cc


def test_possessive_country_decides() -> None:
    text = "Forces advanced on Iraq's Tal Afar on Monday."
    p = [p for p in _places(text) if p.text == "Tal Afar"][0]
    assert p.country == "IQ" and _km((p.lat, p.lon), (36.37, 42.45)) < 30
    assert p.precision == "city"


def test_offsets_and_precision() -> None:
    text = "Syria: clashes near Aleppo and in Anbar province of Iraq."
    ps = _places(text)
    for p in ps:
        assert text[p.start:p.end] == p.text
    kinds = {p.text: p.precision for p in ps}
    assert kinds.get("Syria") == "country" and kinds.get("Aleppo") == "city"
    assert any(k.startswith("Anbar") and v == "admin1" for k, v in kinds.items())


def test_adjectives_and_metonyms_are_not_places() -> None:
    text = "Iraqi troops moved north. Washington said it would send more advisers to Iraq."
    names = [p.text for p in _places(text)]
    assert "Iraqi" not in names and "Washington" not in names
    assert "Iraq" in names


def test_context_decides_between_namesakes() -> None:
    us = _places("ATLANTA, Ga. - Police in Athens, Georgia, said the suspect fled toward Gainesville.")
    athens = [p for p in us if p.text == "Athens"][0]
    assert athens.country == "US"
    gr = _places("Protesters marched through Athens as Greek lawmakers voted.")
    assert [p for p in gr if p.text == "Athens"][0].country == "GR"


def test_article_countries_in_context() -> None:
    art = Article(doc="t", text="Iraqi forces retook Hit and Ramadi in Anbar. Syria was quiet.", raw="")
    art.places = find_places(art, {})
    assert art.context["countries"][0] == "IQ"


def test_rules_decide_unsure_names_without_ner() -> None:
    names = [(p.text, p.country) for p in _places("It was cold. But Dublin Mayor Tim Lecklider said Dublin, Ohio, will reopen.")]
    assert ("It", None) not in names and not any(t in ("It", "But") for t, _ in names)
    assert ("Dublin", "US") in names  # 'Dublin, Ohio': the province after the comma
    assert sum(t == "Dublin" for t, _ in names) == 2  # 'Dublin Mayor': a civic modifier
    names = [p.text for p in _places("Donald Trump spoke. Trump said Kurdish forces would stay.")]
    assert "Donald" not in names and "Kurdish" not in names


def test_spatial_coherence_prefers_nearby_namesakes() -> None:
    from muster import places as pl

    g = gz.load()
    ms = pl.find_mentions("Decatur and DeKalb County", g)
    near = pl._neighbours(g, ms)
    decatur = [i for i in ms[0].cands if g.cc[i] == "US" and near.get(i)]
    assert decatur and any(abs(g.lat[i] - 33.77) < 0.5 for i in decatur)  # Decatur, Georgia


def test_a_name_does_not_vote_for_its_own_country() -> None:
    # 'Paris' said many times must not outvote the county that places the article in Tennessee
    text = ("A Paris man was arrested. Paris police said the Paris man lived in Henry County. "
            "The Henry County sheriff said Paris officers found him.")
    paris = [p for p in _places(text) if p.text == "Paris"]
    assert paris and all(p.country == "US" and _km((p.lat, p.lon), (36.30, -88.33)) < 50 for p in paris)


def test_province_yields_to_larger_city_abroad() -> None:
    gaza = [p for p in _places("Aid convoys reached Gaza after talks between Israel and Egypt.") if p.text == "Gaza"]
    assert gaza and gaza[0].country == "PS"
    vic = [p for p in _places("Bushfires spread across Victoria, near Melbourne.") if p.text == "Victoria"]
    assert vic and vic[0].country == "AU" and vic[0].precision == "admin1"


def test_primary_name_beats_alternate_name() -> None:
    from muster import places as pl

    g = gz.load()
    (m,) = pl.find_mentions("Paris", g)
    alt = [i for i in m.cands if pl._primary(g, i) != "paris" and g.kind[i] == gz.CITY]
    assert alt  # towns once called Paris
    base = dict(votes={}, top_vote=1.0, admins={}, top_admin=1.0, ccs=set(), adm=set(), text="Paris")
    same = [i for i in m.cands if pl._primary(g, i) == "paris" and g.kind[i] == gz.CITY]
    a, b = max(alt, key=lambda i: g.pop[i]), min(same, key=lambda i: abs(g.pop[i] - g.pop[max(alt, key=lambda j: g.pop[j])]))
    assert pl._score(g, m, a, **base) < pl._score(g, m, b, **base) + (math.log10(g.pop[a] + 10) - math.log10(g.pop[b] + 10))


def test_surnames_and_common_words_are_not_places() -> None:
    text = ("Andrew Trapani is a film producer. Trapani's first film opened on Friday. "
            "Man arrested after a crash: the man was treated at a hospital in Trapani.")
    places = _places(text)
    assert [p.text for p in places] == ["Trapani"] and places[0].start == text.rindex("Trapani")
    assert "Flores" not in [p.text for p in _places("Matthew D. Flores was shot. Flores died later.")]



def test_a_stop_word_opening_a_sentence_and_peoples_are_not_places() -> None:
    # 'Most' is a Czech district of 100,000 people; 'Arab' a town in Alabama
    names = [p.text for p in _places("Most of the fighters were recruited in Deir ez-Zor. Arab tribes sent 300 men.")]
    assert names == ["Deir ez-Zor"]
    # the town itself, after a locative word, still is
    assert [p.name for p in _places("He was born in Most, Czech Republic.")][0] == "Most"


def _floor(name: str, n: int) -> dict:
    path = shared_path("data", "geo", name)
    spec = importlib.util.spec_from_file_location("geo", shared_path("eval", "geo.py"))
    geo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(geo)
    gold = list(geo.load_gold(str(path)))[:n]
    preds = {doc: [p.to_dict() for p in find_places(Article(doc=doc, text=text, raw=text), {})]
             for doc, text, _ in gold}
    return geo.score(gold, preds)


def test_quality_floor_on_tr_news_sample() -> None:
    """Recognition F1 and accuracy within 161 km on the first 40 TR-News articles (0.888 / 0.943
    when pinned; the whole set gives F1 0.882, acc@161 0.901)."""
    result = _floor("TR-News.xml", 40)
    assert result["recognition"]["f1"] >= 0.875, result
    assert result["resolution"]["acc161"] >= 0.93, result


def test_quality_floor_on_lgl_sample() -> None:
    """The first 60 LGL articles (0.838 / 0.869 when pinned; the whole set gives 0.811 / 0.842)."""
    result = _floor("lgl.xml", 60)
    assert result["recognition"]["f1"] >= 0.825, result
    assert result["resolution"]["acc161"] >= 0.855, result


def test_arabic_article_particles_and_verbs_of_taking_ground():
    from muster.pipeline import process_text

    art = process_text("Clashes in Deir ez-Zor left many dead. The group holds Hajin, and fighters fled to Manbij.",
                       mode="annotate")
    got = {(p.text, p.country) for p in art.places}
    assert ("Deir ez-Zor", "SY") in got
    assert ("Hajin", "SY") in got and ("Manbij", "SY") in got


def test_a_city_written_without_its_final_h_is_the_city_not_its_province():
    from muster.pipeline import process_text

    (p,) = process_text("About 2,500 fighters remain in Raqqa.", mode="annotate").places
    assert (p.country, p.precision) == ("SY", "city") and abs(p.lat - 35.95) < 0.1


def test_a_mountain_named_after_a_place_stands_for_it():
    from muster.pipeline import process_text
    text = "The fighters withdrew to Mount Sinjar last week.\n"
    places = process_text(text, mode="annotate").places
    assert any(p.name == "Sinjar" and p.country == "IQ" for p in places)


def test_the_first_word_of_an_arabic_name_is_not_a_place_alone() -> None:
    # "Ain" is a French department; in "Ain al-Arab" (Kobani) it is the first word of a longer name
    text = "Kurdish fighters in Syria held Ain al-Arab, which the Kurds call Kobani, after a siege."
    assert not any(p.country == "FR" for p in _places(text))


def test_a_small_place_of_a_country_nothing_else_names_is_dropped() -> None:
    # a story about Syria: the Cameroonian region "East" is no place of it
    text = ("Syria's army and Iraq's forces met in Damascus. Syrian troops moved to Aleppo, Homs and Raqqa. "
            "Fighting continued in the East, officials in Damascus said.")
    assert not any(p.country == "CM" for p in _places(text))


def test_a_small_country_named_once_stays() -> None:
    # the lone-foreign rule drops small towns, never a country named for itself
    text = ("Syria's army and Iraq's forces met in Damascus. Syrian troops moved to Aleppo, Homs and Raqqa. "
            "A volunteer from Iceland was among them, officials in Damascus said.")
    assert any(p.country == "IS" and p.precision == "country" for p in _places(text))


def test_a_town_of_an_arabic_speaking_country_the_article_names_needs_no_locative_word() -> None:
    # "the assault on Afrin", "Mayadin fell": no "in" before them, and both towns lie in the Syria the story names
    text = "Turkish troops pressed their assault on Afrin in northern Syria. Mayadin fell a week later."
    got = {(p.name, p.country) for p in _places(text)}
    assert ("Afrin", "SY") in got and ("Mayadin", "SY") in got
    # without a country named, the lone word still needs its locative word
    assert not any(p.name == "Afrin" for p in _places("Turkish troops pressed their assault on Afrin."))


def test_the_towns_of_an_american_story_still_need_a_locative_word() -> None:
    # "Evans" is a town of Georgia and of Colorado, and a surname: a story that names the United States
    # does not make every surname of it a town
    text = "Two volunteers from the United States died. Scurfield and Evans were among them."
    assert not any(p.name == "Evans" for p in _places(text))


def test_the_spellings_news_gives_the_places_of_the_syrian_war() -> None:
    text = ("Fighters in Syria moved from Deir Ezzor to Eastern Ghouta, then to the Qalamoun region; "
            "others were held in al-Hol camp near Ain Issa.")
    got = {(p.text, p.country) for p in _places(text)}
    assert {("Deir Ezzor", "SY"), ("Eastern Ghouta", "SY"), ("Qalamoun", "SY"), ("al-Hol", "SY"), ("Ain Issa", "SY")} <= got


def test_a_possessive_that_lost_its_apostrophe_is_its_place() -> None:
    got = [(p.text, p.name) for p in _places("An explosion at a mosque in Syrias Idlib province killed ten people.")]
    assert ("Syrias", "Syria") in got and ("Idlib", "Idlib") in got
    # a province's or a large city's too, named without its "s"
    got = [(p.text, p.name) for p in _places("Idlibs population has grown since rebels left Aleppos eastern districts.")]
    assert ("Idlibs", "Idlib") in got and ("Aleppos", "Aleppo") in got
    # "the Americas" is no possessive of America
    assert not any(p.country == "US" for p in _places("Trade across the Americas grew, officials in Canada said."))


def test_a_place_after_a_part_of_it_is_a_place():
    """"in a neighbourhood of Baghuz village", "on the outskirts of Hajin": the name after a part of a
    place is a place (not a street after "the corner of", which the LGL sample keeps out)."""
    from muster.pipeline import process_text

    text = ("The SDF say they have cornered the remaining Isis militants in a neighbourhood of Baghuz village "
            "near the Iraqi border.")
    assert [p.name for p in process_text(text, mode="annotate").places] == ["Baghuz"]


def test_a_name_followed_by_the_word_for_its_kind_is_a_place():
    """"in Chak-e Wardak district, Wardak province": a province the gazetteer knows, named with the word
    "province", is a place though no locative word comes before it and the district's name is unknown
    (the gold province of the ISAF releases outside training/other/ is found in 298 of 306, against
    284 without this)."""
    from muster.pipeline import process_text

    for text, name in (("A security force detained a Taliban leader in Chak-e Wardak district, Wardak province, "
                        "yesterday.", "Wardak"),
                       ("A patrol captured a Taliban leader in Shahid-e Hasas district, Uruzgan province.", "Uruzgan")):
        assert name in [p.name for p in process_text(text, mode="annotate").places], text


def test_quality_floor_on_isaf_provinces() -> None:
    """The ISAF releases' gold province among the places found (0.974, 298 of 306, when pinned; 0.928
    before "Wardak province" counted as a place): scripts/eval_isaf_provinces.py."""
    import sys

    path = shared_path("data", "time", "isaf_dev.jsonl")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from eval_isaf_provinces import provinces_found

    found, total = provinces_found(path)
    assert total >= 300 and found / total >= 0.95, (found, total)
