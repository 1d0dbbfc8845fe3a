"""A partner's monthly contribution report: one row per report, its state and progress.

The rows travel in `payload` only until the report is processed (then it is emptied: the
ledger postings are the record). Small reports are processed inside the request; large ones
by `contribution_report_process_task`, which the status URL follows. A large report may be
cancelled while it is still queued (`contribution_reports.contribution_report_cancel`): a
worker never claims a cancelled report.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContributionReport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        PROCESSING = "processing", _("Processing")
        DONE = "done", _("Posted")
        FAILED = "failed", _("Refused")
        CANCELLED = "cancelled", _("Cancelled")

    employer = models.ForeignKey(
        "participants.Employer",
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        related_name="contribution_reports",
    )
    credential = models.ForeignKey(
        "participants.PartnerCredential",
        verbose_name=_("partner API key"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    row_count = models.PositiveIntegerField(_("rows"))
    processed_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    payload = models.JSONField(_("rows sent"), default=list, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    language = models.CharField(
        _("language"), max_length=8, default="id", help_text=_("Language of error messages.")
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_by = models.CharField(_("processed by"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("contribution report")
        verbose_name_plural = _("contribution reports")
        indexes = [models.Index(fields=["employer", "-created_at"], name="report_employer_recent")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(processed_rows__lte=models.F("row_count")),
                name="report_progress_within_rows",
            )
        ]

    def __str__(self):
        return f"{self.pk} {self.employer_id} {self.status}"

    @property
    def is_final(self) -> bool:
        """Nothing more happens to the report: posted, refused or cancelled."""
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.CANCELLED)

    @property
    def progress(self) -> int:
        """Percent: rows checked so far; 100 only once the report is final (a cancelled
        report too, so a client polling for 100 stops; its processed_rows stay 0)."""
        if self.is_final:
            return 100
        if not self.row_count:
            return 0
        return min(99, self.processed_rows * 100 // self.row_count)
