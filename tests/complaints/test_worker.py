import datetime
import time

import pytest
from celery.result import EagerResult
from django.utils import timezone

from complaints import services
from complaints.models import TicketMessage
from complaints.tasks import tickets_escalate_overdue_task
from tests.factories import StaffFactory, TicketFactory, ensure_seeded_rules


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_escalates_and_sends_the_staff_reply(celery_worker):
    ensure_seeded_rules()  # an earlier transactional test may have flushed them
    past = timezone.now() - datetime.timedelta(hours=1)
    overdue = TicketFactory(first_response_due=past)

    result = tickets_escalate_overdue_task.delay()
    assert not isinstance(result, EagerResult)
    assert result.get(timeout=30) == 1
    overdue.refresh_from_db()
    assert overdue.response_escalated_at is not None

    staff = StaffFactory(branch=overdue.branch)
    message = services.ticket_reply(
        ticket=overdue, body="Sudah kami cek.", author=staff, from_staff=True
    )
    # on_commit queued the e-mail task; the worker claims the message before sending.
    deadline = timezone.now() + datetime.timedelta(seconds=30)
    while timezone.now() < deadline:
        if TicketMessage.objects.filter(pk=message.pk, emailed_at__isnull=False).exists():
            break
        time.sleep(0.2)
    assert TicketMessage.objects.get(pk=message.pk).emailed_at is not None
