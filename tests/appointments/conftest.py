import datetime

import pytest

from appointments.models import BranchService, OpeningHours, ServiceType
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
