import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F, QuerySet
from django.http import Http404
from django.utils import timezone

from core.models import Branch
from core.scoping import staff_branch_scope
from participants.models import Participant, User

from . import rules
from .models import Appointment, BranchService, Holiday, OpeningHours, QueueTicket, ServiceType


def local_datetime(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(day, time, tzinfo=timezone.get_default_timezone())


def days(start: datetime.date, end: datetime.date):
    day = start
    while day <= end:
        yield day
        day += datetime.timedelta(days=1)


def service_types_bookable() -> QuerySet[ServiceType]:
    return ServiceType.objects.filter(is_active=True)


def branches_offering(*, service_type: ServiceType) -> QuerySet[Branch]:
    return Branch.objects.filter(branch_services__service_type=service_type)


def service_calendars(
    *, service_type: ServiceType, branch_ids, date_from: datetime.date, date_to: datetime.date
) -> dict[int, rules.BranchCalendar]:
    """Each branch's counters, hours and holidays for the service (three queries)."""
    counters = dict(
        BranchService.objects.filter(
            service_type=service_type, branch_id__in=branch_ids
        ).values_list("branch_id", "counters")
    )
    hours = defaultdict(lambda: defaultdict(list))
    for branch_id, weekday, opens, closes in OpeningHours.objects.filter(
        branch_id__in=counters
    ).values_list("branch_id", "weekday", "opens_at", "closes_at"):
        hours[branch_id][weekday].append((opens, closes))
    national, closed = set(), defaultdict(set)
    for branch_id, day in Holiday.objects.filter(
        date__gte=date_from, date__lte=date_to
    ).values_list("branch_id", "date"):
        (national if branch_id is None else closed[branch_id]).add(day)
    return {
        branch_id: rules.BranchCalendar(
            branch_id=branch_id,
            counters=count,
            hours={weekday: tuple(periods) for weekday, periods in hours[branch_id].items()},
            holidays=frozenset(national | closed[branch_id]),
        )
        for branch_id, count in counters.items()
    }


def seats_taken(
    *, service_type: ServiceType, branch_ids, date_from: datetime.date, date_to: datetime.date
) -> dict[tuple[int, datetime.datetime], set[int]]:
    taken = defaultdict(set)
    for branch_id, starts, seat in Appointment.objects.filter(
        service_type=service_type,
        branch_id__in=branch_ids,
        seat__isnull=False,
        scheduled_for__gte=local_datetime(date_from, datetime.time.min),
        scheduled_for__lt=local_datetime(date_to + datetime.timedelta(days=1), datetime.time.min),
    ).values_list("branch_id", "scheduled_for", "seat"):
        taken[(branch_id, starts)].add(seat)
    return taken


@dataclass(frozen=True)
class FreeSeat:
    branch_id: int
    starts_at: datetime.datetime
    seat: int


def free_seats(
    *, service_type: ServiceType, branch_ids, date_from: datetime.date, date_to: datetime.date
) -> dict[tuple[int, datetime.date], list[FreeSeat]]:
    """Free (slot, counter) pairs per branch-day, in time order: slots derived, not stored."""
    calendars = service_calendars(
        service_type=service_type, branch_ids=branch_ids, date_from=date_from, date_to=date_to
    )
    taken = seats_taken(
        service_type=service_type, branch_ids=branch_ids, date_from=date_from, date_to=date_to
    )
    free = {}
    for branch_id, calendar in calendars.items():
        for day in days(date_from, date_to):
            seats = []
            for time in rules.slot_starts(calendar, day, service_type.duration_minutes):
                starts = local_datetime(day, time)
                used = taken.get((branch_id, starts), ())
                seats.extend(
                    FreeSeat(branch_id, starts, seat)
                    for seat in range(1, calendar.counters + 1)
                    if seat not in used
                )
            if seats:
                free[(branch_id, day)] = seats
    return free


@dataclass(frozen=True)
class FreeSlot:
    branch: Branch
    starts_at: datetime.datetime
    free: int

    @property
    def value(self) -> str:
        return f"{self.branch.pk}|{self.starts_at.isoformat()}"


def free_slots(
    *, service_type: ServiceType, branches: list[Branch], date_from, date_to, limit: int = 40
) -> list[FreeSlot]:
    """Slots with room, earliest first, for the move page."""
    by_id = {branch.pk: branch for branch in branches}
    per_slot = defaultdict(int)
    for seats in free_seats(
        service_type=service_type, branch_ids=list(by_id), date_from=date_from, date_to=date_to
    ).values():
        for seat in seats:
            per_slot[(seat.starts_at, seat.branch_id)] += 1
    ordered = sorted(per_slot.items(), key=lambda item: (item[0][0], by_id[item[0][1]].name))
    return [FreeSlot(by_id[branch_id], starts, n) for (starts, branch_id), n in ordered[:limit]]


def nearest_branches(*, service_type: ServiceType, near: Branch, count: int) -> list[Branch]:
    """Branches offering the service, nearest to `near` first (no coordinates: last)."""
    candidates = list(branches_offering(service_type=service_type))

    def distance(branch):
        if None in (near.latitude, near.longitude, branch.latitude, branch.longitude):
            return (branch.pk != near.pk, float("inf"))
        return (
            0,
            rules.distance_km(
                float(near.latitude),
                float(near.longitude),
                float(branch.latitude),
                float(branch.longitude),
            ),
        )

    return sorted(candidates, key=distance)[:count]


APPOINTMENT_RELATED = [
    "queue_ticket",
    "service_type",
    "branch",
    "branch_choice_1",
    "branch_choice_2",
    "branch_choice_3",
]


def appointments_for_participant(*, participant: Participant) -> QuerySet[Appointment]:
    return participant.appointments.select_related(*APPOINTMENT_RELATED)


def appointment_get_for_participant(*, participant: Participant, appointment_id) -> Appointment:
    """The participant's own appointment; 404 for one that is missing and one that is not theirs."""
    appointment = (
        appointments_for_participant(participant=participant).filter(pk=appointment_id).first()
    )
    if appointment is None:
        raise Http404
    return appointment


def appointment_next_for_participant(*, participant: Participant) -> Appointment | None:
    """The next active request or visit, for the dashboard card (one query)."""
    return (
        appointments_for_participant(participant=participant)
        .filter(status__in=Appointment.ACTIVE)
        .order_by("scheduled_for", "requested_at")
        .first()
    )


def appointments_visible_to_staff(*, user: User) -> QuerySet[Appointment]:
    """The appointments `user` may see as staff: at the branches core/scoping.py allows."""
    appointments = Appointment.objects.select_related("participant", "service_type", "branch")
    return staff_branch_scope(appointments, user=user)


def day_queue(*, user: User, branch_id: int, day: datetime.date) -> QuerySet[Appointment]:
    """The day's visits at one branch in arrival order, limited to what the user may see."""
    return (
        appointments_visible_to_staff(user=user)
        .select_related("queue_ticket")
        .filter(
            branch_id=branch_id,
            seat__isnull=False,
            scheduled_for__gte=local_datetime(day, datetime.time.min),
            scheduled_for__lt=local_datetime(day + datetime.timedelta(days=1), datetime.time.min),
        )
        .order_by("scheduled_for", "seat")
    )


def reminders_due(*, day: datetime.date) -> list[int]:
    """Visits on `day` whose reminder has not gone out yet."""
    return list(
        Appointment.objects.filter(
            status__in=[Appointment.Status.ASSIGNED, Appointment.Status.ACCEPTED],
            reminder_sent_at__isnull=True,
            scheduled_for__gte=local_datetime(day, datetime.time.min),
            scheduled_for__lt=local_datetime(day + datetime.timedelta(days=1), datetime.time.min),
        ).values_list("pk", flat=True)
    )


def service_types_with_pending() -> list[int]:
    """The services that have requests waiting for the scheduler, each once."""
    waiting = Appointment.objects.filter(status=Appointment.Status.PENDING).values(
        "service_type_id"
    )
    return list(
        ServiceType.objects.filter(pk__in=waiting).order_by("pk").values_list("pk", flat=True)
    )


# The virtual queue ------------------------------------------------------------------------


def queue_call_order(tickets: QuerySet[QueueTicket]) -> QuerySet[QueueTicket]:
    """The order numbers are called in: by the slot each is due in (a booked visit's time, or
    the free slot a walk-in was fitted into; none: after the day's slots), booked visits
    before walk-ins in the same slot, then arrival."""
    return tickets.order_by(F("due_at").asc(nulls_last=True), "prefix", "issued_at", "pk")


def queue_for_branch_today(*, branch: Branch, on: datetime.date | None = None) -> list[QueueTicket]:
    """The day's numbers at `branch` (one query): waiting ones in call order, then the ones at
    a counter, then the closed ones, latest first. For the staff's queue and the counter."""
    on = on or timezone.localdate()
    tickets = list(
        queue_call_order(
            QueueTicket.objects.filter(branch=branch, day=on).select_related(
                "participant", "service_type", "appointment"
            )
        )
    )
    rank = {
        QueueTicket.Status.CALLED: 0,
        QueueTicket.Status.SERVING: 0,
        QueueTicket.Status.WAITING: 1,
    }
    open_first = sorted(tickets, key=lambda t: rank.get(t.status, 2))
    closed = [t for t in open_first if t.status not in rank]
    closed.sort(key=lambda t: t.done_at or t.no_show_at or t.issued_at, reverse=True)
    return [t for t in open_first if t.status in rank] + closed


def walk_ins_fitted(
    *, branch_id: int, day: datetime.date, service_type: ServiceType
) -> list[datetime.datetime]:
    """The slots the day's walk-ins of the service were fitted into (one per walk-in)."""
    return list(
        QueueTicket.objects.filter(
            branch_id=branch_id, day=day, service_type=service_type,
            appointment__isnull=True, due_at__isnull=False,
        ).values_list("due_at", flat=True)
    )  # fmt: skip


@dataclass(frozen=True)
class DisplayCall:
    counter: int
    label: str
    words: str
    call: str
    serving: bool


def queue_display(*, branch: Branch, on: datetime.date | None = None) -> dict:
    """What the waiting-room screen shows: the number last called at each counter, and how
    many wait. Numbers only, no names (one query)."""
    on = on or timezone.localdate()
    rows = (
        QueueTicket.objects.filter(branch=branch, day=on, status__in=QueueTicket.OPEN)
        .order_by("-called_at")
        .values_list("status", "counter", "prefix", "number")
    )
    calls, waiting = {}, 0
    for status, counter, prefix, number in rows:
        if status == QueueTicket.Status.WAITING:
            waiting += 1
        elif counter not in calls:
            calls[counter] = DisplayCall(
                counter=counter,
                label=rules.ticket_label(prefix, number),
                words=rules.ticket_words_id(prefix, number),
                call=rules.call_words_id(prefix, number, counter),
                serving=status == QueueTicket.Status.SERVING,
            )
    return {"calls": sorted(calls.values(), key=lambda c: c.counter), "waiting": waiting}


@dataclass(frozen=True)
class TicketPlace:
    ticket: QueueTicket
    ahead: int  # waiting numbers called before this one


def ticket_place(*, ticket: QueueTicket) -> TicketPlace:
    """Where `ticket` stands (one query): how many waiting numbers come before it."""
    ahead = 0
    if ticket.status == QueueTicket.Status.WAITING:
        order = list(
            queue_call_order(
                QueueTicket.objects.filter(
                    branch_id=ticket.branch_id, day=ticket.day, status=QueueTicket.Status.WAITING
                )
            ).values_list("pk", flat=True)
        )
        ahead = order.index(ticket.pk) if ticket.pk in order else 0
    return TicketPlace(ticket=ticket, ahead=ahead)


def ticket_open_for_participant(
    *, participant: Participant, on: datetime.date | None = None
) -> QueueTicket | None:
    """The participant's number in a queue today, while it is still open (one query)."""
    return (
        QueueTicket.objects.filter(
            participant=participant, day=on or timezone.localdate(), status__in=QueueTicket.OPEN
        )
        .select_related("branch")
        .order_by("-issued_at")
        .first()
    )


def tickets_visible_to_staff(*, user: User) -> QuerySet[QueueTicket]:
    """The numbers `user` may see and work as staff: at the branches core/scoping.py allows."""
    tickets = QueueTicket.objects.select_related("branch", "participant", "service_type")
    return staff_branch_scope(tickets, user=user)


def services_at_branch(*, branch: Branch) -> QuerySet[ServiceType]:
    return ServiceType.objects.filter(
        branchservice__branch=branch, is_active=True, by_video_call=False
    )


@dataclass(frozen=True)
class QueueDayFigures:
    issued: int
    walk_ins: int
    served: int
    no_shows: int
    wait_average: float | None  # minutes, number issued to called
    wait_median: float | None
    counter_average: float | None  # minutes, at the counter until served
    counter_median: float | None


def _minutes(pairs) -> list[float]:
    return [(end - start).total_seconds() / 60 for start, end in pairs if start and end]


def queue_day_figures(*, branch_id: int, day: datetime.date) -> QueueDayFigures:
    """The day at one branch's counters, for its head (two queries)."""
    rows = list(
        QueueTicket.objects.filter(branch_id=branch_id, day=day).values_list(
            "status", "appointment_id", "issued_at", "called_at", "serving_at", "done_at"
        )
    )
    done = [r for r in rows if r[0] == QueueTicket.Status.DONE]
    waits = _minutes((issued, called) for _, _, issued, called, _, _ in rows)
    at_counter = _minutes((serving, finished) for _, _, _, _, serving, finished in done)
    # A no-show is a booked visit that never came or did not answer, or a walk-in that left.
    booked_no_shows = Appointment.objects.filter(
        branch_id=branch_id,
        status=Appointment.Status.NO_SHOW,
        scheduled_for__gte=local_datetime(day, datetime.time.min),
        scheduled_for__lt=local_datetime(day + datetime.timedelta(days=1), datetime.time.min),
    ).count()
    walk_in_no_shows = sum(1 for r in rows if r[0] == QueueTicket.Status.NO_SHOW and not r[1])

    def average(values):
        return round(statistics.fmean(values), 1) if values else None

    def median(values):
        return round(statistics.median(values), 1) if values else None

    return QueueDayFigures(
        issued=len(rows),
        walk_ins=sum(1 for r in rows if not r[1]),
        served=len(done),
        no_shows=booked_no_shows + walk_in_no_shows,
        wait_average=average(waits),
        wait_median=median(waits),
        counter_average=average(at_counter),
        counter_median=median(at_counter),
    )
