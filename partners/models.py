"""Partner systems: their API keys, stored idempotent answers, contribution reports and webhooks.

A contribution report's rows travel in `payload` only until it is processed (then it is
emptied: the ledger postings are the record). Small reports are processed inside the request;
large ones by `contribution_report_process_task`, which the status URL follows. A large report
may be cancelled while it is still queued: a worker never claims a cancelled report.

Tables keep the names they had in participants, where these models began.
"""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel


class PartnerScope(models.TextChoices):
    CONTRIBUTIONS_READ = "contributions:read", _("Read contribution reports")
    CONTRIBUTIONS_WRITE = "contributions:write", _("Report contributions")
    MEMBERS_READ = "members:read", _("Read members")
    MEMBERS_WRITE = "members:write", _("Register members and report leavers")
    CLAIMS_READ = "claims:read", _("Read claim status")
    CLAIMS_WRITE = "claims:write", _("File claims for workers who left")


class PartnerCredential(BaseModel):
    """An API key of one employer's system (or a placement agency, kept as an employer).

    The key is `jmo_<prefix>_<secret>`: shown once when created, only its SHA-256 is stored.
    The secret has 256 bits of entropy, so a fast hash is safe here (unlike passwords).
    """

    employer = models.ForeignKey(
        "participants.Employer",
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        related_name="partner_credentials",
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("Which system uses it, e.g. 'Payroll 2026'.")
    )
    prefix = models.CharField(_("key prefix"), max_length=12, unique=True, editable=False)
    secret_hash = models.CharField(_("secret hash"), max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        db_table = "participants_partnercredential"
        ordering = ["-created_at"]
        verbose_name = _("partner API key")
        verbose_name_plural = _("partner API keys")

    def __str__(self):
        return f"{self.name} ({self.prefix})"

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class IdempotencyRecord(models.Model):
    """The stored answer to a POST sent with an `Idempotency-Key`, per employer and key."""

    employer = models.ForeignKey(
        "participants.Employer",
        verbose_name=_("employer"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    key = models.CharField(_("idempotency key"), max_length=255)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    response_status = models.PositiveSmallIntegerField(_("response status"))
    response_body = models.JSONField(_("response body"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        db_table = "participants_idempotencyrecord"
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["employer", "key"], name="idempotency_employer_key")
        ]

    def __str__(self):
        return self.key


class ContributionReport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        PROCESSING = "processing", _("Processing")
        # One name per state, the same in `status`, its label and the 409 codes
        # (`report_posted`, `report_refused`); until migration 0002 they were stored as
        # "done" and "failed".
        POSTED = "posted", _("Posted")
        REFUSED = "refused", _("Refused")
        CANCELLED = "cancelled", _("Cancelled")

    employer = models.ForeignKey(
        "participants.Employer",
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        related_name="contribution_reports",
    )
    credential = models.ForeignKey(
        "PartnerCredential",
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
        db_table = "participants_contributionreport"
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
        return self.status in (self.Status.POSTED, self.Status.REFUSED, self.Status.CANCELLED)

    @property
    def progress(self) -> int:
        """Percent: rows checked so far; 100 only once the report is final (a cancelled
        report too, so a client polling for 100 stops; its processed_rows stay 0)."""
        if self.is_final:
            return 100
        if not self.row_count:
            return 0
        return min(99, self.processed_rows * 100 // self.row_count)


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


def validate_webhook_url(value: str) -> None:
    """Claim statuses never travel in clear (plain http only where settings allow, e.g. tests),
    and only to a public address: the name is resolved and refused if any of its addresses is
    internal (the delivery checks again, see partners/netguard.py)."""
    from .netguard import AddressRefused, checked_address, parse

    try:
        _scheme, host, port, _path = parse(value)
        checked_address(host, port)
    except AddressRefused as refusal:
        raise ValidationError(WEBHOOK_URL_REFUSALS[refusal.code], code=refusal.code) from None


WEBHOOK_URL_REFUSALS = {
    "insecure_url": _("Use an https:// address: claim statuses must not travel unencrypted."),
    "bad_url": _("Enter a full web address such as https://partner.example/hooks/jmo."),
    "unresolvable": _(
        "This address cannot be found on the internet. Check the host name and try again."
    ),
    "forbidden_address": _(
        "This address points to an internal or private network (for example 127.0.0.1, "
        "10.x.x.x or 169.254.169.254). Use your system's public https:// address."
    ),
}


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
        db_table = "participants_partnerwebhook"
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
        db_table = "participants_webhookdelivery"
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


class CollectiveClaim(models.Model):
    """JHT claims an employer's HR filed at once for workers who left (a mass layoff): each
    member becomes a normal claim of their own, filed through `claims.services.claim_file`."""

    employer = models.ForeignKey(
        "participants.Employer",
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        related_name="collective_claims",
    )
    credential = models.ForeignKey(
        "PartnerCredential",
        verbose_name=_("partner API key"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(
        _("sent as"), max_length=4, choices=[("json", "JSON"), ("csv", "CSV")], default="json"
    )
    member_count = models.PositiveIntegerField(_("members"))
    filed_count = models.PositiveIntegerField(_("claims filed"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("collective claim")
        verbose_name_plural = _("collective claims")
        indexes = [
            models.Index(fields=["employer", "-created_at"], name="collective_employer_recent")
        ]

    def __str__(self):
        return f"{self.pk} {self.employer_id}"


class CollectiveClaimMember(models.Model):
    """One worker of a collective claim: the claim filed for them, or why none was."""

    collective = models.ForeignKey(
        CollectiveClaim,
        verbose_name=_("collective claim"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    row = models.PositiveIntegerField(_("row"))
    kpj = models.CharField(_("KPJ number"), max_length=11)
    claim = models.ForeignKey(
        "claims.Claim",
        verbose_name=_("claim"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # [{"code", "message"}], the message in the language of the filing request.
    refusals = models.JSONField(_("refusals"), default=list, blank=True)

    class Meta:
        ordering = ["row"]
        verbose_name = _("collective claim member")
        verbose_name_plural = _("collective claim members")
        constraints = [
            models.UniqueConstraint(fields=["collective", "row"], name="collective_member_row"),
            models.UniqueConstraint(fields=["collective", "kpj"], name="collective_member_once"),
        ]

    def __str__(self):
        return self.kpj
