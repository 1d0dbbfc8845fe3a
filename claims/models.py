from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel

from .choices import (
    CLAIM_TYPE_LABELS,
    OPEN_STATUSES,
    STATUS_TAGS,
    Channel,
    DocumentType,
    Kind,
    Program,
    Reason,
    Status,
)


class RuleKey(models.TextChoices):
    """Each dated value the claim rules read; `rules.ClaimRuleSet` has one field per key."""

    JHT_ONLINE_LIMIT = "jht_online_limit", _("JHT: highest balance claimable online (Rp)")
    JHT_RETIREMENT_AGE = "jht_retirement_age", _("JHT: retirement age (years)")
    JHT_WAITING_MONTHS = (
        "jht_waiting_months",
        _("JHT: waiting period after resignation or termination (months)"),
    )
    JHT_PARTIAL_MIN_MEMBERSHIP_MONTHS = (
        "jht_partial_min_membership_months",
        _("JHT partial: minimum membership (months)"),
    )
    JHT_PARTIAL_HOUSING_PERCENT = "jht_partial_housing_percent", _("JHT partial: housing share (%)")
    JHT_PARTIAL_OTHER_PERCENT = (
        "jht_partial_other_percent",
        _("JHT partial: other retirement preparation share (%)"),
    )
    JP_MONTHLY_MIN_CONTRIBUTION_MONTHS = (
        "jp_monthly_min_contribution_months",
        _("JP: contribution months needed for a monthly pension"),
    )
    JP_SURVIVOR_MIN_MEMBERSHIP_MONTHS = (
        "jp_survivor_min_membership_months",
        _("JP survivors: minimum membership (months)"),
    )
    JP_SURVIVOR_MIN_DENSITY_PERCENT = (
        "jp_survivor_min_density_percent",
        _("JP survivors: minimum contribution density (%)"),
    )
    JKM_DEATH_BENEFIT = "jkm_death_benefit", _("JKM: death benefit (Rp)")
    JKM_PERIODIC_BENEFIT = "jkm_periodic_benefit", _("JKM: periodic benefit (Rp)")
    JKM_FUNERAL_BENEFIT = "jkm_funeral_benefit", _("JKM: funeral costs (Rp)")
    JKM_SCHOLARSHIP_MIN_CONTRIBUTION_MONTHS = (
        "jkm_scholarship_min_contribution_months",
        _("JKM scholarship: contribution months needed"),
    )
    JKM_SCHOLARSHIP_PER_CHILD = (
        "jkm_scholarship_per_child",
        _("JKM scholarship: most per child (Rp)"),
    )
    JKM_SCHOLARSHIP_MAX_CHILDREN = (
        "jkm_scholarship_max_children",
        _("JKM scholarship: most children"),
    )
    JKK_STMB_FULL_MONTHS = "jkk_stmb_full_months", _("JKK STMB: months at the full rate")
    JKK_STMB_FULL_PERCENT = "jkk_stmb_full_percent", _("JKK STMB: full rate (% of wage)")
    JKK_STMB_AFTER_PERCENT = "jkk_stmb_after_percent", _("JKK STMB: later rate (% of wage)")
    SECOND_APPROVAL_ABOVE = (
        "second_approval_above",
        _("Payouts above this amount need a second approving officer (Rp)"),
    )
    PROCESSING_WORKING_DAYS = (
        "processing_working_days",
        _("Working days to pay after a complete file"),
    )
    JHT_DISABILITY_FROM_NEXT_MONTH = (
        "jht_disability_from_next_month",
        _("JHT disability: payable from the 1st of the month after certification (1 = yes)"),
    )
    JP_BENEFIT_FLOOR = "jp_benefit_floor", _("JP: lowest monthly pension (Rp)")
    JP_BENEFIT_CEILING = "jp_benefit_ceiling", _("JP: highest monthly pension (Rp)")
    JP_WIDOW_PERCENT = "jp_widow_percent", _("JP widow/widower pension (% of the formula)")
    JP_CHILD_PERCENT = "jp_child_percent", _("JP child pension (% of the formula)")
    JP_PARENT_PERCENT = "jp_parent_percent", _("JP parent pension (% of the formula)")
    JP_CHILD_MAX_AGE = "jp_child_max_age", _("JP child pension: paid until this age")
    JP_CHILD_MAX_COUNT = "jp_child_max_count", _("JP child pension: most children")
    JKM_PMI_WORK_PERIOD_TOTAL = (
        "jkm_pmi_work_period_total",
        _("JKM for a migrant worker (PMI) who dies during the work period (Rp)"),
    )
    JKK_DEATH_WAGE_MULTIPLE = "jkk_death_wage_multiple", _("JKK death: months of wage")
    JKK_PERIODIC_BENEFIT = "jkk_periodic_benefit", _("JKK death: periodic benefit (Rp)")
    JKK_FUNERAL_BENEFIT = "jkk_funeral_benefit", _("JKK death: funeral costs (Rp)")
    JKK_DISABILITY_WAGE_MULTIPLE = (
        "jkk_disability_wage_multiple",
        _("JKK disability: months of wage the table percentage applies to"),
    )
    JKK_TOTAL_DISABILITY_PERCENT = (
        "jkk_total_disability_percent",
        _("JKK total permanent disability (% of the months of wage)"),
    )
    JKP_FIRST_MONTHS = "jkp_first_months", _("JKP: months at the first rate")
    JKP_FIRST_PERCENT = "jkp_first_percent", _("JKP: first rate (% of wage)")
    JKP_LATER_PERCENT = "jkp_later_percent", _("JKP: later rate (% of wage)")
    JKP_BENEFIT_MONTHS = "jkp_benefit_months", _("JKP: most months of cash benefit")
    JKP_WAGE_CAP = "jkp_wage_cap", _("JKP: highest wage the benefit is computed on (Rp)")
    JKP_MIN_CONTRIBUTION_MONTHS = (
        "jkp_min_contribution_months",
        _("JKP: contribution months needed within the window"),
    )
    JKP_WINDOW_MONTHS = "jkp_window_months", _("JKP: window before the PHK (months)")
    JKP_CONSECUTIVE_MONTHS = (
        "jkp_consecutive_months",
        _("JKP: consecutive months paid just before the PHK"),
    )
    JKP_MAX_REGISTRATION_AGE = (
        "jkp_max_registration_age",
        _("JKP: registered before this age"),
    )


