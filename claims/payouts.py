"""Money out: approving a claim (once or twice, by the dated limit) and paying approved claims
in batches that the bank confirms back. Every status change goes through the one state
machine (`services.claim_transition`), which runs the four-eyes checks (four_eyes.py).

The bank file is CSV, not ISO 20022 pain.001: the bulk-transfer channels of the banks our
participants use (BRI, BNI, Mandiri, BJB cash management) take each bank's own CSV/TXT upload,
and their result files come back as CSV; pain.001 would need a converter at every bank. One
plain layout with the claim reference on each line maps onto those templates, and its return
file (the same lines with a status) is what confirms each claim paid, once.
"""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import AuditEvent
from core.scoping import staff_can_see_branch
from core.spreadsheet import csv_cell

from . import four_eyes
from .choices import Status
from .models import Claim, PaymentBatch
from .services import ClaimError, ClaimTransitionError, claim_transition

BANK_FILE_COLUMNS = [
    "batch_reference",
    "claim_reference",
    "bank",
    "account_number",
    "account_holder",
    "amount",
    "description",
]
# The bank's return file: the bank file's claim lines, each with what the bank did.
RETURN_COLUMNS = ("claim_reference", "amount", "status")
RETURN_PAID, RETURN_FAILED = "paid", "failed"
RETURN_FILE_MAX_BYTES = 2 * 1024 * 1024
MAX_LINE_ERRORS = 20


class PaymentError(ClaimError):
    """A payment step refused; `lines` lists the return file's problems, line by line."""

    def __init__(self, message, *, lines: list[str] | None = None):
        super().__init__(message)
        self.lines = lines or []


def claim_reference(claim_id: int) -> str:
    return f"JMO-CLAIM-{claim_id}"


def claim_approve(*, claim: Claim, actor, amount: int | None = None) -> Claim:
    """An officer approves: the first approval of a claim in review (straight to approved up
    to the dated limit, above it waiting for a second officer), or the second approval."""
    if claim.status == Status.SECOND_APPROVAL:
        return claim_transition(claim=claim, to_status=Status.APPROVED, actor=actor)
    payout = claim.amount_estimated if amount is None else amount
    limit = four_eyes.second_approval_limit()
    to_status = Status.SECOND_APPROVAL if payout is not None and payout > limit else Status.APPROVED
    return claim_transition(claim=claim, to_status=to_status, actor=actor, approved_amount=amount)


def _may_pay(actor, branch_id) -> bool:
    return actor.has_perm(four_eyes.PAY_PERMISSION) and staff_can_see_branch(actor, branch_id)


@dataclass
class BatchPrepared:
    batch: PaymentBatch | None
    refused: dict[int, str] = field(default_factory=dict)  # claim id -> why it was left out


@transaction.atomic
def payment_batch_create(*, claim_ids: list[int], actor) -> BatchPrepared:
    """Put approved claims of one branch into a new batch for the bank. Claims the actor filed
    or approved, of another branch, or already in a batch are left out, each with why."""
    if not actor.has_perm(four_eyes.PAY_PERMISSION):
        raise PaymentError(four_eyes.NO_PAY_PERMISSION)
    claims = list(
        Claim.objects.select_for_update(of=("self",))
        .select_related("participant")
        .filter(pk__in=claim_ids)
        .order_by("pk")
    )
    prepared = BatchPrepared(batch=None)
    chosen = []
    for claim in claims:
        if not staff_can_see_branch(actor, claim.participant.branch_id):
            prepared.refused[claim.pk] = gettext("not a claim of your branch")
        elif claim.status != Status.APPROVED:
            prepared.refused[claim.pk] = gettext("not approved (it is '%(status)s')") % {
                "status": Status(claim.status).label
            }
        elif claim.payment_batch_id is not None:
            prepared.refused[claim.pk] = gettext("already in batch %(batch)s") % {
                "batch": f"JMO-PAY-{claim.payment_batch_id:06d}"
            }
        elif actor.pk in (claim.created_by_id, claim.approved_by_id, claim.second_approved_by_id):
            prepared.refused[claim.pk] = gettext(four_eyes.APPROVER_PAYS)
        else:
            chosen.append(claim)
    if not chosen:
        return prepared
    branches = {claim.participant.branch_id for claim in chosen}
    if len(branches) > 1:
        raise PaymentError(_("A batch holds the claims of one branch: choose one branch's."))
    batch = PaymentBatch.objects.create(
        branch_id=branches.pop(),
        prepared_by=actor,
        claim_count=len(chosen),
        total_amount=sum(claim.amount_approved for claim in chosen),
    )
    Claim.objects.filter(pk__in=[claim.pk for claim in chosen]).update(
        payment_batch=batch, updated_at=timezone.now()
    )
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor,
            participant_id=claim.participant_id,
            action="claim_payment_prepared",
            detail={
                "claim_id": claim.pk,
                "batch": batch.reference,
                "amount": claim.amount_approved,
                **four_eyes.people_on(claim=claim, to_status=Status.APPROVED, actor=actor),
                "prepared_by": actor.email,
            },
        )
        for claim in chosen
    )
    prepared.batch = batch
    return prepared


def payment_batch_bank_file(*, batch: PaymentBatch, actor) -> str:
    """The bank's upload: one line per claim, with the full account number (for the officer
    who pays only; the access is in the audit trail)."""
    if not _may_pay(actor, batch.branch_id):
        raise PaymentError(four_eyes.NO_PAY_PERMISSION)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(BANK_FILE_COLUMNS)
    claims = batch.claims.order_by("pk").only(
        "pk", "bank_name", "bank_account_number", "bank_account_holder", "amount_approved"
    )
    for claim in claims:
        writer.writerow(
            csv_cell(cell)
            for cell in (
                batch.reference,
                claim_reference(claim.pk),
                claim.bank_name,
                claim.bank_account_number,
                claim.bank_account_holder,
                claim.amount_approved,
                f"BPJS Ketenagakerjaan klaim {claim.pk}",
            )
        )
    AuditEvent.objects.create(
        actor=actor,
        action="payment_batch_exported",
        detail={"batch": batch.reference, "claims": batch.claim_count},
    )
    return out.getvalue()


