import datetime
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AuditEvent, Branch
from core.notifications import BILINGUAL, notification_recipient, notify, send_once
from outbox.services import enqueue_on_commit
from participants.models import Participant, User
from participants.page_cache import participant_pages_changed

from . import rules, scheduling, selectors
from .models import Appointment, ServiceType

Status = Appointment.Status

ERRORS = {
    "window_start_past": _("The first day must be tomorrow or later. Choose a later start date."),
    "window_end_before_start": _(
        "The last day is before the first day. Choose a last day on or after the first."
    ),
    "window_too_long": _("The dates span more than %(days)s days. Choose a shorter period."),
    "window_too_far": _(
        "Appointments can be booked at most %(days)s days ahead. Choose earlier dates."
    ),
    "no_branch": _("Choose at least one branch, or tick 'earliest at any nearby branch'."),
    "branch_no_service": _(
        "%(branch)s does not offer this service. Choose another branch, or another service."
    ),
    "same_branch_twice": _("Each branch can be chosen only once. Choose different branches."),
    "already_active": _(
        "You already have an open request or appointment for this service. Open it to move "
        "or cancel it instead of booking again."
    ),
    "not_changeable": _(
        "This appointment can no longer be changed. Book a new one if you still need a visit."
    ),
    "not_a_slot": _("That time is not a slot of this branch. Choose a time from the list."),
    "slot_past": _("That slot has passed or is today. Choose a slot from tomorrow on."),
    "slot_full": _("Someone else has just taken that slot. Choose another time from the list."),
    "wrong_state": _("The appointment is not in a state that allows this. Reload the queue."),
}


class AppointmentError(Exception):
    """A request the rules refuse; `code` names the problem, `field` the form field it is about."""

    def __init__(self, code: str, *, field: str | None = None, **params):
        self.code, self.field = code, field
        self.message = ERRORS[code] % params if params else ERRORS[code]
        super().__init__(code)


def _audit(*, actor, appointment: Appointment, action: str, **detail):
    """Every change of one appointment is audited here, and shows on the dashboard."""
    participant_pages_changed([appointment.participant_id])
    AuditEvent.objects.create(
        actor=actor,
        participant_id=appointment.participant_id,
        action=action,
        detail={"appointment": appointment.pk, **detail},
    )


def _schedule_on_commit(service_type_id: int):
    from .tasks import appointments_schedule_task

    enqueue_on_commit(appointments_schedule_task, service_type_id)


@transaction.atomic
def appointment_request_create(
    *,
    participant: Participant,
    service_type: ServiceType,
    branch_choices: list[Branch],
    window_start: datetime.date,
    window_end: datetime.date,
    earliest_anywhere: bool = False,
    claim_id: int | None = None,
    priority: bool = False,
    actor: User | None = None,
    today: datetime.date | None = None,
) -> Appointment:
    """Store a request at once (pending) and ask the scheduler to place it after commit."""
    today = today or timezone.localdate()
    problem = rules.window_problem(start=window_start, end=window_end, today=today)
    if problem == "window_start_past":
        raise AppointmentError(problem, field="window_start")
    if problem == "window_too_far":
        raise AppointmentError(problem, field="window_end", days=rules.MAX_DAYS_AHEAD)
    if problem:
        raise AppointmentError(problem, field="window_end", days=rules.MAX_WINDOW_DAYS)
    if earliest_anywhere:
        branch_choices = selectors.nearest_branches(
            service_type=service_type, near=participant.branch, count=rules.NEARBY_BRANCHES
        )
    if not branch_choices:
        raise AppointmentError("no_branch", field="branch_choice_1")
    if len({b.pk for b in branch_choices}) != len(branch_choices):
        raise AppointmentError("same_branch_twice", field="branch_choice_2")
    offering = set(
        selectors.branches_offering(service_type=service_type).values_list("pk", flat=True)
    )
    for index, branch in enumerate(branch_choices[:3], start=1):
        if branch.pk not in offering:
            raise AppointmentError(
                "branch_no_service", field=f"branch_choice_{index}", branch=branch.name
            )
    choices = list(branch_choices[:3]) + [None] * (3 - len(branch_choices[:3]))
    try:
        with transaction.atomic():
            appointment = Appointment.objects.create(
                participant=participant,
                service_type=service_type,
                branch_choice_1=choices[0],
                branch_choice_2=choices[1],
                branch_choice_3=choices[2],
                earliest_anywhere=earliest_anywhere,
                window_start=window_start,
                window_end=window_end,
                claim_id=claim_id,
                priority=priority,
            )
    except IntegrityError as exc:
        raise AppointmentError("already_active", field="service_type") from exc
    _audit(
        actor=actor or participant.user,
        appointment=appointment,
        action="appointment_requested",
        service=service_type.code,
    )
    _schedule_on_commit(service_type.pk)
    return appointment


