"""Broker down: a submission still commits and its Celery work is sent later by the relay.

The broker is "down" for real: its URL points at a local port nobody listens on, so the
connection is refused. Only the Redis test needs the real broker back and a live worker.
"""

import contextlib
import datetime
import socket
import time

import pytest
from django.db import transaction
from django.utils import timezone

from core.models import AuditEvent
from documents.models import Document, DocumentCheck
from documents.services import document_upload
from jmo_portal.celery import app as celery_app
from outbox.models import OutboxMessage
from outbox.services import KEEP_SENT, RELAY_GRACE, backoff, outbox_prune, outbox_relay
from outbox.tasks import outbox_relay_task
from tests.documents.files import upload
from tests.factories import OutboxMessageFactory, ParticipantFactory


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def broker(url: str):
    """Send tasks to `url` for real (not eagerly) for the duration of the block.

    The write URL, because Celery lets a CELERY_BROKER_URL environment variable win over
    `broker_url` in the configuration; producers connect through `broker_write_url`.
    """
    conf = celery_app.conf
    saved = conf.get("broker_write_url"), conf.task_always_eager
    conf.broker_write_url, conf.task_always_eager = url, False
    try:
        yield
    finally:
        conf.broker_write_url, conf.task_always_eager = saved


def dead_broker():
    return broker(f"redis://127.0.0.1:{closed_port()}/0")


def upload_committed() -> Document:
    with transaction.atomic():
        document = document_upload(
            owner=ParticipantFactory(), kind="ktp", upload=upload(), actor=None
        )
    return document


def test_backoff_doubles_from_thirty_seconds_up_to_an_hour():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(30) == datetime.timedelta(hours=1)


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_the_task_runs_on_commit_and_no_row_is_written(media_root):
    """The embedded default (eager tasks) has no broker to lose: nothing goes to the outbox."""
    document = upload_committed()
    assert Document.objects.get(pk=document.pk).status == Document.Status.VERIFIED
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_upload_commits_and_its_message_stays_pending(media_root):
    started = time.monotonic()
    with dead_broker():
        document = upload_committed()
    elapsed = time.monotonic() - started

    assert Document.objects.get(pk=document.pk).status == Document.Status.PENDING
    message = OutboxMessage.objects.get()
    assert (message.task_name, message.args) == (
        "documents.tasks.document_verify_task",
        [document.pk],
    )
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 1
    assert "OperationalError" in message.last_error
    assert message.next_attempt_at > timezone.now()
    assert elapsed < 3, "a dead broker must not hold the request up"

    # Not due yet: the relay leaves it alone.
    assert outbox_relay() == 0
    # Due, but the broker is still down: it stays pending and waits longer.
    later = timezone.now() + datetime.timedelta(hours=2)
    with dead_broker():
        assert outbox_relay(now=later) == 0
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.PENDING, 2)
    assert message.next_attempt_at - timezone.now() > backoff(1)


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_submission_leaves_no_message(media_root):
    with dead_broker(), contextlib.suppress(RuntimeError), transaction.atomic():
        document_upload(owner=ParticipantFactory(), kind="ktp", upload=upload(), actor=None)
        raise RuntimeError("the request failed after the upload")
    assert not OutboxMessage.objects.exists()
    assert not Document.objects.exists()


@pytest.mark.redis
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_when_the_broker_returns_the_relay_sends_it_and_a_worker_runs_it_once(celery_worker):
    with dead_broker():
        document = upload_committed()
    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.PENDING
    time.sleep(1)
    assert Document.objects.get(pk=document.pk).status == Document.Status.PENDING

    # Broker back (celery_worker left task_always_eager off): what the beat job runs.
    assert outbox_relay(now=timezone.now() + RELAY_GRACE + backoff(1)) == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.sent_at is not None

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        document.refresh_from_db()
        if document.is_final:
            break
        time.sleep(0.1)
    assert document.status == Document.Status.VERIFIED
    # A second relay run finds nothing; the work was done exactly once.
    assert outbox_relay_task() == 0  # what beat runs every minute
    time.sleep(1)
    assert DocumentCheck.objects.filter(document=document).count() == 6  # one row per check
    assert AuditEvent.objects.filter(action="document_checked",
                                     detail__document=document.pk).count() == 1  # fmt: skip
    assert document.attempts == 1


@pytest.mark.django_db
def test_sent_rows_are_pruned_after_a_week_and_pending_ones_never():
    now = timezone.now()
    old = now - KEEP_SENT - datetime.timedelta(minutes=1)
    sent_old = OutboxMessageFactory(
        task_name="x", args=[1], status=OutboxMessage.Status.SENT, sent_at=old, next_attempt_at=old
    )
    sent_new = OutboxMessageFactory(
        task_name="x", args=[2], status=OutboxMessage.Status.SENT, sent_at=now, next_attempt_at=now
    )
    pending_old = OutboxMessageFactory(task_name="x", args=[3], next_attempt_at=old)

    assert outbox_prune(now=now) == 1
    remaining = set(OutboxMessage.objects.values_list("pk", flat=True))
    assert remaining == {sent_new.pk, pending_old.pk}
    assert sent_old.pk not in remaining
