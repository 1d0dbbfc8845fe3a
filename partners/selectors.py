"""What a partner may see of a worker: only the time its own card with that worker covers.

The one rule (issue 18): a claim belongs to an employer's view when the claim's date falls
within [card.joined_on, card.left_on or open] of a card of THAT employer. The claim's date is
its event date (the resignation, accident or death the claim is about) and, when a claim has
none, the day it was filed. So an employer that let the worker go in 2019 does not hear of a
claim about 2026, and an employer that registers an existing worker today does not see the
worker's earlier claims. A card still waiting for the member's confirmation (or declined)
covers nothing. The API list and the webhook fan-out both read this module, so the two cannot
drift apart.
"""

import datetime

from django.db.models import DateField, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from claims.models import Claim
from participants.models import Employer, KpjCard

from .models import PartnerWebhook

#: The claim's date as the database computes it (filing day in the portal's time zone).
CLAIM_DATE = Coalesce(F("event_date"), TruncDate("submitted_at"), output_field=DateField())


def claim_date(claim: Claim) -> datetime.date:
    """The same date in Python, for one claim already loaded."""
    if claim.event_date:
        return claim.event_date
    return timezone.localdate(claim.submitted_at)


def card_covers(on, *, prefix: str = "") -> Q:
    """Cards (or rows reached through `prefix`) whose period includes `on` (a date or an
    expression such as OuterRef("claim_date"))."""
    return Q(**{f"{prefix}joined_on__lte": on}) & (
        Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gte": on})
    )


def claims_for_employer(
    *, employer: Employer, status: str | None = None, program: str | None = None
) -> QuerySet[Claim]:
    """Claims dated within one of this employer's cards with the worker, each with the KPJ
    of the card that covers it; one query for the page, one for the count."""
    covering = KpjCard.objects.confirmed().filter(
        card_covers(OuterRef("claim_date")),
        employer=employer,
        participant_id=OuterRef("participant_id"),
    )
    claims = (
        Claim.objects.annotate(claim_date=CLAIM_DATE)
        .filter(Exists(covering))
        .annotate(kpj=Subquery(covering.order_by("-joined_on", "-pk").values("number")[:1]))
    )
    if status:
        claims = claims.filter(status=status)
    if program:
        claims = claims.filter(program=program)
    return claims.order_by("-submitted_at", "-pk")


def webhooks_for_claim(claim: Claim) -> list[tuple[PartnerWebhook, str]]:
    """Active webhooks of the employers whose card covers the claim's date, each with that
    card's KPJ; one query whatever the number of employers."""
    on = claim_date(claim)
    covering = (
        KpjCard.objects.confirmed()
        .filter(
            card_covers(on),
            employer_id=OuterRef("employer_id"),
            participant_id=claim.participant_id,
        )
        .order_by("-joined_on", "-pk")
    )
    hooks = (
        PartnerWebhook.objects.filter(active=True)
        .annotate(kpj=Subquery(covering.values("number")[:1]))
        .filter(kpj__isnull=False)
        .order_by("pk")
    )
    return [(hook, hook.kpj) for hook in hooks]
