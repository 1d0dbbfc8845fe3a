from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def sms_deliver_task(self, message_id: int) -> str:
    """One attempt at sending an SMS (the id only travels; the service sends it once).

    A temporary gateway failure is retried with exponential backoff up to SMS_MAX_ATTEMPTS,
    counted on the message row, so a redelivered task counts too.
    """
    status, wait = services.sms_deliver(message_id=message_id)
    if wait is not None and not self.request.is_eager:
        # In-process (eager) mode cannot wait: the beat job below picks the message up.
        raise self.retry(countdown=wait)
    return status


@shared_task
def sms_retry_due_task() -> int:
    """Beat job: unfinished SMS past their next attempt (a lost retry message, a dead worker,
    or in-process mode) are tried again."""
    ids = services.sms_deliveries_overdue(now=timezone.now())
    for message_id in ids:
        sms_deliver_task.delay(message_id)
    return len(ids)
