"""Claim writes: filing (every channel) and the one state machine."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import AuditEvent
from core.notifications import notification_recipient, notify, send_once
from core.scoping import staff_can_serve
from documents.models import Document
from documents.services import (
    document_check_upload,
    document_files_discard,
    document_upload,
    documents_discarded_on_error,
)
from outbox.services import enqueue_on_commit
from participants import ledger
from participants.models import Participant, User
from participants.nik import normalise_name
from participants.page_cache import participant_pages_changed

from . import four_eyes, notes, selectors
from .choices import (
    DOCUMENT_KIND_OTHER,
    DOCUMENT_KINDS,
    TRANSITIONS,
    Channel,
    DocumentType,
    Program,
    Status,
)
from .models import Claim, ClaimDocument, ClaimDraftUpload, ClaimEstimate, ClaimEvent
from .rules import BLOCKER_MESSAGES, ClaimRequest, ClaimType, Eligibility
from .selectors import PayoutAccount


class ClaimError(Exception):
    """A claim write refused; `message` says what is wrong and what to do."""

    def __init__(self, message, *, claim: Claim | None = None, eligibility=None):
        super().__init__(str(message))
        self.message = message
        self.claim = claim
        self.eligibility: Eligibility | None = eligibility


class ClaimNotEligible(ClaimError):
    pass


class ClaimAlreadyOpen(ClaimError):
    pass


class ClaimTransitionError(ClaimError):
    pass


class ClaimDocumentsRefused(ClaimError):
    """Documents missing or refused. `problems` maps each document type to the messages for
    its file input; `message` has them all, each naming its document."""

    def __init__(self):
        super().__init__("")
        self.problems: dict[str, list[str]] = {}
        self.message = ""

    def add(self, code: str, *messages, named: bool = True) -> None:
        label = DocumentType(code).label
        for message in messages:
            shown = message % {"document": label} if named else message
            self.problems.setdefault(code, []).append(shown)
            # The documents app's refusals do not name the file: outside the form, say which.
            line = (
                shown
                if named
                else gettext("%(file)s: %(problem)s") % {"file": label, "problem": message}
            )
            self.message = f"{self.message} {line}".strip()
            self.args = (self.message,)


REJECTED, VERIFIED = Document.Status.REJECTED, Document.Status.VERIFIED
BRANCH_VISIT_SERVICE = "jht_verification"  # appointments' seeded service type
STAFF_DECISIONS = {
    Status.SECOND_APPROVAL,
    Status.APPROVED,
    Status.REJECTED,
    Status.NEEDS_DOCUMENTS,
    Status.PAID,
}
NEEDS_A_REASON = {Status.REJECTED, Status.NEEDS_DOCUMENTS}
NOTIFY_PARTICIPANT = {
    Status.SUBMITTED,
    Status.NEEDS_DOCUMENTS,
    Status.APPROVED,
    Status.REJECTED,
    Status.PAID,
}


def _staff_serves(user: User | None, participant: Participant) -> bool:
    """May `user` act on this participant's claims as staff: their home branch's, or the
    branch serving them today as a walk-in (core/scoping.py decides)?"""
    return staff_can_serve(user, branch_id=participant.branch_id, participant_id=participant.pk)


@dataclass(frozen=True)
class ClaimFiled:
    """What `claim_file` did: filed `claim` now, or found it filed by an earlier attempt
    with the same idempotency key (`repeated`: a double click or a retried request)."""

    claim: Claim
    repeated: bool = False


def claim_file(
    *,
    participant: Participant,
    claim_type: ClaimType,
    idempotency_key: str,
    event_date: datetime.date | None = None,
    heir_account: PayoutAccount | None = None,
    heir_nik: str = "",
    heir_name: str = "",
    uploads: Mapping[str, UploadedFile] | None = None,
    documents: Mapping[str, Document] | None = None,
    requested_amount: int | None = None,
    channel: str = Channel.ONLINE,
    created_by: User | None = None,
    identity_checked: bool = False,
    filed_by_heir: bool = False,
    accident_reported: bool = False,
    contract_retirement_age: int | None = None,
    pmi_work_period: bool = False,
    on_date: datetime.date | None = None,
) -> ClaimFiled:
    """File a claim, from every door (the portal form, the branch counter, tests and seeds),
    in one transaction: the same idempotency key returns the first claim; an open claim of
    the program, the eligibility rules and the documents are checked in that order, so no
    file is stored for a claim that cannot be filed.

    `uploads` maps required document types to files still to store (through
    `documents.services.document_upload`); `documents` to the participant's stored uploads.
    Online every required document is needed; at the branch counter staff may instead have
    seen the original, and the row stays without a file. Refusals raise ClaimError:
    ClaimAlreadyOpen (with the open claim), ClaimNotEligible (with the eligibility) or
    ClaimDocumentsRefused (the problems by document type, for the file inputs).
    """
    on_date = on_date or timezone.localdate()
    documents = dict(documents or {})
    with documents_discarded_on_error() as stored, transaction.atomic():
        if first := selectors.claim_get_by_key(
            participant=participant, idempotency_key=idempotency_key
        ):
            return ClaimFiled(claim=first, repeated=True)
        if channel == Channel.BRANCH and not (_staff_serves(created_by, participant)):
            raise ClaimError(_("Only staff of the participant's branch can file at the counter."))
        if channel == Channel.BRANCH and not identity_checked:
            raise ClaimError(
                _("Check the participant's KTP at the counter and tick 'identity checked' first.")
            )
        if channel != Channel.BRANCH and filed_by_heir:
            raise ClaimError(_("An heir files a claim at a branch office."))
        if filed_by_heir and heir_account is None:
            raise ClaimError(_("Payout account: enter the heir's bank, account number and name."))
        if filed_by_heir:
            _heir_account_check(participant=participant, account=heir_account,
                                nik=heir_nik, name=heir_name)  # fmt: skip
        if heir_account is not None and not filed_by_heir:
            raise ClaimError(
                _(
                    "Payout account: a claim pays into the participant's verified account from "
                    "their data; another account is accepted only for an heir."
                )
            )
        # Before any file is asked for: a second claim of the program waits for the first.
        if open_claim := selectors.claim_get_open(
            participant=participant, program=claim_type.program
        ):
            if open_claim.idempotency_key == idempotency_key:
                return ClaimFiled(claim=open_claim, repeated=True)  # committed meanwhile
            raise ClaimAlreadyOpen(_("You already have an open claim for this program."),
                                   claim=open_claim)  # fmt: skip
        request = ClaimRequest(
            claim_type=claim_type,
            event_date=event_date,
            requested_amount=requested_amount,
            filed_by_heir=filed_by_heir,
            accident_reported=accident_reported,
            contract_retirement_age=contract_retirement_age,
            pmi_work_period=pmi_work_period,
        )
        eligibility = selectors.claim_eligibility(
            participant=participant, request=request, on_date=on_date
        )
        if not eligibility.eligible:
            raise ClaimNotEligible(_("This claim cannot be made yet."), eligibility=eligibility)
        # Above the online limit the claim is still filed online (documents and all), but it is
        # finished at a branch visit: the participant books it next, with priority.
        branch_visit = channel != Channel.BRANCH and not eligibility.online_allowed
        actor = created_by if channel == Channel.BRANCH else participant.user
        _documents_check(
            participant=participant,
            uploads=uploads or {},
            documents=documents,
            required=eligibility.documents,
            # A partner (the employer's HR) files without the member's own papers: the member
            # uploads them on the claim page when the check asks for them.
            all_needed=channel == Channel.ONLINE,
        )
        for code, upload in (uploads or {}).items():
            documents[code] = _upload(
                participant=participant, code=code, upload=upload, actor=actor
            )
            stored.append(documents[code])
        account = heir_account or selectors.payout_account_for(participant=participant)
        if account is None:  # removed or renamed since the check above
            raise ClaimNotEligible(
                str(BLOCKER_MESSAGES["bank_account_missing"]), eligibility=eligibility
            )

        claim = Claim(
            participant=participant,
            program=claim_type.program,
            kind=claim_type.kind,
            reason=claim_type.reason,
            event_date=event_date,
            channel=channel,
            created_by=created_by if channel == Channel.BRANCH else None,
            filed_by_heir=filed_by_heir,
            heir_nik=heir_nik.strip() if filed_by_heir else "",
            heir_name=heir_name.strip() if filed_by_heir else "",
            branch_visit=branch_visit,
            amount_requested=requested_amount,
            amount_estimated=eligibility.estimated_amount,
            submitted_at=timezone.now(),
            bank_name=account.bank.strip(),
            bank_account_number=account.number.strip(),
            bank_account_holder=account.holder.strip(),
            idempotency_key=idempotency_key,
        )
        claim.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                claim.save()
        except IntegrityError:
            # Lost a race: the same key (a retried request) or another open claim won.
            if first := selectors.claim_get_by_key(
                participant=participant, idempotency_key=idempotency_key
            ):
                transaction.set_rollback(True)  # this attempt's uploads go; the first has its own
                document_files_discard(documents=stored)
                return ClaimFiled(claim=first, repeated=True)
            open_claim = selectors.claim_get_open(participant=participant, program=claim.program)
            if open_claim is None:
                raise
            raise ClaimAlreadyOpen(_("You already have an open claim for this program."),
                                   claim=open_claim) from None  # fmt: skip

        ClaimDocument.objects.bulk_create(
            ClaimDocument(claim=claim, document_type=code, document=documents.get(code))
            for code in eligibility.documents
        )
        # The figures with their basis, as filed: every door shows these.
        ClaimEstimate.objects.create(
            claim=claim,
            **selectors.claim_estimate_record(
                participant=participant, request=request, on_date=on_date
            ),
        )
        note_code, note_params = "", {}
        if channel == Channel.BRANCH:
            note_code, note_params = notes.FILED_AT_COUNTER, {"staff": created_by.email}
        event = ClaimEvent.objects.create(
            claim=claim,
            at=claim.submitted_at,
            to_status=Status.SUBMITTED,
            actor=actor,
            note_code=note_code,
            note_params=note_params,
        )
        # The files the form kept after an earlier refusal are the claim's now.
        ClaimDraftUpload.objects.filter(participant=participant, form_key=idempotency_key).delete()
        AuditEvent.objects.create(
            actor=actor,
            participant=participant,
            action="claim_submitted",
            detail={
                "claim_id": claim.pk,
                "program": claim.program,
                "reason": claim.reason,
                "channel": channel,
                "identity_checked_by": created_by.pk if channel == Channel.BRANCH else None,
            },
        )
        _after_commit(claim_id=claim.pk, event_id=event.pk, verify=True)
        return ClaimFiled(claim=claim)


def _heir_account_check(
    *, participant: Participant, account: PayoutAccount, nik: str, name: str
) -> None:
    """An heir's claim pays only into the heir's own account: the holder's name is the name on
    the heir's KTP (verified with the other heir documents before approval), never free text
    that could name anyone."""
    nik, name = nik.strip(), name.strip()
    if not (len(nik) == 16 and nik.isdigit()):
        raise ClaimError(_("Heir's NIK: enter the 16 digits from the heir's KTP."))
    if nik == participant.nik:
        raise ClaimError(
            _("Heir's NIK: this is the participant's own NIK. Enter the heir's, from their KTP.")
        )
    if not name:
        raise ClaimError(_("Heir's name: enter it exactly as on the heir's KTP."))
    if normalise_name(account.holder) != normalise_name(name):
        raise ClaimError(
            _(
                "Heir's name on the account: it must be the heir's name as on their KTP. An "
                "heir's claim pays only into the heir's own account."
            )
        )


def claim_draft_uploads_keep(
    *,
    participant: Participant,
    form_key: str,
    uploads: Mapping[str, UploadedFile],
    required: tuple[str, ...],
    actor: User,
) -> dict[str, list[str]]:
    """Keep the files of a filing form that was refused for another reason, so the participant
    does not choose them again: each is checked by its content and size and stored as the
    participant's upload, for this form (`form_key`, its idempotency key) and document type,
    replacing a file kept before for that type. Only documents the claim needs are kept.
    Answers the refused files' problems by document type (nothing is kept for those)."""
    refused: dict[str, list[str]] = {}
    for code, upload in uploads.items():
        if code not in required:
            continue
        try:
            with transaction.atomic():
                document = _upload(participant=participant, code=code, upload=upload, actor=actor)
                ClaimDraftUpload.objects.update_or_create(
                    participant=participant,
                    form_key=form_key,
                    document_type=code,
                    defaults={"document": document},
                )
        except ClaimDocumentsRefused as refusal:
            refused.update(refusal.problems)
    return refused


