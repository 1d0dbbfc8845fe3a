"""The queue under concurrency, on PostgreSQL with a connection per thread: numbers drawn at
the same moment differ, and counters calling at the same moment get different people."""

import threading

import pytest

from appointments import services
from appointments.models import QueueTicket
from tests.factories import BranchFactory, StaffFactory

from .conftest import open_branch
from .test_concurrency import run_threads

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def branch(service):
    return open_branch(BranchFactory(code="busy"), service, counters=4, periods=((0, 23),))


def test_walk_ins_at_the_same_moment_get_different_numbers(service, branch):
    start = threading.Barrier(6)

    def issue():
        start.wait()
        services.ticket_issue_walk_in(branch=branch, service_type=service, channel="kiosk")

    run_threads(*[issue] * 6)
    numbers = sorted(QueueTicket.objects.values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4, 5, 6]


def test_counters_calling_at_the_same_moment_get_different_numbers(service, branch):
    for _ in range(4):
        services.ticket_issue_walk_in(branch=branch, service_type=service, channel="kiosk")
    staff = StaffFactory(branch=branch)
    start = threading.Barrier(4)
    called = []

    def call(counter):
        def run():
            start.wait()
            called.append(services.ticket_call_next(branch=branch, counter=counter, staff=staff))

        return run

    run_threads(*(call(counter) for counter in range(1, 5)))
    assert len({ticket.pk for ticket in called if ticket}) == len(called) == 4
    assert sorted(QueueTicket.objects.values_list("counter", flat=True)) == [1, 2, 3, 4]
