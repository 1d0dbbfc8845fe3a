from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel

from .rules import REASONS


class Document(BaseModel):
    """An uploaded file owned by a participant. Other apps link to it from their side.

    The bytes live in storage under `storage_name` (generated); `original_name` is display
    text only. Files are served only through the authorising download view.

    A visitor without an account (an anonymous complaint) has no Participant: such a file has
    no owner and names instead the branch whose staff may see it; the app that took the file
    (complaints) lets the visitor fetch it through its own signed link.
    """

    class Kind(models.TextChoices):
        KTP = "ktp", _("Identity card (KTP)")
        KK = "kk", _("Family card (KK)")
        BANK_BOOK = "bank_book", _("Bank book")
        SUPPORTING = "supporting", _("Supporting document")
        COMPLAINT = "complaint", _("Complaint attachment")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be checked")
        VERIFYING = "verifying", _("Being checked")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")
        NEEDS_REVIEW = "needs_review", _("Waiting for staff")

    FINAL_STATUSES = (Status.VERIFIED, Status.REJECTED, Status.NEEDS_REVIEW)

    owner = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="documents",
        null=True,
        blank=True,
        help_text=_("Empty for a file from a visitor without an account."),
    )
    branch = models.ForeignKey(
        "core.Branch",
        verbose_name=_("branch (file without an owner)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Whose staff may see a file that has no owner."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    original_name = models.CharField(_("file name (display only)"), max_length=150)
    storage_name = models.CharField(_("storage name"), max_length=100, unique=True, editable=False)
    content_type = models.CharField(_("content type"), max_length=40, editable=False)
    size = models.PositiveIntegerField(_("size in bytes"), editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    claim_token = models.CharField(_("verification claim"), max_length=64, blank=True)
    claimed_by = models.CharField(_("checked by worker"), max_length=120, blank=True)
    verifying_since = models.DateTimeField(_("checking since"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("check attempts"), default=0)
    finished_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    staff_note = models.CharField(_("staff note"), max_length=300, blank=True)
    file_removed_at = models.DateTimeField(
        _("file removed at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The check refused the file as unsafe or unreadable; its bytes were deleted."),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [models.Index(fields=["status", "verifying_since"], name="document_stuck_idx")]
        constraints = [
            # Deny by default: every file has someone who may see it, the owner or a branch.
            models.CheckConstraint(
                condition=models.Q(owner__isnull=False) | models.Q(branch__isnull=False),
                name="document_has_owner_or_branch",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def staff_branch_id(self):
        """The branch whose staff may see this file: the owner's, else the one it names."""
        return self.owner.branch_id if self.owner_id else self.branch_id

    @property
    def is_final(self):
        return self.status in self.FINAL_STATUSES

    def failed_reasons(self):
        """Reasons of failed checks, in the reader's language (uses prefetched checks)."""
        return [check.reason for check in self.checks.all() if check.outcome == "fail"]

    def failed_reason_codes(self):
        """The codes of failed checks, to store (words are looked up when shown)."""
        return [check.reason_code for check in self.checks.all() if check.outcome == "fail"]


class DocumentCheck(models.Model):
    """One verification check's result; written once, with the document's final status."""

    class Outcome(models.TextChoices):
        PASS = "pass", _("Passed")
        FAIL = "fail", _("Failed")
        REVIEW = "review", _("Staff must check")

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="checks"
    )
    check_name = models.CharField(_("check"), max_length=30)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    reason_code = models.CharField(_("reason"), max_length=40)
    checked_at = models.DateTimeField(_("checked at"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("document check")
        verbose_name_plural = _("document checks")
        constraints = [
            models.UniqueConstraint(fields=["document", "check_name"], name="document_check_once")
        ]

    def __str__(self):
        return f"{self.check_name}: {self.outcome}"

    @property
    def reason(self):
        return REASONS.get(self.reason_code, self.reason_code)
