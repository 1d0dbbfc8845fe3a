from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access_audit import VIA_CLAIM_FILING, VIEWED, AuditedAccessAdmin, staff_access_record
from core.admin import BranchScopedAdmin
from core.money import format_rupiah
from participants.selectors import participants_visible_to_staff

from . import four_eyes, payouts, selectors, services
from .choices import Channel, Status
from .forms import JkkCalculatorForm, ReasonForm, StaffClaimFileForm
from .models import (
    BenefitTableRow,
    Claim,
    ClaimDocument,
    ClaimEstimate,
    ClaimEvent,
    ClaimRuleValue,
    PaymentBatch,
)


@admin.register(ClaimRuleValue)
class ClaimRuleValueAdmin(admin.ModelAdmin):
    list_display = ["key", "value", "valid_from", "valid_to", "unconfirmed", "source"]
    list_filter = ["unconfirmed", "key"]
    ordering = ["key", "valid_from"]


@admin.register(BenefitTableRow)
class BenefitTableRowAdmin(admin.ModelAdmin):
    list_display = ["table", "code", "value", "count", "valid_from", "valid_to", "unconfirmed"]
    list_filter = ["table", "unconfirmed"]
    ordering = ["table", "valid_from", "code"]


class ClaimEventInline(admin.TabularInline):
    model = ClaimEvent
    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "actor", "note_shown"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("note"))
    def note_shown(self, obj):
        return obj.note_text


class ClaimDocumentInline(admin.TabularInline):
    """The required documents with their uploads: status, reasons and the download link (the
    documents app's authorising view lets only the participant's branch staff through)."""

    model = ClaimDocument
    extra = 0
    can_delete = False
    fields = ["document_type", "file", "check_status", "reasons"]
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("required documents")

    def has_view_permission(self, request, obj=None):
        # Whoever may see the claim sees what it needs; the branch scope is the claim's.
        return request.user.has_perm("claims.view_claim") or request.user.has_perm(
            "claims.change_claim"
        )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("document")
            .prefetch_related("document__checks")
        )

    @admin.display(description=gettext_lazy("file"))
    def file(self, obj):
        if obj.document is None:
            return _("seen at the branch counter")
        url = reverse("documents:download", args=[obj.document_id])
        return format_html('<a href="{}">{}</a>', url, _("Download %(name)s") % {
            "name": obj.document.original_name
        })  # fmt: skip

    @admin.display(description=gettext_lazy("check"))
    def check_status(self, obj):
        return obj.document.get_status_display() if obj.document else "-"

    @admin.display(description=gettext_lazy("reasons"))
    def reasons(self, obj):
        if obj.document is None:
            return ""
        return obj.document.staff_note or " ".join(str(r) for r in obj.document.failed_reasons())

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _apply(request, queryset, to_status, *, reason=""):
    """Every admin action goes through the one state machine; refusals are reported."""

    def move(claim):
        return services.claim_transition(
            claim=claim, to_status=to_status, actor=request.user, reason=reason
        )

    _each(request, queryset, move)


def _each(request, queryset, step):
    """Run `step` on each claim; say per status how many moved, and each refusal."""
    moved: dict[str, int] = {}
    for claim in queryset:
        try:
            claim = step(claim)
        except services.ClaimError as error:
            messages.error(request, f"#{claim.pk}: {error.message}")
        else:
            moved[claim.status] = moved.get(claim.status, 0) + 1
    for status, count in moved.items():
        messages.success(
            request,
            _("%(count)s claim(s) are now '%(status)s'.")
            % {"count": count, "status": Status(status).label},
        )


# The claim page shows these fields through a display method: the account masked (the full
# number is for the paying step only), the amounts in rupiah.
SHOWN_AS = {
    "bank_account_number": "masked_account",
    "amount_requested": "requested",
    "amount_estimated": "estimated",
    "amount_approved": "approved",
    "amount_paid": "paid",
}


