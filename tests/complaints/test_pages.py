"""Complaint pages on a phone: a prompt in the dropdown, the errors summed up at the top with
links to their fields, and the ticket's facts as a summary list."""

import pytest
from django.urls import reverse

from complaints import services
from complaints.models import Category
from tests.factories import ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "prompt"), [("id", "Pilih kantor cabang"),
                                                   ("en", "Choose a branch office")])  # fmt: skip
def test_the_branch_dropdown_prompts_instead_of_dashes(client, language, prompt):
    client.cookies["django_language"] = language
    body = client.get(reverse("complaints:create", args=["cannot_log_in"])).content.decode()
    assert f'<option value="" selected>{prompt}</option>' in body
    assert "---------" not in body


def test_a_failed_complaint_lists_each_error_at_the_top_linking_to_its_field(client):
    client.cookies["django_language"] = "en"
    response = client.post(reverse("complaints:create", args=["cannot_log_in"]), {"subject": "x"})
    body = response.content.decode()
    summary = body.index('class="error-summary')
    assert summary < body.index('<form method="post" class="stacked"')
    assert 'href="#id_nik">NIK (16 digits, from your KTP): Enter your NIK' in body
    assert (
        'href="#id_branch">Nearest branch office: Choose the branch office nearest to you.' in body
    )
    assert 'value="x"' in body  # what was typed stays


def test_the_ticket_page_shows_its_facts_as_a_summary_list(client):
    participant = ParticipantFactory(user=UserFactory())
    ticket = services.ticket_create(
        participant=participant, category=Category.OTHER, subject="Saldo", body="Tolong",
        attachments=[],
    )  # fmt: skip
    client.force_login(participant.user)
    body = client.get(reverse("complaints:detail", args=[ticket.number])).content.decode()
    assert '<dl class="summary-list">' in body
    assert '<span class="tag tag-grey">Menunggu petugas</span>' in body
    listing = client.get(reverse("complaints:list")).content.decode()
    assert '<table class="responsive list">' in listing
    assert (
        f'data-label="Tiket"><a href="{reverse("complaints:detail", args=[ticket.number])}"'
        in listing
    )
