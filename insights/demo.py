"""Two months of made-up history for `seed_demo`, so the dashboard has something to show.

It belongs to extra "history" participants (Peserta Riwayat 01..18, logins with no usable
password), never to the named demo personas, so it cannot get in the way of trying a claim,
an appointment or a complaint with them. Deterministic (a seeded random), written once: a second
run finds the first history participant and adds nothing. Timestamps in the past are set with
an UPDATE after each insert, because `auto_now_add` fields ignore the value given on create.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from appointments.models import Appointment, ServiceType
from claims.models import Claim
from complaints.models import Category as ComplaintCategory
from complaints.models import SelfHelpOffer, Ticket
from core.models import AuditEvent, Branch
from data_updates.models import DataUpdateRequest, DataUpdateStep
from news.models import Guide, QuizAttempt
from participants.models import Participant, User

HISTORY_DAYS = 60
PEOPLE = 18
EMAIL = "riwayat{:02d}@demo.jmo.example"
CATEGORIES = ["PPU", "PPU", "PPU", "BPU", "JAKON", "PMI"]
CLAIMS = [("JHT", "resignation"), ("JKK", "work_accident"), ("JP", "pension_age")]
CHANNELS = ["online"] * 6 + ["branch"] * 3 + ["partner"]
REJECTIONS = [
    "Nama di rekening tidak sama dengan nama peserta",
    "Foto KTP tidak terbaca",
    "Nomor telepon sudah dipakai akun lain",
]


def _people(branches: list[Branch], now) -> list[Participant]:
    people = []
    for n in range(1, PEOPLE + 1):
        user = User.objects.create_user(email=EMAIL.format(n))  # no usable password
        User.objects.filter(pk=user.pk).update(date_joined=_joined(now, n))
        people.append(
            Participant.objects.create(
                user=user,
                nik=f"3204100101909{n:03d}",
                full_name=f"Peserta Riwayat {n:02d}",
                birth_date=datetime.date(1990, 1, 1),
                gender="M",
                category=CATEGORIES[n % len(CATEGORIES)],
                branch=branches[n % len(branches)],
            )
        )
    return people


def _joined(now, n):
    """Spread over the last 90 days: about a third register inside the history shown."""
    return now - datetime.timedelta(days=90 - 5 * n)


def _backdate(model, pk, **fields):
    model.objects.filter(pk=pk).update(**fields)


@transaction.atomic
def seed_insights_history(*, staff_by_branch: dict[int, User]) -> bool:
    """Write the history once; returns False when it is already there."""
    if User.objects.filter(email=EMAIL.format(1)).exists():
        return False
    rng = random.Random(9)  # noqa: S311 - demo data, not security
    now = timezone.now()
    branches = list(Branch.objects.order_by("code"))
    people = _people(branches, now)
    guides = list(Guide.objects.all())
    consultation = ServiceType.objects.get(code="consultation")
    claim_no = 0
    for ago in range(HISTORY_DAYS, 0, -1):
        day = timezone.localtime(now).replace(hour=8, minute=0, second=0, microsecond=0)
        day -= datetime.timedelta(days=ago)
        for n, person in enumerate(people, start=1):
            # Some log in most days, some seldom; nobody before registering.
            if day >= _joined(now, n) and rng.random() < 0.03 + 0.12 * (n % 4):
                event = AuditEvent.objects.create(
                    actor=person.user, participant=person, action="logged_in"
                )
                _backdate(
                    AuditEvent, event.pk, at=day + datetime.timedelta(hours=rng.randint(0, 12))
                )
        for _ in range(rng.randint(0, 2)):  # claims, closed by now
            person, (program, reason) = rng.choice(people), rng.choice(CLAIMS)
            claim_no += 1
            submitted = day + datetime.timedelta(hours=rng.randint(0, 9))
            decided = submitted + datetime.timedelta(hours=rng.randint(10, 24 * 9))
            rejected = rng.random() < 0.15
            paid = None if rejected else decided + datetime.timedelta(hours=rng.randint(4, 96))
            channel = rng.choice(CHANNELS)
            Claim.objects.create(
                participant=person, program=program, reason=reason, channel=channel,
                created_by=staff_by_branch.get(person.branch_id) if channel == "branch" else None,
                status="rejected" if rejected else "paid", submitted_at=submitted,
                decided_at=decided, paid_at=paid, bank_name="BRI",
                bank_account_number="0123456789012", bank_account_holder=person.full_name,
                idempotency_key=f"demo-history-{claim_no}",
            )  # fmt: skip
        if rng.random() < 0.6:
            _ticket(rng, rng.choice(people), day, ago)
        if rng.random() < 0.7 and guides:
            attempt = QuizAttempt.objects.create(
                guide=rng.choice(guides), participant=rng.choice(people),
                score=rng.randint(1, 4), total=4,
            )  # fmt: skip
            _backdate(QuizAttempt, attempt.pk, at=day + datetime.timedelta(hours=3))
        for _ in range(rng.randint(0, 2)):
            offer = SelfHelpOffer.objects.create(
                category=rng.choice(ComplaintCategory.values),
                participant=rng.choice([None, *people]), solved=rng.random() < 0.45,
            )  # fmt: skip
            _backdate(SelfHelpOffer, offer.pk, at=day + datetime.timedelta(hours=2))
        if day.weekday() < 5:
            _visit(rng, rng.choice(people), consultation, day)
        if rng.random() < 0.5:
            _data_update(rng, rng.choice(people), day)
    # A few claims still open today, at most one per person and program.
    for person, (program, reason) in zip(people[:3], CLAIMS, strict=True):
        Claim.objects.create(
            participant=person, program=program, reason=reason, channel="online",
            status="in_review", submitted_at=now - datetime.timedelta(days=3),
            bank_name="BRI", bank_account_number="0123456789012",
            bank_account_holder=person.full_name, idempotency_key=f"demo-open-{program}",
        )  # fmt: skip
    return True


def _ticket(rng, person, day, ago):
    category = rng.choice(ComplaintCategory.values)
    opened = day + datetime.timedelta(hours=rng.randint(0, 8))
    answered = opened + datetime.timedelta(hours=rng.randint(1, 30))
    resolved = answered + datetime.timedelta(hours=rng.randint(2, 100))
    done = ago > 5
    ticket = Ticket.objects.create(
        number=f"PGD-RWY{ago:03d}{rng.randint(0, 999):03d}", category=category,
        subject="Riwayat demo", branch=person.branch, participant=person,
        status="resolved" if done else "answered",
        first_response_due=opened + datetime.timedelta(hours=24),
        resolution_due=opened + datetime.timedelta(hours=72),
        first_responded_at=answered, resolved_at=resolved if done else None,
        rating=rng.choice([2, 3, 4, 4, 5, 5]) if done and rng.random() < 0.7 else None,
        rated_at=resolved + datetime.timedelta(hours=2) if done else None,
    )  # fmt: skip
    if ticket.rating is None:
        Ticket.objects.filter(pk=ticket.pk).update(rated_at=None)
    _backdate(Ticket, ticket.pk, created_at=opened)


def _visit(rng, person, service, day):
    visit = Appointment.objects.create(
        participant=person, service_type=service, branch_choice_1=person.branch,
        window_start=day.date(), window_end=day.date(),
        status="no_show" if rng.random() < 0.12 else "done", branch=person.branch,
        scheduled_for=day + datetime.timedelta(hours=1), seat=1,
    )  # fmt: skip
    _backdate(Appointment, visit.pk, requested_at=day - datetime.timedelta(days=rng.randint(1, 6)))


def _data_update(rng, person, day):
    rejected = rng.random() < 0.4
    reason = rng.choice(REJECTIONS) if rejected else ""
    request = DataUpdateRequest.objects.create(
        participant=person, kind=rng.choice(["phone", "bank_account", "address"]),
        status="rejected" if rejected else "applied", reason=reason,
    )  # fmt: skip
    step = DataUpdateStep.objects.create(
        request=request, status=request.status, note=reason, by_staff=rejected
    )
    _backdate(DataUpdateStep, step.pk, at=day + datetime.timedelta(hours=6))
