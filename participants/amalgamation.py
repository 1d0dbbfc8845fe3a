"""Amalgamasi saldo: moving one card's JHT balance into another card of the same person.

The participant files the request from Kartu saya; staff of the participant's branch
approve or refuse it in the admin (four eyes: the requester is the participant's own login,
the approver a member of staff who may see that branch, never the same login). Approval
moves the money through participants/ledger.py in the same transaction as the status
change, so a request is approved and posted once or not at all: the conditional UPDATE from
"pending" is the guard against a double approval, the unique constraints against a double
submission (one open request per card) and a double posting (one transfer per card and
merge). Every step writes an audit row.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AuditEvent
from core.scoping import staff_branch_scope, staff_can_see_branch

from . import ledger
from .models import BalanceMergeRequest, KpjCard, Participant, User
from .page_cache import participant_pages_changed

APPROVE_PERMISSION = "participants.change_balancemergerequest"

MESSAGES = {
    "not_yours": _("Choose one of your own KPJ cards."),
    "same_card": _("Choose another card to receive the balance."),
    "still_active": _(
        "This card is still active: your employer still pays into it. A balance can be merged "
        "once the card is non-active."
    ),
    "merged_target": _("This card's balance was already merged into another card. Choose another."),
    "empty": _("This card has no JHT balance to merge."),
    "open": _("A merge of this card is already waiting for the branch, or done."),
}


@transaction.atomic
def balance_merge_request(
    *, participant: Participant, actor: User, from_card_id: int, to_card_id: int
) -> BalanceMergeRequest:
    """The participant asks to merge `from_card_id`'s JHT balance into `to_card_id`.

    Both cards must be theirs; the first must be non-active with a balance, the second not
    merged itself. A second submission while one waits (or after it was approved) is refused
    with the reason (the partial unique constraint decides, even for two at once).
    """
    cards = {
        card.pk: card
        for card in KpjCard.objects.select_related("balance").filter(
            participant=participant, pk__in=[from_card_id, to_card_id]
        )
    }
    if from_card_id not in cards:
        raise ValidationError({"from_card": MESSAGES["not_yours"]})
    if to_card_id not in cards:
        raise ValidationError({"to_card": MESSAGES["not_yours"]})
    if from_card_id == to_card_id:
        raise ValidationError({"to_card": MESSAGES["same_card"]})
    source, target = cards[from_card_id], cards[to_card_id]
    if source.status == KpjCard.Status.ACTIVE:
        raise ValidationError({"from_card": MESSAGES["still_active"]})
    if source.status == KpjCard.Status.MERGED:
        raise ValidationError({"from_card": MESSAGES["open"]})
    if target.status == KpjCard.Status.MERGED:
        raise ValidationError({"to_card": MESSAGES["merged_target"]})
    if not hasattr(source, "balance") or source.balance.balance <= 0:
        raise ValidationError({"from_card": MESSAGES["empty"]})
    merge = BalanceMergeRequest(
        participant=participant, from_card=source, to_card=target, requested_by=actor
    )
    try:
        with transaction.atomic():
            merge.save()
    except IntegrityError:
        raise ValidationError({"from_card": MESSAGES["open"]}) from None
    AuditEvent.objects.create(
        actor=actor,
        participant=participant,
        action="balance_merge_requested",
        detail={"merge": merge.pk, "from_card": source.pk, "to_card": target.pk},
    )
    participant_pages_changed([participant.pk])
    return merge


def _check_decider(merge: BalanceMergeRequest, actor: User) -> None:
    """Staff of the participant's branch with the permission, never the requester."""
    if not actor.has_perm(APPROVE_PERMISSION):
        raise PermissionDenied
    if not staff_can_see_branch(actor, merge.participant.branch_id):
        raise PermissionDenied
    if actor.pk == merge.requested_by_id or actor.pk == merge.participant.user_id:
        raise PermissionDenied(_("The person who asked for a merge cannot approve it."))


@transaction.atomic
def balance_merge_approve(*, merge_id: int, actor: User) -> bool:
    """Approve a waiting merge and move the balance through the ledger, once.

    Returns False (and moves nothing) when the request was already decided: a second
    click, or two staff at once. The cards' lock in the ledger comes after the request's
    conditional update, so a concurrent approval waits here and then finds it decided.
    """
    merge = BalanceMergeRequest.objects.select_related("participant").get(pk=merge_id)
    _check_decider(merge, actor)
    now = timezone.now()
    claimed = BalanceMergeRequest.objects.filter(
        pk=merge.pk, status=BalanceMergeRequest.Status.PENDING
    ).update(
        status=BalanceMergeRequest.Status.APPROVED,
        decided_by=actor,
        decided_at=now,
        updated_at=now,
    )
    if not claimed:
        return False
    amount = ledger.ledger_balance_merge(
        merge_id=merge.pk,
        from_card_id=merge.from_card_id,
        to_card_id=merge.to_card_id,
        on=timezone.localdate(),
    )
    BalanceMergeRequest.objects.filter(pk=merge.pk).update(amount=amount)
    KpjCard.objects.filter(pk=merge.from_card_id).update(
        status=KpjCard.Status.MERGED, updated_at=now
    )
    AuditEvent.objects.create(
        actor=actor,
        participant_id=merge.participant_id,
        action="balance_merge_approved",
        detail={
            "merge": merge.pk,
            "from_card": merge.from_card_id,
            "to_card": merge.to_card_id,
            "amount": amount,
        },
    )
    participant_pages_changed([merge.participant_id])
    return True


@transaction.atomic
def balance_merge_reject(*, merge_id: int, actor: User, note: str) -> bool:
    """Refuse a waiting merge with a reason the participant reads; False if already decided."""
    merge = BalanceMergeRequest.objects.select_related("participant").get(pk=merge_id)
    _check_decider(merge, actor)
    now = timezone.now()
    refused = BalanceMergeRequest.objects.filter(
        pk=merge.pk, status=BalanceMergeRequest.Status.PENDING
    ).update(
        status=BalanceMergeRequest.Status.REJECTED,
        decided_by=actor,
        decided_at=now,
        decision_note=note.strip()[:500],
        updated_at=now,
    )
    if not refused:
        return False
    AuditEvent.objects.create(
        actor=actor,
        participant_id=merge.participant_id,
        action="balance_merge_rejected",
        detail={"merge": merge.pk, "note": note.strip()[:500]},
    )
    participant_pages_changed([merge.participant_id])
    return True


def balance_merges_visible_to_staff(*, user: User) -> QuerySet[BalanceMergeRequest]:
    """The merge requests of the branch `user` works (core/scoping.py decides)."""
    return staff_branch_scope(
        BalanceMergeRequest.objects.select_related(
            "participant", "from_card", "to_card", "requested_by", "decided_by"
        ),
        user=user,
        branch_path="participant__branch",
    )
