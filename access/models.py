"""Getting in: codes that prove possession of a contact, branch recovery codes, access locks.

No code is stored in clear: `code_hash` is an HMAC under SECRET_KEY (access/rules.py), so a
copy of the table alone does not give a single usable code.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel


class ContactCode(BaseModel):
    """A one-time code sent to a contact already on record for a participant (signup).

    Made for every signup attempt, also when the identifiers match nobody (`participant`
    empty): the answer is the same either way, and such a code can never be entered right.
    """

    class Purpose(models.TextChoices):
        SIGNUP = "signup", _("Signup")

    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contact_codes",
    )
    code_hash = models.CharField(_("code (hashed)"), max_length=64)
    sent_to_email = models.BooleanField(_("sent by e-mail"), default=False)
    sent_to_phone = models.BooleanField(_("sent by SMS"), default=False)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("wrong entries"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("contact code")
        verbose_name_plural = _("contact codes")

    def __str__(self):
        return f"{self.purpose} {self.created_at:%Y-%m-%d %H:%M}"


class BranchRecoveryCode(BaseModel):
    """Issued by staff who checked the KTP in person; usable once a second staff confirms."""

    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="branch_recovery_codes",
    )
    code_hash = models.CharField(_("code (hashed)"), max_length=64, unique=True)
    ktp_checked = models.BooleanField(
        _("KTP checked in person"),
        default=False,
        help_text=_("The participant showed their own KTP at the counter and its photo matches."),
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
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
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("wrong entries"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("branch recovery code")
        verbose_name_plural = _("branch recovery codes")
        constraints = [
            models.CheckConstraint(condition=models.Q(ktp_checked=True), name="brc_ktp_checked"),
            # Four eyes: whoever issued a code can never be the one who confirms it.
            models.CheckConstraint(
                condition=models.Q(confirmed_by__isnull=True)
                | ~models.Q(confirmed_by=models.F("issued_by")),
                name="brc_confirmer_is_not_issuer",
            ),
        ]

    def __str__(self):
        return f"{self.participant} {self.created_at:%Y-%m-%d %H:%M}"


class AccessLock(BaseModel):
    """A lock on a participant's online access, kept as history (lifted locks stay).

    `online_access` ("Kunci akses online") stops every login, web and API, and online recovery;
    `online_recovery` (set after repeated failed recovery attempts) stops online recovery only.
    Both are lifted at the branch (a confirmed recovery code, or staff).
    """

    class Kind(models.TextChoices):
        ONLINE_ACCESS = "online_access", _("Online access locked")
        ONLINE_RECOVERY = "online_recovery", _("Online recovery locked")

    class Source(models.TextChoices):
        PARTICIPANT = "participant", _("The participant")
        STAFF = "staff", _("Branch staff")
        FAILURES = "failures", _("Repeated failed recovery attempts")

    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="access_locks",
    )
    kind = models.CharField(_("lock"), max_length=20, choices=Kind.choices)
    source = models.CharField(_("locked by"), max_length=20, choices=Source.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("locked by (login)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("online access lock")
        verbose_name_plural = _("online access locks")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "kind"],
                condition=models.Q(lifted_at__isnull=True),
                name="access_lock_one_active_per_kind",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.participant}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None
