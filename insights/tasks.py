"""Celery entry points: a day in (ISO date), the aggregation replaces that day's summaries."""

import datetime

from celery import shared_task
from django.db import IntegrityError, OperationalError
from django.utils import timezone

from .aggregation import insights_aggregate_day

# One day's aggregation scans the day's rows and the 30-day activity window: about 1.2-1.6 s for
# 20,000 participants on SQLite here, growing linearly, so give it more than the default 5 min.
# A concurrent run of the same day (the nightly job and a backfill) loses on the unique
# constraint or a lock and retries; the replay replaces the day's rows, so it is harmless.
DAY_TASK = {
    "acks_late": True,
    "ignore_result": False,
    "time_limit": 60 * 60,
    "soft_time_limit": 55 * 60,
    "autoretry_for": (IntegrityError, OperationalError),
    "retry_backoff": True,
    "max_retries": 3,
}


@shared_task(**DAY_TASK)
def insights_aggregate_day_task(day: str) -> int:
    return insights_aggregate_day(day=datetime.date.fromisoformat(day))


@shared_task(**DAY_TASK)
def insights_aggregate_yesterday_task() -> int:
    """The nightly job: yesterday in the portal's time zone, run after local midnight."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    return insights_aggregate_day(day=yesterday)
