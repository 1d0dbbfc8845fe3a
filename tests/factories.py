import datetime
import functools
import operator

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from factory.django import DjangoModelFactory

from appointments.models import Appointment, Holiday, ServiceType
from claims.models import ClaimEvent
from complaints.models import SelfHelpOffer, Ticket, TicketMessage
from core.models import AuditEvent, Branch
from data_updates.models import DataUpdateRequest, DataUpdateStep
from insights.models import DailySummary
from news.models import Article, ArticleCategory, Guide, MaintenanceWindow, QuizAttempt
from outbox.models import OutboxMessage
from participants.models import (
    BankAccount,
    Category,
    Employer,
    Enrolment,
    FamilyMember,
    KpjCard,
    Participant,
    User,
)
from participants.nik import FEMALE, MALE
from partners.models import PartnerWebhook

TEST_PASSWORD = "kata-sandi-aman-2026"
# Every staff user made here gets a TOTP authenticator with this secret, because the portal
# sends staff without one to set it up first; browser tests type totp_code() at the MFA step.
STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@functools.cache
def hashed_test_password() -> str:
    """TEST_PASSWORD hashed once per test session, with the first hasher (Argon2, as in production).

    Hashing it anew for every user cost 0.3-0.5 s each; users store this one hash instead, so
    logging in with TEST_PASSWORD still goes through the real Argon2 check.
    """
    from django.contrib.auth.hashers import make_password

    return make_password(TEST_PASSWORD)


def _password_hash(raw: str | None) -> str:
    """TEST_PASSWORD's session hash; another password is hashed for this user; None is unusable."""
    from django.contrib.auth.hashers import make_password

    return hashed_test_password() if raw == TEST_PASSWORD else make_password(raw)


def totp_code(secret: str = STAFF_TOTP_SECRET) -> str:
    """The current code, computed with allauth's own TOTP helpers (what a phone app shows)."""
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def give_totp(user, secret: str = STAFF_TOTP_SECRET):
    from allauth.mfa.totp.internal.auth import TOTP

    return TOTP.activate(user, secret).instance


def backdated(field: str):
    """A post-generation `field=moment` for an auto_now_add field, which the insert would
    overwrite: the row is updated after it (no save, no signals). Without it: the insert time."""

    def set_moment(obj, create, extracted, **kwargs):
        if create and extracted is not None:
            type(obj)._default_manager.filter(pk=obj.pk).update(**{field: extracted})
            setattr(obj, field, extracted)

    return factory.PostGeneration(set_moment)


def make_nik(*, birth_date: datetime.date, gender: str = MALE, sequence: int = 1) -> str:
    """A valid NIK for Kabupaten Bandung (3204), district 10."""
    day = birth_date.day + (40 if gender == FEMALE else 0)
    return f"320410{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{sequence:04d}"


class BranchFactory(DjangoModelFactory):
    class Meta:
        model = Branch
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"branch-{n}")
    name = factory.Sequence(lambda n: f"KCP Test {n}")
    address = "Jl. Raya Soreang, Kab. Bandung"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    # Stored with the row: `password=None` gives an unusable password (no hashing at all).
    password = factory.Transformer(TEST_PASSWORD, transform=_password_hash)

    @factory.post_generation
    def totp(obj, create, extracted, **kwargs):
        """Staff get an authenticator unless a test passes totp=False (to test the setup step)."""
        if create and obj.is_staff and extracted is not False:
            give_totp(obj)


def permissions(names):
    """The Permission rows for "app_label.codename" strings; an unknown one is an error."""
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    wanted = set()
    for name in names:
        app_label, dot, codename = name.partition(".")
        if not dot:
            raise ValueError(f"{name!r}: write a permission as 'app_label.codename'")
        wanted.add((app_label, codename))
    if not wanted:
        return []
    query = functools.reduce(
        operator.or_, (Q(content_type__app_label=a, codename=c) for a, c in wanted)
    )
    found = list(Permission.objects.filter(query).select_related("content_type"))
    missing = wanted - {(p.content_type.app_label, p.codename) for p in found}
    if missing:
        raise LookupError(f"no such permission: {sorted('.'.join(m) for m in missing)}")
    return found


