"""Kartu saya and "Tambah kartu KPJ": contents, query counts, ownership, the check, the
three answers, the rate limit and the audit."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEvent
from participants import cards, ledger, services
from participants.models import KpjCard
from tests.factories import (
    EmployerFactory,
    KpjCardFactory,
    ParticipantFactory,
    StaffFactory,
    UserFactory,
    make_nik,
)

pytestmark = pytest.mark.django_db
D = datetime.date
MY_CARDS = "/cards/"
ADD = "/cards/add/"


@pytest.fixture
def client(client):
    """Pages in English (the portal speaks Indonesian unless the cookie says otherwise)."""
    client.cookies["django_language"] = "en"
    return client


def post(card, month, amount=100_000, program="JHT"):
    return ledger.ledger_contribution_post(
        kpj_card=card, month=month, program=program, employer_amount=amount,
        worker_amount=0, paid_on=month,
    )  # fmt: skip


@pytest.fixture
def budi():
    """A participant with a login, an active card (two months) and a non-active one."""
    user = UserFactory()
    participant = ParticipantFactory(user=user, full_name="Budi Santoso")
    employer = EmployerFactory(name="PT Tekstil Majalaya Sejahtera", registration_number="32040001")
    active = KpjCardFactory(participant=participant, number="10000000011", employer=employer)
    old = KpjCardFactory(
        participant=participant, number="10000000012", employer=None, status="non_active"
    )
    post(active, D(2024, 1, 1))
    post(active, D(2024, 2, 1))
    post(active, D(2024, 2, 1), program="JKK", amount=5_000)  # the same month, counted once
    post(old, D(2019, 5, 1), amount=60_000)
    return user


@pytest.fixture
def stray():
    """A card held under another NIK (another record), registered by an employer, with its
    first contribution in March 2019."""
    employer = EmployerFactory(name="CV Sepatu Soreang", registration_number="32040002")
    holder = ParticipantFactory(full_name="Siti Aminah")
    card = KpjCardFactory(participant=holder, number="10000000099", employer=employer)
    post(card, D(2019, 3, 1))
    post(card, D(2019, 4, 1))
    return card


def test_my_cards_lists_every_card_with_employer_status_months_and_balance(client, budi):
    client.force_login(budi)
    response = client.get(reverse("my_cards"))
    body = response.content.decode()
    assert response.status_code == 200
    assert reverse("my_cards") == MY_CARDS
    for text in ("10000000011", "10000000012", "PT Tekstil Majalaya Sejahtera", "Rp260.000",
                 "Rp200.000", "Rp60.000"):  # fmt: skip
        assert text in body
    overview = cards.cards_overview_get(participant=budi.participant)
    months = {line.card.number: line.months for line in overview.cards}
    assert months == {"10000000011": 2, "10000000012": 1}
    for card in KpjCard.objects.filter(participant=budi.participant):
        assert reverse("card", args=[card.pk]) in body
    assert 'href="/cards/add/"' in body


def test_a_reversed_month_does_not_count(budi):
    card = KpjCard.objects.get(number="10000000011")
    ledger.ledger_posting_reverse(
        posting=card.postings.get(month=D(2024, 1, 1)), actor=None, reason="t", on=D(2024, 3, 1)
    )
    overview = cards.cards_overview_get(participant=budi.participant)
    assert {line.card.number: line.months for line in overview.cards}["10000000011"] == 1


def test_my_cards_makes_the_same_number_of_queries_for_two_or_six_cards(client, budi):
    client.force_login(budi)
    client.get(MY_CARDS)  # session and caches warm
    with CaptureQueriesContext(connection) as two:
        client.get(MY_CARDS)
    for n in range(4):
        post(KpjCardFactory(participant=budi.participant, number=f"1000000002{n}"), D(2023, 1, 1))
    with CaptureQueriesContext(connection) as six:
        response = client.get(MY_CARDS)
    assert response.content.decode().count("Show the digital card") == 6
    assert len(six) == len(two) <= 9


def test_my_cards_shows_only_the_participants_own_cards(client, budi, stray):
    client.force_login(budi)
    body = client.get(MY_CARDS).content.decode()
    assert stray.number not in body
    assert "Siti Aminah" not in body


def test_my_cards_needs_a_login_and_a_participant(client):
    assert client.get(MY_CARDS).status_code == 302
    client.force_login(StaffFactory())
    assert client.get(MY_CARDS).status_code == 404


def link(client, number, employer="", month="2019-03", self_registered=False, **extra):
    data = {"number": number, "employer": employer, "first_month": month}
    if self_registered:
        data["self_registered"] = "on"
    return client.post(ADD, data, **extra)


def test_add_card_page_has_the_indonesian_button_label(client, budi):
    client.force_login(budi)
    client.cookies["django_language"] = "id"
    body = client.get(MY_CARDS).content.decode()
    assert "Tambah kartu KPJ" in body
    assert "Kartu saya" in body


def test_a_card_of_the_own_nik_is_already_listed(client, budi):
    client.force_login(budi)
    response = link(client, "10000000012", self_registered=True, follow=True)
    assert response.redirect_chain[-1][0] == MY_CARDS
    assert "10000000012 is already in your account" in response.content.decode()


def test_a_card_of_another_nik_is_refused_with_the_reason_and_the_branch_path(client, budi, stray):
    client.force_login(budi)
    response = link(client, stray.number, employer="sepatu soreang", month="03/2019")
    body = response.content.decode()
    assert response.status_code == 200
    assert "registered with another NIK" in body
    assert "branch office" in body
    assert "Siti Aminah" not in body
    assert stray.participant.masked_nik not in body
    stray.refresh_from_db()
    assert stray.participant_id != budi.participant.pk
    audit = AuditEvent.objects.get(action="kpj_card_link_attempt")
    assert (audit.participant_id, audit.actor_id) == (budi.participant.pk, budi.pk)
    assert audit.detail == {"result": "other_nik", "kpj_card": stray.pk}


def test_a_card_a_partner_registered_under_another_nik_proves_nothing(client, budi):
    """An employer's key registers a card for the same name and birth date under another
    NIK: the card stays with that record; Tambah kartu KPJ refuses it."""
    employer = EmployerFactory(name="PT Sepatu Soreang Makmur")
    me = budi.participant
    other_nik = make_nik(birth_date=me.birth_date, sequence=9000)
    [card] = services.members_register_for_employer(
        employer=employer,
        members=[services.NewMember(nik=other_nik, full_name=me.full_name,
                                    birth_date=me.birth_date, gender=me.gender,
                                    category=me.category, joined_on=D(2025, 1, 1))],
    )  # fmt: skip
    client.force_login(budi)
    response = link(client, card.number, employer="Sepatu Soreang Makmur", month="2025-01")
    assert "registered with another NIK" in response.content.decode()
    card.refresh_from_db()
    assert card.participant.nik == other_nik
    assert card.number not in client.get(MY_CARDS).content.decode()


@pytest.mark.parametrize(
    ("number", "employer", "month"),
    [
        ("10000000099", "Sepatu Soreang", "2019-04"),  # wrong first month
        ("10000000099", "Tekstil Majalaya", "2019-03"),  # wrong employer
        ("10000000099", "Sep", "2019-03"),  # too little of the name
        ("10000000098", "Sepatu Soreang", "2019-03"),  # no such card
    ],
)
def test_wrong_details_get_one_answer(client, budi, stray, number, employer, month):
    client.force_login(budi)
    body = link(client, number, employer=employer, month=month).content.decode()
    assert "These details do not match a card" in body
    assert "another NIK" not in body
    assert AuditEvent.objects.get(action="kpj_card_link_attempt").detail["result"] == "no_match"


def test_the_employer_number_npp_is_accepted(client, budi, stray):
    client.force_login(budi)
    body = link(client, stray.number, employer="32040002").content.decode()
    assert "registered with another NIK" in body


def test_bad_input_names_the_field_and_keeps_what_was_typed(client, budi):
    client.force_login(budi)
    response = client.post(ADD, {"number": "1234", "employer": "", "first_month": "13/2019"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "A KPJ number has exactly 11 digits." in body
    assert "Enter the employer, or tick the box" in body
    assert "Enter the month and year, for example 03/2019." in body
    assert 'value="1234"' in body
    assert 'href="#id_number"' in body
    assert not AuditEvent.objects.filter(action="kpj_card_link_attempt").exists()


def test_attempts_are_limited_per_participant(client, budi, stray):
    client.force_login(budi)
    limit = cards.ATTEMPTS_PER_PARTICIPANT[0]
    for _ in range(limit):
        assert link(client, stray.number, employer="x" * 6).status_code == 200
    response = link(client, stray.number, employer="Sepatu Soreang")
    assert response.status_code == 429
    assert "Too many tries" in response.content.decode()
    assert AuditEvent.objects.filter(detail__result="rate_limited").count() == 1


def test_attempts_are_limited_per_client_address_behind_the_trusted_proxy(
    client, settings, budi, stray, monkeypatch
):
    """Behind one proxy the address it appends counts; a forged left-hand entry does not
    give a fresh allowance, and other clients of the same proxy are not blocked."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    monkeypatch.setattr(cards, "ATTEMPTS_PER_ADDRESS", (3, 3600))
    monkeypatch.setattr(cards, "ATTEMPTS_PER_PARTICIPANT", (100, 3600))
    client.force_login(budi)
    for n in range(3):
        forged = {"HTTP_X_FORWARDED_FOR": f"10.9.9.{n}, 198.51.100.7", "REMOTE_ADDR": "127.0.0.1"}
        assert link(client, stray.number, "Sepatu", **forged).status_code == 200
    again = {"HTTP_X_FORWARDED_FOR": "10.9.9.99, 198.51.100.7", "REMOTE_ADDR": "127.0.0.1"}
    assert link(client, stray.number, "Sepatu", **again).status_code == 429
    other = {"HTTP_X_FORWARDED_FOR": "198.51.100.8", "REMOTE_ADDR": "127.0.0.1"}
    assert link(client, stray.number, "Sepatu", **other).status_code == 200


