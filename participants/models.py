from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel

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
        "core.Branch",
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


class Nationality(models.TextChoices):
    """Citizenship as the participant declares it. Never inferred from the NIK: a foreign
    national with a KITAP holds a NIK too (Permenaker 4/2022 Art. 12 pays "leaving Indonesia
    for good" only to foreign nationals)."""

    INDONESIAN = "WNI", _("Indonesian citizen (WNI)")
    FOREIGN = "WNA", _("Foreign national (WNA)")


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
    branch = models.ForeignKey("core.Branch", verbose_name=_("branch"), on_delete=models.PROTECT)
    jkk_relief_eligible = models.BooleanField(
        _("eligible for the JKK relief"),
        default=False,
        help_text=_(
            "A labour-intensive industry (food, beverages and tobacco; textiles and clothing; "
            "leather goods; footwear; children's toys; furniture) with at least 50 workers "
            "registered as active participants (PP 7/2025). Its JKK contribution is cut as the "
            "JKK relief rows say, for the months they cover."
        ),
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
    nationality = models.CharField(
        _("nationality"), max_length=3, choices=Nationality.choices, default=Nationality.INDONESIAN
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # Set when the person proved they hold `phone` by typing a code sent to it by SMS; cleared
    # whenever `phone` changes otherwise. A verified phone logs in and receives reset codes.
    phone_verified_at = models.DateTimeField(_("phone verified at"), null=True, blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    branch = models.ForeignKey(
        "core.Branch",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="participants",
    )
    last_active_at = models.DateTimeField(_("last active"), null=True, blank=True)
    # Set when staff merged this duplicate record into the person's surviving one
    # (participants/account_merge.py); the record stays, emptied, so its history is kept.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_records",
    )
    merged_at = models.DateTimeField(_("merged at"), null=True, blank=True)

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(nik__regex=r"^[0-9]{16}$"), name="participant_nik_16_digits"
            ),
            # A verified phone is a login: it belongs to one person. Unverified numbers (a
            # family phone, an employer's report) may repeat.
            models.UniqueConstraint(
                fields=["phone"],
                condition=models.Q(phone_verified_at__isnull=False),
                name="participant_verified_phone_unique",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.masked_nik})"

    @property
    def masked_nik(self):
        return mask_nik(self.nik)


class KpjCardQuerySet(models.QuerySet):
    def confirmed(self):
        """Cards the member holds: not an employer's link still waiting for them, nor one
        they (or their branch) declined."""
        return self.exclude(status__in=KpjCard.UNCONFIRMED)


class KpjCard(BaseModel):
    """A membership card (KPJ). A person collects one per employer; balances are merged.

    An employer that registers a person who is already a member gets a pending card: it
    gives the employer nothing (no contributions, claims or webhooks) and counts for nothing
    in the member's membership until the member or their branch confirms it
    (participants.services.kpj_card_link_decide).
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        NON_ACTIVE = "non_active", _("Non-active")
        # Its JHT balance was moved to another card of the same person (amalgamation).
        MERGED = "merged", _("Merged")
        # An employer's registration of a known member, waiting for the member or branch.
        PENDING = "pending", _("Pending")
        DECLINED = "declined", _("Declined")

    UNCONFIRMED = (Status.PENDING, Status.DECLINED)
    # What a pending card becomes: confirmed (active) or declined.
    DECIDED = (Status.ACTIVE, Status.DECLINED)

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
    # The link status the member was last told about (send-once of the notifications).
    link_notified_status = models.CharField(max_length=10, blank=True, editable=False)

    objects = KpjCardQuerySet.as_manager()

    class Meta:
        ordering = ["-joined_on"]
        verbose_name = _("KPJ card")
        verbose_name_plural = _("KPJ cards")
        permissions = [
            ("decide_employer_link", _("Can confirm or decline an employer's registration"))
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__regex=r"^[0-9]{11}$"), name="kpj_number_11_digits"
            )
        ]

    def __str__(self):
        return self.number


# Pengkinian data keeps these up to date (data_updates); claims pay to the bank account.


class Bank(models.TextChoices):
    BRI = "BRI", "Bank Rakyat Indonesia (BRI)"
    BNI = "BNI", "Bank Negara Indonesia (BNI)"
    MANDIRI = "MANDIRI", "Bank Mandiri"
    BTN = "BTN", "Bank Tabungan Negara (BTN)"
    BSI = "BSI", "Bank Syariah Indonesia (BSI)"
    BCA = "BCA", "Bank Central Asia (BCA)"
    BJB = "BJB", "Bank BJB"


class BankAccount(BaseModel):
    """Where payouts go; the name on the account must match the participant's."""

    participant = models.OneToOneField(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="bank_account",
    )
    bank = models.CharField(_("bank"), max_length=10, choices=Bank.choices)
    account_number = models.CharField(_("account number"), max_length=20)
    account_name = models.CharField(_("name on the account"), max_length=150)

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")

    def __str__(self):
        return f"{self.bank} ****{self.account_number[-4:]}"

    @property
    def label(self) -> str:
        """What a participant reads: the bank's name once, then the masked number
        ("Bank BJB ****3344"; the code and the name together read "Bank BJB BJB")."""
        return f"{self.get_bank_display()} ****{self.account_number[-4:]}"


