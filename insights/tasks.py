"""Celery entry points: a day in (ISO date), the aggregation replaces that day's summaries."""

import datetime

from celery import shared_task
from django.db import IntegrityError, OperationalError
from django.utils import timezone

from .aggregation import insights_aggregate_day


@shared_task(
    acks_late=True,
    ignore_result=False,
    autoretry_for=(IntegrityError, OperationalError),  # a concurrent run of the same day
    retry_backoff=True,
    max_retries=3,
)
def insights_aggregate_day_task(day: str) -> int:
    return insights_aggregate_day(day=datetime.date.fromisoformat(day))


@shared_task(acks_late=True, ignore_result=False)
def insights_aggregate_yesterday_task() -> int:
    """The nightly job: yesterday in the portal's time zone, run after local midnight."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    return insights_aggregate_day(day=yesterday)
