from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.access_audit import AuditedAccessAdmin
from core.admin import BranchScopedAdmin
from core.scoping import staff_branch_scope

from . import services
from .models import Document, DocumentCheck


class DocumentCheckInline(admin.TabularInline):
    model = DocumentCheck
    extra = 0
    fields = ["check_name", "outcome", "reason", "checked_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("reason"))
    def reason(self, obj):
        return obj.reason


@admin.register(Document)
class DocumentAdmin(AuditedAccessAdmin, BranchScopedAdmin):
    """Read-only record of uploads; staff decide documents the pipeline could not."""

    branch_path = "owner__branch"
    audit_participant_field = "owner_id"
    list_display = ["__str__", "owner", "kind", "status", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["owner"]
    search_fields = ["=sha256", "owner__full_name"]
    fields = [
        "owner", "branch", "kind", "original_name", "download", "content_type", "size", "sha256",
        "status", "attempts", "claimed_by", "verifying_since", "finished_at", "file_removed_at",
        "staff_note",
    ]  # fmt: skip
    readonly_fields = [field for field in fields if field != "staff_note"]
    inlines = [DocumentCheckInline]
    actions = ["accept_documents", "reject_documents"]

    def get_queryset(self, request):
        """Branch staff also see files without an owner that name their branch."""
        queryset = admin.ModelAdmin.get_queryset(self, request)
        owned = staff_branch_scope(queryset, user=request.user, branch_path=self.branch_path)
        unowned = staff_branch_scope(queryset.filter(owner__isnull=True), user=request.user)
        return owned | unowned

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("file"))
    def download(self, obj):
        url = reverse("documents:download", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))

    def save_model(self, request, obj, form, change):
        # Only the staff note is editable; the status changes through the actions.
        services.document_staff_note_set(document=obj, note=form.cleaned_data["staff_note"])

    def _review(self, request, queryset, *, accept):
        done = 0
        for document in queryset.select_related("owner"):
            if not accept and not document.staff_note.strip():
                self.message_user(
                    request,
                    _("%(doc)s: write a staff note with the reason before rejecting.")
                    % {"doc": document},
                    messages.ERROR,
                )
                continue
            done += services.document_review(
                document=document, staff=request.user, accept=accept, note=document.staff_note
            )
        self.message_user(request, _("%(count)d document(s) decided.") % {"count": done})

    @admin.action(description=_("Accept the selected documents (waiting for staff)"))
    def accept_documents(self, request, queryset):
        self._review(request, queryset, accept=True)

    @admin.action(description=_("Reject the selected documents (uses the staff note)"))
    def reject_documents(self, request, queryset):
        self._review(request, queryset, accept=False)
