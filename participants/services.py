import datetime
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AuditEvent
from partners.models import PartnerCredential

from . import rules, selectors
from .models import (
    ContributionPosting,
    Employer,
    Enrolment,
    JhtBalance,
    JhtReturnRate,
    KpjBalance,
    KpjCard,
    Participant,
    Program,
    User,
)
from .nik import normalise_name
from .page_cache import participant_pages_changed


class ParticipantAlreadyRegistered(Exception):
    """Another account already holds this NIK (a second registration lost the race)."""

    message = _("An account for this NIK already exists.")


@transaction.atomic
def participant_link_user(*, participant: Participant, user: User) -> Participant:
    """Attach a new login to a membership record, once: the conditional UPDATE is the guard."""
    linked = Participant.objects.filter(pk=participant.pk, user__isnull=True).update(
        user=user, updated_at=timezone.now()
    )
    if linked != 1:
        raise ParticipantAlreadyRegistered
    participant.user = user
    AuditEvent.objects.create(actor=user, participant=participant, action="account_registered")
    return participant


@transaction.atomic
def participant_mark_active(*, participant_id: int) -> bool:
    """Record activity for the active-users indicator; only ever moves forward in time.

    The login also gets an audit row: `last_active_at` keeps only the latest, while the
    insights backfill needs every day a participant was active (insights/aggregation.py).
    """
    now = timezone.now()
    moved = bool(
        Participant.objects.filter(pk=participant_id)
        .exclude(last_active_at__gte=now)
        .update(last_active_at=now)
    )
    user_id = Participant.objects.filter(pk=participant_id).values_list("user_id", flat=True)
    if moved:
        AuditEvent.objects.create(
            actor_id=user_id.first(), participant_id=participant_id, action="logged_in"
        )
    return moved


# --- contributions, the JHT ledger and running balances ----------------------------------


class PostingError(Exception):
    """A posting that the ledger refuses (duplicate month, already reversed, ...)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _balances_apply(
    *, kpj_card: KpjCard, participant_id: int, delta: int, month: datetime.date | None, count: int
) -> None:
    """Move the running balances by `delta` in the caller's transaction (F() updates, so
    concurrent postings on the same participant serialise on the row lock)."""
    card_balance, _ = KpjBalance.objects.get_or_create(kpj_card=kpj_card)
    total, _ = JhtBalance.objects.get_or_create(participant_id=participant_id)
    now = timezone.now()
    card_fields = {"balance": F("balance") + delta, "updated_at": now}
    total_fields = {
        "balance": F("balance") + delta,
        "posting_count": F("posting_count") + count,
        "updated_at": now,
    }
    if month is not None:
        card_fields["last_contribution_month"] = Greatest(
            Coalesce(F("last_contribution_month"), Value(month)), Value(month)
        )
        total_fields["last_contribution_month"] = Greatest(
            Coalesce(F("last_contribution_month"), Value(month)), Value(month)
        )
    KpjBalance.objects.filter(pk=card_balance.pk).update(**card_fields)
    JhtBalance.objects.filter(pk=total.pk).update(**total_fields)
    participant_pages_changed([participant_id])


@transaction.atomic
def contribution_post(
    *,
    kpj_card: KpjCard,
    month: datetime.date,
    program: str,
    employer_amount: int,
    worker_amount: int,
    paid_on: datetime.date,
    actor: User | None = None,
) -> ContributionPosting:
    """Record one month's contribution for one program; JHT also moves the running balance."""
    if employer_amount < 0 or worker_amount < 0:
        raise PostingError(_("A contribution cannot be negative; post a reversal instead."))
    posting = ContributionPosting(
        kpj_card=kpj_card,
        participant_id=kpj_card.participant_id,
        kind=ContributionPosting.Kind.CONTRIBUTION,
        program=program,
        month=_first_of_month(month),
        employer_amount=employer_amount,
        worker_amount=worker_amount,
        amount=employer_amount + worker_amount,
        paid_on=paid_on,
    )
    try:
        with transaction.atomic():
            posting.save()
    except IntegrityError as exc:
        raise PostingError(
            _("This card already has a %(program)s contribution for %(month)s.")
            % {"program": program, "month": f"{posting.month:%m/%Y}"}
        ) from exc
    is_jht = program == Program.JHT
    _balances_apply(
        kpj_card=kpj_card,
        participant_id=kpj_card.participant_id,
        delta=posting.amount if is_jht else 0,
        month=posting.month if is_jht else None,
        count=1,
    )
    return posting


