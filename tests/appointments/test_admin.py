import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appointments import services
from appointments.models import Appointment
from core.models import AuditEvent
from tests.factories import BranchFactory, ParticipantFactory, StaffFactory, UserFactory

from .conftest import open_branch

pytestmark = pytest.mark.django_db
QUEUE = reverse("admin:appointments_appointment_queue")
PERMISSIONS = ["appointments.view_appointment", "appointments.change_appointment"]


@pytest.fixture
def visits(service, branch, other_branch):
    """Tomorrow: two visits at `branch`, one at `other_branch`."""
    day = timezone.localdate() + datetime.timedelta(days=1)
    for target in (branch, branch, other_branch):
        services.appointment_request_create(
            participant=ParticipantFactory(), service_type=service,
            branch_choices=[target], window_start=day, window_end=day,
        )  # fmt: skip
    services.appointments_schedule_pending(service_type_id=service.pk)
    return day


def test_queue_lists_only_the_staff_members_branch_in_order(client, visits, branch):
    client.force_login(StaffFactory(branch=branch, perms=PERMISSIONS))
    response = client.get(QUEUE, {"date": visits.isoformat()})
    assert response.status_code == 200
    queue = list(response.context["queue"])
    assert [a.branch_id for a in queue] == [branch.pk, branch.pk]
    assert [a.scheduled_for for a in queue] == sorted(a.scheduled_for for a in queue)
    # even asking for another branch shows their own
    other = Appointment.objects.exclude(branch=branch).get().branch
    response = client.get(QUEUE, {"date": visits.isoformat(), "branch": other.pk})
    assert {a.branch_id for a in response.context["queue"]} == {branch.pk}


def test_check_in_then_done_and_no_show(client, visits, branch, clock):
    staff = StaffFactory(branch=branch, perms=PERMISSIONS)
    client.force_login(staff)
    first, second = Appointment.objects.filter(branch=branch).order_by("scheduled_for")
    url = f"{QUEUE}?date={visits.isoformat()}"
    # The day before the visit, arrival is refused, with the visit's date.
    response = client.post(url, {"appointment": first.pk, "action": "check_in"}, follow=True)
    assert "Kunjungan Anda pada" in response.content.decode()
    first.refresh_from_db()
    assert first.status == Appointment.Status.ASSIGNED
    clock.move_to(first.scheduled_for - datetime.timedelta(minutes=20))
    client.force_login(staff)  # a new day, a new login (the idle timeout ended the session)
    client.post(url, {"appointment": first.pk, "action": "check_in"})
    first.refresh_from_db()
    assert first.status == Appointment.Status.CHECKED_IN
    assert first.queue_ticket.label == "A-001"
    client.post(url, {"appointment": first.pk, "action": "done"})
    client.post(url, {"appointment": second.pk, "action": "no_show"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Appointment.Status.DONE
    assert first.served_at is not None
    assert second.status == Appointment.Status.NO_SHOW


def test_staff_cannot_act_on_another_branchs_appointment(client, visits, branch):
    client.force_login(StaffFactory(branch=branch, perms=PERMISSIONS))
    foreign = Appointment.objects.exclude(branch=branch).get()
    response = client.post(QUEUE, {"appointment": foreign.pk, "action": "check_in"})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == Appointment.Status.ASSIGNED
    changelist = client.get(reverse("admin:appointments_appointment_changelist"))
    assert foreign not in changelist.context["cl"].result_list


def test_staff_without_permission_or_branch_get_no_queue(client, visits, service):
    client.force_login(UserFactory(is_staff=True, branch=open_branch(BranchFactory(), service)))
    assert client.get(QUEUE).status_code == 403
    client.force_login(StaffFactory(branch=None, perms=PERMISSIONS))
    assert client.get(QUEUE).status_code == 403


def test_superuser_picks_the_branch(client, visits, other_branch):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(QUEUE, {"date": visits.isoformat(), "branch": other_branch.pk})
    assert [a.branch_id for a in response.context["queue"]] == [other_branch.pk]


def queue_views(**filters):
    return AuditEvent.objects.filter(action="viewed", detail__via="queue", **filters)


def test_the_queue_records_each_visit_shown_once_per_window(client, visits, branch):
    staff = StaffFactory(branch=branch, perms=PERMISSIONS)
    client.force_login(staff)
    response = client.get(QUEUE, {"date": visits.isoformat()})
    shown = response.context["queue"]
    assert len(shown) == 2
    assert {(e.detail["id"], e.participant_id, e.actor_id) for e in queue_views()} == {
        (a.pk, a.participant_id, staff.pk) for a in shown
    }
    assert queue_views().first().detail["record"] == "appointments.appointment"

    client.get(QUEUE, {"date": visits.isoformat()})
    assert queue_views().count() == 2


def test_the_queue_of_another_branch_is_neither_shown_nor_audited(client, visits, branch):
    client.force_login(StaffFactory(branch=branch, perms=PERMISSIONS))
    foreign = Appointment.objects.exclude(branch=branch).get()
    client.get(QUEUE, {"date": visits.isoformat(), "branch": foreign.branch_id})
    assert queue_views().count() == 2
    assert not queue_views(participant=foreign.participant).exists()


def test_a_superuser_is_audited_for_the_branch_picked(client, visits, other_branch):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    client.get(QUEUE, {"date": visits.isoformat(), "branch": other_branch.pk})
    assert list(queue_views().values_list("actor", "participant")) == [
        (superuser.pk, Appointment.objects.get(branch=other_branch).participant_id)
    ]


def test_the_queue_costs_the_same_queries_for_1_or_6_visits(client, service, branch):
    day = timezone.localdate() + datetime.timedelta(days=1)
    open_branch(branch, service, counters=6)
    client.force_login(StaffFactory(branch=branch, perms=PERMISSIONS))
    measured = []
    for more in (1, 5):
        for _ in range(more):
            services.appointment_request_create(
                participant=ParticipantFactory(), service_type=service,
                branch_choices=[branch], window_start=day, window_end=day,
            )  # fmt: skip
        services.appointments_schedule_pending(service_type_id=service.pk)
        cache.clear()  # every visit shown is a first view again
        AuditEvent.objects.filter(action="viewed").delete()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(QUEUE, {"date": day.isoformat()})
        shown = len(response.context["queue"])
        assert queue_views().count() == shown
        measured.append((shown, len(queries)))
    assert [shown for shown, _ in measured] == [1, 6]
    assert measured[0][1] == measured[1][1]


def test_the_day_page_is_titled_by_the_day_it_shows(client, visits, branch):
    """Titled "today" only for today; another day is titled by its date."""
    client.force_login(StaffFactory(branch=branch, perms=PERMISSIONS))
    today = client.get(QUEUE)
    assert today.context["title"] == "Kunjungan hari ini"
    tomorrow = client.get(QUEUE, {"date": visits.isoformat()})
    assert tomorrow.context["title"].startswith("Kunjungan pada ")
    assert str(visits.day) in tomorrow.context["title"]
    assert 'value="check_in"' not in tomorrow.content.decode()
