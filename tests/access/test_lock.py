"""Kunci akses online: a locked account logs in nowhere, web or API, nor recovers online."""

import pytest
from django.core import mail
from django.urls import reverse

from access import services
from access.models import AccessLock
from core.models import AuditEvent
from participants.models import User
from tests.factories import TEST_PASSWORD, StaffFactory

from .conftest import BIRTH

pytestmark = pytest.mark.django_db

RIGHT_ANSWERS = {"kpj_number": "10000000210", "birth_date": BIRTH.isoformat(),
                 "start_month": "2019-07"}  # fmt: skip


def login(client):
    return client.post(
        reverse("account_login"), {"login": "asep@example.test", "password": TEST_PASSWORD}
    )


def test_participant_locks_from_a_confirmation_page_and_is_logged_out(client, holder):
    client.force_login(holder.user)
    page = client.get(reverse("access:lock"))
    assert page.status_code == 200
    assert 'action="/access/lock/"' in page.content.decode()
    assert not AccessLock.objects.exists()  # the GET changes nothing

    response = client.post(reverse("access:lock"))

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    holder.user.refresh_from_db()
    assert holder.user.is_active is False
    lock = AccessLock.objects.get()
    assert (lock.kind, lock.source, lock.locked_by) == ("online_access", "participant", holder.user)
    assert AuditEvent.objects.filter(participant=holder, action="access_locked").exists()


def test_a_locked_account_cannot_log_in_on_the_web(client, holder):
    services.access_lock(participant=holder, source="participant", actor=holder.user)
    response = login(client)
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response["Location"] == reverse("account_inactive")
    page = client.get(response["Location"]).content.decode()
    assert reverse("access:recover_branch") in page


def test_a_locked_account_cannot_use_the_api_even_with_a_session_from_before(client, holder):
    response = login(client)
    assert response.status_code == 302, response
    assert response["Location"] == reverse("dashboard")
    assert client.get("/api/v1/me/balance").status_code == 200
    services.access_lock(participant=holder, source="participant", actor=holder.user)

    assert client.get("/api/v1/me/balance").status_code == 403
    assert client.get(reverse("dashboard")).status_code == 302  # to the login page


def test_a_locked_account_cannot_recover_online_even_with_every_answer_right(client, holder):
    services.access_lock(participant=holder, source="participant", actor=holder.user)
    response = client.post(reverse("access:recover_online"), {"nik": holder.nik, **RIGHT_ANSWERS})
    assert response.status_code == 200
    assert "access.recovery" not in client.session


def test_a_locked_member_without_an_account_gets_no_signup_code(client, holder, commit):
    holder.user = None
    holder.save(update_fields=["user"])
    services.access_lock(participant=holder, source="staff",
                         actor=StaffFactory(branch=holder.branch))  # fmt: skip
    data = {"nik": holder.nik, "kpj_number": "10000000210", "birth_date": BIRTH.isoformat()}
    commit(client.post, reverse("account_signup"), data)
    assert mail.outbox == []


PERMS = ["access.view_accesslock", "access.add_accesslock", "access.change_accesslock"]


def test_staff_of_the_branch_lock_and_unlock_in_the_admin(client, holder):
    staff = StaffFactory(branch=holder.branch, perms=PERMS)
    client.force_login(staff)
    response = client.post(
        reverse("admin:access_accesslock_add"),
        {"participant": holder.pk, "reason": "Lost phone and KTP, reported at the counter"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    holder.user.refresh_from_db()
    assert holder.user.is_active is False
    lock = AccessLock.objects.get()
    assert (lock.source, lock.locked_by) == ("staff", staff)

    client.post(
        reverse("admin:access_accesslock_changelist"),
        {"action": "lift", "_selected_action": [lock.pk]},
    )
    lock.refresh_from_db()
    holder.user.refresh_from_db()
    assert lock.lifted_by == staff
    assert holder.user.is_active is True
    assert AuditEvent.objects.filter(participant=holder, action="access_unlocked").exists()
    assert login(type(client)()).status_code == 302


def test_staff_of_another_branch_can_neither_see_nor_lock(client, holder):
    stranger = StaffFactory(perms=PERMS)
    services.access_lock(participant=holder, source="participant", actor=holder.user)
    client.force_login(stranger)
    listing = client.get(reverse("admin:access_accesslock_changelist"))
    assert holder.full_name not in listing.content.decode()
    with pytest.raises(services.PermissionDenied):
        services.access_unlock(participant=holder, actor=stranger, via="staff")
    refused = client.post(reverse("admin:access_accesslock_add"),
                          {"participant": holder.pk, "reason": "x"})  # fmt: skip
    assert refused.status_code == 200  # the form does not offer another branch's participant
    assert AccessLock.objects.count() == 1
    assert User.objects.get(pk=holder.user_id).is_active is False


@pytest.mark.parametrize("identifier", ["nik", "kpj"])
def test_a_locked_account_cannot_log_in_with_nik_or_kpj_either(client, holder, identifier):
    services.access_lock(participant=holder, source="participant", actor=holder.user)
    login_as = holder.nik if identifier == "nik" else "10000000210"
    client.post(reverse("account_login"), {"login": login_as, "password": TEST_PASSWORD})
    assert "_auth_user_id" not in client.session
