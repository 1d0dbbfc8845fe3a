"""A self-help hint that names a button names one that is on its own page, in both languages."""

import re

import pytest
from django.urls import reverse

from complaints.models import Category
from tests.factories import ParticipantFactory, UserFactory
from tests.news.test_guide_controls import _labels

pytestmark = pytest.mark.django_db
QUOTED = re.compile(r"[“\"]([^”\"]+)[”\"]")


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("category", [c.value for c in Category])
def test_controls_named_by_a_hint_are_on_the_page(client, category, language):
    client.force_login(ParticipantFactory(user=UserFactory()).user)
    client.cookies["django_language"] = language
    response = client.get(reverse("complaints:self_help", args=[category]))
    hint = response.context["help"].hint
    labels = _labels(response.content.decode())
    assert all(name in labels for name in QUOTED.findall(str(hint)))


def test_the_login_hint_names_the_button_below_it(client):
    client.cookies["django_language"] = "en"
    body = client.get(reverse("complaints:self_help", args=["cannot_log_in"])).content.decode()
    assert "press “Set a new password” below" in body
    assert "Set a new password</a>" in body
