"""E-mails about complaints, sent by the tasks. Bilingual: Bahasa Indonesia, then English."""

import logging

from django.conf import settings
from django.contrib.sites.models import Site
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from participants.models import User

from .models import Ticket, TicketMessage
from .tokens import ticket_status_token

logger = logging.getLogger(__name__)

BRANCH_HEAD_GROUP = "Branch head"


def absolute_url(path: str) -> str:
    scheme = "http" if settings.DEBUG else "https"
    return f"{scheme}://{Site.objects.get_current().domain}{path}"


def ticket_url(ticket: Ticket) -> str:
    """Where the person follows the ticket: their account, or the anonymous status link."""
    if ticket.is_anonymous:
        path = reverse(
            "complaints:status",
            kwargs={"number": ticket.number, "token": ticket_status_token(ticket=ticket)},
        )
    else:
        path = reverse("complaints:detail", kwargs={"number": ticket.number})
    return absolute_url(path)


def _recipient(ticket: Ticket) -> str:
    if ticket.is_anonymous:
        return ticket.contact_email
    participant = ticket.participant
    return (participant.user.email if participant.user_id else "") or participant.email


def _bilingual(template: str, context: dict) -> tuple[str, str]:
    parts, subjects = [], []
    for language in ("id", "en"):
        with translation.override(language):
            text = render_to_string(template, context).strip()
            subject, _, body = text.partition("\n")
            subjects.append(subject.strip())
            parts.append(body.strip())
    return " / ".join(subjects), "\n\n----\n\n".join(parts) + "\n"


def _send(ticket: Ticket, template: str, **context) -> bool:
    recipient = _recipient(ticket)
    if not recipient:
        logger.info("complaint %s: no e-mail address to notify", ticket.number)
        return False
    subject, body = _bilingual(template, {"ticket": ticket, "url": ticket_url(ticket), **context})
    send_mail(subject, body, None, [recipient])
    return True


def _ticket(ticket_id: int) -> Ticket | None:
    return Ticket.objects.select_related("participant__user", "branch").filter(pk=ticket_id).first()


def send_confirmation(*, ticket_id: int) -> bool:
    ticket = _ticket(ticket_id)
    return bool(ticket) and _send(ticket, "complaints/email/confirmation.txt")


def send_reply(*, message_id: int) -> bool:
    """Once per message: the claim on `emailed_at` is the guard; a failed send releases it."""
    claimed = TicketMessage.objects.filter(
        pk=message_id, from_staff=True, emailed_at__isnull=True
    ).update(emailed_at=timezone.now())
    if not claimed:
        return False
    message = TicketMessage.objects.get(pk=message_id)
    try:
        return _send(_ticket(message.ticket_id), "complaints/email/reply.txt", message=message)
    except Exception:
        TicketMessage.objects.filter(pk=message_id).update(emailed_at=None)
        raise


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
    admin_url = absolute_url(reverse("admin:complaints_ticket_change", args=[ticket.pk]))
    subject, body = _bilingual(
        "complaints/email/escalation.txt",
        {"ticket": ticket, "url": admin_url, "deadline": deadline},
    )
    send_mail(subject, body, None, recipients)
    return True
