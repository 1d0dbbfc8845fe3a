"""Collective claims: an employer's HR files JHT claims for a group of workers who left.

Each member becomes a normal claim of their own, filed through the one write path,
`claims.services.claim_file` (channel `partner`), with an idempotency key derived from the
group and the KPJ (`collective-<id>-<kpj>`). A member who cannot claim gets a row with the
reasons (codes and messages); the group itself is never refused for one member.

Only the employer's own time counts (partners/selectors.py): a member must hold a card with
THIS employer that the employer reported ended (non-active, with a leaving date), and the
claim's reason and date are that card's. The member's own papers (KTP, KPJ card, bank book,
the employer's letter) are uploaded by the member on their claim page: the claim's check
puts it in "documents needed" with a note naming them (claims.services.claim_verify).
"""

import csv
import io
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import services as claim_services
from claims.choices import Channel, Reason
from claims.models import Claim
from claims.rules import BLOCKER_MESSAGES, CLAIM_TYPES_BY_CODE
from core.models import AuditEvent
from participants.models import Employer, KpjCard, LeavingReason

from .models import CollectiveClaim, CollectiveClaimMember, PartnerCredential

FIELD = "members"
_KPJ = re.compile(r"^\d{11}$")

# The leaving reasons a JHT claim in full follows from; the others (retirement, death, other)
# need papers or an heir the employer cannot file for.
CLAIM_REASONS = {
    LeavingReason.RESIGNATION: Reason.RESIGNATION,
    LeavingReason.TERMINATION: Reason.TERMINATION,
    LeavingReason.CONTRACT_END: Reason.CONTRACT_END,
}


# Why a member got no claim: the codes of this module, then those of the claim rules.
REFUSAL_CODES = {
    "not_your_worker": "The KPJ is not a card with your company (or is unknown).",
    "not_reported_left": "The card with your company is still active: report the leaver first.",
    "reason_not_claimable": "The worker left for retirement, death or another reason: the "
    "worker or heir files at a branch.",
    "claim_already_open": "The worker already has an open JHT claim; no second one was filed.",
    "claim_refused": "The claims service refused the claim; the message says why.",
    **{
        code: "A claim rule is not met yet (the message says which and until when)."
        for code in BLOCKER_MESSAGES
    },
}
REFUSAL_CODE_CHOICES = list(REFUSAL_CODES.items())


class CollectiveRefused(Exception):
    """The request is refused whole (its shape); `errors` maps `members[i].kpj` to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


# Parsing ----------------------------------------------------------------------------------


def _checked(kpjs: list, *, path) -> list[str]:
    """The KPJ numbers, each 11 digits and once; the first errors named, then a count."""
    limit = settings.COLLECTIVE_CLAIM_MAX_MEMBERS
    if not 1 <= len(kpjs) <= limit:
        raise CollectiveRefused(
            {FIELD: [_("Send 1 to %(limit)s workers; split a larger group.") % {"limit": limit}]}
        )
    cap = settings.COLLECTIVE_CLAIM_MAX_ROW_ERRORS
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    bad = 0
    for index, kpj in enumerate(kpjs):
        if not (isinstance(kpj, str) and _KPJ.match(kpj)):
            message = _("A KPJ number is 11 digits. Check the number.")
        elif kpj in seen:
            message = _("This KPJ number is already in an earlier row. Send each worker once.")
        else:
            seen.add(kpj)
            continue
        bad += 1
        if bad <= cap:
            errors[path(index)] = [message]
    if bad > cap:
        errors[FIELD] = [
            _(
                "%(count)s more rows have errors that are not listed. Correct the rows named "
                "here, check the others the same way and send the group again."
            )
            % {"count": bad - cap}
        ]
    if errors:
        raise CollectiveRefused(errors)
    return kpjs


def collective_members_parse(data) -> list[str]:
    """The JSON body's KPJ numbers: `{"members": [{"kpj": "..."}]}`."""
    if not isinstance(data, dict) or not isinstance(data.get(FIELD), list):
        raise CollectiveRefused({FIELD: [_("Send an object with a `members` list.")]})
    kpjs = [item.get("kpj") if isinstance(item, dict) else None for item in data[FIELD]]
    return _checked(kpjs, path=lambda index: f"{FIELD}[{index}].kpj")