class Relationship(models.TextChoices):
    SPOUSE = "spouse", _("Husband or wife")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Brother or sister")
    OTHER = "other", _("Other")


class FamilyMember(BaseModel):
    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="family_members",
    )
    full_name = models.CharField(_("full name"), max_length=150)
    relationship = models.CharField(_("relationship"), max_length=10, choices=Relationship.choices)
    birth_date = models.DateField(_("birth date"))
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    is_heir = models.BooleanField(_("heir"), default=False)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("family member")
        verbose_name_plural = _("family members")

    def __str__(self):
        return f"{self.full_name} ({self.get_relationship_display()})"

    def as_values(self) -> dict:
        """The member as a family data-update form's values (dates as ISO text)."""
        return {
            "full_name": self.full_name,
            "relationship": self.relationship,
            "birth_date": self.birth_date.isoformat(),
            "nik": self.nik,
            "is_heir": self.is_heir,
        }


class EmergencyContact(BaseModel):
    participant = models.OneToOneField(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="emergency_contact",
    )
    full_name = models.CharField(_("full name"), max_length=150)
    relationship = models.CharField(_("relationship"), max_length=10, choices=Relationship.choices)
    phone = models.CharField(_("phone"), max_length=20)

    class Meta:
        verbose_name = _("emergency contact")
        verbose_name_plural = _("emergency contacts")

    def __str__(self):
        return self.full_name


# ---------------------------------------------------------------------------
# Membership rules as dated data. Every row holds from `valid_from` to `valid_to`, both
# inclusive (an open `valid_to` means "until further notice"). rules.py reads plain copies
# of these rows; nothing here computes an amount.


class Program(models.TextChoices):
    JKK = "JKK", _("Work accident (JKK)")
    JKM = "JKM", _("Death benefit (JKM)")
    JHT = "JHT", _("Old-age savings (JHT)")
    JP = "JP", _("Pension (JP)")
    JKP = "JKP", _("Job-loss (JKP)")


class DatedRule(BaseModel):
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("Last day in force; empty = open.")
    )
    unconfirmed = models.BooleanField(
        _("unconfirmed"),
        default=False,
        help_text=_("Seeded from a single weak source or computed: check before relying on it."),
    )
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError(
                {"valid_to": _("The last day in force must be on or after the first day.")}
            )


def _dated_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
        name=name,
    )


class ProgramRule(DatedRule):
    """Which programs a category may join (DOMAIN.md §1)."""

    class Membership(models.TextChoices):
        MANDATORY = "mandatory", _("Mandatory")
        OPTIONAL = "optional", _("Optional")

    category = models.CharField(_("category"), max_length=5, choices=Category.choices)
    program = models.CharField(_("program"), max_length=3, choices=Program.choices)
    membership = models.CharField(_("membership"), max_length=9, choices=Membership.choices)

    class Meta:
        ordering = ["category", "program", "valid_from"]
        verbose_name = _("program rule")
        verbose_name_plural = _("program rules")
        constraints = [_dated_constraint("programrule_valid_range")]

    def __str__(self):
        return f"{self.category} {self.program} ({self.membership})"


