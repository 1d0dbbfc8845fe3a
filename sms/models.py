from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel


class SmsMessage(BaseModel):
    """One SMS and its delivery log.

    The words are kept twice: `text_masked` for people reading the log (every run of four or
    more digits hidden, so a code never shows) and `body_sealed`, the words encrypted for the
    delivery task alone, emptied once the message is sent or given up. The task takes only the
    id; neither the number nor the words travel through the broker.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    to = models.CharField(_("to"), max_length=16)
    purpose = models.CharField(_("purpose"), max_length=40)
    text_masked = models.CharField(_("text (masked)"), max_length=480)
    body_sealed = models.TextField(_("sealed text"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    gateway_id = models.CharField(_("gateway id"), max_length=100, blank=True)
    error = models.CharField(_("last error"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("SMS message")
        verbose_name_plural = _("SMS messages")
        indexes = [
            # The rate limits count one number's recent messages (per purpose and in all).
            models.Index(fields=["to", "purpose", "created_at"], name="sms_to_purpose_recent"),
            # The retry job reads only unfinished rows.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status__in=["queued", "sending"]),
                name="sms_unfinished_due",
            ),
        ]

    def __str__(self):
        return f"SMS {self.pk} {self.purpose} {self.status}"
