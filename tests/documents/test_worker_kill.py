"""A worker killed in the middle of a verification: the document still ends once, finally.

Real Redis, a real prefork worker on the test database, a real SIGKILL. The only test seam is
DOCUMENTS_VERIFY_TEST_DELAY_SECONDS (settings/test.py), passed to the worker's environment,
which holds the check open long enough to kill it.
"""

import os
import signal
import time

import pytest

from core.models import AuditEvent
from documents.models import Document, DocumentCheck
from documents.services import document_upload
from documents.tasks import document_verify_task, documents_requeue_stuck_task
from tests.documents.files import upload
from tests.factories import ParticipantFactory
from tests.polling import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def claimed(document_id):
    document = Document.objects.get(pk=document_id)
    return document if document.status == Document.Status.VERIFYING else None


def final(document_id):
    document = Document.objects.get(pk=document_id)
    return document if document.is_final else None


def assert_finished_exactly_once(document):
    assert document.status == Document.Status.VERIFIED
    assert DocumentCheck.objects.filter(document=document).count() == 6
    assert AuditEvent.objects.filter(action="document_checked",
                                     detail__document=document.pk).count() == 1  # fmt: skip


def test_killing_the_child_running_the_check_redelivers_it_once(start_worker):
    worker = start_worker(DOCUMENTS_VERIFY_TEST_DELAY_SECONDS=2)
    document = document_upload(owner=ParticipantFactory(), kind="ktp", upload=upload(), actor=None)

    first = wait_for(lambda: claimed(document.pk), timeout=20, what="the worker to claim it")
    child_pid = int(first.claimed_by.rsplit(":", 1)[1])
    assert child_pid != worker.process.pid
    os.kill(child_pid, signal.SIGKILL)

    # acks_late + reject_on_worker_lost: the message goes back and a new child takes it over.
    done = wait_for(lambda: final(document.pk), timeout=30, what="a final status")
    assert done.attempts == 2
    assert int(done.claimed_by.rsplit(":", 1)[1]) != child_pid
    assert_finished_exactly_once(done)


def test_a_dead_worker_is_replaced_and_the_beat_job_finishes_the_document(start_worker, settings):
    slow = start_worker(DOCUMENTS_VERIFY_TEST_DELAY_SECONDS=30)
    document = document_upload(owner=ParticipantFactory(), kind="ktp", upload=upload(), actor=None)
    first = wait_for(lambda: claimed(document.pk), timeout=20, what="the worker to claim it")
    slow.kill()  # parent and child: nothing left to redeliver the message

    settings.DOCUMENTS_STUCK_AFTER_SECONDS = 1
    start_worker(DOCUMENTS_STUCK_AFTER_SECONDS=1)
    time.sleep(1.2)
    assert Document.objects.get(pk=document.pk).status == Document.Status.VERIFYING
    assert documents_requeue_stuck_task() == 1  # what beat runs every 5 minutes

    done = wait_for(lambda: final(document.pk), timeout=30, what="a final status")
    assert done.claim_token != first.claim_token
    assert_finished_exactly_once(done)

    # The dead worker's message, if Redis ever hands it out again, changes nothing.
    late = document_verify_task.apply_async(args=[document.pk], task_id=first.claim_token)
    assert late.get(timeout=20) is None
    assert_finished_exactly_once(Document.objects.get(pk=document.pk))