class ContributionRate(DatedRule):
    """A percentage contribution: shares of the base paid by employer, worker and government.

    `recomposed_rate` is the part of the employer's JKK/JKM contribution moved to JKP: shown,
    never charged again.
    """

    category = models.CharField(_("category"), max_length=5, choices=Category.choices)
    program = models.CharField(_("program"), max_length=3, choices=Program.choices)
    risk_class = models.PositiveSmallIntegerField(
        _("JKK risk class"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    employer_rate = models.DecimalField(_("employer %"), max_digits=6, decimal_places=3, default=0)
    worker_rate = models.DecimalField(_("worker %"), max_digits=6, decimal_places=3, default=0)
    government_rate = models.DecimalField(
        _("government %"), max_digits=6, decimal_places=3, default=0
    )
    recomposed_rate = models.DecimalField(
        _("recomposed %"), max_digits=6, decimal_places=3, default=0
    )

    class Meta:
        ordering = ["category", "program", "risk_class", "valid_from"]
        verbose_name = _("contribution rate")
        verbose_name_plural = _("contribution rates")
        constraints = [
            _dated_constraint("contributionrate_valid_range"),
            models.CheckConstraint(
                condition=models.Q(employer_rate__gte=0, worker_rate__gte=0, government_rate__gte=0)
                & models.Q(recomposed_rate__gte=0),
                name="contributionrate_non_negative",
            ),
        ]

    def __str__(self):
        risk = f" class {self.risk_class}" if self.risk_class else ""
        return f"{self.category} {self.program}{risk} from {self.valid_from}"


class RuleAmount(DatedRule):
    """A rupiah amount, count or cap used by the rules (a PMI fee, the JP wage cap, ...)."""

    class Key(models.TextChoices):
        JP_WAGE_CAP = "jp_wage_cap", _("JP wage cap (Rp)")
        JP_MIN_MONTHS = "jp_min_months", _("JP months needed for a monthly pension")
        BPU_JKM_FLAT = "bpu_jkm_flat", _("BPU JKM flat contribution (Rp)")
        BPU_JKK_MIN = "bpu_jkk_min", _("BPU JKK minimum (Rp)")
        BPU_JKK_MAX = "bpu_jkk_max", _("BPU JKK maximum (Rp)")
        PMI_PRE_DEPARTURE = "pmi_pre_departure", _("PMI JKK+JKM before departure (Rp)")
        PMI_PLACEMENT = "pmi_placement", _("PMI JKK+JKM for a contract of `variant` months (Rp)")
        PMI_EXTRA_MONTH = "pmi_extra_month", _("PMI JKK+JKM per month beyond a package (Rp)")
        PMI_JHT_OPTION = "pmi_jht_option", _("PMI optional JHT amount a worker may pick (Rp)")

    key = models.CharField(_("key"), max_length=20, choices=Key.choices)
    variant = models.PositiveIntegerField(
        _("variant"), default=0, help_text=_("Contract months for PMI packages; else 0.")
    )
    amount = models.BigIntegerField(_("amount"), validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["key", "variant", "valid_from"]
        verbose_name = _("rule amount")
        verbose_name_plural = _("rule amounts")
        constraints = [
            _dated_constraint("ruleamount_valid_range"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="ruleamount_non_neg"),
        ]

    def __str__(self):
        return f"{self.key}[{self.variant}] = {self.amount} from {self.valid_from}"


class JkkRelief(DatedRule):
    """A temporary cut of the PPU JKK rate for employers flagged `jkk_relief_eligible`
    (PP 7/2025, extended by PP 36/2025). The dates are contribution months."""

    discount_percent = models.DecimalField(
        _("discount %"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Share of the JKK rate waived: 50 halves it."),
    )

    class Meta:
        ordering = ["valid_from"]
        verbose_name = _("JKK relief")
        verbose_name_plural = _("JKK reliefs")
        constraints = [
            _dated_constraint("jkkrelief_valid_range"),
            models.CheckConstraint(
                condition=models.Q(discount_percent__gte=0, discount_percent__lte=100),
                name="jkkrelief_discount_0_to_100",
            ),
        ]

    def __str__(self):
        return f"JKK -{self.discount_percent} % from {self.valid_from}"


class JakonTier(DatedRule):
    """One marginal tier of the Jakon contribution on a project's contract value."""

    lower_bound = models.BigIntegerField(_("above (Rp)"), validators=[MinValueValidator(0)])
    upper_bound = models.BigIntegerField(
        _("up to (Rp)"), null=True, blank=True, help_text=_("Empty for the top tier.")
    )
    jkk_rate = models.DecimalField(_("JKK %"), max_digits=6, decimal_places=3)
    jkm_rate = models.DecimalField(_("JKM %"), max_digits=6, decimal_places=3)

    class Meta:
        ordering = ["valid_from", "lower_bound"]
        verbose_name = _("Jakon tier")
        verbose_name_plural = _("Jakon tiers")
        constraints = [_dated_constraint("jakontier_valid_range")]

    def __str__(self):
        return f"{self.lower_bound}-{self.upper_bound or '…'} from {self.valid_from}"


class PensionAge(DatedRule):
    """The JP pension age in force on a date (PP 45/2015 Art. 15)."""

    age = models.PositiveSmallIntegerField(_("pension age"))

    class Meta:
        ordering = ["valid_from"]
        verbose_name = _("pension age")
        verbose_name_plural = _("pension ages")
        constraints = [_dated_constraint("pensionage_valid_range")]

    def __str__(self):
        return f"{self.age} from {self.valid_from}"


class JhtReturnRate(BaseModel):
    """The JHT return declared for a year, credited once by the annual job."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    rate = models.DecimalField(_("return %"), max_digits=5, decimal_places=2)
    unconfirmed = models.BooleanField(_("unconfirmed"), default=False)
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("JHT return rate")
        verbose_name_plural = _("JHT return rates")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rate__gte=0, rate__lte=50), name="jhtreturnrate_0_to_50"
            )
        ]

    def __str__(self):
        return f"{self.year}: {self.rate} %"


# ---------------------------------------------------------------------------
# Membership, contribution postings (the ledger) and running balances.


class Enrolment(BaseModel):
    """A KPJ card's membership of one program, from `started_on` to `ended_on`."""

    kpj_card = models.ForeignKey(
        KpjCard, verbose_name=_("KPJ card"), on_delete=models.CASCADE, related_name="enrolments"
    )
    program = models.CharField(_("program"), max_length=3, choices=Program.choices)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        ordering = ["program"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["kpj_card", "program", "started_on"], name="enrolment_unique_start"
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="enrolment_valid_range",
            ),
        ]

    def __str__(self):
        return f"{self.kpj_card} {self.program}"


class ContributionPosting(models.Model):
    """One ledger row: a month's contribution for one program on one KPJ card, a reversal of
    one, a JHT returns credit, or a JHT withdrawal paid by a claim. Never edited: a correction
    is a reversing posting."""

    class Kind(models.TextChoices):
        CONTRIBUTION = "contribution", _("Contribution")
        REVERSAL = "reversal", _("Reversal")
        RETURNS = "returns", _("Returns credit")
        WITHDRAWAL = "withdrawal", _("Withdrawal (claim paid)")
        TRANSFER = "transfer", _("Balance merge (amalgamation)")

    # Both foreign keys are covered by the composite indexes in Meta (leading column).
    kpj_card = models.ForeignKey(
        KpjCard,
        verbose_name=_("KPJ card"),
        on_delete=models.PROTECT,
        related_name="postings",
        db_index=False,
    )
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="postings",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    program = models.CharField(_("program"), max_length=3, choices=Program.choices)
    month = models.DateField(_("month"), help_text=_("First day of the month paid for."))
    employer_amount = models.BigIntegerField(_("employer share (Rp)"), default=0)
    worker_amount = models.BigIntegerField(_("worker share (Rp)"), default=0)
    amount = models.BigIntegerField(_("amount (Rp)"))
    # The monthly wage (or a BPU's declared income) the report gave for this month: the JP
    # average wage and the JKK/JKP benefits are computed from it. Empty on older postings.
    wage = models.BigIntegerField(_("reported wage (Rp)"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"))
    # No key in the database: on PostgreSQL the table is partitioned by month, so `id` alone is
    # not unique there and nothing can reference it. The ledger writes a reversal with its
    # original's id and month, and `PostingOnce` keeps it to one reversal per posting.
    reverses = models.ForeignKey(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        db_constraint=False,
    )
    # The paid claim a withdrawal belongs to; an id, not a key, since claims depends on us.
    claim_id = models.PositiveBigIntegerField(_("claim"), null=True, blank=True)
    # The approved balance merge a transfer belongs to (one out of a card, one into another).
    balance_merge = models.ForeignKey(
        "participants.BalanceMergeRequest",
        verbose_name=_("balance merge"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="postings",
    )
    posted_at = models.DateTimeField(_("posted at"), auto_now_add=True)

    class Meta:
        # On PostgreSQL the table is partitioned by month (migration 0018, participants/
        # partitions.py): every unique index there must hold `month`, so the once-only rules
        # that do not (one reversal per posting, one withdrawal per card and claim, one
        # transfer per card and merge) live in `PostingOnce`.
        ordering = ["-month", "-id"]
        verbose_name = _("contribution posting")
        verbose_name_plural = _("contribution postings")
        indexes = [
            models.Index(
                fields=["participant", "-month", "-id"], name="posting_participant_recent"
            ),
            models.Index(fields=["kpj_card", "month"], name="posting_card_month"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount=models.F("employer_amount") + models.F("worker_amount")),
                name="posting_amount_is_sum_of_shares",
            ),
            models.CheckConstraint(condition=models.Q(month__day=1), name="posting_month_day_1"),
            models.UniqueConstraint(
                fields=["kpj_card", "program", "month"],
                condition=models.Q(kind="contribution"),
                name="posting_one_contribution_per_month",
            ),
            models.UniqueConstraint(
                fields=["kpj_card", "month"],
                condition=models.Q(kind="returns"),
                name="posting_one_returns_credit_per_year",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="reversal", reverses__isnull=False)
                | (~models.Q(kind="reversal") & models.Q(reverses__isnull=True)),
                name="posting_reversal_has_original",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="withdrawal", claim_id__isnull=False, amount__lt=0)
                | (~models.Q(kind="withdrawal") & models.Q(claim_id__isnull=True)),
                name="posting_withdrawal_has_claim",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="transfer", balance_merge__isnull=False)
                | (~models.Q(kind="transfer") & models.Q(balance_merge__isnull=True)),
                name="posting_transfer_has_merge",
            ),
        ]

    def __str__(self):
        return f"{self.kpj_card_id} {self.program} {self.month:%Y-%m} {self.amount}"


class PostingOnce(models.Model):
    """The key of a posting that may exist only once: a reversal of one posting, a withdrawal
    of one claim from one card, a transfer of one merge on one card.

    The ledger writes it with the posting, in the same transaction; its unique index is the
    database's last guard against a second one. It lives outside the postings because on
    PostgreSQL these are partitioned by month and a unique index there must include the
    month, which these keys do not determine (a claim paid twice would be in two months).
    """

    class Kind(models.TextChoices):
        REVERSAL = "reversal", _("Reversal of a posting")
        WITHDRAWAL = "withdrawal", _("Withdrawal for a claim")
        TRANSFER = "transfer", _("Transfer for a balance merge")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    kpj_card = models.ForeignKey(
        KpjCard,
        verbose_name=_("KPJ card"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # The reversed posting's id, the claim's id or the balance merge's id, by `kind`.
    reference = models.PositiveBigIntegerField(_("reference"))
    posting_id = models.PositiveBigIntegerField(_("posting"))

    class Meta:
        verbose_name = _("once-only posting key")
        verbose_name_plural = _("once-only posting keys")
        constraints = [
            models.UniqueConstraint(
                fields=["kpj_card", "kind", "reference"], name="posting_once_per_key"
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.kpj_card_id} {self.reference}"


class JhtBalance(models.Model):
    """A participant's running JHT balance across all their KPJ cards (never summed on read)."""

    participant = models.OneToOneField(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="jht_balance",
    )
    balance = models.BigIntegerField(_("JHT balance (Rp)"), default=0)
    posting_count = models.PositiveIntegerField(_("postings"), default=0)
    last_contribution_month = models.DateField(_("last contribution"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("JHT balance")
        verbose_name_plural = _("JHT balances")

    def __str__(self):
        return f"{self.participant_id}: {self.balance}"


class KpjBalance(models.Model):
    """The JHT balance held on one KPJ card (the per-card breakdown of JhtBalance)."""

    kpj_card = models.OneToOneField(
        KpjCard, verbose_name=_("KPJ card"), on_delete=models.CASCADE, related_name="balance"
    )
    balance = models.BigIntegerField(_("JHT balance (Rp)"), default=0)
    last_contribution_month = models.DateField(_("last contribution"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("KPJ balance")
        verbose_name_plural = _("KPJ balances")

    def __str__(self):
        return f"{self.kpj_card_id}: {self.balance}"


class BalanceMergeRequest(BaseModel):
    """Amalgamasi saldo: the participant asks to move one card's JHT balance into another of
    their cards; branch staff approve it (four eyes) and the ledger moves it once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the branch")
        APPROVED = "approved", _("Merged")
        REJECTED = "rejected", _("Refused")

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="balance_merges",
    )
    from_card = models.ForeignKey(
        KpjCard,
        verbose_name=_("card to merge"),
        on_delete=models.PROTECT,
        related_name="merges_out",
    )
    to_card = models.ForeignKey(
        KpjCard,
        verbose_name=_("card that receives the balance"),
        on_delete=models.PROTECT,
        related_name="merges_in",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        User,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=500, blank=True)
    amount = models.BigIntegerField(_("amount moved (Rp)"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("balance merge request")
        verbose_name_plural = _("balance merge requests")
        constraints = [
            # A double submission finds the first request waiting; a card merges out once.
            models.UniqueConstraint(
                fields=["from_card"],
                condition=models.Q(status__in=["pending", "approved"]),
                name="balancemerge_one_open_per_card",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_card=models.F("to_card")),
                name="balancemerge_two_cards",
            ),
        ]

    def __str__(self):
        return f"{self.from_card_id} -> {self.to_card_id} ({self.status})"