def test_without_a_proxy_the_forwarded_header_is_ignored(rf, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
    request = rf.get("/", HTTP_X_FORWARDED_FOR="198.51.100.1", REMOTE_ADDR="203.0.113.5")
    assert cards.client_address(request) == "203.0.113.5"


@pytest.mark.parametrize(
    ("typed", "self_registered", "expected"),
    [
        ("PT Tekstil Majalaya Sejahtera", False, True),
        ("tekstil majalaya", False, True),
        ("Tekstil-Majalaya, PT", False, True),  # the legal form anywhere, any punctuation
        ("Majalaya Tekstil", False, False),  # words out of order are not the name
        ("PT. TEKSTIL MAJALAYA SEJAHTERA TBK", False, True),
        ("32040001", False, True),
        ("Tekst", False, False),  # a word cut short
        ("majalaya", False, False),
        ("", True, False),
    ],
)
def test_employer_matching(typed, self_registered, expected):
    employer = EmployerFactory.build(
        name="PT Tekstil Majalaya Sejahtera", registration_number="32040001"
    )
    card = KpjCardFactory.build(employer=employer)
    assert cards.employer_matches(card, typed, self_registered=self_registered) is expected


def test_a_self_registered_card_needs_the_box(budi):
    card = KpjCard.objects.get(number="10000000012")
    assert cards.employer_matches(card, "", self_registered=True) is True
    assert cards.employer_matches(card, "PT Apa Saja", self_registered=False) is False


def test_a_card_never_paid_into_starts_in_its_joining_month():
    card = KpjCardFactory(joined_on=D(2022, 7, 19))
    assert cards.kpj_card_first_month(card=card) == D(2022, 7, 1)