@dataclass(frozen=True)
class ReturnLine:
    claim_id: int
    amount: int
    paid: bool
    note: str


def _return_lines(*, batch: PaymentBatch, content: bytes) -> list[ReturnLine]:
    """The bank's return file read and checked against the batch: every claim once, the
    same amounts, a known status. Problems are named by line (the first 20, then a count)."""
    if len(content) > RETURN_FILE_MAX_BYTES:
        raise PaymentError(_("Return file: it is larger than 2 MB. Upload the bank's CSV file."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PaymentError(
            _("Return file: it is not a CSV text file. Upload the bank's CSV.")
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [name for name in RETURN_COLUMNS if name not in (reader.fieldnames or [])]
    if missing:
        raise PaymentError(
            gettext("Return file: the columns %(columns)s are missing. Upload the bank's file.")
            % {"columns": ", ".join(missing)}
        )
    expected = dict(batch.claims.values_list("pk", "amount_approved"))
    by_reference = {claim_reference(pk): pk for pk in expected}
    lines, errors, seen = [], [], set()
    for number, row in enumerate(reader, start=2):
        reference = (row.get("claim_reference") or "").strip()
        status = (row.get("status") or "").strip().lower()
        claim_id = by_reference.get(reference)
        if claim_id is None:
            errors.append(
                gettext("Line %(line)s: %(ref)s is not a claim of this batch.")
                % {"line": number, "ref": reference[:40]}
            )
            continue
        if claim_id in seen:
            errors.append(
                gettext("Line %(line)s: %(ref)s appears twice.")
                % {"line": number, "ref": reference}
            )
            continue
        seen.add(claim_id)
        amount = (row.get("amount") or "").strip()
        if amount != str(expected[claim_id]):
            errors.append(
                gettext("Line %(line)s: the amount %(got)s is not the batch's %(want)s.")
                % {"line": number, "got": amount[:20], "want": expected[claim_id]}
            )
        if status not in (RETURN_PAID, RETURN_FAILED):
            errors.append(
                gettext("Line %(line)s: status must be 'paid' or 'failed'.") % {"line": number}
            )
        lines.append(
            ReturnLine(claim_id, expected[claim_id], status == RETURN_PAID,
                       (row.get("note") or "").strip()[:200])
        )  # fmt: skip
    absent = sorted(set(expected) - seen)
    if absent:
        errors.append(
            gettext("The file lacks the claims %(refs)s: the bank's file lists every claim.")
            % {"refs": ", ".join(claim_reference(pk) for pk in absent[:MAX_LINE_ERRORS])}
        )
    if errors:
        shown = errors[:MAX_LINE_ERRORS]
        if len(errors) > MAX_LINE_ERRORS:
            shown.append(
                gettext("… and %(count)s more problems.") % {"count": len(errors) - MAX_LINE_ERRORS}
            )
        raise PaymentError(_("Return file: nothing was marked paid. Fix these lines."), lines=shown)
    return lines


@dataclass(frozen=True)
class BatchConfirmed:
    paid: list[int]
    failed: list[int]


@transaction.atomic
def payment_batch_confirm(*, batch: PaymentBatch, actor, content: bytes) -> BatchConfirmed:
    """The bank's return file marks each transferred claim paid (its JHT withdrawal posted in
    the same transaction) and puts each failed one back among the claims to pay. All or
    nothing; a batch is confirmed once, whoever clicks at the same time."""
    if not _may_pay(actor, batch.branch_id):
        raise PaymentError(four_eyes.NO_PAY_PERMISSION)
    batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != PaymentBatch.Status.EXPORTED:
        raise PaymentError(_("This batch was already confirmed. Reload the page."))
    lines = _return_lines(batch=batch, content=content)
    claims = Claim.objects.select_related("participant").in_bulk([line.claim_id for line in lines])
    paid, failed = [], []
    for line in lines:
        claim = claims[line.claim_id]
        if not line.paid:
            failed.append(claim.pk)
            continue
        try:
            claim_transition(claim=claim, to_status=Status.PAID, actor=actor)
        except ClaimTransitionError as refusal:
            raise PaymentError(
                gettext("%(ref)s: %(why)s")
                % {"ref": claim_reference(claim.pk), "why": refusal.message}
            ) from None
        paid.append(claim.pk)
    if failed:
        Claim.objects.filter(pk__in=failed, payment_batch=batch).update(
            payment_batch=None, updated_at=timezone.now()
        )
        AuditEvent.objects.bulk_create(
            AuditEvent(
                actor=actor,
                participant_id=claims[line.claim_id].participant_id,
                action="claim_payment_failed",
                detail={"claim_id": line.claim_id, "batch": batch.reference, "note": line.note},
            )
            for line in lines
            if not line.paid
        )
    batch.status = PaymentBatch.Status.CONFIRMED
    batch.confirmed_by = actor
    batch.confirmed_at = timezone.now()
    batch.save(update_fields=["status", "confirmed_by", "confirmed_at", "updated_at"])
    AuditEvent.objects.create(
        actor=actor,
        action="payment_batch_confirmed",
        detail={
            "batch": batch.reference,
            "prepared_by": batch.prepared_by.email,
            "confirmed_by": actor.email,
            "paid": paid,
            "failed": failed,
        },
    )
    return BatchConfirmed(paid=paid, failed=failed)
