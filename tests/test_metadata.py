"""Article metadata from scraped text: in any common language, and never guessed."""
from __future__ import annotations

import pytest

from muster.pipeline import process_text


def meta(text: str):
    return process_text(text, mode="annotate")


def test_published_in_english_and_swedish():
    assert meta("A headline about the fighting in Syria\n\nPublished May 20th, 2015 - 05:00 GMT\n\nBody.").published == "2015-05-20"
    assert meta("En rubrik om kriget i Syrien idag\n\nPublicerad 12 okt 2017 kl 16.10\n\nText.").published == "2017-10-12"


def test_a_year_in_a_caption_is_not_a_publication_date():
    art = meta("Militants recruit in the north of the country\n\nThe flag is seen in the town of Heet in 2016\n\nBody text here.")
    assert art.published is None


def test_dateline_and_byline():
    art = meta("Rebels lose fighters to desertion in the north\n\nBy Jane Doe and John al-Smith\n\n"
               "KABUL (Reuters) - The group lost many men.")
    assert art.dateline == "Kabul"
    assert art.authors == ["Jane Doe", "John al-Smith"]


def test_no_title_when_the_text_starts_with_body_copy():
    body = "The group said on Monday that it had recruited " + "many fighters and " * 20 + "more."
    assert meta(body).title is None


@pytest.mark.parametrize("text, published", [
    ("Kurdish Forces Kill 23 Militants Near Tabqa REUTERS Rodi Said Middle East 1730 28.04.2017Get short URL "
     "Topic Battle Against Daesh 0 54 The Kurdish-led forces killed 23 militants.", "2017-04-28"),
    ("Rockets Hit Deir ez-Zor Sputnik Middle East 2159 18.05.2017(updated 2204 18.05.2017) Get short URL 0 55 "
     "Militants attacked the city.", "2017-05-18"),
    # a count and a date elsewhere in the text are no time stamp
    ("Militants attacked the city. Some 1730 people fled on 28.04.2017 to the north.", None)])
def test_a_sites_time_stamp_after_the_byline_is_the_publication_date(text, published):
    assert process_text(text).published == published
