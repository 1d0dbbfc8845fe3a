import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import Http404
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from documents.models import Document
from participants.masking import mask
from participants.models import Bank, FamilyMember, Nationality, Participant, Relationship

from . import rules
from .models import DataUpdateRequest, RemoveReason

FAMILY_KINDS = {
    DataUpdateRequest.Kind.FAMILY_MEMBER,
    DataUpdateRequest.Kind.FAMILY_MEMBER_EDIT,
    DataUpdateRequest.Kind.FAMILY_MEMBER_REMOVE,
}


def data_update_get_for_participant(*, participant: Participant, request_id: int):
    """The participant's own request, or 404 (the same for missing and someone else's)."""
    request = (
        DataUpdateRequest.objects.select_related("participant")
        .prefetch_related(
            "steps",
            Prefetch("documents", queryset=Document.objects.prefetch_related("checks")),
        )
        .filter(pk=request_id, participant=participant)
        .first()
    )
    if request is None:
        raise Http404
    return request


def data_update_requests_for_participant(*, participant: Participant):
    return (
        DataUpdateRequest.objects.filter(participant=participant)
        .order_by("-created_at")
        .only("id", "kind", "status", "created_at", "updated_at", "participant_id")[:50]
    )


def data_update_draft(*, participant: Participant, kinds) -> DataUpdateRequest | None:
    return (
        DataUpdateRequest.objects.filter(
            participant=participant, kind__in=kinds, status=DataUpdateRequest.Status.DRAFT
        )
        .prefetch_related("documents")
        .order_by("-updated_at")
        .first()
    )


def family_member_get_for_participant(*, participant: Participant, member_id: int) -> FamilyMember:
    """The participant's own family member, or 404 (the same for missing and someone else's)."""
    member = FamilyMember.objects.filter(pk=member_id, participant=participant).first()
    if member is None:
        raise Http404
    return member


# What a finished request changed, as the participant sees it ------------------------------

_LABELS = {
    "phone": _("Mobile number"),
    "email": _("E-mail"),
    "address": _("Address"),
    "name": _("Name"),
    "full_name": _("Full name"),
    "birth_date": _("Birth date"),
    "nik": _("NIK"),
    "nationality": _("Nationality"),
    "bank": _("Bank"),
    "account_number": _("Account number"),
    "account_name": _("Name on the account"),
    "relationship": _("Relationship"),
    "is_heir": _("Heir"),
    "reason": _("Reason"),
}
_ORDER = ("name", "full_name", "relationship", "birth_date", "nik", "nationality", "is_heir",
          "phone", "email", "address", "bank", "account_number", "account_name",
          "reason")  # fmt: skip


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


def _shown(field: str, value) -> str:
    """A stored value as the participant reads it; the account number and NIK masked."""
    if value in (None, ""):
        return ""
    if field == "birth_date":
        return date_format(datetime.date.fromisoformat(value), "j F Y")
    if field == "bank":
        return Bank(value).label if value in Bank.values else value
    if field == "nationality":
        return str(Nationality(value).label) if value in Nationality.values else value
    if field == "relationship":
        return str(Relationship(value).label) if value in Relationship.values else value
    if field == "reason":
        return str(RemoveReason(value).label) if value in RemoveReason.values else value
    if field == "is_heir":
        return str(_("Yes") if value else _("No"))
    if field in {"account_number", "nik"}:
        return mask(field, value)
    return str(value)


def data_update_changes(*, request: DataUpdateRequest) -> list[Change]:
    """Old and new value of each field a request changed (applied) or asks to change, in a
    fixed order; unchanged fields of a family member's correction are left out. A removal
    shows the person and the reason, with nothing as the new value."""
    new_values = {k: v for k, v in request.values.items() if k in _LABELS}
    old_values = request.old_values or {}
    if request.kind == DataUpdateRequest.Kind.FAMILY_MEMBER_REMOVE:
        reason = new_values.pop("reason", "")
        changes = [
            Change(
                str(_LABELS["full_name"]),
                _shown("full_name", new_values.get("full_name", old_values.get("full_name"))),
                "",
            )
        ]
        return [*changes, Change(str(_LABELS["reason"]), "", _shown("reason", reason))]
    changes = []
    for field in _ORDER:
        if field not in new_values:
            continue
        old, new = old_values.get(field), new_values[field]
        if old == new and request.kind != DataUpdateRequest.Kind.FAMILY_MEMBER:
            continue
        change = Change(str(_LABELS[field]), _shown(field, old), _shown(field, new))
        if change.old or change.new:  # an empty NIK of a child: nothing to say
            changes.append(change)
    return changes


def data_update_document_kind_asked(*, request: DataUpdateRequest) -> str:
    """The document the participant is asked for again: the kind of the newest rejected
    document, else what the request's kind needs (KK for family changes, KTP otherwise)."""
    rejected = [
        document for document in request.documents.all()
        if document.status == Document.Status.REJECTED
    ]  # fmt: skip
    if rejected:
        return max(rejected, key=lambda document: document.pk).kind
    if request.kind in FAMILY_KINDS:
        return Document.Kind.KK
    return Document.Kind.KTP


@dataclass(frozen=True)
class TrackerStep:
    label: str
    state: str  # "done", "current" or "" (still to come)


def data_update_tracker(*, request: DataUpdateRequest) -> list[TrackerStep]:
    """The steps this kind of request goes through, and where it is now."""
    Status = DataUpdateRequest.Status
    steps = [("sent", _("Request sent"))]
    if request.kind in rules.CODE_KINDS:
        steps.append(("code", _("Confirmation code")))
    elif request.kind in rules.REVIEW_KINDS:
        steps += [("documents", _("Document check")), ("review", _("Staff review"))]
    rejected = request.status == Status.REJECTED
    steps.append(("end", _("Rejected") if rejected else _("Done")))
    current = {
        Status.DRAFT: "sent",
        Status.AWAITING_CODE: "code",
        Status.CHECKING_DOCUMENTS: "documents",
        Status.NEEDS_DOCUMENT: "documents",
        Status.IN_REVIEW: "review",
        Status.REJECTED: "end",
    }.get(request.status)
    keys = [key for key, _label in steps]
    at = keys.index(current) if current in keys else len(keys)  # applied: every step done
    return [
        TrackerStep(str(label), "done" if index < at else "current" if index == at else "")
        for index, (_key, label) in enumerate(steps)
    ]
