from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.crypto import constant_time_compare

from core.scoping import staff_branch_scope
from documents.models import Document
from participants.models import Participant, User
from sms.phone import phone_is_valid, phone_normalise

from .models import Ticket, TicketAttachment, TicketMessage
from .tokens import ticket_status_token_valid


def ticket_get_for_participant(*, participant: Participant, number: str) -> Ticket:
    """The participant's own ticket; a foreign or missing number is the same 404."""
    return get_object_or_404(
        Ticket.objects.select_related("branch"), participant=participant, number=number
    )


def ticket_get_by_status_link(*, number: str, token: str) -> Ticket:
    """An anonymous ticket through its status link; a wrong token is the same 404 as none."""
    ticket = Ticket.objects.select_related("branch").filter(number=number).first()
    if ticket is None or not ticket.is_anonymous:
        raise Http404
    if not ticket_status_token_valid(ticket=ticket, token=token):
        raise Http404
    return ticket


def ticket_get_by_number_and_contact(*, number: str, nik_or_phone: str) -> Ticket | None:
    """A visitor's complaint by its number and the NIK or mobile number given with it.

    None for a wrong number, a wrong NIK or phone, or a participant's complaint (those are
    followed after logging in): the caller answers all of them the same way.
    """
    ticket = Ticket.objects.filter(number=number, participant__isnull=True).first()
    if ticket is None:
        return None
    typed = "".join(nik_or_phone.split())
    if ticket.contact_nik and constant_time_compare(typed, ticket.contact_nik):
        return ticket
    if ticket.contact_phone and phone_is_valid(typed) and phone_is_valid(ticket.contact_phone):
        if phone_normalise(typed) == phone_normalise(ticket.contact_phone):
            return ticket
    return None


def tickets_for_participant(*, participant: Participant) -> QuerySet[Ticket]:
    return Ticket.objects.filter(participant=participant).order_by("-created_at")


def ticket_open_count_for_participant(*, participant: Participant) -> int:
    return (
        Ticket.objects.filter(participant=participant)
        .exclude(status=Ticket.Status.RESOLVED)
        .count()
    )


def _attachments_with_status() -> Prefetch:
    """Each message's files with their checks: three queries for any thread length."""
    return Prefetch(
        "attachments",
        queryset=TicketAttachment.objects.select_related("document").prefetch_related(
            "document__checks"
        ),
    )


def ticket_messages(*, ticket: Ticket) -> QuerySet[TicketMessage]:
    return (
        ticket.messages.select_related("author")
        .prefetch_related(_attachments_with_status())
        .order_by("created_at", "pk")
    )


def ticket_attachments(*, ticket: Ticket) -> list[TicketAttachment]:
    """Every file of the complaint, oldest first, for the staff page."""
    return list(
        TicketAttachment.objects.filter(message__ticket=ticket)
        .select_related("document", "message")
        .prefetch_related("document__checks")
        .order_by("message__created_at", "pk")
    )


def ticket_attachment_document(*, ticket: Ticket, document_id: int) -> Document:
    """A file sent with this complaint; any other id is the same 404 as a missing one."""
    attachment = (
        TicketAttachment.objects.select_related("document")
        .filter(message__ticket=ticket, document_id=document_id)
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment.document


def tickets_visible_to_staff(*, user: User) -> QuerySet[Ticket]:
    """The complaints `user` may see as staff: at the branches core/scoping.py allows."""
    tickets = Ticket.objects.select_related("branch", "participant", "assigned_to")
    return staff_branch_scope(tickets, user=user)
