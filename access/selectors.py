"""Reads of the access app: locks, matching identifiers, and the codes staff may see."""

import datetime

from django.db.models import Exists, Min, OuterRef, QuerySet

from core.scoping import staff_branch_scope
from participants.models import ContributionPosting, KpjCard, Participant, User

from .models import AccessLock, BranchRecoveryCode


def participant_identified(
    *, nik: str, kpj_number: str, birth_date: datetime.date
) -> Participant | None:
    """The participant these three match together, else None (which of them failed is not said)."""
    # An employer's link the member has not confirmed is no card of theirs to sign up with.
    card = KpjCard.objects.confirmed().filter(participant=OuterRef("pk"), number=kpj_number)
    return (
        Participant.objects.select_related("user")
        .filter(Exists(card), nik=nik, birth_date=birth_date)
        .first()
    )


def access_locks_active(*, participant_id: int) -> set[str]:
    """The kinds of lock now on this participant (AccessLock.Kind values)."""
    return set(
        AccessLock.objects.filter(
            participant_id=participant_id, lifted_at__isnull=True
        ).values_list("kind", flat=True)
    )


def online_access_locked(*, participant_id: int) -> bool:
    return AccessLock.Kind.ONLINE_ACCESS in access_locks_active(participant_id=participant_id)


def recovery_card(*, participant: Participant, kpj_number: str) -> KpjCard | None:
    """The card the recovery question is asked about: one held before the account existed.

    A card an employer key created or linked later cannot open the account: whoever created it
    knows its start month. The member answers about a card they had when they signed up.
    """
    if participant.user_id is None:
        return None
    return (
        KpjCard.objects.confirmed()
        .filter(
            participant=participant,
            number=kpj_number,
            created_at__lte=participant.user.date_joined,
        )
        .first()
    )


def first_contribution_month(*, kpj_card: KpjCard) -> datetime.date | None:
    return ContributionPosting.objects.filter(
        kpj_card=kpj_card, kind=ContributionPosting.Kind.CONTRIBUTION
    ).aggregate(first=Min("month"))["first"]


def branch_codes_visible_to_staff(*, user: User) -> QuerySet[BranchRecoveryCode]:
    codes = BranchRecoveryCode.objects.select_related(
        "participant", "participant__branch", "issued_by", "confirmed_by"
    )
    return staff_branch_scope(codes, user=user, branch_path="participant__branch")


def access_locks_visible_to_staff(*, user: User) -> QuerySet[AccessLock]:
    locks = AccessLock.objects.select_related("participant", "locked_by", "lifted_by")
    return staff_branch_scope(locks, user=user, branch_path="participant__branch")


def access_lock_active(*, participant_id: int, kind: str) -> AccessLock | None:
    return AccessLock.objects.filter(
        participant_id=participant_id, kind=kind, lifted_at__isnull=True
    ).first()
