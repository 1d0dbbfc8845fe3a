"""Cek saldo (page and API), annual statement, digital card: contents, query counts, ownership."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from participants import ledger, services
from participants.card import card_token
from participants.models import ContributionPosting, JhtBalance, KpjBalance
from tests.factories import KpjCardFactory, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date


EPOCH = D(2000, 1, 1)


def months(count, start=EPOCH):
    month = start
    for _ in range(count):
        yield month
        month = (month + datetime.timedelta(days=32)).replace(day=1)


def with_history(card, count, amount=100_000):
    """`count` months of JHT postings in bulk, balances set as the ledger would."""
    ContributionPosting.objects.bulk_create(
        ContributionPosting(
            kpj_card=card, participant_id=card.participant_id, kind="contribution",
            program="JHT", month=month, employer_amount=amount, worker_amount=0, amount=amount,
            paid_on=month,
        )
        for month in months(count)
    )  # fmt: skip
    last = list(months(count))[-1]
    KpjBalance.objects.update_or_create(
        kpj_card=card, defaults={"balance": count * amount, "last_contribution_month": last}
    )
    JhtBalance.objects.update_or_create(
        participant_id=card.participant_id,
        defaults={
            "balance": count * amount,
            "posting_count": count,
            "last_contribution_month": last,
        },
    )


@pytest.fixture
def owner():
    user = UserFactory()
    participant = ParticipantFactory(user=user, full_name="Budi Santoso")
    first = KpjCardFactory(participant=participant, number="10000000011")
    second = KpjCardFactory(participant=participant, number="10000000012", employer=None)
    services.enrolment_start(kpj_card=first, programs=["JHT", "JKK"], started_on=D(2015, 1, 1))
    ledger.ledger_contribution_post(
        kpj_card=first, month=D(2024, 1, 1), program="JHT", employer_amount=185_000,
        worker_amount=100_000, paid_on=D(2024, 2, 10),
    )  # fmt: skip
    ledger.ledger_contribution_post(
        kpj_card=second, month=D(2024, 2, 1), program="JHT", employer_amount=0,
        worker_amount=60_000, paid_on=D(2024, 3, 10),
    )  # fmt: skip
    return user


@pytest.fixture
def other():
    user = UserFactory()
    participant = ParticipantFactory(user=user, full_name="Siti Aminah")
    KpjCardFactory(participant=participant, number="10000000099")
    return user


def test_balance_page_shows_total_cards_and_postings(client, owner):
    client.force_login(owner)
    response = client.get(reverse("balance"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Rp345.000" in body  # 285,000 + 60,000 across both cards
    assert "10000000011" in body
    assert "10000000012" in body
    assert "02/2024" in body  # last contribution month
    assert "no-store" in response["Cache-Control"]


def test_balance_api_shape(client, owner):
    client.force_login(owner)
    data = client.get(reverse("api-me-balance")).json()
    assert data["balance"] == 345_000
    assert data["last_contribution_month"] == "2024-02"
    cards = {card["kpj_number"]: card for card in data["cards"]}
    assert cards["10000000011"]["balance"] == 285_000
    assert [p["program"] for p in cards["10000000011"]["programs"]] == ["JHT", "JKK"]
    assert cards["10000000012"]["employer"] is None
    assert data["postings"]["count"] == 2
    assert data["postings"]["results"][0] == {
        "kpj_number": "10000000012", "kind": "contribution", "program": "JHT",
        "month": "2024-02", "employer": 0, "worker": 60_000, "amount": 60_000,
        "paid_on": "2024-03-10",
    }  # fmt: skip


def test_balance_api_needs_login_and_a_participant(client):
    response = client.get(reverse("api-me-balance"))
    assert response.status_code == 403
    assert response.json()["code"] == "not_authenticated"
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("api-me-balance")).status_code == 404


def test_balance_api_refuses_writes_without_csrf(owner):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.get(reverse("api-me-balance")).status_code == 200
    assert client.post(reverse("api-me-balance")).status_code == 403


def main(response) -> str:
    """The page from <main> on: the header's CSRF token differs on every response."""
    body = response.content.decode()
    return body[body.index("<main") :]


@pytest.mark.parametrize("history", [12, 600])
def test_balance_queries_do_not_grow_with_history(client, django_assert_num_queries, history):
    """Session, user, participant, balance, cards, enrolments, one page of postings."""
    user = UserFactory()
    card = KpjCardFactory(participant=ParticipantFactory(user=user))
    with_history(card, history)
    client.force_login(user)
    client.get(reverse("home"))  # warms the site-wide maintenance-notice cache
    with django_assert_num_queries(7):
        page = client.get(reverse("balance"))
    with django_assert_num_queries(2):  # session and user: the content comes from the cache
        assert main(client.get(reverse("balance"))) == main(page)
    with django_assert_num_queries(7):
        api = client.get(reverse("api-me-balance"))
    assert page.status_code == api.status_code == 200
    assert api.json()["balance"] == history * 100_000
    assert len(api.json()["postings"]["results"]) == 12 if history == 12 else 20


