"""Kartu saya: every KPJ card of a participant, and "Tambah kartu KPJ".

One participant record holds every card of one NIK (Participant.nik is unique, and an
employer's registration of an existing NIK adds the card to that record after checking the
name and birth date). So a card of the participant's own NIK is always in Kartu saya
already; "Tambah kartu KPJ" is where people who miss a card are sent (guides, FAQ), and it
tells them which of three cases they are in:

- the card is theirs (same NIK): it is already listed, with its balance;
- the card is held under another NIK (an employer typed the NIK wrong, or an old record):
  it is refused, with the reason and the branch path (staff check the KTP and the card in
  person and merge the duplicate record, participants/account_merge.py); it does not say
  whose card it is;
- nothing matches: one answer for a wrong number, a wrong employer and a wrong month.

The second answer is given only after a check the card's holder can pass and a stranger
with a KPJ number cannot: the employer, typed (a list to choose from would show the card's
real employer among a few), matched loosely on its name or exactly on its NPP, plus the
month of the card's first contribution. That a partner created the card under a NIK proves
nothing by itself: the answer never depends on who created it. Attempts are limited per
participant and per client address (the portal's one trusted-proxy setting, NUM_PROXIES)
and audited.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Min
from rest_framework.throttling import BaseThrottle

from core.models import AuditEvent

from .models import (
    BalanceMergeRequest,
    ContributionPosting,
    JhtBalance,
    KpjCard,
    Participant,
    User,
)

# --- Kartu saya and the per-card breakdown of cek saldo ----------------------------------


@dataclass(frozen=True)
class CardLine:
    """One card of the participant as Kartu saya and cek saldo show it."""

    card: KpjCard
    balance: int
    months: int  # months with a contribution (of any program) that was not reversed
    merged_into: KpjCard | None = None  # where its balance went (status "merged")
    pending_merge: BalanceMergeRequest | None = None  # a merge out of it waiting for staff

    @property
    def pending_link(self) -> bool:
        """An employer's registration waiting for the member to confirm or decline it."""
        return self.card.status == KpjCard.Status.PENDING

    @property
    def can_merge(self) -> bool:
        """A card that no longer receives contributions may give its balance to another."""
        return (
            self.card.status == KpjCard.Status.NON_ACTIVE
            and self.balance > 0
            and self.pending_merge is None
        )


@dataclass(frozen=True)
class CardsOverview:
    """The merged JHT total (the running total row) and the per-card breakdown."""

    total: int
    cards: list[CardLine] = field(default_factory=list)
    merges: list[BalanceMergeRequest] = field(default_factory=list)

    @property
    def pending_merges(self) -> list[BalanceMergeRequest]:
        return [m for m in self.merges if m.status == BalanceMergeRequest.Status.PENDING]

    def merge_targets(self, from_card: KpjCard) -> list[KpjCard]:
        """The cards that may take `from_card`'s balance: the participant's others, not merged."""
        return [
            line.card
            for line in self.cards
            if line.card.pk != from_card.pk
            and line.card.status not in (KpjCard.Status.MERGED, *KpjCard.UNCONFIRMED)
        ]


def cards_overview_get(*, participant: Participant) -> CardsOverview:
    """Kartu saya and the cek saldo breakdown in four queries, whatever the number of cards:
    the total row, the cards (employer and balance joined), the contribution months per card
    (one grouped count on the (kpj_card, month) index) and the participant's merge requests."""
    total = (
        JhtBalance.objects.filter(participant=participant).values_list("balance", flat=True).first()
    )
    cards = list(
        KpjCard.objects.filter(participant=participant)
        .select_related("employer", "balance")
        .order_by("-joined_on", "number")
    )
    months = dict(
        ContributionPosting.objects.filter(
            participant=participant,
            kind=ContributionPosting.Kind.CONTRIBUTION,
            reversed_by__isnull=True,
        )
        .values("kpj_card_id")
        .annotate(months=Count("month", distinct=True))
        .values_list("kpj_card_id", "months")
    )
    merges = list(
        BalanceMergeRequest.objects.filter(participant=participant).order_by("-created_at")
    )
    by_id = {card.pk: card for card in cards}
    for merge in merges:  # both cards are the participant's: no join needed
        merge.from_card = by_id.get(merge.from_card_id, merge.from_card)
        merge.to_card = by_id.get(merge.to_card_id, merge.to_card)
    lines = []
    for card in cards:
        out = [m for m in merges if m.from_card_id == card.pk]
        approved = next((m for m in out if m.status == BalanceMergeRequest.Status.APPROVED), None)
        pending = next((m for m in out if m.status == BalanceMergeRequest.Status.PENDING), None)
        lines.append(
            CardLine(
                card=card,
                balance=card.balance.balance if hasattr(card, "balance") else 0,
                months=months.get(card.pk, 0),
                merged_into=approved.to_card if approved else None,
                pending_merge=pending,
            )
        )
    return CardsOverview(total=total or 0, cards=lines, merges=merges)


