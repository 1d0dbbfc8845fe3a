from celery import shared_task
from django.conf import settings
from django.db import connection
from django.utils import timezone

from . import ledger, partitions, services


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


@shared_task(ignore_result=False)
def ledger_partitions_ensure_task() -> list[str]:
    """Beat job (daily): the ledger's partitions for this month and LEDGER_PARTITIONS_AHEAD
    months ahead, and for months waiting in DEFAULT. Idempotent: a second run creates
    nothing. Returns the months created (YYYY-MM); nothing to do off PostgreSQL."""
    if connection.vendor != "postgresql":
        return []
    created = partitions.ledger_partitions_ensure(
        today=timezone.localdate(), ahead=settings.LEDGER_PARTITIONS_AHEAD
    )
    return [f"{month:%Y-%m}" for month in created]


@shared_task(ignore_result=False, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def kpj_card_links_notify_task(employer_id: int) -> int:
    """Tell members about an employer's links to them; once per status, so retries and
    duplicate runs are safe."""
    return services.kpj_card_links_notify(employer_id=employer_id)
