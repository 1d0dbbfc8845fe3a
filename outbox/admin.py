from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: operators watch the backlog; the relay alone changes rows."""

    list_display = ["created_at", "task_name", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "task_name"]
    readonly_fields = [
        "created_at", "task_name", "args", "status", "attempts", "next_attempt_at", "sent_at",
        "last_error",
    ]  # fmt: skip