@transaction.atomic
def contribution_reverse(
    *, posting: ContributionPosting, actor: User | None, reason: str, on: datetime.date
) -> ContributionPosting:
    """Cancel a posting with an equal and opposite one (the ledger is never edited)."""
    if posting.kind == ContributionPosting.Kind.REVERSAL:
        raise PostingError(_("A reversal cannot itself be reversed; post a new contribution."))
    reversal = ContributionPosting(
        kpj_card_id=posting.kpj_card_id,
        participant_id=posting.participant_id,
        kind=ContributionPosting.Kind.REVERSAL,
        program=posting.program,
        month=posting.month,
        employer_amount=-posting.employer_amount,
        worker_amount=-posting.worker_amount,
        amount=-posting.amount,
        paid_on=on,
        reverses=posting,
    )
    try:
        with transaction.atomic():
            reversal.save()
    except IntegrityError as exc:
        raise PostingError(_("This posting has already been reversed.")) from exc
    _balances_apply(
        kpj_card=posting.kpj_card,
        participant_id=posting.participant_id,
        delta=reversal.amount if posting.program == Program.JHT else 0,
        month=None,
        count=1,
    )
    AuditEvent.objects.create(
        actor=actor,
        participant_id=posting.participant_id,
        action="posting_reversed",
        detail={"posting": posting.pk, "reversal": reversal.pk, "reason": reason},
    )
    return reversal


@transaction.atomic
def jht_withdrawal_post(
    *,
    participant_id: int,
    amount: int,
    claim_id: int,
    paid_on: datetime.date,
    actor: User | None = None,
) -> list[ContributionPosting]:
    """Take a paid claim's `amount` out of the JHT ledger and the running balances, in the
    caller's transaction (the claim's move to paid).

    The money comes off the participant's cards, largest balance first, one negative
    posting per card. The card balance rows are locked first and the total row after, the
    order `_balances_apply` takes them in, so a contribution posted meanwhile cannot
    deadlock with this. The same claim cannot withdraw twice (a unique constraint).
    """
    if amount <= 0:
        raise PostingError(_("A withdrawal must be a positive amount of rupiah."))
    cards = {card.pk: card for card in KpjCard.objects.filter(participant_id=participant_id)}
    for card in cards.values():
        KpjBalance.objects.get_or_create(kpj_card=card)
    JhtBalance.objects.get_or_create(participant_id=participant_id)
    card_balances = list(
        KpjBalance.objects.select_for_update().filter(kpj_card_id__in=list(cards)).order_by("pk")
    )
    total = JhtBalance.objects.select_for_update().get(participant_id=participant_id)
    if total.balance < amount:
        raise PostingError(
            _(
                "The JHT balance (Rp%(balance)s) is lower than the amount to pay "
                "(Rp%(amount)s). Check the balance before confirming the transfer."
            )
            % {"balance": f"{total.balance:,}".replace(",", "."),
               "amount": f"{amount:,}".replace(",", ".")}
        )  # fmt: skip
    month = _first_of_month(paid_on)
    remaining = amount
    postings = []
    for card_balance in sorted(card_balances, key=lambda row: (-row.balance, row.pk)):
        take = min(remaining, max(card_balance.balance, 0))
        if take <= 0:
            continue
        card = cards[card_balance.kpj_card_id]
        posting = ContributionPosting(
            kpj_card=card,
            participant_id=participant_id,
            kind=ContributionPosting.Kind.WITHDRAWAL,
            program=Program.JHT,
            month=month,
            employer_amount=-take,
            worker_amount=0,
            amount=-take,
            paid_on=paid_on,
            claim_id=claim_id,
        )
        try:
            with transaction.atomic():
                posting.save()
        except IntegrityError as exc:
            raise PostingError(_("This claim's withdrawal has already been posted.")) from exc
        _balances_apply(
            kpj_card=card, participant_id=participant_id, delta=-take, month=None, count=1
        )
        postings.append(posting)
        remaining -= take
        if remaining == 0:
            break
    if remaining:
        # The cards hold less than the total row says: the nightly rebuild will report it.
        raise PostingError(
            _("The JHT balance of the cards does not cover the payment. Ask the branch to check.")
        )
    AuditEvent.objects.create(
        actor=actor,
        participant_id=participant_id,
        action="jht_withdrawal_posted",
        detail={"claim_id": claim_id, "amount": amount, "postings": [p.pk for p in postings]},
    )
    return postings


