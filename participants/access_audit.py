"""Audit of staff access to personal data: who viewed or exported whose record.

Views are recorded once per staff member and record per VIEW_WINDOW: reloading a page or
saving a form re-renders it, and one row per visit is what an auditor reads; a cache key
(Redis in production, so shared by all processes) remembers the last one. Exports and
downloads are recorded every time.
"""

import datetime

from django.core.cache import cache
from django.db import models

from .models import AuditEvent, User

VIEWED = "viewed"
EXPORTED = "exported"
VIEW_WINDOW = datetime.timedelta(minutes=5)


def record_label(obj: models.Model) -> str:
    return obj._meta.label_lower


def staff_access_record(
    *, staff: User, obj: models.Model, participant_id: int | None, action: str
) -> AuditEvent | None:
    """Write the access event; None when a view of the same record was just recorded."""
    if action == VIEWED:
        key = f"audit:viewed:{staff.pk}:{record_label(obj)}:{obj.pk}"
        if not cache.add(key, 1, timeout=int(VIEW_WINDOW.total_seconds())):
            return None
    return AuditEvent.objects.create(
        actor=staff,
        participant_id=participant_id,
        action=action,
        detail={"record": record_label(obj), "id": obj.pk},
    )


class AuditedAccessAdmin:
    """Admin mixin: opening a record's page writes a "viewed" audit event.

    `audit_participant_field` names the attribute holding the participant's id.
    """

    audit_participant_field = "participant_id"

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):  # fmt: skip
        if change and obj is not None:
            staff_access_record(
                staff=request.user,
                obj=obj,
                participant_id=getattr(obj, self.audit_participant_field),
                action=VIEWED,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)
