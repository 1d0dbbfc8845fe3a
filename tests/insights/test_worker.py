"""A real worker runs the aggregation; two runs of the same day at once still leave one set."""

import datetime

import pytest
from celery.result import EagerResult
from django.contrib.auth import get_user_model

from insights.models import DailySummary
from insights.tasks import insights_aggregate_day_task
from tests.factories import BranchFactory, ClaimFactory, ParticipantFactory, UserFactory

DAY = datetime.date(2026, 11, 10)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_aggregates_a_day_and_concurrent_runs_agree(celery_worker):
    branches = [BranchFactory() for _ in range(3)]
    for branch in branches:
        user = UserFactory(password=None)
        get_user_model().objects.filter(pk=user.pk).update(
            date_joined=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
        )
        participant = ParticipantFactory(user=user, branch=branch)
        ClaimFactory(
            participant=participant,
            submitted_at=datetime.datetime(2026, 11, 10, 3, tzinfo=datetime.UTC),
        )

    results = [insights_aggregate_day_task.delay(DAY.isoformat()) for _ in range(2)]
    assert not any(isinstance(result, EagerResult) for result in results)
    assert [result.get(timeout=60) for result in results] == [4, 4]
    rows = DailySummary.objects.filter(day=DAY, is_total=False)
    assert rows.count() == 3
    assert DailySummary.objects.get(day=DAY, is_total=True).registered == 3
    assert {row.registered for row in rows} == {1}
    assert all(row.claims["JHT|online"]["submitted"] == 1 for row in rows)
