import pytest
from celery.result import EagerResult

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
