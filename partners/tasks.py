import os

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from . import contribution_reports, webhooks


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    time_limit=30 * 60,
    soft_time_limit=28 * 60,
)
def contribution_report_process_task(self, report_id: int) -> str:
    """Check and post one large contribution report; a redelivered message runs it again,
    which posts it once: a final report is left alone (see contribution_reports)."""
    worker = f"{self.request.hostname or 'local'}:{os.getpid()}"
    return contribution_reports.contribution_report_process(report_id=report_id, worker=worker)


@shared_task
def contribution_reports_requeue_stuck_task() -> int:
    """Beat job: contribution reports left queued or processing (a worker died) run again."""
    ids = contribution_reports.contribution_reports_stuck(now=timezone.now())
    for report_id in ids:
        contribution_report_process_task.delay(report_id)
    return len(ids)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def webhook_deliver_task(self, delivery_id: int) -> str:
    """One attempt at a webhook delivery; a failure is retried with exponential backoff
    until WEBHOOK_MAX_ATTEMPTS (counted on the delivery row, so redeliveries count too)."""
    status, wait = webhooks.webhook_deliver(delivery_id=delivery_id)
    if wait is not None and not self.request.is_eager:
        # In-process (eager) mode cannot wait: the beat job below picks the delivery up.
        raise self.retry(countdown=wait)
    return status


@shared_task
def webhook_retry_due_task() -> int:
    """Beat job: pending deliveries well past their next attempt (a lost retry message, or
    in-process mode) are queued again."""
    ids = webhooks.webhook_deliveries_overdue(now=timezone.now())
    for delivery_id in ids:
        webhook_deliver_task.delay(delivery_id)
    return len(ids)
