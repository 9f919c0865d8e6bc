"""The rewrites that made each stage's cost linear in its input (issue 15) keep what the stages
find. How the cost grows is measured by bench/scaling.py, never timed here."""
from __future__ import annotations

import json
import re

from muster import attribution, claims, sentences
from muster.pipeline import process_text


def test_sentence_boundaries_after_runs_of_end_punctuation():
    text = 'He left... Then "Who?" she asked!! (Yes.) 2,000 came. Wait?! "No."'
    got = [text[a:b] for a, b in sentences.split_paragraph(text, 0)]
    assert got == ["He left...", 'Then "Who?" she asked!!', "(Yes.)", "2,000 came.", "Wait?!", '"No."']


def test_a_run_of_100000_full_stops_is_read_once():
    text = "The group recruited 40 fighters. " + "." * 100_000 + " Next sentence here."
    got = sentences.split(text)
    assert [s.text[-12:] for s in got] == ["." * 12, "ntence here."]  # (a "." opens no sentence)
    assert got[0].end - got[0].start == len("The group recruited 40 fighters. ") + 100_000


def test_long_runs_are_cut_for_the_parser_without_moving_offsets():
    text = "Rebels said (" + "(" * 1000 + " 40 fighters joined " + "😀" * 450 + " today."
    cut = attribution._cut_runs(text)
    assert len(cut) == len(text)
    assert max(len(w) for w in cut.split()) <= attribution.RUN_CHARS
    assert cut[:13] == text[:13] and " 40 fighters joined " in cut
    assert attribution._cut_runs("short words only") == "short words only"


def test_the_bounded_lexicon_patterns_still_find_real_numbers():
    lex = claims.lexicon()
    strong = [p for p in lex.types["strength"].strong if "strong" in p.pattern]
    assert any(p.search("a 1,500-strong force") for p in strong)
    assert any(p.search("the 10,000.5-strong brigade") for p in strong)


def test_a_count_of_10000_digits_is_no_count_and_no_crash():
    assert claims._number("9" * 10_000) is None
    art = process_text("Islamic State has recruited " + "1" * 10_000 + " fighters in Raqqa, a spokesman said.")
    json.dumps(art.to_extract(), allow_nan=False)  # a record like any other, no infinity in it


def test_claim_windows_are_bounded_but_reach_as_far_as_before():
    text = "x" * 5000 + ", the group recruited 40 fighters in the town last month"
    span = re.search("recruited", text).span()
    lo, hi = claims._window(text, span)
    assert text[lo:hi] == " the group recruited 40 fighters in the town last month"
    lo, hi = claims._window("a " * 3000 + "recruited " + "b " * 3000, (6000, 6009))
    assert (hi - lo) < 60  # eight words either side, not the whole text
