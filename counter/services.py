"""Counter writes: serving a walk-in who belongs to another branch."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AuditEvent, CounterVisit
from participants.models import Participant


class CounterError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@transaction.atomic
def counter_visit_open(*, staff, participant: Participant) -> CounterVisit:
    """ "Serve at this branch": for today, the staff member's branch acts for this member as
    the home branch does. Idempotent for the day; the home branch stays as it is."""
    if not (staff.is_staff and staff.branch_id):
        raise CounterError(_("Only staff of a branch can serve a member at their counter."))
    if staff.branch_id == participant.branch_id:
        raise CounterError(_("This member belongs to your branch already."))
    visit, created = CounterVisit.objects.get_or_create(
        participant=participant,
        branch_id=staff.branch_id,
        on_date=timezone.localdate(),
        defaults={"opened_by": staff},
    )
    if created:
        AuditEvent.objects.create(
            actor=staff,
            participant=participant,
            action="counter_visit_opened",
            detail={"home_branch": participant.branch_id, "serving_branch": staff.branch_id},
        )
    return visit
