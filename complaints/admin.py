from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from core.access_audit import AuditedAccessAdmin
from core.admin import BranchScopedAdmin
from participants.models import User

from . import services
from .models import SelfHelpOffer, SlaPolicy, Ticket, TicketMessage
from .selectors import ticket_attachments, tickets_visible_to_staff


class TicketAdminForm(forms.ModelForm):
    """Staff never edit a ticket's fields; they assign, reply and resolve through services."""

    assign_to = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Staff of this complaint's branch."),
    )
    reply = forms.CharField(
        label=_("Reply to the participant"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text=_("Sent by e-mail and shown in the participant's conversation."),
    )
    resolve = forms.BooleanField(
        label=_("Mark as resolved"),
        required=False,
        help_text=_("The participant is then asked to rate the help."),
    )

    class Meta:
        model = Ticket
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ticket = self.instance
        self.fields["assign_to"].queryset = User.objects.filter(
            is_active=True, is_staff=True, branch_id=ticket.branch_id
        ).order_by("email")
        self.fields["assign_to"].initial = ticket.assigned_to_id

    def clean(self):
        cleaned = super().clean()
        resolved = self.instance.status == Ticket.Status.RESOLVED
        if resolved and (cleaned.get("reply") or cleaned.get("resolve")):
            raise forms.ValidationError(
                _("This complaint is already resolved: it takes no more replies.")
            )
        return cleaned


class TicketMessageInline(admin.TabularInline):
    model = TicketMessage
    extra = 0
    can_delete = False
    fields = ["created_at", "from_staff", "author", "body", "emailed_at"]
    readonly_fields = fields
    verbose_name_plural = _("conversation")

    def get_queryset(self, request):
        # One query for the thread, not one per message for its author and ticket.
        return super().get_queryset(request).select_related("author", "ticket")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        """Whoever may see the ticket reads its thread (the ticket's queryset is branch-scoped)."""
        return request.user.has_perm("complaints.view_ticket")


class OverdueFilter(admin.SimpleListFilter):
    title = _("escalated")
    parameter_name = "escalated"

    def lookups(self, request, model_admin):
        return [("yes", _("Escalated")), ("no", _("Not escalated"))]

    def queryset(self, request, queryset):
        escalated = queryset.filter(response_escalated_at__isnull=False) | queryset.filter(
            resolution_escalated_at__isnull=False
        )
        if self.value() == "yes":
            return escalated
        if self.value() == "no":
            return queryset.filter(
                response_escalated_at__isnull=True, resolution_escalated_at__isnull=True
            )
        return queryset


@admin.register(Ticket)
class TicketAdmin(AuditedAccessAdmin, BranchScopedAdmin):
    form = TicketAdminForm
    list_display = [
        "number",
        "subject",
        "category",
        "status",
        "assigned_to",
        "first_response_due",
        "resolution_due",
        "escalated",
        "rating",
    ]
    list_filter = ["status", OverdueFilter, "category", "branch"]
    search_fields = ["=number", "subject"]
    list_select_related = ["branch", "assigned_to"]
    ordering = ["status", "first_response_due"]
    inlines = [TicketMessageInline]
    actions = ["assign_to_me"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "number",
                    "category",
                    "subject",
                    "status",
                    "branch",
                    "assigned_to",
                    "participant",
                    "contact_name",
                    "contact_nik",
                    "contact_email",
                    "contact_phone",
                    "attachments",
                ]
            },
        ),
        (
            _("Service level"),
            {
                "fields": [
                    "created_at",
                    "first_response_due",
                    "first_responded_at",
                    "response_escalated_at",
                    "resolution_due",
                    "resolved_at",
                    "resolution_escalated_at",
                ]
            },
        ),
        (_("Satisfaction"), {"fields": ["rating", "rating_comment", "rated_at"]}),
        (_("Work on this complaint"), {"fields": ["assign_to", "reply", "resolve"]}),
    ]
    readonly_fields = [field for fieldset in fieldsets[:3] for field in fieldset[1]["fields"]]

    def get_queryset(self, request):
        return tickets_visible_to_staff(user=request.user)

    def has_add_permission(self, request):
        return False  # complaints come from participants and visitors

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("attachments"))
    def attachments(self, obj):
        """Each file with its verification status; links go through the authorising views."""
        rows = []
        for attachment in ticket_attachments(ticket=obj):
            document = attachment.document
            reasons = "; ".join(str(reason) for reason in document.failed_reasons())
            rows.append(
                (
                    reverse("documents:download", args=[document.pk]),
                    document.original_name,
                    date_format(localtime(attachment.message.created_at), "j M Y H:i"),
                    reverse("admin:documents_document_change", args=[document.pk]),
                    document.get_status_display(),
                    f" - {reasons}" if reasons else "",
                )
            )
        if not rows:
            return _("No files attached.")
        return format_html(
            '<ul class="ticket-attachments">{}</ul>',
            format_html_join(
                "",
                '<li><a href="{}">{}</a> ({}) · <a href="{}" class="doc-status">{}</a>{}</li>',
                rows,
            ),
        )

    @admin.display(boolean=True, description=_("escalated"))
    def escalated(self, obj):
        return obj.is_escalated

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            assignee = data.get("assign_to")
            if assignee and assignee.pk != obj.assigned_to_id:
                services.ticket_assign(ticket=obj, assignee=assignee, actor=request.user)
            if data.get("reply"):
                services.ticket_reply(
                    ticket=obj, body=data["reply"], author=request.user, from_staff=True
                )
            if data.get("resolve"):
                services.ticket_resolve(ticket=obj, actor=request.user)
        except services.TicketError as error:
            messages.error(request, error.message)

    @admin.action(description=_("Assign the selected complaints to me"))
    def assign_to_me(self, request, queryset):
        assigned = 0
        for ticket in queryset:
            try:
                services.ticket_assign(ticket=ticket, assignee=request.user, actor=request.user)
                assigned += 1
            except services.TicketError as error:
                messages.warning(request, f"{ticket.number}: {error.message}")
        if assigned:
            messages.success(
                request, _("%(count)d complaints assigned to you.") % {"count": assigned}
            )


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "category",
        "first_response_hours",
        "resolution_hours",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["category"]


@admin.register(SelfHelpOffer)
class SelfHelpOfferAdmin(admin.ModelAdmin):
    list_display = ["at", "category", "solved"]
    list_filter = ["solved", "category"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
