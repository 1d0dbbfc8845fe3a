from smtplib import SMTPException

from celery import shared_task

from . import services


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=5)
def claim_notify_task(event_id: int) -> bool:
    return services.claim_notify(event_id=event_id)


@shared_task
def claim_verify_task(claim_id: int) -> str | None:
    claim = services.claim_verify(claim_id=claim_id)
    return claim.status if claim else None
