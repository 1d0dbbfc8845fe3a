import pytest
from django.core import mail
from django.urls import reverse

from complaints.models import Ticket
from tests.factories import BranchFactory, ParticipantFactory, StaffFactory, TicketFactory

pytestmark = pytest.mark.django_db
PERMISSIONS = ["complaints.view_ticket", "complaints.change_ticket"]


# The read-only conversation inline's management form, as the browser sends it.
THREAD = {"messages-TOTAL_FORMS": "0", "messages-INITIAL_FORMS": "0"}


@pytest.fixture
def two_branches():
    return BranchFactory(code="soreang"), BranchFactory(code="majalaya")


def test_queue_is_scoped_to_the_staff_branch(client, two_branches):
    soreang, majalaya = two_branches
    mine = TicketFactory(participant=ParticipantFactory(branch=soreang), subject="Saldo hilang")
    theirs = TicketFactory(participant=ParticipantFactory(branch=majalaya), subject="Klaim ditolak")
    client.force_login(StaffFactory(branch=soreang, perms=PERMISSIONS))

    listing = client.get(reverse("admin:complaints_ticket_changelist"))
    body = listing.content.decode()
    assert mine.number in body
    assert theirs.number not in body
    foreign = client.get(reverse("admin:complaints_ticket_change", args=[theirs.pk]))
    assert foreign.status_code == 302  # "does not exist" redirect
    posted = client.post(
        reverse("admin:complaints_ticket_change", args=[theirs.pk]), {"reply": "halo", **THREAD}
    )
    assert posted.status_code == 302
    assert theirs.messages.count() == 0


def test_staff_assign_reply_and_resolve_from_the_change_page(
    client, two_branches, django_capture_on_commit_callbacks
):
    soreang, _ = two_branches
    participant = ParticipantFactory(branch=soreang, email="peserta@example.test")
    ticket = TicketFactory(participant=participant)
    staff = StaffFactory(branch=soreang, perms=PERMISSIONS)
    client.force_login(staff)
    url = reverse("admin:complaints_ticket_change", args=[ticket.pk])
    assert client.get(url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"assign_to": staff.pk, "reply": "Kartu sudah dihubungkan.", "resolve": "on", **THREAD},
        )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assigned_to == staff
    assert ticket.status == Ticket.Status.RESOLVED
    assert ticket.first_responded_at is not None
    reply = ticket.messages.get(from_staff=True)
    assert reply.author == staff
    assert reply.emailed_at is not None
    assert [m.to for m in mail.outbox] == [["peserta@example.test"], ["peserta@example.test"]]


def test_staff_cannot_assign_to_another_branch(client, two_branches):
    soreang, majalaya = two_branches
    ticket = TicketFactory(participant=ParticipantFactory(branch=soreang))
    client.force_login(StaffFactory(branch=soreang, perms=PERMISSIONS))
    outsider = StaffFactory(branch=majalaya)
    response = client.post(
        reverse("admin:complaints_ticket_change", args=[ticket.pk]),
        {"assign_to": outsider.pk, **THREAD},
    )
    assert response.status_code == 200  # the form refuses the choice
    assert "assign_to" in response.context["adminform"].form.errors
    ticket.refresh_from_db()
    assert ticket.assigned_to is None


def test_staff_without_branch_or_permission_see_nothing(client, two_branches):
    soreang, _ = two_branches
    TicketFactory(participant=ParticipantFactory(branch=soreang))
    client.force_login(StaffFactory(branch=soreang))
    assert client.get(reverse("admin:complaints_ticket_changelist")).status_code == 403
    homeless = StaffFactory(branch=soreang, perms=PERMISSIONS)
    homeless.branch = None
    homeless.save(update_fields=["branch"])
    client.force_login(homeless)
    response = client.get(reverse("admin:complaints_ticket_changelist"))
    assert response.context["cl"].result_count == 0
