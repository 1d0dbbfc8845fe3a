"""Audit of staff access to personal data: who viewed or exported whose record.

Views are recorded once per staff member and record per VIEW_WINDOW: reloading a page or
saving a form re-renders it, and one row per visit is what an auditor reads; a cache key
(Redis in production, so shared by all processes) remembers the last one. Exports and
downloads are recorded every time.

Opening a record's page writes {"record": label, "id": pk}. A page showing many records (an
admin change list, the day's queue, the admin's autocomplete) writes one event per row shown,
with "via" naming the page kind, in bulk: one cache read, one cache write and one INSERT per
page, whatever its length. A list view and an opening of the same record are remembered apart,
so seeing a name in a list never hides that the whole record was opened afterwards.

Not audited on purpose: the audit log's own admin (each look at it would log new rows to look
at) and the insights dashboard (aggregates only, no one's record).
"""

import datetime
from collections.abc import Callable, Iterable
from operator import attrgetter

from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth.models import AbstractBaseUser as User
from django.core.cache import cache
from django.db import models

from .models import AuditEvent

VIEWED = "viewed"
EXPORTED = "exported"
VIEW_WINDOW = datetime.timedelta(minutes=5)
# How a record was seen when it was not opened on its own page.
VIA_LIST = "list"
VIA_QUEUE = "queue"
VIA_AUTOCOMPLETE = "autocomplete"
VIA_CLAIM_FILING = "claim_filing"  # the counter's claim filing page, found by NIK


def record_label(obj: models.Model) -> str:
    return obj._meta.label_lower


def _view_key(staff: User, obj: models.Model, via: str | None = None) -> str:
    prefix = f"audit:viewed:{via}" if via else "audit:viewed"
    return f"{prefix}:{staff.pk}:{record_label(obj)}:{obj.pk}"


def staff_access_record(
    *,
    staff: User,
    obj: models.Model,
    participant_id: int | None,
    action: str,
    via: str | None = None,
) -> AuditEvent | None:
    """Write the access event; None when a view of the same record was just recorded.

    `via` names a page other than the record's own that showed it (kept apart in the dedupe).
    """
    if action == VIEWED:
        key = _view_key(staff, obj, via)
        if not cache.add(key, 1, timeout=int(VIEW_WINDOW.total_seconds())):
            return None
    detail = {"record": record_label(obj), "id": obj.pk}
    return AuditEvent.objects.create(
        actor=staff,
        participant_id=participant_id,
        action=action,
        detail={**detail, "via": via} if via else detail,
    )


def staff_access_record_many(
    *,
    staff: User,
    objs: Iterable[models.Model],
    participant_id_of: Callable[[models.Model], int | None],
    action: str,
    via: str,
) -> list[AuditEvent]:
    """One access event per record shown on a page of many; views deduped as above.

    Constant cost per page: a views page makes one `get_many` and one `set_many` round trip
    and one bulk INSERT, never one per row. Two loads of the same page by the same staff member
    at the same instant may both write (get then set is not atomic): a duplicate row at worst,
    never a missing one.
    """
    rows = {(record_label(obj), obj.pk): (obj, participant_id_of(obj)) for obj in objs}
    if action == VIEWED and rows:
        keys = {_view_key(staff, obj, via): key for key, (obj, _) in rows.items()}
        recent = cache.get_many(list(keys))
        fresh = {cache_key: key for cache_key, key in keys.items() if cache_key not in recent}
        if fresh:
            cache.set_many(dict.fromkeys(fresh, 1), timeout=int(VIEW_WINDOW.total_seconds()))
        rows = {key: rows[key] for key in fresh.values()}
    if not rows:
        return []
    return AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=staff,
            participant_id=participant_id,
            action=action,
            detail={"record": label, "id": pk, "via": via},
        )
        for (label, pk), (_, participant_id) in rows.items()
    )


class AuditedAccessAdmin:
    """Admin mixin: opening a record's page, or seeing it on a change list page, is audited.

    `audit_participant_field` names the attribute holding the participant's id (dotted for a
    related row's, e.g. "kpj_card.participant_id": list it in `list_select_related`). Only the
    rows of the page shown are recorded, after the change list has computed them; the rows are
    the ones the template then renders, so recording costs no extra SELECT.
    """

    audit_participant_field = "participant_id"

    def audit_participant_id(self, obj: models.Model) -> int | None:
        return attrgetter(self.audit_participant_field)(obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):  # fmt: skip
        if change and obj is not None:
            staff_access_record(
                staff=request.user,
                obj=obj,
                participant_id=self.audit_participant_id(obj),
                action=VIEWED,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:  # a rendered list page, not an action's or a redirect
            staff_access_record_many(
                staff=request.user,
                objs=changelist.result_list,
                participant_id_of=self.audit_participant_id,
                action=VIEWED,
                via=VIA_LIST,
            )
        return response


class AuditedAutocompleteJsonView(AutocompleteJsonView):
    """The admin's search-as-you-type: the people it suggests are rows shown, like a list's."""

    def get(self, request, *args, **kwargs):
        self.shown = []
        response = super().get(request, *args, **kwargs)
        if isinstance(self.model_admin, AuditedAccessAdmin):
            staff_access_record_many(
                staff=request.user,
                objs=self.shown,
                participant_id_of=self.model_admin.audit_participant_id,
                action=VIEWED,
                via=VIA_AUTOCOMPLETE,
            )
        return response

    def serialize_result(self, obj, to_field_name):
        self.shown.append(obj)
        return super().serialize_result(obj, to_field_name)


def audited_autocomplete(site):
    """An `AdminSite.autocomplete_view` whose suggestions are audited (set in the URLconf)."""

    def autocomplete_view(request):
        return AuditedAutocompleteJsonView.as_view(admin_site=site)(request)

    return autocomplete_view
