"""The table-driven attribute ruler gives every token what spaCy's own AttributeRuler gives it."""
import pytest

from muster.attribution import _fast_ruler, nlp

# sentences that reach the ruler's rarer rules: two-token patterns ("gon na", "got ta", "let 's",
# "ai n't", "c'm on", "y' all", "there is"), DEP- and IS_SPACE-conditioned rules, pronoun cases
SENTENCES = [
    "I'm gonna tell y'all what: there is nothing he ain't done, and we gotta stop him.",
    "Let's go, c'mon!  It said it would send you and me the  report\n\nwhether or not it helps.",
    "He gets what he got, but the fighters that were recruited did not have any training.",
    "Islamic State has recruited 500 fighters in Raqqa, Syria, since January 2015, a spokesman said.",
    "There are about 3,000 of them; nothin' was said of those who'd left, tho it is known.",
    "“We will fight,” said Abu Mohammed al-Julani, who had led the Nusra Front since 2012.",
]

FIELDS = ("pos", "tag", "dep", "lemma")


def _attrs(doc):
    return [tuple(getattr(t, f) for f in FIELDS) + (t.head.i, t.morph.key) for t in doc]


@pytest.mark.parametrize("text", SENTENCES)
def test_fast_ruler_matches_spacy(text):
    ruler = _fast_ruler()
    assert ruler is not None  # the shipped model's rules are all of the kinds it takes
    reference = next(nlp().pipe([text], disable=["ner", "lemmatizer"]))
    fast = next(nlp().pipe([text], disable=["ner", "lemmatizer", "attribute_ruler"]))
    ruler(fast)
    assert _attrs(fast) == _attrs(reference)


def test_fast_ruler_refuses_rules_it_cannot_apply():
    from muster.fast_ruler import FastRuler

    class Ruler:  # the few attributes FastRuler reads of spaCy's ruler
        vocab = nlp().vocab
        attrs = [{}]
        indices = [0]
        patterns = [{"patterns": [[{"LOWER": "a", "OP": "+"}]], "attrs": {}, "index": 0}]

    with pytest.raises((ValueError, KeyError)):
        FastRuler(Ruler())
