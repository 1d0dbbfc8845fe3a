import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail

from complaints import rules, services
from complaints.models import SlaPolicy, Ticket
from complaints.tasks import tickets_escalate_overdue_task
from core.models import AuditEvent
from tests.factories import BranchFactory, ParticipantFactory, StaffFactory

pytestmark = pytest.mark.django_db

OPENED = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _policy(category, first, resolution, start, end=None):
    return SlaPolicy(
        category=category,
        first_response_hours=first,
        resolution_hours=resolution,
        valid_from=start,
        valid_to=end,
    )


def test_the_policy_valid_on_the_date_applies():
    old = _policy("other", 48, 168, datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))
    new = _policy("other", 24, 96, datetime.date(2026, 7, 1))
    policies = [old, new, _policy("claim_problem", 8, 72, datetime.date(2026, 1, 1))]
    assert (
        rules.sla_policy_for(policies=policies, category="other", on=datetime.date(2026, 6, 30))
        is old
    )
    assert (
        rules.sla_policy_for(policies=policies, category="other", on=datetime.date(2026, 7, 1))
        is new
    )
    with pytest.raises(rules.NoSlaPolicy):
        rules.sla_policy_for(policies=policies, category="other", on=datetime.date(2025, 12, 31))
    assert rules.ticket_deadlines(policy=new, opened_at=OPENED) == (
        OPENED + datetime.timedelta(hours=24),
        OPENED + datetime.timedelta(hours=96),
    )


@pytest.fixture
def head_and_ticket(django_capture_on_commit_callbacks):
    branch = BranchFactory(code="majalaya")
    head = StaffFactory(branch=branch, email="kepala.majalaya@example.test")
    head.groups.add(Group.objects.get(name="Branch head"))
    StaffFactory(email="kepala.lain@example.test").groups.add(Group.objects.get(name="Branch head"))
    participant = ParticipantFactory(branch=branch)
    with time_machine.travel(OPENED, tick=False):
        ticket = services.ticket_create(
            participant=participant, category="cannot_log_in", subject="Tidak bisa masuk", body="."
        )
    return head, ticket


def test_overdue_tickets_are_escalated_once_to_their_branch_head(
    head_and_ticket, django_capture_on_commit_callbacks
):
    head, ticket = head_and_ticket
    # cannot_log_in: first answer within 8 h, resolution within 24 h
    with time_machine.travel(OPENED + datetime.timedelta(hours=7, minutes=59), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert tickets_escalate_overdue_task.delay().get() == 0
    assert mail.outbox == []

    with time_machine.travel(OPENED + datetime.timedelta(hours=8, minutes=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert tickets_escalate_overdue_task.delay().get() == 1
            assert tickets_escalate_overdue_task.delay().get() == 0  # marked: not again
    ticket.refresh_from_db()
    assert ticket.response_escalated_at == OPENED + datetime.timedelta(hours=8, minutes=1)
    assert ticket.resolution_escalated_at is None
    assert [m.to for m in mail.outbox] == [[head.email]]
    assert ticket.number in mail.outbox[0].subject
    assert f"/admin/complaints/ticket/{ticket.pk}/change/" in mail.outbox[0].body

    # Staff answer late; the resolution deadline still passes unresolved.
    services.ticket_reply(ticket=ticket, body="Sedang kami cek.", author=head, from_staff=True)
    with time_machine.travel(OPENED + datetime.timedelta(hours=25), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert services.tickets_escalate_overdue() == 1
    ticket.refresh_from_db()
    assert ticket.is_escalated
    assert ticket.resolution_escalated_at is not None
    assert AuditEvent.objects.filter(action="complaint_escalated").count() == 2


def test_answered_and_resolved_tickets_are_not_escalated(head_and_ticket):
    head, ticket = head_and_ticket
    with time_machine.travel(OPENED + datetime.timedelta(hours=1), tick=False):
        services.ticket_reply(
            ticket=ticket, body="Silakan coba lagi.", author=head, from_staff=True
        )
        services.ticket_resolve(ticket=ticket, actor=head)
    with time_machine.travel(OPENED + datetime.timedelta(days=30), tick=False):
        assert services.tickets_escalate_overdue() == 0
    ticket.refresh_from_db()
    assert not ticket.is_escalated


def test_escalation_reaches_superusers_when_a_branch_has_no_head(
    django_capture_on_commit_callbacks,
):
    from participants.models import User

    User.objects.create_superuser("admin@example.test", "x")
    participant = ParticipantFactory()
    with time_machine.travel(OPENED, tick=False):
        services.ticket_create(participant=participant, category="other", subject="s", body="b")
    with time_machine.travel(OPENED + datetime.timedelta(days=3), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            services.tickets_escalate_overdue()
    assert [m.to for m in mail.outbox] == [["admin@example.test"]]
    assert Ticket.objects.get().response_escalated_at is not None


def test_the_beat_schedule_runs_the_escalation(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["complaints-escalate-overdue"]
    assert entry["task"] == tickets_escalate_overdue_task.name
    assert entry["schedule"] <= 15 * 60
