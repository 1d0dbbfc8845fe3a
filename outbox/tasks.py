from celery import shared_task

from . import services


@shared_task
def outbox_relay_task() -> int:
    """Beat job: send the tasks whose after-commit send failed (broker was down), then
    drop sent rows past their keeping time."""
    sent = services.outbox_relay()
    services.outbox_prune()
    return sent
