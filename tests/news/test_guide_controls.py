"""Every guide step and FAQ answer that names a button or link names one that is really there.

Each step that tells people to press something quotes exactly one control “like this” and
stores its page (a URL name) and its label in both languages. This renders that page, for the
demo participant and for a visitor, in the step's language, and looks for a button, link,
heading, label or choice that reads exactly so. The old guides sent people to a "Klaim JHT"
button and a "Kartu saya → Tambah kartu KPJ" screen that did not exist.
"""

import io
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch, reverse

from news.models import Faq, GuideStep
from participants.models import User

pytestmark = pytest.mark.django_db

QUOTED = re.compile(r"[“\"]([^”\"]+)[”\"]")
CONTROL_TAGS = {"a", "button", "summary", "label", "legend", "option", "h1", "h2", "h3", "th"}


class _Controls(HTMLParser):
    """The text of every control-like element (buttons, links, headings, labels, choices)."""

    def __init__(self):
        super().__init__()
        self.labels: set[str] = set()
        self._open: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.labels.add(" ".join(attrs["value"].split()))
        if tag in CONTROL_TAGS:
            self._open.append([])

    def handle_endtag(self, tag):
        if tag in CONTROL_TAGS and self._open:
            text = " ".join("".join(self._open.pop()).split())
            self.labels.add(text)
            if self._open:
                self._open[-1].append(text)

    def handle_data(self, data):
        for parts in self._open:
            parts.append(data)


def _labels(html: str) -> set[str]:
    parser = _Controls()
    parser.feed(html)
    return parser.labels


def _url(page: str) -> str:
    name, *args = page.split()
    return reverse(name, args=args)


@pytest.fixture
def visitors():
    call_command("seed_demo", stdout=io.StringIO())
    participant = Client()
    participant.force_login(User.objects.get(email="budi@demo.jmo.example"))
    return {"participant": participant, "visitor": Client()}


def _named(obj, text_field):
    return [
        ("id", getattr(obj, text_field), obj.control),
        ("en", getattr(obj, f"{text_field}_en"), obj.control_en),
    ]


def test_every_named_control_exists_on_its_page(visitors):
    items = [
        (f"guide {step.guide.slug} step {step.number}", step, "text")
        for step in GuideStep.objects.filter(guide__is_published=True).select_related("guide")
    ] + [(f"FAQ {faq.pk}", faq, "answer") for faq in Faq.objects.filter(is_published=True)]
    assert len([1 for _where, item, _field in items if item.control]) >= 20
    problems, pages = [], {}
    for where, item, field in items:
        for language, text, control in _named(item, field):
            quoted = QUOTED.findall(text)
            if quoted != ([control] if control else []):
                problems.append(f"{where} ({language}) quotes {quoted}, names {control!r}")
            if not item.page:
                if control:
                    problems.append(f"{where} names {control!r} but no page")
                continue
            try:
                url = _url(item.page)
            except NoReverseMatch:
                problems.append(f"{where}: no page {item.page!r}")
                continue
            if not control:
                continue
            found = False
            for who, client in visitors.items():
                key = (who, language, url)
                if key not in pages:
                    client.cookies["django_language"] = language
                    response = client.get(url)
                    ok = response.status_code == 200
                    pages[key] = _labels(response.content.decode()) if ok else set()
                found = found or control in pages[key]
            if not found:
                problems.append(f"{where} ({language}): no {control!r} on {url}")
    assert problems == []


def test_the_harness_bites_on_a_control_that_is_not_there(visitors):
    visitors["participant"].cookies["django_language"] = "id"
    labels = _labels(visitors["participant"].get(reverse("dashboard")).content.decode())
    assert "Bisakah saya klaim?" in labels
    assert "Klaim JHT" not in labels
