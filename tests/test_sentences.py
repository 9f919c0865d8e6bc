"""Sentence offsets: abbreviations and initials do not end a sentence; every span points into the text."""
from __future__ import annotations

from muster.sentences import split


def test_abbreviations_and_quotes():
    text = ("British Maj. Gen. Rupert Jones told reporters that the U.S. plan works. "
            "\"They are losing,\" he said. J. Doe disagreed! Was he right?")
    got = [s.text for s in split(text)]
    assert got == ["British Maj. Gen. Rupert Jones told reporters that the U.S. plan works.",
                   "\"They are losing,\" he said.", "J. Doe disagreed!", "Was he right?"]


def test_offsets_point_into_the_text_and_lines_stand_alone():
    text = "A headline without a full stop\n\nFirst sentence here. Second one here.\nA caption line"
    sents = split(text)
    assert [text[s.start:s.end] for s in sents] == [s.text for s in sents]
    assert [s.text for s in sents] == ["A headline without a full stop", "First sentence here.",
                                       "Second one here.", "A caption line"]
    assert sents[0].kind == "headline"
