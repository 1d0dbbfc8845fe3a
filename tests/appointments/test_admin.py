import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from appointments import services
from appointments.models import Appointment
from tests.factories import BranchFactory, ParticipantFactory, UserFactory

from .conftest import open_branch

pytestmark = pytest.mark.django_db
QUEUE = reverse("admin:appointments_appointment_queue")


def staff_of(branch):
    user = UserFactory(is_staff=True, branch=branch)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="appointments",
            codename__in=["view_appointment", "change_appointment"],
        )
    )
    return user


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
    client.force_login(staff_of(branch))
    response = client.get(QUEUE, {"date": visits.isoformat()})
    assert response.status_code == 200
    queue = list(response.context["queue"])
    assert [a.branch_id for a in queue] == [branch.pk, branch.pk]
    assert [a.scheduled_for for a in queue] == sorted(a.scheduled_for for a in queue)
    # even asking for another branch shows their own
    other = Appointment.objects.exclude(branch=branch).get().branch
    response = client.get(QUEUE, {"date": visits.isoformat(), "branch": other.pk})
    assert {a.branch_id for a in response.context["queue"]} == {branch.pk}


def test_check_in_then_done_and_no_show(client, visits, branch):
    client.force_login(staff_of(branch))
    first, second = Appointment.objects.filter(branch=branch).order_by("scheduled_for")
    url = f"{QUEUE}?date={visits.isoformat()}"
    client.post(url, {"appointment": first.pk, "action": "check_in"})
    client.post(url, {"appointment": first.pk, "action": "done"})
    client.post(url, {"appointment": second.pk, "action": "no_show"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Appointment.Status.DONE
    assert first.served_at is not None
    assert second.status == Appointment.Status.NO_SHOW


def test_staff_cannot_act_on_another_branchs_appointment(client, visits, branch):
    client.force_login(staff_of(branch))
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
    client.force_login(staff_of(None))
    assert client.get(QUEUE).status_code == 403


def test_superuser_picks_the_branch(client, visits, other_branch):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(QUEUE, {"date": visits.isoformat(), "branch": other_branch.pk})
    assert [a.branch_id for a in response.context["queue"]] == [other_branch.pk]
