"""E-mails about complaints, sent by the tasks. Bilingual: Bahasa Indonesia, then English."""

import logging

from django.db.models import Q
from django.urls import reverse

from core.notifications import BILINGUAL, notification_recipient, notify, send_once
from participants.models import User

from .models import Ticket, TicketMessage
from .tokens import ticket_status_token

logger = logging.getLogger(__name__)

BRANCH_HEAD_GROUP = "Branch head"


def ticket_path(ticket: Ticket) -> str:
    """Where the person follows the ticket: their account, or the anonymous status link."""
    if ticket.is_anonymous:
        return reverse(
            "complaints:status",
            kwargs={"number": ticket.number, "token": ticket_status_token(ticket=ticket)},
        )
    return reverse("complaints:detail", kwargs={"number": ticket.number})


def _recipient(ticket: Ticket) -> str:
    if ticket.is_anonymous:
        return ticket.contact_email
    return notification_recipient(ticket.participant)


def _send(ticket: Ticket, template: str, **context) -> bool:
    return notify(
        to=_recipient(ticket),
        template=template,
        context={"ticket": ticket, **context},
        links={"url": ticket_path(ticket)},
        languages=BILINGUAL,
    )


def _ticket(ticket_id: int) -> Ticket | None:
    return Ticket.objects.select_related("participant__user", "branch").filter(pk=ticket_id).first()


def send_confirmation(*, ticket_id: int) -> bool:
    ticket = _ticket(ticket_id)
    return bool(ticket) and _send(ticket, "complaints/email/confirmation.txt")


def send_reply(*, message_id: int) -> bool:
    """Once per staff message, guarded by `emailed_at`."""

    def send() -> bool:
        message = TicketMessage.objects.get(pk=message_id)
        return _send(_ticket(message.ticket_id), "complaints/email/reply.txt", message=message)

    return send_once(TicketMessage, message_id, stamp="emailed_at", send=send, from_staff=True)


def send_resolved(*, ticket_id: int) -> bool:
    ticket = _ticket(ticket_id)
    return bool(ticket) and _send(ticket, "complaints/email/resolved.txt")


def branch_heads(*, branch_id: int) -> list[str]:
    """The branch head(s) of a branch; superusers when a branch has none, so no one is missed."""
    heads = User.objects.filter(
        is_active=True, branch_id=branch_id, groups__name=BRANCH_HEAD_GROUP
    ).values_list("email", flat=True)
    return list(heads) or list(
        User.objects.filter(Q(is_active=True) & Q(is_superuser=True)).values_list(
            "email", flat=True
        )
    )


def send_escalation(*, ticket_id: int, deadline: str) -> bool:
    ticket = _ticket(ticket_id)
    if ticket is None:
        return False
    recipients = branch_heads(branch_id=ticket.branch_id)
    if not recipients:
        logger.warning("complaint %s escalated, but nobody to tell", ticket.number)
        return False
    return notify(
        to=recipients,
        template="complaints/email/escalation.txt",
        context={"ticket": ticket, "deadline": deadline},
        links={"url": reverse("admin:complaints_ticket_change", args=[ticket.pk])},
        languages=BILINGUAL,
    )
