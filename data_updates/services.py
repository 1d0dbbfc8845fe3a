"""Writes for pengkinian data: drafts, confirmation codes, documents, staff decisions, applying,
and staff corrections of identity.

Every state change is a conditional UPDATE on the request's status, a timeline step and an
audit row in the same transaction; e-mails go out by Celery after the commit.
"""

import datetime
import logging
import secrets
from collections.abc import Mapping

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.models import AuditEvent
from core.notifications import notification_recipient, notify, send_once
from core.scoping import staff_can_see_branch
from documents.models import Document
from documents.services import document_upload, documents_discarded_on_error
from outbox.services import enqueue_on_commit
from participants.masking import mask
from participants.models import BankAccount, EmergencyContact, FamilyMember, Participant, User
from participants.nik import nik_matches_birth_date, normalise_name, parse_nik
from participants.services import PHONE_TAKEN
from sms.services import SmsRateLimited, sms_send

from . import notifications, rules
from .models import DataUpdateRequest, DataUpdateStep

Kind = DataUpdateRequest.Kind
Status = DataUpdateRequest.Status

CODE_KINDS = rules.CODE_KINDS
IMMEDIATE_KINDS = rules.IMMEDIATE_KINDS
REVIEW_KINDS = rules.REVIEW_KINDS
SMS_PURPOSE_DATA_UPDATE = "data_update_phone"
logger = logging.getLogger(__name__)
# Requests about one family member already on record (values["member"] is its id).
MEMBER_KINDS = {Kind.FAMILY_MEMBER_EDIT, Kind.FAMILY_MEMBER_REMOVE}
MEMBER_FIELDS = ("full_name", "relationship", "birth_date", "nik", "is_heir")

CODE_TTL = datetime.timedelta(minutes=15)
CODE_RESEND_AFTER = datetime.timedelta(seconds=60)
CODE_MAX_ATTEMPTS = 5

MESSAGES = {
    "code_wrong": _(
        "Confirmation code: this code is not right. Check the 6 digits in the latest message "
        "we sent, then type them again."
    ),
    "code_expired": _(
        "Confirmation code: this code has expired (codes last 15 minutes). "
        "Press 'Send a new code' and use the new one."
    ),
    "code_locked": _(
        "Confirmation code: too many wrong tries. Press 'Send a new code' to get a new one."
    ),
    "code_wait": _("Confirmation code: a code was sent less than a minute ago. Wait a moment."),
    "not_open": _("This request is already finished or is not waiting for this step."),
    "bank_name": _(
        "Name on the account: it must be your own name as on your KTP (%(name)s). "
        "Payouts go only to an account in your name."
    ),
    "nik_taken": _(
        "New NIK: another membership already uses this NIK. Visit a branch office with your "
        "KTP and KK so staff can sort it out."
    ),
    "reason_needed": _("Reason: write why, so the participant knows what to do next."),
    "documents_needed": _("Documents: upload the documents asked for on this page."),
    "member_gone": _(
        "Family member: this person is no longer in the records (another request changed "
        "them). Go back to 'Update my data' and choose the person again."
    ),
    "member_busy": _(
        "Family member: a change for this person is already waiting. Follow that request in "
        "'My requests'; you can ask for another change once it is decided."
    ),
}


class DataUpdateConflict(Exception):
    """The request moved on meanwhile (another staff member or tab acted first)."""


def _step(request: DataUpdateRequest, *, note: str = "", by_staff: bool = False) -> None:
    DataUpdateStep.objects.create(
        request=request, status=request.status, note=note[:500], by_staff=by_staff
    )


def _notify_on_commit(request_id: int) -> None:
    from data_updates.tasks import data_update_notify_task

    enqueue_on_commit(data_update_notify_task, request_id)


def _move(
    request: DataUpdateRequest,
    *,
    from_statuses,
    to: str,
    actor: User | None,
    note: str = "",
    by_staff: bool = False,
    notify: bool = True,
    **fields,
) -> DataUpdateRequest:
    """Conditional UPDATE on the status; raises DataUpdateConflict if it already moved."""
    now = timezone.now()
    moved = DataUpdateRequest.objects.filter(pk=request.pk, status__in=from_statuses).update(
        status=to, updated_at=now, **fields
    )
    if moved != 1:
        raise DataUpdateConflict
    request.status = to
    for name, value in fields.items():
        setattr(request, name, value)
    _step(request, note=note, by_staff=by_staff)
    AuditEvent.objects.create(
        actor=actor,
        participant_id=request.participant_id,
        action="data_update_status",
        detail={"request": request.pk, "kind": request.kind, "status": to},
    )
    if notify:
        _notify_on_commit(request.pk)
    return request