def test_postings_are_paginated_from_the_stored_count(client):
    user = UserFactory()
    card = KpjCardFactory(participant=ParticipantFactory(user=user))
    with_history(card, 45)
    client.force_login(user)
    data = client.get(reverse("api-me-balance"), {"page": 3}).json()["postings"]
    assert (data["page"], data["page_count"], len(data["results"])) == (3, 3, 5)
    assert data["results"][-1]["month"] == "2000-01"  # oldest last
    assert client.get(reverse("balance"), {"page": 99}).status_code == 200


def test_dashboard_shows_the_balance_with_a_link(client, owner, django_assert_num_queries):
    client.force_login(owner)
    client.get(reverse("home"))  # warms the site-wide maintenance-notice cache
    with django_assert_num_queries(5):  # session, user, participant + balance, tickets, next visit
        body = client.get(reverse("dashboard")).content.decode()
    assert "Rp345.000" in body
    assert reverse("balance") in body
    with django_assert_num_queries(2):  # session and user: the content comes from the cache
        assert main(client.get(reverse("dashboard"))) == body[body.index("<main") :]


def test_statement_pdf_has_the_years_figures(client, owner):
    client.force_login(owner)
    response = client.get(reverse("balance_statement", args=[2024]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Rp285.000" in text
    assert "Rp345.000" in text  # the closing total
    assert owner.participant.nik not in text
    assert owner.participant.masked_nik in text


def test_statement_opening_balance_comes_from_the_running_balance(client, owner):
    client.force_login(owner)
    from participants.selectors import statement_get_for_participant

    lines, postings = statement_get_for_participant(participant=owner.participant, year=2023)
    assert [(line.opening, line.closing) for line in lines] == [(0, 0), (0, 0)]
    lines, postings = statement_get_for_participant(participant=owner.participant, year=2024)
    first = next(line for line in lines if line.kpj_number == "10000000011")
    assert (first.opening, first.contributions, first.closing) == (0, 285_000, 285_000)
    assert len(postings) == 2


def test_card_page_has_an_inline_qr_without_personal_data_in_the_link(client, owner):
    client.force_login(owner)
    card = owner.participant.kpj_cards.get(number="10000000011")
    body = client.get(reverse("card", args=[card.pk])).content.decode()
    assert re.search(r"<div class=\"qr\">\s*(<\?xml[^>]*>\s*)?<svg", body)  # the QR, not the logo
    link = re.search(r'href="(http[^"]*/card/verify/[^"]+)"', body).group(1)
    for secret in (owner.participant.nik, "Budi", card.number):
        assert secret not in link


def test_card_verification_is_public_and_shows_no_personal_data(client, owner):
    card = owner.participant.kpj_cards.get(number="10000000011")
    response = client.get(reverse("card_verify", args=[card_token(kpj_card_id=card.pk)]))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="ok"' in body
    for secret in (owner.participant.nik, owner.participant.masked_nik, "Budi Santoso",
                   card.number):  # fmt: skip
        assert secret not in body
    services.kpj_card_report_leaver(kpj_card=card, left_on=D(2024, 6, 30), actor=None)
    body = client.get(reverse("card_verify", args=[card_token(kpj_card_id=card.pk)])).content
    assert b'class="ok"' not in body


def test_a_forged_or_edited_token_verifies_nothing(client, owner):
    card = owner.participant.kpj_cards.first()
    token = card_token(kpj_card_id=card.pk)
    assert client.get(reverse("card_verify", args=[token[:-2] + "xx"])).status_code == 404
    assert client.get(reverse("card_verify", args=["1"])).status_code == 404


# --- ownership: B never reads A's balance, statement or card ------------------------------


def test_other_participant_cannot_open_my_card(client, owner, other):
    client.force_login(other)
    mine = owner.participant.kpj_cards.first()
    assert client.get(reverse("card", args=[mine.pk])).status_code == 404
    assert client.get(reverse("card", args=[999_999])).status_code == 404  # same answer


def test_other_participant_sees_only_their_own_balance_and_statement(client, owner, other):
    client.force_login(other)
    data = client.get(reverse("api-me-balance")).json()
    assert data["balance"] == 0
    assert [card["kpj_number"] for card in data["cards"]] == ["10000000099"]
    body = client.get(reverse("balance")).content.decode()
    assert "10000000011" not in body
    pdf = client.get(reverse("balance_statement", args=[2024])).content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "10000000011" not in text
    assert "Budi" not in text


def test_anonymous_visitors_are_sent_to_log_in(client, owner):
    card = owner.participant.kpj_cards.first()
    for url in (reverse("balance"), reverse("balance_statement", args=[2024]),
                reverse("card", args=[card.pk])):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response.url


def test_staff_without_a_participant_get_404_on_own_pages(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("balance")).status_code == 404
    assert client.get(reverse("balance_statement", args=[2024])).status_code == 404
