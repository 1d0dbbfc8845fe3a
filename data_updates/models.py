"""Pengkinian data: a participant's change requests, their review steps and history.

Tables keep the names they had in participants, where these models began.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel


class RemoveReason(models.TextChoices):
    """Why a family member is taken off the record (a family_member_remove request's value)."""

    DIED = "died", _("They passed away")
    DIVORCED = "divorced", _("We are divorced")
    MISTAKE = "mistake", _("They were added by mistake")
    OTHER = "other", _("Another reason")


class DataUpdateRequest(BaseModel):
    """One change the participant asked for, from draft to applied or rejected."""

    class Kind(models.TextChoices):
        PHONE = "phone", _("Phone number")
        EMAIL = "email", _("E-mail address")
        ADDRESS = "address", _("Address")
        BANK_ACCOUNT = "bank_account", _("Bank account")
        FAMILY_MEMBER = "family_member", _("Family member or heir")
        FAMILY_MEMBER_EDIT = "family_member_edit", _("Change a family member or heir")
        FAMILY_MEMBER_REMOVE = "family_member_remove", _("Remove a family member or heir")
        EMERGENCY_CONTACT = "emergency_contact", _("Emergency contact")
        NAME = "name", _("Name correction")
        BIRTH_DATE = "birth_date", _("Birth date correction")
        NIK = "nik", _("NIK correction")
        NATIONALITY = "nationality", _("Nationality correction")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft saved")
        AWAITING_CODE = "awaiting_code", _("Waiting for the confirmation code")
        CHECKING_DOCUMENTS = "checking_documents", _("Checking your documents")
        IN_REVIEW = "in_review", _("Waiting for staff review")
        NEEDS_DOCUMENT = "needs_document", _("Another document needed")
        APPLIED = "applied", _("Done: your data is updated")
        REJECTED = "rejected", _("Rejected")

    class ReasonCode(models.TextChoices):
        """Reasons the portal itself gives: stored as a code and shown in the reader's language
        (a staff member's reason is their own words, in `reason`)."""

        DOCUMENT_FAILED = (
            "document_failed",
            _("A document did not pass the checks. See the reasons below."),
        )

    OPEN_STATUSES = (
        Status.AWAITING_CODE,
        Status.CHECKING_DOCUMENTS,
        Status.IN_REVIEW,
        Status.NEEDS_DOCUMENT,
    )

    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="data_update_requests",
    )
    kind = models.CharField(_("what changes"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    values = models.JSONField(_("new values"), default=dict, blank=True)
    documents = models.ManyToManyField(
        "documents.Document",
        verbose_name=_("documents"),
        blank=True,
        related_name="data_update_requests",
    )
    code_hash = models.CharField(max_length=64, blank=True, editable=False)
    code_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    code_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    code_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    old_values = models.JSONField(
        _("values before the change"),
        default=dict,
        blank=True,
        help_text=_("What the records said before the change was applied, shown next to it."),
    )
    reason = models.CharField(_("reason given"), max_length=500, blank=True)
    reason_code = models.CharField(
        _("reason (automatic)"), max_length=20, choices=ReasonCode.choices, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    notified_status = models.CharField(max_length=20, blank=True, editable=False)

    class Meta:
        db_table = "participants_dataupdaterequest"
        ordering = ["-created_at"]
        verbose_name = _("data update request")
        verbose_name_plural = _("data update requests")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "kind"],
                condition=models.Q(status="draft"),
                name="data_update_one_draft_per_kind",
            )
        ]
        indexes = [models.Index(fields=["participant", "-created_at"], name="data_update_mine_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    @property
    def reason_text(self) -> str:
        """The reason to show: staff's words, or the portal's own in the active language."""
        return self.reason or (self.get_reason_code_display() if self.reason_code else "")


class DataUpdateStep(models.Model):
    """The request's timeline, shown to the participant."""

    request = models.ForeignKey(
        DataUpdateRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="steps",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=20, choices=DataUpdateRequest.Status.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    by_staff = models.BooleanField(_("by staff"), default=False)

    class Meta:
        db_table = "participants_dataupdatestep"
        ordering = ["at", "id"]
        verbose_name = _("timeline step")
        verbose_name_plural = _("timeline steps")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.status}"
