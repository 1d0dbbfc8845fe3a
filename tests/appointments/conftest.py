import datetime

import pytest
from celery._state import _set_task_join_will_block

from appointments.models import BranchService, OpeningHours, ServiceType
from jmo_portal.celery import app as celery_app
from tests.factories import BranchFactory

TODAY = datetime.date(2026, 12, 7)  # a Monday
TOMORROW = TODAY + datetime.timedelta(days=1)


def day(offset: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=offset)


def open_branch(branch, service, *, counters=1, periods=((9, 10),), weekdays=range(7)):
    """Offer the service with `counters` counters, open `periods` (hours) on `weekdays`."""
    BranchService.objects.update_or_create(
        branch=branch, service_type=service, defaults={"counters": counters}
    )
    for weekday in weekdays:
        for opens, closes in periods:
            OpeningHours.objects.get_or_create(
                branch=branch,
                weekday=weekday,
                opens_at=datetime.time(opens),
                defaults={"closes_at": datetime.time(closes)},
            )
    return branch


@pytest.fixture(autouse=True)
def _tasks_in_process(request):
    """Tasks run eagerly here even after the session's worker fixture switched eager off,
    so no task from these tests reaches a worker while the database is being flushed."""
    if "celery_worker" in request.fixturenames:
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous
    # Eager tasks run in several threads at once (concurrency tests) can leave Celery's
    # process-wide "a join would block" flag set; later tests' result.get() would refuse.
    _set_task_join_will_block(False)


@pytest.fixture
def service(db):
    """A 30-minute service: an hour of opening is two slots."""
    service, _ = ServiceType.objects.update_or_create(
        code="test_visit",
        defaults={"name_id": "Kunjungan uji", "name_en": "Test visit", "duration_minutes": 30},
    )
    return service


@pytest.fixture
def branch(service):
    return open_branch(BranchFactory(code="near", name="KCP Dekat"), service)


@pytest.fixture
def other_branch(service):
    return open_branch(BranchFactory(code="far", name="KCP Jauh"), service)
