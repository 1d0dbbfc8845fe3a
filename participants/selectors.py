import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Case, Min, Prefetch, QuerySet, Sum, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

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


def participant_get_for_user_or_404(*, user: User) -> Participant:
    """The participant behind a login; a page of their own is a 404 for staff-only accounts."""
    participant = participant_get_for_user(user=user)
    if participant is None:
        raise Http404
    return participant


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
class Membership:
    """What the member's pages say about programs: a JHT balance, or the programs they have.

    `has_jht` is False for a member with no JHT to show (a Jakon worker, a BPU member who
    did not take the optional JHT): their pages list `programs` and say why there is no
    balance instead of showing "JHT balance Rp0"."""

    programs: list[str]
    has_jht: bool
    jht_allowed: bool


def _membership(
    *, participant: Participant, cards: list[KpjCard], jht_balance: int, on: datetime.date
) -> Membership:
    """From the cards' prefetched enrolments; the category's rules are read (one small query)
    only when no enrolment or balance shows JHT."""
    enrolments = [enrolment for card in cards for enrolment in card.enrolments.all()]
    current = {enrolment.program for enrolment in enrolments if enrolment.ended_on is None}
    if jht_balance or any(enrolment.program == Program.JHT for enrolment in enrolments):
        ordered = [program for program in rules.PROGRAM_ORDER if program in current]
        return Membership(programs=ordered, has_jht=True, jht_allowed=True)
    memberships = tuple(
        rules.MembershipRow(**row)
        for row in ProgramRule.objects.filter(category=participant.category).values(
            "valid_from", "valid_to", "category", "program", "membership"
        )
    )
    programs, jht_allowed = rules.programs_shown(
        rules.Rules(memberships=memberships), participant.category, on, enrolled=current
    )
    return Membership(programs=programs, has_jht=Program.JHT in programs, jht_allowed=jht_allowed)


def _cards_with_programs(participant: Participant):
    return (
        KpjCard.objects.confirmed()
        .filter(participant=participant)
        .select_related("employer", "balance")
        .prefetch_related(
            Prefetch("enrolments", queryset=Enrolment.objects.order_by("program", "started_on"))
        )
        .order_by("-joined_on", "number")
    )


def _first_joined(cards: list[KpjCard]) -> datetime.date | None:
    return min((card.joined_on for card in cards), default=None)


@dataclass(frozen=True)
class MemberOverview:
    """The dashboard's view of the member: cards (for the digital card links) and programs."""

    cards: list[KpjCard]
    membership: Membership


def member_overview_get(*, participant: Participant, on: datetime.date) -> MemberOverview:
    """Two queries (cards, enrolments), a third only as `_membership` says.
    `participant` must come from `participant_get_for_user` (its JHT balance is joined)."""
    cards = list(_cards_with_programs(participant))
    total = getattr(participant, "jht_balance", None)
    membership = _membership(
        participant=participant, cards=cards, jht_balance=total.balance if total else 0, on=on
    )
    return MemberOverview(cards=cards, membership=membership)


@dataclass(frozen=True)
class CardPostings:
    card: KpjCard
    postings: list[ContributionPosting]


@dataclass(frozen=True)
class MonthPostings:
    """One month of the postings list: a heading, then the postings of each card, so a KPJ
    number is shown once per card and month, not on every row."""

    month: datetime.date
    cards: list[CardPostings]


def _by_month(postings: list[ContributionPosting]) -> list[MonthPostings]:
    months: dict[datetime.date, dict[int, list[ContributionPosting]]] = {}
    cards: dict[int, KpjCard] = {}
    for posting in postings:  # already newest month first
        months.setdefault(posting.month, {}).setdefault(posting.kpj_card_id, []).append(posting)
        cards[posting.kpj_card_id] = posting.kpj_card
    return [
        MonthPostings(
            month=month,
            cards=[CardPostings(card=cards[pk], postings=rows) for pk, rows in by_card.items()],
        )
        for month, by_card in months.items()
    ]


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
    membership: Membership
    statement_years: list[int]

    @property
    def months(self) -> list[MonthPostings]:
        return _by_month(self.postings)


# The months before the last contribution that the postings page reads first: 24 covers a
# page of 20 even for a member posting one program a month.
RECENT_MONTHS = 24


