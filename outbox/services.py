"""One way to queue a Celery task from a write: `enqueue_on_commit(task, *ids)`.

With a broker (production, live-worker tests) a transactional outbox row is written in the
caller's transaction and the task is sent right after commit; if the broker is down the
row stays pending and `outbox_relay` (a beat job) sends it later with backoff. The tasks
are idempotent, so the rare double send (sent, then the process died before marking the
row) changes nothing. Without a broker (the embedded default, eager tasks) there is nothing
that can be down: the task simply runs on commit, as before, with no extra row or query.
"""

import datetime
import functools
import logging

from celery import current_app
from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

# The after-commit send normally wins; the relay leaves fresh rows alone this long so it
# does not race it (a row still pending after that means the send failed or the process died).
RELAY_GRACE = datetime.timedelta(seconds=60)
MAX_BACKOFF = datetime.timedelta(hours=1)
RELAY_BATCH = 500
# Sent rows are kept a while for operators tracing a task, then deleted by the relay job.
KEEP_SENT = datetime.timedelta(days=7)


def enqueue_on_commit(task, *args) -> None:
    """Queue `task(*args)` once the current transaction commits (now if there is none)."""
    if task.app.conf.task_always_eager:
        transaction.on_commit(functools.partial(task.delay, *args))
        return
    message = OutboxMessage.objects.create(
        task_name=task.name, args=list(args), next_attempt_at=timezone.now() + RELAY_GRACE
    )
    transaction.on_commit(
        functools.partial(_send, message_id=message.pk, task_name=task.name, args=list(args))
    )


def backoff(attempts: int) -> datetime.timedelta:
    """30 s, 1 min, 2 min, ... at most an hour between tries."""
    return min(datetime.timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _publish(task_name: str, args: list) -> None:
    app = current_app
    # A connection of its own, built from the broker URL as configured now, without kombu's
    # retries: a request must not hang on a dead broker, the relay tries again later.
    with app.connection_for_write() as connection:
        # Fails in milliseconds on a refused connection (publishing alone retried for 6 s).
        connection.ensure_connection(max_retries=0)
        app.tasks[task_name].apply_async(args=args, connection=connection, retry=False)


def _send(*, message_id: int, task_name: str, args: list) -> bool:
    try:
        _publish(task_name, args)
    except Exception as exc:  # noqa: BLE001 - any broker failure leaves the row pending
        attempts = OutboxMessage.objects.get(pk=message_id).attempts + 1
        OutboxMessage.objects.filter(pk=message_id, status=OutboxMessage.Status.PENDING).update(
            attempts=attempts,
            next_attempt_at=timezone.now() + backoff(attempts),
            last_error=f"{exc.__class__.__name__}: {exc}"[:300],
        )
        logger.warning("outbox: could not send message %s (%s), kept pending", message_id,
                       exc.__class__.__name__)  # fmt: skip
        return False
    OutboxMessage.objects.filter(pk=message_id).update(
        status=OutboxMessage.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def outbox_relay(*, now: datetime.datetime | None = None) -> int:
    """Send the pending messages that are due; returns how many went out.

    Rows are locked (skipped if another relay holds them) so two relays never send one row.
    """
    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        due = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")[:RELAY_BATCH]
        )
        for message in due:
            sent += _send(message_id=message.pk, task_name=message.task_name, args=message.args)
    return sent


def outbox_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete sent messages older than KEEP_SENT; pending ones are never deleted."""
    cutoff = (now or timezone.now()) - KEEP_SENT
    deleted, _ = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.SENT, sent_at__lt=cutoff
    ).delete()
    return deleted
