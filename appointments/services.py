import datetime
import secrets
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.models import AuditEvent, Branch
from core.notifications import BILINGUAL, notification_recipient, notify, send_once
from core.scoping import staff_can_see_branch
from outbox.services import enqueue_on_commit
from participants.models import Participant, User
from participants.page_cache import participant_pages_changed

from . import door, rules, scheduling, selectors
from .models import Appointment, QueueTicket, ServiceType

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
    "check_in_early": _(
        "Your visit is on %(day)s. Arrival can be reported on that day only: come back then."
    ),
    "check_in_late": _(
        "Your visit was on %(day)s and has passed. Book a new appointment, or ask the staff "
        "at the door for a queue number without an appointment."
    ),
    "check_in_no_slot": _(
        "This request has no visit time yet, so there is no arrival to report. Wait for the "
        "slot, or ask the staff at the door for a queue number without an appointment."
    ),
    "check_in_state": _(
        "This appointment is cancelled or finished, so there is no arrival to report. Ask the "
        "staff at the door for a queue number without an appointment."
    ),
    "door_code_invalid": _(
        "This QR code is not today's code of a branch. Scan the code on the waiting-room "
        "screen, or type your booking code at the kiosk."
    ),
    "no_visit_here": _(
        "You have no visit booked at %(branch)s. Ask the staff at the door for a queue "
        "number without an appointment, or book an appointment."
    ),
    "booking_code_unknown": _(
        "Booking code: no visit at this branch has this code. Check the 6 letters and digits "
        "on your appointment page or e-mail, or ask the staff at the door."
    ),
    "no_service_here": _(
        "Service: this branch does not offer it. Choose another service, or ask the staff."
    ),
    "queue_full": _("The day's queue numbers have run out. Ask the staff at the door."),
    "ticket_state": _("This queue number is not in a state that allows this. Reload the queue."),
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
    for attempt in range(5):
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
                    booking_code=booking_code_new(),
                )
            break
        except IntegrityError as exc:
            # A booking code drawn twice (one in hundreds of millions) is drawn again.
            if "booking_code" in str(exc) and attempt < 4:
                continue
            raise AppointmentError("already_active", field="service_type") from exc
    _audit(
        actor=actor or participant.user,
        appointment=appointment,
        action="appointment_requested",
        service=service_type.code,
    )
    _schedule_on_commit(service_type.pk)
    return appointment


def booking_code_new() -> str:
    """A code the participant types at the branch's kiosk; unique (the database checks)."""
    alphabet = rules.BOOKING_CODE_ALPHABET
    return "".join(secrets.choice(alphabet) for _ in range(rules.BOOKING_CODE_LENGTH))


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
    # action: (allowed from, new status, timestamp field). Arrival is reported through
    # ticket_check_in (a queue number, on the visit's day only).
    "no_show": ([Status.ASSIGNED, Status.ACCEPTED], Status.NO_SHOW, "closed_at"),
    "done": ([Status.CHECKED_IN], Status.DONE, "served_at"),
}


@transaction.atomic
def appointment_record_visit(
    *, appointment: Appointment, action: str, actor: User, now: datetime.datetime | None = None
) -> Appointment:
    """Staff at the counter: check in (a queue number, on the visit's day only), no-show, or
    served (done)."""
    if action == "check_in":
        ticket_check_in(
            appointment=appointment, channel=QueueTicket.Channel.STAFF, actor=actor, now=now
        )
        appointment.refresh_from_db()
        return appointment
    allowed, status, stamp = STAFF_TRANSITIONS[action]
    now = now or timezone.now()
    changes = {"status": status, stamp: now, "updated_at": now}
    if status == Status.DONE:
        changes["closed_at"] = now
    if not Appointment.objects.filter(pk=appointment.pk, status__in=allowed).update(**changes):
        raise AppointmentError("wrong_state")
    for key, value in changes.items():
        setattr(appointment, key, value)
    if status == Status.DONE:
        # Served from the day's list: its queue number is finished too.
        QueueTicket.objects.filter(appointment=appointment, status__in=QueueTicket.OPEN).update(
            status=QueueTicket.Status.DONE, done_at=now, updated_at=now
        )
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


# The virtual queue ------------------------------------------------------------------------

Ticket = QueueTicket.Status


