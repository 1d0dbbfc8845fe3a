import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Case, Prefetch, QuerySet, Sum, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404

from core.scoping import staff_branch_scope

from . import rules
from .models import (
    ContributionPosting,
    ContributionRate,
    Employer,
    Enrolment,
    JakonTier,
    JhtBalance,
    JkkRelief,
    KpjCard,
    Participant,
    PensionAge,
    Program,
    ProgramRule,
    RuleAmount,
    User,
)


def participant_get_by_nik(*, nik: str) -> Participant | None:
    return Participant.objects.filter(nik=nik).prefetch_related("kpj_cards").first()


def participant_get_for_user(*, user: User) -> Participant | None:
    """The participant behind a login, or None for staff-only accounts."""
    if not user.is_authenticated:
        return None
    return Participant.objects.select_related("branch", "jht_balance").filter(user=user).first()


def participants_visible_to_staff(*, user: User) -> QuerySet[Participant]:
    """The participants `user` may see as staff (core/scoping.py decides)."""
    return staff_branch_scope(Participant.objects.select_related("branch"), user=user)


# --- membership rules, contributions and balances ----------------------------------------


def rules_load() -> rules.Rules:
    """Every rule row, as plain values for the pure functions in rules.py (small tables)."""
    dated = ("valid_from", "valid_to")
    return rules.Rules(
        memberships=tuple(
            rules.MembershipRow(**row)
            for row in ProgramRule.objects.values(*dated, "category", "program", "membership")
        ),
        rates=tuple(
            rules.RateRow(**row)
            for row in ContributionRate.objects.values(
                *dated,
                "category",
                "program",
                "risk_class",
                "employer_rate",
                "worker_rate",
                "government_rate",
                "recomposed_rate",
                "unconfirmed",
            )
        ),  # fmt: skip
        amounts=tuple(
            rules.AmountRow(**row)
            for row in RuleAmount.objects.values(*dated, "key", "variant", "amount", "unconfirmed")
        ),
        tiers=tuple(
            rules.TierRow(**row)
            for row in JakonTier.objects.values(
                *dated, "lower_bound", "upper_bound", "jkk_rate", "jkm_rate"
            )
        ),
        pension_ages=tuple(
            rules.PensionAgeRow(**row) for row in PensionAge.objects.values(*dated, "age")
        ),
        jkk_reliefs=tuple(
            rules.JkkReliefRow(**row)
            for row in JkkRelief.objects.values(*dated, "discount_percent", "unconfirmed")
        ),
    )


POSTINGS_PER_PAGE = 20


@dataclass(frozen=True)
class BalanceView:
    """What the cek saldo page and API show: read from running totals, never the ledger sum."""

    participant: Participant
    balance: int
    last_contribution_month: datetime.date | None
    cards: list[KpjCard]
    postings: list[ContributionPosting]
    page: int
    page_count: int
    posting_count: int


