from django.db.models import Prefetch
from django.http import Http404

from documents.models import Document
from participants.models import FamilyMember, Participant

from .models import DataUpdateRequest


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
