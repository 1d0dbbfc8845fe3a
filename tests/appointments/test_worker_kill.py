"""A worker killed in the middle of a scheduler run: the request still ends assigned, once.

Real Redis, a real prefork worker on the test database, a real SIGKILL. The only test seam is
APPOINTMENTS_SCHEDULE_TEST_DELAY_SECONDS (settings/test.py), passed to the worker's
environment: the run has written the seat but not committed when it is killed, so the
database rolls the whole run back and the redelivered (or beat-sent) run does it again.
"""

import datetime
import os
import signal

import pytest
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from appointments import services
from appointments.models import Appointment, ServiceType
from appointments.tasks import appointments_schedule_all_task, appointments_schedule_task
from core.models import AuditEvent
from jmo_portal.celery import app as celery_app
from tests.factories import ParticipantFactory
from tests.polling import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def running_scheduler_pid(worker) -> int | None:
    """The pid of the pool child running the scheduling task, from the worker itself."""
    replies = celery_app.control.inspect(destination=[worker.name], timeout=1).active() or {}
    for task in replies.get(worker.name, []):
        if task["name"] == appointments_schedule_task.name:
            return task["worker_pid"]
    return None


def planner_holds_the_lock(service) -> bool:
    """True while a scheduler run holds the service's row lock (it is inside its transaction)."""
    try:
        with transaction.atomic():
            ServiceType.objects.select_for_update(nowait=True).get(pk=service.pk)
    except OperationalError:
        return True
    return False


def request_visit(service, branch) -> Appointment:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    return services.appointment_request_create(
        participant=ParticipantFactory(email="peserta@example.test"),
        service_type=service,
        branch_choices=[branch],
        window_start=tomorrow,
        window_end=tomorrow,
    )


def assigned(appointment_id):
    appointment = Appointment.objects.get(pk=appointment_id)
    return appointment if appointment.status == Appointment.Status.ASSIGNED else None


def assert_assigned_exactly_once(appointment):
    assert appointment.status == Appointment.Status.ASSIGNED
    assert appointment.seat == 1
    assert timezone.localtime(appointment.scheduled_for).time() == datetime.time(9)
    events = AuditEvent.objects.filter(action="appointment_assigned",
                                       detail__appointment=appointment.pk)  # fmt: skip
    assert events.count() == 1
    assert (
        Appointment.objects.filter(
            service_type=appointment.service_type, status=Appointment.Status.ASSIGNED
        ).count()
        == 1
    )


def test_killing_the_child_mid_run_redelivers_it_and_assigns_once(start_worker, service, branch):
    worker = start_worker(APPOINTMENTS_SCHEDULE_TEST_DELAY_SECONDS=2)
    appointment = request_visit(service, branch)

    child_pid = wait_for(lambda: running_scheduler_pid(worker), timeout=20,
                         what="the worker to start scheduling")  # fmt: skip
    wait_for(lambda: planner_holds_the_lock(service), timeout=10, what="the planner's lock")
    assert child_pid != worker.process.pid
    os.kill(child_pid, signal.SIGKILL)
    assert Appointment.objects.get(pk=appointment.pk).status == Appointment.Status.PENDING

    # acks_late + reject_on_worker_lost: the message goes back and a new child runs it.
    done = wait_for(lambda: assigned(appointment.pk), timeout=30, what="the assignment")
    assert_assigned_exactly_once(done)
    assert running_scheduler_pid(worker) != child_pid


def test_a_dead_worker_is_replaced_and_the_beat_batch_assigns_once(start_worker, service, branch):
    slow = start_worker(APPOINTMENTS_SCHEDULE_TEST_DELAY_SECONDS=30)
    appointment = request_visit(service, branch)
    wait_for(lambda: running_scheduler_pid(slow), timeout=20, what="the worker to start")
    wait_for(lambda: planner_holds_the_lock(service), timeout=10, what="the planner's lock")
    slow.kill()  # parent and child: nothing is left to redeliver the message soon

    start_worker()
    wait_for(lambda: not planner_holds_the_lock(service), timeout=10,
             what="the dead run's transaction to end")  # fmt: skip
    assert Appointment.objects.get(pk=appointment.pk).status == Appointment.Status.PENDING
    appointments_schedule_all_task()  # what beat runs every 10 minutes

    done = wait_for(lambda: assigned(appointment.pk), timeout=30, what="the assignment")
    assert_assigned_exactly_once(done)

    # The dead worker's message, if Redis ever hands it out again, changes nothing.
    late = appointments_schedule_task.apply_async(args=[service.pk])
    assert late.get(timeout=20)["assigned"] == 0
    assert_assigned_exactly_once(Appointment.objects.get(pk=appointment.pk))
    assert connection.vendor == "postgresql"