def _refuse_overlap(row, same_kind, message) -> None:
    """A dated row (valid_from..valid_to, open-ended when empty) may not overlap another row
    of `same_kind`: one value applies on any day."""
    if not row.valid_from:
        return
    overlapping = same_kind.exclude(pk=row.pk).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=row.valid_from)
    )
    if row.valid_to:
        overlapping = overlapping.filter(valid_from__lte=row.valid_to)
    if overlapping.exists():
        raise ValidationError({"valid_from": message})


class ClaimRuleValue(BaseModel):
    """One dated value (limit, amount, percentage, threshold); edited by staff in the admin."""

    key = models.CharField(_("rule"), max_length=60, choices=RuleKey.choices)
    value = models.BigIntegerField(_("value"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("Last day it applies; empty = open.")
    )
    unconfirmed = models.BooleanField(
        _("UNCONFIRMED"),
        default=False,
        help_text=_("Only one weak source or none: check before relying on it."),
    )
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        ordering = ["key", "valid_from"]
        verbose_name = _("claim rule value")
        verbose_name_plural = _("claim rule values")
        constraints = [
            models.UniqueConstraint(fields=["key", "valid_from"], name="claim_rule_key_from"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="claim_rule_valid_range",
            ),
        ]

    def __str__(self):
        return f"{self.get_key_display()} = {self.value} ({self.valid_from}–{self.valid_to or ''})"

    def clean(self):
        _refuse_overlap(
            self,
            ClaimRuleValue.objects.filter(key=self.key),
            _(
                "Another value for this rule already applies in this period. "
                "End that one first (set its 'valid to'), then add this one."
            ),
        )


class BenefitTable(models.TextChoices):
    JP_RETURN = "jp_return", _("JP fund return per year (basis points; code = year)")
    JP_INFLATION = "jp_inflation", _("JP wage index: general inflation (basis points; code = year)")
    JKM_SCHOLARSHIP = "jkm_scholarship", _("JKM scholarship per level (Rp a year; count = years)")
    JKK_DISABILITY = "jkk_disability", _("JKK partial disability table (%; code = what was lost)")


class BenefitTableRow(BaseModel):
    """One row of a benefit table the rules read whole (a year's return or inflation, a
    scholarship level, a disability percentage); dated, staff edit it in the admin."""

    table = models.CharField(_("table"), max_length=20, choices=BenefitTable.choices)
    code = models.CharField(_("code"), max_length=40)
    value = models.BigIntegerField(_("value"))
    count = models.PositiveSmallIntegerField(_("count"), default=0)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("Last day it applies; empty = open.")
    )
    unconfirmed = models.BooleanField(
        _("UNCONFIRMED"),
        default=False,
        help_text=_("Only one weak source or none: check before relying on it."),
    )
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        ordering = ["table", "valid_from", "code"]
        verbose_name = _("benefit table row")
        verbose_name_plural = _("benefit table rows")
        constraints = [
            models.UniqueConstraint(
                fields=["table", "code", "valid_from"], name="benefit_row_table_code_from"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="benefit_row_valid_range",
            ),
        ]

    def __str__(self):
        return f"{self.table} {self.code} = {self.value}"

    def clean(self):
        _refuse_overlap(
            self,
            BenefitTableRow.objects.filter(table=self.table, code=self.code),
            _(
                "Another row with this table and code already applies in this period. "
                "End that one first (set its 'valid to'), then add this one."
            ),
        )