def _take_seat(queryset, *, seat: selectors.FreeSeat, **changes) -> int | None:
    """Write a seat onto the row(s) in `queryset`: rows changed, or None when the seat is
    already held (the unique seat constraint refused it, also against a concurrent writer)."""
    try:
        with transaction.atomic():
            return queryset.update(
                branch_id=seat.branch_id, scheduled_for=seat.starts_at, seat=seat.seat, **changes
            )
    except IntegrityError:
        return None


def _maybe_pause_for_tests() -> None:
    """Test-only seam: the worker-kill test holds a run open to kill it before commit.

    Only settings/test.py defines this; production never sleeps here.
    """
    delay = getattr(settings, "APPOINTMENTS_SCHEDULE_TEST_DELAY_SECONDS", 0)
    if delay:
        time.sleep(delay)


@dataclass
class ScheduleResult:
    assigned: list[int] = field(default_factory=list)
    pending: list[int] = field(default_factory=list)
    expired: list[int] = field(default_factory=list)
    conflicts: int = 0


def appointments_schedule_pending(
    *, service_type_id: int, today: datetime.date | None = None, batch_size: int = 2000
) -> ScheduleResult:
    """The automatic scheduler: place the service's pending requests at minimum total wait.

    One planner per service at a time (a row lock on the service type), so a second run
    plans on the first one's result. The unique seat constraint still guards every write
    against anyone else taking a seat meanwhile (a participant moving); a refused seat is
    retried with the bucket's next free one, and what stays unplaced waits for the next run.
    """
    today = today or timezone.localdate()
    earliest = rules.earliest_date(today)
    now = timezone.now()
    result = ScheduleResult()
    with transaction.atomic():
        service = ServiceType.objects.select_for_update().get(pk=service_type_id)
        pending = Appointment.objects.filter(service_type=service, status=Status.PENDING)
        stale = list(pending.filter(window_end__lt=earliest).values_list("pk", "participant_id"))
        if stale:
            pending.filter(pk__in=[pk for pk, _ in stale]).update(
                status=Status.EXPIRED, closed_at=now
            )
            AuditEvent.objects.bulk_create(
                AuditEvent(participant_id=participant_id, action="appointment_expired",
                           detail={"appointment": pk})
                for pk, participant_id in stale
            )  # fmt: skip
            result.expired = [pk for pk, _ in stale]
            participant_pages_changed(participant_id for _, participant_id in stale)
        requests = list(pending.order_by("-priority", "requested_at", "pk")[:batch_size])
        if not requests:
            return result
        branch_ids = {pk for request in requests for pk in request.branch_choice_ids}
        free = selectors.free_seats(
            service_type=service,
            branch_ids=branch_ids,
            date_from=earliest,
            date_to=max(request.window_end for request in requests),
        )
        plan = scheduling.plan_optimal(
            [
                scheduling.Demand(
                    key=request.pk,
                    window_start=request.window_start,
                    window_end=request.window_end,
                    branches=tuple(request.branch_choice_ids),
                    ranked=not request.earliest_anywhere,
                    priority=request.priority,
                )
                for request in requests
            ],
            {bucket: len(seats) for bucket, seats in free.items()},
            earliest=earliest,
        )
        # Inside a day every slot costs the same: priority and earlier requests go first.
        per_bucket = defaultdict(list)
        for request in requests:
            if request.pk in plan.assignments:
                per_bucket[plan.assignments[request.pk]].append(request)
        events = []
        for bucket, bucket_requests in per_bucket.items():
            seats = iter(free[bucket])
            for request in bucket_requests:
                for seat in seats:
                    changed = _take_seat(
                        Appointment.objects.filter(pk=request.pk, status=Status.PENDING),
                        seat=seat,
                        status=Status.ASSIGNED,
                        assigned_at=now,
                    )
                    if changed is None:
                        result.conflicts += 1
                        continue
                    if changed:
                        result.assigned.append(request.pk)
                        events.append(
                            AuditEvent(
                                participant_id=request.participant_id,
                                action="appointment_assigned",
                                detail={
                                    "appointment": request.pk,
                                    "branch": seat.branch_id,
                                    "scheduled_for": seat.starts_at.isoformat(),
                                },
                            )
                        )
                    break  # assigned, or no longer pending (cancelled meanwhile)
        AuditEvent.objects.bulk_create(events)
        participant_pages_changed(event.participant_id for event in events)
        _maybe_pause_for_tests()  # seats written, not yet committed
        assigned = set(result.assigned)
        result.pending = [r.pk for r in requests if r.pk not in assigned]
        if result.assigned:
            from .tasks import appointment_assigned_mail_task

            for pk in result.assigned:
                enqueue_on_commit(appointment_assigned_mail_task, pk)
        if result.conflicts:
            _schedule_on_commit(service.pk)
    return result


@transaction.atomic
def appointment_accept(*, appointment: Appointment, actor: User) -> Appointment:
    changed = Appointment.objects.filter(pk=appointment.pk, status=Status.ASSIGNED).update(
        status=Status.ACCEPTED, updated_at=timezone.now()
    )
    if not changed:
        raise AppointmentError("not_changeable")
    appointment.status = Status.ACCEPTED
    _audit(actor=actor, appointment=appointment, action="appointment_accepted")
    return appointment


