"""The triage stage: the layers read only the sentences that can hold a claim, and the claims
come out as they do when the layers read everything."""
from __future__ import annotations

import json

from conftest import EXAMPLES
from muster.model import Article
from muster.pipeline import load_config, pipeline_for
from muster.read import read_all
from muster.triage import masked_text

TEXT = ("Heavy rain fell on Kabul on Monday, closing 12 schools.\n\n"
        "The Taliban have recruited about 300 fighters in Kunduz province since March, a local official said.\n\n"
        "Traders said prices had doubled. Farmers in the north expect a poor harvest this year.\n\n"
        "The market in Herat reopened on Tuesday after 40 days.")


def _article(text: str = TEXT) -> Article:
    art = Article(doc="t", text=text, raw=text)
    art.given["published"] = "2021-06-01"
    return art


def _run(mode: str, art: Article, without: str | None = None) -> Article:
    cfg = load_config()
    if without:
        cfg["pipeline"][mode] = [s for s in cfg["pipeline"][mode] if s != without]
    return pipeline_for(mode, cfg)(art)


def test_focus_is_the_claim_sentence_and_its_neighbours_only():
    art = _run("extract", _article())
    focus = art.context["focus"]
    claim_sentence = TEXT.index("The Taliban")
    assert any(s <= claim_sentence < e for s, e in focus)
    # the layers read the claim's neighbours but not the far end of the article
    assert not any(s <= TEXT.index("market") < e for s, e in focus)
    assert not any(p.name == "Herat" for p in art.places) and not any(q.low == 40 for q in art.quantities)
    assert [c.type for c in art.claims] == ["recruitment"]
    assert art.claims[0].count is not None and art.claims[0].count.low == 300
    assert art.claims[0].time is not None and art.claims[0].time["start"].startswith("2021-03")
    assert [loc["name"] for loc in art.claims[0].locations] == ["Kunduz"]


def test_an_article_with_no_candidate_sentence_gets_no_layers_in_extract_but_all_in_annotate():
    text = "Heavy rain fell on Kabul on Monday, closing 12 schools for three days."
    ext = _run("extract", _article(text))
    assert ext.context["focus"] == [] and ext.places == [] and ext.quantities == [] and ext.times == []
    ann = _run("annotate", _article(text))
    assert "focus" not in ann.context
    assert [p.name for p in ann.places] == ["Kabul"]
    assert {q.low for q in ann.quantities} >= {12}
    assert ann.times


def test_layer_offsets_point_into_the_whole_text():
    art = _run("extract", _article())
    for q in art.quantities:
        assert art.text[q.start:q.end] == q.text
    for t in art.times:
        assert art.text[t.start:t.end] == t.text
    for p in art.places:
        assert art.text[p.start:p.end] == p.text


def test_masked_text_keeps_offsets_and_line_breaks():
    art = _article()
    art.context["focus"] = [(10, 20)]
    masked = masked_text(art, [(0, 4)])
    assert len(masked) == len(art.text)
    assert masked[10:20] == art.text[10:20] and masked[0:4] == art.text[0:4]
    assert masked[4:10].strip() == "" and masked.count("\n") == art.text.count("\n")


def test_claims_on_the_examples_are_the_same_with_and_without_triage():
    """The speed-up must not cost quality: every example article gives the same claims (type,
    evidence, count, time, actor) whether the layers read everything or only the triaged sentences."""
    def claims(without: str | None) -> list:
        cfg = load_config()
        if without:
            cfg["pipeline"]["extract"] = [s for s in cfg["pipeline"]["extract"] if s != without]
        out = []
        for art in pipeline_for("extract", cfg).run(read_all([str(EXAMPLES)])):
            for c in art.claims:
                d = c.to_dict()
                out.append(json.dumps({k: d[k] for k in ("type", "evidence", "count", "time", "actor", "speaker")},
                                      sort_keys=True))
        return out

    with_triage, without = claims(None), claims("triage")
    assert with_triage and with_triage == without
