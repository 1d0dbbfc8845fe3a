import pytest
from celery.result import EagerResult
from django.conf import settings

from jmo_portal.celery import app as celery_app
from participants.tasks import participant_mark_active_task
from tests.factories import ParticipantFactory


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_against_the_database(celery_worker):
    participant = ParticipantFactory()
    assert participant.last_active_at is None

    result = participant_mark_active_task.delay(participant.pk)

    assert not isinstance(result, EagerResult)
    assert result.get(timeout=30) is True
    participant.refresh_from_db()
    assert participant.last_active_at is not None


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_live_worker_consumes_every_queue(celery_worker):
    """Started with no -Q, like `make run` and `make worker`: no task waits for another pool."""
    replies = celery_app.control.inspect(destination=[celery_worker.name], timeout=5)
    consumed = {queue["name"] for queue in replies.active_queues()[celery_worker.name]}
    assert consumed == {queue.name for queue in settings.CELERY_TASK_QUEUES}
