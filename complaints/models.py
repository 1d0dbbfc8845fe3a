from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel
from participants.nik import mask_nik


class Category(models.TextChoices):
    """The problems participants actually report (shared/DOMAIN.md, "Common complaints")."""

    CANNOT_LOG_IN = "cannot_log_in", _("I cannot log in")
    DUPLICATE_ACCOUNT = "duplicate_account", _("I have a duplicate account")
    DATA_UPDATE_FAILED = "data_update_failed", _("Updating my data failed")
    BALANCE_MISSING = "balance_missing", _("My balance is missing or a KPJ card is not linked")
    CLAIM_PROBLEM = "claim_problem", _("A problem with my claim")
    APPOINTMENT_PROBLEM = "appointment_problem", _("A problem with my branch appointment")
    SERVICE_UNAVAILABLE = "service_unavailable", _("The service is slow or unavailable")
    OTHER = "other", _("Something else")


# Visitors without an account may only report what keeps them from having one.
ANONYMOUS_CATEGORIES = (Category.CANNOT_LOG_IN, Category.DUPLICATE_ACCOUNT)


class SlaPolicy(models.Model):
    """How fast staff must answer and resolve a category; dated, editable by staff."""

    category = models.CharField(_("problem"), max_length=30, choices=Category.choices)
    first_response_hours = models.PositiveIntegerField(
        _("first response within (hours)"), validators=[MinValueValidator(1)]
    )
    resolution_hours = models.PositiveIntegerField(
        _("resolution within (hours)"), validators=[MinValueValidator(1)]
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        ordering = ["category", "-valid_from"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "valid_from"], name="sla_policy_one_per_category_and_date"
            ),
            models.CheckConstraint(
                condition=models.Q(first_response_hours__lte=models.F("resolution_hours")),
                name="sla_policy_response_before_resolution",
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()} ({self.valid_from})"


class SelfHelpOffer(models.Model):
    """A self-help step offered before a complaint, and whether it solved the problem.

    Deflection (solved / offered) is one of the help desk's indicators.
    """

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    category = models.CharField(_("problem"), max_length=30, choices=Category.choices)
    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="self_help_offers",
        help_text=_("Empty for visitors without an account."),
    )
    solved = models.BooleanField(_("solved the problem"))

    class Meta:
        ordering = ["-at"]
        verbose_name = _("self-help offer")
        verbose_name_plural = _("self-help offers")

    def __str__(self):
        return f"{self.get_category_display()}: {self.solved}"


class Ticket(BaseModel):
    """A complaint (pengaduan): from a participant, or from a visitor who cannot log in."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for staff")
        ANSWERED = "answered", _("Answered by staff")
        RESOLVED = "resolved", _("Resolved")

    number = models.CharField(_("ticket number"), max_length=16, unique=True)
    category = models.CharField(_("problem"), max_length=30, choices=Category.choices)
    subject = models.CharField(_("subject"), max_length=150)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    branch = models.ForeignKey("core.Branch", verbose_name=_("branch"), on_delete=models.PROTECT)
    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
    )
    # A visitor without an account leaves these instead of a participant.
    contact_name = models.CharField(_("name"), max_length=150, blank=True)
    contact_nik = models.CharField(_("NIK"), max_length=16, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    contact_phone = models.CharField(_("phone"), max_length=20, blank=True)

    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
    )
    first_response_due = models.DateTimeField(_("first response due"))
    resolution_due = models.DateTimeField(_("resolution due"))
    first_responded_at = models.DateTimeField(_("first responded at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    response_escalated_at = models.DateTimeField(
        _("escalated: no first response"), null=True, blank=True
    )
    resolution_escalated_at = models.DateTimeField(
        _("escalated: not resolved in time"), null=True, blank=True
    )
    rating = models.PositiveSmallIntegerField(
        _("satisfaction (1-5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rating_comment = models.TextField(_("rating comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["participant", "status"], name="ticket_participant_status"),
            models.Index(fields=["branch", "status", "created_at"], name="ticket_branch_queue"),
            # The escalation job's scans: open tickets by deadline.
            models.Index(
                fields=["first_response_due"],
                condition=models.Q(
                    first_responded_at__isnull=True, response_escalated_at__isnull=True
                ),
                name="ticket_response_overdue",
            ),
            models.Index(
                fields=["resolution_due"],
                condition=models.Q(resolved_at__isnull=True, resolution_escalated_at__isnull=True),
                name="ticket_resolution_overdue",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(participant__isnull=False)
                | (~models.Q(contact_nik="") & ~models.Q(contact_email="")),
                name="ticket_has_participant_or_contact",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="ticket_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(status="resolved"),
                name="ticket_rated_only_when_resolved",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_anonymous(self):
        return self.participant_id is None

    @property
    def masked_contact_nik(self):
        return mask_nik(self.contact_nik) if self.contact_nik else ""

    @property
    def is_escalated(self):
        return bool(self.response_escalated_at or self.resolution_escalated_at)


class TicketMessage(BaseModel):
    """One message in a complaint's thread, from the participant or from staff."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("Empty for a visitor without an account."),
    )
    from_staff = models.BooleanField(_("from staff"), default=False)
    body = models.TextField(_("message"), max_length=4000)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self):
        return f"{self.ticket.number} #{self.pk}"


class TicketAttachment(models.Model):
    """A file sent with a message of the thread; the file itself is a documents.Document.

    A participant's file is owned by them; a visitor's file has no owner and names the
    complaint's branch, so its staff may see it and the visitor reaches it by the status link.
    """

    message = models.ForeignKey(
        TicketMessage,
        verbose_name=_("message"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    document = models.OneToOneField(
        "documents.Document",
        verbose_name=_("file"),
        on_delete=models.PROTECT,
        related_name="ticket_attachment",
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return f"{self.message} {self.document}"