def _upload(*, participant: Participant, code: str, upload: UploadedFile, actor) -> Document:
    try:
        return document_upload(
            owner=participant,
            kind=DOCUMENT_KINDS.get(code, DOCUMENT_KIND_OTHER),
            upload=upload,
            actor=actor,
        )
    except ValidationError as refusal:  # checked before, or refused again on storing
        refused = ClaimDocumentsRefused()
        refused.add(code, *refusal.messages, named=False)
        raise refused from None


def _documents_check(
    *,
    participant: Participant,
    uploads: Mapping[str, UploadedFile],
    documents: Mapping[str, Document],
    required: tuple[str, ...],
    all_needed: bool,
) -> None:
    """Every document, before the first file is stored (so a refusal stores nothing): only
    the documents the claim needs, only the participant's own uploads, files the documents
    app accepts and, online, all of them."""
    refused = ClaimDocumentsRefused()
    for code in [*documents, *uploads]:
        if code not in required:
            refused.add(code, _("%(document)s: this claim does not need it. Remove the file."))
    for code, document in documents.items():
        if code in required and document.owner_id != participant.pk:
            refused.add(
                code, _("%(document)s: the file is not one of your uploads. Upload it again.")
            )
    for code, upload in uploads.items():
        if code in required:
            try:
                document_check_upload(upload)
            except ValidationError as refusal:
                refused.add(code, *refusal.messages, named=False)
    for code in required:
        if all_needed and code not in documents and code not in uploads:
            refused.add(code, _("%(document)s: choose the photo or PDF scan to upload."))
    if refused.problems:
        raise refused


