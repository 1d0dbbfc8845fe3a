"""Site-wide search over articles, guides and FAQ.

PostgreSQL: full-text search with the Indonesian and English stemmers (so "klaim" finds
"mengklaim"-style variants the stemmer knows, and "claims" finds "claim"), ranked.
SQLite (the embedded default): every word must appear somewhere, case-insensitively.
"""

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import get_language

from .selectors import articles_published, faqs_published, guides_published

MAX_QUERY_LENGTH = 100
LIMIT = 20


@dataclass(frozen=True)
class Result:
    kind: str
    title: str
    summary: str
    url: str
    rank: float


SOURCES = {
    # kind: (queryset factory, Indonesian fields, English fields)
    "article": (
        articles_published,
        ("title", "summary", "body"),
        ("title_en", "summary_en", "body_en"),
    ),
    "guide": (guides_published, ("title", "summary"), ("title_en", "summary_en")),
    "faq": (faqs_published, ("question", "answer"), ("question_en", "answer_en")),
}


def _postgres(queryset: QuerySet, fields_id, fields_en, terms: str) -> QuerySet:
    vector = SearchVector(*fields_id, config="indonesian", weight="A") + SearchVector(
        *fields_en, config="english", weight="B"
    )
    query = SearchQuery(terms, config="indonesian", search_type="websearch") | SearchQuery(
        terms, config="english", search_type="websearch"
    )
    return queryset.annotate(rank=SearchRank(vector, query)).filter(rank__gt=0).order_by("-rank")


def _fallback(queryset: QuerySet, fields_id, fields_en, terms: str) -> QuerySet:
    for word in terms.split():
        match = Q()
        for field in (*fields_id, *fields_en):
            match |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(match)
    return queryset


def _url(kind: str, row) -> str:
    if kind == "article":
        return reverse("news:article_detail", args=[row.slug])
    if kind == "guide":
        return reverse("news:guide_detail", args=[row.slug])
    return reverse("news:faq") + f"#faq-{row.pk}"


def _title_and_summary(kind: str, row, language: str) -> tuple[str, str]:
    if kind == "faq":
        return row.localized("question", language), row.localized("answer", language)
    return row.localized("title", language), row.localized("summary", language)


def site_search(*, terms: str, kinds=tuple(SOURCES)) -> list[Result]:
    """Up to LIMIT results per kind, best first (one query per kind)."""
    terms = " ".join(terms.split())[:MAX_QUERY_LENGTH]
    if not terms:
        return []
    language = get_language() or "id"
    postgres = connection.vendor == "postgresql"
    results: list[Result] = []
    for kind in kinds:
        factory, fields_id, fields_en = SOURCES[kind]
        search = _postgres if postgres else _fallback
        for row in search(factory(), fields_id, fields_en, terms)[:LIMIT]:
            title, summary = _title_and_summary(kind, row, language)
            results.append(Result(kind, title, summary, _url(kind, row), getattr(row, "rank", 0)))
    if postgres:
        results.sort(key=lambda result: result.rank, reverse=True)
    return results