def balance_get_for_participant(*, participant: Participant, page: int = 1) -> BalanceView:
    """The participant's JHT balance, per-card breakdown and one page of recent postings.

    A fixed number of queries whatever the history length: the running balance rows, the
    cards (with employer, balance and enrolments) and one LIMITed page off the
    (participant, -month, -id) index. `participant` must come from `participant_get_for_user`.
    """
    total = JhtBalance.objects.filter(participant=participant).first()
    posting_count = total.posting_count if total else 0
    page_count = max(1, -(-posting_count // POSTINGS_PER_PAGE))
    page = min(max(1, page), page_count)
    offset = (page - 1) * POSTINGS_PER_PAGE
    cards = list(
        KpjCard.objects.filter(participant=participant)
        .select_related("employer", "balance")
        .prefetch_related(
            Prefetch("enrolments", queryset=Enrolment.objects.order_by("program", "started_on"))
        )
        .order_by("-joined_on", "number")
    )
    postings = list(
        ContributionPosting.objects.filter(participant=participant).order_by("-month", "-id")[
            offset : offset + POSTINGS_PER_PAGE
        ]
    )
    # Every posting of the participant is on one of their cards: no join needed.
    cards_by_id = {card.pk: card for card in cards}
    for posting in postings:
        posting.kpj_card = cards_by_id[posting.kpj_card_id]
    return BalanceView(
        participant=participant,
        balance=total.balance if total else 0,
        last_contribution_month=total.last_contribution_month if total else None,
        cards=cards,
        postings=postings,
        page=page,
        page_count=page_count,
        posting_count=posting_count,
    )


def kpj_card_get_for_participant(*, participant: Participant, kpj_card_id: int) -> KpjCard:
    """The participant's own card, or 404 for a missing and a foreign card alike."""
    return get_object_or_404(
        KpjCard.objects.select_related("employer", "participant"),
        pk=kpj_card_id,
        participant=participant,
    )


@dataclass(frozen=True)
class StatementLine:
    kpj_number: str
    opening: int
    contributions: int
    returns: int
    reversals: int
    closing: int
    withdrawals: int = 0  # paid JHT claims (negative)


def statement_get_for_participant(
    *, participant: Participant, year: int
) -> tuple[list[StatementLine], list[ContributionPosting]]:
    """The annual JHT statement per card. The closing balance of `year` is the running
    balance less what was posted after it, so only the ledger from `year` on is read."""
    start = datetime.date(year, 1, 1)
    cards = list(
        KpjCard.objects.filter(participant=participant)
        .select_related("balance")
        .order_by("joined_on", "number")
    )
    sums = {
        (row["kpj_card_id"], row["in_year"], row["kind"]): row["total"]
        for row in ContributionPosting.objects.filter(
            participant=participant, program=Program.JHT, month__gte=start
        )
        .annotate(
            in_year=Case(
                When(month__year=year, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .values("kpj_card_id", "in_year", "kind")
        .annotate(total=Sum("amount"))
    }
    lines = []
    for card in cards:
        current = card.balance.balance if hasattr(card, "balance") else 0
        after = sum(total for (cid, in_year, _k), total in sums.items() if cid == card.pk
                    and not in_year)  # fmt: skip

        def in_year(kind, card=card):
            return sums.get((card.pk, True, kind), 0)

        closing = current - after
        contributions = in_year(ContributionPosting.Kind.CONTRIBUTION)
        returns = in_year(ContributionPosting.Kind.RETURNS)
        reversals = in_year(ContributionPosting.Kind.REVERSAL)
        withdrawals = in_year(ContributionPosting.Kind.WITHDRAWAL)
        opening = closing - contributions - returns - reversals - withdrawals
        lines.append(
            StatementLine(
                card.number, opening, contributions, returns, reversals, closing, withdrawals
            )
        )
    postings = list(
        ContributionPosting.objects.filter(
            participant=participant, program=Program.JHT, month__year=year
        )
        .select_related("kpj_card")
        .order_by("month", "id")
    )
    return lines, postings


def kpj_card_verification_get(*, kpj_card_id: int) -> KpjCard | None:
    """A card for the public verification page (only non-personal fields are shown)."""
    return (
        KpjCard.objects.select_related("participant")
        .only("number", "status", "joined_on", "left_on", "participant__category")
        .filter(pk=kpj_card_id)
        .first()
    )


def kpj_cards_for_employer(*, employer: Employer, status: str | None = None) -> QuerySet[KpjCard]:
    """The employer's own members' cards, in KPJ order (stable pages)."""
    cards = KpjCard.objects.filter(employer=employer).select_related("participant")
    if status:
        cards = cards.filter(status=status)
    return cards.order_by("number")


def employer_active_card_count(*, employer: Employer) -> int:
    """How many of the employer's cards are active: what staff check the JKK relief's
    "at least 50 workers registered as active participants" against."""
    return KpjCard.objects.filter(employer=employer, status=KpjCard.Status.ACTIVE).count()


def kpj_card_get_for_employer(*, employer: Employer, number: str) -> KpjCard:
    """One of the employer's own cards; a missing and another employer's card are both 404."""
    card = kpj_cards_for_employer(employer=employer).filter(number=number).first()
    if card is None:
        raise Http404
    return card


# --- login identifiers (e-mail is allauth's; phone, NIK and KPJ are resolved here) ---------


def user_get_by_verified_phone(*, phone: str) -> User | None:
    """The login whose participant proved they hold `phone` (+62… or 08…), else None.

    Only a verified number logs in or gets a reset code: an unverified one may be an
    employer's report or a shared family phone.
    """
    from sms.phone import phone_local

    try:
        local = phone_local(phone)
    except ValidationError:
        return None
    return (
        User.objects.filter(participant__phone=local, participant__phone_verified_at__isnull=False)
        .order_by("pk")
        .first()
    )


def user_get_by_nik_or_kpj(*, number: str) -> User | None:
    """The login of the participant with this NIK (16 digits) or KPJ card (11 digits).

    Any card of the person leads to the person's one login; the password still decides.
    """
    number = "".join(number.split())
    if not number.isdigit():
        return None
    if len(number) == 16:
        return User.objects.filter(participant__nik=number).first()
    if len(number) == 11:
        return User.objects.filter(participant__kpj_cards__number=number).first()
    return None


def user_phone(*, user: User) -> tuple[str, bool] | None:
    """(+62… number, verified) of the login's participant, or None when none is on record."""
    from sms.phone import phone_normalise

    row = (
        Participant.objects.filter(user_id=user.pk)
        .values_list("phone", "phone_verified_at")
        .first()
    )
    if not row or not row[0]:
        return None
    try:
        return phone_normalise(row[0]), row[1] is not None
    except ValidationError:
        return None  # a malformed number from old data cannot log in or get codes