def _after_commit(*, claim_id: int, event_id: int, verify: bool = False, notify: bool = True):
    from .tasks import claim_notify_task, claim_verify_task

    if notify:
        enqueue_on_commit(claim_notify_task, event_id)
    if verify:
        enqueue_on_commit(claim_verify_task, claim_id)


def _check_actor(*, claim: Claim, to_status: str, actor: User | None) -> None:
    participant = claim.participant
    owner = actor is not None and actor.pk is not None and actor.pk == participant.user_id
    if to_status == Status.CANCELLED:
        allowed = owner
    elif to_status == Status.NEEDS_DOCUMENTS and claim.status == Status.VERIFYING:
        # The documents pipeline rejected an upload: the system asks, or branch staff.
        allowed = actor is None or _staff_serves(actor, participant)
    elif to_status in STAFF_DECISIONS:
        allowed = _staff_serves(actor, participant)
    elif claim.status == Status.NEEDS_DOCUMENTS:  # replacements sent: back to checking/review
        allowed = owner or _staff_serves(actor, participant)
    else:  # the verification steps: the system (no actor) or branch staff
        allowed = actor is None or _staff_serves(actor, participant)
    if not allowed:
        raise ClaimTransitionError(_("You are not allowed to make this change to the claim."))
    if to_status in (Status.SECOND_APPROVAL, Status.APPROVED, Status.PAID):
        if refusal := four_eyes.four_eyes_check(
            claim=claim, to_status=to_status, actor=actor, owner=owner
        ):
            raise ClaimTransitionError(refusal)


