import os

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from . import contribution_reports, data_updates, notifications, services, webhooks
from .models import DataUpdateRequest


@shared_task(ignore_result=False)
def participant_mark_active_task(participant_id: int) -> bool:
    return services.participant_mark_active(participant_id=participant_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def data_update_send_code_task(request_id: int) -> bool:
    """Make and e-mail a confirmation code; the code never passes through the broker."""
    issued = data_updates.data_update_issue_code(request_id=request_id)
    if issued is None:
        return False
    recipient, code = issued
    request = DataUpdateRequest.objects.get(pk=request_id)
    subject, body = notifications.code_message(kind_label=request.get_kind_display(), code=code)
    send_mail(subject, body, None, [recipient])
    return True


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def data_update_notify_task(request_id: int) -> bool:
    """E-mail the participant about the request's current status, once per status."""
    request = data_updates.data_update_claim_notification(request_id=request_id)
    if request is None:
        return False
    recipient = data_updates.notification_recipient(request)
    if not recipient:
        return False
    path = reverse("data_update_detail", args=[request.pk])
    subject, body = notifications.status_message(
        kind_label=request.get_kind_display(),
        status_label=request.get_status_display(),
        reason=request.reason,
        url=f"{settings.PORTAL_BASE_URL}{path}",
    )
    try:
        send_mail(subject, body, None, [recipient])
    except OSError:
        # Let the retry send it: give the claim back.
        DataUpdateRequest.objects.filter(pk=request.pk, notified_status=request.status).update(
            notified_status=""
        )
        raise
    return True


@shared_task(ignore_result=False)
def jht_returns_credit_task(year: int | None = None) -> dict:
    """Beat job (every 1 January): credit last year's declared JHT return. Idempotent per
    year and card, so a retry or a second run credits nothing twice."""
    if year is None:
        year = timezone.localdate().year - 1
    return services.jht_returns_credit_year(year=year)


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
