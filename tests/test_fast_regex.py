"""The first-character lookahead and the required words find exactly the matches of the pattern."""
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from muster import claims
from muster.fast_regex import Gated, first_class, gated, required_words, with_lookahead

PATTERNS = [
    (r"\b(?:child|children|kids?|boys?)\s+(?:were|are)\b", re.I),
    (r"(?<!\w)(?:foreign|western)\s+(?:fighters|jihadists)", re.I),
    (r"(?:about\s+|some\s+)?\d[\d,]*\s+men", re.I),
    (r"\b(?:x|y)?(?:ab|Ac)", 0),
    (r"(?=[A-Z])(?:[A-Z][a-z]+)\s+said", 0),
    (r"(?-i:ISIS)|\bdaesh\b", re.I),
    (r"(?:(?:a|an)\s+)*(?:kid|ſun)", re.I),  # 'ſ' (long s) matches 's' under IGNORECASE
]


def test_first_class_is_the_characters_a_match_starts_with():
    assert first_class(r"\b(?:child|kids?|boys?)\b", re.I) == "[ckb]"
    assert first_class(r"(?<!\w)(?:foreign|\d+)\s", re.I) == r"[f\d]"
    assert first_class(r"(?:about\s+)?(?:\d|dozens)", re.I) == r"[a\dd]"


def test_no_class_where_a_match_can_start_anywhere_or_be_empty():
    assert first_class(r"\b.*?fighters") is None  # any character
    assert first_class(r"(?:a|b)?") is None  # the empty string
    assert first_class(r"[^a]x") is None  # a negated class
    assert with_lookahead(re.compile(r"fighters")).pattern == "fighters"  # re skips to a literal itself


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcdefhiknorsuxyACKŞſ ,\n0123456789", max_size=80), st.sampled_from(PATTERNS))
def test_the_matches_are_the_same(text, pattern):
    plain = re.compile(*pattern)
    fast = with_lookahead(plain)
    assert [(m.span(), m.groups()) for m in fast.finditer(text)] == [(m.span(), m.groups()) for m in plain.finditer(text)]


def test_the_claim_lexicons_patterns_match_as_without_it():
    """Every pattern of the claims lexicon, on every sentence of the seed articles and a few
    hand-made ones, with and without its lookahead."""
    lex = claims.lexicon()
    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))] if seeds.is_dir() else []
    texts += ["Three teenage boys who had been made to fight were freed.",
              "Some 1,500 foreign fighters, mostly Tunisians, joined ISIS in Raqqa."]
    sentences = [s for t in texts for s in re.split(r"(?<=[.!?])\s+", t)]
    patterns = [p for tl in lex.types.values()
                for key in ("strong", "weak", "follow", "support", "exclude", "exclude_unit") for p in getattr(tl, key)]
    patterns += list(lex.cues.values())
    fast = [p for p in patterns if p.pattern.startswith("(?=[")]
    assert len(fast) > len(patterns) / 2  # most of them have one
    assert sum(isinstance(p, Gated) for p in patterns) > len(patterns) / 2  # and most have required words
    for p in fast:
        plain = re.compile(p.pattern[p.pattern.index("])(?:") + 5:-1], p.flags)
        for s in sentences:
            assert [m.span() for m in p.finditer(s)] == [m.span() for m in plain.finditer(s)], (plain.pattern, s)


@pytest.mark.parametrize("pattern", [r"(?i)\bkid", r"\b(?:.|a)b"])
def test_patterns_it_cannot_take_are_left_alone(pattern):
    compiled = re.compile(pattern)
    assert with_lookahead(compiled) is compiled


def test_required_words_are_those_every_match_holds():
    pattern = r"\b(?:child|children|kids?)\s+(?:\S+\s+){0,4}?(?:made|forced)\s+to\s+(?:fight|kill)\b"
    assert required_words(pattern, re.I) == ("made", "forced")
    assert required_words(r"(?:about\s+)?\d+\s+Men", re.I) == ("men",)
    assert required_words(r"(?:a|)b|c") is None or "a" not in required_words(r"(?:a|)b|c")
    assert required_words(r"\d+(?:\s+fighters)?") is None  # nothing a match must hold


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcdefhiknorsuxyACKŞſİı ,\n0123456789", max_size=80), st.sampled_from(PATTERNS))
def test_a_gated_pattern_finds_the_same(text, pattern):
    plain = re.compile(*pattern)
    fast = gated(with_lookahead(plain))
    assert [(m.span(), m.groups()) for m in fast.finditer(text)] == [(m.span(), m.groups()) for m in plain.finditer(text)]
    assert (fast.search(text) is None) == (plain.search(text) is None)


def test_a_text_without_the_words_is_not_scanned():
    fast = gated(re.compile(r"\b(?:boys?|girls?)\s+forced", re.I))
    assert isinstance(fast, Gated) and fast.words == ("forced",)
    assert fast.search("Boys were FORCED to fight") is None  # (no match: "were" stands between)
    assert fast.search("Boys forced to fight").span() == (0, 11)
    assert not fast._may_match("boys were taken")
    # "ſ" (long s) is an "s" to IGNORECASE but not to str.lower(): such a text is always scanned
    assert gated(re.compile(r"\bboys\b", re.I)).search("the boyſ").span() == (4, 8)
