"""Staff review of data update requests: a branch-scoped queue, decisions through the service."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from core.access_audit import VIEWED, AuditedAccessAdmin, staff_access_record
from core.admin import BranchScopedAdmin
from core.models import AuditEvent
from participants.admin import ParticipantAdmin
from participants.masking import mask, mask_account
from participants.models import FamilyMember, Participant

from . import services as data_updates
from .models import DataUpdateRequest


class DecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        required=False,
        choices=[
            ("", _("(no decision yet)")),
            (data_updates.APPROVE, _("Approve and apply the change")),
            (data_updates.REJECT, _("Reject (write the reason)")),
            (data_updates.ASK_DOCUMENT, _("Ask for another document (write which and why)")),
        ],
    )
    decision_reason = forms.CharField(
        label=_("Reason shown to the participant"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = DataUpdateRequest
        fields = []

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision and self.instance.status != DataUpdateRequest.Status.IN_REVIEW:
            raise ValidationError(_("This request is not waiting for staff review."))
        if decision in {data_updates.REJECT, data_updates.ASK_DOCUMENT}:
            if not cleaned.get("decision_reason", "").strip():
                self.add_error("decision_reason", data_updates.MESSAGES["reason_needed"])
        return cleaned


@admin.register(DataUpdateRequest)
class DataUpdateRequestAdmin(AuditedAccessAdmin, BranchScopedAdmin):
    """The review queue: filter on 'Waiting for staff review'; oldest first."""

    branch_path = "participant__branch"
    form = DecisionForm
    list_display = ["__str__", "participant", "kind", "status", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["participant"]
    ordering = ["created_at"]
    search_fields = ["participant__full_name", "=participant__nik"]
    readonly_fields = [
        "participant", "kind", "status", "current_values", "new_values", "document_links",
        "reason_given", "decided_by", "decided_at", "created_at", "timeline",
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": readonly_fields}),
        (_("Decide"), {"fields": ["decision", "decision_reason"]}),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("participant", "decided_by")

    @admin.display(description=_("now in our records"))
    def current_values(self, obj):
        participant = obj.participant
        if obj.kind in data_updates.MEMBER_KINDS:
            member = FamilyMember.objects.filter(
                pk=obj.values.get("member"), participant=participant
            ).first()
            if member is None:
                return _("(no longer in the records)")
            return format_html_join(
                "",
                "<div>{}: {}</div>",
                ((key, mask(key, value)) for key, value in member.as_values().items()),
            )
        current = {
            "name": participant.full_name,
            "birth_date": participant.birth_date.isoformat(),
            "nik": participant.masked_nik,
        }
        return current.get(obj.kind, "-")

    @admin.display(description=_("asked for"))
    def new_values(self, obj):
        # The asked-for values are what staff review, so they show in full, except a bank
        # account number: the last four digits are enough to match it against the bank book
        # attached as the document, and nobody pays from this page (security test, issue 18).
        return format_html_join(
            "",
            "<div>{}: {}</div>",
            (
                (key, mask_account(str(value)) if key == "account_number" else value)
                for key, value in obj.values.items()
            ),
        )

    @admin.display(description=_("reason given"))
    def reason_given(self, obj):
        """Staff's words, or the portal's own reason (stored as a code) in the staff's language."""
        return obj.reason_text

    @admin.display(description=_("timeline"))
    def timeline(self, obj):
        return format_html_join(
            "",
            "<div>{} · {} {}</div>",
            ((f"{step.at:%Y-%m-%d %H:%M}", step.get_status_display(), step.note)
             for step in obj.steps.all()),
        )  # fmt: skip

    @admin.display(description=_("documents"))
    def document_links(self, obj):
        return format_html_join(
            "",
            '<div><a href="{}">{}</a> · {} · {}</div>',
            (
                (
                    reverse("documents:download", args=[doc.pk]),
                    doc.original_name,
                    doc.get_kind_display(),
                    doc.get_status_display(),
                )
                for doc in obj.documents.all()
            ),
        )

    def save_model(self, request, obj, form, change):
        decision = form.cleaned_data.get("decision")
        if not decision:
            return
        try:
            data_updates.data_update_decide(
                request=obj,
                staff=request.user,
                decision=decision,
                reason=form.cleaned_data.get("decision_reason", ""),
            )
        except data_updates.DataUpdateConflict:
            request.data_update_conflict = True
        except ValidationError as exc:
            request.data_update_conflict = True
            messages.error(request, " ".join(exc.messages))

    def response_change(self, request, obj):
        if getattr(request, "data_update_conflict", False):
            self.message_user(
                request,
                _("Another staff member decided this request first; nothing was changed."),
                messages.WARNING,
            )
            return self.response_post_save_change(request, obj)
        return super().response_change(request, obj)