@transaction.atomic
def jht_returns_credit_card(*, kpj_card_id: int, year: int, rate: Decimal) -> int:
    """Credit one card's returns for `year`, once: the year-end balance is the running
    balance less anything posted after the year; the unique returns row is the guard."""
    card = KpjCard.objects.select_for_update().get(pk=kpj_card_id)
    month = datetime.date(year, 12, 1)
    if ContributionPosting.objects.filter(
        kpj_card=card, kind=ContributionPosting.Kind.RETURNS, month=month
    ).exists():
        return 0
    current = KpjBalance.objects.filter(kpj_card=card).values_list("balance", flat=True).first()
    later = (
        ContributionPosting.objects.filter(
            kpj_card=card, program=Program.JHT, month__gte=datetime.date(year + 1, 1, 1)
        ).aggregate(total=Sum("amount"))["total"]
        or 0
    )
    credit = rules.returns_credit((current or 0) - later, rate)
    if credit <= 0:
        return 0
    ContributionPosting.objects.create(
        kpj_card=card,
        participant_id=card.participant_id,
        kind=ContributionPosting.Kind.RETURNS,
        program=Program.JHT,
        month=month,
        amount=credit,
        employer_amount=credit,
        worker_amount=0,
        paid_on=datetime.date(year + 1, 1, 1),
    )
    _balances_apply(
        kpj_card=card, participant_id=card.participant_id, delta=credit, month=None, count=1
    )
    return credit


def jht_returns_credit_year(*, year: int) -> dict:
    """Credit the declared return for `year` on every card holding JHT; safe to run again."""
    rate = JhtReturnRate.objects.filter(year=year).values_list("rate", flat=True).first()
    if rate is None:
        return {"year": year, "rate": None, "cards": 0, "credited": 0}
    card_ids = KpjBalance.objects.filter(balance__gt=0).values_list("kpj_card_id", flat=True)
    cards = credited = 0
    for card_id in card_ids.iterator(chunk_size=2000):
        amount = jht_returns_credit_card(kpj_card_id=card_id, year=year, rate=rate)
        if amount:
            cards += 1
            credited += amount
    return {"year": year, "rate": str(rate), "cards": cards, "credited": credited}


@dataclass(frozen=True)
class BalanceDifference:
    kind: str  # "card" or "participant"
    key: int
    stored: int | None
    ledger: int


def balances_rebuild(*, fix: bool = False) -> list[BalanceDifference]:
    """Recompute every running balance from the JHT ledger, report rows that differ and,
    with `fix`, rewrite them (in one transaction)."""
    ledger_cards = dict(
        ContributionPosting.objects.filter(program=Program.JHT)
        .values("kpj_card_id")
        .annotate(total=Sum("amount"))
        .values_list("kpj_card_id", "total")
    )
    counts = dict(
        ContributionPosting.objects.values("participant_id")
        .annotate(n=Count("id"))
        .values_list("participant_id", "n")
    )
    owners = dict(KpjCard.objects.values_list("pk", "participant_id"))
    stored_cards = dict(KpjBalance.objects.values_list("kpj_card_id", "balance"))
    stored_totals = {
        pid: (balance, count)
        for pid, balance, count in JhtBalance.objects.values_list(
            "participant_id", "balance", "posting_count"
        )
    }
    ledger_totals: dict[int, int] = {}
    for card_id, total in ledger_cards.items():
        ledger_totals[owners[card_id]] = ledger_totals.get(owners[card_id], 0) + total
    differences = []
    for card_id in set(ledger_cards) | set(stored_cards):
        want, have = ledger_cards.get(card_id, 0), stored_cards.get(card_id)
        if have != want and not (have is None and want == 0):
            differences.append(BalanceDifference("card", card_id, have, want))
    for pid in set(ledger_totals) | set(stored_totals) | set(counts):
        want = ledger_totals.get(pid, 0)
        have = stored_totals.get(pid, (None, 0))
        if have[0] != want or have[1] != counts.get(pid, 0):
            differences.append(BalanceDifference("participant", pid, have[0], want))
    if fix and differences:
        with transaction.atomic():
            for diff in differences:
                if diff.kind == "card":
                    KpjBalance.objects.update_or_create(
                        kpj_card_id=diff.key, defaults={"balance": diff.ledger}
                    )
                    participant_pages_changed([owners.get(diff.key)])
                else:
                    JhtBalance.objects.update_or_create(
                        participant_id=diff.key,
                        defaults={"balance": diff.ledger, "posting_count": counts.get(diff.key, 0)},
                    )
    return differences


