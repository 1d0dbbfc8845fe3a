import datetime
import time

import pytest
from django.utils import timezone

from appointments import services
from appointments.models import Appointment
from tests.factories import ParticipantFactory


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_schedules_a_new_request_and_mails_it(celery_worker, service, branch):
    """The request commits, its on-commit task goes through Redis to a prefork worker,
    which plans, assigns the seat and sends the assignment e-mail (stamped on the row)."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    appointment = services.appointment_request_create(
        participant=ParticipantFactory(email="peserta@example.test"),
        service_type=service,
        branch_choices=[branch],
        window_start=tomorrow,
        window_end=tomorrow,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        appointment.refresh_from_db()
        if appointment.assignment_mailed_at is not None:
            break
        time.sleep(0.1)
    assert appointment.status == Appointment.Status.ASSIGNED
    assert appointment.seat == 1
    assert timezone.localtime(appointment.scheduled_for).time() == datetime.time(9)
    assert appointment.assignment_mailed_at is not None