def _ticket_audit(*, actor, ticket: QueueTicket, action: str, **detail):
    if ticket.participant_id:
        participant_pages_changed([ticket.participant_id])
    AuditEvent.objects.create(
        actor=actor,
        participant_id=ticket.participant_id,
        action=action,
        detail={"ticket": ticket.pk, "number": ticket.label, "branch": ticket.branch_id, **detail},
    )


def _ticket_create(*, branch_id: int, day: datetime.date, prefix: str, **fields) -> QueueTicket:
    """The day's next number with `prefix`; the caller holds the branch's row lock, so two
    tickets issued at once never draw the same number."""
    last = QueueTicket.objects.filter(branch_id=branch_id, day=day, prefix=prefix).aggregate(
        last=Max("number")
    )["last"]
    number = (last or 0) + 1
    if number > 999:
        raise AppointmentError("queue_full")
    return QueueTicket.objects.create(
        branch_id=branch_id, day=day, prefix=prefix, number=number, **fields
    )


def _lock_branch(branch_id: int) -> None:
    Branch.objects.select_for_update().filter(pk=branch_id).first()


def ticket_check_in(
    *,
    appointment: Appointment,
    channel: str,
    actor: User | None = None,
    now: datetime.datetime | None = None,
) -> QueueTicket:
    """Report a booked visit's arrival (lapor hadir) and give it a queue number.

    Only on the visit's day. Reporting again gives the same number back.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("service_type", "branch")
            .get(pk=appointment.pk)
        )
        existing = QueueTicket.objects.filter(appointment=appointment).first()
        if existing is not None:
            return existing
        if appointment.status not in (Status.ASSIGNED, Status.ACCEPTED):
            raise AppointmentError("check_in_state")
        visit_day = (
            timezone.localdate(appointment.scheduled_for) if appointment.scheduled_for else None
        )
        problem = rules.check_in_problem(visit_day=visit_day, today=today)
        if problem == "check_in_no_slot":
            raise AppointmentError(problem)
        if problem:
            raise AppointmentError(problem, day=date_format(visit_day, "l, j F Y"))
        _lock_branch(appointment.branch_id)
        ticket = _ticket_create(
            branch_id=appointment.branch_id,
            day=today,
            prefix=QueueTicket.PREFIX_APPOINTMENT,
            participant_id=appointment.participant_id,
            appointment=appointment,
            service_type=appointment.service_type,
            channel=channel,
            due_at=appointment.scheduled_for,
            issued_at=now,
        )
        Appointment.objects.filter(pk=appointment.pk).update(
            status=Status.CHECKED_IN, checked_in_at=now, updated_at=now
        )
        appointment.status, appointment.checked_in_at = Status.CHECKED_IN, now
        _audit(
            actor=actor,
            appointment=appointment,
            action="appointment_check_in",
            ticket=ticket.label,
            channel=channel,
        )
    return ticket


def ticket_check_in_by_door(
    *, participant: Participant, token: str, now: datetime.datetime | None = None
) -> QueueTicket:
    """The participant scanned the branch door's QR code on their phone, logged in."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    branch_id = door.door_token_branch_id(token, today=today)
    branch = Branch.objects.filter(pk=branch_id).first() if branch_id else None
    if branch is None:
        raise AppointmentError("door_code_invalid")
    visits = list(
        participant.appointments.filter(
            branch=branch, status__in=[Status.ASSIGNED, Status.ACCEPTED, Status.CHECKED_IN]
        ).order_by("scheduled_for")
    )
    # Today's visit if there is one; else the next, which check-in refuses with its date.
    visit = next(
        (v for v in visits if timezone.localdate(v.scheduled_for) == today),
        next((v for v in visits if timezone.localdate(v.scheduled_for) > today), None),
    )
    if visit is None:
        raise AppointmentError("no_visit_here", branch=branch.name)
    return ticket_check_in(
        appointment=visit, channel=QueueTicket.Channel.QR, actor=participant.user, now=now
    )