# Drafts -----------------------------------------------------------------------------------


@transaction.atomic
def data_update_save_draft(*, participant: Participant, kind: str, values: dict):
    """Keep what was typed, valid or not, the moment it is submitted (one draft per kind)."""
    draft = (
        DataUpdateRequest.objects.select_for_update()
        .filter(participant=participant, kind=kind, status=Status.DRAFT)
        .first()
    )
    if draft is None:
        draft = DataUpdateRequest.objects.create(
            participant=participant, kind=kind, status=Status.DRAFT, values=values
        )
        _step(draft)
        return draft
    draft.values = values
    draft.save(update_fields=["values", "updated_at"])
    return draft


def data_update_store_uploads(
    *,
    request: DataUpdateRequest,
    participant: Participant,
    uploads: Mapping[str, tuple[str, UploadedFile]],
    actor: User,
) -> dict[str, ValidationError]:
    """Keep each good file at once, attached to the draft, so a form that fails on another
    field loses no upload. `uploads` maps a form field to (document kind, file); each refused
    file comes back as that field's error."""
    refused: dict[str, ValidationError] = {}
    for name, (kind, upload) in uploads.items():
        try:
            document = document_upload(owner=participant, kind=kind, upload=upload, actor=actor)
        except ValidationError as exc:
            refused[name] = exc
            continue
        request.documents.add(document)
    return refused


@transaction.atomic
def data_update_submit(
    *, request: DataUpdateRequest, values: dict, actor: User
) -> DataUpdateRequest:
    """Turn a validated draft into a request: code, apply at once, or documents then staff."""
    request.values = values
    request.save(update_fields=["values", "updated_at"])
    if request.kind in CODE_KINDS:
        _move(request, from_statuses=[Status.DRAFT], to=Status.AWAITING_CODE, actor=actor,
              notify=False)  # fmt: skip
        _send_code_on_commit(request.pk)
        return request
    if request.kind in IMMEDIATE_KINDS:
        if request.kind == Kind.BANK_ACCOUNT:
            _check_bank_name(request.participant, values)
        return _apply(request, actor=actor, from_statuses=[Status.DRAFT])
    if request.kind in MEMBER_KINDS:
        _check_member_free(request)
    if not request.documents.exists():
        raise ValidationError(MESSAGES["documents_needed"], code="documents_needed")
    if request.kind == Kind.NIK:
        _check_nik_free(request)
    _move(request, from_statuses=[Status.DRAFT], to=Status.CHECKING_DOCUMENTS, actor=actor)
    return _advance_after_documents(request)


def _check_bank_name(participant: Participant, values: dict) -> None:
    if normalise_name(values["account_name"]) != normalise_name(participant.full_name):
        raise ValidationError(
            {"account_name": ValidationError(
                MESSAGES["bank_name"], code="bank_name", params={"name": participant.full_name}
            )}
        )  # fmt: skip


def _check_nik_free(request: DataUpdateRequest) -> None:
    taken = (
        Participant.objects.filter(nik=request.values.get("nik"))
        .exclude(pk=request.participant_id)
        .exists()
    )
    if taken:
        raise ValidationError({"nik": ValidationError(MESSAGES["nik_taken"], code="nik_taken")})


def _check_member_free(request: DataUpdateRequest) -> None:
    """The member is still on record, and no other open request is about them."""
    member_id = request.values.get("member")
    if not FamilyMember.objects.filter(pk=member_id, participant=request.participant_id).exists():
        raise ValidationError(MESSAGES["member_gone"], code="member_gone")
    busy = (
        DataUpdateRequest.objects.filter(
            participant=request.participant_id,
            kind__in=MEMBER_KINDS,
            status__in=DataUpdateRequest.OPEN_STATUSES,
            values__member=member_id,
        )
        .exclude(pk=request.pk)
        .exists()
    )
    if busy:
        raise ValidationError(MESSAGES["member_busy"], code="member_busy")