@transaction.atomic
def claim_transition(
    *,
    claim: Claim,
    to_status: str,
    actor: User | None,
    reason: str = "",
    note_code: str = "",
    note_params: dict | None = None,
    approved_amount: int | None = None,
) -> Claim:
    """Move a claim along its allowed transitions only, from the status the caller saw.

    The conditional UPDATE refuses a claim someone else moved meanwhile. A timeline row and
    an audit row are written in the same transaction; the e-mail goes after commit.
    `reason` is a person's words; the portal's own checks give `note_code` (claims.notes)
    instead, so the note reads in each reader's language.
    """
    from_status = claim.status
    if to_status not in TRANSITIONS.get(from_status, set()):
        raise ClaimTransitionError(
            _("A claim that is '%(from)s' cannot become '%(to)s'.")
            % {"from": Status(from_status).label, "to": Status(to_status).label}
        )
    _check_actor(claim=claim, to_status=to_status, actor=actor)
    reason = reason.strip()
    if to_status in NEEDS_A_REASON and not (reason or note_code):
        raise ClaimTransitionError(
            _("Reason: write what is wrong or missing, so the participant knows what to do.")
        )
    now = timezone.now()
    changes = {"status": to_status, "updated_at": now}
    if to_status == Status.IN_REVIEW:
        changes["complete_at"] = now
    # The decision note explains the present status only: a reason for documents is stale
    # once they are sent again, and is not kept past the claim's next step.
    changes["decision_note"] = reason if to_status in NEEDS_A_REASON else ""
    if to_status in (Status.APPROVED, Status.REJECTED):
        changes["decided_at"] = now
    if to_status == Status.APPROVED and claim.branch_visit and not _visited_branch(claim):
        raise ClaimTransitionError(
            _(
                "This claim is above the online limit: approve it after the participant's "
                "branch visit (the linked appointment checked in or served)."
            )
        )
    if from_status == Status.IN_REVIEW and to_status in (Status.APPROVED, Status.SECOND_APPROVAL):
        amount = claim.amount_estimated if approved_amount is None else approved_amount
        if amount is None or amount < 0:
            raise ClaimTransitionError(
                _("Approved amount: enter the payout in whole rupiah before approving.")
            )
        if refusal := four_eyes.approvals_check(claim=claim, to_status=to_status, amount=amount):
            raise ClaimTransitionError(refusal)
        changes["amount_approved"] = amount
        changes["approved_by"] = actor
    if from_status == Status.SECOND_APPROVAL and to_status == Status.APPROVED:
        changes["second_approved_by"] = actor
    if to_status == Status.NEEDS_DOCUMENTS:
        # New documents mean a new review: earlier approvals do not carry over.
        changes["approved_by"] = changes["second_approved_by"] = None
        changes["amount_approved"] = None
    if to_status == Status.PAID:
        changes["paid_at"] = now
        changes["amount_paid"] = claim.amount_approved
    updated = Claim.objects.filter(pk=claim.pk, status=from_status).update(**changes)
    if updated != 1:
        raise ClaimTransitionError(
            _("This claim was changed by someone else meanwhile. Reload it and try again.")
        )
    # An update() sends no signal: the claims list (a cached personal page) is dropped here,
    # the one path every door's status change takes.
    participant_pages_changed([claim.participant_id])
    for name, value in changes.items():
        setattr(claim, name, value)
    event = ClaimEvent.objects.create(
        claim=claim,
        at=now,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        note=reason,
        note_code=note_code,
        note_params=note_params or {},
    )
    AuditEvent.objects.create(
        actor=actor,
        participant_id=claim.participant_id,
        action=f"claim_{to_status}",
        detail={
            "claim_id": claim.pk,
            "from": from_status,
            "to": to_status,
            **four_eyes.people_on(claim=claim, to_status=to_status, actor=actor),
        },
    )
    if to_status == Status.PAID and claim.program == Program.JHT and claim.amount_paid:
        _post_jht_withdrawal(claim=claim, actor=actor, paid_at=now)
    _after_commit(claim_id=claim.pk, event_id=event.pk, notify=to_status in NOTIFY_PARTICIPANT)
    return claim


