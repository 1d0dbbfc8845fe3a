"""The news list and articles from the shared page cache (participants/page_cache.py): served
without a query, and fresh in every language right after an article is edited, published or
unpublished, or when a scheduled publication comes due with no save at all."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from news.models import Article
from news.services import articles_unpublish
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 5, 4, 8, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def page(client, url: str, language: str = "id") -> str:
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


LIST = reverse("news:article_list")


def test_cached_list_and_article_are_served_without_a_query(client, django_assert_num_queries):
    ArticleFactory(slug="one", publish_at=NOW - HOUR)
    article = reverse("news:article_detail", args=["one"])
    page(client, LIST), page(client, article)  # stored (and the maintenance notices cached)
    with django_assert_num_queries(0):
        assert "Judul one" in page(client, LIST)
    with django_assert_num_queries(0):
        body = page(client, article)
    assert "<title>Judul one" in body


def test_an_edit_shows_at_once_in_every_language(client, django_capture_on_commit_callbacks):
    one = ArticleFactory(slug="one", publish_at=NOW - HOUR)
    article = reverse("news:article_detail", args=["one"])
    for language in ("id", "en"):
        page(client, LIST, language), page(client, article, language)
    with django_capture_on_commit_callbacks(execute=True):
        one.title, one.title_en = "Judul baru", "New title"
        one.save(update_fields=["title", "title_en", "updated_at"])
    for language, title in (("id", "Judul baru"), ("en", "New title")):
        assert title in page(client, LIST, language)
        assert f"<title>{title}" in page(client, article, language)


def test_publishing_and_unpublishing_show_at_once(client, django_capture_on_commit_callbacks):
    draft = ArticleFactory(slug="draft")
    live = ArticleFactory(slug="live", publish_at=NOW - HOUR)
    assert "/news/draft/" not in page(client, LIST)
    with django_capture_on_commit_callbacks(execute=True):
        draft.publish_at = NOW - HOUR
        draft.save(update_fields=["publish_at", "updated_at"])
    assert "/news/draft/" in page(client, LIST)
    page(client, reverse("news:article_detail", args=["live"]))  # cached
    with django_capture_on_commit_callbacks(execute=True):
        assert articles_unpublish(articles=Article.objects.filter(pk=live.pk)) == 1
    assert "/news/live/" not in page(client, LIST)
    assert client.get(reverse("news:article_detail", args=["live"])).status_code == 404


def test_a_scheduled_publication_shows_when_due_without_a_save(client, frozen):
    ArticleFactory(slug="later", publish_at=NOW + HOUR)
    ArticleFactory(slug="ending", publish_at=NOW - HOUR, unpublish_at=NOW + 2 * HOUR)
    listed = page(client, LIST)
    assert "/news/later/" not in listed
    assert "/news/ending/" in listed
    frozen.move_to(NOW + HOUR)
    assert "/news/later/" in page(client, LIST)
    frozen.move_to(NOW + 2 * HOUR)
    assert "/news/ending/" not in page(client, LIST)
