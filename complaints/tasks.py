from celery import shared_task

from . import emails, services

EMAIL_RETRY = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5}


@shared_task(**EMAIL_RETRY)
def ticket_confirmation_email_task(ticket_id: int) -> bool:
    return emails.send_confirmation(ticket_id=ticket_id)


@shared_task(**EMAIL_RETRY)
def ticket_reply_email_task(message_id: int) -> bool:
    return emails.send_reply(message_id=message_id)


@shared_task(**EMAIL_RETRY)
def ticket_resolved_email_task(ticket_id: int) -> bool:
    return emails.send_resolved(ticket_id=ticket_id)


@shared_task(**EMAIL_RETRY)
def ticket_escalation_email_task(ticket_id: int, deadline: str) -> bool:
    return emails.send_escalation(ticket_id=ticket_id, deadline=deadline)


@shared_task
def tickets_escalate_overdue_task() -> int:
    """Beat job (CELERY_BEAT_SCHEDULE): escalate tickets past an SLA deadline."""
    return services.tickets_escalate_overdue()
