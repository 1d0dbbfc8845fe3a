import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse

from complaints.models import Ticket
from complaints.tokens import ticket_status_token
from tests.factories import BranchFactory, ParticipantFactory, StaffFactory, make_nik

pytestmark = pytest.mark.django_db

NIK = make_nik(birth_date=datetime.date(1990, 7, 25), gender="F", sequence=2)


def _form(branch, **overrides):
    return {
        "nik": NIK,
        "name": "Siti Aminah",
        "email": "siti.baru@example.test",
        "phone": "081234567890",
        "branch": branch.pk,
        "subject": "Email lama sudah tidak aktif",
        "body": "Saya tidak bisa masuk karena email lama hilang.",
        **overrides,
    }


def test_visitor_files_a_login_complaint_and_follows_it_by_status_link(
    client, django_capture_on_commit_callbacks
):
    nearest = BranchFactory(code="baleendah")
    home_branch = BranchFactory(code="soreang")
    ParticipantFactory(nik=NIK, branch=home_branch, gender="F")
    url = reverse("complaints:create", args=["cannot_log_in"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, _form(nearest))

    ticket = Ticket.objects.get()
    status_path = reverse(
        "complaints:status", args=[ticket.number, ticket_status_token(ticket=ticket)]
    )
    assert response.url == f"{status_path}?new=1"
    assert ticket.is_anonymous
    assert ticket.contact_nik == NIK
    assert ticket.branch == home_branch  # a registered NIK goes to its own branch
    # The confirmation e-mail carries the status link, never the NIK.
    assert mail.outbox[0].to == ["siti.baru@example.test"]
    assert status_path in mail.outbox[0].body
    assert NIK not in mail.outbox[0].body

    page = client.get(response.url)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "no-referrer"
    assert ticket.number in page.content.decode()

    # A reply from staff, then the visitor answers and rates through the same link.
    from complaints import services

    staff = StaffFactory(branch=home_branch)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_reply(
            ticket=ticket, body="Email sudah kami ganti.", author=staff, from_staff=True
        )
    assert status_path in mail.outbox[-1].body
    client.post(status_path, {"action": "reply", "body": "Terima kasih, sudah bisa."})
    services.ticket_resolve(ticket=ticket, actor=staff)
    client.post(status_path, {"action": "rate", "rating": "5", "comment": ""})
    ticket.refresh_from_db()
    assert ticket.messages.count() == 3
    assert ticket.rating == 5


def test_status_link_needs_the_right_token(client):
    ticket = Ticket.objects.create(
        number="PGD-ABCDEFGH",
        category="duplicate_account",
        subject="s",
        branch=BranchFactory(),
        contact_nik=NIK,
        contact_email="x@example.test",
        first_response_due="2026-01-01T00:00Z",
        resolution_due="2026-01-02T00:00Z",
    )
    good = ticket_status_token(ticket=ticket)
    assert client.get(reverse("complaints:status", args=[ticket.number, good])).status_code == 200
    wrong = reverse("complaints:status", args=[ticket.number, "0" * 32])
    assert client.get(wrong).status_code == 404
    assert client.post(wrong, {"action": "reply", "body": "x"}).status_code == 404


def test_participant_tickets_have_no_status_link(client):
    from tests.factories import TicketFactory

    ticket = TicketFactory()
    url = reverse("complaints:status", args=[ticket.number, ticket_status_token(ticket=ticket)])
    assert client.get(url).status_code == 404


def test_anonymous_form_errors_say_what_to_fix(client):
    client.cookies["django_language"] = "en"
    branch = BranchFactory()
    response = client.post(
        reverse("complaints:create", args=["duplicate_account"]),
        _form(branch, nik="1234", email="not-an-address"),
    )
    errors = response.context["form"].errors
    assert "16 digits" in errors["nik"][0]
    assert "e-mail address is not valid" in errors["email"][0]
    assert not Ticket.objects.exists()


def test_anonymous_complaints_are_rate_limited(client):
    branch = BranchFactory()
    url = reverse("complaints:create", args=["cannot_log_in"])
    statuses = [client.post(url, _form(branch)).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]  # three per NIK per day
    assert Ticket.objects.count() == 3
    other_nik = make_nik(birth_date=datetime.date(1985, 3, 12), sequence=1)
    more = [client.post(url, _form(branch, nik=other_nik)).status_code for _ in range(2)]
    assert more == [302, 429]  # five per address per hour
    client.cookies["django_language"] = "en"
    assert "Wait an hour" in client.post(url, _form(branch, nik=other_nik)).content.decode()
    ticket = Ticket.objects.first()
    assert re.fullmatch(r"PGD-[A-Z2-9]{8}", ticket.number)
