"""The secret in an anonymous complaint's status link.

Derived from the ticket and SECRET_KEY (like Django's password-reset tokens), so nothing secret is
stored and a task can rebuild the link from the ticket id alone.
"""

from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "complaints.ticket-status"


def ticket_status_token(*, ticket) -> str:
    value = f"{ticket.pk}:{ticket.number}:{ticket.created_at.isoformat()}"
    return salted_hmac(SALT, value, algorithm="sha256").hexdigest()[:32]


def ticket_status_token_valid(*, ticket, token: str) -> bool:
    return constant_time_compare(ticket_status_token(ticket=ticket), token)