def _months_before(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 - count
    return datetime.date(index // 12, index % 12 + 1, 1)


def _postings_page(
    *, participant: Participant, recent_from: datetime.date, offset: int, posting_count: int
) -> list[ContributionPosting]:
    """One page of the participant's postings, newest month first.

    On PostgreSQL the postings are partitioned by month and a read without a month bound
    plans and probes every partition (about 0.3 ms each); with `month >= recent_from` the
    planner keeps only the recent ones. The recent months alone answer the page when it comes
    out full (rows before `recent_from` sort after all of them) or when, with the rows before
    this page, it accounts for every posting (`posting_count`); otherwise the page is read
    again without the bound (a later page, or a member with little recent history).
    """
    newest_first = ContributionPosting.objects.filter(participant=participant).order_by(
        "-month", "-id"
    )
    page = slice(offset, offset + POSTINGS_PER_PAGE)
    postings = list(newest_first.filter(month__gte=recent_from)[page])
    if len(postings) == POSTINGS_PER_PAGE or offset + len(postings) == posting_count:
        return postings
    return list(newest_first[page])


def balance_get_for_participant(
    *, participant: Participant, page: int = 1, on: datetime.date | None = None
) -> BalanceView:
    """The participant's JHT balance, per-card breakdown and one page of recent postings.

    A fixed number of queries whatever the history length: the running balance rows, the
    cards (with employer, balance and enrolments) and one LIMITed page off the
    (participant, -month, -id) index; the category's rules only for a member without JHT.
    `participant` must come from `participant_get_for_user`.
    """
    on = on or timezone.localdate()
    total = JhtBalance.objects.filter(participant=participant).first()
    posting_count = total.posting_count if total else 0
    page_count = max(1, -(-posting_count // POSTINGS_PER_PAGE))
    page = min(max(1, page), page_count)
    offset = (page - 1) * POSTINGS_PER_PAGE
    cards = list(_cards_with_programs(participant))
    postings = _postings_page(
        participant=participant,
        recent_from=_months_before(
            (total.last_contribution_month if total else None) or on, RECENT_MONTHS
        ),
        offset=offset,
        posting_count=posting_count,
    )
    # Every posting of the participant is on one of their cards: no join needed.
    cards_by_id = {card.pk: card for card in cards}
    for posting in postings:
        posting.kpj_card = cards_by_id[posting.kpj_card_id]
    balance = total.balance if total else 0
    membership = _membership(participant=participant, cards=cards, jht_balance=balance, on=on)
    return BalanceView(
        participant=participant,
        balance=balance,
        last_contribution_month=total.last_contribution_month if total else None,
        cards=cards,
        postings=postings,
        page=page,
        page_count=page_count,
        posting_count=posting_count,
        membership=membership,
        statement_years=(
            rules.statement_years(_first_joined(cards), on) if membership.has_jht else []
        ),
    )


def statement_years_for_participant(*, participant: Participant, on: datetime.date) -> list[int]:
    """The years the participant may download a JHT statement for (one query)."""
    first = (
        KpjCard.objects.confirmed()
        .filter(participant=participant)
        .aggregate(first=Min("joined_on"))
    )
    return rules.statement_years(first["first"], on)


def kpj_card_get_for_participant(*, participant: Participant, kpj_card_id: int) -> KpjCard:
    """The participant's own card, or 404 for a missing and a foreign card alike (and for an
    employer's link the member has not confirmed: it is no card of theirs yet)."""
    return get_object_or_404(
        KpjCard.objects.confirmed().select_related("employer", "participant"),
        pk=kpj_card_id,
        participant=participant,
    )


def kpj_card_link_get_for_participant(*, participant: Participant, kpj_card_id: int) -> KpjCard:
    """One of the participant's cards with an employer, in any status (the confirm/decline
    answer); 404 for a missing and a foreign card alike."""
    return get_object_or_404(
        KpjCard.objects.select_related("employer", "participant"),
        pk=kpj_card_id,
        participant=participant,
        employer__isnull=False,
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
    transfers: int = 0  # balance merges between the participant's cards (in +, out -)


def statement_get_for_participant(
    *, participant: Participant, year: int
) -> tuple[list[StatementLine], list[ContributionPosting]]:
    """The annual JHT statement per card. The closing balance of `year` is the running
    balance less what was posted after it, so only the ledger from `year` on is read."""
    start = datetime.date(year, 1, 1)
    cards = list(
        KpjCard.objects.confirmed()
        .filter(participant=participant)
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
        transfers = in_year(ContributionPosting.Kind.TRANSFER)
        opening = closing - contributions - returns - reversals - withdrawals - transfers
        lines.append(
            StatementLine(
                card.number,
                opening,
                contributions,
                returns,
                reversals,
                closing,
                withdrawals,
                transfers,
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