def _visited_branch(claim: Claim) -> bool:
    from appointments.models import Appointment

    return Appointment.objects.filter(
        claim_id=claim.pk,
        participant_id=claim.participant_id,
        status__in=[Appointment.Status.CHECKED_IN, Appointment.Status.DONE],
    ).exists()


@transaction.atomic
def claim_branch_visit_request(
    *,
    claim: Claim,
    branch_choices: list,
    window_start: datetime.date,
    window_end: datetime.date,
    earliest_anywhere: bool,
    actor: User,
):
    """Book the branch visit that finishes a claim above the online limit: a JHT
    verification request linked to the claim, with priority, so the scheduler serves it
    first. Appointment refusals (`AppointmentError`) pass through with their field."""
    from appointments import selectors as appointment_selectors
    from appointments import services as appointment_services

    if not (claim.branch_visit and claim.is_open):
        raise ClaimError(_("This claim can be finished online; it does not need a branch visit."))
    if actor.pk != claim.participant.user_id and not _staff_serves(actor, claim.participant):
        raise ClaimError(_("You are not allowed to make this change to the claim."))
    service_type = appointment_selectors.service_types_bookable().get(code=BRANCH_VISIT_SERVICE)
    appointment = appointment_services.appointment_request_create(
        participant=claim.participant,
        service_type=service_type,
        branch_choices=branch_choices,
        window_start=window_start,
        window_end=window_end,
        earliest_anywhere=earliest_anywhere,
        claim_id=claim.pk,
        priority=True,
        actor=actor,
    )
    AuditEvent.objects.create(
        actor=actor,
        participant_id=claim.participant_id,
        action="claim_branch_visit_requested",
        detail={"claim_id": claim.pk, "appointment": appointment.pk},
    )
    return appointment


