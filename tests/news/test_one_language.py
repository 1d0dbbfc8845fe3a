"""No Indonesian inside the English pages of guides, FAQ, news, simulators and help, and no
English inside the Indonesian ones: stored texts included (each row has both languages).

Only the page's <main> is read; a quoted control “…” is the label the portal shows and is
left out (a label's wording is its own page's business)."""

import io
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.urls import reverse

from complaints.models import Category
from news.models import Article, Guide

pytestmark = pytest.mark.django_db

INDONESIAN = re.compile(r"\b(dan|yang|Anda|untuk|dengan|tidak|atau|saya|kartu|Pilih|bulan)\b")
ENGLISH = re.compile(r"\b(the|and|your|with|you|of|card|month|choose)\b", re.IGNORECASE)
QUOTED = re.compile(r"“[^”]*”")


class _Main(HTMLParser):
    def __init__(self):
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.depth += 1

    def handle_endtag(self, tag):
        if tag == "main":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def _main_text(html: str) -> str:
    parser = _Main()
    parser.feed(html)
    return QUOTED.sub("", " ".join(parser.parts))


def _pages():
    yield reverse("news:guide_list")
    yield from (reverse("news:guide_detail", args=[g.slug]) for g in Guide.objects.all())
    yield reverse("news:faq")
    yield reverse("news:article_list")
    yield from (reverse("news:article_detail", args=[a.slug]) for a in Article.objects.all())
    yield reverse("simulate_contribution")
    yield reverse("simulate_jht")
    yield reverse("complaints:start")
    for category in (Category.CANNOT_LOG_IN, Category.DUPLICATE_ACCOUNT):
        yield reverse("complaints:self_help", args=[category.value])
        yield reverse("complaints:create", args=[category.value])


@pytest.mark.parametrize(("language", "foreign"), [("en", INDONESIAN), ("id", ENGLISH)])
def test_each_page_speaks_one_language(client, language, foreign):
    call_command("seed_demo", stdout=io.StringIO())
    client.cookies["django_language"] = language
    mixed = {}
    for url in _pages():
        text = _main_text(client.get(url).content.decode())
        found = sorted(set(foreign.findall(text)))
        if found:
            mixed[url] = found
    assert mixed == {}