# Confirmation codes -----------------------------------------------------------------------


def _code_hash(request_id: int, code: str) -> str:
    return salted_hmac("participants.data_update_code", f"{request_id}:{code}").hexdigest()


def _send_code_on_commit(request_id: int) -> None:
    from data_updates.tasks import data_update_send_code_task

    enqueue_on_commit(data_update_send_code_task, request_id)


def code_recipient(request: DataUpdateRequest) -> str:
    """The new address or number proves itself: the code goes to it (e-mail, or SMS)."""
    if request.kind == Kind.EMAIL:
        return request.values["email"]
    if request.kind == Kind.PHONE:
        return request.values["phone"]
    return notification_recipient(request.participant)


@transaction.atomic
def data_update_issue_code(*, request_id: int) -> tuple[DataUpdateRequest, str] | None:
    """A fresh code for a request waiting for one: (request, code), or None. Task-only.

    The code is made here, in the worker, so it never travels through the broker.
    """
    request = (
        DataUpdateRequest.objects.select_for_update(of=("self",))
        .select_related("participant__user")
        .filter(pk=request_id, status=Status.AWAITING_CODE)
        .first()
    )
    if request is None:
        return None
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    request.code_hash = _code_hash(request.pk, code)
    request.code_sent_at = now
    request.code_expires_at = now + CODE_TTL
    request.code_attempts = 0
    request.save(
        update_fields=["code_hash", "code_sent_at", "code_expires_at", "code_attempts",
                       "updated_at"]
    )  # fmt: skip
    return request, code


def data_update_send_code(*, request_id: int) -> bool:
    """Make a fresh code and e-mail it; committed first, so a failed send is retried with a
    new code rather than a code the database does not know."""
    issued = data_update_issue_code(request_id=request_id)
    if issued is None:
        return False
    request, code = issued
    if request.kind == Kind.PHONE:
        return _send_code_by_sms(request, code)
    return notify(
        to=code_recipient(request),
        message=notifications.code_message,
        context={"kind_label": Kind(request.kind).label, "code": code},
    )


def _send_code_by_sms(request: DataUpdateRequest, code: str) -> bool:
    """The code for a new mobile number goes to that number: typing it back proves the
    person holds the phone, which then logs in and receives reset codes."""
    text = notifications.sms_code_text(code=code)
    try:
        sms_send(to=code_recipient(request), text=text, purpose=SMS_PURPOSE_DATA_UPDATE)
    except SmsRateLimited:
        # The participant sees "waiting for the code" and can ask for a new one later.
        logger.warning("data update %s: SMS code held back by the rate limit", request.pk)
        return False
    return True


@transaction.atomic
def data_update_resend_code(*, request: DataUpdateRequest) -> None:
    if request.status != Status.AWAITING_CODE:
        raise ValidationError(MESSAGES["not_open"], code="not_open")
    if request.code_sent_at and timezone.now() - request.code_sent_at < CODE_RESEND_AFTER:
        raise ValidationError(MESSAGES["code_wait"], code="code_wait")
    _send_code_on_commit(request.pk)


def data_update_confirm_code(*, request: DataUpdateRequest, code: str, actor: User):
    """Check the code; a wrong one counts an attempt (kept even though the check fails)."""
    with transaction.atomic():
        locked = DataUpdateRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != Status.AWAITING_CODE:
            raise ValidationError(MESSAGES["not_open"], code="not_open")
        if locked.code_attempts >= CODE_MAX_ATTEMPTS:
            raise ValidationError(MESSAGES["code_locked"], code="code_locked")
        if not locked.code_expires_at or locked.code_expires_at < timezone.now():
            raise ValidationError(MESSAGES["code_expired"], code="code_expired")
        if constant_time_compare(locked.code_hash, _code_hash(locked.pk, code.strip())):
            locked.code_hash = ""
            locked.save(update_fields=["code_hash", "updated_at"])
            return _apply(locked, actor=actor, from_statuses=[Status.AWAITING_CODE])
        locked.code_attempts += 1
        locked.save(update_fields=["code_attempts", "updated_at"])
    raise ValidationError(MESSAGES["code_wrong"], code="code_wrong")