@admin.register(Claim)
class ClaimAdmin(AuditedAccessAdmin, BranchScopedAdmin):
    branch_path = "participant__branch"
    list_display = [
        "id",
        "participant",
        "program_code",
        "status",
        "channel",
        "submitted_at",
        "estimated",
        "masked_account",
    ]
    list_filter = ["status", "program", "channel"]
    search_fields = ["=id", "=participant__nik", "participant__full_name"]
    list_select_related = ["participant"]
    date_hierarchy = "submitted_at"
    # The change page shows the payout account masked (last four digits), like the list: the
    # full number is for the paying step only (the bank export), not for every staff member
    # who opens a claim.
    # Amounts in rupiah; the idempotency key is plumbing, not something staff act on.
    readonly_fields = [
        SHOWN_AS.get(field.name, field.name)
        for field in Claim._meta.fields
        if field.name not in ("id", "idempotency_key")
    ] + ["estimate_basis"]
    exclude = ["idempotency_key", *SHOWN_AS]  # not even as inputs
    change_form_template = "admin/claims/claim/change_form.html"
    inlines = [ClaimDocumentInline, ClaimEventInline]
    actions = [
        "approve",
        "reject",
        "request_documents",
        "documents_received",
        "prepare_payment",
    ]
    change_list_template = "admin/claims/claim/change_list.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("participant", "participant__branch", "estimate")
        )

    @admin.display(description=gettext_lazy("program"), ordering="program")
    def program_code(self, obj):
        return obj.program  # "JHT": the list stays narrow; the claim page names it in full

    @admin.display(description=gettext_lazy("account"))
    def masked_account(self, obj):
        return obj.masked_account

    @staticmethod
    def _rupiah(amount):
        return "-" if amount is None else format_rupiah(amount)

    @admin.display(description=gettext_lazy("amount requested"))
    def requested(self, obj):
        return self._rupiah(obj.amount_requested)

    @admin.display(description=gettext_lazy("amount estimated"))
    def estimated(self, obj):
        return self._rupiah(obj.amount_estimated)

    @admin.display(description=gettext_lazy("amount approved"))
    def approved(self, obj):
        return self._rupiah(obj.amount_approved)

    @admin.display(description=gettext_lazy("amount paid"))
    def paid(self, obj):
        return self._rupiah(obj.amount_paid)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A claim is decided from the counter or with the list's actions, never edited here.
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "show_delete": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=gettext_lazy("estimate at filing, with its basis"))
    def estimate_basis(self, obj):
        """The figures the participant saw (claim page, API): one line each with its basis."""
        try:
            lines = obj.estimate.amount_lines
        except ClaimEstimate.DoesNotExist:
            return "–"
        rows = [
            (line["label"], format_rupiah(line["amount"]), line["basis"] or "–") for line in lines
        ]
        return format_html_join(mark_safe("<br>"), "{}: {} <small>({})</small>", rows) or "–"

    def has_delete_permission(self, request, obj=None):
        return False  # claims are cancelled or rejected, never deleted

    @admin.action(description=gettext_lazy("Approve the estimated amount"), permissions=["change"])
    def approve(self, request, queryset):
        def approve(claim):
            return payouts.claim_approve(claim=claim, actor=request.user)

        _each(request, queryset, approve)

    @admin.action(description=gettext_lazy("Put in a payment batch for the bank"),
                  permissions=["pay"])  # fmt: skip
    def prepare_payment(self, request, queryset):
        try:
            prepared = payouts.payment_batch_create(
                claim_ids=list(queryset.values_list("pk", flat=True)), actor=request.user
            )
        except payouts.PaymentError as error:
            messages.error(request, error.message)
            return None
        for claim_id, why in prepared.refused.items():
            messages.error(request, f"#{claim_id}: {why}")
        if prepared.batch is None:
            return None
        messages.success(
            request,
            _("Batch %(batch)s holds %(count)s claim(s): download its bank file.")
            % {"batch": prepared.batch.reference, "count": prepared.batch.claim_count},
        )
        return HttpResponseRedirect(
            reverse("admin:claims_paymentbatch_change", args=[prepared.batch.pk])
        )

    def has_pay_permission(self, request):
        return request.user.has_perm(four_eyes.PAY_PERMISSION)

    @admin.action(description=gettext_lazy("Documents received: back to review"),
                  permissions=["change"])  # fmt: skip
    def documents_received(self, request, queryset):
        _apply(request, queryset, Status.IN_REVIEW)

    @admin.action(description=gettext_lazy("Reject, with a reason"), permissions=["change"])
    def reject(self, request, queryset):
        return self._with_reason(request, queryset, "reject", Status.REJECTED)

    @admin.action(description=gettext_lazy("Request documents, saying which"),
                  permissions=["change"])  # fmt: skip
    def request_documents(self, request, queryset):
        return self._with_reason(request, queryset, "request_documents", Status.NEEDS_DOCUMENTS)

    def _with_reason(self, request, queryset, action, to_status):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            _apply(request, queryset, to_status, reason=form.cleaned_data["reason"])
            return None
        return TemplateResponse(
            request,
            "admin/claims/claim/reason.html",
            {
                **self.admin_site.each_context(request),
                "title": Status(to_status).label,
                "opts": self.model._meta,
                "form": form,
                "claims": queryset,
                "action": action,
                "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            },
        )

    # Filing at the counter: "Add claim" opens the assisted filing page.
    def get_urls(self):
        return [
            path(
                "file/",
                self.admin_site.admin_view(self.file_view),
                name="claims_claim_file",
            ),
            path(
                "jkk-calculator/",
                self.admin_site.admin_view(self.jkk_calculator_view),
                name="claims_claim_jkk_calculator",
            ),
            *super().get_urls(),
        ]

    def jkk_calculator_view(self, request):
        """JKK cash benefits for a wage, the same rules and basis the participant sees."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = JkkCalculatorForm(request.GET or None)
        lines = ()
        if form.is_valid():
            data = form.cleaned_data
            lines = selectors.jkk_estimate(
                monthly_wage=data["monthly_wage"],
                stmb_months=data["stmb_months"],
                disability_code=data["disability_code"] or "",
                on_date=timezone.localdate(),
            )
        return TemplateResponse(
            request,
            "admin/claims/claim/jkk_calculator.html",
            {
                **self.admin_site.each_context(request),
                "title": _("JKK calculator"),
                "opts": self.model._meta,
                "form": form,
                "lines": lines,
            },
        )

    def add_view(self, request, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:claims_claim_file"))

    def file_view(self, request):
        """Staff file for a participant present at the counter, through claim_file."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        # The NIK travels in the POST body only: URLs end up in access logs.
        nik = (request.POST.get("nik") or "").strip()
        participant = None
        if nik:
            participant = participants_visible_to_staff(user=request.user).filter(nik=nik).first()
            if participant is None:
                messages.error(
                    request,
                    _("NIK: no participant with this NIK belongs to your branch. Check the KTP."),
                )
        form = None
        if participant:
            # The page shows the participant's name, NIK, payout account and claim choices.
            staff_access_record(
                staff=request.user,
                obj=participant,
                participant_id=participant.pk,
                action=VIEWED,
                via=VIA_CLAIM_FILING,
            )
            if "claim_type" in request.POST:
                form = StaffClaimFileForm(request.POST, request.FILES, participant=participant)
                if form.is_valid():
                    data = form.cleaned_data
                    try:
                        # Scans made at the counter are stored like any upload, in the filing.
                        filed = services.claim_file(
                            participant=participant,
                            idempotency_key=data["idempotency_key"],
                            **form.claim_fields(),
                            heir_account=form.heir_account,
                            **form.heir_identity(),
                            uploads=form.uploads,
                            channel=Channel.BRANCH,
                            created_by=request.user,
                            identity_checked=data["identity_checked"],
                            filed_by_heir=data["filed_by_heir"],
                        )
                    except services.ClaimError as error:
                        form.add_filing_error(error)
                        for reason in error.eligibility.reasons if error.eligibility else []:
                            form.add_error(None, reason)
                    else:
                        claim = filed.claim
                        messages.success(request, _("Claim #%(id)s filed.") % {"id": claim.pk})
                        return HttpResponseRedirect(
                            reverse("admin:claims_claim_change", args=[claim.pk])
                        )
            else:
                form = StaffClaimFileForm(participant=participant)
        return TemplateResponse(
            request,
            "admin/claims/claim/file.html",
            {
                **self.admin_site.each_context(request),
                "title": _("File a claim at the counter"),
                "opts": self.model._meta,
                "nik": nik,
                "participant": participant,
                "form": form,
                "payout_account": (
                    selectors.payout_account_for(participant=participant) if participant else None
                ),
            },
        )


class BatchClaimInline(admin.TabularInline):
    """The batch's claims with the full account number: the payment step, shown only to the
    officers who pay (the batch admin needs the pay permission)."""

    model = Claim
    fk_name = "payment_batch"
    extra = 0
    can_delete = False
    fields = ["claim", "participant", "bank_name", "bank_account_number",
              "bank_account_holder", "amount", "status"]  # fmt: skip
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("claims in this batch")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(four_eyes.PAY_PERMISSION)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("participant")

    @admin.display(description=gettext_lazy("claim"))
    def claim(self, obj):
        url = reverse("admin:claims_claim_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, payouts.claim_reference(obj.pk))

    @admin.display(description=gettext_lazy("amount"))
    def amount(self, obj):
        return format_rupiah(obj.amount_approved or 0)


class ReturnFileForm(forms.Form):
    return_file = forms.FileField(
        label=gettext_lazy("The bank's return file (CSV)"),
        help_text=gettext_lazy(
            "The bank file's lines, each with the column status = paid or failed."
        ),
        error_messages={"required": gettext_lazy("Return file: choose the bank's CSV file.")},
    )


@admin.register(PaymentBatch)
class PaymentBatchAdmin(BranchScopedAdmin):
    """Batches are made from the claim list ("Put in a payment batch"), downloaded for the
    bank and confirmed with the bank's return file; never edited or deleted by hand."""

    list_display = ["reference", "branch", "status", "claim_count", "total", "prepared_by",
                    "confirmed_by", "created_at"]  # fmt: skip
    list_filter = ["status"]
    list_select_related = ["branch", "prepared_by", "confirmed_by"]
    fields = ["reference", "branch", "status", "claim_count", "total", "prepared_by",
              "created_at", "confirmed_by", "confirmed_at"]  # fmt: skip
    readonly_fields = fields
    inlines = [BatchClaimInline]
    change_form_template = "admin/claims/paymentbatch/change_form.html"

    def _pays(self, request):
        return request.user.has_perm(four_eyes.PAY_PERMISSION)

    def has_module_permission(self, request):
        return self._pays(request)

    def has_view_permission(self, request, obj=None):
        return self._pays(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("total"))
    def total(self, obj):
        return format_rupiah(obj.total_amount)

    @admin.display(description=gettext_lazy("reference"))
    def reference(self, obj):
        return obj.reference

    def get_urls(self):
        return [
            path("<int:batch_id>/bank-file/", self.admin_site.admin_view(self.bank_file_view),
                 name="claims_paymentbatch_bank_file"),
            path("<int:batch_id>/confirm/", self.admin_site.admin_view(self.confirm_view),
                 name="claims_paymentbatch_confirm"),
            *super().get_urls(),
        ]  # fmt: skip

    def _batch(self, request, batch_id):
        if not self._pays(request):
            raise PermissionDenied
        batch = self.get_queryset(request).filter(pk=batch_id).first()
        if batch is None:
            raise Http404
        return batch

    def bank_file_view(self, request, batch_id):
        batch = self._batch(request, batch_id)
        content = payouts.payment_batch_bank_file(batch=batch, actor=request.user)
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{batch.reference}.csv"'
        return response

    def confirm_view(self, request, batch_id):
        batch = self._batch(request, batch_id)
        if request.method != "POST":
            return HttpResponseRedirect(
                reverse("admin:claims_paymentbatch_change", args=[batch.pk])
            )
        form = ReturnFileForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                done = payouts.payment_batch_confirm(
                    batch=batch, actor=request.user, content=form.cleaned_data["return_file"].read()
                )
            except payouts.PaymentError as error:
                messages.error(request, error.message)
                for line in error.lines:
                    messages.error(request, line)
            else:
                counts = {"paid": len(done.paid), "failed": len(done.failed)}
                messages.success(
                    request,
                    _("Batch %(batch)s confirmed: %(paid)s claim(s) paid, %(failed)s returned "
                      "to the claims to pay.") % {"batch": batch.reference, **counts},
                )  # fmt: skip
        else:
            for error in form.errors.get("return_file", []):
                messages.error(request, error)
        return HttpResponseRedirect(reverse("admin:claims_paymentbatch_change", args=[batch.pk]))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "return_form": ReturnFileForm()}
        return super().changeform_view(request, object_id, form_url, extra_context)
