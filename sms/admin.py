from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin

from .models import SmsMessage
from .phone import phone_mask


@admin.register(SmsMessage)
class SmsMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The delivery log, read-only: the words are shown masked, the sealed text never."""

    list_display = ["created_at", "purpose", "to_masked", "status", "attempts", "sent_at"]
    list_filter = ["status", "purpose"]
    fields = [
        "created_at", "purpose", "to_masked", "text_masked", "status", "attempts",
        "next_attempt_at", "gateway_id", "error", "sent_at", "failed_at",
    ]  # fmt: skip
    readonly_fields = fields

    @admin.display(description=_("to"))
    def to_masked(self, obj):
        return phone_mask(obj.to)