# Documents --------------------------------------------------------------------------------


def _advance_after_documents(request: DataUpdateRequest) -> DataUpdateRequest:
    """All documents checked: staff review; any rejected: ask for another one."""
    if request.status != Status.CHECKING_DOCUMENTS:
        return request
    newest_per_kind = {}
    for document in sorted(request.documents.all(), key=lambda doc: doc.pk):
        newest_per_kind[document.kind] = document  # a newer upload replaces a rejected one
    documents = list(newest_per_kind.values())
    rejected = [doc for doc in documents if doc.status == Document.Status.REJECTED]
    if rejected:
        return _move(
            request,
            from_statuses=[Status.CHECKING_DOCUMENTS],
            to=Status.NEEDS_DOCUMENT,
            actor=None,
            # A code, not words: the page and each e-mail language say it in their own words.
            reason="",
            reason_code=DataUpdateRequest.ReasonCode.DOCUMENT_FAILED,
        )
    if all(doc.is_final for doc in documents):
        return _move(
            request, from_statuses=[Status.CHECKING_DOCUMENTS], to=Status.IN_REVIEW, actor=None
        )
    return request


@transaction.atomic
def data_update_documents_checked(*, document: Document) -> None:
    """A document got its final status: move the requests waiting on it."""
    requests = DataUpdateRequest.objects.select_for_update().filter(
        documents=document, status=Status.CHECKING_DOCUMENTS
    )
    for request in requests:
        _advance_after_documents(request)


@transaction.atomic
def data_update_add_document(
    *, request: DataUpdateRequest, kind: str, upload: UploadedFile, actor: User
) -> DataUpdateRequest:
    """The participant sends another document after staff or the checks asked for one.

    A refused file raises ValidationError; a request no longer waiting for a document raises
    DataUpdateConflict and keeps nothing of the upload."""
    with documents_discarded_on_error() as stored, transaction.atomic():
        document = document_upload(owner=request.participant, kind=kind, upload=upload, actor=actor)
        stored.append(document)
        request.documents.add(document)
        _move(
            request,
            from_statuses=[Status.NEEDS_DOCUMENT],
            to=Status.CHECKING_DOCUMENTS,
            actor=actor,
            reason="",
            reason_code="",
        )
    return _advance_after_documents(request)


# Staff decisions --------------------------------------------------------------------------

APPROVE = "approve"
REJECT = "reject"
ASK_DOCUMENT = "ask_document"


@transaction.atomic
def data_update_decide(
    *, request: DataUpdateRequest, staff: User, decision: str, reason: str = ""
) -> DataUpdateRequest:
    """Approve, reject with a reason, or ask for another document; one staff member wins."""
    if decision in {REJECT, ASK_DOCUMENT} and not reason.strip():
        raise ValidationError({"reason": ValidationError(MESSAGES["reason_needed"])})
    now = timezone.now()
    if decision == APPROVE:
        return _apply(
            request, actor=staff, from_statuses=[Status.IN_REVIEW], by_staff=True,
            decided_by=staff, decided_at=now,
        )  # fmt: skip
    to = Status.REJECTED if decision == REJECT else Status.NEEDS_DOCUMENT
    return _move(
        request, from_statuses=[Status.IN_REVIEW], to=to, actor=staff, note=reason,
        by_staff=True, reason=reason[:500], reason_code="", decided_by=staff, decided_at=now,
    )  # fmt: skip


# Applying ---------------------------------------------------------------------------------


def _audit_data_updated(
    *,
    participant_id: int,
    request_id: int | None,
    actor,
    field: str,
    old,
    new,
    mask_as: str = "",
    **more,
) -> None:
    """The one shape of a change-history row (data_updates.admin.ChangeHistoryInline)."""
    AuditEvent.objects.create(
        actor=actor,
        participant_id=participant_id,
        action="data_updated",
        detail={
            "request": request_id,
            "field": field,
            "old": mask(mask_as or field, old),
            "new": mask(mask_as or field, new),
            **more,
        },
    )


def _audit_change(request, actor, field: str, old, new, *, mask_as: str = "") -> None:
    _audit_data_updated(
        participant_id=request.participant_id, request_id=request.pk, actor=actor, field=field,
        old=old, new=new, mask_as=mask_as,
    )  # fmt: skip


