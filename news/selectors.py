import datetime

from django.db.models import Min, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import Article, ArticleCategory, Faq, Guide, GuideStep, QuizChoice, QuizQuestion


def articles_published(*, now=None) -> QuerySet[Article]:
    return Article.objects.published(now=now or timezone.now()).select_related("category")


# The cached news pages (participants/page_cache.py): dropped when staff save an article or a
# category (news/apps.py) or unpublish articles (services.articles_unpublish).
NEWS_PAGES = "news"


def articles_seconds_unchanged(*, now=None) -> float:
    """Seconds until the published articles change by themselves: the next scheduled
    publication or withdrawal, which no save announces (one query on the indexed times)."""
    now = now or timezone.now()
    found = Article.objects.aggregate(
        publish=Min("publish_at", filter=Q(publish_at__gt=now)),
        unpublish=Min("unpublish_at", filter=Q(unpublish_at__gt=now)),
    )
    upcoming = [moment for moment in found.values() if moment is not None]
    return min(upcoming, default=now + datetime.timedelta(days=1)).timestamp() - now.timestamp()


def article_get_published(*, slug: str, now=None) -> Article:
    """A published article; drafts, scheduled and withdrawn ones are the same 404 as missing."""
    return get_object_or_404(articles_published(now=now), slug=slug)


def article_categories() -> list[ArticleCategory]:
    return list(ArticleCategory.objects.all())


def guides_published() -> QuerySet[Guide]:
    return Guide.objects.filter(is_published=True)


def guide_get_published(*, slug: str) -> Guide:
    """A guide with its steps and quiz, in three extra queries whatever its size."""
    questions = QuizQuestion.objects.order_by("number").prefetch_related(
        Prefetch("choices", queryset=QuizChoice.objects.order_by("order", "pk"))
    )
    return get_object_or_404(
        guides_published().prefetch_related(
            Prefetch("steps", queryset=GuideStep.objects.order_by("number")),
            Prefetch("questions", queryset=questions),
        ),
        slug=slug,
    )


def faqs_published() -> QuerySet[Faq]:
    return Faq.objects.filter(is_published=True)
