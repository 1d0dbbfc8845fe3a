import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from news.models import ArticleCategory
from news.search import site_search
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles():
    category = ArticleCategory.objects.get(slug="layanan")
    published = timezone.now() - datetime.timedelta(days=1)
    ArticleFactory(
        slug="klaim-jht-lebih-cepat",
        category=category,
        title="Pencairan klaim JHT kini lebih cepat",
        title_en="JHT claims are now paid faster",
        summary="Dana dibayarkan dalam lima hari kerja.",
        body="Peserta yang mengajukan klaim dengan berkas lengkap menerima dana lebih cepat.",
        body_en="Participants who file complete claims get their money faster.",
        publish_at=published,
    )
    ArticleFactory(
        slug="draf-rahasia",
        category=category,
        title="Klaim draf yang belum terbit",
        summary="Belum terbit.",
        body="Klaim.",
    )


@pytest.mark.postgres
def test_full_text_search_on_postgresql_stems_both_languages(client, articles):
    assert connection.vendor == "postgresql"
    kinds = {result.kind for result in site_search(terms="JHT")}
    assert kinds == {"article", "guide", "faq"}
    # English stemming: "claims paid" finds "claim ... paid" through the English version.
    english = [result.title for result in site_search(terms="claims paid", kinds=("article",))]
    assert english == ["Pencairan klaim JHT kini lebih cepat"]
    # Indonesian stemming: "mengajukan" finds the base word "aju" forms in other texts too.
    words = [r.title for r in site_search(terms="mengajukan berkas", kinds=("article",))]
    assert words == ["Pencairan klaim JHT kini lebih cepat"]
    # Drafts never show, and ranking puts the best match first.
    titles = [result.title for result in site_search(terms="klaim JHT")]
    assert "Klaim draf yang belum terbit" not in titles
    assert titles[0] in {"Pencairan klaim JHT kini lebih cepat", "Mengajukan klaim JHT"}
    # websearch syntax from a search box never raises
    assert site_search(terms='"klaim -jht or') is not None


def test_search_page_finds_articles_guides_and_faq(client, articles):
    response = client.get(reverse("news:search"), {"q": "kartu KPJ"})
    body = response.content.decode()
    assert response.status_code == 200
    assert reverse("news:guide_detail", args=["link-kpj"]) in body
    assert "dua nomor KPJ" in body  # the FAQ entry
    nothing = client.get(reverse("news:search"), {"q": "zzzqqq"}).content.decode()
    assert "zzzqqq" in nothing
    assert 'class="result"' not in nothing


def test_faq_search(client):
    client.cookies["django_language"] = "en"
    response = client.get(reverse("news:faq"), {"q": "password"})
    body = response.content.decode()
    assert "I forgot my password" in body
    assert "Why has my JHT balance not grown" not in body
    everything = client.get(reverse("news:faq")).content.decode()
    assert "Does the portal cost anything" in everything