def _member_on_record(request, participant) -> FamilyMember:
    """The member the request is about, locked; gone meanwhile is a clear error, not a crash."""
    member = (
        FamilyMember.objects.select_for_update()
        .filter(pk=request.values.get("member"), participant=participant)
        .first()
    )
    if member is None:
        raise ValidationError(MESSAGES["member_gone"], code="member_gone")
    return member


def _apply_member_edit(request, actor, participant) -> None:
    """Write the fields that changed; one audit row each (NIK and birth date masked)."""
    member = _member_on_record(request, participant)
    old = member.as_values()
    new = {field: request.values.get(field, old[field]) for field in MEMBER_FIELDS}
    changed = [field for field in MEMBER_FIELDS if new[field] != old[field]]
    for field in changed:
        value = new[field]
        if field == "birth_date":
            value = datetime.date.fromisoformat(value)
        setattr(member, field, value)
    member.full_clean()
    member.save(update_fields=[*changed, "updated_at"])
    for field in changed:
        _audit_change(
            request, actor, f"family_member.{field}", old[field], new[field], mask_as=field
        )


def _apply_member_remove(request, actor, participant) -> None:
    member = _member_on_record(request, participant)
    _audit_change(request, actor, "family_member", member.full_name, "")
    member.delete()


def _apply_participant_field(request, actor, participant, field, new) -> None:
    old = getattr(participant, field)
    setattr(participant, field, new)
    others = [other.name for other in Participant._meta.fields if other.name != field]
    participant.clean_fields(exclude=others)
    try:
        with transaction.atomic():
            participant.save(update_fields=[field, "updated_at"])
    except IntegrityError as exc:
        raise ValidationError({"nik": ValidationError(MESSAGES["nik_taken"])}) from exc
    _audit_change(request, actor, field, old.isoformat() if field == "birth_date" else old, new)


def _apply_phone(request, actor, participant, new) -> None:
    """A new number confirmed by the SMS code sent to it: on record and verified at once."""
    old = participant.phone
    participant.phone = new
    participant.phone_verified_at = timezone.now()
    try:
        with transaction.atomic():
            participant.save(update_fields=["phone", "phone_verified_at", "updated_at"])
    except IntegrityError as exc:
        raise ValidationError(PHONE_TAKEN, code="phone_taken") from exc
    _audit_change(request, actor, "phone", old, new)


def _apply(request, *, actor, from_statuses, by_staff=False, **fields) -> DataUpdateRequest:
    still_waiting = DataUpdateRequest.objects.select_for_update().filter(
        pk=request.pk, status__in=from_statuses
    )
    if not still_waiting.exists():  # lock the request first: the loser of a race stops here
        raise DataUpdateConflict
    participant = Participant.objects.select_for_update().get(pk=request.participant_id)
    values = request.values
    # What the records said, shown to the participant next to the new values.
    old_values = _values_before(request, participant)
    if request.kind == Kind.PHONE:
        _apply_phone(request, actor, participant, values["phone"])
    elif request.kind in {Kind.EMAIL, Kind.ADDRESS, Kind.NAME, Kind.NIK, Kind.NATIONALITY}:
        field = {"name": "full_name"}.get(request.kind, request.kind)
        _apply_participant_field(request, actor, participant, field, values[request.kind])
    elif request.kind == Kind.BIRTH_DATE:
        new = datetime.date.fromisoformat(values["birth_date"])
        _apply_participant_field(request, actor, participant, "birth_date", new)
    elif request.kind == Kind.BANK_ACCOUNT:
        _check_bank_name(participant, values)
        old = BankAccount.objects.filter(participant=participant).first()
        BankAccount.objects.update_or_create(
            participant=participant,
            defaults={key: values[key] for key in ("bank", "account_number", "account_name")},
        )
        _audit_change(
            request, actor, "account_number", old.account_number if old else "",
            values["account_number"],
        )  # fmt: skip
    elif request.kind == Kind.EMERGENCY_CONTACT:
        old = EmergencyContact.objects.filter(participant=participant).first()
        EmergencyContact.objects.update_or_create(
            participant=participant,
            defaults={key: values[key] for key in ("full_name", "relationship", "phone")},
        )
        _audit_change(
            request, actor, "emergency_contact", old.full_name if old else "", values["full_name"]
        )
    elif request.kind == Kind.FAMILY_MEMBER:
        member = FamilyMember(
            participant=participant,
            full_name=values["full_name"],
            relationship=values["relationship"],
            birth_date=datetime.date.fromisoformat(values["birth_date"]),
            nik=values.get("nik", ""),
            is_heir=values.get("is_heir", False),
        )
        member.full_clean()
        member.save()
        _audit_change(request, actor, "family_member", "", values["full_name"])
    elif request.kind == Kind.FAMILY_MEMBER_EDIT:
        _apply_member_edit(request, actor, participant)
    elif request.kind == Kind.FAMILY_MEMBER_REMOVE:
        _apply_member_remove(request, actor, participant)
    return _move(
        request, from_statuses=from_statuses, to=Status.APPLIED, actor=actor, by_staff=by_staff,
        old_values=old_values, **fields,
    )  # fmt: skip


