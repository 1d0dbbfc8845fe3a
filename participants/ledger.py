"""The contribution ledger: the only code that writes postings and running balances.

`ContributionPosting` rows are never edited (a correction is a reversing posting), and each
one moves the running balances in the transaction that writes it, so that balance reads never
sum history (`KpjBalance` per card, `JhtBalance` per participant):

- a JHT posting adds its amount to the card's and the participant's balance;
- every posting, whatever its program, counts once in the participant's `posting_count`;
- a contribution month moves `last_contribution_month` forward, never back.

Unique constraints on the ledger are the last guard against duplicates: one contribution per
card, program and month and one returns credit per card and year on the postings (their keys
hold the month, so they hold across the monthly partitions on PostgreSQL); one reversal per
posting, one withdrawal per card and claim and one transfer per card and merge on their
`PostingOnce` key, written with the posting. Balance rows are moved with conditional (F())
updates or upserts, so concurrent writers serialise on the row locks, always card rows before
the participant's row. Every write drops the participant's cached pages after commit.

`tests/participants/test_ledger_single_writer.py` fails when another module writes these
models.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Max, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AuditEvent

from . import rules
from .models import (
    ContributionPosting,
    JhtBalance,
    JhtReturnRate,
    KpjBalance,
    KpjCard,
    PostingOnce,
    Program,
    User,
)
from .page_cache import participant_pages_changed


class PostingError(Exception):
    """A posting that the ledger refuses (duplicate month, already reversed, ...)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class PostingConflict(PostingError):
    """A bulk posting met a month posted meanwhile (the unique index): nothing was posted."""


def _first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _postings_once(kind: str, postings: list[ContributionPosting], reference: int) -> None:
    """The once-only keys of postings just saved, in the caller's savepoint: a second
    posting of the same key raises IntegrityError there, as a unique index would."""
    PostingOnce.objects.bulk_create(
        PostingOnce(kind=kind, kpj_card_id=p.kpj_card_id, reference=reference, posting_id=p.pk)
        for p in postings
    )


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


# --- one posting at a time ---------------------------------------------------------------


