import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from core.models import Branch
from core.scoping import staff_branch_scope
from participants.models import Participant, User

from . import rules
from .models import Appointment, BranchService, Holiday, OpeningHours, ServiceType


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