class StaffFactory(UserFactory):
    """A staff member of `branch` (a new branch unless given), with the TOTP authenticator.

    `perms=["claims.view_claim", ...]` grants those permissions ("app_label.codename") directly.
    """

    is_staff = True
    branch = factory.SubFactory(BranchFactory)

    @factory.post_generation
    def perms(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.user_permissions.add(*permissions(extracted))


class EmployerFactory(DjangoModelFactory):
    class Meta:
        model = Employer

    registration_number = factory.Sequence(lambda n: f"{90000000 + n}")
    name = factory.Faker("company", locale="id_ID")
    jkk_risk_class = 2
    branch = factory.SubFactory(BranchFactory)


class ParticipantFactory(DjangoModelFactory):
    class Meta:
        model = Participant

    full_name = factory.Faker("name", locale="id_ID")
    birth_date = datetime.date(1988, 4, 20)
    gender = MALE
    nik = factory.Sequence(
        lambda n: make_nik(birth_date=datetime.date(1988, 4, 20), sequence=n + 1)
    )
    category = Category.PPU
    branch = factory.SubFactory(BranchFactory)


class KpjCardFactory(DjangoModelFactory):
    class Meta:
        model = KpjCard

    number = factory.Sequence(lambda n: f"{20000000000 + n}")
    participant = factory.SubFactory(ParticipantFactory)
    employer = factory.SubFactory(
        EmployerFactory, branch=factory.SelfAttribute("..participant.branch")
    )
    joined_on = datetime.date(2015, 1, 1)


class EnrolmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrolment

    kpj_card = factory.SubFactory(KpjCardFactory)
    program = "JKK"
    started_on = datetime.date(2024, 1, 1)


class ClaimFactory(DjangoModelFactory):
    """A claim row in any status, for tests that start mid-way (filing goes via claim_file)."""

    class Meta:
        model = "claims.Claim"

    participant = factory.SubFactory(ParticipantFactory)
    program = "JHT"
    kind = "full"
    reason = "resignation"
    event_date = datetime.date(2025, 12, 14)
    status = "submitted"
    channel = "online"
    amount_estimated = 8_000_000
    submitted_at = factory.LazyFunction(timezone.now)
    bank_name = "BRI"
    bank_account_number = "0123456789012"
    bank_account_holder = factory.SelfAttribute("participant.full_name")
    idempotency_key = factory.Sequence(lambda n: f"key-{n}")


class TicketFactory(DjangoModelFactory):
    """A participant's complaint as stored; tests of the flow go through the services."""

    class Meta:
        model = Ticket
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"PGD-T{n:07d}")
    category = "balance_missing"
    subject = "Saldo kartu kedua tidak muncul"
    participant = factory.SubFactory(ParticipantFactory)
    branch = factory.SelfAttribute("participant.branch")
    first_response_due = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(hours=24))
    resolution_due = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(hours=120))
    created_at = backdated("created_at")


class TicketMessageFactory(DjangoModelFactory):
    """A message in a complaint's conversation, the participant's unless `from_staff`."""

    class Meta:
        model = TicketMessage

    ticket = factory.SubFactory(TicketFactory)
    body = "Mohon dibantu."


class ContributionReportFactory(DjangoModelFactory):
    """A report row in any status, for tests that start mid-way; give `payload` (rows as
    `Row.as_payload()`) when a worker is to process it. Posting goes through the API."""

    class Meta:
        model = "partners.ContributionReport"

    employer = factory.SubFactory(EmployerFactory)
    row_count = 1
    language = "en"


class EmailAddressFactory(DjangoModelFactory):
    """The user's own address, verified and primary: allauth lets them log in without a mail."""

    class Meta:
        model = EmailAddress

    user = factory.SubFactory(UserFactory)
    email = factory.SelfAttribute("user.email")
    verified = True
    primary = True


class BankAccountFactory(DjangoModelFactory):
    """The verified payout account of pengkinian data (saved after its name check)."""

    class Meta:
        model = BankAccount

    participant = factory.SubFactory(ParticipantFactory)
    bank = "BRI"
    account_number = "0123456789012"
    account_name = factory.LazyAttribute(lambda o: o.participant.full_name.upper())


class FamilyMemberFactory(DjangoModelFactory):
    class Meta:
        model = FamilyMember

    participant = factory.SubFactory(ParticipantFactory)
    full_name = factory.Faker("name", locale="id_ID")
    relationship = "child"
    birth_date = datetime.date(2015, 1, 1)


class DataUpdateRequestFactory(DjangoModelFactory):
    """A request row in any status; tests of the flow go through the pages."""

    class Meta:
        model = DataUpdateRequest

    participant = factory.SubFactory(ParticipantFactory)
    kind = "address"


class DataUpdateStepFactory(DjangoModelFactory):
    class Meta:
        model = DataUpdateStep
        skip_postgeneration_save = True

    request = factory.SubFactory(DataUpdateRequestFactory)
    status = factory.SelfAttribute("request.status")
    at = backdated("at")