def booking_code_normalise(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def ticket_check_in_by_code(
    *, branch: Branch, booking_code: str, now: datetime.datetime | None = None
) -> QueueTicket:
    """The kiosk at the branch: a booking code typed in gives the visit's queue number.

    A code of another branch's visit is answered as an unknown one.
    """
    code = booking_code_normalise(booking_code)
    appointment = (
        Appointment.objects.filter(booking_code=code, branch=branch).first()
        if len(code) == rules.BOOKING_CODE_LENGTH
        else None
    )
    if appointment is None:
        raise AppointmentError("booking_code_unknown", field="booking_code")
    return ticket_check_in(appointment=appointment, channel=QueueTicket.Channel.KIOSK, now=now)


def ticket_issue_walk_in(
    *,
    branch: Branch,
    service_type: ServiceType,
    channel: str,
    participant: Participant | None = None,
    actor: User | None = None,
    now: datetime.datetime | None = None,
) -> QueueTicket:
    """A number for someone without an appointment, fitted into the day's free capacity:
    the earliest slot still running or to come with a counter nobody booked (nor a walk-in
    fitted before); with none left, after the day's booked visits, in arrival order."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not branch.branch_services.filter(service_type=service_type).exists():
        raise AppointmentError("no_service_here", field="service_type")
    with transaction.atomic():
        _lock_branch(branch.pk)
        free: dict[datetime.datetime, int] = defaultdict(int)
        for seat in selectors.free_seats(
            service_type=service_type, branch_ids=[branch.pk], date_from=today, date_to=today
        ).get((branch.pk, today), []):
            free[seat.starts_at] += 1
        for due_at in selectors.walk_ins_fitted(
            branch_id=branch.pk, day=today, service_type=service_type
        ):
            free[due_at] -= 1
        due = rules.walk_in_due(
            slot_starts=list(free),
            free_per_slot=free,
            now=now,
            duration_minutes=service_type.duration_minutes,
        )
        ticket = _ticket_create(
            branch_id=branch.pk,
            day=today,
            prefix=QueueTicket.PREFIX_WALK_IN,
            participant=participant,
            service_type=service_type,
            channel=channel,
            due_at=due,
            issued_at=now,
        )
        _ticket_audit(actor=actor, ticket=ticket, action="queue_walk_in", channel=channel)
    return ticket


def _staff_may_work(staff: User, branch_id: int) -> None:
    if not staff_can_see_branch(staff, branch_id):
        raise PermissionDenied


def ticket_call_next(
    *,
    branch: Branch,
    counter: int,
    staff: User,
    service_type: ServiceType | None = None,
    now: datetime.datetime | None = None,
) -> QueueTicket | None:
    """ "Panggil berikutnya" at `counter`: the first waiting number in call order (booked
    visits by their time, walk-ins in the slot they were fitted into), or None.

    Two counters pressing at once get two different numbers (the row is skipped while
    locked). Only staff of the branch (or a superuser) may call.
    """
    _staff_may_work(staff, branch.pk)
    now = now or timezone.now()
    with transaction.atomic():
        waiting = selectors.queue_call_order(
            QueueTicket.objects.select_for_update(skip_locked=True).filter(
                branch=branch, day=timezone.localdate(now), status=Ticket.WAITING
            )
        )
        if service_type is not None:
            waiting = waiting.filter(service_type=service_type)
        changes = {"status": Ticket.CALLED, "counter": counter, "called_at": now,
                   "served_by": staff, "updated_at": now}  # fmt: skip
        # Without row locks (SQLite, the embedded default) another counter may take the
        # first number between the read and the write: the conditional update says so.
        for _attempt in range(5):
            ticket = waiting.first()
            if ticket is None:
                return None
            if QueueTicket.objects.filter(pk=ticket.pk, status=Ticket.WAITING).update(**changes):
                break
        else:
            return None
        for key, value in changes.items():
            setattr(ticket, key, value)
        _ticket_audit(actor=staff, ticket=ticket, action="queue_called", counter=counter)
    return ticket


def _ticket_move(
    *,
    ticket: QueueTicket,
    staff: User | None,
    allowed: list[str],
    status: str,
    stamp: str,
    appointment_changes: dict | None = None,
    now: datetime.datetime,
) -> QueueTicket:
    changes = {"status": status, stamp: now, "updated_at": now}
    if staff is not None:
        changes["served_by"] = staff
    with transaction.atomic():
        if not QueueTicket.objects.filter(pk=ticket.pk, status__in=allowed).update(**changes):
            raise AppointmentError("ticket_state")
        for key, value in changes.items():
            setattr(ticket, key, value)
        if ticket.appointment_id and appointment_changes:
            Appointment.objects.filter(pk=ticket.appointment_id, status=Status.CHECKED_IN).update(
                **appointment_changes, closed_at=now, updated_at=now
            )
        _ticket_audit(actor=staff, ticket=ticket, action=f"queue_{status}")
    return ticket


def ticket_serve_start(
    *, ticket: QueueTicket, staff: User, now: datetime.datetime | None = None
) -> QueueTicket:
    """The called person is at the counter: the waiting time ends, the counter time starts."""
    _staff_may_work(staff, ticket.branch_id)
    return _ticket_move(
        ticket=ticket, staff=staff, allowed=[Ticket.CALLED], status=Ticket.SERVING,
        stamp="serving_at", now=now or timezone.now(),
    )  # fmt: skip


def ticket_serve_finish(
    *, ticket: QueueTicket, staff: User, now: datetime.datetime | None = None
) -> QueueTicket:
    """Served: the number is done, and so is its booked visit."""
    _staff_may_work(staff, ticket.branch_id)
    now = now or timezone.now()
    return _ticket_move(
        ticket=ticket, staff=staff, allowed=[Ticket.CALLED, Ticket.SERVING], status=Ticket.DONE,
        stamp="done_at", appointment_changes={"status": Status.DONE, "served_at": now}, now=now,
    )  # fmt: skip


def ticket_no_show(
    *, ticket: QueueTicket, staff: User, now: datetime.datetime | None = None
) -> QueueTicket:
    """Staff give up on a number that did not answer; its booked visit is a no-show."""
    _staff_may_work(staff, ticket.branch_id)
    return _ticket_move(
        ticket=ticket, staff=staff, allowed=[Ticket.WAITING, Ticket.CALLED],
        status=Ticket.NO_SHOW, stamp="no_show_at",
        appointment_changes={"status": Status.NO_SHOW}, now=now or timezone.now(),
    )  # fmt: skip


@dataclass
class ReleaseResult:
    tickets: list[int] = field(default_factory=list)
    appointments: list[int] = field(default_factory=list)


def queue_release_no_shows(*, now: datetime.datetime | None = None) -> ReleaseResult:
    """Release what the grace period (QUEUE_NO_SHOW_GRACE_MINUTES) has run out on: numbers
    called and not answered, numbers left open from an earlier day, and booked visits whose
    time has passed with no arrival reported. Each row is claimed by a conditional update, so
    a second run, or one racing a counter, releases nothing twice."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=settings.QUEUE_NO_SHOW_GRACE_MINUTES)
    today = timezone.localdate(now)
    result = ReleaseResult()
    with transaction.atomic():
        stale = list(
            QueueTicket.objects.select_for_update(skip_locked=True)
            .filter(
                Q(status=Ticket.CALLED, called_at__lt=cutoff)
                | Q(day__lt=today, status__in=[Ticket.WAITING, Ticket.CALLED])
            )
            .values_list("pk", "appointment_id", "participant_id")
        )
        if stale:
            QueueTicket.objects.filter(
                pk__in=[pk for pk, _, _ in stale], status__in=[Ticket.WAITING, Ticket.CALLED]
            ).update(status=Ticket.NO_SHOW, no_show_at=now, updated_at=now)
            Appointment.objects.filter(
                pk__in=[a for _, a, _ in stale if a], status=Status.CHECKED_IN
            ).update(status=Status.NO_SHOW, closed_at=now, updated_at=now)
            result.tickets = [pk for pk, _, _ in stale]
        missed = list(
            Appointment.objects.select_for_update(skip_locked=True)
            .filter(
                status__in=[Status.ASSIGNED, Status.ACCEPTED],
                seat__isnull=False,
                scheduled_for__lt=cutoff,
            )
            .values_list("pk", "participant_id")
        )
        if missed:
            Appointment.objects.filter(
                pk__in=[pk for pk, _ in missed], status__in=[Status.ASSIGNED, Status.ACCEPTED]
            ).update(status=Status.NO_SHOW, closed_at=now, updated_at=now)
            result.appointments = [pk for pk, _ in missed]
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(participant_id=participant_id, action="queue_released",
                           detail={"ticket": pk})
                for pk, _, participant_id in stale
            ]
            + [
                AuditEvent(participant_id=participant_id, action="appointment_no_show",
                           detail={"appointment": pk, "released_after_grace": True})
                for pk, participant_id in missed
            ]
        )  # fmt: skip
        participant_pages_changed(
            [p for _, _, p in stale if p] + [participant_id for _, participant_id in missed]
        )
    return result
