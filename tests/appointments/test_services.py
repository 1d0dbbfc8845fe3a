import datetime
import zoneinfo
from collections import Counter

import pytest
from django.core import mail
from django.db import IntegrityError

from appointments import services
from appointments.models import Appointment, ServiceType
from core.models import AuditEvent
from tests.factories import (
    AppointmentFactory,
    BranchFactory,
    HolidayFactory,
    ParticipantFactory,
    UserFactory,
)

from .conftest import TODAY, day, open_branch

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.frozen_at(datetime.datetime(2026, 12, 7, 10, 0, tzinfo=JAKARTA)),
]
Status = Appointment.Status


def at(offset, hour, minute=0):
    return datetime.datetime.combine(day(offset), datetime.time(hour, minute), tzinfo=JAKARTA)


def request(participant, service, branches, start=1, end=1, **kwargs):
    return services.appointment_request_create(
        participant=participant,
        service_type=service,
        branch_choices=branches,
        window_start=day(start),
        window_end=day(end),
        **kwargs,
    )


def schedule(service):
    return services.appointments_schedule_pending(service_type_id=service.pk, today=TODAY)


def participant():
    """No login: hashing a password per participant would dominate the test time."""
    return ParticipantFactory(email="peserta@example.test")


def test_a_request_is_stored_pending_then_scheduled_after_commit_and_mailed(
    service, branch, django_capture_on_commit_callbacks
):
    person = participant()
    with django_capture_on_commit_callbacks(execute=True):
        appointment = request(person, service, [branch])
        assert appointment.status == Status.PENDING
    appointment.refresh_from_db()
    assert appointment.status == Status.ASSIGNED
    assert (appointment.branch, appointment.scheduled_for, appointment.seat) == (
        branch, at(1, 9), 1,
    )  # fmt: skip
    assert appointment.requested_at
    assert appointment.assigned_at
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"appointment_requested", "appointment_assigned"} <= actions
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [person.email]
    assert "Halo" in message.body
    assert "Hello" in message.body
    assert f"/appointments/{appointment.pk}/" in message.body
    appointment.refresh_from_db()
    assert appointment.assignment_mailed_at is not None  # a repeated task sends nothing
    assert services.appointment_assigned_mail_send(appointment_id=appointment.pk) is False
    assert len(mail.outbox) == 1


def test_capacity_is_slots_times_counters_and_never_exceeded(service):
    branch = open_branch(BranchFactory(), service, counters=2)  # 09:00 and 09:30, two counters
    requests = [request(participant(), service, [branch]) for _ in range(6)]
    result = schedule(service)
    assert len(result.assigned) == 4
    assert len(result.pending) == 2
    per_slot = Counter(
        Appointment.objects.filter(seat__isnull=False).values_list("scheduled_for", flat=True)
    )
    assert per_slot == {at(1, 9): 2, at(1, 9, 30): 2}
    # the earliest requests got the seats, the others wait for a cancellation
    assigned = set(Appointment.objects.filter(status=Status.ASSIGNED).values_list("pk", flat=True))
    assert assigned == {r.pk for r in requests[:4]}


def test_holidays_and_closed_weekdays_get_no_appointments(service):
    branch = open_branch(BranchFactory(), service, weekdays=[1, 3])  # Tuesday, Thursday
    HolidayFactory(date=day(1), name="Libur nasional")  # that Tuesday
    appointment = request(participant(), service, [branch], start=1, end=5)
    schedule(service)
    appointment.refresh_from_db()
    assert appointment.scheduled_for == at(3, 9)  # Thursday


def test_branch_holiday_closes_only_that_branch(service, branch, other_branch):
    HolidayFactory(branch=branch, date=day(1), name="Renovasi")
    appointment = request(participant(), service, [branch, other_branch])
    schedule(service)
    appointment.refresh_from_db()
    assert appointment.branch == other_branch


