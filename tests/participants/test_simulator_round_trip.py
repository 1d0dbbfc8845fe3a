"""The simulators open prefilled, and the prefilled form calculates as it stands, in both
languages: the Indonesian date ("07-12-2026") was dropped by the browser's date input, so the
first "Hitung" failed with "Bidang ini harus diisi." on a field nobody had touched."""

import pytest
from django.urls import reverse

from tests.browser_forms import form_as_sent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_prefilled_contribution_form_calculates_unchanged(client, language):
    client.cookies["django_language"] = language
    url = reverse("simulate_contribution")
    page = client.get(url).content.decode()
    _action, data = form_as_sent(page, containing="category")
    assert data["on_date"], "the browser would send the date empty"
    response = client.get(url, data)
    assert response.context["form"].errors == {}
    assert response.context["result"] is not None
    assert response.context["result"].total > 0


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_prefilled_pension_age_form_answers_unchanged(client, language):
    client.cookies["django_language"] = language
    url = reverse("simulate_contribution")
    _action, data = form_as_sent(client.get(url).content.decode(), containing="year")
    response = client.get(url, data)
    assert response.context["pension"]["year"] == int(data["year"])


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_prefilled_jht_form_projects_unchanged(client, language):
    client.cookies["django_language"] = language
    url = reverse("simulate_jht")
    _action, data = form_as_sent(client.get(url).content.decode(), containing="balance")
    response = client.get(url, data)
    assert response.context["form"].errors == {}
    assert len(response.context["rows"]) == int(data["years"])


def test_a_localised_date_is_what_the_browser_drops(client):
    """The harness bites: the old widget's value would have reached the view empty."""
    page = '<form><input type="date" name="on_date" value="07-12-2026"></form>'
    assert form_as_sent(page, containing="on_date")[1] == {"on_date": ""}


def test_optional_dropdowns_prompt_instead_of_a_dash(client):
    client.cookies["django_language"] = "en"
    page = client.get(reverse("simulate_contribution")).content.decode()
    assert ">-</option>" not in page
    assert "---------" not in page
    assert "Choose a risk class" in page