class ChangeHistoryInline(admin.TabularInline):
    """A participant's applied changes, masked, newest first (AuditEvent 'data_updated')."""

    model = AuditEvent
    fk_name = "participant"
    verbose_name = _("data change")
    verbose_name_plural = _("change history")
    extra = 0
    can_delete = False
    fields = ["at", "actor", "field", "old", "new", "reason"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).filter(action="data_updated").select_related("actor")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("field"))
    def field(self, obj):
        return obj.detail.get("field", "")

    @admin.display(description=_("old value"))
    def old(self, obj):
        return obj.detail.get("old", "")

    @admin.display(description=_("new value"))
    def new(self, obj):
        return obj.detail.get("new", "")

    @admin.display(description=_("staff reason"))
    def reason(self, obj):
        return obj.detail.get("reason", "")


class IdentityCorrectionForm(forms.Form):
    """Staff correction of identity: blank fields stay as they are; the service checks."""

    full_name = forms.CharField(label=_("Correct full name"), max_length=150, required=False)
    nik = forms.CharField(
        label=_("Correct NIK"),
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    birth_date = forms.DateField(
        label=_("Correct birth date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(
        label=_("Reason and document checked"),
        max_length=500,
        required=False,  # the service says what is missing, with the other problems
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ParticipantWithHistoryAdmin(ParticipantAdmin):
    """The participant's page with their change history and the staff identity correction
    (here, not in participants/, which must not know about data updates)."""

    inlines = [*ParticipantAdmin.inlines, ChangeHistoryInline]
    change_form_template = "admin/data_updates/participant/change_form.html"

    def get_urls(self):
        correct = self.admin_site.admin_view(self.correct_identity_view)
        return [
            path(
                "<path:object_id>/correct-identity/",
                correct,
                name="participants_participant_correct_identity",
            ),
            *super().get_urls(),
        ]

    def correct_identity_view(self, request, object_id):
        """NIK, name and birth date are read-only on the change page: they change here,
        through data_updates.services.identity_correct, with an audit row per field."""
        participant = self.get_object(request, unquote(object_id))
        if participant is None:
            raise Http404
        if not self.has_change_permission(request, participant):
            raise PermissionDenied
        change_url = reverse("admin:participants_participant_change", args=[participant.pk])
        if request.method == "POST":
            form = IdentityCorrectionForm(request.POST)
            if form.is_valid():
                try:
                    data_updates.identity_correct(
                        participant=participant, actor=request.user, **form.cleaned_data
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    self.message_user(
                        request,
                        _("Identity corrected. The change history shows the old and new values."),
                        messages.SUCCESS,
                    )
                    return redirect(change_url)
        else:
            form = IdentityCorrectionForm()
        # The page shows the NIK, name and birth date on record.
        staff_access_record(
            staff=request.user, obj=participant, participant_id=participant.pk, action=VIEWED
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Correct identity"),
            "opts": self.opts,
            "participant": participant,
            "change_url": change_url,
            "form": form,
        }
        template = "admin/data_updates/participant/correct_identity.html"
        return TemplateResponse(request, template, context)


admin.site.unregister(Participant)
admin.site.register(Participant, ParticipantWithHistoryAdmin)
