import mimetypes

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from participants.page_cache import shared_fragments
from participants.selectors import participant_get_for_user

from . import search, selectors, services

ARTICLES_PER_PAGE = 10


def _query_text(request, name: str) -> str:
    """A query parameter as text PostgreSQL can compare: it refuses a NUL byte in any string
    (a ValueError, so a 500 and an admin e-mail), and no search term or slug contains one."""
    return request.GET.get(name, "").replace("\x00", "").strip()


def article_list(request):
    current = _query_text(request, "category")
    number = request.GET.get("page") or "1"
    if not current and number in {str(n) for n in range(1, settings.PAGE_CACHE_MAX_PAGES + 1)}:
        # The first pages of the unfiltered list are the same for everyone; any other filter or
        # page renders each time, so a visitor walking made-up values adds no cache keys.
        parts = shared_fragments(
            scope=selectors.NEWS_PAGES,
            name=f"list:{number}",
            render=lambda: _article_list_parts(request, current=current),
            lifetime=selectors.articles_seconds_unchanged,
        )
    else:
        parts = _article_list_parts(request, current=current)
    return render(request, "news/article_list.html", parts)


def _article_list_parts(request, *, current: str) -> dict[str, str]:
    articles = selectors.articles_published()
    if current:
        articles = articles.filter(category__slug=current)
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "categories": selectors.article_categories(),
        "current_category": current,
    }
    return {"content": render_to_string("news/_article_list_content.html", context, request)}


def article_detail(request, slug):
    # Only a published article is stored (a missing one raises Http404 first), so made-up
    # slugs add no cache keys.
    parts = shared_fragments(
        scope=selectors.NEWS_PAGES,
        name=f"article:{slug}",
        render=lambda: _article_detail_parts(request, slug=slug),
        lifetime=selectors.articles_seconds_unchanged,
    )
    return render(request, "news/article_detail.html", parts)


def _article_detail_parts(request, *, slug: str) -> dict[str, str]:
    article = selectors.article_get_published(slug=slug)
    return {
        "title": conditional_escape(article.localized("title", get_language() or "id")),
        "content": render_to_string(
            "news/_article_detail_content.html", {"article": article}, request
        ),
    }


def article_cover(request, slug):
    """A published article's cover; a draft's or withdrawn article's cover is not served."""
    article = selectors.article_get_published(slug=slug)
    if not article.cover:
        raise Http404
    content_type = mimetypes.guess_type(article.cover.name)[0] or "application/octet-stream"
    response = FileResponse(article.cover.open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def guide_list(request):
    return render(request, "news/guide_list.html", {"guides": selectors.guides_published()})


@require_http_methods(["GET", "POST"])
def guide_detail(request, slug):
    guide = selectors.guide_get_published(slug=slug)
    result = None
    answers: dict[int, int | None] = {}
    review = None
    if request.method == "POST":
        for question in guide.questions.all():
            value = request.POST.get(f"q{question.pk}", "")
            answers[question.pk] = int(value) if value.isdigit() else None
        score, total = services.quiz_grade(guide=guide, answers=answers)
        participant = participant_get_for_user(user=request.user)
        if participant is not None:
            services.quiz_attempt_record(
                guide=guide, participant=participant, score=score, total=total
            )
        result = {"score": score, "total": total, "saved": participant is not None}
        review = services.quiz_review(guide=guide, answers=answers)
    return render(
        request,
        "news/guide_detail.html",
        {"guide": guide, "result": result, "answers": answers, "review": review},
    )


def faq(request):
    terms = _query_text(request, "q")
    if terms:
        results = search.site_search(terms=terms, kinds=("faq",))
        return render(request, "news/faq.html", {"results": results, "q": terms})
    return render(request, "news/faq.html", {"faqs": selectors.faqs_published(), "q": ""})


def site_search(request):
    terms = _query_text(request, "q")
    results = search.site_search(terms=terms) if terms else []
    return render(request, "news/search.html", {"results": results, "q": terms})
