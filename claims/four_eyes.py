"""Four eyes on money: the checks the one state machine (`services.claim_transition`) runs
before a claim is approved or paid.

- Whoever filed a claim at the counter cannot approve it, and a participant never decides
  their own claim.
- Above a dated amount (rule row SECOND_APPROVAL_ABOVE) a second officer approves too,
  neither the filer nor the first approver.
- Whoever filed or approved a claim cannot pay it; paying needs the pay permission and a
  payment batch (payouts.py), whose bank return file marks the claim paid.
- A claim after a death is approved only when every document it needs (the death
  certificate, the heir's KTP, certificate, family card and bank book) is an upload the
  checks verified: "seen at the counter" is not enough, the counter officer may be the insider.

Each check answers the refusal's words, or "" when the step may go ahead.
"""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.money import format_rupiah
from documents.models import Document

from .choices import DocumentType, Status
from .models import Claim, ClaimDocument, RuleKey
from .selectors import claim_rule_value_on

PAY_PERMISSION = "claims.pay_claim"

FILER_APPROVES = _("You filed this claim at the counter: another officer approves it.")
OWN_CLAIM = _("You cannot decide or pay your own claim: another officer does.")
SECOND_BY_FIRST = _(
    "You approved this claim first (or filed it): a second officer gives the second approval."
)
NEEDS_SECOND = _(
    "This payout is above %(limit)s: it needs a second approval. Approve it: it waits for a "
    "second officer."
)
APPROVER_PAYS = _(
    "You filed or approved this claim: an officer who did neither prepares and confirms "
    "its payment."
)
NO_PAY_PERMISSION = _("Paying claims needs the pay permission: ask your branch head.")
NOT_IN_BATCH = _(
    "A claim is paid through a payment batch: put it in a batch, send the bank file, then "
    "confirm the bank's return file."
)
HEIR_DOCUMENTS_UNVERIFIED = _(
    "A claim after a death is approved only when its documents are uploaded and verified. "
    "Not yet verified: %(documents)s."
)


def second_approval_limit(*, on_date=None) -> int:
    """The amount above which a payout needs a second approver, in force today; 0 (every
    payout needs two) when no dated row covers the date: deny by default."""
    on_date = on_date or timezone.localdate()
    value = claim_rule_value_on(key=RuleKey.SECOND_APPROVAL_ABOVE, on_date=on_date)
    return 0 if value is None else value


def approvals_check(*, claim: Claim, to_status: str, amount: int) -> str:
    """A first approval straight to "approved" only up to the dated limit."""
    limit = second_approval_limit()
    if to_status == Status.APPROVED and amount > limit:
        return gettext(NEEDS_SECOND) % {"limit": format_rupiah(limit)}
    return ""


def four_eyes_check(*, claim: Claim, to_status: str, actor, owner: bool) -> str:
    """The refusal for `actor` moving `claim` to an approval or paid status, or ""."""
    if owner:
        return str(OWN_CLAIM)
    if actor is None:
        return ""  # the state machine's own check refuses the system here
    filer = claim.created_by_id
    if to_status == Status.SECOND_APPROVAL or (
        to_status == Status.APPROVED and claim.status == Status.IN_REVIEW
    ):
        if actor.pk == filer:
            return str(FILER_APPROVES)
        return heir_documents_check(claim=claim)
    if to_status == Status.APPROVED:  # the second approval
        if actor.pk in (filer, claim.approved_by_id):
            return str(SECOND_BY_FIRST)
        return ""
    if to_status == Status.PAID:
        if not actor.has_perm(PAY_PERMISSION):
            return str(NO_PAY_PERMISSION)
        if actor.pk in (filer, claim.approved_by_id, claim.second_approved_by_id):
            return str(APPROVER_PAYS)
        if claim.payment_batch_id is None:
            return str(NOT_IN_BATCH)
    return ""


def heir_documents_check(*, claim: Claim) -> str:
    """An heir's claim: every required document uploaded and verified (one query)."""
    if not claim.filed_by_heir:
        return ""
    unverified = list(
        ClaimDocument.objects.filter(claim=claim)
        .filter(Q(document__isnull=True) | ~Q(document__status=Document.Status.VERIFIED))
        .values_list("document_type", flat=True)
    )
    if not unverified:
        return ""
    names = ", ".join(str(DocumentType(code).label) for code in unverified)
    return gettext(HEIR_DOCUMENTS_UNVERIFIED) % {"documents": names}


def people_on(*, claim: Claim, to_status: str, actor) -> dict:
    """Both names for the audit trail: who made and who checked this step."""
    people = {
        "filed_by": claim.created_by,
        "approved_by": claim.approved_by,
        "second_approved_by": claim.second_approved_by,
    }
    if to_status == Status.PAID:
        people["paid_by"] = actor
    if to_status not in (Status.SECOND_APPROVAL, Status.APPROVED, Status.PAID):
        return {}
    return {role: user.email for role, user in people.items() if user is not None}
