"""What the branch counter reads: a member found by NIK, KPJ or name at any branch, and
everything about them on one screen, in a constant number of queries."""

import datetime
import re
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from appointments.models import Appointment, QueueTicket
from appointments.selectors import queue_for_branch_today
from claims.choices import Status as ClaimStatus
from claims.models import Claim, ClaimDocument
from complaints.models import Ticket
from core.models import CounterVisit
from core.scoping import staff_branch_scope, staff_can_see_branch
from data_updates.models import DataUpdateRequest
from participants.models import JhtBalance, KpjCard, Participant

SEARCH_LIMIT = 20
RECENT = 10


def members_find(*, query: str) -> list[Participant]:
    """Any branch's members: a 16-digit NIK or an 11-digit KPJ exactly, else a part of the
    name (3 letters at least). A walk-in can be served wherever they come in."""
    query = query.strip()
    people = Participant.objects.select_related("branch").order_by("full_name", "pk")
    if re.fullmatch(r"\d{16}", query):
        people = people.filter(nik=query)
    elif re.fullmatch(r"\d{11}", query):
        people = people.filter(kpj_cards__number=query)
    elif len(query) >= 3 and not query.isdigit():
        people = people.filter(full_name__icontains=query)
    else:
        return []
    return list(people[:SEARCH_LIMIT])


@dataclass(frozen=True)
class MemberFile:
    participant: Participant
    home_branch: bool  # the staff member's own branch (or a superuser)
    serving_today: bool  # "serve at this branch" opened today
    cards: list
    jht_balance: int | None
    claims: list
    data_updates: list
    appointments: list
    complaints: list

    @property
    def may_act(self) -> bool:
        return self.home_branch or self.serving_today


def member_file_get(*, participant_id: int, user, today: datetime.date | None = None):
    """Everything the counter shows about one member, or None if there is no such member."""
    today = today or timezone.localdate()
    participant = (
        Participant.objects.select_related("branch", "user").filter(pk=participant_id).first()
    )
    if participant is None:
        return None
    home = staff_can_see_branch(user, participant.branch_id)
    serving = (
        not home
        and user.branch_id is not None
        and CounterVisit.objects.filter(
            participant=participant, branch_id=user.branch_id, on_date=today
        ).exists()
    )
    balance = JhtBalance.objects.filter(participant=participant).values_list("balance", flat=True)
    claims = (
        Claim.objects.filter(participant=participant)
        .select_related("created_by", "approved_by", "second_approved_by")
        .prefetch_related(
            Prefetch(
                "requirements",
                queryset=ClaimDocument.objects.select_related("document").order_by("pk"),
            )
        )
        .order_by("-submitted_at", "-pk")[:RECENT]
    )
    return MemberFile(
        participant=participant,
        home_branch=home,
        serving_today=serving,
        cards=list(
            KpjCard.objects.filter(participant=participant)
            .select_related("employer")
            .order_by("-joined_on")
        ),
        jht_balance=next(iter(balance), None),
        claims=list(claims),
        data_updates=list(
            DataUpdateRequest.objects.filter(participant=participant).order_by("-created_at")[
                :RECENT
            ]
        ),
        appointments=list(
            Appointment.objects.filter(participant=participant)
            .select_related("branch", "service_type")
            .order_by("-window_start", "-pk")[:RECENT]
        ),
        complaints=list(
            Ticket.objects.filter(participant=participant).order_by("-created_at")[:RECENT]
        ),
    )


def claims_waiting_for(*, user) -> QuerySet[Claim]:
    """Claims of the staff member's branch that wait for this officer's decision: in review,
    or waiting for a second approval that this officer may give (not the filer, not the
    first approver)."""
    waiting = Claim.objects.filter(
        Q(status=ClaimStatus.IN_REVIEW)
        | (
            Q(status=ClaimStatus.SECOND_APPROVAL)
            & ~Q(approved_by=user)
            & (Q(created_by__isnull=True) | ~Q(created_by=user))
        )
    )
    return (
        staff_branch_scope(waiting, user=user, branch_path="participant__branch")
        .select_related("participant")
        .order_by("-status", "submitted_at")  # second approvals first: a colleague waits
    )


def queue_today(*, user, today: datetime.date | None = None) -> list:
    """Today's queue numbers at the staff member's branch, open ones first (the queue's own
    selector); none for staff without a branch."""
    if user.branch_id is None:
        return []
    return queue_for_branch_today(branch=user.branch, on=today or timezone.localdate())


def ticket_at_counter(*, participant_id: int, user, today: datetime.date | None = None):
    """The member's number called or being served at this staff member's branch today."""
    return (
        QueueTicket.objects.filter(
            participant_id=participant_id,
            branch_id=user.branch_id,
            day=today or timezone.localdate(),
            status__in=[QueueTicket.Status.CALLED, QueueTicket.Status.SERVING],
        )
        .order_by("-called_at")
        .first()
    )
