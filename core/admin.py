"""Admin pieces every app's admin uses: branch scoping and the audit trail."""

from django.contrib import admin

from .models import AuditEvent
from .scoping import staff_branch_scope


class ReadOnlyAdminMixin:
    """A record or a log: staff read it, nobody adds, edits or deletes it by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BranchScopedAdmin(admin.ModelAdmin):
    """Staff work only their own branch's records; superusers see every branch.

    `branch_path` is the lookup from the model to its Branch.
    """

    branch_path = "branch"

    def get_queryset(self, request):
        return staff_branch_scope(
            super().get_queryset(request), user=request.user, branch_path=self.branch_path
        )


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, BranchScopedAdmin):
    branch_path = "participant__branch"
    list_display = ["at", "action", "actor", "participant"]
    list_filter = ["action"]
    list_select_related = ["actor", "participant"]
    readonly_fields = ["at", "actor", "participant", "action", "detail"]
