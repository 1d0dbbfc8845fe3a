"""One glossary: each abbreviation is explained where a page first uses it, in the page's
language, and only once."""

import pytest
from django.urls import reverse

from news import glossary

pytestmark = pytest.mark.django_db


def test_the_first_use_is_explained_and_later_ones_are_not():
    seen: set[str] = set()
    first = glossary.explain("Saldo JHT Anda & kartu KPJ", language="id", seen=seen)
    assert first == (
        'Saldo JHT <span class="gloss">(Jaminan Hari Tua)</span> Anda &amp; kartu KPJ '
        '<span class="gloss">(kartu peserta)</span>'
    )
    assert glossary.explain("Klaim JHT", language="id", seen=seen) == "Klaim JHT"


def test_a_term_explained_in_the_text_itself_is_left_alone():
    seen: set[str] = set()
    text = "Jaminan Hari Tua (JHT) dan nomor KPJ (kartu peserta)"
    assert glossary.explain(text, language="id", seen=seen) == text
    assert seen == {"JHT", "KPJ"}


def test_english_pages_get_english_meanings():
    assert glossary.explain("Your JHT", language="en", seen=set()) == (
        'Your JHT <span class="gloss">(old-age savings)</span>'
    )


def test_no_glossary_word_is_the_old_one():
    """The words the portal chose: PU, not PPU; "online", not "daring"."""
    assert "PPU" not in glossary.TERMS
    assert not any("daring" in meaning for pair in glossary.TERMS.values() for meaning in pair)


@pytest.mark.parametrize(("language", "meaning"), [("id", "kartu tanda penduduk"),
                                                    ("en", "identity card")])  # fmt: skip
def test_a_guide_page_explains_each_term_once(client, language, meaning):
    client.cookies["django_language"] = language
    body = client.get(reverse("news:guide_detail", args=["claim-jht"])).content.decode()
    assert body.count(meaning) == 1


def test_the_faq_explains_kpj_where_it_first_appears(client):
    client.cookies["django_language"] = "en"
    body = client.get(reverse("news:faq")).content.decode()
    assert "two KPJ (membership card) numbers" in body
    assert "Dasbor" not in body
    assert "kartu peserta" not in body