def _values_before(request: DataUpdateRequest, participant: Participant) -> dict:
    """The current values of what `request` changes, in the shape of `request.values`."""
    kind = request.kind
    if kind in {Kind.PHONE, Kind.EMAIL, Kind.ADDRESS, Kind.NIK, Kind.NATIONALITY}:
        return {kind: getattr(participant, kind)}
    if kind == Kind.NAME:
        return {"name": participant.full_name}
    if kind == Kind.BIRTH_DATE:
        return {"birth_date": participant.birth_date.isoformat()}
    if kind == Kind.BANK_ACCOUNT:
        fields = ("bank", "account_number", "account_name")
        return BankAccount.objects.filter(participant=participant).values(*fields).first() or {}
    if kind == Kind.EMERGENCY_CONTACT:
        fields = ("full_name", "relationship", "phone")
        contact = EmergencyContact.objects.filter(participant=participant)
        return contact.values(*fields).first() or {}
    if kind in MEMBER_KINDS:
        member = FamilyMember.objects.filter(
            pk=request.values.get("member"), participant=participant
        ).first()
        return member.as_values() if member else {}
    return {}  # a new family member: nothing before


# Staff corrections of identity ------------------------------------------------------------

STAFF_MESSAGES = {
    "nothing": _("Nothing to correct: fill in at least one new value."),
    "same": _("%(field)s: this is already what the records say."),
    "reason": _(
        "Reason: write why the record is corrected and which document you checked, for "
        "example the participant's KTP shown at the counter."
    ),
    "name_chars": _(
        "Full name: use letters, spaces, dots, commas, apostrophes or dashes only, as printed "
        "on the KTP."
    ),
    "birth_date_future": _("Birth date: it cannot be in the future. Check it on the KTP."),
    "nik_taken": _(
        "NIK: another participant already has this NIK. One person holds one membership: "
        "check the KTP, and if both records are the same person, ask for them to be merged."
    ),
    "birth_date_not_nik": _(
        "Birth date: it does not match the birth date in the NIK. Check both on the KTP; if "
        "both are wrong, correct them together."
    ),
    "nik_not_birth_date": _(
        "NIK: the birth date in it does not match the birth date in the records. Check both "
        "on the KTP; if both are wrong, correct them together."
    ),
}


def _already(field: str) -> ValidationError:
    label = capfirst(Participant._meta.get_field(field).verbose_name)
    return ValidationError(STAFF_MESSAGES["same"], params={"field": label})


