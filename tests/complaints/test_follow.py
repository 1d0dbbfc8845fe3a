"""Following a complaint sent without an account: ticket number plus the NIK or phone given."""

import datetime

import pytest
from django.urls import reverse

from complaints import views
from complaints.tokens import ticket_status_token
from tests.factories import BranchFactory, TicketFactory, make_nik

pytestmark = pytest.mark.django_db

NIK = make_nik(birth_date=datetime.date(1990, 7, 25), gender="F", sequence=2)


@pytest.fixture
def ticket():
    return TicketFactory(
        number="PGD-FOLLOW01", participant=None, branch=BranchFactory(), category="cannot_log_in",
        contact_name="Siti Aminah", contact_nik=NIK, contact_email="siti@example.test",
        contact_phone="0812-3456-7890",
    )  # fmt: skip


def follow(client, number, nik_or_phone, **extra):
    return client.post(
        reverse("complaints:follow"), {"number": number, "nik_or_phone": nik_or_phone}, **extra
    )


def status_path(ticket):
    return reverse("complaints:status", args=[ticket.number, ticket_status_token(ticket=ticket)])


@pytest.mark.parametrize("contact", [NIK, "081234567890", "+62 812 3456 7890"])
def test_number_plus_nik_or_phone_opens_the_complaint(client, ticket, contact):
    response = follow(client, "pgd-follow01 ", contact)
    assert response.status_code == 302
    assert response["Location"] == status_path(ticket)
    assert client.get(response["Location"]).status_code == 200


def test_a_wrong_number_and_a_wrong_nik_read_the_same(client, ticket):
    wrong_nik = follow(client, ticket.number, make_nik(birth_date=datetime.date(1990, 7, 25),
                                                       gender="F", sequence=3))  # fmt: skip
    wrong_number = follow(client, "PGD-NOSUCH99", NIK)
    wrong_phone = follow(client, ticket.number, "081299999999")
    pages = [r.content.decode().split('name="csrfmiddlewaretoken"')[0] for r in
             (wrong_nik, wrong_number, wrong_phone)]  # fmt: skip
    assert {r.status_code for r in (wrong_nik, wrong_number, wrong_phone)} == {200}
    codes = [
        [e.code for e in r.context["form"].non_field_errors().as_data()]
        for r in (wrong_nik, wrong_number, wrong_phone)
    ]
    assert codes == [["not_found"]] * 3
    assert pages[0] == pages[1] == pages[2]
    assert ticket.contact_name not in wrong_nik.content.decode()


def test_a_participants_complaint_is_followed_after_logging_in_only(client):
    own = TicketFactory(number="PGD-ACCOUNT1")
    response = follow(client, own.number, own.participant.nik)
    assert response.status_code == 200


def test_tries_are_limited_per_ticket_number(client, ticket):
    statuses = [follow(type(client)(), ticket.number, "081200000000").status_code
                for _ in range(6)]  # fmt: skip
    assert statuses == [200] * 5 + [429]
    assert follow(client, ticket.number, NIK).status_code == 429  # even the right one, now


def test_tries_are_limited_per_client_behind_the_trusted_proxy(
    client, ticket, settings, monkeypatch
):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    monkeypatch.setitem(views.FOLLOW_LIMITS, "ip", (2, 3600))
    walker = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    for number in ("PGD-AAAAAAA1", "PGD-AAAAAAA2"):
        follow(client, number, NIK, **walker)
    assert follow(client, ticket.number, NIK, **walker).status_code == 429
    neighbour = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.8"}
    assert follow(type(client)(), ticket.number, NIK, **neighbour).status_code == 302
