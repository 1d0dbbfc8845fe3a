"""Outbound webhooks to partners: where to send claim status changes, and the delivery log."""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


def validate_webhook_url(value: str) -> None:
    """Claim statuses never travel in clear (plain http only where settings allow, e.g. tests)."""
    if not value.startswith("https://") and not settings.WEBHOOKS_ALLOW_HTTP:
        raise ValidationError(
            _("Use an https:// address: claim statuses must not travel unencrypted."),
            code="insecure_url",
        )


class PartnerWebhook(models.Model):
    """One employer's endpoint. The secret is kept in clear: the portal signs with it
    (HMAC-SHA256), so it cannot be hashed like an API key; staff give it to the partner."""

    employer = models.ForeignKey(
        "participants.Employer",
        verbose_name=_("employer"),
        on_delete=models.CASCADE,
        related_name="webhooks",
    )
    url = models.URLField(
        _("URL"),
        max_length=500,
        validators=[validate_webhook_url],
        help_text=_("The partner's HTTPS endpoint."),
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        default=new_webhook_secret,
        help_text=_("Give it to the partner: it checks the X-JMO-Signature header with it."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["employer", "url"]
        verbose_name = _("partner webhook")
        verbose_name_plural = _("partner webhooks")

    def __str__(self):
        return self.url


class WebhookDelivery(models.Model):
    """One event for one webhook, with every attempt in `log`; delivered at most once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    webhook = models.ForeignKey(
        PartnerWebhook,
        verbose_name=_("webhook"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event_id = models.UUIDField(_("event id"), default=uuid.uuid4, editable=False)
    event = models.CharField(_("event"), max_length=50)
    claim_event = models.ForeignKey(
        "claims.ClaimEvent",
        verbose_name=_("claim event"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    log = models.JSONField(_("attempts log"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["webhook", "claim_event"], name="webhook_delivery_once_per_event"
            )
        ]
        indexes = [models.Index(fields=["webhook", "-created_at"], name="delivery_webhook_recent")]

    def __str__(self):
        return f"{self.event} {self.event_id}"
