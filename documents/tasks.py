import os
import uuid

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from . import services


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def document_verify_task(self, document_id: int) -> str | None:
    """Verify one document. A redelivered message (same id) takes over its dead run."""
    token = self.request.id or uuid.uuid4().hex
    worker = f"{self.request.hostname or 'local'}:{os.getpid()}"
    return services.document_verify(document_id=document_id, claim_token=token, worker=worker)


@shared_task(autoretry_for=(OSError, OperationalError), retry_backoff=True, max_retries=8)
def document_file_remove_task(document_id: int) -> bool:
    """Delete the stored bytes of a file the check refused as unsafe or unreadable."""
    return services.document_file_remove(document_id=document_id)


@shared_task
def documents_requeue_stuck_task() -> int:
    """Beat job: documents stuck in checking (a worker died) are queued again."""
    return len(services.documents_requeue_stuck(now=timezone.now()))