def test_preference_order_is_respected(service, branch, other_branch):
    first = request(participant(), service, [other_branch, branch])
    second = request(participant(), service, [branch, other_branch])
    schedule(service)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.branch, second.branch) == (other_branch, branch)


def test_one_active_appointment_per_participant_and_service(service, branch, other_branch):
    person = participant()
    request(person, service, [branch])
    with pytest.raises(services.AppointmentError) as error:
        request(person, service, [other_branch])
    assert error.value.code == "already_active"
    assert error.value.field == "service_type"
    with pytest.raises(IntegrityError):  # the database refuses it too
        AppointmentFactory(
            participant=person, service_type=service, branch_choice_1=branch,
            window_start=day(1), window_end=day(1),
        )  # fmt: skip


def test_a_new_request_is_possible_after_cancelling(service, branch):
    person = participant()
    first = request(person, service, [branch])
    services.appointment_cancel(appointment=first, actor=None)
    again = request(person, service, [branch])
    assert again.status == Status.PENDING


def test_cancelling_frees_the_seat_for_a_waiting_request(
    service, branch, django_capture_on_commit_callbacks
):
    holders = [request(participant(), service, [branch]) for _ in range(2)]
    waiting = request(participant(), service, [branch])
    schedule(service)
    waiting.refresh_from_db()
    assert waiting.status == Status.PENDING
    holder = Appointment.objects.get(pk=holders[0].pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_cancel(appointment=holder, actor=None)
    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert (holder.status, holder.seat) == (Status.CANCELLED, None)
    assert waiting.status == Status.ASSIGNED
    assert waiting.scheduled_for == at(1, 9)


def test_priority_claim_requests_are_scheduled_first(service, branch):
    normal = [request(participant(), service, [branch]) for _ in range(2)]
    claim = request(participant(), service, [branch], claim_id=77, priority=True)
    schedule(service)
    claim.refresh_from_db()
    assert claim.status == Status.ASSIGNED
    assert claim.scheduled_for == at(1, 9)  # first in the day too
    statuses = Counter(Appointment.objects.filter(pk__in=[n.pk for n in normal]).values_list(
        "status", flat=True))  # fmt: skip
    assert statuses == {Status.ASSIGNED: 1, Status.PENDING: 1}


def test_requests_whose_window_has_passed_expire(service, branch):
    person = participant()
    appointment = request(person, service, [branch])
    result = services.appointments_schedule_pending(service_type_id=service.pk, today=day(5))
    appointment.refresh_from_db()
    assert result.expired == [appointment.pk]
    assert appointment.status == Status.EXPIRED


def test_accept_then_move_then_cancel(service, branch, other_branch):
    person = participant()
    appointment = request(person, service, [branch], end=3)
    schedule(service)
    appointment.refresh_from_db()
    services.appointment_accept(appointment=appointment, actor=None)
    with pytest.raises(services.AppointmentError):
        services.appointment_accept(appointment=appointment, actor=None)
    moved = services.appointment_move(
        appointment=appointment, branch=other_branch, starts_at=at(2, 9, 30), actor=None
    )
    assert (moved.branch, moved.scheduled_for, moved.status) == (
        other_branch, at(2, 9, 30), Status.ACCEPTED,
    )  # fmt: skip
    assert "appointment_moved" in AuditEvent.objects.values_list("action", flat=True)
    services.appointment_cancel(appointment=moved, actor=None)
    with pytest.raises(services.AppointmentError) as error:
        services.appointment_move(appointment=moved, branch=branch, starts_at=at(2, 9), actor=None)
    assert error.value.code == "not_changeable"


def test_moving_refuses_full_slots_non_slots_and_today(service, branch):
    taker, mover = participant(), participant()
    request(taker, service, [branch])
    schedule(service)
    appointment = request(mover, service, [branch], start=2, end=2)
    schedule(service)
    appointment.refresh_from_db()
    for starts, code in [
        (at(1, 9), "slot_full"),
        (at(2, 9, 10), "not_a_slot"),
        (at(2, 7), "not_a_slot"),
        (at(0, 9), "slot_past"),
    ]:
        with pytest.raises(services.AppointmentError) as error:
            services.appointment_move(
                appointment=appointment, branch=branch, starts_at=starts, actor=None
            )
        assert error.value.code == code


def test_earliest_anywhere_uses_the_nearest_branches_offering_the_service(service):
    home = open_branch(BranchFactory(latitude="-7.0253", longitude="107.5187"), service)
    near = open_branch(BranchFactory(latitude="-7.0", longitude="107.6"), service)
    BranchFactory(latitude="-7.02", longitude="107.52")  # nearest, but without the service
    far = [
        open_branch(BranchFactory(latitude="-6.2", longitude=f"106.{i}"), service) for i in range(3)
    ]
    person = ParticipantFactory(branch=home)
    appointment = request(person, service, [], earliest_anywhere=True)
    assert appointment.branch_choice_ids[:2] == [home.pk, near.pk]
    assert appointment.branch_choice_3 in far


def test_choices_must_offer_the_service_and_differ(service, branch):
    person = participant()
    with pytest.raises(services.AppointmentError) as error:
        request(person, service, [branch, BranchFactory(name="KCP Tanpa Layanan")])
    assert (error.value.code, error.value.field) == ("branch_no_service", "branch_choice_2")
    assert "KCP Tanpa Layanan" in str(error.value.message)
    with pytest.raises(services.AppointmentError) as error:
        request(person, service, [branch, branch])
    assert error.value.code == "same_branch_twice"
    with pytest.raises(services.AppointmentError) as error:
        request(person, service, [branch], start=0, end=1)
    assert (error.value.code, error.value.field) == ("window_start_past", "window_start")


def test_reminder_goes_once_the_day_before(service, branch):
    from appointments.tasks import appointment_reminders_due_task

    person = participant()
    appointment = request(person, service, [branch])
    schedule(service)
    mail.outbox.clear()
    assert appointment_reminders_due_task() == 1
    assert appointment_reminders_due_task() == 0
    assert len(mail.outbox) == 1
    assert "besok" in mail.outbox[0].subject.lower()
    assert services.appointment_reminder_send(appointment_id=appointment.pk) is False


def test_staff_record_check_in_done_and_no_show(service, branch):
    staff = UserFactory(is_staff=True, branch=branch)
    first, second = (request(participant(), service, [branch]) for _ in range(2))
    schedule(service)
    first.refresh_from_db()
    second.refresh_from_db()
    with pytest.raises(services.AppointmentError):
        services.appointment_record_visit(appointment=first, action="done", actor=staff)
    with pytest.raises(services.AppointmentError) as early:  # the visit is tomorrow
        services.appointment_record_visit(appointment=first, action="check_in", actor=staff)
    assert early.value.code == "check_in_early"
    services.appointment_record_visit(
        appointment=first, action="check_in", actor=staff, now=first.scheduled_for
    )
    services.appointment_record_visit(appointment=first, action="done", actor=staff)
    services.appointment_record_visit(appointment=second, action="no_show", actor=staff)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Status.DONE
    assert first.served_at
    assert first.checked_in_at
    assert second.status == Status.NO_SHOW
    assert second.served_at is None


def test_the_periodic_batch_runs_the_scheduler_once_per_service_with_waiting_requests(
    service, branch
):
    from appointments.selectors import service_types_with_pending
    from appointments.tasks import appointments_schedule_all_task

    first, second = (
        request(participant(), service, [branch]),
        request(participant(), service, [branch]),
    )
    assert ServiceType.objects.count() > 1  # the seeded services wait for nobody
    assert service_types_with_pending() == [service.pk]
    assert appointments_schedule_all_task() == 1  # eager here: the scheduler ran in the call
    assert {a.status for a in Appointment.objects.filter(pk__in=[first.pk, second.pk])} == {
        Status.ASSIGNED
    }
    assert service_types_with_pending() == []
