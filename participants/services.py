from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, Participant, User


class ParticipantAlreadyRegistered(Exception):
    """Another account already holds this NIK (a second registration lost the race)."""

    message = _("An account for this NIK already exists.")


@transaction.atomic
def participant_link_user(*, participant: Participant, user: User) -> Participant:
    """Attach a new login to a membership record, once: the conditional UPDATE is the guard."""
    linked = Participant.objects.filter(pk=participant.pk, user__isnull=True).update(
        user=user, updated_at=timezone.now()
    )
    if linked != 1:
        raise ParticipantAlreadyRegistered
    participant.user = user
    AuditEvent.objects.create(actor=user, participant=participant, action="account_registered")
    return participant


def participant_mark_active(*, participant_id: int) -> bool:
    """Record activity for the active-users indicator; only ever moves forward in time."""
    now = timezone.now()
    return bool(
        Participant.objects.filter(pk=participant_id)
        .exclude(last_active_at__gte=now)
        .update(last_active_at=now)
    )
