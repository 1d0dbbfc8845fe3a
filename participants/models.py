from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jmo_portal.models import BaseModel

from .nik import FEMALE, MALE, mask_nik

kpj_validator = RegexValidator(
    r"^\d{11}$", _("A KPJ number has exactly 11 digits."), code="kpj_format"
)
nik_format_validator = RegexValidator(
    r"^\d{16}$", _("A NIK has exactly 16 digits, with no spaces or letters."), code="nik_format"
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A login. Participants reach theirs through Participant.user; staff carry a branch."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    branch = models.ForeignKey(
        "appointments.Branch",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text=_("Staff see and work only this branch's participants."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    def __str__(self):
        return self.email


class Category(models.TextChoices):
    PPU = "PPU", _("Wage earner (PPU)")
    BPU = "BPU", _("Non-wage earner (BPU)")
    JAKON = "JAKON", _("Construction services (Jakon)")
    PMI = "PMI", _("Indonesian migrant worker (PMI)")


class Gender(models.TextChoices):
    MALE = MALE, _("Male")
    FEMALE = FEMALE, _("Female")


class LeavingReason(models.TextChoices):
    """Why a worker left, as an employer reports it (the claims rules read resignation/PHK)."""

    RESIGNATION = "resignation", _("Resigned")
    TERMINATION = "termination", _("Employment terminated (PHK)")
    CONTRACT_END = "contract_end", _("Fixed-term (PKWT) contract ended")
    RETIREMENT = "retirement", _("Retired")
    DEATH = "death", _("Died")
    OTHER = "other", _("Other")


class Employer(BaseModel):
    registration_number = models.CharField(_("employer number (NPP)"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    jkk_risk_class = models.PositiveSmallIntegerField(
        _("JKK risk class"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    branch = models.ForeignKey(
        "appointments.Branch", verbose_name=_("branch"), on_delete=models.PROTECT
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(jkk_risk_class__gte=1, jkk_risk_class__lte=5),
                name="employer_risk_class_1_to_5",
            )
        ]

    def __str__(self):
        return self.name


class Participant(BaseModel):
    """One person, one NIK, at most one login (both enforced by unique constraints)."""

    user = models.OneToOneField(
        User,
        verbose_name=_("login"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participant",
    )
    nik = models.CharField(_("NIK"), max_length=16, unique=True, validators=[nik_format_validator])
    full_name = models.CharField(_("full name"), max_length=150)
    birth_date = models.DateField(_("birth date"))
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    category = models.CharField(_("category"), max_length=5, choices=Category.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    branch = models.ForeignKey(
        "appointments.Branch",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="participants",
    )
    last_active_at = models.DateTimeField(_("last active"), null=True, blank=True)

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(nik__regex=r"^[0-9]{16}$"), name="participant_nik_16_digits"
            )
        ]

    def __str__(self):
        return f"{self.full_name} ({self.masked_nik})"

    @property
    def masked_nik(self):
        return mask_nik(self.nik)


class KpjCard(BaseModel):
    """A membership card (KPJ). A person collects one per employer; balances are merged."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        NON_ACTIVE = "non_active", _("Non-active")

    number = models.CharField(
        _("KPJ number"), max_length=11, unique=True, validators=[kpj_validator]
    )
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="kpj_cards",
    )
    employer = models.ForeignKey(
        Employer,
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="kpj_cards",
        help_text=_("Empty for self-registered (BPU, PMI) membership."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    left_reason = models.CharField(
        _("reason for leaving"), max_length=20, choices=LeavingReason.choices, blank=True
    )

    class Meta:
        ordering = ["-joined_on"]
        verbose_name = _("KPJ card")
        verbose_name_plural = _("KPJ cards")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__regex=r"^[0-9]{11}$"), name="kpj_number_11_digits"
            )
        ]

    def __str__(self):
        return self.number


class AuditEvent(models.Model):
    """Who did what to whose record; written in the same transaction as the change."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User, verbose_name=_("actor"), on_delete=models.SET_NULL, null=True, blank=True
    )
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    action = models.CharField(_("action"), max_length=60)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class PartnerScope(models.TextChoices):
    CONTRIBUTIONS_WRITE = "contributions:write", _("Report contributions")
    MEMBERS_READ = "members:read", _("Read members")
    MEMBERS_WRITE = "members:write", _("Register members and report leavers")
    CLAIMS_READ = "claims:read", _("Read claim status")


class PartnerCredential(BaseModel):
    """An API key of one employer's system (or a placement agency, kept as an employer).

    The key is `jmo_<prefix>_<secret>`: shown once when created, only its SHA-256 is stored.
    The secret has 256 bits of entropy, so a fast hash is safe here (unlike passwords).
    """

    employer = models.ForeignKey(
        Employer,
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
        User,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
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
        Employer, verbose_name=_("employer"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(_("idempotency key"), max_length=255)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    response_status = models.PositiveSmallIntegerField(_("response status"))
    response_body = models.JSONField(_("response body"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["employer", "key"], name="idempotency_employer_key")
        ]

    def __str__(self):
        return self.key