@transaction.atomic
def kpj_card_link(*, participant: Participant, kpj_card: KpjCard, actor: User | None) -> KpjCard:
    """Move a newly found KPJ card (with its ledger and balance) to its owner, merging its
    JHT balance into theirs, as JMO's "Tambah Kartu Peserta" does."""
    card = KpjCard.objects.select_for_update().get(pk=kpj_card.pk)
    previous = card.participant_id
    if previous == participant.pk:
        return card
    card_balance, _ = KpjBalance.objects.get_or_create(kpj_card=card)
    moved = ContributionPosting.objects.filter(kpj_card=card).update(participant=participant)
    _total_shift(participant_id=previous, delta=-card_balance.balance, count=-moved)
    _total_shift(participant_id=participant.pk, delta=card_balance.balance, count=moved)
    KpjCard.objects.filter(pk=card.pk).update(participant=participant, updated_at=timezone.now())
    card.participant = participant
    AuditEvent.objects.create(
        actor=actor,
        participant=participant,
        action="kpj_card_linked",
        detail={"kpj_card": card.pk, "from_participant": previous},
    )
    return card


def _total_shift(*, participant_id: int, delta: int, count: int) -> None:
    total, _ = JhtBalance.objects.get_or_create(participant_id=participant_id)
    JhtBalance.objects.filter(pk=total.pk).update(
        balance=F("balance") + delta,
        posting_count=F("posting_count") + count,
        updated_at=timezone.now(),
    )
    # The last contribution month may have left with the card: recompute from card rows.
    last = KpjBalance.objects.filter(kpj_card__participant_id=participant_id).aggregate(
        last=Max("last_contribution_month")
    )["last"]
    JhtBalance.objects.filter(pk=total.pk).update(last_contribution_month=last)
    participant_pages_changed([participant_id])


@transaction.atomic
def kpj_card_report_leaver(
    *, kpj_card: KpjCard, left_on: datetime.date, actor: User | None
) -> bool:
    """The employer reports the worker left: the card turns non-active (once) and its
    enrolments end on that day."""
    changed = KpjCard.objects.filter(pk=kpj_card.pk, status=KpjCard.Status.ACTIVE).update(
        status=KpjCard.Status.NON_ACTIVE, left_on=left_on, updated_at=timezone.now()
    )
    if not changed:
        return False
    participant_pages_changed([kpj_card.participant_id])
    Enrolment.objects.filter(kpj_card=kpj_card, ended_on__isnull=True).update(
        ended_on=left_on, updated_at=timezone.now()
    )
    AuditEvent.objects.create(
        actor=actor,
        participant_id=kpj_card.participant_id,
        action="kpj_card_non_active",
        detail={"kpj_card": kpj_card.pk, "left_on": left_on.isoformat()},
    )
    return True


@transaction.atomic
def employer_jkk_relief_set(*, employer: Employer, eligible: bool, actor: User | None) -> bool:
    """Staff flag (or unflag) the employer as eligible for the JKK relief, once per change.

    The audit row keeps who decided, and how many active cards the employer had then: the
    industry and the "at least 50 workers" conditions are checked by staff, not computed.
    """
    changed = (
        Employer.objects.filter(pk=employer.pk)
        .exclude(jkk_relief_eligible=eligible)
        .update(jkk_relief_eligible=eligible, updated_at=timezone.now())
    )
    employer.jkk_relief_eligible = eligible
    if not changed:
        return False
    AuditEvent.objects.create(
        actor=actor,
        action="employer_jkk_relief_set",
        detail={
            "employer": employer.registration_number,
            "eligible": eligible,
            "active_cards": selectors.employer_active_card_count(employer=employer),
        },
    )
    return True


@transaction.atomic
def enrolment_start(
    *, kpj_card: KpjCard, programs: list[str], started_on: datetime.date
) -> list[Enrolment]:
    return [
        Enrolment.objects.get_or_create(kpj_card=kpj_card, program=program, started_on=started_on)[
            0
        ]
        for program in programs
    ]


@dataclass(frozen=True)
class LeaverReport:
    kpj: str
    left_on: datetime.date
    reason: str


@dataclass(frozen=True)
class NewMember:
    nik: str
    full_name: str
    birth_date: datetime.date
    gender: str
    category: str
    joined_on: datetime.date
    phone: str = ""
    email: str = ""


def _partner_detail(credential: PartnerCredential | None) -> dict:
    return {"partner_key": credential.prefix} if credential else {}


