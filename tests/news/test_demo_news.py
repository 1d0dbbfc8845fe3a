"""`seed_demo` publishes news in both languages, once, and the news list shows it."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from news.demo import ARTICLES
from news.models import Article, Guide

pytestmark = pytest.mark.django_db


def test_seed_demo_publishes_bilingual_news_once(client):
    call_command("seed_demo", stdout=io.StringIO())
    first = {a.slug: a.publish_at for a in Article.objects.all()}
    call_command("seed_demo", stdout=io.StringIO())
    assert {a.slug: a.publish_at for a in Article.objects.all()} == first
    published = list(Article.objects.published(now=timezone.now()))
    assert len(published) == len(ARTICLES) >= 4
    for article in published:
        assert all((article.title_en, article.summary_en, article.body_en))
        assert article.title != article.title_en
    assert {a.category.slug for a in published} == {"pengumuman", "layanan", "program"}
    indonesian = client.get(reverse("news:article_list")).content.decode()
    assert "Waspada penipuan atas nama BPJS Ketenagakerjaan" in indonesian
    assert "Belum ada berita" not in indonesian
    client.cookies["django_language"] = "en"
    english = client.get(reverse("news:article_list")).content.decode()
    assert "Beware of fraud in the name of BPJS Ketenagakerjaan" in english
    assert "Waspada" not in english


def test_the_demo_guides_are_published(client):
    call_command("seed_demo", stdout=io.StringIO())
    body = client.get(reverse("news:guide_list")).content.decode()
    for guide in Guide.objects.all():
        assert guide.is_published
        assert guide.title in body