class AuditEventFactory(DjangoModelFactory):
    class Meta:
        model = AuditEvent
        skip_postgeneration_save = True

    participant = factory.SubFactory(ParticipantFactory)
    action = "viewed"
    at = backdated("at")


class PartnerWebhookFactory(DjangoModelFactory):
    class Meta:
        model = PartnerWebhook

    employer = factory.SubFactory(EmployerFactory)
    url = "https://partner.example/hook"


class ClaimEventFactory(DjangoModelFactory):
    """A timeline row as claim_transition writes it (saving one notifies partners' webhooks)."""

    class Meta:
        model = ClaimEvent

    claim = factory.SubFactory(ClaimFactory)
    at = factory.LazyFunction(timezone.now)
    from_status = ""
    to_status = "submitted"


class ServiceTypeFactory(DjangoModelFactory):
    class Meta:
        model = ServiceType
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"service-{n}")
    name_id = factory.Sequence(lambda n: f"Layanan {n}")
    name_en = factory.Sequence(lambda n: f"Service {n}")
    duration_minutes = 30


class AppointmentFactory(DjangoModelFactory):
    """A request row in any status (tests of booking go through the services); `requested_at`
    can be set in the past."""

    class Meta:
        model = Appointment
        skip_postgeneration_save = True

    participant = factory.SubFactory(ParticipantFactory)
    service_type = factory.SubFactory(ServiceTypeFactory)
    branch_choice_1 = factory.SelfAttribute("participant.branch")
    window_start = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=1))
    window_end = factory.SelfAttribute("window_start")
    requested_at = backdated("requested_at")


class HolidayFactory(DjangoModelFactory):
    """A national holiday unless a branch is given (then that branch alone is closed)."""

    class Meta:
        model = Holiday

    date = factory.LazyFunction(timezone.localdate)
    name = "Libur nasional"


class ArticleCategoryFactory(DjangoModelFactory):
    """One of the categories a data migration seeds (found by slug), or a new one."""

    class Meta:
        model = ArticleCategory
        django_get_or_create = ["slug"]

    slug = "pengumuman"
    name = "Pengumuman"


class ArticleFactory(DjangoModelFactory):
    """A draft unless `publish_at` is given."""

    class Meta:
        model = Article

    slug = factory.Sequence(lambda n: f"article-{n}")
    category = factory.SubFactory(ArticleCategoryFactory)
    title = factory.LazyAttribute(lambda o: f"Judul {o.slug}")
    title_en = factory.LazyAttribute(lambda o: f"Title {o.slug}")
    summary = "Ringkasan"
    body = "Paragraf satu.\n\nParagraf dua."


class MaintenanceWindowFactory(DjangoModelFactory):
    """Three hours from `starts_at`, announced two days ahead."""

    class Meta:
        model = MaintenanceWindow

    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=3))
    announce_from = factory.LazyAttribute(lambda o: o.starts_at - datetime.timedelta(days=2))


class QuizAttemptFactory(DjangoModelFactory):
    """An attempt at a seeded guide's quiz (the `register` guide unless given)."""

    class Meta:
        model = QuizAttempt
        skip_postgeneration_save = True

    guide = factory.LazyFunction(lambda: Guide.objects.get(slug="register"))
    participant = factory.SubFactory(ParticipantFactory)
    score = 4
    total = 4
    at = backdated("at")


class SelfHelpOfferFactory(DjangoModelFactory):
    """A self-help answer offered before a complaint (participant None: an anonymous visitor)."""

    class Meta:
        model = SelfHelpOffer
        skip_postgeneration_save = True

    category = "other"
    participant = factory.SubFactory(ParticipantFactory)
    solved = False
    at = backdated("at")


class DailySummaryFactory(DjangoModelFactory):
    """A branch's row of the nightly aggregation (all zero unless given)."""

    class Meta:
        model = DailySummary

    branch = factory.SubFactory(BranchFactory)
    day = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))


class OutboxMessageFactory(DjangoModelFactory):
    """A pending message, due now unless `next_attempt_at` is given."""

    class Meta:
        model = OutboxMessage

    task_name = "x"
    next_attempt_at = factory.LazyFunction(timezone.now)


def ensure_seeded_rules():
    """Put back the SLA rows a data migration seeded (a transactional test's flush removes them)."""
    import importlib

    from django.apps import apps

    importlib.import_module("complaints.migrations.0002_seed_sla_policies").seed(apps, None)