def _post_jht_withdrawal(*, claim: Claim, actor: User | None, paid_at) -> None:
    """A paid JHT claim (full or partial) leaves the JHT ledger in the transaction that marks
    it paid: the running balance and the claim can never disagree. Only the caller that won
    the conditional UPDATE above gets here, so two confirmations post once."""
    try:
        ledger.ledger_withdrawal_post(
            participant_id=claim.participant_id,
            amount=claim.amount_paid,
            claim_id=claim.pk,
            paid_on=timezone.localdate(paid_at),
            actor=actor,
        )
    except ledger.PostingError as error:
        raise ClaimTransitionError(error.message, claim=claim) from error


def claim_verify(*, claim_id: int) -> Claim | None:
    """The verification step: submitted -> verifying, then by the documents' verdict.

    All uploads verified by the documents pipeline: in review. One rejected: documents
    needed, with the pipeline's (or staff's) reasons for the participant. Any still being
    checked or waiting for staff: the claim waits in verifying; the document-checked signal
    runs this again. Idempotent: a claim past these steps is left alone.
    """
    claim = Claim.objects.select_related("participant").filter(pk=claim_id).first()
    if claim is None:
        return None
    try:
        if claim.status == Status.SUBMITTED:
            claim_transition(claim=claim, to_status=Status.VERIFYING, actor=None)
        if claim.status == Status.VERIFYING:
            verdict, rejected = _documents_verdict(claim)
            if verdict == Status.IN_REVIEW:
                claim_transition(
                    claim=claim,
                    to_status=Status.IN_REVIEW,
                    actor=None,
                    note_code=notes.FILE_COMPLETE,
                )
            elif verdict == Status.NEEDS_DOCUMENTS and rejected:
                claim_transition(
                    claim=claim,
                    to_status=Status.NEEDS_DOCUMENTS,
                    actor=None,
                    note_code=notes.DOCUMENTS_REJECTED,
                    note_params={"documents": rejected},
                )
            elif verdict == Status.NEEDS_DOCUMENTS:
                claim_transition(
                    claim=claim,
                    to_status=Status.NEEDS_DOCUMENTS,
                    actor=None,
                    note_code=notes.DOCUMENTS_MISSING,
                    note_params={"documents": _missing_documents(claim)},
                )
    except ClaimTransitionError:
        claim.refresh_from_db(fields=["status"])  # another worker or the participant moved it
    return claim


def _documents_verdict(claim: Claim) -> tuple[str | None, list[dict]]:
    """In review, documents needed (with each refused document and why; none listed when
    files are missing: a partner's claim before the member uploads) or None: wait."""
    requirements = list(
        ClaimDocument.objects.filter(claim=claim)
        .select_related("document")
        .prefetch_related("document__checks")
    )
    rejected = [row for row in requirements if row.document and row.document.status == REJECTED]
    if _files_owed(claim) and any(row.document is None for row in requirements):
        return Status.NEEDS_DOCUMENTS, []  # the note names the files still to upload
    if rejected:
        return Status.NEEDS_DOCUMENTS, [
            notes.rejected_document(
                document_type=row.document_type,
                reason_codes=row.document.failed_reason_codes(),
                staff_note=row.document.staff_note,
            )
            for row in rejected
        ]
    if any(row.document and row.document.status != VERIFIED for row in requirements):
        return None, []
    return Status.IN_REVIEW, []


def _files_owed(claim: Claim) -> bool:
    """Must every required document have a file? Yes, except at the branch counter, where
    staff may have seen the original instead."""
    return claim.channel != Channel.BRANCH


