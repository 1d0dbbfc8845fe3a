"""The branch counter: one member on one screen, decisions from there, walk-ins served at
another branch (issue 20 parts 1 and 2)."""

import pytest
from django.urls import reverse
from django.utils import translation

from claims.choices import Status
from claims.models import Claim
from core.models import AuditEvent, CounterVisit
from tests.factories import (
    BranchFactory,
    ClaimFactory,
    KpjCardFactory,
    ParticipantFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db
STAFF_PERMISSIONS = [
    "participants.view_participant",
    "claims.view_claim",
    "claims.change_claim",
    "appointments.change_appointment",
]


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def member():
    participant = ParticipantFactory(full_name="Asep Sunandar")
    KpjCardFactory(participant=participant, number="12345678901")
    return participant


@pytest.fixture
def officer(client, member):
    user = StaffFactory(branch=member.branch, password=None, perms=STAFF_PERMISSIONS)
    client.force_login(user)
    return user


def _member_page(client, member):
    return client.get(reverse("counter:member", args=[member.pk]), HTTP_ACCEPT_LANGUAGE="en")


def _decide(client, claim, decision, reason=""):
    return client.post(
        reverse("counter:decide", args=[claim.pk]),
        {"decision": decision, "reason": reason},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )


def test_a_member_is_found_at_any_branch_by_nik_kpj_or_name(client, officer, member):
    elsewhere = ParticipantFactory(full_name="Asep Gunawan", branch=BranchFactory())
    home = reverse("counter:home")
    for query, expected in [
        (member.nik, {member.pk}),
        ("12345678901", {member.pk}),
        ("asep", {member.pk, elsewhere.pk}),
    ]:
        response = client.get(home, {"q": query})
        assert {p.pk for p in response.context["found"]} == expected
    refused = client.get(home, {"q": "12"})
    assert response.status_code == refused.status_code == 200
    assert "at least 3 letters" in refused.content.decode()


def test_one_screen_approve_from_the_detail(client, officer, member):
    claim = ClaimFactory(participant=member, status=Status.IN_REVIEW, amount_estimated=8_000_000)
    page = _member_page(client, member).content.decode()
    assert "Rp8.000.000" in page
    assert f'action="{reverse("counter:decide", args=[claim.pk])}"' in page

    done = _decide(client, claim, "approve")
    claim.refresh_from_db()
    assert (claim.status, claim.approved_by) == (Status.APPROVED, officer)
    assert done.redirect_chain[-1][0] == reverse("counter:member", args=[member.pk])


def test_above_the_limit_the_claim_goes_to_a_second_officer_who_sees_it_waiting(
    client, officer, member
):
    claim = ClaimFactory(participant=member, status=Status.IN_REVIEW, amount_estimated=42_000_000)
    first = _decide(client, claim, "approve").content.decode()
    assert "sent to a second officer" in first
    claim.refresh_from_db()
    assert claim.status == Status.SECOND_APPROVAL
    assert not client.get(reverse("counter:home")).context["second_approvals"]  # not mine

    colleague = StaffFactory(branch=member.branch, password=None, perms=STAFF_PERMISSIONS)
    client.force_login(colleague)
    assert client.get(reverse("counter:home")).context["second_approvals"] == [claim]
    _decide(client, claim, "approve")
    claim.refresh_from_db()
    assert (claim.status, claim.second_approved_by) == (Status.APPROVED, colleague)


def test_reject_needs_a_reason_and_keeps_the_claim_otherwise(client, officer, member):
    claim = ClaimFactory(participant=member, status=Status.IN_REVIEW)
    refused = _decide(client, claim, "reject").content.decode()
    assert "Reason" in refused
    assert Claim.objects.get(pk=claim.pk).status == Status.IN_REVIEW
    _decide(client, claim, "reject", "Paklaring tidak terbaca")
    assert Claim.objects.get(pk=claim.pk).status == Status.REJECTED


def test_another_branch_reads_audited_then_serves_the_walk_in_here(client, member):
    claim = ClaimFactory(participant=member, status=Status.IN_REVIEW, amount_estimated=1_000_000)
    other_branch = BranchFactory()
    visitor = StaffFactory(branch=other_branch, password=None, perms=STAFF_PERMISSIONS)
    client.force_login(visitor)

    page = _member_page(client, member).content.decode()
    assert "Serve at this branch" in page
    assert reverse("counter:decide", args=[claim.pk]) not in page  # read view only
    viewed = AuditEvent.objects.get(action="viewed", actor=visitor)
    assert (viewed.participant_id, viewed.detail["via"], viewed.serving_branch) == (
        member.pk,
        "counter",
        other_branch,
    )
    _decide(client, claim, "approve")
    assert Claim.objects.get(pk=claim.pk).status == Status.IN_REVIEW  # refused

    client.post(reverse("counter:serve", args=[member.pk]))
    assert CounterVisit.objects.filter(participant=member, branch=other_branch).count() == 1
    _decide(client, claim, "approve")
    claim.refresh_from_db()
    assert claim.status == Status.APPROVED
    approval = AuditEvent.objects.get(action="claim_approved")
    assert approval.serving_branch == other_branch  # recorded where it happened
    member.refresh_from_db()
    assert member.branch != other_branch  # the home branch stays


def test_the_member_screen_takes_the_same_queries_for_1_or_5_claims(client, officer, member):
    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            _member_page(client, member)
        return len(queries)

    ClaimFactory(participant=member, status=Status.PAID)
    _member_page(client, member)  # warms caches
    one = count()
    for _ in range(4):
        ClaimFactory(participant=member, status=Status.PAID)
    assert count() == one


def test_the_claim_page_reads_as_a_record_with_rupiah_and_no_plumbing(client, officer, member):
    claim = ClaimFactory(participant=member, status=Status.IN_REVIEW, amount_estimated=2_000_000)
    body = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert "Rp2.000.000" in body
    assert "2000000" not in body
    assert "_addanother" not in body
    assert claim.idempotency_key not in body
    assert reverse("counter:member", args=[member.pk]) in body


def test_participants_and_staff_without_permission_are_refused(client, member):
    anonymous = client.get(reverse("counter:home"))
    assert anonymous.status_code == 302
    client.force_login(StaffFactory(branch=member.branch, password=None))
    assert client.get(reverse("counter:member", args=[member.pk])).status_code == 403


def test_call_next_opens_the_called_members_screen_and_done_closes_the_number(
    client, officer, member
):
    from appointments.models import QueueTicket
    from appointments.services import ticket_issue_walk_in
    from tests.appointments.conftest import open_branch
    from tests.factories import ServiceTypeFactory, permissions

    officer.user_permissions.add(*permissions(["appointments.change_queueticket"]))
    service = ServiceTypeFactory()
    open_branch(member.branch, service)
    ticket = ticket_issue_walk_in(
        branch=member.branch, service_type=service, channel="staff",
        participant=member, actor=officer,
    )  # fmt: skip
    called = client.post(reverse("admin:appointments_queueticket_counter"),
                         {"action": "call_next", "counter": "2"})  # fmt: skip
    assert called["Location"] == reverse("counter:member", args=[member.pk]) + "?counter=2"
    page = client.get(called["Location"]).content.decode()
    assert ticket.label in page
    assert 'value="serve_finish"' in page
    client.post(reverse("admin:appointments_queueticket_counter"),
                {"action": "serve_finish", "ticket": ticket.pk, "branch": member.branch_id,
                 "counter": "2"})  # fmt: skip
    ticket.refresh_from_db()
    assert ticket.status == QueueTicket.Status.DONE
