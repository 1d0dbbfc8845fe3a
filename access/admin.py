"""Staff at the branch: issue and confirm recovery codes (four eyes), lock and unlock access.

Everything is scoped to the staff member's branch (core.scoping, through the selectors and
again in the services, which refuse a participant of another branch whatever the form held).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import BranchScopedAdmin
from participants.selectors import participants_visible_to_staff

from . import rules, selectors, services
from .models import AccessLock, BranchRecoveryCode


def _adopt(obj, row) -> None:
    """Let the admin's own bookkeeping (history, redirect) see the row the service wrote."""
    for field in row._meta.concrete_fields:
        setattr(obj, field.attname, getattr(row, field.attname))
    obj._state.adding = False


class _ParticipantOfMyBranch:
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "participant":
            kwargs["queryset"] = participants_visible_to_staff(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BranchRecoveryCode)
class BranchRecoveryCodeAdmin(_ParticipantOfMyBranch, BranchScopedAdmin):
    branch_path = "participant__branch"
    list_display = ["participant", "created_at", "issued_by", "confirmed_by", "state"]
    list_select_related = ["participant", "issued_by", "confirmed_by"]
    search_fields = ["=participant__nik"]
    autocomplete_fields = ["participant"]
    fields = ["participant", "ktp_checked"]
    actions = ["confirm"]

    def get_queryset(self, request):
        return selectors.branch_codes_visible_to_staff(user=request.user)

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.fields
        return ["participant", "ktp_checked", "issued_by", "created_at", "confirmed_by",
                "confirmed_at", "expires_at", "used_at"]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj is not None else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            form.base_fields["ktp_checked"].required = True
        return form

    @admin.display(description=_("state"))
    def state(self, obj):
        if obj.used_at:
            return _("Used")
        if obj.expires_at <= timezone.now():
            return _("Expired")
        if obj.confirmed_at is None:
            return _("Waiting for a second staff member")
        return _("Confirmed: usable")

    def save_model(self, request, obj, form, change):
        if change:
            return  # issued codes are never edited
        try:
            row, code = services.branch_code_issue(
                participant=form.cleaned_data["participant"],
                staff=request.user,
                ktp_checked=form.cleaned_data["ktp_checked"],
            )
        except ValidationError as error:
            raise PermissionDenied(error.messages[0]) from error
        _adopt(obj, row)
        request._issued_code = code

    def response_add(self, request, obj, post_url_continue=None):
        return TemplateResponse(
            request,
            "admin/access/branchrecoverycode/issued.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "code_row": obj,
                "code": rules.branch_code_display(request._issued_code),
                "title": _("Recovery code issued"),
            },
        )

    @admin.action(description=_("Confirm the selected codes (second staff member)"),
                  permissions=["change"])  # fmt: skip
    def confirm(self, request, queryset):
        for code in queryset:
            try:
                services.branch_code_confirm(code=code, staff=request.user)
            except services.AccessError as error:
                messages.error(request, f"{code.participant}: {error.message}")
            else:
                messages.success(
                    request,
                    _("Confirmed: %(who)s can use the code now.") % {"who": code.participant},
                )


@admin.register(AccessLock)
class AccessLockAdmin(_ParticipantOfMyBranch, BranchScopedAdmin):
    branch_path = "participant__branch"
    list_display = ["participant", "kind", "source", "created_at", "locked_by", "lifted_at"]
    list_filter = ["kind", "source"]
    list_select_related = ["participant", "locked_by"]
    search_fields = ["=participant__nik"]
    autocomplete_fields = ["participant"]
    fields = ["participant", "reason"]
    actions = ["lift"]

    def get_queryset(self, request):
        return selectors.access_locks_visible_to_staff(user=request.user)

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.fields
        return ["participant", "kind", "source", "reason", "locked_by", "created_at",
                "lifted_at", "lifted_by"]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            return
        participant = form.cleaned_data["participant"]
        lock = services.access_lock(
            participant=participant,
            source=AccessLock.Source.STAFF,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
        if lock is None:  # already locked: show the lock that is on
            lock = selectors.access_lock_active(
                participant_id=participant.pk, kind=AccessLock.Kind.ONLINE_ACCESS
            )
        _adopt(obj, lock)

    @admin.action(description=_("Unlock online access (participant identified in person)"),
                  permissions=["change"])  # fmt: skip
    def lift(self, request, queryset):
        for lock in queryset.filter(lifted_at__isnull=True):
            services.access_unlock(participant=lock.participant, actor=request.user, via="staff")
        messages.success(request, _("The selected locks are lifted."))