@transaction.atomic
def appointment_cancel(*, appointment: Appointment, actor: User) -> Appointment:
    """Cancel a request or visit; its seat goes back to the pool for the scheduler."""
    now = timezone.now()
    changed = Appointment.objects.filter(
        pk=appointment.pk, status__in=Appointment.CHANGEABLE
    ).update(status=Status.CANCELLED, seat=None, closed_at=now, updated_at=now)
    if not changed:
        raise AppointmentError("not_changeable")
    appointment.status, appointment.seat = Status.CANCELLED, None
    _audit(actor=actor, appointment=appointment, action="appointment_cancelled")
    _schedule_on_commit(appointment.service_type_id)
    return appointment


def appointment_move(
    *,
    appointment: Appointment,
    branch: Branch,
    starts_at: datetime.datetime,
    actor: User,
    today: datetime.date | None = None,
) -> Appointment:
    """Move to a slot the participant picked (any branch offering the service)."""
    today = today or timezone.localdate()
    if not appointment.is_changeable:
        raise AppointmentError("not_changeable")
    local = timezone.localtime(starts_at)
    day = local.date()
    if day < rules.earliest_date(today):
        raise AppointmentError("slot_past", field="slot")
    service = appointment.service_type
    free = selectors.free_seats(
        service_type=service, branch_ids=[branch.pk], date_from=day, date_to=day
    ).get((branch.pk, day), [])
    calendar = selectors.service_calendars(
        service_type=service, branch_ids=[branch.pk], date_from=day, date_to=day
    ).get(branch.pk)
    if calendar is None or local.time() not in rules.slot_starts(
        calendar, day, service.duration_minutes
    ):
        raise AppointmentError("not_a_slot", field="slot")
    old = (appointment.branch_id, appointment.scheduled_for)
    now = timezone.now()
    with transaction.atomic():
        for seat in (s for s in free if s.starts_at == local):
            changed = _take_seat(
                Appointment.objects.filter(pk=appointment.pk, status__in=Appointment.CHANGEABLE),
                seat=seat,
                status=Status.ACCEPTED,
                assigned_at=now,
                reminder_sent_at=None,
                updated_at=now,
            )
            if changed is None:
                continue
            if not changed:
                raise AppointmentError("not_changeable")
            appointment.refresh_from_db()
            _audit(
                actor=actor,
                appointment=appointment,
                action="appointment_moved",
                old_branch=old[0],
                old_scheduled_for=old[1].isoformat() if old[1] else None,
                scheduled_for=local.isoformat(),
                branch=branch.pk,
            )
            if old[1] is not None:
                _schedule_on_commit(service.pk)  # the old seat is free again
            return appointment
    raise AppointmentError("slot_full", field="slot")


STAFF_TRANSITIONS = {
    # action: (allowed from, new status, timestamp field)
    "check_in": ([Status.ASSIGNED, Status.ACCEPTED], Status.CHECKED_IN, "checked_in_at"),
    "no_show": ([Status.ASSIGNED, Status.ACCEPTED], Status.NO_SHOW, "closed_at"),
    "done": ([Status.CHECKED_IN], Status.DONE, "served_at"),
}


@transaction.atomic
def appointment_record_visit(*, appointment: Appointment, action: str, actor: User) -> Appointment:
    """Staff at the counter: check in, no-show, or served (done)."""
    allowed, status, stamp = STAFF_TRANSITIONS[action]
    now = timezone.now()
    changes = {"status": status, stamp: now, "updated_at": now}
    if status == Status.DONE:
        changes["closed_at"] = now
    if not Appointment.objects.filter(pk=appointment.pk, status__in=allowed).update(**changes):
        raise AppointmentError("wrong_state")
    for key, value in changes.items():
        setattr(appointment, key, value)
    _audit(actor=actor, appointment=appointment, action=f"appointment_{action}")
    return appointment


def _mail_once(appointment_id: int, *, stamp: str, statuses, template: str) -> bool:
    """One mail per stamp, while the appointment is in one of `statuses`."""

    def send() -> bool:
        appointment = Appointment.objects.select_related(
            "participant__user", "service_type", "branch"
        ).get(pk=appointment_id)
        return notify(
            to=notification_recipient(appointment.participant),
            template=f"appointments/email/{template}.txt",
            context={"appointment": appointment},
            links={"url": reverse("appointments:detail", args=[appointment.pk])},
            languages=BILINGUAL,
        )

    return send_once(Appointment, appointment_id, stamp=stamp, send=send, status__in=statuses)


def appointment_assigned_mail_send(*, appointment_id: int) -> bool:
    return _mail_once(
        appointment_id, stamp="assignment_mailed_at", statuses=[Status.ASSIGNED],
        template="assigned",
    )  # fmt: skip


def appointment_reminder_send(*, appointment_id: int) -> bool:
    return _mail_once(
        appointment_id, stamp="reminder_sent_at",
        statuses=[Status.ASSIGNED, Status.ACCEPTED], template="reminder",
    )  # fmt: skip