@transaction.atomic
def kpj_cards_report_leavers(
    *,
    employer: Employer,
    leavers: list[LeaverReport],
    credential: PartnerCredential | None = None,
    field: str = "leavers",
) -> list[KpjCard]:
    """Make the employer's own cards non-active, all or none; rows in error are named."""
    cards = {
        card.number: card
        for card in KpjCard.objects.select_for_update().filter(
            employer=employer, number__in=[row.kpj for row in leavers]
        )
    }
    errors: dict[str, list] = {}
    for index, row in enumerate(leavers):
        card = cards.get(row.kpj)
        if card is None:
            errors[f"{field}[{index}].kpj"] = [
                _("None of your workers has this KPJ number. Check the number.")
            ]
        elif card.status != KpjCard.Status.ACTIVE:
            errors[f"{field}[{index}].kpj"] = [
                _("This KPJ card is already non-active (left on %(date)s). Remove the row.")
                % {"date": card.left_on.isoformat() if card.left_on else "-"}
            ]
        elif row.left_on < card.joined_on:
            errors[f"{field}[{index}].left_on"] = [
                _("The leaving date is before the worker joined (%(date)s). Check the date.")
                % {"date": card.joined_on.isoformat()}
            ]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    changed = []
    for row in leavers:
        card = cards[row.kpj]
        card.status, card.left_on, card.left_reason = (
            KpjCard.Status.NON_ACTIVE,
            row.left_on,
            row.reason,
        )
        card.updated_at = now
        changed.append(card)
    KpjCard.objects.bulk_update(changed, ["status", "left_on", "left_reason", "updated_at"])
    participant_pages_changed(card.participant_id for card in changed)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            participant_id=card.participant_id,
            action="kpj_left_reported",
            detail={
                "kpj": card.number,
                "left_on": card.left_on.isoformat(),
                "reason": card.left_reason,
                "employer": employer.registration_number,
                **_partner_detail(credential),
            },
        )
        for card in changed
    )
    return changed


def _new_kpj_numbers(count: int) -> list[str]:
    """Fresh 11-digit numbers; the unique constraint stays the last guard."""
    numbers: set[str] = set()
    while len(numbers) < count:
        wanted = {f"{secrets.randbelow(9 * 10**10) + 10**10}" for _ in range(count - len(numbers))}
        taken = set(KpjCard.objects.filter(number__in=wanted).values_list("number", flat=True))
        numbers |= wanted - taken
    return sorted(numbers)


@transaction.atomic
def members_register_for_employer(
    *,
    employer: Employer,
    members: list[NewMember],
    credential: PartnerCredential | None = None,
    field: str = "members",
) -> list[KpjCard]:
    """Register workers: a membership record (new or the person's existing one) and a KPJ card.

    The record is what lets the worker create a portal account later. All rows or none.
    """
    niks = [member.nik for member in members]
    existing = {p.nik: p for p in Participant.objects.select_for_update().filter(nik__in=niks)}
    active_here = set(
        KpjCard.objects.filter(
            employer=employer, participant__nik__in=niks, status=KpjCard.Status.ACTIVE
        ).values_list("participant__nik", flat=True)
    )
    errors: dict[str, list] = {}
    for index, member in enumerate(members):
        person = existing.get(member.nik)
        if person is None:
            continue
        if (
            normalise_name(person.full_name) != normalise_name(member.full_name)
            or person.birth_date != member.birth_date
        ):
            errors[f"{field}[{index}].nik"] = [
                _(
                    "This NIK is already registered with another name or birth date. Check the "
                    "worker's KTP, or ask your branch to correct the record."
                )
            ]
        elif member.nik in active_here:
            errors[f"{field}[{index}].nik"] = [
                _("This worker is already an active member of your company. Remove the row.")
            ]
    if errors:
        raise ValidationError(errors)
    new_people = [
        Participant(
            nik=member.nik,
            full_name=member.full_name,
            birth_date=member.birth_date,
            gender=member.gender,
            category=member.category,
            phone=member.phone,
            email=member.email,
            branch_id=employer.branch_id,
        )
        for member in members
        if member.nik not in existing
    ]
    try:
        with transaction.atomic():
            Participant.objects.bulk_create(new_people)
    except IntegrityError:
        raise ValidationError(
            _("Another report registered one of these workers at the same moment. Send it again.")
        ) from None
    people = {**existing, **{p.nik: p for p in new_people}}
    cards = [
        KpjCard(
            number=number,
            participant=people[member.nik],
            employer=employer,
            status=KpjCard.Status.ACTIVE,
            joined_on=member.joined_on,
        )
        for member, number in zip(members, _new_kpj_numbers(len(members)), strict=True)
    ]
    KpjCard.objects.bulk_create(cards)
    participant_pages_changed(card.participant_id for card in cards)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            participant=card.participant,
            action="member_registered_by_employer",
            detail={
                "kpj": card.number,
                "employer": employer.registration_number,
                **_partner_detail(credential),
            },
        )
        for card in cards
    )
    return cards
