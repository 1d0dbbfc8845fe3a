"""Admin: partner webhooks (URL, signing secret, on/off) and their read-only delivery log."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .admin import BranchScopedAdmin
from .models import ContributionReport, Employer, PartnerWebhook, WebhookDelivery


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
        if db_field.name == "employer" and not request.user.is_superuser:
            kwargs["queryset"] = Employer.objects.filter(branch_id=request.user.branch_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyAdmin(BranchScopedAdmin):
    """A log: staff read it, nobody edits it by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