class Claim(BaseModel):
    """A benefit claim; its status moves only through `services.claim_transition`."""

    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="claims",
    )
    program = models.CharField(_("program"), max_length=3, choices=Program.choices)
    kind = models.CharField(_("kind"), max_length=7, choices=Kind.choices, default=Kind.FULL)
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices)
    event_date = models.DateField(
        _("date of the event"),
        null=True,
        blank=True,
        help_text=_("Resignation, termination, contract end, certification, death or accident."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by staff"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    filed_by_heir = models.BooleanField(_("filed by an heir"), default=False)
    # Whom an heir's claim pays: the name and NIK from the heir's KTP, which the payout
    # account's holder must match (checked at filing, the KTP verified before approval).
    heir_nik = models.CharField(_("heir's NIK"), max_length=16, blank=True)
    heir_name = models.CharField(_("heir's name (as on the KTP)"), max_length=150, blank=True)
    branch_visit = models.BooleanField(
        _("finished at a branch visit"),
        default=False,
        help_text=_(
            "JHT balance above the online limit at filing: approved only after the "
            "participant's branch visit (a priority appointment linked to this claim)."
        ),
    )
    amount_requested = models.PositiveBigIntegerField(_("amount requested"), null=True, blank=True)
    amount_estimated = models.PositiveBigIntegerField(_("amount estimated"), null=True, blank=True)
    amount_approved = models.PositiveBigIntegerField(_("amount approved"), null=True, blank=True)
    amount_paid = models.PositiveBigIntegerField(_("amount paid"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    complete_at = models.DateTimeField(_("file complete at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    # Maker-checker: whoever files cannot approve, whoever approves cannot pay
    # (claims/payouts.py, enforced in the state machine and by the constraints below).
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    second_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("second approval by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    payment_batch = models.ForeignKey(
        "claims.PaymentBatch",
        verbose_name=_("payment batch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    # Payout account, copied at filing (the verified pengkinian account on merge with issue 4).
    bank_name = models.CharField(_("bank"), max_length=60)
    bank_account_number = models.CharField(_("account number"), max_length=30)
    bank_account_holder = models.CharField(_("account holder"), max_length=150)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        indexes = [
            models.Index(fields=["participant", "-submitted_at"], name="claim_participant_recent"),
            models.Index(fields=["status", "submitted_at"], name="claim_status_queue"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "program"],
                condition=Q(status__in=OPEN_STATUSES),
                name="claim_one_open_per_program",
            ),
            models.UniqueConstraint(
                fields=["participant", "idempotency_key"], name="claim_idempotency_key"
            ),
            models.CheckConstraint(
                condition=~Q(idempotency_key=""), name="claim_idempotency_key_set"
            ),
            models.CheckConstraint(
                condition=Q(kind=Kind.FULL) | Q(program=Program.JHT),
                name="claim_partial_only_jht",
            ),
            models.CheckConstraint(
                condition=~Q(channel=Channel.BRANCH) | Q(created_by__isnull=False),
                name="claim_branch_names_staff",
            ),
            # Four eyes, also for a write that bypasses the services.
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True)
                | Q(created_by__isnull=True)
                | ~Q(approved_by=F("created_by")),
                name="claim_filer_not_approver",
            ),
            models.CheckConstraint(
                condition=Q(second_approved_by__isnull=True)
                | (
                    ~Q(second_approved_by=F("approved_by"))
                    & (Q(created_by__isnull=True) | ~Q(second_approved_by=F("created_by")))
                ),
                name="claim_second_approver_differs",
            ),
        ]
        permissions = [
            ("pay_claim", _("Can prepare payment batches and confirm the bank's return file")),
        ]

    def __str__(self):
        return f"#{self.pk} {self.program} {self.get_reason_display()}"

    @property
    def masked_account(self) -> str:
        number = self.bank_account_number
        return f"{self.bank_name} ****{number[-4:]}" if len(number) > 4 else "****"

    @property
    def status_tag(self) -> str:
        """The colour of the status tag (tag-green, tag-amber, …)."""
        return STATUS_TAGS[self.status]

    @property
    def type_label(self) -> str:
        """What was claimed, as the filing list named it (e.g. "JHT in full: I resigned")."""
        code = f"{self.program}:{self.kind}:{self.reason}"
        return str(CLAIM_TYPE_LABELS.get(code, self.get_reason_display()))

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def current_note(self) -> "ClaimEvent | None":
        """The step that explains the claim's present status (why documents are needed, why it
        was rejected), or None. Read from the prefetched timeline: a note of an earlier step
        (a refused scan since replaced) is history, not the present."""
        if self.status not in (Status.NEEDS_DOCUMENTS, Status.REJECTED):
            return None
        events = list(self.events.all())
        last = events[-1] if events else None
        if last is None or last.to_status != self.status or not (last.note or last.note_code):
            return None
        return last

    @property
    def current_note_text(self) -> str:
        note = self.current_note
        return note.note_text if note else ""


class ClaimEvent(models.Model):
    """One step on the claim's timeline (Lacak Klaim), written with every transition."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("at"))
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True, help_text=_("As typed by staff."))
    # A note the portal wrote (an automatic check, a filing at the counter): a code and its
    # values, put into words in the reader's language by `claims.notes.note_text`.
    note_code = models.CharField(_("automatic note"), max_length=40, blank=True)
    note_params = models.JSONField(_("automatic note values"), default=dict, blank=True)
    notified_at = models.DateTimeField(_("participant notified at"), null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("claim event")
        verbose_name_plural = _("claim events")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.from_status} -> {self.to_status}"

    @property
    def note_text(self) -> str:
        """The note in the reader's language (a coded note), or as staff typed it."""
        from .notes import note_text

        return note_text(self.note_code, self.note_params) if self.note_code else self.note

    @property
    def is_automatic(self) -> bool:
        """Written by the portal's own checks, not by a person."""
        return self.actor_id is None


class ClaimDocument(BaseModel):
    """A document the claim needs (from the rules' list at filing) and the upload that meets it.

    The file itself is a `documents.Document` (stored, checked and served by the documents
    app); a replacement after a rejection points this row at the new upload.
    """

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="requirements"
    )
    document_type = models.CharField(_("document"), max_length=40, choices=DocumentType.choices)
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("uploaded file"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claim_requirements",
        help_text=_("Empty when staff saw the original at the branch counter."),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        constraints = [
            models.UniqueConstraint(fields=["claim", "document_type"], name="claim_document_once")
        ]

    def __str__(self):
        return self.get_document_type_display()


class ClaimDraftUpload(BaseModel):
    """A file chosen on the filing form when the form was refused for another reason: kept,
    checked and stored like any upload, for the form with the same key, so the participant
    does not choose it again. Filing with that key uses it and removes these rows."""

    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    form_key = models.CharField(_("filing form"), max_length=64)
    document_type = models.CharField(_("document"), max_length=40, choices=DocumentType.choices)
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("uploaded file"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = _("file kept for a claim form")
        verbose_name_plural = _("files kept for claim forms")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "form_key", "document_type"], name="claim_draft_upload_once"
            )
        ]

    def __str__(self):
        return f"{self.form_key} {self.document_type}"


class PaymentBatch(BaseModel):
    """Approved claims of one branch sent to the bank in one file, then confirmed back.

    The officer who prepares it (and downloads the bank file with the full account numbers)
    has the pay permission and approved none of its claims; each claim becomes paid once,
    when the bank's return file says it was transferred (claims/payouts.py)."""

    class Status(models.TextChoices):
        EXPORTED = "exported", _("Sent to the bank, waiting for its return file")
        CONFIRMED = "confirmed", _("Confirmed by the bank's return file")

    branch = models.ForeignKey(
        "core.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.EXPORTED
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    claim_count = models.PositiveIntegerField(_("claims"))
    total_amount = models.PositiveBigIntegerField(_("total (Rp)"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("payment batch")
        verbose_name_plural = _("payment batches")

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        """The batch's name in the bank file and its return file."""
        return f"JMO-PAY-{self.pk:06d}"


class ClaimEstimate(BaseModel):
    """The estimate shown when the claim was filed, kept so that every door (the claim page,
    the participant API, the staff admin) shows the same figures with the same basis. The
    rules word each line in the reader's language, so the lines are kept per language."""

    claim = models.OneToOneField(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="estimate"
    )
    on_date = models.DateField(_("estimated on"))
    benefit_form = models.CharField(_("paid as"), max_length=10, blank=True)
    # {"id": [[label, amount, basis], ...], "en": [...]}
    lines = models.JSONField(_("amount lines"), default=dict)
    notes = models.JSONField(_("notes"), default=dict)
    # {"id": [[level, amount a year, years, in all], ...], "en": [...]} (the JKM scholarship)
    schedule = models.JSONField(_("scholarship schedule"), default=dict)

    class Meta:
        verbose_name = _("claim estimate")
        verbose_name_plural = _("claim estimates")

    def __str__(self):
        return f"#{self.claim_id} {self.on_date}"

    def _in_language(self, values: dict) -> list:
        language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
        return values.get(language) or values.get(settings.LANGUAGE_CODE) or []

    @property
    def amount_lines(self) -> list[dict]:
        return [
            {"label": label, "amount": amount, "basis": basis}
            for label, amount, basis in self._in_language(self.lines)
        ]

    @property
    def note_texts(self) -> list[str]:
        return list(self._in_language(self.notes))

    @property
    def scholarship_levels(self) -> list[dict]:
        return [
            {"label": label, "amount_per_year": amount, "years": years, "total": total}
            for label, amount, years, total in self._in_language(self.schedule)
        ]
