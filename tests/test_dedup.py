"""Near-duplicate detection: syndicated and lightly edited copies are found, distinct stories are not."""
from __future__ import annotations

import json

from conftest import shared_path

from muster import dedup

STORY = ("At least 35 militants were killed in air strikes by the US-led coalition overnight in northern and "
         "northeastern Syria, a monitor said on Saturday. The Syrian Observatory for Human Rights said 30 "
         "militants were killed around the town of Shadadi in northeastern Hasakeh and another five outside "
         "the embattled town of Kobane on the border with Turkey. The group has been recruiting heavily in the "
         "area, offering salaries to young men, and has lost hundreds of fighters in recent weeks, the "
         "monitor's director told reporters in Beirut.")


def _sim(a: str, b: str) -> tuple[float, float]:
    return dedup.similarity(dedup.shingles(a), dedup.shingles(b))


def test_shingles_ignore_case_and_punctuation():
    assert dedup.shingles("The group, it said; recruits MEN now!") == dedup.shingles("the group it said recruits men now")
    assert len(dedup.shingles("one two three four five six")) == 2


def test_light_edits_and_truncation_are_near_duplicates():
    edited = STORY.replace("militants", "jihadists").replace("a monitor said", "a monitoring group said")
    edited = "Published October 4 2014 " + edited + " AFP"
    assert dedup.is_near_duplicate(*_sim(STORY, edited))
    cut = STORY[: len(STORY) * 2 // 3]  # a copy cut short keeps most of its shingles in the original
    jac, cont = _sim(STORY, cut)
    assert cont > 0.9 and dedup.is_near_duplicate(jac, cont)


def test_different_story_on_the_same_topic_is_not():
    other = ("Kurdish forces said on Sunday they had pushed back an attack near Kobane, where fighting has "
             "raged for weeks. Commanders said dozens of fighters had died on both sides and called for more "
             "weapons from the coalition, which has carried out strikes in northern Syria since September.")
    assert not dedup.is_near_duplicate(*_sim(STORY, other))


def test_index_finds_candidates_and_signatures_round_trip():
    idx = dedup.DuplicateIndex()
    m = dedup.minhash(dedup.shingles(STORY))
    blob = dedup.signature_bytes(m)
    assert len(blob) == dedup.NUM_PERM * 8
    idx.add("a", dedup.from_bytes(blob))
    idx.add("a", dedup.from_bytes(blob))  # adding twice is harmless
    assert len(idx) == 1
    copy = dedup.minhash(dedup.shingles(STORY.replace("Saturday", "Sunday")))
    assert idx.candidates(copy) == ["a"]
    assert idx.candidates(copy, exclude="a") == []
    unrelated = dedup.minhash(dedup.shingles("Completely different words about a football match and the "
                                             "weather in a small town far from any war at all today."))
    assert idx.candidates(unrelated) == []


def test_best_match_verifies_exactly_and_skips_short_texts():
    sh = dedup.shingles(STORY)
    m = dedup.best_match(sh, {"x": STORY.replace("Saturday", "Sunday"), "y": "too short"})
    assert m is not None and m.key == "x" and m.jaccard > 0.8
    assert dedup.best_match(dedup.shingles("a short text"), {"x": "a short text"}) is None


def test_corpus_wire_copies_are_found_and_distinct_stories_kept_apart():
    """On real articles: exact republications are linked; most articles have no copy at all."""
    lines = shared_path("data", "corpus", "news.jsonl").read_text(encoding="utf-8").splitlines()
    recs = [json.loads(x) for x in lines if '"FA-KES"' in x][:300]
    texts = {r["doc"]: r["text"] for r in recs}
    idx = dedup.DuplicateIndex()
    linked = 0
    for r in recs:
        s = dedup.shingles(r["text"])
        m = dedup.minhash(s)
        if dedup.best_match(s, {k: texts[k] for k in idx.candidates(m)}):
            linked += 1
        idx.add(r["doc"], m)
    # the FA-KES sample republishes some wire stories verbatim; nearly all articles are distinct
    assert 3 <= linked <= len(recs) // 5