def collective_csv_parse(body: bytes) -> list[str]:
    """A CSV file's KPJ numbers: a header row with a `kpj` column, then one worker a line.
    Errors name the line as a spreadsheet shows it (the header is line 1)."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CollectiveRefused(
            {"file": [_("Save the file as CSV in UTF-8 (Excel: 'CSV UTF-8') and send it again.")]}
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in next(reader, [])]
    if "kpj" not in header:
        raise CollectiveRefused(
            {"file": [_("The first line must name the columns, with one called kpj.")]}
        )
    column = header.index("kpj")
    kpjs, lines = [], []
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines (a spreadsheet's trailing ones) are not workers
        kpjs.append(row[column].strip() if column < len(row) else "")
        lines.append(line)
    if not kpjs:
        raise CollectiveRefused({"file": [_("The file has no workers under its first line.")]})
    return _checked(kpjs, path=lambda index: f"line[{lines[index]}].kpj")


# Filing ----------------------------------------------------------------------------------


def _card_refusal(card: KpjCard | None, employer: Employer) -> Refusal | None:
    if card is None or card.employer_id != employer.pk:
        # Another employer's worker reads like an unknown number: nothing leaks.
        return Refusal(
            "not_your_worker",
            _("This KPJ number is not one of your workers. Check the number."),
        )
    if card.status != KpjCard.Status.NON_ACTIVE or card.left_on is None:
        return Refusal(
            "not_reported_left",
            _(
                "Your company has not reported this worker as having left (a leaving date on "
                "their card). Report them first (POST leavers), then file the claim."
            ),
        )
    if card.left_reason not in CLAIM_REASONS:
        return Refusal(
            "reason_not_claimable",
            _(
                "This worker left for a reason a collective claim does not cover "
                "(%(reason)s). The worker or their heir files the claim at a branch."
            )
            % {"reason": card.get_left_reason_display() or "-"},
        )
    return None


def _file_one(
    *, collective: CollectiveClaim, card: KpjCard, on_date
) -> tuple[Claim | None, list[Refusal]]:
    claim_type = CLAIM_TYPES_BY_CODE[f"JHT:full:{CLAIM_REASONS[card.left_reason]}"]
    try:
        filed = claim_services.claim_file(
            participant=card.participant,
            claim_type=claim_type,
            idempotency_key=f"collective-{collective.pk}-{card.number}",
            event_date=card.left_on,
            channel=Channel.PARTNER,
            on_date=on_date,
        )
    except claim_services.ClaimAlreadyOpen:
        return None, [
            Refusal(
                "claim_already_open",
                _(
                    "This worker already has an open JHT claim, so no second one was filed. "
                    "Follow that claim in the claims list."
                ),
            )
        ]
    except claim_services.ClaimNotEligible as refusal:
        return None, [
            Refusal(blocker.code, blocker.message) for blocker in refusal.eligibility.blockers
        ]
    except claim_services.ClaimError as refusal:
        return None, [Refusal("claim_refused", str(refusal.message))]
    return filed.claim, []


def collective_claim_file(
    *,
    employer: Employer,
    kpjs: list[str],
    credential: PartnerCredential | None,
    source: str = "json",
) -> CollectiveClaim:
    """File a JHT claim for each worker (KPJ numbers already checked by a parser); each row
    gets its claim or its refusals. One transaction: the caller's Idempotency-Key record
    commits with it."""
    on_date = timezone.localdate()
    with transaction.atomic():
        collective = CollectiveClaim.objects.create(
            employer=employer,
            credential=credential,
            source=source,
            member_count=len(kpjs),
            filed_count=0,
        )
        cards = {
            card.number: card
            for card in KpjCard.objects.filter(number__in=kpjs).select_related("participant")
        }
        members = []
        for row, kpj in enumerate(kpjs):
            card = cards.get(kpj)
            claim, refusals = None, []
            if refusal := _card_refusal(card, employer):
                refusals = [refusal]
            else:
                claim, refusals = _file_one(collective=collective, card=card, on_date=on_date)
            members.append(
                CollectiveClaimMember(
                    collective=collective,
                    row=row,
                    kpj=kpj,
                    claim=claim,
                    refusals=[refusal.as_dict() for refusal in refusals],
                )
            )
        CollectiveClaimMember.objects.bulk_create(members)
        collective.filed_count = sum(1 for member in members if member.claim is not None)
        collective.save(update_fields=["filed_count"])
        AuditEvent.objects.create(
            actor=None,
            action="collective_claim_filed",
            detail={
                "collective_claim_id": collective.pk,
                "employer": employer.registration_number,
                "key_prefix": credential.prefix if credential else None,
                "members": collective.member_count,
                "claims_filed": collective.filed_count,
                "claim_ids": [member.claim_id for member in members if member.claim_id],
            },
        )
    return collective


# Reading ---------------------------------------------------------------------------------


def collective_claims_for_employer(*, employer: Employer) -> QuerySet[CollectiveClaim]:
    return CollectiveClaim.objects.filter(employer=employer).order_by("-created_at", "-pk")


def collective_claim_get_for_employer(*, employer: Employer, collective_id: int):
    """One of the employer's groups with its members and their claims' status, and the
    count of claims per status: three queries whatever the group's size. Another
    employer's group is a 404, like a missing one."""
    collective = (
        collective_claims_for_employer(employer=employer)
        .filter(pk=collective_id)
        .prefetch_related(
            Prefetch(
                "members",
                queryset=CollectiveClaimMember.objects.select_related("claim").only(
                    "collective_id", "row", "kpj", "refusals", "claim__id", "claim__status"
                ),
            )
        )
        .first()
    )
    if collective is None:
        raise Http404
    return collective


def collective_status_counts(collective: CollectiveClaim) -> dict[str, int]:
    """Claims per status, from the prefetched members (no query)."""
    counts: dict[str, int] = {}
    for member in collective.members.all():
        if member.claim is not None:
            counts[member.claim.status] = counts.get(member.claim.status, 0) + 1
    return counts
