"""Admin: partner API keys, webhooks (URL, signing secret, on/off) and the read-only logs."""

import datetime

from django import forms
from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from core.admin import BranchScopedAdmin, ReadOnlyAdminMixin
from core.scoping import staff_branch_scope
from participants.models import Employer

from .auth import partner_credential_create, partner_credential_revoke
from .models import (
    ContributionReport,
    PartnerCredential,
    PartnerScope,
    PartnerWebhook,
    WebhookDelivery,
)


class PartnerCredentialForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=PartnerScope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = PartnerCredential
        fields = ["employer", "name", "scopes", "expires_at"]


@admin.register(PartnerCredential)
class PartnerCredentialAdmin(BranchScopedAdmin):
    """Issue, edit and revoke partner API keys; the key itself is shown once, on creation."""

    branch_path = "employer__branch"
    form = PartnerCredentialForm
    list_display = ["name", "prefix", "employer", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "=prefix", "employer__name", "=employer__registration_number"]
    list_select_related = ["employer"]
    autocomplete_fields = ["employer"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        fixed = ["prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
        return fixed + ["employer"] if obj else fixed

    def get_changeform_initial_data(self, request):
        return {"expires_at": timezone.now() + datetime.timedelta(days=365)}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "employer":
            kwargs["queryset"] = staff_branch_scope(Employer.objects.all(), user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created, key = partner_credential_create(
            employer=obj.employer,
            name=obj.name,
            scopes=obj.scopes,
            expires_at=obj.expires_at,
            created_by=request.user,
        )
        obj.pk, obj.prefix, obj.secret_hash = created.pk, created.prefix, created.secret_hash
        obj.created_at, obj.updated_at = created.created_at, created.updated_at
        obj._state.adding = False
        request.partner_key_once = key

    def response_add(self, request, obj, post_url_continue=None):
        key = getattr(request, "partner_key_once", None)
        if key is None:
            return super().response_add(request, obj, post_url_continue)
        response = TemplateResponse(
            request,
            "admin/partners/partnercredential/key_created.html",
            {
                **self.admin_site.each_context(request),
                "title": _("API key created"),
                "credential": obj,
                "key": key,
                "opts": self.opts,
            },
        )
        add_never_cache_headers(response)  # the only copy of the key: never cached
        return response

    @admin.action(description=_("Revoke the selected API keys"))
    def revoke(self, request, queryset):
        revoked = sum(
            partner_credential_revoke(credential=credential, revoked_by=request.user)
            for credential in queryset
        )
        self.message_user(request, _("%(count)d API key(s) revoked.") % {"count": revoked})


@admin.register(PartnerWebhook)
class PartnerWebhookAdmin(BranchScopedAdmin):
    branch_path = "employer__branch"
    list_display = ["url", "employer", "active", "updated_at"]
    list_filter = ["active"]
    search_fields = ["url", "employer__name", "=employer__registration_number"]
    list_select_related = ["employer"]
    autocomplete_fields = ["employer"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"  # an address typed without a scheme
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "employer":
            kwargs["queryset"] = staff_branch_scope(Employer.objects.all(), user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyAdmin(ReadOnlyAdminMixin, BranchScopedAdmin):
    """A log: staff read it, nobody edits it by hand."""


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    branch_path = "webhook__employer__branch"
    list_display = ["event_id", "event", "webhook", "status", "attempts", "created_at",
                    "delivered_at"]  # fmt: skip
    list_filter = ["status", "event"]
    search_fields = ["=event_id", "webhook__url"]
    list_select_related = ["webhook"]
    readonly_fields = ["webhook", "event_id", "event", "claim_event", "payload", "status",
                       "attempts", "next_attempt_at", "log", "created_at",
                       "delivered_at"]  # fmt: skip


@admin.register(ContributionReport)
class ContributionReportAdmin(ReadOnlyAdmin):
    branch_path = "employer__branch"
    list_display = ["pk", "employer", "status", "row_count", "progress", "created_at",
                    "finished_at"]  # fmt: skip
    list_filter = ["status"]
    search_fields = ["=id", "employer__name", "=employer__registration_number"]
    list_select_related = ["employer"]
    exclude = ["payload"]
    readonly_fields = ["employer", "credential", "status", "row_count", "processed_rows",
                       "result", "language", "attempts", "claimed_by", "created_at",
                       "started_at", "finished_at"]  # fmt: skip

    @admin.display(description=_("progress"))
    def progress(self, obj):
        return f"{obj.progress} %"
