"""A participant's own data and its processing history, as one JSON document (UU PDP).

Reads a fixed set of queries however much the person has (one per table, children grouped
in Python), so a long membership history costs no more round trips than a short one.
Internal working fields (code hashes, task claim tokens, storage names, idempotency keys)
are left out: they describe our machinery, not the person.
"""

import datetime
import json
from collections import defaultdict

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from appointments.models import Appointment
from claims.models import Claim, ClaimDocument, ClaimEvent
from complaints.models import Ticket, TicketMessage
from documents.models import Document, DocumentCheck

from .models import (
    AuditEvent,
    BankAccount,
    ContributionPosting,
    DataUpdateRequest,
    DataUpdateStep,
    EmergencyContact,
    Enrolment,
    FamilyMember,
    JhtBalance,
    KpjCard,
    Participant,
    User,
)

FORMAT_VERSION = 1


def _grouped(rows, key: str) -> dict[int, list[dict]]:
    groups = defaultdict(list)
    for row in rows:
        groups[row.pop(key)].append(row)
    return groups


def _actor_kind(row: dict, user_id: int | None) -> str:
    actor_id = row.pop("actor_id")
    is_staff = row.pop("actor__is_staff")
    if actor_id is None:
        return "system"
    if actor_id == user_id:
        return "you"
    return "staff" if is_staff else "other"


def participant_data_collect(*, participant_id: int) -> dict:
    """Everything held about one participant, plain data ready for JSON."""
    person = Participant.objects.select_related("user", "branch").get(pk=participant_id)
    user_id = person.user_id

    cards = list(
        KpjCard.objects.filter(participant_id=participant_id)
        .order_by("joined_on")
        .values("id", "number", "status", "joined_on", "left_on", "left_reason",
                "employer__name", "employer__registration_number")
    )  # fmt: skip
    enrolments = _grouped(
        Enrolment.objects.filter(kpj_card__participant_id=participant_id)
        .order_by("started_on")
        .values("kpj_card_id", "program", "started_on", "ended_on"),
        "kpj_card_id",
    )
    for card in cards:
        card["enrolments"] = enrolments.get(card["id"], [])

    postings = list(
        ContributionPosting.objects.filter(participant_id=participant_id)
        .annotate(year=ExtractYear("month"))
        .values("kpj_card__number", "program", "year")
        .annotate(total=Sum("amount"), postings=Count("id"))
        .order_by("kpj_card__number", "program", "year")
    )
    balance = (
        JhtBalance.objects.filter(participant_id=participant_id)
        .values("balance", "posting_count", "last_contribution_month", "updated_at")
        .first()
    )

    requests = list(
        DataUpdateRequest.objects.filter(participant_id=participant_id)
        .order_by("created_at")
        .values("id", "kind", "status", "values", "reason", "created_at", "decided_at")
    )
    steps = _grouped(
        DataUpdateStep.objects.filter(request__participant_id=participant_id)
        .order_by("at")
        .values("request_id", "at", "status", "note", "by_staff"),
        "request_id",
    )
    for request in requests:
        request["steps"] = steps.get(request["id"], [])

    claims = list(
        Claim.objects.filter(participant_id=participant_id)
        .order_by("created_at")
        .values("id", "program", "kind", "reason", "event_date", "status", "channel",
                "filed_by_heir", "amount_requested", "amount_estimated", "amount_approved",
                "amount_paid", "submitted_at", "complete_at", "decided_at", "paid_at",
                "decision_note", "bank_name", "bank_account_number", "bank_account_holder")
    )  # fmt: skip
    events = _grouped(
        ClaimEvent.objects.filter(claim__participant_id=participant_id)
        .order_by("at")
        .values("claim_id", "at", "from_status", "to_status", "note"),
        "claim_id",
    )
    requirements = _grouped(
        ClaimDocument.objects.filter(claim__participant_id=participant_id)
        .order_by("id")
        .values("claim_id", "document_type"),
        "claim_id",
    )
    for claim in claims:
        claim["events"] = events.get(claim["id"], [])
        claim["required_documents"] = requirements.get(claim["id"], [])

    documents = list(
        Document.objects.filter(owner_id=participant_id)
        .order_by("created_at")
        .values("id", "kind", "original_name", "content_type", "size", "status",
                "created_at", "finished_at", "staff_note")
    )  # fmt: skip
    checks = _grouped(
        DocumentCheck.objects.filter(document__owner_id=participant_id)
        .order_by("checked_at")
        .values("document_id", "check_name", "outcome", "reason_code", "checked_at"),
        "document_id",
    )
    for document in documents:
        document["checks"] = checks.get(document["id"], [])

    appointments = list(
        Appointment.objects.filter(participant_id=participant_id)
        .order_by("requested_at")
        .values("id", "service_type__code", "status", "branch__name", "scheduled_for",
                "window_start", "window_end", "requested_at", "assigned_at",
                "checked_in_at", "served_at", "closed_at")
    )  # fmt: skip

    tickets = list(
        Ticket.objects.filter(participant_id=participant_id)
        .order_by("created_at")
        .values("id", "number", "category", "subject", "status", "branch__name",
                "contact_name", "contact_email", "contact_phone", "created_at",
                "first_responded_at", "resolved_at", "rating", "rating_comment")
    )  # fmt: skip
    messages = _grouped(
        TicketMessage.objects.filter(ticket__participant_id=participant_id)
        .order_by("created_at")
        .values("ticket_id", "created_at", "from_staff", "body"),
        "ticket_id",
    )
    for ticket in tickets:
        ticket["messages"] = messages.get(ticket["id"], [])

    history = list(
        AuditEvent.objects.filter(participant_id=participant_id)
        .order_by("at")
        .values("at", "action", "detail", "actor_id", "actor__is_staff")
    )
    for event in history:
        event["by"] = _actor_kind(event, user_id)

    bank = BankAccount.objects.filter(participant_id=participant_id)
    return {
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now(),
        "profile": {
            "nik": person.nik,
            "full_name": person.full_name,
            "birth_date": person.birth_date,
            "gender": person.gender,
            "category": person.category,
            "phone": person.phone,
            "contact_email": person.email,
            "address": person.address,
            "branch": person.branch.name,
            "login_email": person.user.email if person.user else None,
            "registered_at": person.created_at,
            "last_active_at": person.last_active_at,
        },
        "kpj_cards": cards,
        "jht_balance": balance,
        "contributions_by_year": postings,
        "bank_account": bank.values("bank", "account_number", "account_name").first(),
        "family_members": list(
            FamilyMember.objects.filter(participant_id=participant_id)
            .order_by("id")
            .values("full_name", "relationship", "birth_date", "nik", "is_heir")
        ),
        "emergency_contact": EmergencyContact.objects.filter(participant_id=participant_id)
        .values("full_name", "relationship", "phone")
        .first(),
        "data_updates": requests,
        "claims": claims,
        "documents": documents,
        "appointments": appointments,
        "complaints": tickets,
        "processing_history": history,
    }


@transaction.atomic
def participant_data_export(*, participant: Participant, actor: User) -> bytes:
    """The export as UTF-8 JSON; the export itself is recorded first, so it is listed too."""
    AuditEvent.objects.create(
        actor=actor, participant=participant, action="exported", detail={"record": "own_data"}
    )
    data = participant_data_collect(participant_id=participant.pk)
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def export_filename(*, today: datetime.date) -> str:
    return f"jmo-data-saya-{today:%Y%m%d}.json"
