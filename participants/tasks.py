from celery import shared_task
from django.utils import timezone

from . import ledger, services


@shared_task(ignore_result=False)
def participant_mark_active_task(participant_id: int) -> bool:
    return services.participant_mark_active(participant_id=participant_id)


@shared_task(ignore_result=False)
def jht_returns_credit_task(year: int | None = None) -> dict:
    """Beat job (every 1 January): credit last year's declared JHT return. Idempotent per
    year and card, so a retry or a second run credits nothing twice."""
    if year is None:
        year = timezone.localdate().year - 1
    return ledger.ledger_returns_credit_year(year=year)


@shared_task(ignore_result=False, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def kpj_card_links_notify_task(employer_id: int) -> int:
    """Tell members about an employer's links to them; once per status, so retries and
    duplicate runs are safe."""
    return services.kpj_card_links_notify(employer_id=employer_id)