def _missing_documents(claim: Claim) -> list[str]:
    return list(
        ClaimDocument.objects.filter(claim=claim, document__isnull=True)
        .order_by("pk")
        .values_list("document_type", flat=True)
    )


def claim_verify_on_document_checked(*, document: Document) -> None:
    """The documents pipeline (or staff) finished a document: verify the claims waiting on it,
    after that transaction commits (the document-checked signal calls this inside it)."""
    from .tasks import claim_verify_task

    claim_ids = list(
        ClaimDocument.objects.filter(document=document, claim__status=Status.VERIFYING)
        .values_list("claim_id", flat=True)
        .distinct()
    )
    for claim_id in claim_ids:
        enqueue_on_commit(claim_verify_task, claim_id)


def claim_document_replace(
    *,
    claim: Claim,
    document_type: str,
    actor: User,
    upload: UploadedFile | None = None,
    document: Document | None = None,
) -> ClaimDocument:
    """The participant sends a new file for one required document while the claim asks for
    documents: an `upload`, stored through the documents app in this transaction once the
    claim is known to take it, or an upload already stored (`document`). When no requirement
    is left rejected, the claim is checked again. A refused file raises
    ClaimDocumentsRefused."""
    if (upload is None) == (document is None):
        raise ValueError("send either an upload or a stored document")
    with documents_discarded_on_error() as stored, transaction.atomic():
        if claim.status != Status.NEEDS_DOCUMENTS:
            raise ClaimTransitionError(
                _("Documents can be sent again only while the claim asks for documents.")
            )
        foreign = document is not None and document.owner_id != claim.participant_id
        if foreign or actor.pk != claim.participant.user_id:
            raise ClaimTransitionError(_("You are not allowed to make this change to the claim."))
        requirement = (
            ClaimDocument.objects.select_for_update()
            .filter(claim=claim, document_type=document_type)
            .first()
        )
        if requirement is None:
            raise ClaimError(
                _("Document: this claim does not need that document. Choose one from the list.")
            )
        if upload is not None:
            document = _upload(
                participant=claim.participant, code=document_type, upload=upload, actor=actor
            )
            stored.append(document)
        previous = requirement.document_id
        requirement.document = document
        requirement.save(update_fields=["document", "updated_at"])
        participant_pages_changed([claim.participant_id])
        AuditEvent.objects.create(
            actor=actor,
            participant_id=claim.participant_id,
            action="claim_document_replaced",
            detail={"claim_id": claim.pk, "type": document_type, "from": previous,
                    "to": document.pk},
        )  # fmt: skip
        waiting = Q(document__status=REJECTED)
        if _files_owed(claim):
            waiting |= Q(document__isnull=True)
        if not ClaimDocument.objects.filter(waiting, claim=claim).exists():
            claim_transition(
                claim=claim,
                to_status=Status.VERIFYING,
                actor=actor,
                note_code=notes.DOCUMENTS_SENT,
            )
            from .tasks import claim_verify_task

            enqueue_on_commit(claim_verify_task, claim.pk)
        return requirement


def _claim_status_message(context: dict) -> tuple[str, str]:
    status = Status(context["status"]).label
    subject = gettext("Your claim #%(id)s: %(status)s") % {"id": context["id"], "status": status}
    note = context["note"]
    if context.get("note_code"):  # the portal's own note, in the words of this mail's language
        note = notes.note_text(context["note_code"], context.get("note_params"))
    body = gettext(
        "The status of your claim #%(id)s is now: %(status)s.\n%(note)s\n"
        "Follow it on Lacak Klaim: %(link)s"
    ) % {"id": context["id"], "status": status, "note": note, "link": context["link"]}
    return subject, body


def claim_notify(*, event_id: int) -> bool:
    """E-mail the participant about one timeline step, once (the UPDATE claims the event)."""

    def send() -> bool:
        event = ClaimEvent.objects.select_related("claim__participant__user").get(pk=event_id)
        return notify(
            to=notification_recipient(event.claim.participant),
            message=_claim_status_message,
            context={
                "id": event.claim_id,
                "status": event.to_status,
                "note": event.note,
                "note_code": event.note_code,
                "note_params": event.note_params,
            },
            links={"link": reverse("claims:detail", args=[event.claim_id])},
        )

    return send_once(ClaimEvent, event_id, stamp="notified_at", send=send)
