"""Cleaning plain scraped text: the furniture goes, the article stays."""
from __future__ import annotations

from muster.clean import clean_text


def test_comment_box_captcha_and_share_prompts_go():
    text = ("Rebels recruit boys in the east, monitors say\n\nThe body of the story says a lot.\n\n"
            "Another paragraph of the story continues here with detail.\n\n"
            "For the latest news, follow us on Twitter :\n  • Short link :\n\nLeave a comment\n\nfour + 3 =")
    out = clean_text(text)
    assert "The body of the story says a lot." in out
    for junk in ("follow us on Twitter", "Short link", "Leave a comment", "four + 3"):
        assert junk not in out


def test_repeated_caption_is_kept_once():
    cap = "Fighters are seen in the town of Example, in the province of Other in 2016"
    text = f"A headline for the story here\n\n{cap}\n\n{cap} / Getty Images\n\nThe body of the story."
    out = clean_text(text)
    assert out.count(cap) == 1


def test_bio_and_newsletter_block_go_but_body_stays():
    text = ("Headline about militia recruitment drives\n\n" + "Body sentence about recruitment. " * 20 +
            "\n\nJane Doe is a staff writer at the Example Times. She graduated from Example University.\n\n"
            "Get the news that matters most to you, delivered straight to your inbox daily.\n\nRegister today!\n"
            "  • Grow your email list exponentially\n  • Engage more with your audience")
    out = clean_text(text)
    assert "Body sentence about recruitment." in out
    for junk in ("staff writer", "graduated", "Register today", "Grow your email"):
        assert junk not in out


def test_a_sentence_that_mentions_comments_is_not_furniture():
    text = "Headline of the piece on the war\n\nThe spokesman declined to comment on the recruitment figures."
    assert "declined to comment" in clean_text(text)


def test_a_long_paragraph_is_body_even_if_it_mentions_a_prompt():
    para = "Rebels fought on in the district, officials said. " * 10 + "Follow us on Twitter for more."
    out = clean_text("A headline for the story of the day\n\n" + para)
    assert "Rebels fought on in the district" in out