@transaction.atomic
def ledger_contribution_post(
    *,
    kpj_card: KpjCard,
    month: datetime.date,
    program: str,
    employer_amount: int,
    worker_amount: int,
    paid_on: datetime.date,
    wage: int | None = None,
) -> ContributionPosting:
    """Record one month's contribution for one program on one card.

    The month is stored as its first day. JHT also moves the card's and the participant's
    balances and last contribution month; every program counts one posting. A second
    contribution for the same card, program and month is refused (PostingError) by the unique
    constraint, leaving the balances untouched; a negative amount is refused (post a reversal).
    """
    if employer_amount < 0 or worker_amount < 0:
        raise PostingError(_("A contribution cannot be negative; post a reversal instead."))
    if kpj_card.status in KpjCard.UNCONFIRMED:
        raise PostingError(_("This card is not confirmed by its member; it takes no contribution."))
    posting = ContributionPosting(
        kpj_card=kpj_card,
        participant_id=kpj_card.participant_id,
        kind=ContributionPosting.Kind.CONTRIBUTION,
        program=program,
        month=_first_of_month(month),
        employer_amount=employer_amount,
        worker_amount=worker_amount,
        amount=employer_amount + worker_amount,
        wage=wage,
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
def ledger_posting_reverse(
    *, posting: ContributionPosting, actor: User | None, reason: str, on: datetime.date
) -> ContributionPosting:
    """Cancel a posting with an equal and opposite one (the ledger is never edited).

    The reversal moves the JHT balances back (not the last contribution month) and counts as
    a posting; the one-reversal-per-posting constraint refuses a second one (PostingError),
    and a reversal cannot itself be reversed. Audited as `posting_reversed` with the reason.
    """
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
            _postings_once(PostingOnce.Kind.REVERSAL, [reversal], posting.pk)
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
def ledger_withdrawal_post(
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
    deadlock with this. More than the balance is refused (PostingError), and the same claim
    cannot withdraw twice (a unique constraint). Audited as `jht_withdrawal_posted`.
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
                _postings_once(PostingOnce.Kind.WITHDRAWAL, [posting], claim_id)
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


# --- many postings at once (an employer's report) ----------------------------------------


@dataclass(frozen=True)
class ContributionLine:
    """One contribution to post in bulk: a card's month for one program."""

    card_id: int
    participant_id: int
    month: datetime.date  # the first day of the month
    program: str
    employer: int
    worker: int
    wage: int | None = None


BATCH = 5000
UNNEST_BATCH = 50_000


@transaction.atomic
def ledger_contributions_post_bulk(
    *, lines: list[ContributionLine], paid_on: datetime.date
) -> None:
    """Post many contributions paid on one day, and move the balances, all or nothing.

    The same result as `ledger_contribution_post` once per line, in a constant number of
    queries per batch: the postings in bulk (one INSERT ... SELECT FROM unnest per 50,000 on
    PostgreSQL, bulk_create per 5,000 elsewhere), then one grouped upsert per 5,000 cards and
    per 5,000 participants. The caller checks the lines first (months not yet posted, no
    duplicates among the lines); the unique constraint stays the last guard: a month posted
    meanwhile by someone else raises PostingConflict and nothing of this call is kept.
    Rows are written in card and participant order, so concurrent bulk posts queue on the
    same indexes in the same order instead of deadlocking.
    """
    _postings_write(lines, paid_on=paid_on)
    _balances_apply_bulk(lines)
    participant_pages_changed(line.participant_id for line in lines)


def _postings_write(lines: list[ContributionLine], *, paid_on: datetime.date) -> None:
    """On PostgreSQL the rows bulk_create would send, without Django compiling each field of
    each object (that was three quarters of the ingest time, see benchmarks/ingest.py)."""
    ordered = sorted(lines, key=lambda line: (line.card_id, line.program, line.month))
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                _postings_insert_unnest(ordered, paid_on=paid_on)
            else:
                _postings_bulk_create(ordered, paid_on=paid_on)
    except IntegrityError:
        # Another writer posted some of these months after the caller checked (it committed
        # while this one waited on the unique index).
        raise PostingConflict(
            _(
                "Some of these months were posted by someone else at the same moment; "
                "nothing was posted."
            )
        ) from None


def _postings_bulk_create(lines: list[ContributionLine], *, paid_on: datetime.date) -> None:
    contribution = ContributionPosting.Kind.CONTRIBUTION
    ContributionPosting.objects.bulk_create(
        (
            ContributionPosting(
                kpj_card_id=p.card_id, participant_id=p.participant_id, kind=contribution,
                program=p.program, month=p.month, employer_amount=p.employer,
                worker_amount=p.worker, amount=p.employer + p.worker, wage=p.wage,
                paid_on=paid_on,
            )
            for p in lines
        ),
        batch_size=BATCH,
    )  # fmt: skip


def _postings_insert_unnest(lines: list[ContributionLine], *, paid_on: datetime.date) -> None:
    table = ContributionPosting._meta.db_table
    sql = (
        f"INSERT INTO {table} (kpj_card_id, participant_id, kind, program, month, "  # noqa: S608
        "employer_amount, worker_amount, amount, wage, paid_on, posted_at) "
        "SELECT c, p, %s, g, m, e, w, e + w, r, %s, %s FROM unnest(%s::bigint[], %s::bigint[], "
        "%s::varchar[], %s::date[], %s::bigint[], %s::bigint[], %s::bigint[]) "
        "AS t(c, p, g, m, e, w, r)"
    )
    now = timezone.now()
    with connection.cursor() as cursor:
        for start in range(0, len(lines), UNNEST_BATCH):
            chunk = lines[start : start + UNNEST_BATCH]
            cursor.execute(
                sql,
                [ContributionPosting.Kind.CONTRIBUTION.value, paid_on, now,
                 [p.card_id for p in chunk], [p.participant_id for p in chunk],
                 [p.program for p in chunk], [p.month for p in chunk],
                 [p.employer for p in chunk], [p.worker for p in chunk],
                 [p.wage for p in chunk]],
            )  # fmt: skip


def _balances_upsert(table: str, key: str, values: list[tuple], *, count: bool) -> None:
    """One grouped INSERT ... ON CONFLICT DO UPDATE per batch of keys, in key order: the
    UPDATE ... FROM of the rows that exist and the creation of the missing ones in one
    statement; the same key order in every report keeps concurrent reports deadlock-free."""
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    date = "CAST(%s AS date)" if connection.vendor == "postgresql" else "%s"
    row_sql = "(%s, %s" + (", %s" if count else "") + f", {date}, %s)"
    columns = f"{key}, balance" + (", posting_count" if count else "")
    set_count = f"posting_count = {table}.posting_count + excluded.posting_count, " if count else ""
    last = "last_contribution_month"
    now = timezone.now()
    for start in range(0, len(values), BATCH):
        batch = values[start : start + BATCH]
        params: list = []
        for item in batch:
            params.extend((*item, now))
        sql = (
            f"INSERT INTO {table} ({columns}, {last}, updated_at) "  # noqa: S608 - fixed names
            f"VALUES {', '.join([row_sql] * len(batch))} "
            f"ON CONFLICT ({key}) DO UPDATE SET balance = {table}.balance + excluded.balance, "
            f"{set_count}{last} = {greatest}(COALESCE({table}.{last}, excluded.{last}), "
            f"COALESCE(excluded.{last}, {table}.{last})), updated_at = excluded.updated_at"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def _balances_apply_bulk(lines: list[ContributionLine]) -> None:
    """What `_balances_apply` does per posting, for all the lines at once: JHT moves the
    balances and the last month, every posting counts on the participant."""
    cards: dict[int, list] = defaultdict(lambda: [0, None])
    people: dict[int, list] = defaultdict(lambda: [0, 0, None])
    for p in lines:
        people[p.participant_id][1] += 1
        if p.program != Program.JHT:
            cards[p.card_id]  # noqa: B018 - the card gets a balance row, as one posting does
            continue
        amount = p.employer + p.worker
        for entry, index in ((cards[p.card_id], 1), (people[p.participant_id], 2)):
            entry[0] += amount
            entry[index] = p.month if entry[index] is None else max(entry[index], p.month)
    _balances_upsert(
        KpjBalance._meta.db_table, "kpj_card_id",
        sorted((card, delta, last) for card, (delta, last) in cards.items()), count=False,
    )  # fmt: skip
    _balances_upsert(
        JhtBalance._meta.db_table, "participant_id",
        sorted((pid, delta, n, last) for pid, (delta, n, last) in people.items()), count=True,
    )  # fmt: skip


# --- the yearly returns credit -----------------------------------------------------------


@transaction.atomic
def ledger_returns_credit_card(*, kpj_card_id: int, year: int, rate: Decimal) -> int:
    """Credit one card's returns for `year`, once: the year-end balance is the running
    balance less anything posted after the year; the unique returns row is the guard.

    The credit is a JHT posting dated December of `year`, paid on 1 January after; it moves
    the balances like a contribution but not the last contribution month. Returns the
    amount credited (0 when already credited or nothing to credit).
    """
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


def ledger_returns_credit_year(*, year: int) -> dict:
    """Credit the declared return for `year` on every card holding JHT; safe to run again
    (each card in its own transaction, once per year). Nothing without a declared rate."""
    rate = JhtReturnRate.objects.filter(year=year).values_list("rate", flat=True).first()
    if rate is None:
        return {"year": year, "rate": None, "cards": 0, "credited": 0}
    card_ids = KpjBalance.objects.filter(balance__gt=0).values_list("kpj_card_id", flat=True)
    cards = credited = 0
    for card_id in card_ids.iterator(chunk_size=2000):
        amount = ledger_returns_credit_card(kpj_card_id=card_id, year=year, rate=rate)
        if amount:
            cards += 1
            credited += amount
    return {"year": year, "rate": str(rate), "cards": cards, "credited": credited}


# --- merging one card's JHT balance into another (amalgamasi) ---------------------------


def ledger_balance_merge(
    *, merge_id: int, from_card_id: int, to_card_id: int, on: datetime.date
) -> int:
    """Move the whole JHT balance of one card to another card of the same participant, in
    the caller's transaction (the approval of the merge request `merge_id`).

    Two transfer postings, equal and opposite (out of `from_card_id`, into `to_card_id`),
    each counting once; the participant's total and last contribution month do not move.
    Both card rows are locked in id order, then the total row, the order every writer
    takes them in. A second move for the same merge is refused by the one-transfer-per-merge
    constraint (PostingError). Returns the amount moved (0: nothing was posted).
    """
    if from_card_id == to_card_id:
        raise PostingError(_("A balance can only be merged into another card."))
    cards = {card.pk: card for card in KpjCard.objects.filter(pk__in=[from_card_id, to_card_id])}
    if len(cards) != 2 or len({card.participant_id for card in cards.values()}) != 1:
        raise PostingError(_("Both cards must belong to the same participant."))
    participant_id = cards[from_card_id].participant_id
    for card_id in sorted(cards):
        KpjBalance.objects.get_or_create(kpj_card_id=card_id)
    JhtBalance.objects.get_or_create(participant_id=participant_id)
    locked = {
        row.kpj_card_id: row
        for row in KpjBalance.objects.select_for_update()
        .filter(kpj_card_id__in=sorted(cards))
        .order_by("kpj_card_id")
    }
    JhtBalance.objects.select_for_update().get(participant_id=participant_id)
    amount = locked[from_card_id].balance
    if amount <= 0:
        return 0
    month = _first_of_month(on)
    postings = [
        ContributionPosting(
            kpj_card_id=card_id, participant_id=participant_id,
            kind=ContributionPosting.Kind.TRANSFER, program=Program.JHT, month=month,
            employer_amount=delta, worker_amount=0, amount=delta, paid_on=on,
            balance_merge_id=merge_id,
        )
        for card_id, delta in ((from_card_id, -amount), (to_card_id, amount))
    ]  # fmt: skip
    try:
        with transaction.atomic():
            ContributionPosting.objects.bulk_create(postings)
            _postings_once(PostingOnce.Kind.TRANSFER, postings, merge_id)
    except IntegrityError as exc:
        raise PostingError(_("This balance merge has already been posted.")) from exc
    now = timezone.now()
    KpjBalance.objects.filter(kpj_card_id=from_card_id).update(
        balance=F("balance") - amount, updated_at=now
    )
    KpjBalance.objects.filter(kpj_card_id=to_card_id).update(
        balance=F("balance") + amount, updated_at=now
    )
    JhtBalance.objects.filter(participant_id=participant_id).update(
        posting_count=F("posting_count") + 2, updated_at=now
    )
    participant_pages_changed([participant_id])
    return amount


# --- a card changing hands ---------------------------------------------------------------


def ledger_card_move(*, kpj_card_id: int, from_participant_id: int, to_participant_id: int) -> int:
    """Move a card's postings and JHT balance from one participant to another, in the
    caller's transaction, which holds the card's row lock and has already given the card to
    `to_participant_id`.

    The card's balance row stays with the card; both participants' totals shift by the
    card's balance and posting count (so their sum is unchanged), and their last
    contribution month is recomputed from the cards each one now holds. Returns the
    postings moved.
    """
    card_balance, _ = KpjBalance.objects.get_or_create(kpj_card_id=kpj_card_id)
    moved = ContributionPosting.objects.filter(kpj_card_id=kpj_card_id).update(
        participant_id=to_participant_id
    )
    _total_shift(participant_id=from_participant_id, delta=-card_balance.balance, count=-moved)
    _total_shift(participant_id=to_participant_id, delta=card_balance.balance, count=moved)
    return moved


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


# --- checking the running balances against the ledger ------------------------------------


@dataclass(frozen=True)
class BalanceDifference:
    kind: str  # "card" or "participant"
    key: int
    stored: int | None
    ledger: int


def ledger_balances_rebuild(*, fix: bool = False) -> list[BalanceDifference]:
    """Recompute every running balance from the JHT ledger, report rows that differ and,
    with `fix`, rewrite them (in one transaction).

    A card's balance is the sum of its JHT postings; a participant's is the sum over their
    cards, and their posting count counts every posting of every program. A card without
    a balance row and without JHT postings is not a difference.
    """
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


# --- reading the contribution history for the benefit rules -------------------------------


@dataclass(frozen=True)
class MonthPaid:
    """One month with a standing contribution to one program, over all the person's cards."""

    month: datetime.date
    amount: int
    wage: int | None


@dataclass(frozen=True)
class ProgramHistory:
    """The months a participant contributed to one program, oldest first."""

    program: str
    months: tuple[MonthPaid, ...]

    @property
    def count(self) -> int:
        return len(self.months)

    @property
    def first_month(self) -> datetime.date | None:
        return self.months[0].month if self.months else None

    @property
    def total(self) -> int:
        return sum(month.amount for month in self.months)


@dataclass(frozen=True)
class BenefitHistory:
    """What the benefit rules need from the ledger: per program, the months paid with their
    amounts and reported wages; and the last wage reported for any program."""

    programs: dict[str, ProgramHistory]
    last_wage: int | None

    def program(self, code: str) -> ProgramHistory:
        return self.programs.get(code) or ProgramHistory(code, ())


def ledger_benefit_history(*, participant_id: int) -> BenefitHistory:
    """The participant's contribution months per program, in one query.

    Standing contributions only (a reversed month does not count); two cards paying the
    same month count once, their amounts and wages added. The query reads the participant's
    own postings through the (participant, month) index: a working life is a few hundred
    rows per program, bounded, unlike the whole ledger.
    """
    rows = (
        ContributionPosting.objects.filter(
            participant_id=participant_id,
            kind=ContributionPosting.Kind.CONTRIBUTION,
            reversed_by__isnull=True,
        )
        .order_by()
        .values("program", "month")
        .annotate(total=Sum("amount"), wage_total=Sum("wage"))
        .order_by("program", "month")
    )
    grouped: dict[str, list[MonthPaid]] = defaultdict(list)
    last: tuple[datetime.date, int] | None = None
    for row in rows:
        grouped[row["program"]].append(MonthPaid(row["month"], row["total"], row["wage_total"]))
        if row["wage_total"] is not None and (last is None or row["month"] >= last[0]):
            # The wage of a month is the same for every program of a card: take the largest
            # reported for the latest month (JKK, JKM and JHT carry the uncapped wage).
            if last is None or row["month"] > last[0] or row["wage_total"] > last[1]:
                last = (row["month"], row["wage_total"])
    return BenefitHistory(
        programs={code: ProgramHistory(code, tuple(months)) for code, months in grouped.items()},
        last_wage=last[1] if last else None,
    )
