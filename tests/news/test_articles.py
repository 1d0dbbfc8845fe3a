import datetime
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from news.models import Article, validate_cover
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 5, 4, 8, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)


def _png(size=(40, 20), image_format="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 125, 59)).save(buffer, format=image_format)
    return SimpleUploadedFile("cover.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def scheduled():
    return {
        "draft": ArticleFactory(slug="draft"),
        "live": ArticleFactory(slug="live", publish_at=NOW - HOUR),
        "later": ArticleFactory(slug="later", publish_at=NOW + HOUR),
        "withdrawn": ArticleFactory(
            slug="withdrawn", publish_at=NOW - 3 * HOUR, unpublish_at=NOW - HOUR
        ),
        "expiring": ArticleFactory(
            slug="expiring", publish_at=NOW - HOUR, unpublish_at=NOW + 2 * HOUR
        ),
    }


def _visible(client):
    with time_machine.travel(NOW, tick=False):
        listed = client.get(reverse("news:article_list")).content.decode()
    return {
        slug
        for slug in ("draft", "live", "later", "withdrawn", "expiring")
        if f"/news/{slug}/" in listed
    }


def test_articles_show_only_between_publish_and_unpublish(client, scheduled):
    assert _visible(client) == {"live", "expiring"}
    with time_machine.travel(NOW, tick=False):
        for slug, status in [("live", 200), ("draft", 404), ("later", 404), ("withdrawn", 404)]:
            assert client.get(reverse("news:article_detail", args=[slug])).status_code == status
    with time_machine.travel(NOW + 3 * HOUR, tick=False):
        listed = client.get(reverse("news:article_list")).content.decode()
        assert "/news/later/" in listed
        assert "/news/expiring/" not in listed
        assert client.get(reverse("news:article_detail", args=["later"])).status_code == 200


def test_feeds_list_published_articles_in_the_chosen_language(client, scheduled):
    with time_machine.travel(NOW, tick=False):
        rss = client.get(reverse("news:feed_rss"))
        client.cookies["django_language"] = "en"
        atom = client.get(reverse("news:feed_atom"))
    assert rss["Content-Type"].startswith("application/rss+xml")
    assert "Judul live" in rss.content.decode()
    assert "Judul later" not in rss.content.decode()
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert "<title>Title live</title>" in atom.content.decode()
    assert "draft" not in atom.content.decode()


def test_cover_is_served_only_while_the_article_is_published(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    live = ArticleFactory(slug="live", publish_at=NOW - HOUR, cover=_png())
    draft = ArticleFactory(slug="draft", cover=_png())
    assert live.cover.name.startswith("news/covers/")
    assert "cover.png" not in live.cover.name  # generated name
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("news:article_cover", args=["live"]))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["Cache-Control"] == "public, max-age=3600"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
        assert client.get(reverse("news:article_cover", args=[draft.slug])).status_code == 404
        page = client.get(reverse("news:article_detail", args=["live"])).content.decode()
        assert reverse("news:article_cover", args=["live"]) in page


def test_cover_validation_uses_pillow():
    validate_cover(_png())
    with pytest.raises(ValidationError) as fake:
        validate_cover(SimpleUploadedFile("x.png", b"<script>alert(1)</script>"))
    assert fake.value.code == "cover_unreadable"
    with pytest.raises(ValidationError) as gif:
        validate_cover(_png(image_format="GIF"))
    assert gif.value.code == "cover_format"
    with pytest.raises(ValidationError) as huge:
        validate_cover(_png(size=(4100, 10)))
    assert huge.value.code == "cover_dimensions"


def test_staff_unpublish_the_selected_articles_now(client, scheduled):
    """The admin action takes only what shows now off the site; the rest keep their times."""
    from news.services import articles_unpublish

    with time_machine.travel(NOW, tick=False):
        assert articles_unpublish(articles=Article.objects.all()) == 2
    assert _visible(client) == set()
    times = dict(Article.objects.values_list("slug", "unpublish_at"))
    assert times["live"] == times["expiring"] == NOW
    assert (times["draft"], times["later"]) == (None, None)
    assert times["withdrawn"] == NOW - HOUR


def test_unpublish_must_follow_publish():
    article = Article(slug="x", publish_at=NOW, unpublish_at=NOW - HOUR)
    with pytest.raises(ValidationError) as error:
        article.clean()
    assert "unpublish_at" in error.value.message_dict


@override_settings(PAGE_CACHE_SECONDS=0)  # as rendered: from the cache they read nothing
def test_list_and_detail_query_counts_are_constant(client, django_assert_num_queries):
    with time_machine.travel(NOW, tick=False):
        ArticleFactory(slug="one", publish_at=NOW - HOUR)
        client.get(reverse("news:article_list"))  # warm the maintenance cache
        # categories, count, page
        with django_assert_num_queries(3):
            client.get(reverse("news:article_list"))
        for number in range(15):
            ArticleFactory(slug=f"more-{number}", publish_at=NOW - HOUR)
        with django_assert_num_queries(3):
            client.get(reverse("news:article_list"))
        with django_assert_num_queries(1):
            client.get(reverse("news:article_detail", args=["one"]))
