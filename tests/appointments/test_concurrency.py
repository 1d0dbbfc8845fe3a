"""No double booking under concurrency, on PostgreSQL with real connections per thread."""

import datetime
import threading
import time
from collections import Counter

import pytest
from django.db import connection, connections
from django.utils import timezone

from appointments import services
from appointments.models import Appointment
from tests.factories import AppointmentFactory, BranchFactory, ParticipantFactory

from .conftest import open_branch

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
Status = Appointment.Status


def tomorrow(days=1):
    return timezone.localdate() + datetime.timedelta(days=days)


def local(day, hour, minute=0):
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone()
    )


def run_threads(*targets, timeout=30):
    errors = []

    def wrap(target):
        def run():
            try:
                target()
            except Exception as exc:  # noqa: BLE001 - reported to the test below
                errors.append(exc)
            finally:
                connections.close_all()

        return run

    threads = [threading.Thread(target=wrap(t)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        assert not thread.is_alive(), "a thread did not finish in time"
    assert not errors, errors


def request(service, choice, start, end, **fields):
    """A stored request; written directly so that no eager scheduler run places it yet."""
    return AppointmentFactory(
        participant=ParticipantFactory(), service_type=service,
        branch_choice_1=choice, window_start=start, window_end=end, **fields,
    )  # fmt: skip


def assert_no_slot_over_capacity(counters):
    held = list(
        Appointment.objects.filter(seat__isnull=False).values_list(
            "branch_id", "service_type_id", "scheduled_for", "seat"
        )
    )
    assert len(held) == len(set(held))
    per_slot = Counter((b, s, t) for b, s, t, _ in held)
    assert all(n <= counters for n in per_slot.values()), per_slot
    assert all(1 <= seat <= counters for *_, seat in held)
    return held


def test_two_schedulers_at_once_fill_capacity_exactly(service):
    branch = open_branch(BranchFactory(), service, counters=2)  # 4 seats a day
    for _ in range(12):
        request(service, branch, tomorrow(), tomorrow(2))
    barrier = threading.Barrier(2)
    results = []

    def scheduler():
        barrier.wait(timeout=10)
        results.append(services.appointments_schedule_pending(service_type_id=service.pk))

    run_threads(scheduler, scheduler)
    held = assert_no_slot_over_capacity(2)
    assert len(held) == 8
    assert Appointment.objects.filter(status=Status.PENDING).count() == 4
    assert sorted(len(r.assigned) for r in results) == [0, 8]  # the second planned on the first


def test_a_participant_moving_while_the_scheduler_runs_keeps_the_seat(service):
    """The mover takes the only seat and holds its transaction open; the scheduler, which
    planned on the committed state, blocks on the seat's unique index, then is refused."""
    branch = open_branch(BranchFactory(), service, periods=((9, 10),))  # 09:00, 09:30
    seated = {"status": Status.ACCEPTED, "branch": branch, "seat": 1}
    mover = request(service, branch, tomorrow(2), tomorrow(2),
                    scheduled_for=local(tomorrow(2), 9), **seated)  # fmt: skip
    request(service, branch, tomorrow(), tomorrow(),
            scheduled_for=local(tomorrow(), 9, 30), **seated)  # fmt: skip
    waiting = request(service, branch, tomorrow(), tomorrow())  # only 09:00 tomorrow is free

    moved, blocked = threading.Event(), threading.Event()
    scheduler_pid = []
    results = []

    def move():
        from django.db import transaction

        with transaction.atomic():
            services.appointment_move(
                appointment=mover, branch=branch, starts_at=local(tomorrow(), 9), actor=None
            )
            moved.set()
            assert blocked.wait(timeout=15), "the scheduler never blocked on the seat"

    def schedule():
        assert moved.wait(timeout=15)
        connection.ensure_connection()
        scheduler_pid.append(connection.connection.get_backend_pid())
        results.append(services.appointments_schedule_pending(service_type_id=service.pk))

    def watch():
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if scheduler_pid:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                        [scheduler_pid[0]],
                    )
                    row = cursor.fetchone()
                if row and row[0] == "Lock":
                    blocked.set()
                    return
            time.sleep(0.02)

    run_threads(move, schedule, watch)
    assert blocked.is_set()
    mover.refresh_from_db()
    waiting.refresh_from_db()
    assert mover.scheduled_for == local(tomorrow(), 9)
    assert waiting.status == Status.PENDING
    assert results[0].conflicts == 1
    assert_no_slot_over_capacity(1)


def test_schedulers_movers_and_cancellations_racing_never_overbook(service):
    branch = open_branch(BranchFactory(), service, counters=2, periods=((9, 11),))
    for _ in range(30):
        request(service, branch, tomorrow(), tomorrow(3))
    services.appointments_schedule_pending(service_type_id=service.pk)
    assert Appointment.objects.filter(status=Status.ASSIGNED).count() == 24
    movers = list(Appointment.objects.filter(status=Status.ASSIGNED)[:6])
    for _ in range(10):
        request(service, branch, tomorrow(), tomorrow(3))
    targets = [local(tomorrow(d), h, m) for d in (1, 2) for h in (9, 10) for m in (0, 30)]
    barrier = threading.Barrier(2 + len(movers))
    refusals = []

    def scheduler():
        barrier.wait(timeout=10)
        services.appointments_schedule_pending(service_type_id=service.pk)

    def mover_of(appointment, index):
        def run():
            barrier.wait(timeout=10)
            for starts in targets[index % 3 :] + targets[: index % 3]:
                import sys

                t0 = time.monotonic()
                try:
                    services.appointment_move(
                        appointment=appointment, branch=branch, starts_at=starts, actor=None
                    )
                except services.AppointmentError as error:
                    refusals.append(error.code)
                print("move", index, round(time.monotonic() - t0, 2), file=sys.stderr)
            if index % 2:
                appointment.refresh_from_db()
                services.appointment_cancel(appointment=appointment, actor=None)

        return run

    run_threads(scheduler, scheduler, *(mover_of(a, i) for i, a in enumerate(movers)))
    assert set(refusals) <= {"slot_full"}
    held = assert_no_slot_over_capacity(2)
    assert len(held) == Appointment.objects.filter(seat__isnull=False).count()