def _identity_changes(
    current: Participant, *, full_name: str, nik: str, birth_date, reason: str
) -> dict:
    """The fields to write, checked as the participant's request would be, plus the NIK's
    birth date and gender; every problem found is raised at once, keyed by argument."""
    today = timezone.localdate()
    errors, changes = {}, {}
    if not (full_name.strip() or nik.strip() or birth_date):
        errors[NON_FIELD_ERRORS] = STAFF_MESSAGES["nothing"]
    if name := rules.name_tidy(full_name):
        if not rules.name_well_formed(name):
            errors["full_name"] = STAFF_MESSAGES["name_chars"]
        elif normalise_name(name) == normalise_name(current.full_name):
            errors["full_name"] = _already("full_name")
        else:
            changes["full_name"] = name
    if nik := nik.strip():
        try:
            parse_nik(nik, today=today)
        except ValidationError as error:
            errors["nik"] = error
        else:
            if nik == current.nik:
                errors["nik"] = _already("nik")
            elif Participant.objects.filter(nik=nik).exclude(pk=current.pk).exists():
                errors["nik"] = STAFF_MESSAGES["nik_taken"]
            else:
                changes["nik"] = nik
    if birth_date:
        if birth_date > today:
            errors["birth_date"] = STAFF_MESSAGES["birth_date_future"]
        elif birth_date == current.birth_date:
            errors["birth_date"] = _already("birth_date")
        else:
            changes["birth_date"] = birth_date
    if not reason.strip():
        errors["reason"] = STAFF_MESSAGES["reason"]
    if not errors and changes.keys() & {"nik", "birth_date"}:
        try:
            info = parse_nik(changes.get("nik", current.nik), today=today)
        except ValidationError as error:  # the NIK on record is broken: correct it too
            errors["nik"] = error
        else:
            if not nik_matches_birth_date(info, changes.get("birth_date", current.birth_date)):
                if "birth_date" in changes:
                    errors["birth_date"] = STAFF_MESSAGES["birth_date_not_nik"]
                else:
                    errors["nik"] = STAFF_MESSAGES["nik_not_birth_date"]
            elif "nik" in changes and info.gender != current.gender:
                changes["gender"] = info.gender  # the NIK says it (day + 40 for women)
    if errors:
        raise ValidationError(errors)
    return changes


def _audit_text(value) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else value


@transaction.atomic
def identity_correct(
    *,
    participant: Participant,
    actor: User,
    reason: str,
    full_name: str = "",
    nik: str = "",
    birth_date: datetime.date | None = None,
) -> Participant:
    """Staff correct a participant's name, NIK or birth date (blank: keep) from documents
    they checked. The NIK must be valid, free and agree with the birth date; a new NIK also
    sets the gender it encodes. Each changed field writes the audit row a participant's
    applied request writes (masked old and new values), with the staff member and reason.

    Needs `participants.change_participant` and a participant of the actor's branch
    (core/scoping.py); otherwise PermissionDenied.
    """
    if not actor.has_perm("participants.change_participant"):
        raise PermissionDenied
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    if not staff_can_see_branch(actor, locked.branch_id):
        raise PermissionDenied
    changes = _identity_changes(
        locked, full_name=full_name, nik=nik, birth_date=birth_date, reason=reason
    )
    old = {field: getattr(locked, field) for field in changes}
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.clean_fields(exclude=[f.name for f in Participant._meta.fields if f.name not in changes])
    try:
        with transaction.atomic():
            locked.save(update_fields=[*changes, "updated_at"])  # the page cache follows saves
    except IntegrityError as exc:  # the NIK was taken meanwhile
        raise ValidationError({"nik": STAFF_MESSAGES["nik_taken"]}) from exc
    for field, value in changes.items():
        _audit_data_updated(
            participant_id=locked.pk,
            request_id=None,
            actor=actor,
            field=field,
            old=_audit_text(old[field]),
            new=_audit_text(value),
            reason=reason.strip()[:500],
        )
    return locked


# Notifications ----------------------------------------------------------------------------


def data_update_notify(*, request_id: int) -> bool:
    """E-mail the participant about the request's current status, once per status."""

    def send() -> bool:
        request = DataUpdateRequest.objects.select_related("participant__user").get(pk=request_id)
        return notify(
            to=notification_recipient(request.participant),
            message=notifications.status_message,
            # Lazy labels: each language of the mail says them in its own words.
            context={
                "kind_label": Kind(request.kind).label,
                "status_label": Status(request.status).label,
                "reason": request.reason
                or (
                    DataUpdateRequest.ReasonCode(request.reason_code).label
                    if request.reason_code
                    else ""
                ),
            },
            links={"url": reverse("data_update_detail", args=[request.pk])},
        )

    # `notified_status` remembers the status last told: the claim copies the current status in.
    return send_once(
        DataUpdateRequest, request_id, stamp="notified_status", send=send,
        value=F("status"), unsent=~Q(notified_status=F("status")), released="",
    )  # fmt: skip