# --- Tambah kartu KPJ ----------------------------------------------------------------------

ATTEMPTS_PER_PARTICIPANT = (5, 24 * 60 * 60)  # tries, window in seconds
ATTEMPTS_PER_ADDRESS = (30, 60 * 60)

LEGAL_FORMS = {"pt", "cv", "tbk", "persero", "ud", "fa", "pd", "koperasi", "yayasan", "perum"}


class LinkResult:
    ALREADY_YOURS = "already_yours"
    OTHER_NIK = "other_nik"
    NO_MATCH = "no_match"
    RATE_LIMITED = "rate_limited"


@dataclass(frozen=True)
class LinkOutcome:
    result: str
    card: KpjCard | None = None  # only for ALREADY_YOURS


def client_address(request) -> str:
    """The client's address as the API throttles see it: REST_FRAMEWORK["NUM_PROXIES"] says
    how many proxies in front append to X-Forwarded-For, so a forged header picks nothing."""
    return BaseThrottle().get_ident(request)


def _allow(key: str, limit: int, period: int) -> bool:
    """Count one hit on a fixed window in the shared cache; False past `limit`."""
    key = f"ratelimit:kpj-link:{key}"
    cache.add(key, 0, timeout=period)
    try:
        count = cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.set(key, 1, timeout=period)
        count = 1
    return count <= limit


def employer_name_normalise(name: str) -> str:
    """Lower case, no punctuation, no legal form (PT, CV, Tbk, ...), single spaces."""
    words = re.sub(r"[^0-9a-z]+", " ", name.casefold()).split()
    return " ".join(word for word in words if word not in LEGAL_FORMS)


def employer_matches(card: KpjCard, typed: str, *, self_registered: bool) -> bool:
    """The typed employer names the card's: its NPP exactly, or its name loosely (the
    typed words are the start of the name once legal forms and punctuation are dropped,
    at least five letters, so "tekstil majalaya" finds "PT Tekstil Majalaya Sejahtera")."""
    if card.employer is None:
        return self_registered
    if self_registered:
        return False
    typed = typed.strip()
    if typed and typed.replace(" ", "") == card.employer.registration_number:
        return True
    wanted = employer_name_normalise(typed)
    official = employer_name_normalise(card.employer.name)
    return len(wanted.replace(" ", "")) >= 5 and (
        official == wanted or official.startswith(wanted + " ")
    )


def kpj_card_first_month(*, card: KpjCard) -> datetime.date:
    """The month of the card's first contribution that stands (any program); the month it
    was joined when nothing has been paid yet."""
    first = (
        ContributionPosting.objects.filter(
            kpj_card=card, kind=ContributionPosting.Kind.CONTRIBUTION, reversed_by__isnull=True
        )
        .aggregate(first=Min("month"))
        .get("first")
    )
    return first or card.joined_on.replace(day=1)


@transaction.atomic
def kpj_card_link_attempt(
    *,
    participant: Participant,
    actor: User,
    number: str,
    employer: str,
    self_registered: bool,
    first_month: datetime.date,
    address: str,
) -> LinkOutcome:
    """One try at "Tambah kartu KPJ" (see the module docstring for the three answers).

    Past ATTEMPTS_PER_PARTICIPANT or ATTEMPTS_PER_ADDRESS the try is not checked at all.
    Every try writes an audit row on the participant, with the result and the card's id
    (staff see it; the participant sees only the answer).
    """
    limit, period = ATTEMPTS_PER_PARTICIPANT
    ip_limit, ip_period = ATTEMPTS_PER_ADDRESS
    if not (
        _allow(f"participant:{participant.pk}", limit, period)
        and _allow(f"address:{address}", ip_limit, ip_period)
    ):
        _audit(participant, actor, LinkResult.RATE_LIMITED, None)
        return LinkOutcome(LinkResult.RATE_LIMITED)
    card = KpjCard.objects.select_related("employer").filter(number=number).first()
    if card is not None and card.participant_id == participant.pk:
        _audit(participant, actor, LinkResult.ALREADY_YOURS, card)
        return LinkOutcome(LinkResult.ALREADY_YOURS, card)
    passed = (
        card is not None
        and employer_matches(card, employer, self_registered=self_registered)
        and kpj_card_first_month(card=card) == first_month.replace(day=1)
    )
    result = LinkResult.OTHER_NIK if passed else LinkResult.NO_MATCH
    _audit(participant, actor, result, card)
    return LinkOutcome(result)


def _audit(participant, actor, result: str, card: KpjCard | None) -> None:
    AuditEvent.objects.create(
        actor=actor,
        participant=participant,
        action="kpj_card_link_attempt",
        detail={"result": result, "kpj_card": card.pk if card else None},
    )
